/**
 * Bitcoin transactions: decoding as the Bitcoin canister does (rust-bitcoin's
 * `Transaction::consensus_decode`), encoding with and without witness (BIP144), txid, wtxid,
 * weight and virtual size (BIP141).
 */
import { ByteReader, ByteWriter, compactSizeLength, DecodeError, sha256d, toDisplayHex } from './bytes.ts';
import { MalformedTransactionError } from './errors.ts';

export interface TxInput {
  /** Previous transaction id in internal byte order (as serialized and hashed). */
  prevTxid: Uint8Array;
  prevVout: number;
  scriptSig: Uint8Array;
  sequence: number;
  witness: Uint8Array[];
}

export interface TxOutput {
  /** Satoshis, read as an unsigned 64-bit value (Bitcoin Core reads int64: values ≥ 2^63 are "negative"). */
  value: bigint;
  script: Uint8Array;
}

export interface Transaction {
  /** Signed 32-bit, as rust-bitcoin's `Version(i32)`. */
  version: number;
  inputs: TxInput[];
  outputs: TxOutput[];
  lockTime: number;
}

/** A decoded transaction with its identifiers and sizes. */
export interface DecodedTransaction {
  tx: Transaction;
  /** The bytes the transaction was decoded from (without trailing data). */
  raw: Uint8Array;
  /** Bytes after the transaction: rust-bitcoin's `consensus_decode` ignores them, a node does not. */
  trailingBytes: number;
  txid: Uint8Array;
  wtxid: Uint8Array;
  /** Size without witness data. */
  baseSize: number;
  totalSize: number;
  weight: number;
  vsize: number;
}

export function hasWitness(tx: Transaction): boolean {
  return tx.inputs.some((i) => i.witness.length > 0);
}

/**
 * Encodes a transaction; with `witness` (the default) and any input carrying witness data, in
 * BIP144's extended format (marker 0x00, flag 0x01, witnesses after the outputs).
 */
export function encodeTransaction(tx: Transaction, options: { witness?: boolean } = {}): Uint8Array {
  const withWitness = (options.witness ?? true) && hasWitness(tx);
  const w = new ByteWriter().u32(tx.version >>> 0);
  if (withWitness) w.u8(0x00).u8(0x01);
  w.compactSize(tx.inputs.length);
  for (const input of tx.inputs) {
    w.bytes(input.prevTxid).u32(input.prevVout).varBytes(input.scriptSig).u32(input.sequence);
  }
  w.compactSize(tx.outputs.length);
  for (const output of tx.outputs) w.u64(output.value).varBytes(output.script);
  if (withWitness) {
    for (const input of tx.inputs) {
      w.compactSize(input.witness.length);
      for (const item of input.witness) w.varBytes(item);
    }
  }
  return w.u32(tx.lockTime).finish();
}

/** Txid: double SHA-256 of the encoding without witness, in internal byte order. */
export function computeTxid(tx: Transaction): Uint8Array {
  return sha256d(encodeTransaction(tx, { witness: false }));
}

/** Measures a transaction without re-encoding it twice. */
export function measureTransaction(tx: Transaction): { baseSize: number; totalSize: number; weight: number; vsize: number } {
  let base = 4 + compactSizeLength(tx.inputs.length) + compactSizeLength(tx.outputs.length) + 4;
  for (const i of tx.inputs) base += 32 + 4 + compactSizeLength(i.scriptSig.length) + i.scriptSig.length + 4;
  for (const o of tx.outputs) base += 8 + compactSizeLength(o.script.length) + o.script.length;
  let witness = 0;
  if (hasWitness(tx)) {
    witness = 2;
    for (const i of tx.inputs) {
      witness += compactSizeLength(i.witness.length);
      for (const item of i.witness) witness += compactSizeLength(item.length) + item.length;
    }
  }
  const total = base + witness;
  // BIP141: weight = base size × 3 + total size; virtual size = ceil(weight / 4).
  const weight = base * 3 + total;
  return { baseSize: base, totalSize: total, weight, vsize: Math.ceil(weight / 4) };
}

/**
 * Decodes a transaction the way rust-bitcoin's `Transaction::consensus_decode` does, which is what
 * the Bitcoin canister runs before forwarding: an empty input list is read as the segwit marker and
 * the flag must then be 1; with the flag set, at least one witness must be non-empty; CompactSizes
 * must be minimal. Trailing bytes are not an error here (reported in `trailingBytes`).
 *
 * @example
 * const { txid } = decodeTransaction(hexToBytes('0200000001...'));
 */
export function decodeTransaction(bytes: Uint8Array): DecodedTransaction {
  const r = new ByteReader(bytes);
  try {
    const version = r.u32() | 0;
    let inputs = readInputs(r);
    let segwit = false;
    if (inputs.length === 0) {
      const flag = r.u8();
      if (flag !== 1) throw new DecodeError(`unsupported segwit flag ${flag}`);
      segwit = true;
      inputs = readInputs(r);
    }
    const outputCount = r.compactSize();
    const outputs: TxOutput[] = [];
    for (let i = 0; i < outputCount; i++) outputs.push({ value: r.u64(), script: r.varBytes().slice() });
    if (segwit) {
      for (const input of inputs) {
        const n = r.compactSize();
        for (let j = 0; j < n; j++) input.witness.push(r.varBytes().slice());
      }
      if (inputs.every((i) => i.witness.length === 0)) {
        throw new DecodeError('witness flag set but no witnesses present');
      }
    }
    const lockTime = r.u32();
    const tx: Transaction = { version, inputs, outputs, lockTime };
    const raw = bytes.slice(0, r.offset);
    const sizes = measureTransaction(tx);
    return {
      tx,
      raw,
      trailingBytes: r.remaining,
      txid: computeTxid(tx),
      wtxid: sha256d(encodeTransaction(tx)),
      ...sizes,
    };
  } catch (e) {
    if (e instanceof DecodeError) throw new MalformedTransactionError(e.message, { cause: e });
    throw e;
  }
}

function readInputs(r: ByteReader): TxInput[] {
  const count = r.compactSize();
  const inputs: TxInput[] = [];
  for (let i = 0; i < count; i++) {
    inputs.push({
      prevTxid: r.take(32).slice(),
      prevVout: r.u32(),
      scriptSig: r.varBytes().slice(),
      sequence: r.u32(),
      witness: [],
    });
  }
  return inputs;
}

/** Display-order txid hex of a decoded or constructed transaction. */
export function txidHex(tx: Transaction): string {
  return toDisplayHex(computeTxid(tx));
}
