import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InvalidAmountError } from '../../lib/amount.ts';
import { formatSol, formatSplAmount, MAX_U64, parseSol, parseSplAmount, SOL_DECIMALS } from './amount.ts';

describe('SOL amounts', () => {
  test('exact lamports', () => {
    assert.equal(SOL_DECIMALS, 9);
    assert.equal(parseSol('1'), 1_000_000_000n);
    assert.equal(parseSol('0.000000001'), 1n);
    assert.equal(parseSol('0.25'), 250_000_000n);
    assert.equal(formatSol(250_000_000n), '0.25');
    assert.equal(formatSol(1n), '0.000000001');
  });

  test('u64::MAX lamports is the limit', () => {
    assert.equal(MAX_U64, 18_446_744_073_709_551_615n);
    assert.equal(parseSol('18446744073.709551615'), MAX_U64);
    assert.equal(formatSol(MAX_U64), '18446744073.709551615');
    assert.throws(
      () => parseSol('18446744073.709551616'),
      (error: unknown) =>
        error instanceof InvalidAmountError &&
        error.value === '18446744073.709551616' &&
        error.details === 'exceeds u64::MAX base units (18446744073709551615)',
    );
  });

  test('refuses more precision than lamports, negatives, exponents', () => {
    for (const value of ['0.0000000001', '-0.5', '1e9', '.5']) {
      assert.throws(
        () => parseSol(value),
        (error: unknown) => error instanceof InvalidAmountError && error.value === value,
      );
    }
  });

  test('round trip over all lamport amounts (fast-check)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_U64 }), (lamports) => {
        assert.equal(parseSol(formatSol(lamports)), lamports);
      }),
      { numRuns: 300 },
    );
  });
});

describe('SPL amounts', () => {
  test('mint decimals and the u64 bound', () => {
    assert.equal(parseSplAmount({ value: '12.5', decimals: 6 }), 12_500_000n);
    assert.equal(formatSplAmount({ value: 12_500_000n, decimals: 6 }), '12.5');
    assert.equal(parseSplAmount({ value: '18446744073709551615', decimals: 0 }), MAX_U64);
    assert.throws(() => parseSplAmount({ value: '18446744073709551616', decimals: 0 }), InvalidAmountError);
    assert.throws(() => parseSplAmount({ value: '18446744073709.551616', decimals: 6 }), InvalidAmountError);
  });

  test('round trip for decimals 0..30 within u64 (fast-check)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_U64 }), fc.integer({ min: 0, max: 30 }), (value, decimals) => {
        assert.equal(parseSplAmount({ value: formatSplAmount({ value, decimals }), decimals }), value);
      }),
      { numRuns: 300 },
    );
  });
});
