/**
 * Test support for the Bitcoin service (imported by its tests and benchmark, not by the devnet):
 * Candid calls through `BitcoinCanister.handle` and keys with their regtest addresses.
 */
import { IDL } from '@icp-sdk/core/candid';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import * as btc from '@scure/btc-signer';
import { hexToBytes } from './bytes.ts';
import type { BitcoinCanister, ServiceResult } from './canister.ts';
import { METHODS, type BitcoinMethod } from './candid.ts';

/** @scure/btc-signer's description of regtest (bech32 `bcrt`, testnet base58 prefixes). */
export const REGTEST_NETWORK = { bech32: 'bcrt', pubKeyHash: 0x6f, scriptHash: 0xc4, wif: 0xef } as const;

/** A fixed clock for reproducible block hashes: 2023-11-14T22:13:20Z in nanoseconds. */
export const FIXED_NOW_NS = 1_700_000_000_000_000_000n;

/** A key with its P2WPKH, P2TR (BIP86, no script tree) and P2PKH regtest addresses. */
export function testKey(secretHex: string) {
  const secret = hexToBytes(secretHex.padStart(64, '0'));
  const publicKey = secp256k1.getPublicKey(secret, true);
  const xOnly = schnorr.getPublicKey(secret);
  const p2wpkh = btc.p2wpkh(publicKey, REGTEST_NETWORK);
  const p2tr = btc.p2tr(xOnly, undefined, REGTEST_NETWORK);
  const p2pkh = btc.p2pkh(publicKey, REGTEST_NETWORK);
  return { secret, publicKey, xOnly, p2wpkh, p2tr, p2pkh };
}

export type CallOutcome =
  { kind: 'reply'; value: any; cyclesCharged: bigint } | { kind: 'reject'; code: number; message: string; cyclesCharged: bigint };

/**
 * Calls `method` with `arg` encoded by the method's Candid type and decodes the reply.
 * `argType` overrides the encoding type (to send what an older or broken client would).
 */
export function callCanister(args: {
  canister: BitcoinCanister;
  method: BitcoinMethod | string;
  arg?: unknown;
  cycles?: bigint;
  isQuery?: boolean;
  argType?: IDL.Type;
  rawArg?: Uint8Array;
}): CallOutcome {
  const spec = (METHODS as Record<string, (typeof METHODS)[BitcoinMethod]>)[args.method];
  const argTypes: IDL.Type[] = args.argType ? [args.argType] : spec ? [...spec.arg] : [];
  const encoded = args.rawArg ?? new Uint8Array(IDL.encode(argTypes, argTypes.length === 0 ? [] : [args.arg]));
  const result: ServiceResult = args.canister.handle({
    method: args.method,
    arg: encoded,
    cyclesAttached: args.cycles ?? 0n,
    isQuery: args.isQuery ?? false,
  });
  if (result.kind === 'reject') return result;
  const decoded = IDL.decode(spec ? [...spec.ret] : [], result.reply);
  return { kind: 'reply', value: decoded[0], cyclesCharged: result.cyclesCharged };
}

/** The reply value of a call that must succeed; throws with the reject otherwise. */
export function replyOf(outcome: CallOutcome): any {
  if (outcome.kind !== 'reply') throw new Error(`expected a reply, got reject ${outcome.code}: ${outcome.message}`);
  return outcome.value;
}
