/**
 * Shared pieces of the differential fuzz suite (issue 11): run counts, the hostile values a
 * plain-JavaScript caller can pass, and the checks every property makes: our function either
 * gives the reference library's result or refuses with a class of the `src/lib/errors.ts`
 * hierarchy, never a plain Error, TypeError or RangeError.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { WalletError } from '../../src/lib/errors.ts';

/**
 * Runs per property: `FUZZ_RUNS` when set (e.g. FUZZ_RUNS=100000 for a long run), otherwise
 * the property's own default, sized so that the whole suite stays well under a minute.
 */
export function runs(defaultRuns: number): number {
  const configured = process.env.FUZZ_RUNS;
  if (configured === undefined || configured === '') return defaultRuns;
  const parsed = Number(configured);
  if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`FUZZ_RUNS must be a positive integer, got "${configured}"`);
  return parsed;
}

/** fast-check parameters of one property. */
export function params(defaultRuns: number): fc.Parameters<unknown> {
  return { numRuns: runs(defaultRuns) };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Runs one of our functions: a result, or a typed refusal. Any other throw fails the property. */
export function ours<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    if (error instanceof WalletError) return { ok: false, error };
    assert.fail(`untyped error (not a WalletError): ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

/** Runs a reference library: a result, or whatever it throws. */
export function reference<T>(run: () => T): Outcome<T> {
  try {
    return { ok: true, value: run() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Our function must refuse with `Class` (a WalletError subclass). */
export function refused(outcome: Outcome<unknown>, Class: abstract new (...args: never[]) => WalletError, context = ''): void {
  assert.ok(!outcome.ok, `expected a ${Class.name}, got a result ${context}`);
  assert.ok(outcome.error instanceof Class, `expected ${Class.name}, got ${String(outcome.error)} ${context}`);
}

/**
 * The differential rule: when we give a result, the reference must give one too, and the same
 * (`same` compares them); when we refuse, it is with a typed error (checked by `ours`).
 */
export function agrees<T, R>(mine: Outcome<T>, theirs: Outcome<R>, same: (mine: T, theirs: R) => void): void {
  if (!mine.ok) return;
  assert.ok(theirs.ok, `we gave a result where the reference refused: ${theirs.ok ? '' : String(theirs.error)}`);
  same(mine.value, theirs.value);
}

/** Both succeed with the same result: for valid inputs made by the reference library. */
export function bothAccept<T, R>(mine: Outcome<T>, theirs: Outcome<R>, same: (mine: T, theirs: R) => void): void {
  assert.ok(theirs.ok, `the reference refused a valid input: ${theirs.ok ? '' : String(theirs.error)}`);
  assert.ok(mine.ok, `we refused a valid input: ${mine.ok ? '' : String(mine.error)}`);
  same(mine.value, theirs.value);
}

/**
 * Values a plain-JavaScript caller can pass where a string, bigint, number, bytes or object is
 * expected: the wrong primitive types, numbers that are not integers, huge and negative
 * bigints, empty and odd containers, symbols, functions and objects without a prototype.
 */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    0,
    1.5,
    2 ** 53,
    -0,
    true,
    false,
    '',
    ' ',
    '0x',
    '-1',
    'null',
    -1n,
    0n,
    2n ** 64n,
    2n ** 256n,
    {},
    [],
    [null],
    [undefined],
    new Uint8Array(0),
    new Uint8Array(31),
    new Uint8Array(65),
    Symbol('hostile'),
    () => 1,
    Object.create(null) as unknown,
    new Date(0),
    new ArrayBuffer(32),
    new Uint16Array(16),
  ),
  fc.string({ maxLength: 50 }),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n }),
  fc.uint8Array({ maxLength: 80 }),
);

/** `value` with one own property replaced by a hostile value (or deleted). */
export function mutateField<T extends object>(value: T): fc.Arbitrary<T> {
  const keys = Object.keys(value);
  return fc
    .record({ key: fc.constantFrom(...keys), replacement: hostile, remove: fc.nat({ max: 4 }) })
    .map(({ key, replacement, remove }) => {
      const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...value }) as Record<string, unknown>;
      if (remove === 0) delete copy[key];
      else copy[key] = replacement;
      return copy as T;
    });
}

/** A string with one character changed, inserted, deleted, or its case flipped. */
export function mutateString(text: string): fc.Arbitrary<string> {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_ \u0000\u00e9\ud800';
  return fc
    .record({
      kind: fc.constantFrom('replace', 'insert', 'delete', 'case', 'truncate', 'append'),
      at: fc.nat({ max: Math.max(0, text.length) }),
      char: fc.constantFrom(...alphabet),
    })
    .map(({ kind, at, char }) => {
      const i = Math.min(at, text.length);
      switch (kind) {
        case 'replace':
          return text.slice(0, i) + char + text.slice(i + 1);
        case 'insert':
          return text.slice(0, i) + char + text.slice(i);
        case 'delete':
          return text.slice(0, i) + text.slice(i + 1);
        case 'case':
          return (
            text.slice(0, i) +
            (text[i] === text[i]?.toLowerCase() ? (text[i]?.toUpperCase() ?? '') : (text[i]?.toLowerCase() ?? '')) +
            text.slice(i + 1)
          );
        case 'truncate':
          return text.slice(0, i);
        default:
          return text + char;
      }
    });
}

/** Bytes with one byte changed, or one dropped, or one added. */
export function mutateBytes(bytes: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      kind: fc.constantFrom('flip', 'drop', 'add'),
      at: fc.nat({ max: Math.max(0, bytes.length - 1) }),
      byte: fc.integer({ min: 1, max: 255 }),
    })
    .map(({ kind, at, byte }) => {
      if (kind === 'flip' && bytes.length > 0) {
        const copy = bytes.slice();
        copy[at] ^= byte;
        return copy;
      }
      if (kind === 'drop') return bytes.slice(0, Math.max(0, bytes.length - 1));
      return Uint8Array.of(...bytes, byte);
    });
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * `count` fixed 32-byte seeds (SHA-256 of "fuzz key i"): key pairs are made from them once per
 * file, so a run spends its time in the functions under test rather than in deriving keys, and
 * a failing case is reproducible from its seed.
 */
export function seeds(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => sha256(new TextEncoder().encode(`fuzz key ${i}`)));
}
