/**
 * Signature hashes: the original (legacy) algorithm, BIP143 (segwit v0) and BIP341 (taproot).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ByteWriter, concatBytes, sha256d, utf8 } from './bytes.ts';
import { encodeTransaction, type Transaction, type TxOutput } from './transaction.ts';

export const SIGHASH_DEFAULT = 0x00;
export const SIGHASH_ALL = 0x01;
export const SIGHASH_NONE = 0x02;
export const SIGHASH_SINGLE = 0x03;
export const SIGHASH_ANYONECANPAY = 0x80;

/**
 * Legacy signature hash (Bitcoin Core's `SignatureHash` for `SigVersion::BASE`), without
 * OP_CODESEPARATOR handling, which P2PKH script codes never contain.
 */
export function legacySighash(args: { tx: Transaction; inputIndex: number; scriptCode: Uint8Array; hashType: number }): Uint8Array {
  const { tx, inputIndex, scriptCode, hashType } = args;
  const base = hashType & 0x1f;
  if (base === SIGHASH_SINGLE && inputIndex >= tx.outputs.length) {
    // The "SIGHASH_SINGLE bug": Core signs the number one (little-endian uint256).
    const one = new Uint8Array(32);
    one[0] = 1;
    return one;
  }
  const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
  const inputs = (anyoneCanPay ? [tx.inputs[inputIndex]!] : tx.inputs).map((input) => {
    const own = input === tx.inputs[inputIndex];
    // Other inputs' sequences are zeroed under NONE and SINGLE.
    const sequence = !own && (base === SIGHASH_NONE || base === SIGHASH_SINGLE) ? 0 : input.sequence;
    return { ...input, scriptSig: own ? scriptCode : new Uint8Array(0), sequence, witness: [] };
  });
  let outputs: TxOutput[] = tx.outputs;
  if (base === SIGHASH_NONE) outputs = [];
  else if (base === SIGHASH_SINGLE) {
    outputs = tx.outputs
      .slice(0, inputIndex + 1)
      .map((o, i) => (i < inputIndex ? { value: 0xffffffffffffffffn, script: new Uint8Array(0) } : o));
  }
  const copy: Transaction = { version: tx.version, inputs, outputs, lockTime: tx.lockTime };
  return sha256d(concatBytes(encodeTransaction(copy, { witness: false }), new ByteWriter().u32(hashType).finish()));
}

/**
 * Hashes shared by every input's signature hash, computed once per transaction (as BIP143 and
 * BIP341 intend: without them, checking n inputs hashes O(n²) bytes). Use one per transaction
 * and spent-output list, and do not change the transaction while using it.
 */
export class SighashCache {
  readonly tx: Transaction;
  private memo = new Map<string, Uint8Array>();

  constructor(tx: Transaction) {
    this.tx = tx;
  }

  private get(key: string, compute: () => Uint8Array): Uint8Array {
    let v = this.memo.get(key);
    if (!v) this.memo.set(key, (v = compute()));
    return v;
  }

  /** Serialized outpoints, sequences and outputs of the whole transaction. */
  prevoutsBytes(): Uint8Array {
    return this.get('prevouts', () => concatAll(this.tx.inputs.map((i) => outpointBytes(i))));
  }

  sequencesBytes(): Uint8Array {
    return this.get('sequences', () => concatAll(this.tx.inputs.map((i) => new ByteWriter().u32(i.sequence).finish())));
  }

  outputsBytes(): Uint8Array {
    return this.get('outputs', () => concatAll(this.tx.outputs.map(outputBytes)));
  }

  /** BIP143 hashPrevouts, hashSequence, hashOutputs (double SHA-256). */
  bip143(part: 'prevouts' | 'sequences' | 'outputs'): Uint8Array {
    return this.get(`bip143:${part}`, () => sha256d(this.bytesOf(part)));
  }

  /** BIP341 sha_prevouts, sha_sequences, sha_outputs (single SHA-256). */
  bip341(part: 'prevouts' | 'sequences' | 'outputs'): Uint8Array {
    return this.get(`bip341:${part}`, () => sha256(this.bytesOf(part)));
  }

  /** BIP341 sha_amounts and sha_scriptpubkeys of the spent outputs. */
  bip341Spent(prevouts: TxOutput[]): { amounts: Uint8Array; scripts: Uint8Array } {
    return {
      amounts: this.get('bip341:amounts', () => sha256(concatAll(prevouts.map((p) => new ByteWriter().u64(p.value).finish())))),
      scripts: this.get('bip341:scripts', () => sha256(concatAll(prevouts.map((p) => new ByteWriter().varBytes(p.script).finish())))),
    };
  }

  private bytesOf(part: 'prevouts' | 'sequences' | 'outputs'): Uint8Array {
    return part === 'prevouts' ? this.prevoutsBytes() : part === 'sequences' ? this.sequencesBytes() : this.outputsBytes();
  }
}

/** BIP143 signature hash for a segwit v0 input spending `amount` with `scriptCode`. */
export function bip143Sighash(args: {
  tx: Transaction;
  inputIndex: number;
  scriptCode: Uint8Array;
  amount: bigint;
  hashType: number;
  cache?: SighashCache;
}): Uint8Array {
  const { tx, inputIndex, scriptCode, amount, hashType } = args;
  const cache = args.cache ?? new SighashCache(tx);
  const base = hashType & 0x1f;
  const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
  const zero = new Uint8Array(32);
  const input = tx.inputs[inputIndex]!;
  // BIP143 items 2-3: hashPrevouts and hashSequence.
  const hashPrevouts = anyoneCanPay ? zero : cache.bip143('prevouts');
  const hashSequence = anyoneCanPay || base === SIGHASH_SINGLE || base === SIGHASH_NONE ? zero : cache.bip143('sequences');
  // Item 8: hashOutputs.
  let hashOutputs: Uint8Array = zero;
  if (base !== SIGHASH_SINGLE && base !== SIGHASH_NONE) hashOutputs = cache.bip143('outputs');
  else if (base === SIGHASH_SINGLE && inputIndex < tx.outputs.length) hashOutputs = sha256d(outputBytes(tx.outputs[inputIndex]!));
  return sha256d(
    new ByteWriter()
      .u32(tx.version >>> 0)
      .bytes(hashPrevouts)
      .bytes(hashSequence)
      .bytes(outpointBytes(input))
      .varBytes(scriptCode)
      .u64(amount)
      .u32(input.sequence)
      .bytes(hashOutputs)
      .u32(tx.lockTime)
      .u32(hashType)
      .finish(),
  );
}

/** BIP340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ msg). */
export function taggedHash(tag: string, ...msgs: Uint8Array[]): Uint8Array {
  const t = sha256(utf8(tag));
  return sha256(concatBytes(t, t, ...msgs));
}

/**
 * BIP341 signature hash for a key-path spend (ext_flag 0): `hash_TapSighash(0x00 ‖ SigMsg)`.
 * `prevouts` are the outputs spent by every input, in input order. Returns null for
 * SIGHASH_SINGLE without a matching output, which BIP341 says must fail.
 */
export function bip341KeyPathSighash(args: {
  tx: Transaction;
  inputIndex: number;
  prevouts: TxOutput[];
  hashType: number;
  annex?: Uint8Array;
  cache?: SighashCache;
}): Uint8Array | null {
  const { tx, inputIndex, prevouts, hashType } = args;
  const cache = args.cache ?? new SighashCache(tx);
  const outputType = hashType === SIGHASH_DEFAULT ? SIGHASH_ALL : hashType & 0x03;
  const anyoneCanPay = (hashType & SIGHASH_ANYONECANPAY) !== 0;
  if (outputType === SIGHASH_SINGLE && inputIndex >= tx.outputs.length) return null;
  const w = new ByteWriter().u8(0x00); // epoch
  // SigMsg: hash_type, nVersion, nLockTime.
  w.u8(hashType)
    .u32(tx.version >>> 0)
    .u32(tx.lockTime);
  if (!anyoneCanPay) {
    const spent = cache.bip341Spent(prevouts);
    w.bytes(cache.bip341('prevouts')).bytes(spent.amounts).bytes(spent.scripts).bytes(cache.bip341('sequences'));
  }
  if (outputType !== SIGHASH_NONE && outputType !== SIGHASH_SINGLE) w.bytes(cache.bip341('outputs'));
  // spend_type = ext_flag * 2 + annex_present; key path has ext_flag 0.
  w.u8(args.annex ? 1 : 0);
  const input = tx.inputs[inputIndex]!;
  if (anyoneCanPay) {
    const prevout = prevouts[inputIndex]!;
    w.bytes(outpointBytes(input)).u64(prevout.value).varBytes(prevout.script).u32(input.sequence);
  } else {
    w.u32(inputIndex);
  }
  if (args.annex) w.bytes(sha256(new ByteWriter().varBytes(args.annex).finish()));
  if (outputType === SIGHASH_SINGLE) w.bytes(sha256(outputBytes(tx.outputs[inputIndex]!)));
  return taggedHash('TapSighash', w.finish());
}

function outpointBytes(input: { prevTxid: Uint8Array; prevVout: number }): Uint8Array {
  return new ByteWriter().bytes(input.prevTxid).u32(input.prevVout).finish();
}

function outputBytes(o: TxOutput): Uint8Array {
  return new ByteWriter().u64(o.value).varBytes(o.script).finish();
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts);
}
