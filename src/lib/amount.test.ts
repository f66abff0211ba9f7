import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatUnits, InvalidAmountError, InvalidDecimalsError, MAX_UINT256, parseUnits } from './amount.ts';
import { WalletError } from './errors.ts';

describe('parseUnits', () => {
  test('exact base units', () => {
    assert.equal(parseUnits({ value: '1', decimals: 18 }), 1_000_000_000_000_000_000n);
    assert.equal(parseUnits({ value: '1.5', decimals: 18 }), 1_500_000_000_000_000_000n);
    assert.equal(parseUnits({ value: '0.000000000000000001', decimals: 18 }), 1n);
    assert.equal(parseUnits({ value: '0.00000001', decimals: 8 }), 1n);
    assert.equal(parseUnits({ value: '21000000', decimals: 8 }), 2_100_000_000_000_000n);
    assert.equal(parseUnits({ value: '0', decimals: 9 }), 0n);
    assert.equal(parseUnits({ value: '0.0', decimals: 9 }), 0n);
    assert.equal(parseUnits({ value: '007.10', decimals: 2 }), 710n);
    assert.equal(parseUnits({ value: '123', decimals: 0 }), 123n);
    assert.equal(parseUnits({ value: '18446744073.709551615', decimals: 9 }), 18_446_744_073_709_551_615n);
  });

  test('0.1 + 0.2 is exact (no floating point)', () => {
    const sum = parseUnits({ value: '0.1', decimals: 18 }) + parseUnits({ value: '0.2', decimals: 18 });
    assert.equal(sum, parseUnits({ value: '0.3', decimals: 18 }));
    assert.equal(formatUnits({ value: sum, decimals: 18 }), '0.3');
  });

  test('the uint256 boundary', () => {
    assert.equal(parseUnits({ value: MAX_UINT256.toString(), decimals: 0 }), MAX_UINT256);
    assert.throws(
      () => parseUnits({ value: (MAX_UINT256 + 1n).toString(), decimals: 0 }),
      (error: unknown) =>
        error instanceof InvalidAmountError &&
        error.value === '115792089237316195423570985008687907853269984665640564039457584007913129639936' &&
        error.details === 'exceeds 2^256 - 1 base units',
    );
    // 2^256 - 1 wei, written in ether, is accepted; one more wei is not.
    const maxEther = formatUnits({ value: MAX_UINT256, decimals: 18 });
    assert.equal(maxEther, '115792089237316195423570985008687907853269984665640564039457.584007913129639935');
    assert.equal(parseUnits({ value: maxEther, decimals: 18 }), MAX_UINT256);
    assert.throws(
      () => parseUnits({ value: '115792089237316195423570985008687907853269984665640564039457.584007913129639936', decimals: 18 }),
      InvalidAmountError,
    );
  });

  const rejected: ReadonlyArray<[string, number, string]> = [
    ['', 18, 'empty'],
    ['-1', 18, 'expected only digits with an optional "." and fraction digits'],
    ['+1', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1e18', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1E3', 18, 'expected only digits with an optional "." and fraction digits'],
    ['.5', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1.', 18, 'expected only digits with an optional "." and fraction digits'],
    ['.', 18, 'expected only digits with an optional "." and fraction digits'],
    [' 1', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1 ', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1,5', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1.2.3', 18, 'expected only digits with an optional "." and fraction digits'],
    ['0x10', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1_000', 18, 'expected only digits with an optional "." and fraction digits'],
    ['\uff11', 18, 'expected only digits with an optional "." and fraction digits'],
    ['NaN', 18, 'expected only digits with an optional "." and fraction digits'],
    ['Infinity', 18, 'expected only digits with an optional "." and fraction digits'],
    ['1\n', 18, 'expected only digits with an optional "." and fraction digits'],
    ['0.123456789', 8, 'at most 8 fraction digits allowed, got 9'],
    ['1.0', 0, 'at most 0 fraction digits allowed, got 1'],
    ['0.0000000010', 9, 'at most 9 fraction digits allowed, got 10'],
  ];
  for (const [value, decimals, details] of rejected) {
    test(`rejects ${JSON.stringify(value)} with ${decimals} decimals`, () => {
      assert.throws(
        () => parseUnits({ value, decimals }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidAmountError);
          assert.ok(error instanceof WalletError);
          assert.equal(error.name, 'InvalidAmountError');
          assert.equal(error.value, value);
          assert.equal(error.shortMessage, `Invalid amount "${value}"`);
          assert.equal(error.details, details);
          assert.equal(error.message, `Invalid amount "${value}": ${details}`);
          return true;
        },
      );
    });
  }

  test('rejects bad decimals', () => {
    for (const decimals of [-1, 1.5, 256, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => parseUnits({ value: '1', decimals }), InvalidDecimalsError);
      assert.throws(() => formatUnits({ value: 1n, decimals }), InvalidDecimalsError);
    }
  });
});

describe('formatUnits', () => {
  test('exact strings without trailing zeros', () => {
    assert.equal(formatUnits({ value: 0n, decimals: 18 }), '0');
    assert.equal(formatUnits({ value: 1n, decimals: 18 }), '0.000000000000000001');
    assert.equal(formatUnits({ value: 1_000_000_000_000_000_000n, decimals: 18 }), '1');
    assert.equal(formatUnits({ value: 1_500_000_000_000_000_000n, decimals: 18 }), '1.5');
    assert.equal(formatUnits({ value: 100_000_000n, decimals: 8 }), '1');
    assert.equal(formatUnits({ value: 123_456_789n, decimals: 8 }), '1.23456789');
    assert.equal(formatUnits({ value: 10n, decimals: 0 }), '10');
    assert.equal(formatUnits({ value: 1_000n, decimals: 2 }), '10');
    assert.equal(formatUnits({ value: 18_446_744_073_709_551_615n, decimals: 9 }), '18446744073.709551615');
  });

  test('negative values keep their sign', () => {
    assert.equal(formatUnits({ value: -1n, decimals: 8 }), '-0.00000001');
    assert.equal(formatUnits({ value: -150_000_000n, decimals: 8 }), '-1.5');
  });
});

describe('round trips (fast-check)', () => {
  const decimalsArb = fc.integer({ min: 0, max: 30 });

  test('formatUnits then parseUnits is the identity on 0..2^256-1', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_UINT256 }), decimalsArb, (value, decimals) => {
        const text = formatUnits({ value, decimals });
        assert.equal(parseUnits({ value: text, decimals }), value);
        // Canonical form: no trailing zero in a fraction, no trailing point.
        assert.doesNotMatch(text, /\.\d*0$|\.$/);
      }),
      { numRuns: 500 },
    );
  });

  test('parseUnits then formatUnits gives the canonical spelling of the input', () => {
    const digits = (max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: 1, maxLength: max }).map((d) => d.join(''));
    fc.assert(
      fc.property(
        decimalsArb.chain((decimals) => fc.tuple(fc.constant(decimals), digits(40), decimals === 0 ? fc.constant('') : digits(decimals))),
        ([decimals, integer, fraction]) => {
          const value = fraction === '' ? integer : `${integer}.${fraction}`;
          const parsed = parseUnits({ value, decimals });
          const canonicalInteger = integer.replace(/^0+(?=\d)/, '');
          const canonicalFraction = fraction.replace(/0+$/, '');
          const expected = canonicalFraction === '' ? canonicalInteger : `${canonicalInteger}.${canonicalFraction}`;
          assert.equal(formatUnits({ value: parsed, decimals }), expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
