/**
 * JSON as the PocketIC server speaks it: 64-bit and larger integers are written as plain JSON
 * numbers (serde does), which `JSON.stringify` cannot do for bigint, and read back as bigint when
 * they do not fit a double.
 */

/** JSON.rawJSON (Node 21+, TC39 "JSON.parse source text access"), which TypeScript's lib lacks. */
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

export function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? rawJSON(v.toString()) : v));
}

/**
 * Parse JSON with the platform's parser, reading every integer that does not fit a double exactly
 * as bigint from its source text (the reviver's `context.source`), so no digit is lost and no
 * text inside a string is ever mistaken for a number.
 */
export function parse(text: string): unknown {
  return JSON.parse(text, (_k, v, context?: { source?: string }) => {
    if (typeof v === 'number' && !Number.isSafeInteger(v) && context?.source && /^-?\d+$/.test(context.source)) {
      return BigInt(context.source);
    }
    return v;
  });
}

/** A JSON number that may have been parsed as number or bigint. */
export function toBigInt(v: unknown, what: string): bigint {
  let n: bigint | null = null;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^\d+$/.test(v)) n = BigInt(v);
  // Amounts of cycles and times are never negative nor fractional: refuse them, never round them.
  if (n === null || n < 0n) throw new BadRequest(`${what}: expected a non-negative integer, got ${stringify(v)}`);
  return n;
}

export class BadRequest extends Error {
  override name = 'BadRequest';
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}
