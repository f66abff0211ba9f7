import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, checksumAddress, hexToBytes } from 'viem';
import { decodeErc20Transfer, encodeErc20Transfer, ERC20_TRANSFER_SELECTOR } from './erc20.ts';
import { InvalidAddressError, InvalidCallDataError, InvalidTransactionError } from './errors.ts';

const RECIPIENT = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
// selector ‖ 12 zero bytes ‖ recipient ‖ amount 1,000,000 = 0xf4240 as a 32-byte word (Solidity ABI spec).
const EXPECTED = ('0xa9059cbb' +
  '00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8' +
  '00000000000000000000000000000000000000000000000000000000000f4240') as `0x${string}`;

describe('encodeErc20Transfer', () => {
  test('selector is keccak256("transfer(address,uint256)")[0..4]', () => {
    assert.equal(bytesToHex(keccak_256(new TextEncoder().encode('transfer(address,uint256)')).subarray(0, 4)), ERC20_TRANSFER_SELECTOR);
    assert.equal(ERC20_TRANSFER_SELECTOR, '0xa9059cbb');
  });

  test('exact call data', () => {
    assert.equal(bytesToHex(encodeErc20Transfer({ to: RECIPIENT, amount: 1_000_000n })), EXPECTED);
    assert.equal(bytesToHex(encodeErc20Transfer({ to: RECIPIENT.toLowerCase(), amount: 1_000_000n })), EXPECTED);
  });

  test('extremes: zero and 2^256 - 1', () => {
    assert.equal(
      bytesToHex(encodeErc20Transfer({ to: RECIPIENT, amount: 0n })),
      `0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8${'00'.repeat(32)}`,
    );
    assert.equal(
      bytesToHex(encodeErc20Transfer({ to: RECIPIENT, amount: (1n << 256n) - 1n })),
      `0xa9059cbb00000000000000000000000070997970c51812dc3a010c7d01b50e0d17dc79c8${'ff'.repeat(32)}`,
    );
  });

  test('refuses bad amounts and addresses', () => {
    for (const amount of [-1n, 1n << 256n, 5 as unknown as bigint]) {
      assert.throws(
        () => encodeErc20Transfer({ to: RECIPIENT, amount }),
        (error: unknown) => error instanceof InvalidTransactionError && error.field === 'amount' && error.value === String(amount),
      );
    }
    assert.throws(() => encodeErc20Transfer({ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79c8', amount: 1n }), InvalidAddressError);
  });
});

describe('decodeErc20Transfer', () => {
  test('parses the exact call data back', () => {
    assert.deepEqual(decodeErc20Transfer(hexToBytes(EXPECTED)), { to: RECIPIENT, amount: 1_000_000n });
  });

  test('round trip (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), (bytes, amount) => {
        const to = checksumAddress(bytesToHex(bytes));
        assert.deepEqual(decodeErc20Transfer(encodeErc20Transfer({ to, amount })), { to, amount });
      }),
      { numRuns: 200 },
    );
  });

  const bad: ReadonlyArray<[string, string, string]> = [
    ['approve selector', `0x095ea7b3${EXPECTED.slice(10)}`, 'expected selector 0xa9059cbb'],
    ['empty', '0x', 'expected selector 0xa9059cbb'],
    ['truncated', EXPECTED.slice(0, -2), 'expected 68 bytes, got 67'],
    ['trailing byte', `${EXPECTED}00`, 'expected 68 bytes, got 69'],
    ['dirty address padding', `0xa9059cbb01${EXPECTED.slice(12)}`, 'address word has non-zero padding'],
  ];
  for (const [name, hex, details] of bad) {
    test(`refuses ${name}`, () => {
      assert.throws(
        () => decodeErc20Transfer(hexToBytes(hex as `0x${string}`)),
        (error: unknown) => error instanceof InvalidCallDataError && error.data === hex && error.details === details,
      );
    });
  }
});
