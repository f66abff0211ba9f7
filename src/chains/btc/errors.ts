/**
 * Every failure of the Bitcoin module, one class per failure, all extending `BtcError`
 * (which extends the project's `WalletError`), so a caller can catch one kind precisely
 * or all Bitcoin errors at once. Messages name the rejected value.
 */
import { describeValue, WalletError } from '../../lib/errors.ts';

/** The base of every error thrown by `src/chains/btc`. */
export class BtcError extends WalletError {
  override name = 'BtcError';
}

/** A network name other than `mainnet`, `testnet` or `regtest`. */
export class InvalidNetworkError extends BtcError {
  override name = 'InvalidNetworkError';
  readonly network: string;

  constructor(network: string) {
    super(`Invalid Bitcoin network "${network}"`, { details: 'expected "mainnet", "testnet" or "regtest"' });
    this.network = network;
  }
}

/** A string that is not a valid Bitcoin address (bad checksum, characters, length, version...). */
export class InvalidAddressError extends BtcError {
  override name = 'InvalidAddressError';
  readonly address: string;

  constructor(address: string, details: string) {
    super(`Invalid Bitcoin address "${address}"`, { details });
    this.address = address;
  }
}

/** A valid address of another network than the one asked for. */
export class WrongNetworkError extends BtcError {
  override name = 'WrongNetworkError';
  readonly address: string;
  readonly expected: string;
  readonly actual: string;

  constructor({ address, expected, actual }: { address: string; expected: string; actual: string }) {
    super(`Address "${address}" is for ${actual}, not ${expected}`);
    this.address = address;
    this.expected = expected;
    this.actual = actual;
  }
}

/**
 * A valid address of a kind this wallet does not pay to: a segwit version 2..16 program, or a
 * version 1 program that is not 32 bytes (BIP350 calls them valid; no wallet should create them).
 * `scriptPubKey` is the output script the address decodes to.
 */
export class UnsupportedAddressError extends BtcError {
  override name = 'UnsupportedAddressError';
  readonly address: string;
  readonly scriptPubKey: Uint8Array;

  constructor({ address, scriptPubKey, details }: { address: string; scriptPubKey: Uint8Array; details: string }) {
    super(`Unsupported Bitcoin address "${address}"`, { details });
    this.address = address;
    this.scriptPubKey = scriptPubKey;
  }
}

/** A public key of the wrong length, prefix, or not on secp256k1. `publicKey` is its hex. */
export class InvalidPublicKeyError extends BtcError {
  override name = 'InvalidPublicKeyError';
  readonly publicKey: string;

  constructor(publicKey: string, details: string) {
    super(`Invalid public key "${publicKey}"`, { details });
    this.publicKey = publicKey;
  }
}

/** An amount that is not a bigint in 0..21,000,000 BTC, or a decimal string that is not one. */
export class InvalidAmountError extends BtcError {
  override name = 'InvalidAmountError';
  readonly value: string;

  constructor(value: string, details: string, options: { cause?: unknown } = {}) {
    super(`Invalid amount "${value}"`, { details, cause: options.cause });
    this.value = value;
  }
}

/** A fee rate that is not a positive bigint within the accepted bound. */
export class InvalidFeeRateError extends BtcError {
  override name = 'InvalidFeeRateError';
  readonly value: string;

  constructor(value: string, details: string) {
    super(`Invalid fee rate ${value}`, { details });
    this.value = value;
  }
}

/**
 * A fee rate below the minimum relay fee (1 sat/vbyte): nodes would neither relay nor mine the
 * transaction. An `InvalidFeeRateError`, so code catching that catches this too.
 */
export class FeeRateBelowMinimumError extends InvalidFeeRateError {
  override name = 'FeeRateBelowMinimumError';
  /** The minimum, in millisatoshi per vbyte. */
  readonly minimumMillisatPerVbyte: bigint;

  constructor({ value, minimumMillisatPerVbyte }: { value: string; minimumMillisatPerVbyte: bigint }) {
    super(value, `below the minimum relay fee of ${minimumMillisatPerVbyte} millisat/vbyte; nodes would not relay the transaction`);
    this.minimumMillisatPerVbyte = minimumMillisatPerVbyte;
  }
}

/**
 * A transaction heavier than Bitcoin Core relays (MAX_STANDARD_TX_WEIGHT, 400,000 weight
 * units = 100,000 vbytes): usually too many outputs for one transaction.
 */
export class TransactionTooLargeError extends BtcError {
  override name = 'TransactionTooLargeError';
  /** Estimated weight of the signed transaction, in weight units. */
  readonly weight: number;
  readonly max: number;

  constructor({ weight, max }: { weight: number; max: number }) {
    super(`Transaction too large: ${weight} weight units, at most ${max} relay`, {
      details: 'split the payments over several transactions',
    });
    this.weight = weight;
    this.max = max;
  }
}

/** An output whose value is below Bitcoin Core's dust threshold for its script type. */
export class DustOutputError extends BtcError {
  override name = 'DustOutputError';
  readonly address: string;
  readonly value: bigint;
  readonly threshold: bigint;

  constructor({ address, value, threshold }: { address: string; value: bigint; threshold: bigint }) {
    super(`Output of ${value} sat to "${address}" is dust`, { details: `the minimum for this address type is ${threshold} sat` });
    this.address = address;
    this.value = value;
    this.threshold = threshold;
  }
}

/** The UTXOs cannot pay the outputs plus the fee. Amounts in satoshis. */
export class InsufficientFundsError extends BtcError {
  override name = 'InsufficientFundsError';
  readonly required: bigint;
  readonly available: bigint;

  constructor({ required, available }: { required: bigint; available: bigint }) {
    super(`Insufficient funds: ${required} sat required, ${available} sat available`);
    this.required = required;
    this.available = available;
  }
}

/** Paying the outputs would take more inputs than the transaction may have. */
export class TooManyInputsError extends BtcError {
  override name = 'TooManyInputsError';
  readonly count: number;
  readonly max: number;

  constructor({ count, max }: { count: number; max: number }) {
    super(`Too many inputs: ${count} needed, at most ${max} allowed`, {
      details: 'consolidate small UTXOs first or send a smaller amount',
    });
    this.count = count;
    this.max = max;
  }
}

/** A malformed UTXO (txid, vout, value, duplicate outpoint). `outpoint` is `txid:vout` as given. */
export class InvalidUtxoError extends BtcError {
  override name = 'InvalidUtxoError';
  readonly outpoint: string;

  constructor(outpoint: string, details: string) {
    super(`Invalid UTXO ${outpoint}`, { details });
    this.outpoint = outpoint;
  }
}

/**
 * A transaction (or transaction parameter) that is malformed: a field that cannot be serialized
 * (a txid that is not 64 hex characters, an integer out of range, a value that is not a bigint),
 * or a transaction consensus rules forbid (no inputs, no outputs, a duplicate outpoint, amounts
 * above 21,000,000 BTC). `field` names it, e.g. "lockTime" or "value of output 2".
 */
export class MalformedTransactionError extends BtcError {
  override name = 'MalformedTransactionError';
  readonly field: string;

  constructor({ field, value, details }: { field: string; value: string; details: string }) {
    super(`Malformed transaction field "${field}": ${value}`, { details });
    this.field = field;
  }
}

/** An input this module cannot sign: its scriptPubKey is neither P2WPKH nor P2TR. */
export class UnsupportedInputError extends BtcError {
  override name = 'UnsupportedInputError';
  readonly index: number;
  readonly scriptPubKey: string;

  constructor({ index, scriptPubKey }: { index: number; scriptPubKey: string }) {
    super(`Input ${index} cannot be signed`, { details: `scriptPubKey ${scriptPubKey} is neither P2WPKH nor P2TR` });
    this.index = index;
    this.scriptPubKey = scriptPubKey;
  }
}

/** A transaction request without any output. */
export class NoOutputsError extends BtcError {
  override name = 'NoOutputsError';

  constructor() {
    super('A transaction needs at least one output');
  }
}

/** An input index outside the transaction. */
export class InvalidInputIndexError extends BtcError {
  override name = 'InvalidInputIndexError';
  readonly index: number;

  constructor({ index, count }: { index: number; count: number }) {
    super(`Invalid input index ${describeValue(index)}`, { details: `the transaction has ${count} inputs` });
    this.index = index;
  }
}

/** Not exactly one signature per input. */
export class SignatureCountError extends BtcError {
  override name = 'SignatureCountError';
  readonly expected: number;
  readonly actual: number;

  constructor({ expected, actual }: { expected: number; actual: number }) {
    super(`Expected ${expected} signatures (one per input), got ${actual}`);
    this.expected = expected;
    this.actual = actual;
  }
}

/** The public key given for an input is not the one its scriptPubKey pays to. */
export class InputKeyMismatchError extends BtcError {
  override name = 'InputKeyMismatchError';
  readonly index: number;
  readonly publicKey: string;

  constructor({ index, publicKey, details }: { index: number; publicKey: string; details: string }) {
    super(`Public key ${publicKey} does not own input ${index}`, { details });
    this.index = index;
    this.publicKey = publicKey;
  }
}

/** A signature that is malformed or does not verify for its input. `signature` is its hex. */
export class InvalidSignatureError extends BtcError {
  override name = 'InvalidSignatureError';
  /** The input it was given for, when known. */
  readonly index: number | undefined;
  readonly signature: string;

  constructor({ index, signature, details }: { index?: number | undefined; signature: string; details: string }) {
    super(`Invalid signature ${signature}${index === undefined ? '' : ` for input ${index}`}`, { details });
    this.index = index;
    this.signature = signature;
  }
}
