import { WalletError } from '../../../../src/lib/errors.ts';

/**
 * A bad argument to the direct (non-Candid) API of the threshold service: a programming error of
 * the devnet or a test, never a canister's input (`handle` turns those into rejects instead).
 */
export class ThresholdArgumentError extends WalletError {
  override name = 'ThresholdArgumentError';
}

/** A broken invariant: a derived key or a signature that does not check out. Always a devnet bug. */
export class ThresholdInvariantError extends WalletError {
  override name = 'ThresholdInvariantError';
}

export type ThresholdErrorType = ThresholdArgumentError | ThresholdInvariantError;
