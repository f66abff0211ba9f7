/**
 * Bitcoin Core's relay policy and the context-dependent consensus rules a mempool applies:
 * `CheckTransaction`, `IsStandardTx`, dust, `IsFinalTx` and BIP68 sequence locks. Each failing
 * check returns Core's reject reason with details naming the input or output.
 */
import { compactSizeLength } from './bytes.ts';
import { MAX_MONEY } from './block.ts';
import { classifyOutput, parsePushes, witnessProgram } from './script.ts';
import type { DecodedTransaction, Transaction, TxOutput } from './transaction.ts';

export interface PolicyFailure {
  reason: string;
  details: string;
}

/** Policy limits (Bitcoin Core `policy/policy.h`). */
export const MAX_STANDARD_TX_WEIGHT = 400_000;
export const MIN_STANDARD_TX_NONWITNESS_SIZE = 65;
export const MAX_STANDARD_SCRIPTSIG_SIZE = 1650;
export const TX_MAX_STANDARD_VERSION = 3;
/** `DUST_RELAY_TX_FEE`: 3000 sat per 1000 vbytes. */
export const DUST_RELAY_FEE_SAT_PER_KVB = 3000n;
/** Default `-minrelaytxfee` before Core 30: 1000 sat per 1000 vbytes (1 sat/vB). */
export const DEFAULT_MIN_RELAY_FEE_SAT_PER_KVB = 1000n;
const MAX_BLOCK_WEIGHT = 4_000_000;
/** Lock times below this are block heights, at or above it UNIX times (`LOCKTIME_THRESHOLD`). */
const LOCKTIME_THRESHOLD = 500_000_000;
const SEQUENCE_FINAL = 0xffffffff;
const SEQUENCE_LOCKTIME_DISABLE_FLAG = 0x80000000;
const SEQUENCE_LOCKTIME_TYPE_FLAG = 0x00400000;
const SEQUENCE_LOCKTIME_MASK = 0x0000ffff;
const SEQUENCE_LOCKTIME_GRANULARITY = 9;

const fail = (reason: string, details: string): PolicyFailure => ({ reason, details });

/** Context-free validity (`CheckTransaction`) plus the mempool's refusal of coinbases. */
export function checkTransaction(d: DecodedTransaction): PolicyFailure | null {
  const { tx } = d;
  if (tx.inputs.length === 0) return fail('bad-txns-vin-empty', 'the transaction has no inputs');
  if (tx.outputs.length === 0) return fail('bad-txns-vout-empty', 'the transaction has no outputs');
  if (d.baseSize * 4 > MAX_BLOCK_WEIGHT) return fail('bad-txns-oversize', `${d.baseSize} bytes without witness`);
  let total = 0n;
  for (const [i, o] of tx.outputs.entries()) {
    // Core reads amounts as int64: a value with the top bit set is negative.
    if (o.value >= 1n << 63n) return fail('bad-txns-vout-negative', `output ${i} has a negative value`);
    if (o.value > MAX_MONEY) return fail('bad-txns-vout-toolarge', `output ${i} of ${o.value} sat exceeds 21,000,000 BTC`);
    total += o.value;
    if (total > MAX_MONEY) return fail('bad-txns-txouttotal-toolarge', `outputs total ${total} sat, above 21,000,000 BTC`);
  }
  const seen = new Set<string>();
  for (const [i, input] of tx.inputs.entries()) {
    const key = outpointKeyOf(input);
    if (seen.has(key)) return fail('bad-txns-inputs-duplicate', `input ${i} spends ${key} a second time`);
    seen.add(key);
  }
  const isNull = (i: Transaction['inputs'][number]) => i.prevVout === 0xffffffff && i.prevTxid.every((b) => b === 0);
  if (tx.inputs.length === 1 && isNull(tx.inputs[0]!)) return fail('coinbase', 'a coinbase transaction cannot be relayed');
  for (const [i, input] of tx.inputs.entries()) {
    if (isNull(input)) return fail('bad-txns-prevout-null', `input ${i} has a null previous output`);
  }
  return null;
}

/** `IsStandardTx`: version, weight, input scripts, output script types and dust. */
export function checkStandard(d: DecodedTransaction): PolicyFailure | null {
  const { tx } = d;
  if (tx.version < 1 || tx.version > TX_MAX_STANDARD_VERSION) {
    return fail('version', `version ${tx.version} is not between 1 and ${TX_MAX_STANDARD_VERSION}`);
  }
  if (d.weight > MAX_STANDARD_TX_WEIGHT) return fail('tx-size', `weight ${d.weight} exceeds ${MAX_STANDARD_TX_WEIGHT}`);
  for (const [i, input] of tx.inputs.entries()) {
    if (input.scriptSig.length > MAX_STANDARD_SCRIPTSIG_SIZE) {
      return fail('scriptsig-size', `input ${i} has a ${input.scriptSig.length}-byte scriptSig`);
    }
    if (parsePushes(input.scriptSig) === null) return fail('scriptsig-not-pushonly', `input ${i} scriptSig has non-push opcodes`);
  }
  for (const [i, o] of tx.outputs.entries()) {
    if (classifyOutput(o.script) === 'nonstandard') return fail('scriptpubkey', `output ${i} has a non-standard script`);
  }
  for (const [i, o] of tx.outputs.entries()) {
    const threshold = dustThreshold(o);
    if (o.value < threshold) return fail('dust', `output ${i} of ${o.value} sat is below the dust threshold of ${threshold} sat`);
  }
  if (d.baseSize < MIN_STANDARD_TX_NONWITNESS_SIZE) {
    return fail('tx-size-small', `${d.baseSize} bytes without witness, below ${MIN_STANDARD_TX_NONWITNESS_SIZE}`);
  }
  return null;
}

/**
 * `GetDustThreshold` at the dust relay fee: the cost of creating and later spending the output,
 * counting 148 bytes to spend a non-witness output and 67 vbytes for a witness one. For example
 * P2PKH 546, P2SH 540, P2WPKH 294, P2WSH and P2TR 330 sat; OP_RETURN outputs are never dust.
 */
export function dustThreshold(o: TxOutput): bigint {
  if (o.script[0] === 0x6a) return 0n;
  let size = 8 + compactSizeLength(o.script.length) + o.script.length;
  size += witnessProgram(o.script) ? 32 + 4 + 1 + Math.floor(107 / 4) + 4 : 32 + 4 + 1 + 107 + 4;
  return (BigInt(size) * DUST_RELAY_FEE_SAT_PER_KVB) / 1000n;
}

/** `AreInputsStandard` and `IsWitnessStandard` for the spent outputs. */
export function checkInputsStandard(args: { tx: Transaction; prevouts: TxOutput[] }): PolicyFailure | null {
  for (const [i, prevout] of args.prevouts.entries()) {
    const type = classifyOutput(prevout.script);
    if (type === 'nonstandard' || type === 'witness_unknown') {
      return fail('bad-txns-nonstandard-inputs', `input ${i} spends a ${type} output`);
    }
  }
  for (const [i, input] of args.tx.inputs.entries()) {
    if (input.witness.length === 0) continue;
    const type = classifyOutput(args.prevouts[i]!.script);
    if (type !== 'p2wpkh' && type !== 'p2wsh' && type !== 'p2tr' && type !== 'p2sh') {
      return fail('bad-witness-nonstandard', `input ${i} carries a witness but spends a ${type} output`);
    }
    // Core's policy refuses BIP341 annexes (reserved for future upgrades).
    if (type === 'p2tr' && input.witness.length >= 2 && input.witness[input.witness.length - 1]![0] === 0x50) {
      return fail('bad-witness-nonstandard', `input ${i} has a taproot annex`);
    }
  }
  return null;
}

/** `IsFinalTx` for inclusion in block `nextHeight`, time-locks compared with the tip's median time past. */
export function isFinal(args: { tx: Transaction; nextHeight: number; medianTimePast: number }): boolean {
  const { tx } = args;
  if (tx.lockTime === 0) return true;
  const limit = tx.lockTime < LOCKTIME_THRESHOLD ? args.nextHeight : args.medianTimePast;
  if (tx.lockTime < limit) return true;
  return tx.inputs.every((i) => i.sequence === SEQUENCE_FINAL);
}

/**
 * BIP68 relative lock-times (`CalculateSequenceLocks` + `EvaluateSequenceLocks`) for inclusion in
 * block `nextHeight`. `coinHeights[i]` is the height of the block holding input i's output
 * (`nextHeight` for mempool outputs); `medianTimePastAt(h)` is block h's median time past.
 */
export function sequenceLocksSatisfied(args: {
  tx: Transaction;
  coinHeights: number[];
  nextHeight: number;
  medianTimePastAt: (height: number) => number;
}): boolean {
  const { tx, nextHeight } = args;
  // BIP68 applies to transactions whose version, read unsigned, is at least 2.
  if (tx.version >>> 0 < 2) return true;
  let minHeight = -1;
  let minTime = -1;
  for (const [i, input] of tx.inputs.entries()) {
    if (input.sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG) continue;
    const coinHeight = args.coinHeights[i]!;
    const value = input.sequence & SEQUENCE_LOCKTIME_MASK;
    if (input.sequence & SEQUENCE_LOCKTIME_TYPE_FLAG) {
      const coinTime = args.medianTimePastAt(Math.max(coinHeight - 1, 0));
      minTime = Math.max(minTime, coinTime + (value << SEQUENCE_LOCKTIME_GRANULARITY) - 1);
    } else {
      minHeight = Math.max(minHeight, coinHeight + value - 1);
    }
  }
  return !(minHeight >= nextHeight || minTime >= args.medianTimePastAt(nextHeight - 1));
}

/** `txid:vout` with the txid in display order, the way Bitcoin Core prints outpoints. */
export function outpointKeyOf(input: { prevTxid: Uint8Array; prevVout: number }): string {
  let hex = '';
  for (let i = 31; i >= 0; i--) hex += input.prevTxid[i]!.toString(16).padStart(2, '0');
  return `${hex}:${input.prevVout}`;
}
