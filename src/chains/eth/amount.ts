/**
 * Ether and ERC-20 amounts. Ether has 18 decimals (1 ether = 10^18 wei); an ERC-20 token
 * declares its own `decimals()` (a uint8, EIP-20). Both fit in a uint256, which is the bound
 * `parseUnits` already enforces.
 */
import { formatUnits, parseUnits } from '../../lib/amount.ts';
import { assertParameterObject } from '../../lib/errors.ts';

/** Decimals of ether: amounts on the wire are in wei. */
export const ETH_DECIMALS = 18;

/**
 * Parses an ether amount ("0.5") into wei.
 * @throws {InvalidAmountError} see `parseUnits`.
 * @example parseEther('0.5'); // 500000000000000000n
 */
export function parseEther(value: string): bigint {
  return parseUnits({ value, decimals: ETH_DECIMALS });
}

/**
 * Formats wei as ether, exactly, without trailing zeros.
 * @throws {InvalidAmountError} when `wei` is not a bigint.
 * @example formatEther(500000000000000000n); // '0.5'
 */
export function formatEther(wei: bigint): string {
  return formatUnits({ value: wei, decimals: ETH_DECIMALS });
}

/**
 * Parses an ERC-20 amount into base units, for a token with `decimals` (0..255).
 * @throws {InvalidAmountError} or {InvalidDecimalsError}, see `parseUnits`.
 * @example parseErc20Amount({ value: '12.5', decimals: 6 }); // 12500000n
 */
export function parseErc20Amount(args: { value: string; decimals: number }): bigint {
  assertParameterObject(args, 'parseErc20Amount');
  return parseUnits({ value: args.value, decimals: args.decimals });
}

/**
 * Formats ERC-20 base units for a token with `decimals`.
 * @throws {InvalidAmountError} when `value` is not a bigint, or {InvalidDecimalsError}.
 * @example formatErc20Amount({ value: 12500000n, decimals: 6 }); // '12.5'
 */
export function formatErc20Amount(args: { value: bigint; decimals: number }): string {
  assertParameterObject(args, 'formatErc20Amount');
  return formatUnits({ value: args.value, decimals: args.decimals });
}
