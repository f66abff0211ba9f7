/**
 * Bitcoin networks, addresses from the IC's public keys, and address parsing.
 *
 * - Receive addresses: P2WPKH (BIP141, bech32 per BIP173) from the 33-byte SEC1 key that
 *   `ecdsa_public_key` returns, and P2TR key-path (BIP341 with the BIP86 tweak, bech32m per
 *   BIP350) from the 33-byte key that `schnorr_public_key` (bip340secp256k1) returns.
 * - Addresses a user may send to: P2PKH and P2SH (base58check), P2WPKH and P2WSH (bech32),
 *   P2TR (bech32m), each checked against the network.
 */
import { p2tr, p2wpkh, OutScript } from '@scure/btc-signer';
import { taprootTweakPubkey, type BTC_NETWORK } from '@scure/btc-signer/utils.js';
import { bech32, bech32m, createBase58check, hex } from '@scure/base';
import { secp256k1, schnorr } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import { InvalidAddressError, InvalidNetworkError, InvalidPublicKeyError, UnsupportedAddressError, WrongNetworkError } from './errors.ts';

/** The networks of the IC's Bitcoin canister (`variant { mainnet; testnet; regtest }`). */
export type BitcoinNetwork = 'mainnet' | 'testnet' | 'regtest';
export const BITCOIN_NETWORKS: readonly BitcoinNetwork[] = ['mainnet', 'testnet', 'regtest'];

/** The standard output types a user may send to. */
export type AddressType = 'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr';

export type ParsedAddress = {
  type: AddressType;
  network: BitcoinNetwork;
  /** The output script the address stands for. */
  scriptPubKey: Uint8Array;
};

/**
 * Address parameters per network (Bitcoin Core's chainparams.cpp). Testnet (3 and 4), signet
 * and regtest share the base58 version bytes; only the bech32 prefix tells regtest apart.
 */
const NETWORK_PARAMS: Record<BitcoinNetwork, BTC_NETWORK> = {
  mainnet: { bech32: 'bc', pubKeyHash: 0x00, scriptHash: 0x05, wif: 0x80 },
  testnet: { bech32: 'tb', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
  regtest: { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef },
};

/** BIP173: a segwit address is at most 90 characters; base58 ones are shorter. */
const MAX_ADDRESS_LENGTH = 90;

const base58check = createBase58check(sha256);

export type AssertNetworkErrorType = InvalidNetworkError;
export type P2wpkhAddressErrorType = InvalidNetworkError | InvalidPublicKeyError;
export type P2trAddressErrorType = InvalidNetworkError | InvalidPublicKeyError;
export type TaprootOutputKeyErrorType = InvalidPublicKeyError;
export type AssertCompressedPublicKeyErrorType = InvalidPublicKeyError;
export type ParseAddressErrorType = InvalidNetworkError | InvalidAddressError | WrongNetworkError | UnsupportedAddressError;

/**
 * Throws unless `network` is `mainnet`, `testnet` or `regtest`.
 *
 * @throws {InvalidNetworkError}
 */
export function assertNetwork(network: unknown): asserts network is BitcoinNetwork {
  if (typeof network !== 'string' || !(BITCOIN_NETWORKS as readonly string[]).includes(network)) {
    throw new InvalidNetworkError(describeValue(network));
  }
}

/** Hex of `value` if it is bytes, else its string form: for error messages. */
function describeKey(value: unknown): string {
  return value instanceof Uint8Array ? hex.encode(value) : describeValue(value);
}

/**
 * Checks a 33-byte SEC1 compressed secp256k1 key, the form in which the IC returns both
 * ECDSA and BIP340 public keys: prefix 0x02 or 0x03, then an x coordinate on the curve.
 *
 * @throws {InvalidPublicKeyError}
 */
export function assertCompressedPublicKey(publicKey: unknown): asserts publicKey is Uint8Array {
  if (!(publicKey instanceof Uint8Array)) {
    throw new InvalidPublicKeyError(describeKey(publicKey), 'expected a Uint8Array');
  }
  if (publicKey.length !== 33) {
    throw new InvalidPublicKeyError(hex.encode(publicKey), `expected 33 bytes (SEC1 compressed), got ${publicKey.length}`);
  }
  if (publicKey[0] !== 0x02 && publicKey[0] !== 0x03) {
    throw new InvalidPublicKeyError(
      hex.encode(publicKey),
      `expected prefix 0x02 or 0x03, got 0x${publicKey[0].toString(16).padStart(2, '0')}`,
    );
  }
  try {
    // Decompresses: rejects x >= p and x with no matching y (not on the curve).
    secp256k1.Point.fromBytes(publicKey);
  } catch {
    throw new InvalidPublicKeyError(hex.encode(publicKey), 'not a point on secp256k1');
  }
}

/**
 * BIP340 x-only key from the IC's 33-byte key: drop the prefix. BIP340 keys stand for the
 * point with an even y, and the IC's bip340secp256k1 signatures verify against that point
 * whatever the prefix of the returned key.
 */
function toXOnly(publicKey: unknown): Uint8Array {
  assertCompressedPublicKey(publicKey);
  return publicKey.slice(1);
}

/**
 * The P2WPKH address of a 33-byte SEC1 compressed key (the IC's `ecdsa_public_key` output).
 * BIP141: witness version 0 with the 20-byte program HASH160(key); BIP173 bech32 encoding.
 *
 * @throws {InvalidNetworkError}
 * @throws {InvalidPublicKeyError} when the key is not 33 bytes, 0x02/0x03-prefixed, on the curve.
 *
 * @example
 * p2wpkhAddress({ publicKey: hex.decode('0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c'), network: 'mainnet' });
 * // 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu'
 */
export function p2wpkhAddress(args: { publicKey: Uint8Array; network: BitcoinNetwork }): string {
  assertParameterObject(args, 'p2wpkhAddress');
  const { publicKey, network } = args;
  assertNetwork(network);
  assertCompressedPublicKey(publicKey);
  const address = p2wpkh(publicKey, NETWORK_PARAMS[network]).address;
  // p2wpkh always sets an address when given a network; the check keeps the type honest.
  if (address === undefined) throw new InvalidPublicKeyError(hex.encode(publicKey), 'no P2WPKH address');
  return address;
}

/**
 * The BIP86 taproot output key of the IC's 33-byte BIP340 key: BIP341 `taproot_tweak_pubkey`
 * with an empty script tree.
 *   1. P = lift_x(x-only internal key)               (the point with even y)
 *   2. t = int(hash_TapTweak(x(P)))                  (h is empty: no script path, BIP86)
 *   3. Q = P + t·G; the output key is x(Q)           (32 bytes)
 * It is the key the IC's `sign_with_schnorr` signatures verify against when called with
 * `aux = bip341 { merkle_root_hash = empty }`.
 *
 * @throws {InvalidPublicKeyError}
 */
export function taprootOutputKey(publicKey: Uint8Array): Uint8Array {
  const internalKey = toXOnly(publicKey);
  return taprootTweakPubkey(internalKey, new Uint8Array(0))[0];
}

/**
 * The P2TR key-path address (BIP86) of the IC's 33-byte BIP340 key: witness version 1 with
 * the tweaked output key as program (see `taprootOutputKey`), BIP350 bech32m encoding.
 *
 * @throws {InvalidNetworkError}
 * @throws {InvalidPublicKeyError}
 *
 * @example
 * p2trAddress({ publicKey: hex.decode('03cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115'), network: 'mainnet' });
 * // 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr'
 */
export function p2trAddress(args: { publicKey: Uint8Array; network: BitcoinNetwork }): string {
  assertParameterObject(args, 'p2trAddress');
  const { publicKey, network } = args;
  assertNetwork(network);
  // No script tree: scure's p2tr applies the same BIP341 tweak with h = empty.
  return p2tr(toXOnly(publicKey), undefined, NETWORK_PARAMS[network]).address;
}

/**
 * Parses and validates an address for `network`, returning its type and output script.
 *
 * Segwit (BIP173, BIP350): the human-readable part names the network (bc, tb, bcrt); the
 * string is all lower or all upper case; the checksum constant must match the witness
 * version (bech32 for v0, bech32m for v1+); v0 programs are 20 or 32 bytes, v1 programs used
 * here 32 bytes and a valid x-only key. Base58check: a 1-byte version then a 20-byte hash.
 * Testnet and regtest share base58 version bytes, so a base58 test address is accepted for both.
 *
 * @throws {InvalidAddressError} for anything that is not a valid address.
 * @throws {WrongNetworkError} only for an address that `parseAddress` accepts on its own network.
 * @throws {UnsupportedAddressError} for a segwit address of another version or length, on every
 *   network (e.g. 'tb1pks2twvkd28rslgmxxw0y3xncmndyvhufvq2657he', a 21-byte v1 program).
 * @throws {InvalidNetworkError}
 *
 * @example
 * parseAddress({ address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', network: 'mainnet' });
 * // { type: 'p2wpkh', network: 'mainnet', scriptPubKey: hex.decode('0014751e76e8199196d454941c45d1b3a323f1433bd6') }
 */
export function parseAddress(args: { address: string; network: BitcoinNetwork }): ParsedAddress {
  assertParameterObject(args, 'parseAddress');
  const { address, network } = args;
  assertNetwork(network);
  if (typeof address !== 'string') {
    throw new InvalidAddressError(describeValue(address), `expected a string, got ${typeof address}`);
  }
  // Bounding the length first also bounds the base58 decoder's quadratic work.
  if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH) {
    throw new InvalidAddressError(address, `expected 1..${MAX_ADDRESS_LENGTH} characters, got ${address.length}`);
  }
  const lower = address.toLowerCase();
  const looksSegwit = BITCOIN_NETWORKS.some((name) => lower.startsWith(`${NETWORK_PARAMS[name].bech32}1`));
  return looksSegwit ? parseSegwitAddress({ address, network }) : parseBase58Address({ address, network });
}

/** The network whose bech32 human-readable part is `prefix`, if any. */
function networkOfPrefix(prefix: string): BitcoinNetwork | undefined {
  return BITCOIN_NETWORKS.find((name) => NETWORK_PARAMS[name].bech32 === prefix);
}

function parseSegwitAddress({ address, network }: { address: string; network: BitcoinNetwork }): ParsedAddress {
  const { prefix, version, program } = decodeSegwitAddress(address);
  const addressNetwork = networkOfPrefix(prefix);
  if (addressNetwork === undefined) {
    throw new InvalidAddressError(address, `unknown human-readable part "${prefix}"`);
  }
  // Everything that does not depend on the network is decided first, and the network compared
  // last: an address refused on its own network is refused the same way on every network,
  // never reported as another network's (WrongNetworkError means "valid there").
  let type: AddressType;
  let scriptPubKey: Uint8Array;
  if (version === 0 && program.length === 20) {
    type = 'p2wpkh';
    scriptPubKey = OutScript.encode({ type: 'wpkh', hash: program });
  } else if (version === 0 && program.length === 32) {
    type = 'p2wsh';
    scriptPubKey = OutScript.encode({ type: 'wsh', hash: program });
  } else if (version === 1 && program.length === 32) {
    // BIP341: an output key that is not a valid x coordinate can never be spent.
    try {
      schnorr.utils.lift_x(bytesToNumberBE(program));
    } catch {
      throw new InvalidAddressError(
        address,
        'the taproot output key is not a valid x-only public key; coins sent to it could never be spent',
      );
    }
    type = 'p2tr';
    scriptPubKey = OutScript.encode({ type: 'tr', pubkey: program });
  } else {
    throw new UnsupportedAddressError({
      address,
      // witness v1..v16 program: OP_1..OP_16 (0x51..0x60), then a push of the program.
      scriptPubKey: Uint8Array.of(0x50 + version, program.length, ...program),
      details: `witness version ${version} with a ${program.length}-byte program is not a standard output type yet`,
    });
  }
  if (addressNetwork !== network) {
    throw new WrongNetworkError({ address, expected: network, actual: addressNetwork });
  }
  return { type, network, scriptPubKey };
}

/**
 * BIP173/BIP350 segwit address decoding, independent of the network.
 * 1. Reject mixed case (BIP173: decoders MUST NOT accept it).
 * 2. Verify the checksum with bech32's constant 1, else bech32m's 0x2bc830a3 (BIP350: no string
 *    is valid under both, so the constant that verifies says which encoding was used).
 * 3. The first 5-bit word is the witness version (0..16); the others, regrouped 5-to-8 bits with
 *    at most 4 zero padding bits, are the witness program.
 * 4. BIP141: the program has 2..40 bytes; version 0 programs have 20 or 32 bytes.
 * 5. BIP350: version 0 must use bech32, versions 1..16 bech32m.
 */
function decodeSegwitAddress(address: string): { prefix: string; version: number; program: Uint8Array } {
  if (address !== address.toLowerCase() && address !== address.toUpperCase()) {
    throw new InvalidAddressError(address, 'mixed upper and lower case');
  }
  const asBech32 = bech32.decodeUnsafe(address, MAX_ADDRESS_LENGTH);
  const decoded = asBech32 || bech32m.decodeUnsafe(address, MAX_ADDRESS_LENGTH);
  if (!decoded) {
    throw new InvalidAddressError(address, 'invalid bech32/bech32m checksum or character');
  }
  const encoding = asBech32 ? 'bech32' : 'bech32m';
  const [version, ...words] = decoded.words;
  if (version === undefined) {
    throw new InvalidAddressError(address, 'empty data part');
  }
  if (version > 16) {
    throw new InvalidAddressError(address, `invalid witness version ${version}`);
  }
  const program = bech32.fromWordsUnsafe(words);
  if (!program) {
    throw new InvalidAddressError(address, 'invalid padding of the witness program');
  }
  if (program.length < 2 || program.length > 40) {
    throw new InvalidAddressError(address, `invalid witness program length ${program.length} (2..40 bytes)`);
  }
  if (version === 0 && program.length !== 20 && program.length !== 32) {
    throw new InvalidAddressError(address, `a version 0 witness program has 20 or 32 bytes, got ${program.length}`);
  }
  if (version === 0 && encoding !== 'bech32') {
    throw new InvalidAddressError(address, 'witness version 0 must be encoded with bech32, not bech32m');
  }
  if (version !== 0 && encoding !== 'bech32m') {
    throw new InvalidAddressError(address, `witness version ${version} must be encoded with bech32m, not bech32`);
  }
  return { prefix: decoded.prefix, version, program };
}

/** Base58check (P2PKH, P2SH): version byte, 20-byte hash, 4-byte double-SHA256 checksum. */
function parseBase58Address({ address, network }: { address: string; network: BitcoinNetwork }): ParsedAddress {
  let payload: Uint8Array;
  try {
    payload = base58check.decode(address);
  } catch {
    throw new InvalidAddressError(address, 'not a bech32 address and not valid base58check (bad character or checksum)');
  }
  if (payload.length !== 21) {
    throw new InvalidAddressError(address, `expected a 1-byte version and a 20-byte hash, got ${payload.length} bytes`);
  }
  const version = payload[0];
  const hash = payload.slice(1);
  const isMainnet = version === NETWORK_PARAMS.mainnet.pubKeyHash || version === NETWORK_PARAMS.mainnet.scriptHash;
  const isTest = version === NETWORK_PARAMS.testnet.pubKeyHash || version === NETWORK_PARAMS.testnet.scriptHash;
  if (!isMainnet && !isTest) {
    throw new InvalidAddressError(address, `unknown base58 version byte 0x${version.toString(16).padStart(2, '0')}`);
  }
  if (isMainnet !== (network === 'mainnet')) {
    throw new WrongNetworkError({ address, expected: network, actual: isMainnet ? 'mainnet' : 'testnet' });
  }
  const params = NETWORK_PARAMS[network];
  return version === params.pubKeyHash
    ? { type: 'p2pkh', network, scriptPubKey: OutScript.encode({ type: 'pkh', hash }) }
    : { type: 'p2sh', network, scriptPubKey: OutScript.encode({ type: 'sh', hash }) };
}
