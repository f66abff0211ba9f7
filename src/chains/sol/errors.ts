/**
 * Typed errors of the Solana slice. Every error names the rejected value.
 */
import { WalletError } from '../../lib/errors.ts';

/** Base class of every Solana-specific error; catch this to catch them all. */
export class SolError extends WalletError {
  override name = 'SolError';
}

/** A user-entered or decoded string that is not a base58 32-byte Solana address. */
export class InvalidAddressError extends SolError {
  override name = 'InvalidAddressError';
  readonly address: string;

  constructor(address: string, details: string) {
    super(`Invalid Solana address "${address}"`, { details });
    this.address = address;
  }
}

/** A public key that is not a 32-byte Ed25519 point. */
export class InvalidPublicKeyError extends SolError {
  override name = 'InvalidPublicKeyError';
  /** The rejected key as hex. */
  readonly publicKey: string;

  constructor(publicKey: string, details: string, cause?: unknown) {
    super(`Invalid Ed25519 public key "${publicKey}"`, { details, cause });
    this.publicKey = publicKey;
  }
}

/** A transaction parameter Solana (or this wallet) does not accept. */
export class InvalidTransactionError extends SolError {
  override name = 'InvalidTransactionError';
  /** The offending parameter, e.g. "lamports". */
  readonly field: string;
  /** The offending value, printed. */
  readonly value: string;

  constructor({ field, value, details, cause }: { field: string; value: string; details: string; cause?: unknown }) {
    super(`Invalid Solana transaction parameter ${field} = ${value}`, { details, cause });
    this.field = field;
    this.value = value;
  }
}

/** A signature that is malformed or does not verify over the message for the fee payer. */
export class InvalidSignatureError extends SolError {
  override name = 'InvalidSignatureError';
  /** The rejected signature as hex. */
  readonly signature: string;

  constructor(signature: string, details: string) {
    super(`Invalid Ed25519 signature "${signature}"`, { details });
    this.signature = signature;
  }
}
