import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes } from 'viem';
import { privateKeyToAddress, publicKeyToAddress as viemPublicKeyToAddress } from 'viem/accounts';
import { isAddress, parseAddress, publicKeyToAddress, uncompressedPublicKey } from './address.ts';
import { EthError, InvalidAddressError, InvalidPublicKeyError } from './errors.ts';
import { WalletError } from '../../lib/errors.ts';

const eip55 = JSON.parse(readFileSync(new URL('../../../test/vectors/eth/eip55.json', import.meta.url), 'utf8')) as {
  allCaps: string[];
  allLower: string[];
  normal: string[];
};

/** EIP-55 as the EIP words it, written here independently of viem's checksumAddress. */
function eip55Checksum(lowerHex40: string): string {
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(lowerHex40))).slice(2);
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i], 16) >= 8 ? lowerHex40[i].toUpperCase() : lowerHex40[i];
  return out;
}

function secretKey(n: bigint): Uint8Array {
  return hexToBytes(`0x${n.toString(16).padStart(64, '0')}`);
}

describe('parseAddress: EIP-55 test cases', () => {
  for (const address of eip55.normal) {
    test(`accepts checksummed ${address} and checksums its lowercase form to it`, () => {
      assert.equal(eip55Checksum(address.slice(2).toLowerCase()), address);
      assert.equal(parseAddress(address), address);
      assert.equal(parseAddress(`0x${address.slice(2).toLowerCase()}`), address);
      assert.equal(parseAddress(`0x${address.slice(2).toUpperCase()}`), address);
    });
  }
  for (const address of [...eip55.allCaps, ...eip55.allLower]) {
    test(`accepts single-case ${address} and returns its checksum`, () => {
      assert.equal(parseAddress(address), eip55Checksum(address.slice(2).toLowerCase()));
      assert.ok(isAddress(address));
    });
  }
  test('checksums of the single-case vectors', () => {
    assert.equal(parseAddress(eip55.allCaps[0]), '0x52908400098527886E0F7030069857D2E4169EE7');
    assert.equal(parseAddress(eip55.allLower[0]), '0xde709f2102306220921060314715629080e2fb77');
  });
});

describe('parseAddress: rejections name the input', () => {
  const cases: ReadonlyArray<[string, string]> = [
    // One letter's case flipped in an EIP-55 vector: a typo the checksum must catch.
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', 'EIP-55 checksum mismatch (mixed case that is not the checksum)'],
    ['0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'EIP-55 checksum mismatch (mixed case that is not the checksum)'],
    ['0xfb6916095cA1df60bb79ce92ce3ea74c37c5d359', 'EIP-55 checksum mismatch (mixed case that is not the checksum)'],
    ['5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'expected a "0x" prefix'],
    ['0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'expected a "0x" prefix'],
    ['', 'expected a "0x" prefix'],
    ['0x', 'expected 40 hex digits after "0x", got 0'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA', 'expected 40 hex digits after "0x", got 38'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00', 'expected 40 hex digits after "0x", got 42'],
    [' 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'expected a "0x" prefix'],
    ['0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ', 'expected 40 hex digits after "0x", got 41'],
    ['0xg2908400098527886e0f7030069857d2e4169ee7', 'contains a character that is not a hex digit'],
    ['0x52908400098527886e0f7030069857d2e4169ee-', 'contains a character that is not a hex digit'],
  ];
  for (const [input, details] of cases) {
    test(JSON.stringify(input), () => {
      assert.throws(
        () => parseAddress(input),
        (error: unknown) => {
          assert.ok(error instanceof InvalidAddressError);
          assert.ok(error instanceof EthError);
          assert.ok(error instanceof WalletError);
          assert.equal(error.address, input);
          assert.equal(error.details, details);
          assert.equal(error.shortMessage, `Invalid Ethereum address "${input}"`);
          return true;
        },
      );
      assert.equal(isAddress(input), false);
    });
  }
  test('a non-string', () => {
    assert.throws(() => parseAddress(42 as unknown as string), InvalidAddressError);
  });
});

describe('publicKeyToAddress', () => {
  test('well-known keys (secret keys 1 and 2)', () => {
    const one = secp256k1.getPublicKey(secretKey(1n), true);
    assert.equal(bytesToHex(one), '0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798');
    assert.equal(publicKeyToAddress(one), '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf');
    const two = secp256k1.getPublicKey(secretKey(2n), true);
    assert.equal(publicKeyToAddress(two), '0x2B5AD5c4795c026514f8317c7a215E218DcCD6cF');
  });

  test('the ethereumjs EIP-1559 vector key', () => {
    const key = hexToBytes('0x8f2a55949038a9610f50fb23b5883af3b4ecb3c3bb792cbcefbd1542c692be63');
    assert.equal(publicKeyToAddress(secp256k1.getPublicKey(key, true)), privateKeyToAddress(bytesToHex(key)));
  });

  test('compressed (IC form) and uncompressed keys give the same address', () => {
    const compressed = secp256k1.getPublicKey(secretKey(0xc0ffeen), true);
    const uncompressed = secp256k1.getPublicKey(secretKey(0xc0ffeen), false);
    assert.deepEqual(uncompressedPublicKey(compressed), uncompressed);
    assert.equal(publicKeyToAddress(compressed), publicKeyToAddress(uncompressed));
  });

  const bad: ReadonlyArray<[string, Uint8Array, string]> = [
    ['empty', new Uint8Array(0), 'expected 33 (compressed) or 65 (uncompressed) bytes, got 0'],
    ['32 bytes (x-only)', new Uint8Array(32).fill(1), 'expected 33 (compressed) or 65 (uncompressed) bytes, got 32'],
    ['prefix 0x05', hexToBytes('0x0579be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'), 'not a point on secp256k1'],
    // x = 5 has no y on secp256k1 (5^3 + 7 = 132 is not a square mod p).
    ['x not on the curve', hexToBytes(`0x02${'00'.repeat(31)}05`), 'not a point on secp256k1'],
    [
      'x = p (out of field)',
      hexToBytes('0x02fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f'),
      'not a point on secp256k1',
    ],
  ];
  for (const [name, key, details] of bad) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => publicKeyToAddress(key),
        (error: unknown) => error instanceof InvalidPublicKeyError && error.details === details && error.publicKey === bytesToHex(key),
      );
    });
  }

  test('round trip from random keys (fast-check): equals viem, survives parseAddress', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: secp256k1.Point.Fn.ORDER - 1n }), (n) => {
        const sk = secretKey(n);
        const compressed = secp256k1.getPublicKey(sk, true);
        const address = publicKeyToAddress(compressed);
        assert.equal(address, privateKeyToAddress(bytesToHex(sk)));
        assert.equal(address, viemPublicKeyToAddress(bytesToHex(secp256k1.getPublicKey(sk, false))));
        assert.equal(parseAddress(address), address);
        assert.equal(parseAddress(address.toLowerCase()), address);
      }),
      { numRuns: 100 },
    );
  });
});
