import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hexToBytes } from '@noble/hashes/utils.js';
import { getAddressFromPublicKey } from '@solana/kit';
import type { Address } from '@solana/kit';
import { findAssociatedTokenPda, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import {
  addressToBytes,
  findAssociatedTokenAddress,
  isAddress,
  isOnCurveAddress,
  parseAddress,
  publicKeyToAddress,
  TOKEN_2022_PROGRAM_ADDRESS,
} from './address.ts';
import { InvalidAddressError, InvalidPublicKeyError, SolError } from './errors.ts';
import { WalletError } from '../../lib/errors.ts';

const trust = JSON.parse(readFileSync(new URL('../../../test/vectors/sol/trustwallet-transactions.json', import.meta.url), 'utf8')) as {
  associatedTokenAccounts: Array<{ owner: string; mint: string; address: string }>;
};

/** kit's own derivation, through WebCrypto (which Azle lacks): an independent path in Node. */
async function kitAddress(publicKey: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(publicKey), 'Ed25519', true, ['verify']);
  return getAddressFromPublicKey(key);
}

describe('publicKeyToAddress', () => {
  test('RFC 8032 test 1 public key', async () => {
    const publicKey = hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    assert.equal(publicKeyToAddress(publicKey), 'FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z');
    assert.equal(await kitAddress(publicKey), 'FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z');
  });

  const bad: ReadonlyArray<[string, string, string]> = [
    ['31 bytes', 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751', 'expected 32 bytes, got 31'],
    ['33-byte SEC1 key', '02' + 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'expected 32 bytes, got 33'],
    // y = 2 has no x on edwards25519.
    ['not on the curve', '02' + '00'.repeat(31), 'not the canonical encoding of an Ed25519 point'],
    // Little-endian ed ff … ff 7f is y = p = 2^255 - 19: not reduced, a non-canonical encoding.
    ['y not reduced mod p', 'ed' + 'ff'.repeat(30) + '7f', 'not the canonical encoding of an Ed25519 point'],
    ['identity (small order)', '01' + '00'.repeat(31), 'small-order point'],
    ['order-4 point y = 0', '00'.repeat(32), 'small-order point'],
  ];
  for (const [name, hex, details] of bad) {
    test(`refuses ${name}`, () => {
      assert.throws(
        () => publicKeyToAddress(hexToBytes(hex)),
        (error: unknown) =>
          error instanceof InvalidPublicKeyError &&
          error instanceof SolError &&
          error instanceof WalletError &&
          error.publicKey === hex &&
          error.details === details,
      );
    });
  }

  test('round trip from random keys (fast-check): equals kit via WebCrypto, parses back to the key', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 32, maxLength: 32 }), async (seed) => {
        const publicKey = ed25519.getPublicKey(seed);
        const address = publicKeyToAddress(publicKey);
        assert.equal(address, await kitAddress(publicKey));
        assert.equal(parseAddress(address), address);
        assert.deepEqual(addressToBytes(address), publicKey);
        assert.equal(isOnCurveAddress(address), true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('parseAddress', () => {
  test('accepts program ids and the all-zero System Program', () => {
    assert.equal(parseAddress('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA'), 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
    assert.deepEqual(addressToBytes('11111111111111111111111111111111'), new Uint8Array(32));
    assert.equal(isAddress('FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z'), true);
  });

  const bad: ReadonlyArray<[string, string]> = [
    ['', 'expected 32 to 44 base58 characters, got 0'],
    ['1111111111111111111111111111111', 'expected 32 to 44 base58 characters, got 31'],
    ['z'.repeat(45), 'expected 32 to 44 base58 characters, got 45'],
    // 58^44 > 2^256: too many bytes; 58^32 < 2^256 with no leading '1': too few.
    ['z'.repeat(44), 'decodes to 33 bytes, expected 32'],
    ['2'.repeat(32), 'decodes to 23 bytes, expected 32'],
    ['0Ven3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z', 'contains a character outside the base58 alphabet'],
    ['FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS9lZ', 'contains a character outside the base58 alphabet'],
    ['FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS9OZ', 'contains a character outside the base58 alphabet'],
    ['FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS9IZ', 'contains a character outside the base58 alphabet'],
    ['FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96 ', 'contains a character outside the base58 alphabet'],
    ['0x70997970C51812dc3A010C7d01b50e0d17dc79C8', 'contains a character outside the base58 alphabet'],
  ];
  for (const [input, details] of bad) {
    test(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseAddress(input),
        (error: unknown) =>
          error instanceof InvalidAddressError &&
          error.address === input &&
          error.details === details &&
          error.shortMessage === `Invalid Solana address "${input}"`,
      );
      assert.equal(isAddress(input), false);
    });
  }
});

describe('findAssociatedTokenAddress', () => {
  for (const vector of trust.associatedTokenAccounts) {
    test(`Trust Wallet vector ${vector.address}`, async () => {
      assert.equal(findAssociatedTokenAddress({ owner: vector.owner, mint: vector.mint }), vector.address);
      const [pda] = await findAssociatedTokenPda({
        owner: vector.owner as Address,
        mint: vector.mint as Address,
        tokenProgram: TOKEN_PROGRAM_ADDRESS,
      });
      assert.equal(pda, vector.address);
    });
  }

  test('is off the curve; wallets are on it', () => {
    const ata = findAssociatedTokenAddress({
      owner: 'FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z',
      mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
    });
    assert.equal(ata, 'HU2S9ByyqbnCD2SVfvr9qoLtDTtyTnMZoMaw1xpr6cTb');
    assert.equal(isOnCurveAddress(ata), false);
    assert.equal(isOnCurveAddress('FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z'), true);
  });

  test('random owners and mints, Token and Token-2022, equal kit (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.constantFrom(TOKEN_PROGRAM_ADDRESS, TOKEN_2022_PROGRAM_ADDRESS),
        async (ownerSeed, mintBytes, tokenProgram) => {
          const owner = publicKeyToAddress(ed25519.getPublicKey(ownerSeed));
          const mint = publicKeyToAddress(ed25519.getPublicKey(mintBytes));
          const [expected] = await findAssociatedTokenPda({ owner, mint, tokenProgram });
          assert.equal(findAssociatedTokenAddress({ owner, mint, tokenProgram }), expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  test('refuses unknown token programs and bad addresses', () => {
    assert.throws(
      () =>
        findAssociatedTokenAddress({
          owner: 'FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z',
          mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v',
          tokenProgram: '11111111111111111111111111111111',
        }),
      (error: unknown) => error instanceof InvalidAddressError && error.address === '11111111111111111111111111111111',
    );
    assert.throws(
      () => findAssociatedTokenAddress({ owner: 'not an address', mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v' }),
      InvalidAddressError,
    );
  });
});
