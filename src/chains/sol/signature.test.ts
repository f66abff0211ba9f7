import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import {
  getBase64EncodedWireTransaction,
  getCompiledTransactionMessageDecoder,
  getSignatureFromTransaction,
  getTransactionDecoder,
} from '@solana/kit';
import { addressToBytes, publicKeyToAddress } from './address.ts';
import { InvalidSignatureError, InvalidTransactionError } from './errors.ts';
import { attachSignature } from './signature.ts';
import { compileSolTransferMessage, compileSplTransferMessage } from './transaction.ts';

const trust = JSON.parse(readFileSync(new URL('../../../test/vectors/sol/trustwallet-transactions.json', import.meta.url), 'utf8')) as {
  transferSerializeTransaction: {
    from: string;
    to: string;
    lamports: string;
    recentBlockhash: string;
    signature: string;
    transactionBase58: string;
  };
  transferTokenTransaction3vZ67C: { signature: string; transactionBase58: string };
};

const SEED = new Uint8Array(32).fill(7);
const PUBLIC = ed25519.getPublicKey(SEED);
const FROM = publicKeyToAddress(PUBLIC);
const TO = publicKeyToAddress(ed25519.getPublicKey(new Uint8Array(32).fill(9)));
const BLOCKHASH = 'EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N';
const MESSAGE = compileSolTransferMessage({ from: FROM, to: TO, lamports: 1_234_567n, recentBlockhash: BLOCKHASH });

describe('attachSignature', () => {
  test('Trust Wallet TransferSerializeTransaction: a real signature attaches to the exact transaction', () => {
    const vector = trust.transferSerializeTransaction;
    const messageBytes = compileSolTransferMessage({
      from: vector.from,
      to: vector.to,
      lamports: BigInt(vector.lamports),
      recentBlockhash: vector.recentBlockhash,
    });
    const signed = attachSignature({ messageBytes, signature: base58.decode(vector.signature) });
    assert.equal(base58.encode(signed.transactionBytes), vector.transactionBase58);
    assert.equal(signed.signature, vector.signature);
  });

  test('mainnet transaction 3vZ67C…: attaching its signature to its message rebuilds it exactly', () => {
    const vector = trust.transferTokenTransaction3vZ67C;
    const wire = base58.decode(vector.transactionBase58);
    const { messageBytes } = getTransactionDecoder().decode(wire);
    const signed = attachSignature({ messageBytes: Uint8Array.from(messageBytes), signature: base58.decode(vector.signature) });
    assert.deepEqual(signed.transactionBytes, wire);
    assert.equal(signed.signature, vector.signature);
  });

  test('exact wire transaction for a fixed key; kit decodes it and noble verifies it', () => {
    const signature = ed25519.sign(MESSAGE, SEED); // RFC 8032 signing is deterministic
    const signed = attachSignature({ messageBytes: MESSAGE, signature });
    // compact-u16 count 1 ‖ signature ‖ message
    assert.deepEqual(signed.transactionBytes, Uint8Array.from([1, ...signature, ...MESSAGE]));
    assert.equal(signed.signature, '52xyfyEf8pEVumALmz4U311pLyLfg2eSxxK9iRpRjPFcadKghddC3Zof13ZNDan9KbR5QAUDc8rpyR8Jox1cRyBy');
    assert.equal(
      signed.wireTransaction,
      'AcnDPGj1mzgz6J44G8YzS1ifGUqcLjcDg8eEfYFxF2sBrxdCnai3rO59R/P84agoodqhjt5SAmry4tGsH/SD0QwBAAED6kpsY+KcUgq+9VB7Ey7F+ZVHdq6+' +
        'vnuSQh7qaRRG0iz9FyQ4WqDHW2T7eM1gL6HZkf3r92sTxY7XAurINen2GAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAzEkOkozS44c7s0P8ldoz' +
        'F5ymD02/RsLDbpEpnVXU5rkBAgIAAQwCAAAAh9YSAAAAAAA=',
    );

    const decoded = getTransactionDecoder().decode(signed.transactionBytes);
    assert.deepEqual(Uint8Array.from(decoded.messageBytes), MESSAGE);
    assert.deepEqual(Object.keys(decoded.signatures), [FROM]);
    assert.deepEqual(Uint8Array.from(decoded.signatures[FROM as keyof typeof decoded.signatures]!), signature);
    // kit's own encoders (Node's Buffer base64, its base58) agree with ours.
    assert.equal(getBase64EncodedWireTransaction(decoded), signed.wireTransaction);
    assert.equal(getSignatureFromTransaction(decoded), signed.signature);
    assert.equal(ed25519.verify(signature, Uint8Array.from(decoded.messageBytes), addressToBytes(FROM)), true);
  });

  test('random messages and keys: noble verifies the attached signature over the compiled bytes (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.bigInt({ min: 1n, max: (1n << 64n) - 1n }),
        fc.boolean(),
        (seed, recipientSeed, amount, token) => {
          const from = publicKeyToAddress(ed25519.getPublicKey(seed));
          const to = publicKeyToAddress(ed25519.getPublicKey(recipientSeed));
          const messageBytes = token
            ? compileSplTransferMessage({
                from,
                to,
                mint: TO,
                amount,
                decimals: 9,
                recentBlockhash: BLOCKHASH,
                createRecipientAccount: true,
              })
            : compileSolTransferMessage({ from, to, lamports: amount, recentBlockhash: BLOCKHASH });
          const signed = attachSignature({ messageBytes, signature: ed25519.sign(messageBytes, seed) });
          const decoded = getTransactionDecoder().decode(signed.transactionBytes);
          const compiled = getCompiledTransactionMessageDecoder().decode(decoded.messageBytes);
          assert.equal(compiled.staticAccounts[0], from);
          assert.equal(ed25519.verify(base58.decode(signed.signature), Uint8Array.from(decoded.messageBytes), addressToBytes(from)), true);
        },
      ),
      { numRuns: 30 },
    );
  });

  test('refuses a signature by another key, of another message, or of the wrong length', () => {
    const other = new Uint8Array(32).fill(8);
    const cases: ReadonlyArray<[Uint8Array, string]> = [
      [ed25519.sign(MESSAGE, other), `does not verify over the message for fee payer ${FROM}`],
      [ed25519.sign(MESSAGE.subarray(1), SEED), `does not verify over the message for fee payer ${FROM}`],
      [new Uint8Array(64), `does not verify over the message for fee payer ${FROM}`],
      [ed25519.sign(MESSAGE, SEED).subarray(0, 63), 'expected 64 bytes, got 63'],
    ];
    for (const [signature, details] of cases) {
      assert.throws(
        () => attachSignature({ messageBytes: MESSAGE, signature }),
        (error: unknown) =>
          error instanceof InvalidSignatureError && error.details === details && error.signature === bytesToHex(signature),
      );
    }
  });

  test('verifySignature: false attaches a wrong 64-byte signature unchecked, still refusing a wrong length', () => {
    const good = ed25519.sign(MESSAGE, SEED);
    const wrong = ed25519.sign(MESSAGE, new Uint8Array(32).fill(8));
    assert.deepEqual(
      attachSignature({ messageBytes: MESSAGE, signature: good, verifySignature: false }),
      attachSignature({ messageBytes: MESSAGE, signature: good }),
    );
    assert.equal(attachSignature({ messageBytes: MESSAGE, signature: wrong, verifySignature: false }).signature, base58.encode(wrong));
    assert.throws(
      () => attachSignature({ messageBytes: MESSAGE, signature: wrong.subarray(0, 63), verifySignature: false }),
      (error: unknown) => error instanceof InvalidSignatureError && error.details === 'expected 64 bytes, got 63',
    );
  });

  test("refuses a non-canonical signature (s ≥ ℓ), as the runtime's strict verification does", () => {
    const signature = ed25519.sign(MESSAGE, SEED);
    const ell = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]);
    const malleated = Uint8Array.from(signature);
    let sPlusEll = s + ell;
    for (let i = 0; i < 32; i++) {
      malleated[32 + i] = Number(sPlusEll & 0xffn);
      sPlusEll >>= 8n;
    }
    assert.throws(() => attachSignature({ messageBytes: MESSAGE, signature: malleated }), InvalidSignatureError);
  });

  test('refuses message bytes that are not a one-signer message', () => {
    assert.throws(
      () => attachSignature({ messageBytes: new Uint8Array([1, 2, 3]), signature: new Uint8Array(64) }),
      (error: unknown) => error instanceof InvalidTransactionError && error.field === 'messageBytes',
    );
    const twoSigners = Uint8Array.from(MESSAGE);
    twoSigners[0] = 2; // header: two required signatures
    assert.throws(
      () => attachSignature({ messageBytes: twoSigners, signature: ed25519.sign(twoSigners, SEED) }),
      (error: unknown) =>
        error instanceof InvalidTransactionError && error.details === 'expected exactly one required signature, the message asks for 2',
    );
  });
});
