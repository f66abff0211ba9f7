/**
 * Bitcoin amounts: satoshis as bigint, BTC as exact decimal strings (8 decimals).
 * The decimal grammar is the project's one (`src/lib/amount.ts`); this file adds Bitcoin's
 * range: no amount is negative or above the 21 million BTC that can ever exist.
 */
import { formatUnits, parseUnits } from '../../lib/amount.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import { InvalidAmountError } from './errors.ts';

/** 1 BTC = 10^8 satoshis. */
export const BTC_DECIMALS = 8;
/** Satoshis in one bitcoin. */
export const SATOSHIS_PER_BTC = 100_000_000n;
/**
 * Bitcoin Core's `MAX_MONEY` (src/consensus/amount.h): 21,000,000 BTC, the most any amount
 * (an output, a sum of outputs, a fee) can be.
 */
export const MAX_MONEY = 21_000_000n * SATOSHIS_PER_BTC;

export type ParseBtcErrorType = InvalidAmountError;
export type FormatBtcErrorType = InvalidAmountError;

/**
 * Throws unless `value` is a bigint number of satoshis in 0..MAX_MONEY.
 * `name` says which amount it is, for the error message.
 *
 * @throws {InvalidAmountError}
 */
export function assertSatoshis(args: { value: unknown; name: string }): void {
  assertParameterObject(args, 'assertSatoshis');
  const { value } = args;
  const name = describeValue(args.name);
  if (typeof value !== 'bigint') {
    throw new InvalidAmountError(describeValue(value), `${name} must be a bigint number of satoshis, got ${typeof value}`);
  }
  if (value < 0n) {
    throw new InvalidAmountError(value.toString(), `${name} must not be negative`);
  }
  if (value > MAX_MONEY) {
    throw new InvalidAmountError(value.toString(), `${name} exceeds 21,000,000 BTC (${MAX_MONEY} sat)`);
  }
}

/**
 * Parses a BTC decimal string ("0.001") into satoshis.
 *
 * @throws {InvalidAmountError} when the string is not `digits[.digits]` with at most 8
 *   fraction digits, or exceeds 21,000,000 BTC.
 *
 * @example
 * parseBtc('0.00012345'); // 12345n
 * parseBtc('21000000'); // 2100000000000000n
 */
export function parseBtc(value: string): bigint {
  let satoshis: bigint;
  try {
    satoshis = parseUnits({ value, decimals: BTC_DECIMALS });
  } catch (error) {
    // Re-throw the shared module's error as the Bitcoin one, keeping its reason.
    const details = error instanceof Error && 'details' in error && typeof error.details === 'string' ? error.details : 'not a BTC amount';
    throw new InvalidAmountError(describeValue(value), details, { cause: error });
  }
  if (satoshis > MAX_MONEY) {
    throw new InvalidAmountError(value, 'exceeds 21,000,000 BTC');
  }
  return satoshis;
}

/**
 * Formats satoshis as a BTC decimal string, exactly (no trailing zeros).
 *
 * @throws {InvalidAmountError} when `satoshis` is not a bigint in 0..MAX_MONEY.
 *
 * @example
 * formatBtc(12345n); // '0.00012345'
 * formatBtc(100000000n); // '1'
 */
export function formatBtc(satoshis: bigint): string {
  assertSatoshis({ value: satoshis, name: 'amount' });
  return formatUnits({ value: satoshis, decimals: BTC_DECIMALS });
}
