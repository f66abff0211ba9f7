/** A JSON value as the Solana RPC reads and writes it: u64s beyond 2^53 are bigints. */
// `undefined` members are left out when written (serde skip_serializing_if).
export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json | undefined };

// JSON.parse's reviver receives the source text of primitives (ES2025
// "JSON.parse source text access", in Node 24); TypeScript's lib lacks it.
interface ReviverContext {
  source?: string;
}

/**
 * `JSON.parse`, except that integers outside the safe range become `bigint`,
 * so u64 parameters such as lamports keep every digit (the real node parses
 * them with serde_json as u64).
 *
 * @example
 * parseJson('[18446744073709551615]') // [18446744073709551615n]
 */
export function parseJson(text: string): Json {
  return JSON.parse(text, (_key: string, value: unknown, context?: ReviverContext) => {
    if (typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? '')) {
      return BigInt(context?.source as string);
    }
    return value;
  }) as Json;
}

/**
 * `JSON.stringify` that writes a `bigint` as a bare JSON number, as serde_json
 * writes a u64 (e.g. an account's `rentEpoch` of 2^64 - 1). Object members
 * whose value is `undefined` are left out, as serde's `skip_serializing_if`.
 *
 * @example
 * stringifyJson({ rentEpoch: 18446744073709551615n }) // '{"rentEpoch":18446744073709551615}'
 */
export function stringifyJson(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((item) => stringifyJson(item)).join(',')}]`;
  const members: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) members.push(`${JSON.stringify(key)}:${stringifyJson(item)}`);
  }
  return `{${members.join(',')}}`;
}
