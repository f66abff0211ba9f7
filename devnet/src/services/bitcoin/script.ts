/**
 * The few script shapes the devnet needs: output templates (BIP16, BIP141, BIP341), push-only
 * input scripts, and BIP34's height push in coinbases.
 */
import { concatBytes } from './bytes.ts';

export const OP_0 = 0x00;
export const OP_PUSHDATA1 = 0x4c;
export const OP_PUSHDATA2 = 0x4d;
export const OP_PUSHDATA4 = 0x4e;
export const OP_1 = 0x51;
export const OP_16 = 0x60;
export const OP_RETURN = 0x6a;
export const OP_DUP = 0x76;
export const OP_EQUAL = 0x87;
export const OP_EQUALVERIFY = 0x88;
export const OP_HASH160 = 0xa9;
export const OP_CHECKSIG = 0xac;
export const OP_CHECKMULTISIG = 0xae;

export type OutputType =
  'p2pkh' | 'p2sh' | 'p2wpkh' | 'p2wsh' | 'p2tr' | 'witness_unknown' | 'nulldata' | 'p2pk' | 'multisig' | 'nonstandard';

export function p2pkhScript(hash: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(OP_DUP, OP_HASH160, 20), hash, Uint8Array.of(OP_EQUALVERIFY, OP_CHECKSIG));
}

export function p2shScript(hash: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(OP_HASH160, 20), hash, Uint8Array.of(OP_EQUAL));
}

/** A witness program output: `OP_n <program>` (BIP141; version 1 with 32 bytes is P2TR, BIP341). */
export function witnessScript(version: number, program: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(version === 0 ? OP_0 : OP_1 + version - 1, program.length), program);
}

/** The witness version and program of `OP_n <2..40 bytes>`, or null (BIP141 "witness program"). */
export function witnessProgram(script: Uint8Array): { version: number; program: Uint8Array } | null {
  if (script.length < 4 || script.length > 42) return null;
  const op = script[0]!;
  if (op !== OP_0 && (op < OP_1 || op > OP_16)) return null;
  if (script[1] !== script.length - 2) return null;
  return { version: op === OP_0 ? 0 : op - OP_1 + 1, program: script.subarray(2) };
}

/** Classifies an output script like Bitcoin Core's `Solver` (the types `IsStandard` accepts). */
export function classifyOutput(script: Uint8Array): OutputType {
  const n = script.length;
  if (
    n === 25 &&
    script[0] === OP_DUP &&
    script[1] === OP_HASH160 &&
    script[2] === 20 &&
    script[23] === OP_EQUALVERIFY &&
    script[24] === OP_CHECKSIG
  ) {
    return 'p2pkh';
  }
  if (n === 23 && script[0] === OP_HASH160 && script[1] === 20 && script[22] === OP_EQUAL) return 'p2sh';
  const wp = witnessProgram(script);
  if (wp) {
    if (wp.version === 0 && wp.program.length === 20) return 'p2wpkh';
    if (wp.version === 0 && wp.program.length === 32) return 'p2wsh';
    if (wp.version === 1 && wp.program.length === 32) return 'p2tr';
    // Version 0 with another length can never be spent; Core's Solver calls it non-standard.
    return wp.version === 0 ? 'nonstandard' : 'witness_unknown';
  }
  if (n >= 1 && script[0] === OP_RETURN && parsePushes(script.subarray(1)) !== null) return 'nulldata';
  if ((n === 35 && script[0] === 33 && script[34] === OP_CHECKSIG) || (n === 67 && script[0] === 65 && script[66] === OP_CHECKSIG)) {
    return 'p2pk';
  }
  if (isBareMultisig(script)) return 'multisig';
  return 'nonstandard';
}

function isBareMultisig(script: Uint8Array): boolean {
  const n = script.length;
  if (n < 3 || script[n - 1] !== OP_CHECKMULTISIG) return false;
  const m = script[0]! - OP_1 + 1;
  const total = script[n - 2]! - OP_1 + 1;
  if (m < 1 || m > 16 || total < m || total > 16) return false;
  const keys = parsePushes(script.subarray(1, n - 2));
  return keys !== null && keys.length === total && keys.every((k) => k.length === 33 || k.length === 65);
}

/**
 * The data pushed by a push-only script, or null when the script has any other opcode or is
 * truncated. `OP_0` and `OP_1..OP_16` count as pushes of their values, as in `IsPushOnly`.
 */
export function parsePushes(script: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < script.length) {
    const op = script[i++]!;
    let len: number;
    if (op === OP_0) {
      out.push(new Uint8Array(0));
      continue;
    } else if (op >= 1 && op <= 75) {
      len = op;
    } else if (op === OP_PUSHDATA1) {
      if (i + 1 > script.length) return null;
      len = script[i]!;
      i += 1;
    } else if (op === OP_PUSHDATA2) {
      if (i + 2 > script.length) return null;
      len = script[i]! | (script[i + 1]! << 8);
      i += 2;
    } else if (op === OP_PUSHDATA4) {
      if (i + 4 > script.length) return null;
      len = (script[i]! | (script[i + 1]! << 8) | (script[i + 2]! << 16) | (script[i + 3]! << 24)) >>> 0;
      i += 4;
    } else if (op === 0x4f || (op >= OP_1 && op <= OP_16)) {
      // OP_1NEGATE and OP_1..OP_16 push small numbers.
      out.push(op === 0x4f ? Uint8Array.of(0x81) : Uint8Array.of(op - OP_1 + 1));
      continue;
    } else {
      return null;
    }
    if (i + len > script.length) return null;
    out.push(script.subarray(i, i + len));
    i += len;
  }
  return out;
}

/** A minimal push of `data` (direct push up to 75 bytes, then PUSHDATA1/2). */
export function pushData(data: Uint8Array): Uint8Array {
  const n = data.length;
  if (n <= 75) return concatBytes(Uint8Array.of(n), data);
  if (n <= 0xff) return concatBytes(Uint8Array.of(OP_PUSHDATA1, n), data);
  return concatBytes(Uint8Array.of(OP_PUSHDATA2, n & 0xff, n >>> 8), data);
}

/**
 * `CScript() << height`, as BIP34 requires at the start of a coinbase's scriptSig: `OP_1..OP_16`
 * for 1..16, otherwise a push of the minimal little-endian sign-magnitude number (CScriptNum).
 */
export function pushScriptNumber(n: number): Uint8Array {
  if (n === 0) return Uint8Array.of(OP_0);
  if (n >= 1 && n <= 16) return Uint8Array.of(OP_1 + n - 1);
  const bytes: number[] = [];
  let v = n;
  while (v > 0) {
    bytes.push(v & 0xff);
    v = Math.floor(v / 256);
  }
  // A set high bit would read as negative; CScriptNum adds a zero byte.
  if (bytes[bytes.length - 1]! & 0x80) bytes.push(0);
  return pushData(Uint8Array.from(bytes));
}
