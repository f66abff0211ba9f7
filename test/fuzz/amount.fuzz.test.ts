/**
 * Differential fuzzing of the amount functions (src/lib/amount.ts and each chain's amount.ts)
 * against ethers 6 `parseUnits` / `formatUnits` (issue 11). ethers handles up to 80 decimals,
 * so the comparison uses 0..80; above that the functions are checked as exact inverses. Our
 * grammar is stricter than ethers' (no sign, no ".5" or "1.", no whitespace) and our ranges are
 * the chains' (uint256, u64, 21,000,000 BTC): those inputs are refused, typed, never given a
 * result ethers would not give.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ethers } from 'ethers';
import { formatUnits, InvalidAmountError, InvalidDecimalsError, MAX_AMOUNT_LENGTH, MAX_UINT256, parseUnits } from '../../src/lib/amount.ts';
import * as btc from '../../src/chains/btc/index.ts';
import * as eth from '../../src/chains/eth/index.ts';
import * as sol from '../../src/chains/sol/index.ts';
import { agrees, bothAccept, hostile, mutateString, ours, params, reference, refused } from './support.ts';

/** ethers prints a whole number with ".0"; ours without the fraction. */
function ethersFormat(value: bigint, decimals: number): string {
  return ethers.formatUnits(value, decimals).replace(/\.0$/, '');
}

const decimals = fc.integer({ min: 0, max: 80 });
const units = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_UINT256 }),
  fc.bigInt({ min: 0n, max: 10n ** 20n }),
  fc.constantFrom(0n, 1n, MAX_UINT256),
);
/** Decimal strings as ethers prints them, and as people type them (leading zeros, trailing fraction zeros). */
const decimalString = fc.tuple(units, decimals, fc.nat({ max: 3 }), fc.boolean()).map(([value, d, zeros, pad]) => {
  const printed = ethersFormat(value, d);
  const withZeros = '0'.repeat(zeros) + printed;
  return pad && d > 0 && !withZeros.includes('.') ? `${withZeros}.0` : withZeros;
});

describe('amount differential fuzz: src/lib parseUnits and formatUnits', () => {
  test('formatUnits equals ethers formatUnits for every uint256 and signed value; parseUnits inverts it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          units,
          units.map((u) => -u),
        ),
        decimals,
        (value, d) => {
          const printed = formatUnits({ value, decimals: d });
          assert.equal(printed, ethersFormat(value, d));
          if (value >= 0n) assert.equal(parseUnits({ value: printed, decimals: d }), value);
        },
      ),
      params(200),
    );
  });

  test('parseUnits equals ethers parseUnits on decimal strings, agrees with it on their mutations, and refuses typed what ethers refuses', () => {
    fc.assert(
      fc.property(decimalString, decimals, (text, d) => {
        const mine = ours(() => parseUnits({ value: text, decimals: d }));
        const theirs = reference(() => ethers.parseUnits(text, d));
        agrees(mine, theirs, (a, b) => assert.equal(a, b));
        // Documented stricter refusal: more fraction digits than decimals, even zeros ("0.0" with 0 decimals).
        const fractionDigits = (text.split('.')[1] ?? '').length;
        if (theirs.ok && theirs.value <= MAX_UINT256 && fractionDigits <= d) bothAccept(mine, theirs, (a, b) => assert.equal(a, b));
      }),
      params(200),
    );
    fc.assert(
      fc.property(decimalString.chain(mutateString), decimals, (text, d) => {
        agrees(
          ours(() => parseUnits({ value: text, decimals: d })),
          reference(() => ethers.parseUnits(text, d)),
          (a, b) => assert.equal(a, b),
        );
      }),
      params(200),
    );
  });

  test('decimals above 80 (up to 255): formatUnits and parseUnits are exact inverses; beyond 255 or not an integer, InvalidDecimalsError', () => {
    fc.assert(
      fc.property(units, fc.integer({ min: 81, max: 255 }), (value, d) => {
        assert.equal(parseUnits({ value: formatUnits({ value, decimals: d }), decimals: d }), value);
      }),
      params(100),
    );
    fc.assert(
      fc.property(fc.oneof(hostile, fc.integer({ min: 256 }), fc.integer({ max: -1 })), (d) => {
        if (typeof d === 'number' && Number.isInteger(d) && d >= 0 && d <= 255) return;
        refused(
          ours(() => parseUnits({ value: '1', decimals: d as never })),
          InvalidDecimalsError,
        );
        refused(
          ours(() => formatUnits({ value: 1n, decimals: d as never })),
          InvalidDecimalsError,
        );
      }),
      params(150),
    );
  });

  test('hostile values and over-long strings are refused with InvalidAmountError; a non-object argument with InvalidArgumentError', () => {
    fc.assert(
      fc.property(hostile, hostile, (value, args) => {
        if (typeof value !== 'bigint') {
          refused(
            ours(() => formatUnits({ value: value as never, decimals: 8 })),
            InvalidAmountError,
          );
        }
        if (typeof value !== 'string') {
          refused(
            ours(() => parseUnits({ value: value as never, decimals: 8 })),
            InvalidAmountError,
          );
        }
        ours(() => parseUnits(args as never));
        ours(() => formatUnits(args as never));
      }),
      params(200),
    );
    fc.assert(
      fc.property(fc.integer({ min: MAX_AMOUNT_LENGTH + 1, max: 5000 }), (length) => {
        refused(
          ours(() => parseUnits({ value: '1'.repeat(length), decimals: 0 })),
          InvalidAmountError,
        );
      }),
      params(25),
    );
  });
});

describe('amount differential fuzz: chain amounts', () => {
  const chains = [
    { name: 'BTC', decimals: 8, max: btc.MAX_MONEY, parse: btc.parseBtc, format: btc.formatBtc, Error: btc.InvalidAmountError },
    { name: 'ETH', decimals: 18, max: MAX_UINT256, parse: eth.parseEther, format: eth.formatEther, Error: InvalidAmountError },
    { name: 'SOL', decimals: 9, max: sol.MAX_U64, parse: sol.parseSol, format: sol.formatSol, Error: InvalidAmountError },
  ];

  test('parseBtc/parseEther/parseSol and formatBtc/formatEther/formatSol equal ethers with the chain decimals, within the chain range', () => {
    fc.assert(
      fc.property(fc.constantFrom(...chains), units, (chain, value) => {
        const printed = ours(() => chain.format(value));
        if (chain.name === 'BTC' && value > chain.max) {
          refused(printed, chain.Error);
        } else {
          bothAccept(printed, { ok: true, value: ethersFormat(value, chain.decimals) }, (a, b) => assert.equal(a, b));
        }
        const text = ethersFormat(value, chain.decimals);
        const parsed = ours(() => chain.parse(text));
        if (value > chain.max) refused(parsed, chain.Error);
        else
          bothAccept(
            parsed,
            reference(() => ethers.parseUnits(text, chain.decimals)),
            (a, b) => assert.equal(a, b),
          );
      }),
      params(200),
    );
    fc.assert(
      fc.property(fc.constantFrom(...chains), decimalString.chain(mutateString), (chain, text) => {
        const mine = ours(() => chain.parse(text));
        agrees(
          mine,
          reference(() => ethers.parseUnits(text, chain.decimals)),
          (a, b) => assert.equal(a, b),
        );
        if (mine.ok) assert.ok(mine.value <= chain.max);
      }),
      params(200),
    );
  });

  test('parseErc20Amount/formatErc20Amount and parseSplAmount/formatSplAmount equal ethers for any decimals', () => {
    fc.assert(
      fc.property(units, decimals, (value, d) => {
        const text = ethersFormat(value, d);
        assert.equal(eth.formatErc20Amount({ value, decimals: d }), text);
        assert.equal(sol.formatSplAmount({ value, decimals: d }), text);
        assert.equal(eth.parseErc20Amount({ value: text, decimals: d }), ethers.parseUnits(text, d));
        const spl = ours(() => sol.parseSplAmount({ value: text, decimals: d }));
        if (value > sol.MAX_U64) refused(spl, InvalidAmountError);
        else
          bothAccept(
            spl,
            reference(() => ethers.parseUnits(text, d)),
            (a, b) => assert.equal(a, b),
          );
      }),
      params(200),
    );
  });

  test('every chain amount function refuses hostile values typed', () => {
    fc.assert(
      fc.property(hostile, hostile, (value, d) => {
        for (const chain of chains) {
          if (typeof value !== 'bigint')
            refused(
              ours(() => chain.format(value as never)),
              chain.Error,
            );
          if (typeof value !== 'string')
            refused(
              ours(() => chain.parse(value as never)),
              chain.Error,
            );
        }
        ours(() => eth.formatErc20Amount({ value, decimals: d } as never));
        ours(() => eth.parseErc20Amount({ value, decimals: d } as never));
        ours(() => sol.formatSplAmount({ value, decimals: d } as never));
        ours(() => sol.parseSplAmount({ value, decimals: d } as never));
        ours(() => eth.formatErc20Amount(value as never));
        ours(() => eth.parseErc20Amount(value as never));
        ours(() => sol.formatSplAmount(value as never));
        ours(() => sol.parseSplAmount(value as never));
        ours(() => btc.assertSatoshis({ value, name: d } as never));
        ours(() => btc.assertSatoshis(value as never));
      }),
      params(200),
    );
  });
});
