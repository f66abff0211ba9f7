/**
 * Typed errors of the Ethereum slice. Every error names the rejected value, so a caller (the
 * wallet canister's endpoint mapping, a UI) can show it without parsing messages.
 */
import { WalletError } from '../../lib/errors.ts';

/** Base class of every Ethereum-specific error; catch this to catch them all. */
export class EthError extends WalletError {
  override name = 'EthError';
}

/** A user-entered or decoded address that is not a valid 20-byte hex address (or fails EIP-55). */
export class InvalidAddressError extends EthError {
  override name = 'InvalidAddressError';
  readonly address: string;

  constructor(address: string, details: string) {
    super(`Invalid Ethereum address "${address}"`, { details });
    this.address = address;
  }
}

/** A public key that is not a valid SEC1 secp256k1 point. */
export class InvalidPublicKeyError extends EthError {
  override name = 'InvalidPublicKeyError';
  /** The rejected key as hex (empty string for an empty key). */
  readonly publicKey: string;

  constructor(publicKey: string, details: string, cause?: unknown) {
    super(`Invalid secp256k1 public key "${publicKey}"`, { details, cause });
    this.publicKey = publicKey;
  }
}

/** A transaction field outside what EIP-1559 (or the node's limits) allows. */
export class InvalidTransactionError extends EthError {
  override name = 'InvalidTransactionError';
  /** The offending field, e.g. "maxPriorityFeePerGas". */
  readonly field: string;
  /** The offending value, printed. */
  readonly value: string;

  constructor({ field, value, details }: { field: string; value: string; details: string }) {
    super(`Invalid transaction field ${field} = ${value}`, { details });
    this.field = field;
    this.value = value;
  }
}

/** A signature (or message hash) that is malformed or does not belong to the expected key. */
export class InvalidSignatureError extends EthError {
  override name = 'InvalidSignatureError';
  /** The rejected signature as hex. */
  readonly signature: string;

  constructor(signature: string, details: string, cause?: unknown) {
    super(`Invalid ECDSA signature "${signature}"`, { details, cause });
    this.signature = signature;
  }
}

/** Call data that is not a well-formed ERC-20 `transfer(address,uint256)` call. */
export class InvalidCallDataError extends EthError {
  override name = 'InvalidCallDataError';
  /** The rejected call data as hex. */
  readonly data: string;

  constructor(data: string, details: string) {
    super(`Invalid ERC-20 transfer call data "${data}"`, { details });
    this.data = data;
  }
}

/** A message to sign that is neither a string of well-formed UTF-16 nor a Uint8Array. */
export class InvalidMessageError extends EthError {
  override name = 'InvalidMessageError';

  constructor(message: string, details: string) {
    super(`Invalid message "${message}"`, { details });
  }
}
