import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import {
  bytesToHex,
  decodeFunctionData,
  erc20Abi,
  fromRlp,
  hexToBytes,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
} from 'viem';
import type { Hex } from 'viem';
import { publicKeyToAddress } from './address.ts';
import { encodeErc20Transfer } from './erc20.ts';
import { InvalidAddressError, InvalidSignatureError, InvalidTransactionError } from './errors.ts';
import {
  assembleSignedTransaction,
  serializeSignedTransaction,
  serializeUnsignedTransaction,
  transactionHash,
  transactionSigningHash,
  validateTransaction,
} from './transaction.ts';
import type { Eip1559Transaction } from './transaction.ts';

type Vector = {
  nonce: number;
  value: number;
  gasLimit: number;
  maxInclusionFeePerGas: number;
  maxFeePerGas: number;
  to: string;
  privateKey: Hex;
  signedTransactionRLP: Hex;
};
const eip1559 = JSON.parse(readFileSync(new URL('../../../test/vectors/eth/eip1559-ethereumjs.json', import.meta.url), 'utf8')) as {
  chainId: number;
  vectors: Vector[];
};

const N = secp256k1.Point.Fn.ORDER;
const SECRET = hexToBytes('0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
const PUBLIC = secp256k1.getPublicKey(SECRET, true);
const FROM = publicKeyToAddress(PUBLIC);

/** What the IC's `sign_with_ecdsa` returns: 64 bytes r ‖ s, no recovery id. */
function icSign(hash: Uint8Array, secret = SECRET): Uint8Array {
  return secp256k1.sign(hash, secret, { prehash: false, format: 'compact' });
}

const TRANSFER: Eip1559Transaction = {
  chainId: 1n,
  nonce: 7n,
  to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  value: 1_000_000_000_000_000_000n,
  gas: 21_000n,
  maxFeePerGas: 30_000_000_000n,
  maxPriorityFeePerGas: 1_500_000_000n,
};

/** The same transaction in viem's shape, for its serializer. */
function toViem(transaction: Eip1559Transaction) {
  return {
    type: 'eip1559' as const,
    chainId: Number(transaction.chainId),
    nonce: Number(transaction.nonce),
    to: transaction.to as Hex,
    value: transaction.value,
    data: transaction.data && transaction.data.length > 0 ? bytesToHex(transaction.data) : undefined,
    gas: transaction.gas,
    maxFeePerGas: transaction.maxFeePerGas,
    maxPriorityFeePerGas: transaction.maxPriorityFeePerGas,
  };
}

describe('EIP-1559 vectors (ethereumjs)', () => {
  eip1559.vectors.forEach((vector, index) => {
    test(`vector ${index}: nonce ${vector.nonce}`, async () => {
      const secret = hexToBytes(vector.privateKey);
      const publicKey = secp256k1.getPublicKey(secret, true);
      const transaction: Eip1559Transaction = {
        chainId: BigInt(eip1559.chainId),
        nonce: BigInt(vector.nonce),
        to: vector.to,
        value: BigInt(vector.value),
        gas: BigInt(vector.gasLimit),
        maxFeePerGas: BigInt(vector.maxFeePerGas),
        maxPriorityFeePerGas: BigInt(vector.maxInclusionFeePerGas),
      };
      const expectedRaw = fromRlp(vector.signedTransactionRLP, 'hex') as Hex;
      const signature = icSign(transactionSigningHash(transaction), secret);
      const signed = assembleSignedTransaction({ transaction, signature, publicKey });
      assert.equal(signed.rawTransaction, expectedRaw);
      assert.equal(signed.hash, keccak256(expectedRaw));
      assert.equal(await recoverTransactionAddress({ serializedTransaction: expectedRaw as `0x02${string}` }), signed.from);
    });
  });
});

describe('serialization', () => {
  test('exact unsigned bytes and signing hash of a mainnet transfer', () => {
    // 0x02 ‖ rlp list of 48 bytes (0xf0): 01 | 07 | 84 59682f00 (1.5 gwei) | 85 06fc23ac00 (30 gwei)
    // | 82 5208 (21000) | 94 <to> | 88 0de0b6b3a7640000 (1 ether) | 80 (no data) | c0 (no access list)
    assert.equal(
      bytesToHex(serializeUnsignedTransaction(TRANSFER)),
      '0x02f0' +
        '01' +
        '07' +
        '8459682f00' +
        '8506fc23ac00' +
        '825208' +
        '9470997970c51812dc3a010c7d01b50e0d17dc79c8' +
        '880de0b6b3a7640000' +
        '80' +
        'c0',
    );
    assert.equal(bytesToHex(transactionSigningHash(TRANSFER)), keccak256(serializeTransaction(toViem(TRANSFER))));
  });

  test('exact signed raw transaction, recovered by viem to the derived address', async () => {
    const signed = assembleSignedTransaction({
      transaction: TRANSFER,
      signature: icSign(transactionSigningHash(TRANSFER)),
      publicKey: PUBLIC,
    });
    // The web3.js documentation's example key and address (web3.eth.accounts.privateKeyToAccount).
    assert.equal(FROM, '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23');
    assert.equal(signed.from, FROM);
    // 115-byte list (f8 73): the nine fields, then yParity 01, r and s as 32-byte strings (a0).
    assert.equal(
      signed.rawTransaction,
      '0x02f873' +
        '01' +
        '07' +
        '8459682f00' +
        '8506fc23ac00' +
        '825208' +
        '9470997970c51812dc3a010c7d01b50e0d17dc79c8' +
        '880de0b6b3a7640000' +
        '80' +
        'c0' +
        '01' +
        'a08f509b0f574bba5d2d92179f7d74d38fd276032692a0459c1a798c1640487abb' +
        'a067b667381fbc04068f5c82204c026430f29adf911d997b0c4f5a587ff8a86a02',
    );
    assert.equal(signed.hash, '0x32fc1e8511fed03eadf50a74585be287b96e9053fe2749cba5011c1b078e96a4');
    assert.equal(signed.hash, keccak256(signed.rawTransaction));
    assert.equal(await recoverTransactionAddress({ serializedTransaction: signed.rawTransaction as `0x02${string}` }), FROM);
    const parsed = parseTransaction(signed.rawTransaction);
    assert.equal(parsed.type, 'eip1559');
    assert.equal(parsed.chainId, 1);
    assert.equal(parsed.nonce, 7);
    assert.equal(parsed.to, '0x70997970c51812dc3a010c7d01b50e0d17dc79c8');
    assert.equal(parsed.value, TRANSFER.value);
    assert.equal(parsed.gas, TRANSFER.gas);
    assert.equal(parsed.maxFeePerGas, TRANSFER.maxFeePerGas);
    assert.equal(parsed.maxPriorityFeePerGas, TRANSFER.maxPriorityFeePerGas);
    assert.equal(parsed.r, `0x${signed.signature.r.toString(16).padStart(64, '0')}`);
    assert.equal(parsed.s, `0x${signed.signature.s.toString(16).padStart(64, '0')}`);
    assert.equal(parsed.yParity, signed.signature.yParity);
    // viem's own serializer, given our r, s, yParity, produces the same bytes.
    assert.equal(
      serializeTransaction(toViem(TRANSFER), {
        r: parsed.r as Hex,
        s: parsed.s as Hex,
        yParity: signed.signature.yParity,
      }),
      signed.rawTransaction,
    );
  });

  test('a high-s IC signature yields the same (low-s) raw transaction', () => {
    const hash = transactionSigningHash(TRANSFER);
    const low = icSign(hash);
    const s = secp256k1.Signature.fromBytes(low, 'compact').s;
    const high = new Uint8Array([...low.subarray(0, 32), ...hexToBytes(`0x${(N - s).toString(16).padStart(64, '0')}`)]);
    const fromLow = assembleSignedTransaction({ transaction: TRANSFER, signature: low, publicKey: PUBLIC });
    const fromHigh = assembleSignedTransaction({ transaction: TRANSFER, signature: high, publicKey: PUBLIC });
    assert.deepEqual(fromHigh, fromLow);
    assert.ok(fromHigh.signature.s <= N / 2n);
  });

  test('ERC-20 transfer transaction: data survives viem parsing', async () => {
    const data = encodeErc20Transfer({ to: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', amount: 2_500_000n });
    const transaction: Eip1559Transaction = {
      chainId: 11_155_111n,
      nonce: 0n,
      to: '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238',
      value: 0n,
      data,
      gas: 65_000n,
      maxFeePerGas: 2_000_000_000n,
      maxPriorityFeePerGas: 0n,
    };
    const signed = assembleSignedTransaction({ transaction, signature: icSign(transactionSigningHash(transaction)), publicKey: PUBLIC });
    const parsed = parseTransaction(signed.rawTransaction);
    assert.equal(parsed.chainId, 11_155_111);
    // viem's parser leaves zero scalars (encoded as 0x80) undefined.
    assert.equal(parsed.maxPriorityFeePerGas, undefined);
    assert.equal(parsed.value, undefined);
    assert.equal(parsed.nonce, 0);
    assert.equal(parsed.maxFeePerGas, 2_000_000_000n);
    assert.deepEqual(decodeFunctionData({ abi: erc20Abi, data: parsed.data as Hex }), {
      functionName: 'transfer',
      args: ['0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 2_500_000n],
    });
    assert.equal(await recoverTransactionAddress({ serializedTransaction: signed.rawTransaction as `0x02${string}` }), FROM);
  });

  test('random transactions on random chains equal viem and recover to the signer (fast-check)', async () => {
    const uint = (bits: bigint) => fc.bigInt({ min: 0n, max: (1n << bits) - 1n });
    const arbitrary = fc
      .record({
        chainId: fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
        nonce: fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
        to: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((bytes) => bytesToHex(bytes)),
        value: uint(256n),
        data: fc.uint8Array({ maxLength: 200 }),
        gas: fc.bigInt({ min: 21_000n, max: (1n << 64n) - 1n }),
        maxFeePerGas: uint(256n),
        tip: uint(256n),
      })
      .map(({ tip, ...rest }) => ({ ...rest, maxPriorityFeePerGas: tip > rest.maxFeePerGas ? rest.maxFeePerGas : tip }));
    await fc.assert(
      fc.asyncProperty(arbitrary, async (transaction) => {
        assert.equal(bytesToHex(serializeUnsignedTransaction(transaction)), serializeTransaction(toViem(transaction)));
        const signed = assembleSignedTransaction({
          transaction,
          signature: icSign(transactionSigningHash(transaction)),
          publicKey: PUBLIC,
        });
        assert.equal(await recoverTransactionAddress({ serializedTransaction: signed.rawTransaction as `0x02${string}` }), FROM);
      }),
      { numRuns: 40 },
    );
  });

  test('serializeSignedTransaction refuses high s; transactionHash is keccak256', () => {
    assert.throws(
      () => serializeSignedTransaction({ transaction: TRANSFER, signature: { r: 1n, s: N - 1n, yParity: 0 } }),
      InvalidSignatureError,
    );
    // yParity 0, r 1 and s 1 are RLP scalars: 80 01 01 (no leading zeros).
    const raw = serializeSignedTransaction({ transaction: TRANSFER, signature: { r: 1n, s: 1n, yParity: 0 } });
    assert.equal(
      bytesToHex(raw),
      '0x02f3' +
        '01' +
        '07' +
        '8459682f00' +
        '8506fc23ac00' +
        '825208' +
        '9470997970c51812dc3a010c7d01b50e0d17dc79c8' +
        '880de0b6b3a7640000' +
        '80' +
        'c0' +
        '80' +
        '01' +
        '01',
    );
    assert.equal(transactionHash(raw), keccak256(raw));
  });
});

describe('validation', () => {
  const cases: ReadonlyArray<[string, Partial<Record<keyof Eip1559Transaction, unknown>>, string, string]> = [
    [
      'chain id 0',
      { chainId: 0n },
      'chainId',
      'must be in 1..115792089237316195423570985008687907853269984665640564039457584007913129639935',
    ],
    ['negative nonce', { nonce: -1n }, 'nonce', 'must be in 0..18446744073709551614'],
    ['nonce 2^64 - 1 (EIP-2681)', { nonce: (1n << 64n) - 1n }, 'nonce', 'must be in 0..18446744073709551614'],
    [
      'negative value',
      { value: -1n },
      'value',
      'must be in 0..115792089237316195423570985008687907853269984665640564039457584007913129639935',
    ],
    [
      'value 2^256',
      { value: 1n << 256n },
      'value',
      'must be in 0..115792089237316195423570985008687907853269984665640564039457584007913129639935',
    ],
    ['gas 0', { gas: 0n }, 'gas', 'must be in 21000..18446744073709551615'],
    ['gas below intrinsic', { gas: 20_999n }, 'gas', 'must be in 21000..18446744073709551615'],
    ['gas 2^64', { gas: 1n << 64n }, 'gas', 'must be in 21000..18446744073709551615'],
    [
      'negative max fee',
      { maxFeePerGas: -1n },
      'maxFeePerGas',
      'must be in 0..115792089237316195423570985008687907853269984665640564039457584007913129639935',
    ],
    [
      'priority above max fee',
      { maxPriorityFeePerGas: 30_000_000_001n },
      'maxPriorityFeePerGas',
      'must not exceed maxFeePerGas 30000000000',
    ],
    ['number instead of bigint', { value: 1 }, 'value', 'expected a bigint, got number'],
    ['data as hex string', { data: '0x00' }, 'data', 'expected a Uint8Array'],
  ];
  for (const [name, override, field, details] of cases) {
    test(`refuses ${name}`, () => {
      const transaction = { ...TRANSFER, ...override } as Eip1559Transaction;
      for (const run of [validateTransaction, serializeUnsignedTransaction, transactionSigningHash]) {
        assert.throws(
          () => run(transaction),
          (error: unknown) => error instanceof InvalidTransactionError && error.field === field && error.details === details,
        );
      }
    });
  }

  test('refuses a bad recipient checksum', () => {
    assert.throws(
      () => serializeUnsignedTransaction({ ...TRANSFER, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79c8' }),
      (error: unknown) => error instanceof InvalidAddressError && error.address === '0x70997970C51812dc3A010C7d01b50e0d17dc79c8',
    );
  });

  test('normalizes to and data', () => {
    const validated = validateTransaction({ ...TRANSFER, to: TRANSFER.to.toLowerCase() });
    assert.equal(validated.to, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8');
    assert.deepEqual(validated.data, new Uint8Array(0));
  });

  test('chain ids beyond 2^53 are serialized exactly', () => {
    const chainId = (1n << 64n) + 5n;
    const unsigned = serializeUnsignedTransaction({ ...TRANSFER, chainId });
    // 2^64 + 5 needs 9 bytes (89 010000000000000005); the list grows to 57 bytes (f8 39).
    assert.equal(
      bytesToHex(unsigned),
      '0x02f839' +
        '89010000000000000005' +
        '07' +
        '8459682f00' +
        '8506fc23ac00' +
        '825208' +
        '9470997970c51812dc3a010c7d01b50e0d17dc79c8' +
        '880de0b6b3a7640000' +
        '80' +
        'c0',
    );
  });
});
