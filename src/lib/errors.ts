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

/**
 * A function's parameter object (CONTRIBUTING.md convention 6) that is not an object at all:
 * `undefined`, `null`, a number, a string... Plain-JavaScript callers (the CLI, the frontend)
 * get this typed error instead of the `TypeError` that destructuring would throw.
 */
export class InvalidArgumentError extends WalletError {
  override name = 'InvalidArgumentError';
  /** The function that was called. */
  readonly functionName: string;

  constructor({ functionName, value }: { functionName: string; value: unknown }) {
    super(`Invalid argument to ${functionName}: ${describeValue(value)}`, { details: 'expected an object of named parameters' });
    this.functionName = functionName;
  }
}

/**
 * Throws {@link InvalidArgumentError} unless `value` is a non-null object (arrays and
 * Uint8Arrays included: their missing properties are then refused by the function's own checks).
 */
export function assertParameterObject(value: unknown, functionName: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) {
    throw new InvalidArgumentError({ functionName, value });
  }
}

const HEX_DIGITS = '0123456789abcdef';

/**
 * A short printable form of any runtime value, for error messages: never throws (symbols,
 * objects without a prototype or with a throwing `toString`), never longer than ~100
 * characters (a 1,000,000-digit string must not make a 1 MB message), bytes as hex.
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (value instanceof Uint8Array) {
    let hex = '';
    for (const byte of value.subarray(0, 48)) hex += HEX_DIGITS[byte >> 4] + HEX_DIGITS[byte & 15];
    text = hex;
  } else if (typeof value === 'string') {
    text = value;
  } else if (typeof value === 'bigint') {
    text = value.toString();
  } else if (typeof value === 'object' && value !== null) {
    text = Array.isArray(value) ? `array(${value.length})` : 'object';
  } else {
    try {
      text = String(value);
    } catch {
      text = typeof value;
    }
  }
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}
