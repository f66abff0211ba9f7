import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { bytesToHex } from '@noble/hashes/utils.js';
import { getTransferSolInstruction } from '@solana-program/system';
import {
  appendTransactionMessageInstructions,
  blockhash,
  createKeyPairSignerFromPrivateKeyBytes,
  createTransactionMessage,
  getTransactionEncoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type TransactionSigner,
} from '@solana/kit';

import { toBase58 } from './encoding.ts';
import { computeMessageFee } from './fee.ts';
import { decodeMessage, decodeTransaction, findDuplicateKey, sanitizeTransaction, WireFormatError } from './wire.ts';

const PAYER_SEED = new Uint8Array(32).fill(1);
const PAYER = 'AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9'; // ed25519 public key of seed 0x01 x 32
const RECIPIENT = '9hSR6S7WPtxmTojgo6GG3k4yDPecgJY292j7xrsUGWBu'; // of seed 0x02 x 32
const BLOCKHASH = 'CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky';
const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111';

function computeBudget(data: number[]): { programAddress: never; data: Uint8Array } {
  return { programAddress: COMPUTE_BUDGET as never, data: Uint8Array.from(data) };
}

async function transfer({
  version,
  extra = [],
}: {
  version: 0 | 'legacy';
  extra?: ReturnType<typeof computeBudget>[];
}): Promise<{ bytes: Uint8Array; signer: TransactionSigner }> {
  const signer = await createKeyPairSignerFromPrivateKeyBytes(PAYER_SEED);
  const transferSol = getTransferSolInstruction({
    source: signer,
    destination: RECIPIENT as never,
    amount: lamports(1_500_000n),
  });
  const signed = await signTransactionMessageWithSigners(
    pipe(
      createTransactionMessage({ version }),
      (m) => setTransactionMessageFeePayerSigner(signer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash(BLOCKHASH), lastValidBlockHeight: 150n }, m),
      (m) => appendTransactionMessageInstructions([...extra, transferSol], m),
    ),
  );
  return { bytes: Uint8Array.from(getTransactionEncoder().encode(signed)), signer };
}

describe('decodeTransaction', () => {
  test('reads a v0 SOL transfer signed by @solana/kit field by field', async () => {
    const { bytes } = await transfer({ version: 0 });
    const decoded = decodeTransaction(bytes);
    assert.deepEqual(decoded.bytes, bytes);
    assert.equal(decoded.signatures.length, 1);
    assert.deepEqual(decoded.messageBytes, bytes.slice(65));
    const { message } = decoded;
    assert.equal(message.version, 0);
    assert.deepEqual(message.header, {
      numRequiredSignatures: 1,
      numReadonlySignedAccounts: 0,
      numReadonlyUnsignedAccounts: 1,
    });
    assert.deepEqual(message.staticAccountKeys.map(toBase58), [PAYER, RECIPIENT, '11111111111111111111111111111111']);
    assert.equal(toBase58(message.recentBlockhash), BLOCKHASH);
    // version byte, 3 header bytes, key count, 3 keys
    assert.equal(message.recentBlockhashOffset, 1 + 3 + 1 + 3 * 32);
    assert.equal(message.instructions.length, 1);
    assert.equal(message.instructions[0]?.programIdIndex, 2);
    assert.deepEqual(message.instructions[0]?.accounts, [0, 1]);
    // SystemInstruction::Transfer (u32 2) of 1,500,000 lamports (u64 LE)
    assert.equal(bytesToHex(message.instructions[0]?.data ?? new Uint8Array()), '0200000060e3160000000000');
    assert.deepEqual(message.addressTableLookups, []);
    assert.equal(sanitizeTransaction(decoded), undefined);
  });

  test('reads a legacy message and ignores trailing bytes, as bincode does', async () => {
    const { bytes } = await transfer({ version: 'legacy' });
    const decoded = decodeTransaction(Uint8Array.of(...bytes, 7, 7, 7));
    assert.deepEqual(decoded.bytes, bytes);
    assert.equal(decoded.message.version, 'legacy');
    assert.equal(decoded.message.recentBlockhashOffset, 3 + 1 + 3 * 32);
    assert.deepEqual(decodeMessage(decoded.messageBytes).messageBytes, decoded.messageBytes);
  });

  test('names the bincode failure of truncated and unknown-version data', async () => {
    const { bytes } = await transfer({ version: 0 });
    assert.throws(
      () => decodeTransaction(bytes.slice(0, 100)),
      (error: unknown) => error instanceof WireFormatError && error.reason === 'io error: unexpected end of file',
    );
    const versionOne = Uint8Array.from(bytes);
    versionOne[65] = 0x81;
    assert.throws(
      () => decodeTransaction(versionOne),
      (error: unknown) =>
        error instanceof WireFormatError && error.reason === 'invalid value: integer `1`, expected a valid transaction message version',
    );
  });
});

describe('sanitizeTransaction', () => {
  test('refuses missing or extra signatures and a fee payer used as a program', async () => {
    const { bytes } = await transfer({ version: 0 });
    const decoded = decodeTransaction(bytes);
    assert.equal(sanitizeTransaction({ ...decoded, signatures: [] }), 'index out of bounds');
    assert.equal(sanitizeTransaction({ ...decoded, signatures: [new Uint8Array(64), new Uint8Array(64)] }), 'invalid value');
    const instruction = decoded.message.instructions[0] as (typeof decoded.message.instructions)[0];
    const payerAsProgram = {
      ...decoded,
      message: { ...decoded.message, instructions: [{ ...instruction, programIdIndex: 0 }] },
    };
    assert.equal(sanitizeTransaction(payerAsProgram), 'index out of bounds');
    const outOfRange = {
      ...decoded,
      message: { ...decoded.message, instructions: [{ ...instruction, accounts: [0, 3] }] },
    };
    assert.equal(sanitizeTransaction(outOfRange), 'index out of bounds');
  });

  test('finds a duplicated account key', async () => {
    const { bytes } = await transfer({ version: 0 });
    const keys = decodeTransaction(bytes).message.staticAccountKeys;
    assert.equal(findDuplicateKey(keys), undefined);
    assert.equal(findDuplicateKey([...keys, keys[1] as Uint8Array]), 3);
  });
});

describe('computeMessageFee', () => {
  // The expected fees are those litesvm 1.5.0 charged for the same messages.
  test('charges 5,000 lamports a signature', async () => {
    const { bytes } = await transfer({ version: 0 });
    assert.equal(computeMessageFee(decodeTransaction(bytes).message), 5_000n);
  });

  test('adds the prioritization fee over the default limit: 3,000 CUs per builtin instruction', async () => {
    // SetComputeUnitPrice(1,000,000 micro-lamports): 2 builtins x 3,000 CUs x 1 lamport
    const price = computeBudget([3, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0]);
    const { bytes } = await transfer({ version: 0, extra: [price] });
    assert.equal(computeMessageFee(decodeTransaction(bytes).message), 11_000n);
  });

  test('rounds the prioritization fee up over an explicit limit', async () => {
    // SetComputeUnitLimit(10,000), SetComputeUnitPrice(333): ceil(3.33) = 4
    const limit = computeBudget([2, 0x10, 0x27, 0, 0]);
    const price = computeBudget([3, 0x4d, 0x01, 0, 0, 0, 0, 0, 0]);
    const { bytes } = await transfer({ version: 0, extra: [limit, price] });
    assert.equal(computeMessageFee(decodeTransaction(bytes).message), 5_004n);
  });
});
