/**
 * Unsigned Bitcoin transactions: coin selection with change, dust and fee checks, virtual-size
 * and fee estimation, and the sighashes the IC must sign (BIP143 for P2WPKH inputs, BIP341 key
 * path for P2TR inputs). Serialization is @scure/btc-signer's raw coder; the sighash digests are computed
 * here, step by step from the BIPs, because the library recomputes the hashes over all inputs and
 * outputs for every input, which makes hashing every input quadratic: ≈20 billion instructions
 * for 100 inputs inside a canister. Tests cross-check both against the library and bitcoinjs-lib.
 */
import { RawTx } from '@scure/btc-signer';
import { hex } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { parseAddress, assertNetwork, type AddressType, type BitcoinNetwork } from './address.ts';
import { assertSatoshis, MAX_MONEY } from './amount.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import type { InvalidArgumentError } from '../../lib/errors.ts';
import {
  DustOutputError,
  FeeRateBelowMinimumError,
  InsufficientFundsError,
  InvalidAddressError,
  InvalidAmountError,
  InvalidFeeRateError,
  MalformedTransactionError,
  InvalidInputIndexError,
  InvalidNetworkError,
  InvalidUtxoError,
  NoOutputsError,
  TooManyInputsError,
  TransactionTooLargeError,
  UnsupportedAddressError,
  UnsupportedInputError,
  WrongNetworkError,
} from './errors.ts';

/** Version 2 (BIP68), the version Bitcoin Core's wallet creates. */
export const TX_VERSION = 2;

/**
 * nSequence of every input: 0xfffffffd signals opt-in replace-by-fee (BIP125: any input with
 * nSequence < 0xfffffffe), so a transaction stuck at a low fee can be replaced, and keeps
 * nLockTime (0 here) enforced.
 */
export const RBF_SEQUENCE = 0xfffffffd;

/**
 * The most inputs one transaction may spend. Each input costs one threshold signature (about
 * 26 billion cycles with the IC's `key_1`) and one inter-canister call, so 100 inputs already
 * cost about 2.6 trillion cycles; the resulting transaction (at most 100 × 68 vbytes plus
 * outputs) stays far below Bitcoin Core's 100,000-vbyte standardness limit.
 *
 * It also fits the IC's 40-billion-instruction limit of one update message, measured inside the
 * chains-probe Azle canister (bench/chains.bench.ts, `getSighashes` then `finalizeTransaction`):
 *   P2WPKH: sighashes ≈ 10.4M + finalize ≈ 240M (ECDSA verification) per input:
 *           100 inputs = 1.04B + 24.06B = 25.1B, 63% of the limit;
 *   P2TR:   sighashes ≈ 12M + finalize ≈ 312M (BIP86 tweak + BIP340 verification) per input,
 *           plus ≈ 2.1B once per canister heap for noble's generator tables:
 *           100 inputs = 1.21B + 31.18B + 2.11B = 34.5B, 86% of the limit (the worst case).
 * Both grow linearly: above ≈ 115 P2TR inputs, (40B − 2.1B) / 324M, finalizing would trap.
 */
export const MAX_INPUTS = 100;

/**
 * Bitcoin Core's dust thresholds (src/policy/policy.cpp `GetDustThreshold`, at the default dust
 * relay fee DUST_RELAY_TX_FEE = 3000 sat/kvB of src/policy/policy.h, i.e. 3 sat/vbyte):
 * 3 × (output size + size of the input that would spend it).
 *   P2PKH:  3 × (34 + 148)           = 546
 *   P2SH:   3 × (32 + 148)           = 540
 *   P2WPKH: 3 × (31 + 67)            = 294   (segwit input: 32+4+1+4 + 107/4 = 67 vbytes)
 *   P2WSH:  3 × (43 + 67)            = 330
 *   P2TR:   3 × (43 + 67)            = 330
 * An output below its threshold is non-standard: nodes would not relay the transaction.
 */
export const DUST_THRESHOLDS: Readonly<Record<AddressType, bigint>> = {
  p2pkh: 546n,
  p2sh: 540n,
  p2wpkh: 294n,
  p2wsh: 330n,
  p2tr: 330n,
};

/**
 * Bitcoin Core's MAX_STANDARD_TX_WEIGHT (src/policy/policy.h: `static constexpr int32_t
 * MAX_STANDARD_TX_WEIGHT{400000}`): nodes relay no transaction heavier than 400,000 weight
 * units (100,000 vbytes). `buildTransaction` refuses to build one.
 */
export const MAX_STANDARD_TX_WEIGHT = 400_000;

/**
 * The minimum relay fee rate, in millisatoshi per vbyte: Bitcoin Core's DEFAULT_MIN_RELAY_TX_FEE
 * (src/policy/policy.h: `DEFAULT_MIN_RELAY_TX_FEE{1000}` satoshi per 1,000 vbytes, i.e. 1
 * sat/vbyte, the default for a decade until v29.1 lowered it to 100). A transaction paying less
 * than 1 sat/vbyte is refused by every node still on the long-standing default and by the
 * nodes' fee estimators, so it may never propagate. `buildTransaction` refuses lower rates.
 */
export const MIN_RELAY_FEE_MILLISAT_PER_VBYTE = 1_000n;

/**
 * The highest fee rate accepted: Bitcoin Core's default `maxfeerate` for
 * `sendrawtransaction` (0.10 BTC/kvB = 10,000 sat/vbyte). Anything above is almost surely a
 * unit mistake (e.g. millisatoshi passed as satoshi).
 */
export const MAX_FEE_RATE_SAT_PER_VBYTE = 10_000n;

/** The input types this module can sign. */
export type InputType = 'p2wpkh' | 'p2tr';

/** An unspent output, as `bitcoin_get_utxos` reports it, with the script (or address) it pays. */
export type Utxo = {
  /** Transaction id, hex in display order (the reverse of the IC's `outpoint.txid` bytes). */
  txid: string;
  vout: number;
  /** Satoshis. */
  value: bigint;
} & ({ scriptPubKey: Uint8Array; address?: undefined } | { address: string; scriptPubKey?: undefined });

/** A payment: `value` satoshis to `address`. */
export type Payment = { address: string; value: bigint };

/**
 * A fee rate, either in satoshi per vbyte, or in millisatoshi per vbyte as the IC's
 * `bitcoin_get_current_fee_percentiles` returns it (1 sat/vbyte = 1000 millisat/vbyte). The
 * Candid type is named `MillisatoshiPerByte`, but the Bitcoin canister computes each value as
 * 1000 × fee / vsize (dfinity/bitcoin-canister, canister/src/api/fee_percentiles.rs): per vbyte.
 */
export type FeeRate = { satPerVbyte: bigint } | { millisatPerVbyte: bigint };

export type TxInput = {
  /** Hex, display order. */
  txid: string;
  vout: number;
  sequence: number;
  /** Value of the spent output, in satoshis (committed to by both sighash algorithms). */
  value: bigint;
  /** Script of the spent output. */
  scriptPubKey: Uint8Array;
};

export type TxOutput = { scriptPubKey: Uint8Array; value: bigint };

/** A transaction before signing, with what the sighashes need to know about the spent outputs. */
export type UnsignedTransaction = {
  version: number;
  lockTime: number;
  inputs: readonly TxInput[];
  outputs: readonly TxOutput[];
};

export type BuiltTransaction = {
  transaction: UnsignedTransaction;
  /** Inputs minus outputs, in satoshis (includes any change too small to keep). */
  fee: bigint;
  /** Estimated virtual size once signed (72-byte ECDSA signatures: the worst case). */
  vsize: number;
  /** Index of the change output, or undefined when the change was below dust. */
  changeIndex: number | undefined;
};

export type EstimateFeeErrorType = InvalidFeeRateError | MalformedTransactionError | InvalidArgumentError;
export type EstimateVsizeErrorType = MalformedTransactionError | InvalidArgumentError;
export type ValidateTransactionErrorType = MalformedTransactionError;
export type SerializeTransactionErrorType = MalformedTransactionError;
export type BuildTransactionErrorType =
  | InvalidArgumentError
  | MalformedTransactionError
  | InvalidNetworkError
  | InvalidFeeRateError
  | FeeRateBelowMinimumError
  | TransactionTooLargeError
  | NoOutputsError
  | InvalidAmountError
  | InvalidAddressError
  | WrongNetworkError
  | UnsupportedAddressError
  | DustOutputError
  | InvalidUtxoError
  | InsufficientFundsError
  | TooManyInputsError;
export type GetSighashErrorType = InvalidInputIndexError | UnsupportedInputError | MalformedTransactionError | InvalidArgumentError;

/** The type of input that spends `scriptPubKey`, if this module can sign it (undefined for anything else, bytes or not). */
export function inputTypeOf(scriptPubKey: Uint8Array): InputType | undefined {
  if (!(scriptPubKey instanceof Uint8Array)) return undefined;
  // OP_0 <20 bytes>
  if (scriptPubKey.length === 22 && scriptPubKey[0] === 0x00 && scriptPubKey[1] === 0x14) return 'p2wpkh';
  // OP_1 <32 bytes>
  if (scriptPubKey.length === 34 && scriptPubKey[0] === 0x51 && scriptPubKey[1] === 0x20) return 'p2tr';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Size and fee
// ---------------------------------------------------------------------------------------------

/** Bytes of a CompactSize (varint) encoding `n`. */
function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}

/**
 * Weight units (BIP141: 4 per non-witness byte, 1 per witness byte) of one signed input.
 * Non-witness part, both types: txid 32 + vout 4 + empty scriptSig 1 + nSequence 4 = 41 bytes.
 * P2WPKH witness: item count 1, then 1 + 72 for the signature and 1 + 33 for the key. 72 is the
 *   worst case: a DER signature is 0x30 len 0x02 len(r) r 0x02 len(s) s, with r at most 33
 *   bytes (a 0x00 is prepended when its top bit is set) and s at most 32 (low-S makes s < n/2,
 *   so its top bit is clear): 6 + 33 + 32 = 71, plus the sighash byte. About half the
 *   signatures are shorter (r needs no 0x00), so the real size is at most the estimate and
 *   the fee rate paid at least the one asked for.
 * P2TR key-path witness: item count 1, then 1 + 64 (SIGHASH_DEFAULT adds no sighash byte).
 */
const INPUT_WEIGHT: Readonly<Record<InputType, number>> = {
  p2wpkh: 4 * 41 + (1 + 1 + 72 + 1 + 33), // 272 WU = 68 vbytes
  p2tr: 4 * 41 + (1 + 1 + 64), // 230 WU = 57.5 vbytes
};

function transactionWeight({
  inputCount,
  inputsWeight,
  outputScripts,
}: {
  inputCount: number;
  inputsWeight: number;
  outputScripts: readonly Uint8Array[];
}): number {
  // version 4 + input count + output count + nLockTime 4, all non-witness.
  let nonWitnessBytes = 4 + compactSizeLength(inputCount) + compactSizeLength(outputScripts.length) + 4;
  for (const script of outputScripts) {
    nonWitnessBytes += 8 + compactSizeLength(script.length) + script.length;
  }
  // The segwit marker and flag bytes (0x00 0x01) are witness data: 2 WU.
  return 4 * nonWitnessBytes + 2 + inputsWeight;
}

/**
 * Virtual size of the signed transaction spending `inputTypes` to `outputScripts`:
 * ceil(weight / 4). Exact when every ECDSA signature is 72 bytes with its sighash byte
 * (the worst case, see INPUT_WEIGHT); otherwise an upper bound, the real weight being 1 WU
 * smaller per byte a signature is shorter.
 *
 * @example
 * estimateVsize({ inputTypes: ['p2wpkh'], outputScripts: [p2wpkhScript, p2wpkhScript] }); // 141
 */
export function estimateVsize(args: { inputTypes: readonly InputType[]; outputScripts: readonly Uint8Array[] }): number {
  assertParameterObject(args, 'estimateVsize');
  const { inputTypes, outputScripts } = args;
  if (!Array.isArray(inputTypes)) {
    throw new MalformedTransactionError({ field: 'inputTypes', value: describeValue(inputTypes), details: 'expected an array' });
  }
  if (!Array.isArray(outputScripts)) {
    throw new MalformedTransactionError({ field: 'outputScripts', value: describeValue(outputScripts), details: 'expected an array' });
  }
  let inputsWeight = 0;
  Array.from(inputTypes as unknown[], (type, index) => {
    if (type !== 'p2wpkh' && type !== 'p2tr') {
      throw new MalformedTransactionError({
        field: `inputTypes[${index}]`,
        value: describeValue(type),
        details: 'expected "p2wpkh" or "p2tr"',
      });
    }
    inputsWeight += INPUT_WEIGHT[type];
  });
  Array.from(outputScripts as unknown[], (script, index) => {
    if (!(script instanceof Uint8Array)) {
      throw new MalformedTransactionError({
        field: `outputScripts[${index}]`,
        value: describeValue(script),
        details: 'expected a Uint8Array',
      });
    }
  });
  const weight = transactionWeight({ inputCount: inputTypes.length, inputsWeight, outputScripts });
  return Math.ceil(weight / 4);
}

/** The fee rate in millisatoshi per vbyte, validated. */
function millisatPerVbyte(feeRate: FeeRate): bigint {
  if (typeof feeRate !== 'object' || feeRate === null) {
    throw new InvalidFeeRateError(describeValue(feeRate), 'expected { satPerVbyte } or { millisatPerVbyte }');
  }
  const isSat = 'satPerVbyte' in feeRate;
  if (isSat === 'millisatPerVbyte' in feeRate) {
    throw new InvalidFeeRateError(JSON.stringify(Object.keys(feeRate)), 'give exactly one of satPerVbyte or millisatPerVbyte');
  }
  const value: unknown = isSat ? feeRate.satPerVbyte : (feeRate as { millisatPerVbyte?: unknown }).millisatPerVbyte;
  const unit = isSat ? 'sat/vbyte' : 'millisat/vbyte';
  if (typeof value !== 'bigint') {
    throw new InvalidFeeRateError(`${describeValue(value)} ${unit}`, 'expected a bigint');
  }
  const millisat = isSat ? value * 1000n : value;
  if (millisat <= 0n) {
    throw new InvalidFeeRateError(`${value} ${unit}`, 'must be positive');
  }
  if (millisat > MAX_FEE_RATE_SAT_PER_VBYTE * 1000n) {
    throw new InvalidFeeRateError(`${value} ${unit}`, `exceeds ${MAX_FEE_RATE_SAT_PER_VBYTE} sat/vbyte`);
  }
  return millisat;
}

/**
 * The fee for `vsize` vbytes at `feeRate`, rounded up to a whole satoshi.
 *
 * @throws {InvalidFeeRateError} unless the rate is a bigint in (0, 10,000] sat/vbyte.
 * @throws {MalformedTransactionError} unless `vsize` is a non-negative safe integer.
 *
 * @example
 * estimateFee({ vsize: 141, feeRate: { satPerVbyte: 2n } }); // 282n
 * estimateFee({ vsize: 141, feeRate: { millisatPerVbyte: 1500n } }); // 212n (211.5 rounded up)
 */
export function estimateFee(args: { vsize: number; feeRate: FeeRate }): bigint {
  assertParameterObject(args, 'estimateFee');
  const { vsize, feeRate } = args;
  if (typeof vsize !== 'number' || !Number.isSafeInteger(vsize) || vsize < 0) {
    throw new MalformedTransactionError({
      field: 'vsize',
      value: describeValue(vsize),
      details: 'expected a non-negative integer number of vbytes',
    });
  }
  const rate = millisatPerVbyte(feeRate);
  return (BigInt(vsize) * rate + 999n) / 1000n;
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

type SpendableUtxo = TxInput & { type: InputType };

const TXID_PATTERN = /^[0-9a-fA-F]{64}$/;

function validateUtxos({ utxos, network }: { utxos: readonly Utxo[]; network: BitcoinNetwork }): SpendableUtxo[] {
  if (!Array.isArray(utxos)) {
    throw new InvalidUtxoError(describeValue(utxos), 'expected an array of UTXOs');
  }
  const seen = new Set<string>();
  return Array.from(utxos as unknown[] as (Utxo | undefined)[], (utxo) => {
    const outpoint = `${describeValue(utxo?.txid)}:${describeValue(utxo?.vout)}`;
    if (typeof utxo?.txid !== 'string' || !TXID_PATTERN.test(utxo.txid)) {
      throw new InvalidUtxoError(outpoint, 'txid must be 64 hex characters');
    }
    if (typeof utxo.vout !== 'number' || !Number.isInteger(utxo.vout) || utxo.vout < 0 || utxo.vout > 0xffffffff) {
      throw new InvalidUtxoError(outpoint, 'vout must be an integer in 0..4294967295');
    }
    assertSatoshis({ value: utxo.value, name: `value of UTXO ${outpoint}` });
    const txid = utxo.txid.toLowerCase();
    const key = `${txid}:${utxo.vout}`;
    if (seen.has(key)) throw new InvalidUtxoError(outpoint, 'duplicate outpoint');
    seen.add(key);
    let scriptPubKey: Uint8Array;
    if (utxo.scriptPubKey instanceof Uint8Array && utxo.address === undefined) {
      scriptPubKey = utxo.scriptPubKey;
    } else if (typeof utxo.address === 'string' && utxo.scriptPubKey === undefined) {
      scriptPubKey = parseAddress({ address: utxo.address, network }).scriptPubKey;
    } else {
      throw new InvalidUtxoError(outpoint, 'give exactly one of scriptPubKey (bytes) or address');
    }
    const type = inputTypeOf(scriptPubKey);
    if (type === undefined) {
      throw new InvalidUtxoError(outpoint, `scriptPubKey ${hex.encode(scriptPubKey)} is neither P2WPKH nor P2TR`);
    }
    return { txid, vout: utxo.vout, sequence: RBF_SEQUENCE, value: utxo.value, scriptPubKey: scriptPubKey.slice(), type };
  });
}

function validatePayments({ outputs, network }: { outputs: readonly Payment[]; network: BitcoinNetwork }): TxOutput[] {
  if (!Array.isArray(outputs) || outputs.length === 0) throw new NoOutputsError();
  let total = 0n;
  const result = Array.from(outputs as unknown[], (output, index) => {
    if (typeof output !== 'object' || output === null) {
      throw new MalformedTransactionError({
        field: `outputs[${index}]`,
        value: describeValue(output),
        details: 'expected { address, value }',
      });
    }
    const { address, value } = output as Payment;
    const { type, scriptPubKey } = parseAddress({ address, network });
    assertSatoshis({ value, name: `output to ${address}` });
    if (value < DUST_THRESHOLDS[type]) {
      throw new DustOutputError({ address, value, threshold: DUST_THRESHOLDS[type] });
    }
    total += value;
    return { scriptPubKey, value };
  });
  if (total > MAX_MONEY) {
    throw new InvalidAmountError(total.toString(), 'the outputs together exceed 21,000,000 BTC');
  }
  return result;
}

/**
 * Builds an unsigned transaction paying `outputs` from `utxos` (P2WPKH and/or P2TR), with any
 * change to `changeAddress`, at `feeRate`.
 *
 * Coin selection is largest-first accumulation, which spends the fewest inputs: UTXOs are
 * sorted by value (descending; ties by txid then vout, for determinism) and added one by one
 * until they pay the outputs plus the fee of the transaction as it stands:
 *   - with a change output, if the change would be at least the change address's dust
 *     threshold;
 *   - otherwise without change, the remainder (below dust plus the change output's own fee)
 *     going to the miners.
 * Inputs appear in selection order, every one with nSequence 0xfffffffd (RBF); outputs in the
 * given order, change last. Version 2, nLockTime 0.
 *
 * @throws {NoOutputsError} when `outputs` is empty.
 * @throws {InvalidAddressError | WrongNetworkError | UnsupportedAddressError} for a bad output
 *   or change address.
 * @throws {InvalidAmountError} for an output value that is not a bigint in 0..21e6 BTC, or
 *   outputs summing above that.
 * @throws {DustOutputError} for an output below its type's dust threshold.
 * @throws {InvalidUtxoError} for a malformed or duplicate UTXO or one that is not P2WPKH/P2TR.
 * @throws {InvalidFeeRateError}
 * @throws {InsufficientFundsError} when even all UTXOs cannot pay outputs and fee.
 * @throws {TooManyInputsError} when paying would take more than MAX_INPUTS inputs.
 * @throws {FeeRateBelowMinimumError} (an InvalidFeeRateError) for a rate below 1 sat/vbyte
 *   (1000 millisat/vbyte), the minimum relay fee.
 * @throws {TransactionTooLargeError} when the signed transaction could weigh more than
 *   MAX_STANDARD_TX_WEIGHT (400,000 WU = 100,000 vbytes, estimated with 72-byte signatures).
 * @throws {MalformedTransactionError} for an entry of `outputs` that is not an object.
 * @throws {InvalidArgumentError} when the argument is not an object.
 *
 * @example
 * const { transaction, fee, vsize } = buildTransaction({
 *   network: 'mainnet',
 *   utxos: [{ txid: 'ab…', vout: 0, value: 100_000n, address: 'bc1q…' }],
 *   outputs: [{ address: 'bc1p…', value: 50_000n }],
 *   changeAddress: 'bc1q…',
 *   feeRate: { millisatPerVbyte: 2_000n },
 * });
 */
export function buildTransaction(args: {
  network: BitcoinNetwork;
  utxos: readonly Utxo[];
  outputs: readonly Payment[];
  changeAddress: string;
  feeRate: FeeRate;
}): BuiltTransaction {
  assertParameterObject(args, 'buildTransaction');
  const { network, utxos, outputs, changeAddress, feeRate } = args;
  assertNetwork(network);
  // Validate the rate before anything else; then the relay floor (see MIN_RELAY_FEE_MILLISAT_PER_VBYTE).
  if (millisatPerVbyte(feeRate) < MIN_RELAY_FEE_MILLISAT_PER_VBYTE) {
    const value = 'satPerVbyte' in feeRate ? `${feeRate.satPerVbyte} sat/vbyte` : `${feeRate.millisatPerVbyte} millisat/vbyte`;
    throw new FeeRateBelowMinimumError({ value, minimumMillisatPerVbyte: MIN_RELAY_FEE_MILLISAT_PER_VBYTE });
  }
  const payments = validatePayments({ outputs, network });
  // The lightest transaction paying these outputs (one P2TR input, no change) must already be
  // standard, or no choice of UTXOs can make it so.
  const lightest = transactionWeight({
    inputCount: 1,
    inputsWeight: INPUT_WEIGHT.p2tr,
    outputScripts: payments.map((o) => o.scriptPubKey),
  });
  if (lightest > MAX_STANDARD_TX_WEIGHT) throw new TransactionTooLargeError({ weight: lightest, max: MAX_STANDARD_TX_WEIGHT });
  const change = parseAddress({ address: changeAddress, network });
  const changeDust = DUST_THRESHOLDS[change.type];
  const spendable = validateUtxos({ utxos, network });

  const sorted = [...spendable].sort((a, b) =>
    a.value !== b.value ? (a.value > b.value ? -1 : 1) : a.txid !== b.txid ? (a.txid < b.txid ? -1 : 1) : a.vout - b.vout,
  );
  const target = payments.reduce((sum, output) => sum + output.value, 0n);
  const paymentScripts = payments.map((output) => output.scriptPubKey);
  const withChangeScripts = [...paymentScripts, change.scriptPubKey];

  let selectedValue = 0n;
  let inputsWeight = 0;
  for (let count = 1; count <= sorted.length; count++) {
    const utxo = sorted[count - 1];
    selectedValue += utxo.value;
    inputsWeight += INPUT_WEIGHT[utxo.type];
    const weightWithChange = transactionWeight({ inputCount: count, inputsWeight, outputScripts: withChangeScripts });
    const weightWithoutChange = transactionWeight({ inputCount: count, inputsWeight, outputScripts: paymentScripts });
    const vsizeWithChange = Math.ceil(weightWithChange / 4);
    const changeValue = selectedValue - target - estimateFee({ vsize: vsizeWithChange, feeRate });
    const vsizeWithoutChange = Math.ceil(weightWithoutChange / 4);
    const feeWithoutChange = estimateFee({ vsize: vsizeWithoutChange, feeRate });
    const withChange = changeValue >= changeDust;
    if (!withChange && selectedValue < target + feeWithoutChange) continue;

    if (count > MAX_INPUTS) throw new TooManyInputsError({ count, max: MAX_INPUTS });
    const weight = withChange ? weightWithChange : weightWithoutChange;
    if (weight > MAX_STANDARD_TX_WEIGHT) throw new TransactionTooLargeError({ weight, max: MAX_STANDARD_TX_WEIGHT });
    const txOutputs: TxOutput[] = withChange ? [...payments, { scriptPubKey: change.scriptPubKey, value: changeValue }] : payments;
    const inputs: TxInput[] = sorted
      .slice(0, count)
      .map(({ txid, vout, sequence, value, scriptPubKey }) => ({ txid, vout, sequence, value, scriptPubKey }));
    return {
      transaction: { version: TX_VERSION, lockTime: 0, inputs, outputs: txOutputs },
      fee: selectedValue - txOutputs.reduce((sum, output) => sum + output.value, 0n),
      vsize: withChange ? vsizeWithChange : vsizeWithoutChange,
      changeIndex: withChange ? payments.length : undefined,
    };
  }
  const available = selectedValue;
  const feeSpendingAll = estimateFee({
    vsize: Math.ceil(transactionWeight({ inputCount: sorted.length, inputsWeight, outputScripts: paymentScripts }) / 4),
    feeRate,
  });
  throw new InsufficientFundsError({ required: target + feeSpendingAll, available });
}

// ---------------------------------------------------------------------------------------------
// Serialization and sighashes
// ---------------------------------------------------------------------------------------------

/**
 * A transaction that passed {@link validateTransaction}: a private copy, so it cannot change
 * between the check and its use. Only `validateTransaction` makes one.
 */
export type ValidatedTransaction = UnsignedTransaction & { readonly validated: true };

function malformed(field: string, value: unknown, details: string): MalformedTransactionError {
  return new MalformedTransactionError({ field, value: describeValue(value), details });
}

function checkUint32(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw malformed(field, value, 'expected an integer in 0..4294967295');
  }
  return value;
}

function checkSatoshis(field: string, value: unknown): bigint {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_MONEY) {
    throw malformed(field, value, `expected a bigint number of satoshis in 0..${MAX_MONEY} (consensus MoneyRange)`);
  }
  return value;
}

function checkScript(field: string, value: unknown): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(field, value, 'expected a Uint8Array');
  return value.slice();
}

/**
 * The one check of a transaction object, hand-built or from `buildTransaction`, that
 * `serializeTransaction`, `getSighash(es)` and `finalizeTransaction` all run first, so that
 * they accept and refuse exactly the same objects. It refuses what cannot be serialized and
 * what Bitcoin's consensus rules (Bitcoin Core src/consensus/tx_check.cpp `CheckTransaction`,
 * src/consensus/tx_verify.cpp `CheckTxInputs`) make invalid whatever the signatures:
 * - version, lockTime, vout and sequence: integers in 0..2^32-1 (Bitcoin Core reads nVersion
 *   as a uint32_t since v28, src/primitives/transaction.h, as bitcoinjs-lib does);
 * - inputs and outputs: non-empty arrays (bad-txns-vin-empty, bad-txns-vout-empty);
 * - txid: 64 hex characters; no outpoint spent twice (bad-txns-inputs-duplicate);
 * - every input and output value a bigint in 0..MAX_MONEY, and so are their sums
 *   (bad-txns-vout-toolarge, bad-txns-txouttotal-toolarge, bad-txns-inputvalues-outofrange);
 * - scriptPubKeys: Uint8Arrays.
 * Returns a validated copy (txids lower-cased, scripts copied).
 *
 * @throws {MalformedTransactionError} naming the first bad field.
 */
export function validateTransaction(transaction: UnsignedTransaction): ValidatedTransaction {
  if (typeof transaction !== 'object' || transaction === null) {
    throw malformed('transaction', transaction, 'expected { version, lockTime, inputs, outputs }');
  }
  const { version, lockTime, inputs, outputs } = transaction as Record<keyof UnsignedTransaction, unknown>;
  checkUint32('version', version);
  checkUint32('lockTime', lockTime);
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw malformed('inputs', inputs, 'expected a non-empty array (consensus: bad-txns-vin-empty)');
  }
  if (!Array.isArray(outputs) || outputs.length === 0) {
    throw malformed('outputs', outputs, 'expected a non-empty array (consensus: bad-txns-vout-empty)');
  }
  const seen = new Map<string, number>();
  let inputTotal = 0n;
  // Array.from, not map: map skips the holes of a sparse array, which must be refused too.
  const validInputs = Array.from(inputs as unknown[], (input, index): TxInput => {
    if (typeof input !== 'object' || input === null) {
      throw malformed(`input ${index}`, input, 'expected { txid, vout, sequence, value, scriptPubKey }');
    }
    const fields = input as Record<keyof TxInput, unknown>;
    if (typeof fields.txid !== 'string' || !TXID_PATTERN.test(fields.txid)) {
      throw malformed(`txid of input ${index}`, fields.txid, 'expected 64 hex characters');
    }
    const txid = fields.txid.toLowerCase();
    const vout = checkUint32(`vout of input ${index}`, fields.vout);
    const sequence = checkUint32(`sequence of input ${index}`, fields.sequence);
    const value = checkSatoshis(`value of input ${index}`, fields.value);
    const scriptPubKey = checkScript(`scriptPubKey of input ${index}`, fields.scriptPubKey);
    const key = `${txid}:${vout}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw malformed(`input ${index}`, key, `spends the same outpoint as input ${earlier} (consensus: bad-txns-inputs-duplicate)`);
    }
    seen.set(key, index);
    inputTotal += value;
    return { txid, vout, sequence, value, scriptPubKey };
  });
  if (inputTotal > MAX_MONEY) {
    throw malformed('inputs', inputTotal, 'the spent values together exceed 21,000,000 BTC (consensus: bad-txns-inputvalues-outofrange)');
  }
  let outputTotal = 0n;
  const validOutputs = Array.from(outputs as unknown[], (output, index): TxOutput => {
    if (typeof output !== 'object' || output === null) {
      throw malformed(`output ${index}`, output, 'expected { scriptPubKey, value }');
    }
    const fields = output as Record<keyof TxOutput, unknown>;
    const value = checkSatoshis(`value of output ${index}`, fields.value);
    const scriptPubKey = checkScript(`scriptPubKey of output ${index}`, fields.scriptPubKey);
    outputTotal += value;
    return { scriptPubKey, value };
  });
  if (outputTotal > MAX_MONEY) {
    throw malformed('outputs', outputTotal, 'the outputs together exceed 21,000,000 BTC (consensus: bad-txns-txouttotal-toolarge)');
  }
  return { version: version as number, lockTime: lockTime as number, inputs: validInputs, outputs: validOutputs, validated: true };
}

/**
 * The network serialization of a validated transaction through @scure/btc-signer's raw coder
 * (no PSBT layer: its `Transaction` re-validates every input on each update, quadratic in the
 * inputs). Without `witnesses`, the legacy form: nVersion | inputs | outputs | nLockTime, with
 * empty scriptSigs. With them, BIP144: nVersion | marker 0x00 | flag 0x01 | inputs | outputs |
 * one witness stack per input | nLockTime.
 */
export function encodeValidatedTransaction({
  transaction,
  witnesses,
}: {
  transaction: ValidatedTransaction;
  witnesses?: readonly Uint8Array[][];
}): Uint8Array {
  return RawTx.encode({
    // The coder's field is a signed 32-bit integer: `| 0` gives the same four bytes.
    version: transaction.version | 0,
    segwitFlag: witnesses !== undefined,
    inputs: transaction.inputs.map((input) => ({
      // The coder reverses the txid into internal byte order, as `outpoint` below does.
      txid: hex.decode(input.txid),
      index: input.vout,
      finalScriptSig: new Uint8Array(0),
      sequence: input.sequence,
    })),
    outputs: transaction.outputs.map(({ scriptPubKey, value }) => ({ amount: value, script: scriptPubKey })),
    witnesses: witnesses?.map((stack) => [...stack]),
    lockTime: transaction.lockTime,
  });
}

/**
 * `encodeValidatedTransaction` for any transaction object: validated first, and the witnesses,
 * when given, must be one array of byte strings per input, not all empty (BIP144).
 *
 * @throws {MalformedTransactionError}
 */
export function encodeTransaction(args: { transaction: UnsignedTransaction; witnesses?: readonly Uint8Array[][] }): Uint8Array {
  assertParameterObject(args, 'encodeTransaction');
  const transaction = validateTransaction(args.transaction);
  const { witnesses } = args;
  if (witnesses !== undefined) {
    if (!Array.isArray(witnesses) || witnesses.length !== transaction.inputs.length) {
      throw malformed('witnesses', witnesses, `expected one witness stack per input (${transaction.inputs.length})`);
    }
    Array.from(witnesses as unknown[], (stack, index) => {
      if (!Array.isArray(stack) || !Array.from(stack as unknown[]).every((item) => item instanceof Uint8Array)) {
        throw malformed(`witness of input ${index}`, stack, 'expected an array of Uint8Arrays');
      }
    });
    if (witnesses.every((stack) => stack.length === 0)) {
      throw malformed('witnesses', witnesses, 'all witness stacks are empty: serialize without witnesses (BIP144)');
    }
  }
  return encodeValidatedTransaction({ transaction, witnesses });
}

/**
 * The transaction serialized without witnesses: the bytes whose double SHA-256, reversed, is
 * the txid (the same before and after signing, since segwit signatures live in the witness).
 *
 * @throws {MalformedTransactionError} see {@link validateTransaction}.
 */
export function serializeTransaction(transaction: UnsignedTransaction): Uint8Array {
  return encodeValidatedTransaction({ transaction: validateTransaction(transaction) });
}

// Byte encodings the two digests share (all integers little-endian, as in the transaction).

// Their arguments come from a ValidatedTransaction, so they need no checks of their own.

function u32le(value: number): Uint8Array {
  // nVersion is a signed 32-bit field: its two's complement bytes are those of `value >>> 0`.
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
  return bytes;
}

function u64le(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

/** A script with its CompactSize length prefix, as scripts appear inside a transaction. */
function withLength(script: Uint8Array): Uint8Array {
  const n = script.length;
  const prefix = n < 0xfd ? [n] : n <= 0xffff ? [0xfd, n & 0xff, n >>> 8] : [0xfe, ...u32le(n)];
  return concatBytes(Uint8Array.from(prefix), script);
}

/** An outpoint as serialized: the txid's 32 bytes in internal order (display order reversed), then vout. */
function outpoint(input: TxInput): Uint8Array {
  return concatBytes(hex.decode(input.txid).reverse(), u32le(input.vout));
}

/** A transaction output as serialized: value, then its script with its length. */
function serializedOutput(output: TxOutput): Uint8Array {
  return concatBytes(u64le(output.value), withLength(output.scriptPubKey));
}

/** BIP340 tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ message). */
function taggedHash(tag: string, message: Uint8Array): Uint8Array {
  const tagHash = sha256(utf8ToBytes(tag));
  return sha256(concatBytes(tagHash, tagHash, message));
}

/**
 * The single SHA-256s over all inputs and outputs (BIP341 "sha_*"). BIP143's shared hashes are
 * the double SHA-256 of the same serializations, so each is one more SHA-256 of these: both
 * digests derive from one pass over the transaction.
 */
type SharedHashes = {
  /** SHA256 of every outpoint (txid ‖ vout), in input order. */
  prevouts: Uint8Array;
  /** SHA256 of every spent output's value (8 bytes LE), in input order (BIP341 only). */
  amounts: Uint8Array;
  /** SHA256 of every spent output's script, each with its CompactSize length (BIP341 only). */
  scriptPubKeys: Uint8Array;
  /** SHA256 of every nSequence (4 bytes LE). */
  sequences: Uint8Array;
  /** SHA256 of every output (value ‖ script with its length). */
  outputs: Uint8Array;
  /** BIP143's hashPrevouts, hashSequence and hashOutputs: the same, hashed twice. */
  hashPrevouts: Uint8Array;
  hashSequence: Uint8Array;
  hashOutputs: Uint8Array;
};

function sharedHashes(transaction: ValidatedTransaction): SharedHashes {
  const { inputs, outputs } = transaction;
  const prevouts = sha256(concatBytes(...inputs.map(outpoint)));
  const sequences = sha256(concatBytes(...inputs.map((input) => u32le(input.sequence))));
  const outputsHash = sha256(concatBytes(...outputs.map(serializedOutput)));
  return {
    prevouts,
    amounts: sha256(concatBytes(...inputs.map((input) => u64le(input.value)))),
    scriptPubKeys: sha256(concatBytes(...inputs.map((input) => withLength(input.scriptPubKey)))),
    sequences,
    outputs: outputsHash,
    hashPrevouts: sha256(prevouts),
    hashSequence: sha256(sequences),
    hashOutputs: sha256(outputsHash),
  };
}

/** SIGHASH_ALL (BIP143 inputs) and SIGHASH_DEFAULT (BIP341 key path): all inputs, all outputs. */
const SIGHASH_ALL = 0x01;
const SIGHASH_DEFAULT = 0x00;

/**
 * A function giving the sighash of any input of a validated transaction (see `getSighash`).
 * The hashes over all inputs and outputs, which both algorithms commit to, are computed once,
 * on the first call, so that hashing every input costs time linear in the inputs, not quadratic.
 */
export function validatedSighasher(transaction: ValidatedTransaction): (index: number) => Uint8Array {
  let shared: SharedHashes | undefined;
  const version = u32le(transaction.version);
  const lockTime = u32le(transaction.lockTime);
  return (index) => {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= transaction.inputs.length) {
      throw new InvalidInputIndexError({ index, count: transaction.inputs.length });
    }
    const input = transaction.inputs[index];
    const type = inputTypeOf(input.scriptPubKey);
    if (type === undefined) throw new UnsupportedInputError({ index, scriptPubKey: hex.encode(input.scriptPubKey) });
    shared ??= sharedHashes(transaction);
    if (type === 'p2wpkh') {
      // BIP143, SIGHASH_ALL: double SHA-256 of
      //    1. nVersion (4 bytes LE)
      //    2. hashPrevouts: double SHA-256 of all outpoints
      //    3. hashSequence: double SHA-256 of all nSequence
      //    4. this input's outpoint (32-byte txid ‖ 4-byte vout)
      //    5. scriptCode: for P2WPKH the P2PKH script of the same key hash, with its length:
      //       0x19 OP_DUP OP_HASH160 0x14 <20-byte hash> OP_EQUALVERIFY OP_CHECKSIG
      //    6. value of the spent output (8 bytes LE)
      //    7. this input's nSequence (4 bytes LE)
      //    8. hashOutputs: double SHA-256 of all outputs
      //    9. nLockTime (4 bytes LE)
      //   10. sighash type (4 bytes LE): SIGHASH_ALL
      const scriptCode = concatBytes(Uint8Array.of(0x19, 0x76, 0xa9, 0x14), input.scriptPubKey.subarray(2), Uint8Array.of(0x88, 0xac));
      const preimage = concatBytes(
        version,
        shared.hashPrevouts,
        shared.hashSequence,
        outpoint(input),
        scriptCode,
        u64le(input.value),
        u32le(input.sequence),
        shared.hashOutputs,
        lockTime,
        u32le(SIGHASH_ALL),
      );
      return sha256(sha256(preimage));
    }
    // BIP341 key path, SIGHASH_DEFAULT (0x00: the coverage of SIGHASH_ALL, no sighash byte in
    // the signature): hash_TapSighash(0x00 ‖ SigMsg(0x00, 0)), where SigMsg is
    //   hash_type (1 byte) ‖ nVersion ‖ nLockTime ‖
    //   sha_prevouts ‖ sha_amounts ‖ sha_scriptpubkeys ‖ sha_sequences   (not ANYONECANPAY)
    //   ‖ sha_outputs                                                    (not NONE or SINGLE)
    //   ‖ spend_type (1 byte: ext_flag 0 × 2 + no annex = 0) ‖ input_index (4 bytes LE).
    // Unlike BIP143 it commits to the amounts and scripts of ALL spent outputs, which is why
    // every input carries its value and scriptPubKey.
    const sigMsg = concatBytes(
      Uint8Array.of(SIGHASH_DEFAULT),
      version,
      lockTime,
      shared.prevouts,
      shared.amounts,
      shared.scriptPubKeys,
      shared.sequences,
      shared.outputs,
      Uint8Array.of(0x00),
      u32le(index),
    );
    // The leading 0x00 is the sighash epoch.
    return taggedHash('TapSighash', concatBytes(Uint8Array.of(0x00), sigMsg));
  };
}

/**
 * `validatedSighasher` for any transaction object, validated first.
 *
 * @throws {MalformedTransactionError} see {@link validateTransaction}.
 */
export function sighasher(transaction: UnsignedTransaction): (index: number) => Uint8Array {
  return validatedSighasher(validateTransaction(transaction));
}

/**
 * The 32-byte message to sign for input `index`: the BIP143 SIGHASH_ALL digest for a P2WPKH
 * input (sign with `sign_with_ecdsa`), the BIP341 SIGHASH_DEFAULT key-path digest for a P2TR
 * input (sign with `sign_with_schnorr`, bip340secp256k1, `aux = bip341 { merkle_root_hash = empty }`).
 *
 * @throws {MalformedTransactionError} see {@link validateTransaction}.
 * @throws {InvalidInputIndexError}
 * @throws {UnsupportedInputError} when the input is neither P2WPKH nor P2TR.
 */
export function getSighash(args: { transaction: UnsignedTransaction; index: number }): Uint8Array {
  assertParameterObject(args, 'getSighash');
  return sighasher(args.transaction)(args.index);
}

/**
 * The messages to sign, one per input, in input order (see `getSighash`). The hashes shared by
 * all inputs are computed once, so the cost grows linearly with the inputs.
 *
 * @throws {MalformedTransactionError} see {@link validateTransaction}.
 * @throws {UnsupportedInputError}
 */
export function getSighashes(transaction: UnsignedTransaction): Uint8Array[] {
  const validated = validateTransaction(transaction);
  const sighash = validatedSighasher(validated);
  return validated.inputs.map((_, index) => sighash(index));
}
