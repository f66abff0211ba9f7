import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, recoverMessageAddress, verifyMessage } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { publicKeyToAddress } from './address.ts';
import { InvalidPublicKeyError, InvalidSignatureError } from './errors.ts';
import {
  assertRecoverableSignature,
  hashPersonalMessage,
  personalSignature,
  serializeSignature,
  toRecoverableSignature,
} from './signature.ts';

const eip191 = JSON.parse(readFileSync(new URL('../../../test/vectors/eth/eip191.json', import.meta.url), 'utf8')) as {
  vectors: Array<{ message?: string; messageHex?: `0x${string}`; hash: string }>;
};

const N = secp256k1.Point.Fn.ORDER;
const SECRET = hexToBytes('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
const PUBLIC = secp256k1.getPublicKey(SECRET, true);

/** What the IC's `sign_with_ecdsa` returns: 64 bytes r ‖ s, no recovery id. */
function icSign(hash: Uint8Array, secret = SECRET): Uint8Array {
  return secp256k1.sign(hash, secret, { prehash: false, format: 'compact' });
}

function withHighS(signature: Uint8Array): Uint8Array {
  const parsed = secp256k1.Signature.fromBytes(signature, 'compact');
  const out = new Uint8Array(64);
  out.set(signature.subarray(0, 32), 0);
  out.set(hexToBytes(`0x${(N - parsed.s).toString(16).padStart(64, '0')}`), 32);
  return out;
}

describe('toRecoverableSignature', () => {
  // Two fixed messages whose RFC 6979 signatures have opposite parities, so both branches run.
  const hashA = keccak_256(new TextEncoder().encode('message a'));
  const hashC = keccak_256(new TextEncoder().encode('message c'));
  const expectedA = {
    r: 0xc4e4fd1893fae0cadd759202a714a0c5761afa7e79915e5b088318210f403ean,
    s: 0x299316b3718168c41c5603eced3f4b8c50df4f0e70cb7e48a4c139a1d374df13n,
    yParity: 1,
  } as const;
  const expectedC = {
    r: 0xcd676a7de89298edb1eb05cd2ce83a09a6733645863eab5c1b87b5bf275b96bbn,
    s: 0x13c68f883ca3f6f720dbbbe0f9261548f9da566fb9cc441312527d32757d58e2n,
    yParity: 0,
  } as const;

  test('exact r, s and yParity for a fixed key, both parities', () => {
    assert.deepEqual(toRecoverableSignature({ hash: hashA, signature: icSign(hashA), publicKey: PUBLIC }), expectedA);
    assert.deepEqual(toRecoverableSignature({ hash: hashC, signature: icSign(hashC), publicKey: PUBLIC }), expectedC);
    // viem (its own noble copy) recovers the same signer from the completed signatures.
    const address = publicKeyToAddress(PUBLIC);
    assert.equal(address, privateKeyToAccount(bytesToHex(SECRET)).address);
  });

  test('accepts the uncompressed public key too', () => {
    const uncompressed = secp256k1.getPublicKey(SECRET, false);
    assert.deepEqual(toRecoverableSignature({ hash: hashA, signature: icSign(hashA), publicKey: uncompressed }), expectedA);
  });

  test('EIP-2: a high-s signature is normalized to low s and its parity flipped', () => {
    for (const [hash, expected] of [
      [hashA, expectedA],
      [hashC, expectedC],
    ] as const) {
      const high = withHighS(icSign(hash));
      const highS = secp256k1.Signature.fromBytes(high, 'compact').s;
      assert.equal(highS, N - expected.s);
      assert.ok(highS > N / 2n);
      // The high-s form recovers the key only with the opposite parity...
      const highRecovered = new secp256k1.Signature(expected.r, highS)
        .addRecoveryBit(1 - expected.yParity)
        .recoverPublicKey(hash)
        .toBytes(true);
      assert.deepEqual(highRecovered, PUBLIC);
      // ...and noble's verifier (low-s by default, like Ethereum) refuses it as is.
      assert.equal(secp256k1.verify(high, hash, PUBLIC, { prehash: false }), false);
      // After completion: low s, parity of the low-s form, and it verifies.
      const completed = toRecoverableSignature({ hash, signature: high, publicKey: PUBLIC });
      assert.deepEqual(completed, expected);
      const compact = new secp256k1.Signature(completed.r, completed.s).toBytes('compact');
      assert.equal(secp256k1.verify(compact, hash, PUBLIC, { prehash: false }), true);
    }
  });

  test('random keys and hashes, half of them high-s (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 1n, max: N - 1n }),
        fc.boolean(),
        (hash, n, makeHigh) => {
          const secret = hexToBytes(`0x${n.toString(16).padStart(64, '0')}`);
          const publicKey = secp256k1.getPublicKey(secret, true);
          const recovered = secp256k1.Signature.fromBytes(
            secp256k1.sign(hash, secret, { prehash: false, format: 'recovered' }),
            'recovered',
          );
          const compact = recovered.toBytes('compact');
          const result = toRecoverableSignature({ hash, signature: makeHigh ? withHighS(compact) : compact, publicKey });
          assert.deepEqual(result, { r: recovered.r, s: recovered.s, yParity: recovered.recovery });
        },
      ),
      { numRuns: 50 },
    );
  });

  test('a signature by another key is refused', () => {
    const other = hexToBytes(`0x${'11'.repeat(32)}`);
    assert.throws(
      () => toRecoverableSignature({ hash: hashA, signature: icSign(hashA, other), publicKey: PUBLIC }),
      (error: unknown) =>
        error instanceof InvalidSignatureError &&
        error.signature === bytesToHex(icSign(hashA, other)) &&
        error.details === `does not verify for message hash ${bytesToHex(hashA)} and public key ${bytesToHex(PUBLIC)}`,
    );
  });

  test('a signature of another hash is refused', () => {
    assert.throws(() => toRecoverableSignature({ hash: hashC, signature: icSign(hashA), publicKey: PUBLIC }), InvalidSignatureError);
  });

  test('malformed inputs are typed errors', () => {
    const good = icSign(hashA);
    const cases: ReadonlyArray<[string, () => unknown, string]> = [
      [
        '63-byte signature',
        () => toRecoverableSignature({ hash: hashA, signature: good.subarray(0, 63), publicKey: PUBLIC }),
        'expected 64 bytes (r ‖ s), got 63',
      ],
      [
        '65-byte signature',
        () => toRecoverableSignature({ hash: hashA, signature: new Uint8Array(65), publicKey: PUBLIC }),
        'expected 64 bytes (r ‖ s), got 65',
      ],
      [
        '31-byte hash',
        () => toRecoverableSignature({ hash: hashA.subarray(1), signature: good, publicKey: PUBLIC }),
        'message hash must be 32 bytes, got 31',
      ],
      [
        'r = 0',
        () =>
          toRecoverableSignature({
            hash: hashA,
            signature: new Uint8Array([...new Uint8Array(32), ...good.subarray(32)]),
            publicKey: PUBLIC,
          }),
        'r and s must both be in 1..n-1',
      ],
      [
        's = 0',
        () =>
          toRecoverableSignature({
            hash: hashA,
            signature: new Uint8Array([...good.subarray(0, 32), ...new Uint8Array(32)]),
            publicKey: PUBLIC,
          }),
        'r and s must both be in 1..n-1',
      ],
      [
        'r = n',
        () =>
          toRecoverableSignature({
            hash: hashA,
            signature: new Uint8Array([...hexToBytes(`0x${N.toString(16)}`), ...good.subarray(32)]),
            publicKey: PUBLIC,
          }),
        'r and s must both be in 1..n-1',
      ],
    ];
    for (const [name, run, details] of cases) {
      assert.throws(run, (error: unknown) => error instanceof InvalidSignatureError && error.details === details, name);
    }
    assert.throws(() => toRecoverableSignature({ hash: hashA, signature: good, publicKey: PUBLIC.subarray(1) }), InvalidPublicKeyError);
  });
});

describe('serializeSignature / assertRecoverableSignature', () => {
  test('r ‖ s ‖ v with v = 27 + yParity', () => {
    assert.equal(serializeSignature({ r: 1n, s: 2n, yParity: 1 }), `0x${'00'.repeat(31)}01${'00'.repeat(31)}021c`);
  });
  test('refuses high s, zero r, parity 2', () => {
    assert.throws(() => assertRecoverableSignature({ r: 1n, s: N / 2n + 1n, yParity: 0 }), InvalidSignatureError);
    assert.throws(() => assertRecoverableSignature({ r: 0n, s: 1n, yParity: 0 }), InvalidSignatureError);
    assert.throws(() => assertRecoverableSignature({ r: 1n, s: 1n, yParity: 2 as 0 }), InvalidSignatureError);
    assert.doesNotThrow(() => assertRecoverableSignature({ r: N - 1n, s: N / 2n, yParity: 1 }));
  });
});

describe('EIP-191 personal messages', () => {
  for (const vector of eip191.vectors) {
    test(`hash of ${vector.message !== undefined ? JSON.stringify(vector.message) : vector.messageHex}`, () => {
      const message = vector.message ?? hexToBytes(vector.messageHex as `0x${string}`);
      assert.equal(bytesToHex(hashPersonalMessage(message)), vector.hash);
    });
  }

  test('the prefix is the byte length, not the character count', () => {
    // "é" is 2 UTF-8 bytes: prefix "...Message:\n2".
    const expected = keccak_256(new Uint8Array([...new TextEncoder().encode('\x19Ethereum Signed Message:\n2'), 0xc3, 0xa9]));
    assert.deepEqual(hashPersonalMessage('é'), expected);
  });

  test('personalSignature equals viem signMessage byte for byte and verifies', async () => {
    const account = privateKeyToAccount(bytesToHex(SECRET));
    for (const message of ['hello world', 'Sign in to the wallet, nonce 42', '']) {
      const signature = personalSignature({ message, signature: icSign(hashPersonalMessage(message)), publicKey: PUBLIC });
      assert.equal(signature, await account.signMessage({ message }));
      assert.equal(await recoverMessageAddress({ message, signature }), account.address);
      assert.equal(await verifyMessage({ address: account.address, message, signature }), true);
    }
    const raw = new Uint8Array([0, 1, 2, 255]);
    const rawSignature = personalSignature({ message: raw, signature: icSign(hashPersonalMessage(raw)), publicKey: PUBLIC });
    assert.equal(rawSignature, await account.signMessage({ message: { raw } }));
  });

  test('personalSignature of a high-s IC signature is the canonical one', async () => {
    const message = 'hello world';
    const hash = hashPersonalMessage(message);
    assert.equal(
      personalSignature({ message, signature: withHighS(icSign(hash)), publicKey: PUBLIC }),
      personalSignature({ message, signature: icSign(hash), publicKey: PUBLIC }),
    );
  });
});
