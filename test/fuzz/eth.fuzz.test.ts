/**
 * Differential fuzzing of src/chains/eth against ethers 6 (issue 11): valid inputs made by
 * ethers, their mutations, and hostile values. Every exported function either gives ethers'
 * result or refuses with an EthError (or the shared InvalidArgumentError / amount errors),
 * never an untyped error, and never a result ethers refuses. Where we are stricter than ethers
 * (a "0x" prefix required, gas at least 21,000, maxPriorityFeePerGas at most maxFeePerGas,
 * canonical ERC-20 call data) the function's documentation says so; those inputs are refused.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ethers } from 'ethers';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import * as eth from '../../src/chains/eth/index.ts';
import {
  agrees,
  bothAccept,
  hostile,
  mutateBytes,
  mutateField,
  mutateString,
  ours,
  params,
  reference,
  refused,
  seeds,
  toHex,
} from './support.ts';

/** 48 ethers wallets, made once (see `seeds`). */
const WALLETS = seeds(48).map((s) => {
  const signingKey = new ethers.SigningKey(`0x${toHex(s)}`);
  return {
    secret: s,
    signingKey,
    compressed: ethers.getBytes(signingKey.compressedPublicKey),
    address: ethers.computeAddress(signingKey.publicKey),
  };
});
const wallet = fc.constantFrom(...WALLETS);
const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .chain((bytes) => fc.constantFrom(ethers.getAddress(`0x${toHex(bytes)}`), `0x${toHex(bytes)}`, `0x${toHex(bytes).toUpperCase()}`));
const u256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });

describe('eth differential fuzz: addresses and keys', () => {
  test('publicKeyToAddress and uncompressedPublicKey equal ethers for its keys and agree with it on mutated keys', () => {
    fc.assert(
      fc.property(
        wallet.chain((w) =>
          fc.oneof(fc.constant(w.compressed), fc.constant(ethers.getBytes(w.signingKey.publicKey)), mutateBytes(w.compressed)),
        ),
        (publicKey) => {
          agrees(
            ours(() => eth.publicKeyToAddress(publicKey)),
            reference(() => ethers.computeAddress(ethers.hexlify(publicKey))),
            (a, b) => assert.equal(a, b),
          );
          agrees(
            ours(() => eth.uncompressedPublicKey(publicKey)),
            reference(() => ethers.SigningKey.computePublicKey(publicKey, false)),
            (a, b) => assert.equal(ethers.hexlify(a), b),
          );
        },
      ),
      params(150),
    );
    fc.assert(
      fc.property(wallet, (w) => {
        bothAccept(
          ours(() => eth.publicKeyToAddress(w.compressed)),
          reference(() => w.address),
          (a, b) => assert.equal(a, b),
        );
      }),
      params(100),
    );
  });

  test('parseAddress and isAddress equal ethers getAddress on its addresses, agree on mutations, refuse hostile values typed', () => {
    fc.assert(
      fc.property(
        address.chain((a) => fc.oneof(fc.constant(a), mutateString(a))),
        (input) => {
          const mine = ours(() => eth.parseAddress(input));
          agrees(
            mine,
            reference(() => ethers.getAddress(input)),
            (a, b) => assert.equal(a, b),
          );
          if (/^0x[0-9a-fA-F]{40}$/.test(input)) {
            // Same grammar: the same decision (ethers also refuses a wrong mixed-case checksum).
            assert.equal(mine.ok, reference(() => ethers.getAddress(input)).ok);
          }
          const is = ours(() => eth.isAddress(input));
          assert.ok(is.ok);
          assert.equal(is.value, mine.ok);
        },
      ),
      params(200),
    );
    fc.assert(
      fc.property(hostile, (input) => {
        refused(
          ours(() => eth.parseAddress(input as never)),
          eth.InvalidAddressError,
        );
        assert.deepEqual(
          ours(() => eth.isAddress(input as never)),
          { ok: true, value: false },
        );
        ours(() => eth.publicKeyToAddress(input as never));
        ours(() => eth.uncompressedPublicKey(input as never));
      }),
      params(150),
    );
  });
});

const erc20 = new ethers.Interface(['function transfer(address to, uint256 amount)']);

describe('eth differential fuzz: ERC-20 call data', () => {
  test('encodeErc20Transfer equals ethers Interface encoding; decodeErc20Transfer inverts it and agrees with ethers on mutated data', () => {
    fc.assert(
      fc.property(address, u256, (to, amount) => {
        const mine = ours(() => eth.encodeErc20Transfer({ to, amount }));
        bothAccept(
          mine,
          reference(() => erc20.encodeFunctionData('transfer', [to, amount])),
          (a, b) => assert.equal(ethers.hexlify(a), b),
        );
        if (mine.ok) {
          const decoded = eth.decodeErc20Transfer(mine.value);
          assert.deepEqual(decoded, { to: ethers.getAddress(to), amount });
        }
      }),
      params(150),
    );
    fc.assert(
      fc.property(
        fc.tuple(address, u256).chain(([to, amount]) => mutateBytes(ethers.getBytes(erc20.encodeFunctionData('transfer', [to, amount])))),
        (data) => {
          agrees(
            ours(() => eth.decodeErc20Transfer(data)),
            reference(() => erc20.decodeFunctionData('transfer', data)),
            (a, b) => assert.deepEqual(a, { to: b[0] as string, amount: b[1] as bigint }),
          );
        },
      ),
      params(150),
    );
    fc.assert(
      fc.property(hostile, hostile, (to, amount) => {
        ours(() => eth.encodeErc20Transfer({ to, amount } as never));
        ours(() => eth.encodeErc20Transfer(to as never));
        refused(
          ours(() => eth.decodeErc20Transfer(to as never)),
          eth.InvalidCallDataError,
        );
      }),
      params(150),
    );
  });
});

/** An EIP-1559 transaction within both our limits and ethers' (nonce is a JavaScript number there). */
const transaction = fc
  .record({
    chainId: fc.bigInt({ min: 1n, max: 2n ** 64n }),
    nonce: fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }),
    to: address,
    value: u256,
    data: fc.oneof(fc.constant(undefined), fc.uint8Array({ maxLength: 200 })),
    gas: fc.bigInt({ min: 21_000n, max: 2n ** 64n - 1n }),
    maxFeePerGas: u256,
    priorityShare: fc.bigInt({ min: 0n, max: 1000n }),
  })
  .map(({ priorityShare, ...tx }): eth.Eip1559Transaction => ({ ...tx, maxPriorityFeePerGas: (tx.maxFeePerGas * priorityShare) / 1000n }));

function ethersTransaction(tx: eth.Eip1559Transaction): ethers.Transaction {
  return ethers.Transaction.from({
    type: 2,
    chainId: tx.chainId,
    nonce: Number(tx.nonce),
    to: tx.to,
    value: tx.value,
    data: ethers.hexlify(tx.data ?? new Uint8Array(0)),
    gasLimit: tx.gas,
    maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
    accessList: [],
  });
}

describe('eth differential fuzz: transactions', () => {
  test('serializeUnsignedTransaction and transactionSigningHash equal ethers; mutated fields agree with ethers or are refused typed', () => {
    fc.assert(
      fc.property(transaction, (tx) => {
        const theirs = reference(() => ethersTransaction(tx));
        bothAccept(
          ours(() => eth.serializeUnsignedTransaction(tx)),
          theirs,
          (a, b) => assert.equal(ethers.hexlify(a), b.unsignedSerialized),
        );
        bothAccept(
          ours(() => eth.transactionSigningHash(tx)),
          theirs,
          (a, b) => assert.equal(ethers.hexlify(a), b.unsignedHash),
        );
      }),
      params(150),
    );
    fc.assert(
      fc.property(
        transaction.chain((tx) => fc.oneof(mutateField(tx), fc.constant({ ...tx, data: null }), hostile)),
        (tx) => {
          const mine = ours(() => eth.serializeUnsignedTransaction(tx as never));
          ours(() => eth.transactionSigningHash(tx as never));
          ours(() => eth.validateTransaction(tx as never));
          if (mine.ok) {
            const t = tx as eth.Eip1559Transaction;
            // Accepted: every field is of the right type and range, and ethers agrees where it can represent it.
            if (t.nonce <= BigInt(Number.MAX_SAFE_INTEGER)) {
              agrees(
                mine,
                reference(() => ethersTransaction(t)),
                (a, b) => assert.equal(ethers.hexlify(a), b.unsignedSerialized),
              );
            }
          }
          if (typeof tx === 'object' && tx !== null && 'data' in tx && (tx as { data: unknown }).data === null) {
            refused(mine, eth.InvalidTransactionError);
          }
        },
      ),
      params(200),
    );
  });

  test('assembleSignedTransaction (the IC signature of any s) equals ethers signing the same transaction; ethers recovers the sender', () => {
    fc.assert(
      fc.property(transaction, wallet, fc.boolean(), (tx, w, highS) => {
        const hash = eth.transactionSigningHash(tx);
        const compact = secp256k1.sign(hash, w.secret, { prehash: false, format: 'compact' });
        let signature = compact;
        if (highS) {
          const n = secp256k1.Point.CURVE().n;
          const s = n - BigInt(`0x${toHex(compact.subarray(32))}`);
          signature = Uint8Array.of(...compact.subarray(0, 32), ...ethers.getBytes(ethers.toBeHex(s, 32)));
        }
        const signed = eth.assembleSignedTransaction({ transaction: tx, signature, publicKey: w.compressed });
        const theirs = ethersTransaction(tx);
        theirs.signature = w.signingKey.sign(ethers.hexlify(hash));
        assert.equal(signed.rawTransaction, theirs.serialized);
        assert.equal(signed.hash, theirs.hash);
        assert.equal(ethers.Transaction.from(signed.rawTransaction).from, w.address);
        assert.equal(signed.from, w.address);
        assert.equal(eth.transactionHash(ethers.getBytes(signed.rawTransaction)), ethers.keccak256(signed.rawTransaction));
        assert.equal(ethers.hexlify(eth.serializeSignedTransaction({ transaction: tx, signature: signed.signature })), theirs.serialized);
      }),
      params(30),
    );
  });

  test('assembleSignedTransaction, serializeSignedTransaction, transactionHash: mutated signatures and hostile values are refused typed', () => {
    fc.assert(
      fc.property(
        fc.tuple(transaction, wallet).chain(([tx, w]) => {
          const signature = secp256k1.sign(eth.transactionSigningHash(tx), w.secret, { prehash: false, format: 'compact' });
          return fc.record({
            tx: fc.constant(tx),
            signature: fc.oneof(mutateBytes(signature), hostile),
            publicKey: fc.oneof(fc.constant(w.compressed), mutateBytes(w.compressed), hostile),
          });
        }),
        hostile,
        ({ tx, signature, publicKey }, junk) => {
          const mine = ours(() => eth.assembleSignedTransaction({ transaction: tx, signature, publicKey } as never));
          if (mine.ok)
            assert.equal(ethers.Transaction.from(mine.value.rawTransaction).from, eth.publicKeyToAddress(publicKey as Uint8Array));
          ours(() => eth.assembleSignedTransaction(junk as never));
          ours(() => eth.serializeSignedTransaction({ transaction: tx, signature: junk } as never));
          ours(() => eth.serializeSignedTransaction(junk as never));
          ours(() => eth.transactionHash(junk as never));
        },
      ),
      params(30),
    );
  });
});

/** A UTF-16 code unit of a surrogate pair without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

describe('eth differential fuzz: messages and signatures', () => {
  const message = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    // Any UTF-16 code units, lone surrogates included.
    fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 }).map((units) => String.fromCharCode(...units)),
    fc.uint8Array({ maxLength: 100 }),
  );

  test('hashPersonalMessage equals ethers hashMessage, and refuses typed what ethers cannot encode', () => {
    fc.assert(
      fc.property(fc.oneof(message, hostile), (m) => {
        const mine = ours(() => eth.hashPersonalMessage(m as never));
        const theirs = reference(() => ethers.hashMessage(m as string | Uint8Array));
        agrees(mine, theirs, (a, b) => assert.equal(ethers.hexlify(a), b));
        if (m instanceof Uint8Array || (typeof m === 'string' && !LONE_SURROGATE.test(m))) assert.equal(mine.ok, theirs.ok);
        // Documented stricter refusal: ethers refuses a lone high surrogate but encodes a lone low
        // one as the bytes ED B0 80..., which are not UTF-8; we refuse both.
        if (typeof m === 'string' && LONE_SURROGATE.test(m)) refused(mine, eth.InvalidMessageError);
      }),
      params(200),
    );
  });

  test('personalSignature verifies with ethers verifyMessage; toRecoverableSignature and serializeSignature equal ethers Signature', () => {
    fc.assert(
      fc.property(message, wallet, (m, w) => {
        if (typeof m === 'string' && LONE_SURROGATE.test(m)) return;
        const hash = eth.hashPersonalMessage(m);
        const signature = secp256k1.sign(hash, w.secret, { prehash: false, format: 'compact' });
        const serialized = eth.personalSignature({ message: m, signature, publicKey: w.compressed });
        assert.equal(ethers.verifyMessage(m, serialized), w.address);
        const recoverable = eth.toRecoverableSignature({ hash, signature, publicKey: w.compressed });
        const theirs = ethers.Signature.from(w.signingKey.sign(hash));
        assert.deepEqual(recoverable, { r: BigInt(theirs.r), s: BigInt(theirs.s), yParity: theirs.yParity });
        assert.equal(eth.serializeSignature(recoverable), theirs.serialized);
      }),
      params(30),
    );
  });

  test('toRecoverableSignature, personalSignature, serializeSignature, assertRecoverableSignature: mutated and hostile values are refused typed', () => {
    fc.assert(
      fc.property(
        wallet.chain((w) => {
          const hash = new Uint8Array(32).fill(7);
          const signature = secp256k1.sign(hash, w.secret, { prehash: false, format: 'compact' });
          return fc.record({
            hash: fc.oneof(fc.constant(hash), mutateBytes(hash), hostile),
            signature: fc.oneof(mutateBytes(signature), hostile),
            publicKey: fc.oneof(fc.constant(w.compressed), hostile),
          });
        }),
        fc.record({ r: fc.oneof(u256, hostile), s: fc.oneof(u256, hostile), yParity: fc.oneof(fc.constantFrom(0, 1), hostile) }),
        hostile,
        (args, parts, junk) => {
          const mine = ours(() => eth.toRecoverableSignature(args as never));
          if (mine.ok) {
            const { hash, publicKey } = args as { hash: Uint8Array; publicKey: Uint8Array };
            const sig = ethers.Signature.from({
              r: ethers.toBeHex(mine.value.r, 32),
              s: ethers.toBeHex(mine.value.s, 32),
              yParity: mine.value.yParity,
            });
            assert.equal(ethers.recoverAddress(hash, sig), eth.publicKeyToAddress(publicKey));
          }
          ours(() => eth.toRecoverableSignature(junk as never));
          ours(() => eth.personalSignature({ message: 'm', ...(args as object) } as never));
          ours(() => eth.personalSignature(junk as never));
          const serialized = ours(() => eth.serializeSignature(parts as never));
          agrees(
            serialized,
            reference(
              () =>
                ethers.Signature.from({
                  r: ethers.toBeHex(parts.r as bigint, 32),
                  s: ethers.toBeHex(parts.s as bigint, 32),
                  yParity: parts.yParity as 0 | 1,
                }).serialized,
            ),
            (a, b) => assert.equal(a, b),
          );
          ours(() => eth.serializeSignature(junk as never));
          ours(() => eth.assertRecoverableSignature(junk as never));
        },
      ),
      params(150),
    );
  });
});
