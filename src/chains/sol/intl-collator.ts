/**
 * What @solana/kit 8.4 needs from `Intl`, for runtimes without it (Azle's QuickJS).
 *
 * Why: kit's message compiler orders the accounts of a transaction (fee payer, then signers,
 * then writable, then read-only) and breaks ties inside a group by comparing the base58
 * address strings with `getAddressComparator()` (@solana/addresses), which is exactly
 *
 *   new Intl.Collator('en', { caseFirst: 'lower', ignorePunctuation: false,
 *     localeMatcher: 'best fit', numeric: false, sensitivity: 'variant', usage: 'sort' }).compare
 *
 * (called from @solana/transaction-messages: `getOrderedAccountsFromAddressMap` for legacy
 * and v0 messages, plus the lookup-table sort of v0 messages; `getBlockhashComparator` in
 * @solana/rpc-types is the same and unused here). That is the only use of `Intl` on the
 * compile path. Without `Intl` the first tie (e.g. the two token accounts of an SPL transfer)
 * throws a ReferenceError and traps the canister.
 *
 * Choice: rather than re-implement kit's compiler, provide that one comparator while kit
 * compiles, and only when the runtime has no `Intl.Collator`. The global is installed for the
 * duration of the synchronous call and the previous property is restored afterwards, so no
 * other code ever sees a partial `Intl` (a library feature-detecting `Intl` would otherwise
 * take a broken path). Node and browsers keep using their real ICU collator.
 *
 * Correctness: for strings of ASCII letters and digits (all base58 addresses), the ICU root
 * collation used for "en" at tertiary strength compares first the case-folded strings (digits
 * sort before letters, letters alphabetically, a proper prefix first), then, when those are
 * equal, the first position where the case differs, lowercase first. `compareAddresses`
 * implements exactly that and refuses any other character instead of guessing; the tests
 * compare it with the real collator on random and adversarial base58 strings and compile
 * messages with `Intl` deleted, byte for byte.
 */
import { describeValue } from '../../lib/errors.ts';
import { SolError } from './errors.ts';

/** The options kit passes; anything else means kit changed and this shim must be re-checked. */
const EXPECTED_OPTIONS: Readonly<Record<string, string | boolean>> = {
  caseFirst: 'lower',
  ignorePunctuation: false,
  localeMatcher: 'best fit',
  numeric: false,
  sensitivity: 'variant',
  usage: 'sort',
};

const ALPHANUMERIC = /^[0-9A-Za-z]*$/;

/**
 * `Intl.Collator('en', kit's options).compare`, restricted to ASCII letters and digits.
 * @throws {SolError} for any other character.
 */
export function compareAddresses(left: string, right: string): number {
  if (typeof left !== 'string' || typeof right !== 'string' || !ALPHANUMERIC.test(left) || !ALPHANUMERIC.test(right)) {
    throw new SolError('Address comparator only supports ASCII letters and digits', {
      details: `compared ${describeValue(left)} with ${describeValue(right)}`,
    });
  }
  // Primary level: letters compare without case; ASCII order already puts digits first.
  const leftFolded = left.toLowerCase();
  const rightFolded = right.toLowerCase();
  if (leftFolded !== rightFolded) return leftFolded < rightFolded ? -1 : 1;
  // Tertiary level (caseFirst "lower"): the first case difference decides, lowercase first.
  for (let i = 0; i < left.length; i++) {
    if (left[i] !== right[i]) return left[i] === leftFolded[i] ? -1 : 1;
  }
  return 0;
}

/** The subset of `Intl.Collator` kit constructs. */
class AddressCollator {
  readonly compare = compareAddresses;

  constructor(locales?: unknown, options?: Record<string, unknown>) {
    const same =
      locales === 'en' &&
      options !== undefined &&
      Object.keys(options).length === Object.keys(EXPECTED_OPTIONS).length &&
      Object.entries(EXPECTED_OPTIONS).every(([key, value]) => options[key] === value);
    if (!same) {
      throw new SolError('Unsupported Intl.Collator use', {
        details: `the Intl-less shim only implements kit's address collation, got ${JSON.stringify([locales, options])}`,
      });
    }
  }
}

function hasIntlCollator(): boolean {
  try {
    return typeof (globalThis as { Intl?: { Collator?: unknown } }).Intl?.Collator === 'function';
  } catch {
    // A runtime that guards `Intl` with a throwing getter has no usable collator either.
    return false;
  }
}

/**
 * Runs `run` (synchronous) with `Intl.Collator` available: the runtime's own when it has
 * one, otherwise {@link compareAddresses}' collator, removed again before returning.
 */
export function withAddressCollator<T>(run: () => T): T {
  if (typeof run !== 'function') {
    throw new SolError('withAddressCollator needs a function', { details: `got ${describeValue(run)}` });
  }
  if (hasIntlCollator()) return run();
  const previous = Object.getOwnPropertyDescriptor(globalThis, 'Intl');
  Object.defineProperty(globalThis, 'Intl', {
    configurable: true,
    enumerable: false,
    writable: false,
    value: Object.freeze({ Collator: AddressCollator }),
  });
  try {
    return run();
  } finally {
    if (previous === undefined) {
      delete (globalThis as { Intl?: unknown }).Intl;
    } else {
      Object.defineProperty(globalThis, 'Intl', previous);
    }
  }
}
