/** Amounts typed by the user: units ("0.5") to base units (bigint) and back, exactly (src/lib/amount.ts). */
import { formatUnits, parseUnits } from '../../../../../src/lib/amount.ts';

/** The base units of `value` in units, or the reason it is not an amount. */
export function toBaseUnits(value: string, decimals: number): { ok: bigint } | { error: string } {
  const trimmed = value.trim();
  if (trimmed === '') return { error: 'Enter an amount.' };
  try {
    const base = parseUnits({ value: trimmed, decimals });
    if (base === 0n) return { error: 'The amount must be more than zero.' };
    return { ok: base };
  } catch (error) {
    return { error: `Not an amount with at most ${decimals} decimals${error instanceof Error ? ` (${error.message})` : ''}.` };
  }
}

export function formatAmount(value: bigint, decimals: number): string {
  return formatUnits({ value, decimals });
}
