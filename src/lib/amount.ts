/**
 * Decimal amount strings <-> integer base units (satoshi, wei, lamports, token units).
 *
 * Pure string and bigint arithmetic: no `Number` maths, no floating point, no `Intl`,
 * so the same code gives the same answer in Node, a browser and an Azle canister.
 *
 * Accepted grammar for `parseUnits` (deliberately strict, a wallet must never guess):
 *   amount   = digits [ "." digits ]
 *   digits   = 1*( "0" / "1" / ... / "9" )
 * so "1", "0.5", "007.10" are accepted and "", "-1", "+1", ".5", "1.", "1e18", " 1",
 * "1,5", "0x10", "１" (full-width) are rejected. A fraction longer than `decimals` is
 * rejected, even when the extra digits are zeros, rather than rounded.
 */
import { assertParameterObject, describeValue, WalletError } from './errors.ts';
import type { InvalidArgumentError } from './errors.ts';

/** 2^256 - 1: the largest uint256, the widest amount any supported chain can carry. */
export const MAX_UINT256 = (1n << 256n) - 1n;

/**
 * The most decimals accepted: ERC-20 `decimals()` and SPL `decimals` are both uint8.
 */
export const MAX_DECIMALS = 255;

/** A decimal amount that cannot be turned into base units (or base units out of range). */
export class InvalidAmountError extends WalletError {
  override name = 'InvalidAmountError';
  /** The rejected value, as given. */
  readonly value: string;

  constructor(value: string, details: string) {
    super(`Invalid amount "${value}"`, { details });
    this.value = value;
  }
}

/** A `decimals` that is not an integer in 0..255. */
export class InvalidDecimalsError extends WalletError {
  override name = 'InvalidDecimalsError';
  readonly decimals: number;

  constructor(decimals: number) {
    super(`Invalid decimals ${describeValue(decimals)}`, { details: `expected an integer in 0..${MAX_DECIMALS}` });
    this.decimals = decimals;
  }
}

/**
 * The longest amount string `parseUnits` reads: the 78 digits of 2^256 - 1, the point and 255
 * fraction digits. Anything longer is refused before the pattern runs, so a pasted
 * megabyte costs nothing (a 1,000,000-digit string took 53 ms to refuse without it). The one
 * valid amount it refuses is one padded with more leading zeros than that.
 */
export const MAX_AMOUNT_LENGTH = 78 + 1 + MAX_DECIMALS;

export type ParseUnitsErrorType = InvalidAmountError | InvalidDecimalsError | InvalidArgumentError;
export type FormatUnitsErrorType = InvalidAmountError | InvalidDecimalsError | InvalidArgumentError;

const AMOUNT_PATTERN = /^([0-9]+)(?:\.([0-9]+))?$/;

function assertDecimals(decimals: unknown): asserts decimals is number {
  if (typeof decimals !== 'number' || !Number.isSafeInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw new InvalidDecimalsError(decimals as number);
  }
}

/**
 * Parses a non-negative decimal string into integer base units: `value × 10^decimals`.
 *
 * @throws {InvalidAmountError} when `value` is not a string, is longer than
 *   MAX_AMOUNT_LENGTH, does not match `digits[.digits]`, has more fraction digits than
 *   `decimals`, or exceeds 2^256 - 1 base units.
 * @throws {InvalidDecimalsError} when `decimals` is not an integer in 0..255.
 * @throws {InvalidArgumentError} when the argument is not an object.
 *
 * @example
 * parseUnits({ value: '1.5', decimals: 18 }); // 1500000000000000000n
 * parseUnits({ value: '0.00000001', decimals: 8 }); // 1n
 */
export function parseUnits(args: { value: string; decimals: number }): bigint {
  assertParameterObject(args, 'parseUnits');
  const { value, decimals } = args;
  assertDecimals(decimals);
  if (typeof value !== 'string') {
    throw new InvalidAmountError(describeValue(value), `expected a string, got ${typeof value}`);
  }
  if (value === '') {
    throw new InvalidAmountError(value, 'empty');
  }
  if (value.length > MAX_AMOUNT_LENGTH) {
    throw new InvalidAmountError(describeValue(value), `longer than ${MAX_AMOUNT_LENGTH} characters (${value.length})`);
  }
  const match = AMOUNT_PATTERN.exec(value);
  if (match === null) {
    throw new InvalidAmountError(value, 'expected only digits with an optional "." and fraction digits');
  }
  const integer = match[1];
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) {
    throw new InvalidAmountError(value, `at most ${decimals} fraction digits allowed, got ${fraction.length}`);
  }
  // Both parts are pure ASCII digit strings here, so BigInt() cannot throw or round.
  const units = BigInt(integer) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
  if (units > MAX_UINT256) {
    throw new InvalidAmountError(value, 'exceeds 2^256 - 1 base units');
  }
  return units;
}

/**
 * Formats integer base units as a decimal string: `value / 10^decimals`, exactly.
 * The fraction has no trailing zeros and is omitted when zero; negative values get a
 * leading "-" (for displaying outgoing deltas). The inverse of `parseUnits` for every
 * value in 0..2^256 - 1.
 *
 * @throws {InvalidAmountError} when `value` is not a bigint (a number such as 1.5 would
 *   print nonsense like "1..5").
 * @throws {InvalidDecimalsError} when `decimals` is not an integer in 0..255.
 * @throws {InvalidArgumentError} when the argument is not an object.
 *
 * @example
 * formatUnits({ value: 1500000000000000000n, decimals: 18 }); // '1.5'
 * formatUnits({ value: 100000000n, decimals: 8 }); // '1'
 */
export function formatUnits(args: { value: bigint; decimals: number }): string {
  assertParameterObject(args, 'formatUnits');
  const { value, decimals } = args;
  assertDecimals(decimals);
  if (typeof value !== 'bigint') {
    throw new InvalidAmountError(describeValue(value), `expected a bigint number of base units, got ${typeof value}`);
  }
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const integer = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${integer}${fraction === '' ? '' : `.${fraction}`}`;
}
