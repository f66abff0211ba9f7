/**
 * SOL and SPL token amounts. 1 SOL = 10^9 lamports; an SPL mint declares its own `decimals`
 * (a u8). Both lamport and token amounts are u64 on chain, a tighter bound than
 * `parseUnits`'s uint256, checked here.
 */
import { formatUnits, InvalidAmountError, parseUnits } from '../../lib/amount.ts';
import { assertParameterObject } from '../../lib/errors.ts';

/** Decimals of SOL: amounts on the wire are in lamports. */
export const SOL_DECIMALS = 9;
/** u64::MAX: the largest lamport or token amount an instruction can carry. */
export const MAX_U64 = (1n << 64n) - 1n;

function checkU64(value: string, units: bigint): bigint {
  if (units > MAX_U64) {
    throw new InvalidAmountError(value, 'exceeds u64::MAX base units (18446744073709551615)');
  }
  return units;
}

/**
 * Parses a SOL amount ("0.25") into lamports.
 * @throws {InvalidAmountError} for anything `parseUnits` refuses or above u64::MAX lamports.
 * @example parseSol('0.25'); // 250000000n
 */
export function parseSol(value: string): bigint {
  return checkU64(value, parseUnits({ value, decimals: SOL_DECIMALS }));
}

/**
 * Formats lamports as SOL, exactly, without trailing zeros.
 * @throws {InvalidAmountError} when `lamports` is not a bigint.
 * @example formatSol(250000000n); // '0.25'
 */
export function formatSol(lamports: bigint): string {
  return formatUnits({ value: lamports, decimals: SOL_DECIMALS });
}

/**
 * Parses an SPL token amount into base units for a mint with `decimals`.
 * @throws {InvalidAmountError} (also above u64::MAX) or {InvalidDecimalsError}.
 * @example parseSplAmount({ value: '12.5', decimals: 6 }); // 12500000n
 */
export function parseSplAmount(args: { value: string; decimals: number }): bigint {
  assertParameterObject(args, 'parseSplAmount');
  const { value, decimals } = args;
  return checkU64(value, parseUnits({ value, decimals }));
}

/**
 * Formats SPL token base units for a mint with `decimals`.
 * @throws {InvalidAmountError} when `value` is not a bigint, or {InvalidDecimalsError}.
 * @example formatSplAmount({ value: 12500000n, decimals: 6 }); // '12.5'
 */
export function formatSplAmount(args: { value: bigint; decimals: number }): string {
  assertParameterObject(args, 'formatSplAmount');
  return formatUnits({ value: args.value, decimals: args.decimals });
}
