import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runInAzleLikeRuntime } from '../../../test/support/azle-like-runtime.ts';
import fc from 'fast-check';
import { getAddressComparator } from '@solana/kit';
import { compareAddresses, withAddressCollator } from './intl-collator.ts';
import { SolError } from './errors.ts';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const base58String = (maxLength: number) =>
  fc.array(fc.constantFrom(...BASE58), { minLength: 0, maxLength }).map((chars) => chars.join(''));

/** Replaces `Intl` for the duration of `run`, then puts the real one back. */
function withoutIntl<T>(run: () => T): T {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'Intl');
  assert.ok(descriptor, 'this Node has Intl');
  delete (globalThis as { Intl?: unknown }).Intl;
  try {
    return run();
  } finally {
    Object.defineProperty(globalThis, 'Intl', descriptor);
  }
}

describe('compareAddresses agrees with the ICU collator kit uses', () => {
  const icu = getAddressComparator();

  test('hand-picked cases: digits first, case-insensitive first, lowercase first on ties, prefixes first', () => {
    const cases: ReadonlyArray<[string, string]> = [
      ['1', 'A'],
      ['9', 'a'],
      ['a', 'B'],
      ['A', 'b'],
      ['a', 'A'],
      ['aB', 'Ab'],
      ['ab', 'aB'],
      ['Z', 'za'],
      ['abc', 'abcd'],
      ['3WUX9wASxyScbA7brDipioKfXS1XEYkQ4vo3Kej9bKei', 'EDNd1ycsydWYwVmrYZvqYazFqwk1QjBgAUKFjBoz1jKP'],
      ['SRMuApVNdxXokk5GT7XD5cUUgXMBCoAz2LHeuAoKWRt', 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'],
      ['11111111111111111111111111111111', 'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL'],
    ];
    for (const [left, right] of cases) {
      assert.equal(compareAddresses(left, right), -1, `${left} < ${right}`);
      assert.equal(compareAddresses(right, left), 1, `${right} > ${left}`);
      assert.equal(Math.sign(icu(left, right)), -1, `ICU: ${left} < ${right}`);
      assert.equal(compareAddresses(left, left), 0);
    }
  });

  test('random base58 strings (fast-check)', () => {
    fc.assert(
      fc.property(base58String(8), base58String(8), (left, right) => {
        assert.equal(compareAddresses(left, right), Math.sign(icu(left, right)));
      }),
      { numRuns: 3000 },
    );
  });

  test('strings equal up to case and prefixes of each other (fast-check)', () => {
    const flipCase = (text: string, mask: boolean[]) =>
      [...text].map((c, i) => (mask[i % mask.length] ? (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) : c)).join('');
    fc.assert(
      fc.property(base58String(12), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.nat(12), (text, mask, cut) => {
        const variant = flipCase(text, mask);
        assert.equal(compareAddresses(text, variant), Math.sign(icu(text, variant)));
        const prefix = variant.slice(0, cut);
        assert.equal(compareAddresses(text, prefix), Math.sign(icu(text, prefix)));
      }),
      { numRuns: 3000 },
    );
  });

  test('sorting real addresses gives the same order', () => {
    const addresses = [
      'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
      'tokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
      'SysvarRent111111111111111111111111111111111',
      'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
      '11111111111111111111111111111111',
      'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
      'epjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
      'So11111111111111111111111111111111111111112',
    ];
    assert.deepEqual([...addresses].sort(compareAddresses), [...addresses].sort(icu));
  });

  test('refuses characters outside ASCII letters and digits', () => {
    for (const [left, right] of [
      ['a-b', 'ab'],
      ['ab', 'é'],
      ['a b', 'a'],
    ]) {
      assert.throws(() => compareAddresses(left, right), SolError);
    }
  });
});

describe('withAddressCollator', () => {
  test('uses the runtime collator when there is one, and leaves it alone', () => {
    const before = globalThis.Intl;
    assert.equal(
      withAddressCollator(() => globalThis.Intl),
      before,
    );
    assert.equal(globalThis.Intl, before);
  });

  test("without Intl: provides kit's collator during the call only, even when the call throws", () => {
    withoutIntl(() => {
      assert.equal(typeof (globalThis as { Intl?: unknown }).Intl, 'undefined');
      const compare = withAddressCollator(() => getAddressComparator());
      assert.equal(compare('a', 'B'), -1);
      assert.equal(compare('B', 'a'), 1);
      assert.equal(typeof (globalThis as { Intl?: unknown }).Intl, 'undefined');
      assert.throws(
        () =>
          withAddressCollator(() => {
            throw new Error('boom');
          }),
        /boom/,
      );
      assert.equal(typeof (globalThis as { Intl?: unknown }).Intl, 'undefined');
      // Only kit's exact use is implemented; anything else is refused, not approximated.
      assert.throws(() => withAddressCollator(() => new (globalThis as unknown as { Intl: typeof Intl }).Intl.Collator('de')), SolError);
      assert.throws(
        () => withAddressCollator(() => new (globalThis as unknown as { Intl: typeof Intl }).Intl.Collator('en', { sensitivity: 'base' })),
        SolError,
      );
    });
    assert.equal(typeof globalThis.Intl.Collator, 'function');
  });
});

/**
 * Runs the Solana builders in a fresh Node process, optionally after making its globals look
 * like stable-mode Azle's QuickJS (no Intl; fetch, Buffer, URL, setTimeout, … throw when read,
 * as Azle's globals.ts makes them; `crypto` only has getRandomValues) and resolving packages
 * as the canister bundle does, and returns their outputs. This is an emulation in Node, not
 * QuickJS itself; the canister test of issue 3 runs the real thing.
 */
function runBuilders(azleLike: boolean): Record<string, string> {
  return runInAzleLikeRuntime({
    azleLike,
    env: { SOL_INDEX: new URL('./index.ts', import.meta.url).href },
    body: `
    const sol = await import(process.env.SOL_INDEX);
    const { ed25519 } = await import('@noble/curves/ed25519.js');
    const { bytesToHex } = await import('@noble/hashes/utils.js');
    const seed = new Uint8Array(32).fill(7);
    const from = sol.publicKeyToAddress(ed25519.getPublicKey(seed));
    const to = sol.publicKeyToAddress(ed25519.getPublicKey(new Uint8Array(32).fill(9)));
    const recentBlockhash = 'EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N';
    const mint = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
    const messages = {
      sol: sol.compileSolTransferMessage({ from, to, lamports: 1234567n, recentBlockhash }),
      spl: sol.compileSplTransferMessage({ from, to, mint, amount: 2500000n, decimals: 6, recentBlockhash }),
      splCreate: sol.compileSplTransferMessage({ from, to, mint, amount: 2500000n, decimals: 6, recentBlockhash, createRecipientAccount: true }),
      token2022: sol.compileSplTransferMessage({ from, to, mint, amount: 1n, decimals: 0, recentBlockhash, createRecipientAccount: true, tokenProgram: sol.TOKEN_2022_PROGRAM_ADDRESS }),
    };
    const out = { intlAfter: typeof globalThis.Intl, from, ata: sol.findAssociatedTokenAddress({ owner: to, mint }) };
    for (const [name, bytes] of Object.entries(messages)) {
      const signed = sol.attachSignature({ messageBytes: bytes, signature: ed25519.sign(bytes, seed) });
      out[name] = bytesToHex(bytes);
      out[name + 'Wire'] = signed.wireTransaction;
      out[name + 'Signature'] = signed.signature;
    }
    process.stdout.write(JSON.stringify(out));
    `,
  });
}

test('in an Azle-like runtime (no Intl, no Buffer/URL/fetch/setTimeout, no crypto.subtle) the bytes are identical', () => {
  const node = runBuilders(false);
  const azle = runBuilders(true);
  assert.equal(node.intlAfter, 'object');
  assert.equal(azle.intlAfter, 'undefined', 'the shim must not leak Intl');
  assert.deepEqual(azle, { ...node, intlAfter: 'undefined' });
  // The SPL messages have ties inside account groups, so the comparator really ran.
  assert.notEqual(node.splCreate, node.spl);
});
