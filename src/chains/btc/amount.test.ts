import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assertSatoshis, formatBtc, MAX_MONEY, parseBtc } from './amount.ts';
import { BtcError, InvalidAmountError } from './errors.ts';
import { InvalidAmountError as SharedInvalidAmountError } from '../../lib/amount.ts';

describe('parseBtc', () => {
  test('exact satoshis', () => {
    assert.equal(parseBtc('1'), 100_000_000n);
    assert.equal(parseBtc('0.00000001'), 1n);
    assert.equal(parseBtc('0.00012345'), 12_345n);
    assert.equal(parseBtc('6.25'), 625_000_000n);
    assert.equal(parseBtc('20999999.9769'), 2_099_999_997_690_000n);
    assert.equal(parseBtc('21000000'), 2_100_000_000_000_000n);
    assert.equal(parseBtc('21000000.00000000'), MAX_MONEY);
    assert.equal(parseBtc('0'), 0n);
  });

  const bad: [string, string][] = [
    ['21000000.00000001', 'exceeds 21,000,000 BTC'],
    ['100000000', 'exceeds 21,000,000 BTC'],
    ['0.000000001', 'at most 8 fraction digits allowed, got 9'],
    ['-1', 'expected only digits with an optional "." and fraction digits'],
    ['1e8', 'expected only digits with an optional "." and fraction digits'],
    ['1,5', 'expected only digits with an optional "." and fraction digits'],
    ['.5', 'expected only digits with an optional "." and fraction digits'],
    ['', 'empty'],
  ];
  for (const [value, details] of bad) {
    test(`rejects "${value}": ${details}`, () => {
      assert.throws(
        () => parseBtc(value),
        (error: unknown) =>
          error instanceof InvalidAmountError &&
          error instanceof BtcError &&
          error.value === value &&
          error.details === details &&
          error.message === `Invalid amount "${value}": ${details}`,
      );
    });
  }

  test('keeps the shared parser error as the cause', () => {
    assert.throws(
      () => parseBtc('abc'),
      (error: unknown) => error instanceof InvalidAmountError && error.cause instanceof SharedInvalidAmountError,
    );
  });
});

describe('formatBtc', () => {
  test('exact strings', () => {
    assert.equal(formatBtc(1n), '0.00000001');
    assert.equal(formatBtc(12_345n), '0.00012345');
    assert.equal(formatBtc(100_000_000n), '1');
    assert.equal(formatBtc(625_000_000n), '6.25');
    assert.equal(formatBtc(0n), '0');
    assert.equal(formatBtc(MAX_MONEY), '21000000');
  });

  test('rejects negative, overflowing and non-bigint amounts', () => {
    assert.throws(() => formatBtc(-1n), { name: 'InvalidAmountError', message: 'Invalid amount "-1": amount must not be negative' });
    assert.throws(() => formatBtc(MAX_MONEY + 1n), {
      name: 'InvalidAmountError',
      message: 'Invalid amount "2100000000000001": amount exceeds 21,000,000 BTC (2100000000000000 sat)',
    });
    assert.throws(() => formatBtc(1 as unknown as bigint), {
      name: 'InvalidAmountError',
      message: 'Invalid amount "1": amount must be a bigint number of satoshis, got number',
    });
  });

  test('assertSatoshis names the amount', () => {
    assert.throws(() => assertSatoshis({ value: -5n, name: 'fee' }), { message: 'Invalid amount "-5": fee must not be negative' });
    assert.doesNotThrow(() => assertSatoshis({ value: MAX_MONEY, name: 'fee' }));
  });
});

describe('amount round trips (fast-check)', () => {
  test('satoshis -> BTC string -> satoshis', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MONEY }), (satoshis) => {
        assert.equal(parseBtc(formatBtc(satoshis)), satoshis);
      }),
      { numRuns: 1000 },
    );
  });

  test('BTC string -> satoshis -> canonical BTC string', () => {
    const btcString = fc
      .tuple(fc.integer({ min: 0, max: 20_999_999 }), fc.stringMatching(/^[0-9]{0,8}$/))
      .map(([whole, fraction]) => (fraction === '' ? `${whole}` : `${whole}.${fraction}`));
    fc.assert(
      fc.property(btcString, (text) => {
        const satoshis = parseBtc(text);
        // The canonical form drops trailing fraction zeros (and a bare ".").
        const canonical = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
        assert.equal(formatBtc(satoshis), canonical);
        assert.equal(parseBtc(formatBtc(satoshis)), satoshis);
      }),
      { numRuns: 1000 },
    );
  });
});
