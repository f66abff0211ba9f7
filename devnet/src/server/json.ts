/**
 * JSON as the PocketIC server speaks it: 64-bit and larger integers are written as plain JSON
 * numbers (serde does), which `JSON.stringify` cannot do for bigint, and read back as bigint when
 * they do not fit a double.
 */

const BIG = '__devnet_bigint__';

export function stringify(value: unknown): string {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${BIG}${v.toString()}${BIG}` : v));
  return text.replace(new RegExp(`"${BIG}(-?\\d+)${BIG}"`, 'g'), '$1');
}

/** Parse JSON, turning integers beyond 2^53 into bigint. */
export function parse(text: string): unknown {
  const marked = text.replace(/([:[,]\s*)(-?\d{16,})(?=\s*[,\]}])/g, `$1"${BIG}$2"`);
  return JSON.parse(marked, (_k, v) => {
    if (typeof v === 'string' && v.startsWith(BIG)) return BigInt(v.slice(BIG.length));
    return v;
  });
}

/** A JSON number that may have been parsed as number or bigint. */
export function toBigInt(v: unknown, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new BadRequest(`${what}: expected an integer, got ${JSON.stringify(v)}`);
}

export class BadRequest extends Error {
  override name = 'BadRequest';
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}
