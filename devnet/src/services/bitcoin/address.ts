/**
 * Bitcoin addresses as the Bitcoin canister parses them (rust-bitcoin's `Address::from_str`
 * followed by `require_network`): base58check P2PKH/P2SH (BIP13) and segwit bech32/bech32m
 * (BIP173, BIP350) for mainnet (`bc`, 0x00/0x05), testnet (`tb`, 0x6f/0xc4) and regtest (`bcrt`,
 * sharing testnet's base58 prefixes).
 */
import { bech32, bech32m, createBase58check } from '@scure/base';
import { sha256 } from './bytes.ts';
import { InvalidAddressError } from './errors.ts';
import { p2pkhScript, p2shScript, witnessProgram, witnessScript } from './script.ts';

export type BitcoinNetwork = 'mainnet' | 'testnet' | 'regtest';

const base58check = createBase58check(sha256);

const HRP: Record<BitcoinNetwork, string> = { mainnet: 'bc', testnet: 'tb', regtest: 'bcrt' };
const P2PKH_PREFIX = { mainnet: 0x00, test: 0x6f } as const;
const P2SH_PREFIX = { mainnet: 0x05, test: 0xc4 } as const;

export interface ParsedAddress {
  /** The networks whose addresses have this form (base58 testnet prefixes serve testnet and regtest). */
  networks: BitcoinNetwork[];
  scriptPubKey: Uint8Array;
}

/** Decodes any supported address without regard to network; throws `InvalidAddressError('malformed')`. */
export function parseAddress(address: string): ParsedAddress {
  const malformed = (details: string) => new InvalidAddressError({ address, kind: 'malformed', details });
  const lower = address.toLowerCase();
  // A known human-readable part and the separator mark a segwit address (no base58 address starts so).
  const segwitNetwork = (['regtest', 'mainnet', 'testnet'] as const).find((n) => lower.startsWith(`${HRP[n]}1`));
  if (segwitNetwork) {
    // BIP173: mixed case is invalid; all-uppercase is allowed.
    if (address !== lower && address !== address.toUpperCase()) throw malformed('mixed-case bech32 string');
    let words: number[];
    let variant: 'bech32' | 'bech32m';
    const asBech32 = bech32.decodeUnsafe(lower);
    const asBech32m = asBech32 ? undefined : bech32m.decodeUnsafe(lower);
    if (asBech32) {
      words = asBech32.words;
      variant = 'bech32';
    } else if (asBech32m) {
      words = asBech32m.words;
      variant = 'bech32m';
    } else {
      throw malformed('bad bech32/bech32m checksum or characters');
    }
    if (words.length === 0) throw malformed('empty segwit data');
    const version = words[0]!;
    if (version > 16) throw malformed(`witness version ${version} is above 16`);
    const program = bech32.fromWordsUnsafe(words.slice(1));
    if (!program) throw malformed('invalid padding in the witness program');
    // BIP350: version 0 uses bech32, versions 1..16 use bech32m.
    if ((version === 0) !== (variant === 'bech32')) throw malformed(`witness version ${version} encoded with ${variant}`);
    if (program.length < 2 || program.length > 40) throw malformed(`witness program of ${program.length} bytes`);
    if (version === 0 && program.length !== 20 && program.length !== 32) {
      throw malformed(`version 0 witness program of ${program.length} bytes (must be 20 or 32)`);
    }
    return { networks: [segwitNetwork], scriptPubKey: witnessScript(version, program) };
  }
  let payload: Uint8Array;
  try {
    payload = base58check.decode(address);
  } catch (e) {
    throw malformed(`neither bech32 with a known prefix nor base58check (${(e as Error).message})`);
  }
  if (payload.length !== 21) throw malformed(`base58 payload of ${payload.length} bytes (must be 21)`);
  const prefix = payload[0]!;
  const hash = payload.subarray(1);
  if (prefix === P2PKH_PREFIX.mainnet) return { networks: ['mainnet'], scriptPubKey: p2pkhScript(hash) };
  if (prefix === P2SH_PREFIX.mainnet) return { networks: ['mainnet'], scriptPubKey: p2shScript(hash) };
  if (prefix === P2PKH_PREFIX.test) return { networks: ['testnet', 'regtest'], scriptPubKey: p2pkhScript(hash) };
  if (prefix === P2SH_PREFIX.test) return { networks: ['testnet', 'regtest'], scriptPubKey: p2shScript(hash) };
  throw malformed(`unknown base58 version byte 0x${prefix.toString(16).padStart(2, '0')}`);
}

/**
 * The scriptPubKey an address stands for on `network`; throws `InvalidAddressError` of kind
 * `malformed` or `wrong-network`, the two cases the Bitcoin canister tells apart.
 *
 * @example
 * addressToScript({ address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080', network: 'regtest' });
 */
export function addressToScript(args: { address: string; network: BitcoinNetwork }): Uint8Array {
  const parsed = parseAddress(args.address);
  if (!parsed.networks.includes(args.network)) {
    throw new InvalidAddressError({
      address: args.address,
      kind: 'wrong-network',
      details: `an address of ${parsed.networks.join('/')}, expected ${args.network}`,
    });
  }
  return parsed.scriptPubKey;
}

/** The address of a standard output script on `network`, or null for scripts without one. */
export function scriptToAddress(args: { script: Uint8Array; network: BitcoinNetwork }): string | null {
  const { script, network } = args;
  const wp = witnessProgram(script);
  if (wp) {
    if (wp.version === 0 && wp.program.length !== 20 && wp.program.length !== 32) return null;
    const coder = wp.version === 0 ? bech32 : bech32m;
    return coder.encode(HRP[network], [wp.version, ...coder.toWords(wp.program)]);
  }
  const test = network !== 'mainnet';
  if (script.length === 25 && script[0] === 0x76 && script[1] === 0xa9 && script[2] === 20 && script[23] === 0x88 && script[24] === 0xac) {
    return base58check.encode(Uint8Array.of(test ? P2PKH_PREFIX.test : P2PKH_PREFIX.mainnet, ...script.subarray(3, 23)));
  }
  if (script.length === 23 && script[0] === 0xa9 && script[1] === 20 && script[22] === 0x87) {
    return base58check.encode(Uint8Array.of(test ? P2SH_PREFIX.test : P2SH_PREFIX.mainnet, ...script.subarray(2, 22)));
  }
  return null;
}
