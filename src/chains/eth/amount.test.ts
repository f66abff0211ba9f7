import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEther as viemFormatEther, parseEther as viemParseEther } from 'viem';
import fc from 'fast-check';
import { InvalidAmountError, InvalidDecimalsError } from '../../lib/amount.ts';
import { ETH_DECIMALS, formatErc20Amount, formatEther, parseErc20Amount, parseEther } from './amount.ts';

describe('ether amounts', () => {
  test('exact wei', () => {
    assert.equal(ETH_DECIMALS, 18);
    assert.equal(parseEther('1'), 1_000_000_000_000_000_000n);
    assert.equal(parseEther('0.000000000000000001'), 1n);
    assert.equal(parseEther('1.5'), 1_500_000_000_000_000_000n);
    assert.equal(formatEther(1n), '0.000000000000000001');
    assert.equal(formatEther(1_500_000_000_000_000_000n), '1.5');
    assert.equal(formatEther(0n), '0');
  });

  test('refuses more precision than wei, negatives and exponents', () => {
    for (const value of ['0.0000000000000000001', '-1', '1e18', '']) {
      assert.throws(
        () => parseEther(value),
        (error: unknown) => error instanceof InvalidAmountError && error.value === value,
      );
    }
  });

  test('agrees with viem on canonical strings (fast-check)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (wei) => {
        const text = formatEther(wei);
        assert.equal(text, viemFormatEther(wei));
        assert.equal(parseEther(text), viemParseEther(text));
      }),
      { numRuns: 200 },
    );
  });
});

describe('ERC-20 amounts', () => {
  test('USDC-like (6 decimals) and zero-decimal tokens', () => {
    assert.equal(parseErc20Amount({ value: '12.5', decimals: 6 }), 12_500_000n);
    assert.equal(formatErc20Amount({ value: 12_500_000n, decimals: 6 }), '12.5');
    assert.equal(parseErc20Amount({ value: '7', decimals: 0 }), 7n);
    assert.throws(() => parseErc20Amount({ value: '0.5', decimals: 0 }), InvalidAmountError);
    assert.throws(() => parseErc20Amount({ value: '1', decimals: 256 }), InvalidDecimalsError);
  });
});
