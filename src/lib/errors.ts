/**
 * The one base class for every error the project's pure code throws.
 * Shaped like viem's `BaseError`: a short message, optional details and a cause.
 *
 * @example
 * class InvalidAddressError extends WalletError {
 *   override name = 'InvalidAddressError';
 *   constructor(address: string, details?: string) {
 *     super(`Invalid address "${address}"`, { details });
 *   }
 * }
 */
export class WalletError extends Error {
  override name = 'WalletError';
  /** The message without details, for display. */
  readonly shortMessage: string;
  readonly details: string | undefined;

  constructor(shortMessage: string, options: { details?: string | undefined; cause?: unknown } = {}) {
    super(options.details ? `${shortMessage}: ${options.details}` : shortMessage, { cause: options.cause });
    this.shortMessage = shortMessage;
    this.details = options.details;
  }
}
