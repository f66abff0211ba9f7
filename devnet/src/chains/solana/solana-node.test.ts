import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  compileTransactionMessage,
  createSolanaRpc,
  createTransactionMessage,
  appendTransactionMessageInstructions,
  blockhash as toBlockhash,
  getCompiledTransactionMessageEncoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  type KeyPairSigner,
  type Signature,
} from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';

import { fromBase58, toBase58, toBase64 } from './encoding.ts';
import { startSolanaNode, type SolanaNode } from './index.ts';
import type { Json } from './json.ts';
import { rpcBody, rpcCall, rpcResult, seededSigner, signedTransfer, waitForStatus, type SignedTransaction } from './solana-test-utils.ts';

const SENDER = 'AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9'; // ed25519 key of seed 0x01 x 32
const RECIPIENT = '9hSR6S7WPtxmTojgo6GG3k4yDPecgJY292j7xrsUGWBu'; // of seed 0x02 x 32
const UNFUNDED = 'GyGKxMyg1p9SsHfm15MkNUu1u9TN2JtTspcdmrtGUdse'; // of seed 0x03 x 32
const SYSTEM_PROGRAM = '11111111111111111111111111111111';
// litesvm's first blockhash, the same on every start.
const GENESIS_BLOCKHASH = 'CmpNeggWJ4JaWJeJ8YKN1Zypmk7uvQq3PECGUCAEMbky';
const TRANSFER_LOGS = ['Program 11111111111111111111111111111111 invoke [1]', 'Program 11111111111111111111111111111111 success'];

// Members of a preflight failure's data that agave 4 leaves null.
const PREFLIGHT_NULLS = {
  accounts: null,
  innerInstructions: null,
  loadedAddresses: null,
  postBalances: null,
  postTokenBalances: null,
  preBalances: null,
  preTokenBalances: null,
  replacementBlockhash: null,
};
// What a simulation reports when nothing ran.
const NOT_EXECUTED = { fee: null, loadedAccountsDataSize: 0, logs: [], returnData: null, unitsConsumed: 0 };

function errorOf(response: Json): Json {
  return (response as { error: Json }).error;
}

describe('startSolanaNode', () => {
  let node: SolanaNode;
  let sender: KeyPairSigner;
  let unfunded: KeyPairSigner;
  let url: string;
  const call = (method: string, params?: Json): Promise<Json> => rpcCall({ url, method, params });
  const result = (method: string, params?: Json): Promise<Json> => rpcResult({ url, method, params });
  const balance = async (address: string): Promise<Json> => ((await result('getBalance', [address])) as { value: Json }).value;
  const latestBlockhash = async (): Promise<string> =>
    ((await result('getLatestBlockhash')) as { value: { blockhash: string } }).value.blockhash;

  before(async () => {
    node = await startSolanaNode();
    url = node.url;
    sender = await seededSigner(1);
    unfunded = await seededSigner(3);
  });
  after(async () => {
    await node?.stop();
  });

  test('serves node information on 127.0.0.1 from slot 0', async () => {
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const rpc = createSolanaRpc(url);
    assert.equal(await rpc.getHealth().send(), 'ok');
    assert.deepEqual(await rpc.getVersion().send(), { 'feature-set': node.chain.featureSetId, 'solana-core': '4.3.0' });
    assert.equal(await rpc.getSlot().send(), 0n);
    assert.equal(await rpc.getBlockHeight().send(), 0n);
    assert.equal(await rpc.getGenesisHash().send(), GENESIS_BLOCKHASH);
    assert.deepEqual(await rpc.getLatestBlockhash().send(), {
      context: { apiVersion: '4.3.0', slot: 0n },
      value: { blockhash: GENESIS_BLOCKHASH, lastValidBlockHeight: 150n },
    });
    // Rent-exempt minimum: (128 + data length) x 6,960 lamports per byte.
    assert.equal(await rpc.getMinimumBalanceForRentExemption(0n).send(), 890_880n);
    assert.equal(await rpc.getMinimumBalanceForRentExemption(165n).send(), 2_039_280n);
    assert.deepEqual(await rpc.getEpochInfo().send(), {
      absoluteSlot: 0n,
      blockHeight: 0n,
      epoch: 0n,
      slotIndex: 0n,
      slotsInEpoch: 32n,
      transactionCount: 0n,
    });
    const health = await fetch(`${url}/health`);
    assert.equal(await health.text(), 'ok');
  });

  test('round trip: an airdrop, then a SOL transfer signed with @solana/kit', async () => {
    const rpc = createSolanaRpc(url);
    assert.equal(sender.address, SENDER);
    const airdrop = await rpc.requestAirdrop(sender.address, lamports(2_000_000_000n)).send();
    assert.deepEqual(await waitForStatus({ url, signature: airdrop }), {
      confirmationStatus: 'finalized',
      confirmations: null,
      err: null,
      slot: 0,
      status: { Ok: null },
    });
    assert.equal((await rpc.getBalance(sender.address).send()).value, 2_000_000_000n);

    const { value: latest } = await rpc.getLatestBlockhash().send();
    assert.equal(latest.lastValidBlockHeight, 151n); // issued at block height 1
    const transfer = await signedTransfer({ from: sender, to: RECIPIENT, amount: 500_000_000n, blockhash: latest.blockhash });
    const signature = await rpc.sendTransaction(transfer.base64 as never, { encoding: 'base64' }).send();
    assert.equal(signature, transfer.signature);
    assert.deepEqual(await waitForStatus({ url, signature }), {
      confirmationStatus: 'finalized',
      confirmations: null,
      err: null,
      slot: 1,
      status: { Ok: null },
    });
    assert.equal((await rpc.getBalance(sender.address).send()).value, 1_499_995_000n); // minus the 5,000-lamport fee
    assert.equal((await rpc.getBalance(RECIPIENT as never).send()).value, 500_000_000n);
    assert.equal(await rpc.getSlot().send(), 2n);

    const landed = await rpc.getTransaction(signature as Signature, { encoding: 'json', maxSupportedTransactionVersion: 0 }).send();
    assert.ok(landed);
    assert.equal(landed.slot, 1n);
    assert.equal(landed.version, 0);
    assert.equal(typeof landed.blockTime, 'bigint');
    assert.deepEqual(landed.meta, {
      computeUnitsConsumed: 150n,
      err: null,
      fee: 5_000n,
      innerInstructions: [],
      loadedAddresses: { readonly: [], writable: [] },
      logMessages: TRANSFER_LOGS,
      postBalances: [1_499_995_000n, 500_000_000n, 1n],
      postTokenBalances: [],
      preBalances: [2_000_000_000n, 0n, 1n],
      preTokenBalances: [],
      rewards: [],
      status: { Ok: null },
    });
    assert.deepEqual(landed.transaction, {
      message: {
        accountKeys: [SENDER, RECIPIENT, SYSTEM_PROGRAM],
        addressTableLookups: [],
        header: { numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1, numRequiredSignatures: 1 },
        instructions: [{ accounts: [0, 1], data: '3Bxs3zvX19cRxrhM', programIdIndex: 2, stackHeight: null }],
        recentBlockhash: latest.blockhash,
      },
      signatures: [signature],
    });
  });

  test('sends base58, the default encoding, and legacy messages', async () => {
    const before = (await balance(RECIPIENT)) as number;
    const transfer = await signedTransfer({
      from: sender,
      to: RECIPIENT,
      amount: 1n,
      blockhash: await latestBlockhash(),
      version: 'legacy',
    });
    assert.equal(await result('sendTransaction', [transfer.base58]), transfer.signature);
    assert.equal(await balance(RECIPIENT), before + 1);
    const landed = (await result('getTransaction', [transfer.signature, 'base64'])) as { transaction: Json; version?: Json };
    assert.deepEqual(landed.transaction, [transfer.base64, 'base64']);
    assert.equal(landed.version, undefined); // only with maxSupportedTransactionVersion
  });

  test('rejects a forged signature in preflight; without preflight it never lands', async () => {
    const senderBefore = await balance(SENDER);
    const transfer = await signedTransfer({ from: sender, to: RECIPIENT, amount: 7n, blockhash: await latestBlockhash() });
    const forged = Uint8Array.from(transfer.bytes);
    forged[1] = (forged[1] as number) ^ 0x01; // first signature byte
    // agave 4 (anza-xyz/agave#8185): a preflight failure, no longer error -32003.
    assert.deepEqual(await call('sendTransaction', [toBase64(forged), { encoding: 'base64' }]), {
      jsonrpc: '2.0',
      error: {
        code: -32002,
        message: 'Transaction simulation failed: Transaction did not pass signature verification',
        data: { ...PREFLIGHT_NULLS, ...NOT_EXECUTED, err: 'SignatureFailure' },
      },
      id: 1,
    });
    const forgedSignature = toBase58(forged.subarray(1, 65));
    assert.equal(await result('sendTransaction', [toBase64(forged), { encoding: 'base64', skipPreflight: true }]), forgedSignature);
    assert.deepEqual(await result('getSignatureStatuses', [[forgedSignature, transfer.signature]]), {
      context: { apiVersion: '4.3.0', slot: Number(node.chain.slot) },
      value: [null, null],
    });
    assert.equal(await balance(SENDER), senderBefore);
  });

  test('rejects an unfunded transfer with the simulation logs; without preflight it lands failed and pays the fee', async () => {
    const senderBefore = (await balance(SENDER)) as number;
    const transfer = await signedTransfer({
      from: sender,
      to: RECIPIENT,
      amount: 10_000_000_000n,
      blockhash: await latestBlockhash(),
    });
    const failure = {
      err: { InstructionError: [0, { Custom: 1 }] }, // SystemError::ResultWithNegativeLamports
      logs: [
        'Program 11111111111111111111111111111111 invoke [1]',
        `Transfer: insufficient lamports ${senderBefore - 5_000}, need 10000000000`,
        'Program 11111111111111111111111111111111 failed: custom program error: 0x1',
      ],
    };
    assert.deepEqual(await call('sendTransaction', [transfer.base64, { encoding: 'base64' }]), {
      jsonrpc: '2.0',
      error: {
        code: -32002,
        message: 'Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1',
        data: {
          ...PREFLIGHT_NULLS,
          ...failure,
          fee: 5_000,
          // sender and recipient (no data) and the system program, whose data
          // is its name "solana_system_program": 64 bytes each on top of data
          loadedAccountsDataSize: 3 * 64 + 21,
          returnData: null,
          unitsConsumed: 150,
        },
      },
      id: 1,
    });
    assert.equal(await balance(SENDER), senderBefore);

    const signature = await result('sendTransaction', [transfer.base64, { encoding: 'base64', skipPreflight: true }]);
    assert.equal(signature, transfer.signature);
    const status = (await waitForStatus({ url, signature: transfer.signature })) as { [key: string]: Json };
    assert.deepEqual(status.err, failure.err);
    assert.deepEqual(status.status, { Err: failure.err });
    assert.equal(await balance(SENDER), senderBefore - 5_000);
    const landed = (await result('getTransaction', [transfer.signature, { maxSupportedTransactionVersion: 0 }])) as {
      meta: { [key: string]: Json };
    };
    assert.deepEqual(landed.meta.err, failure.err);
    assert.deepEqual(landed.meta.logMessages, failure.logs);
    assert.equal(landed.meta.fee, 5_000);
    assert.deepEqual(landed.meta.preBalances, [senderBefore, await balance(RECIPIENT), 1]);
    assert.deepEqual(landed.meta.postBalances, [senderBefore - 5_000, await balance(RECIPIENT), 1]);
  });

  test('rejects an unknown blockhash, an unfunded fee payer and a replay with the preflight error', async () => {
    const notExecuted = { ...PREFLIGHT_NULLS, ...NOT_EXECUTED };
    const stale = await signedTransfer({ from: sender, to: RECIPIENT, amount: 9n, blockhash: toBase58(new Uint8Array(32).fill(7)) });
    assert.deepEqual(errorOf(await call('sendTransaction', [stale.base64, { encoding: 'base64' }])), {
      code: -32002,
      message: 'Transaction simulation failed: Blockhash not found',
      data: { ...notExecuted, err: 'BlockhashNotFound' },
    });
    // Without preflight the cluster drops it: the signature never gets a status.
    assert.equal(await result('sendTransaction', [stale.base64, { encoding: 'base64', skipPreflight: true }]), stale.signature);
    assert.deepEqual(((await result('getSignatureStatuses', [[stale.signature]])) as { value: Json }).value, [null]);

    const poor = await signedTransfer({ from: unfunded, to: RECIPIENT, amount: 1n, blockhash: await latestBlockhash() });
    assert.deepEqual(errorOf(await call('sendTransaction', [poor.base64, { encoding: 'base64' }])), {
      code: -32002,
      message: 'Transaction simulation failed: Attempt to debit an account but found no record of a prior credit.',
      data: { ...notExecuted, err: 'AccountNotFound' },
    });

    const once = await signedTransfer({ from: sender, to: RECIPIENT, amount: 11n, blockhash: await latestBlockhash() });
    assert.equal(await result('sendTransaction', [once.base64, { encoding: 'base64' }]), once.signature);
    assert.deepEqual(errorOf(await call('sendTransaction', [once.base64, { encoding: 'base64' }])), {
      code: -32002,
      message: 'Transaction simulation failed: This transaction has already been processed',
      data: { ...notExecuted, err: 'AlreadyProcessed' },
    });
  });

  test('rejects malformed transaction data with the decoder errors', async () => {
    const send = async (params: Json): Promise<Json> => errorOf(await call('sendTransaction', params));
    assert.deepEqual(await send(['AAAA', { encoding: 'base64' }]), {
      code: -32602,
      message: 'failed to deserialize solana_transaction::versioned::VersionedTransaction: io error: unexpected end of file',
    });
    assert.deepEqual(await send(['!!!!', { encoding: 'base64' }]), {
      code: -32602,
      message: 'invalid base64 encoding: InvalidByte(0, 33)',
    });
    assert.deepEqual(await send(['0OIl']), {
      code: -32602,
      message: "invalid base58 encoding: InvalidCharacter { character: '0', index: 0 }",
    });
    assert.deepEqual(await send(['AAAA', { encoding: 'json' }]), {
      code: -32602,
      message: 'unsupported encoding: json. Supported encodings: base58, base64',
    });
    assert.deepEqual(await send(['A'.repeat(1648), { encoding: 'base64' }]), {
      code: -32602,
      message: 'base64 encoded solana_transaction::versioned::VersionedTransaction too large: 1648 bytes (max: encoded/raw 1644/1232)',
    });
    // A well-formed message whose signature was stripped.
    const transfer = await signedTransfer({ from: sender, to: RECIPIENT, amount: 3n, blockhash: await latestBlockhash() });
    const unsigned = Uint8Array.of(0, ...transfer.bytes.subarray(65));
    assert.deepEqual(await send([toBase64(unsigned), { encoding: 'base64' }]), {
      code: -32602,
      message: 'invalid transaction: Transaction failed to sanitize accounts offsets correctly',
    });
  });

  test('simulates unsigned transactions, returns post-simulation accounts and replaces the blockhash', async () => {
    const transfer = await signedTransfer({ from: sender, to: RECIPIENT, amount: 1_000n, blockhash: GENESIS_BLOCKHASH });
    const unsigned = Uint8Array.from(transfer.bytes);
    unsigned.fill(0, 1, 65); // what a wallet simulates before asking for a signature
    const recipientBefore = (await balance(RECIPIENT)) as number;
    const senderBefore = (await balance(SENDER)) as number;
    const simulated = (await result('simulateTransaction', [
      toBase64(unsigned),
      { encoding: 'base64', replaceRecentBlockhash: true, accounts: { addresses: [RECIPIENT], encoding: 'base64' } },
    ])) as { context: Json; value: { [key: string]: Json } };
    const latest = (await result('getLatestBlockhash')) as { value: Json };
    assert.deepEqual(simulated.value, {
      accounts: [
        {
          data: ['', 'base64'],
          executable: false,
          lamports: recipientBefore + 1_000,
          owner: SYSTEM_PROGRAM,
          rentEpoch: 18_446_744_073_709_551_615n,
          space: 0,
        },
      ],
      err: null,
      fee: 5_000,
      innerInstructions: null,
      loadedAccountsDataSize: 3 * 64 + 21,
      loadedAddresses: { readonly: [], writable: [] },
      logs: TRANSFER_LOGS,
      postBalances: [senderBefore - 1_000 - 5_000, recipientBefore + 1_000, 1],
      postTokenBalances: [],
      preBalances: [senderBefore, recipientBefore, 1],
      preTokenBalances: [],
      replacementBlockhash: latest.value,
      returnData: null,
      unitsConsumed: 150,
    });
    assert.equal(await balance(RECIPIENT), recipientBefore); // nothing committed

    // sigVerify: the bad signature is the simulation's error (agave 4), not an RPC error.
    const unverified = (await result('simulateTransaction', [
      toBase64(unsigned),
      { encoding: 'base64', sigVerify: true, innerInstructions: true, accounts: { addresses: [RECIPIENT] } },
    ])) as { value: Json };
    assert.deepEqual(unverified.value, {
      ...NOT_EXECUTED,
      accounts: [null],
      err: 'SignatureFailure',
      innerInstructions: [],
      loadedAddresses: { readonly: [], writable: [] },
      postBalances: null,
      postTokenBalances: null,
      preBalances: null,
      preTokenBalances: null,
      replacementBlockhash: null,
    });
    assert.deepEqual(
      errorOf(
        await call('simulateTransaction', [toBase64(unsigned), { encoding: 'base64', sigVerify: true, replaceRecentBlockhash: true }]),
      ),
      { code: -32602, message: 'sigVerify may not be used with replaceRecentBlockhash' },
    );
    // Unreplaced, the genesis blockhash still works: it is less than 150 blocks old.
    const unreplaced = (await result('simulateTransaction', [toBase64(unsigned), { encoding: 'base64' }])) as {
      value: { err: Json; replacementBlockhash: Json };
    };
    assert.equal(unreplaced.value.err, null);
    assert.equal(unreplaced.value.replacementBlockhash, null);
  });

  test('getFeeForMessage quotes what the bank then charges, prioritization fee included', async () => {
    const blockhash = await latestBlockhash();
    // SetComputeUnitPrice(1,000,000 micro-lamports) over the default 2 x 3,000 CUs.
    const price = {
      programAddress: 'ComputeBudget111111111111111111111111111111' as never,
      data: Uint8Array.of(3, 0x40, 0x42, 0x0f, 0, 0, 0, 0, 0),
    };
    const message = pipe(
      createTransactionMessage({ version: 0 }),
      (m) => setTransactionMessageFeePayerSigner(sender, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: toBlockhash(blockhash), lastValidBlockHeight: 0n }, m),
      (m) =>
        appendTransactionMessageInstructions(
          [price, getTransferSolInstruction({ source: sender, destination: RECIPIENT as never, amount: lamports(5n) })],
          m,
        ),
    );
    const messageBytes = Uint8Array.from(getCompiledTransactionMessageEncoder().encode(compileTransactionMessage(message)));
    assert.deepEqual(await result('getFeeForMessage', [toBase64(messageBytes)]), {
      context: { apiVersion: '4.3.0', slot: Number(node.chain.slot) },
      value: 11_000,
    });

    const transfer: SignedTransaction = await signedTransfer({ from: sender, to: RECIPIENT, amount: 5n, blockhash, before: [price] });
    const senderBefore = (await balance(SENDER)) as number;
    await result('sendTransaction', [transfer.base64, { encoding: 'base64' }]);
    const landed = (await result('getTransaction', [transfer.signature, { maxSupportedTransactionVersion: 0 }])) as {
      meta: { fee: Json };
    };
    assert.equal(landed.meta.fee, 11_000);
    assert.equal(await balance(SENDER), senderBefore - 5 - 11_000);

    const unknown = Uint8Array.from(messageBytes);
    // v0 message: version byte, 3 header bytes, key count, keys, then the blockhash.
    unknown.set(new Uint8Array(32).fill(9), 1 + 3 + 1 + (messageBytes[4] as number) * 32);
    assert.deepEqual(((await result('getFeeForMessage', [toBase64(unknown)])) as { value: Json }).value, null);
  });

  test('answers bad params, unknown methods and malformed JSON as the real node does', async () => {
    assert.deepEqual(errorOf(await call('getBalance', [])), {
      code: -32602,
      message: '`params` should have at least 1 argument(s)',
    });
    assert.deepEqual(errorOf(await call('getBalance', ['0OIl'])), { code: -32602, message: 'Invalid param: Invalid' });
    assert.deepEqual(errorOf(await call('getBalance', ['abc'])), { code: -32602, message: 'Invalid param: WrongSize' });
    assert.deepEqual(errorOf(await call('getBalance', [1])), {
      code: -32602,
      message: 'Invalid params: invalid type: integer `1`, expected a string.',
    });
    assert.deepEqual(errorOf(await call('getBalance', [SENDER, { commitment: 'bogus' }])), {
      code: -32602,
      message: 'Invalid params: unknown variant `bogus`, expected one of `processed`, `confirmed`, `finalized`.',
    });
    assert.deepEqual(errorOf(await call('getBalance', [SENDER, {}, 3])), {
      code: -32602,
      message: 'Invalid parameters: Expected from 1 to 2 parameters.',
      data: '"Got: 3"',
    });
    assert.deepEqual(errorOf(await call('getBalance', { pubkey: SENDER })), {
      code: -32602,
      message: '`params` should be an array',
    });
    assert.deepEqual(errorOf(await call('getBalance', [SENDER, { minContextSlot: 1_000_000 }])), {
      code: -32016,
      message: 'Minimum context slot has not been reached',
      data: { contextSlot: Number(node.chain.slot) },
    });
    assert.deepEqual(errorOf(await call('getHealth', [1])), {
      code: -32602,
      message: 'Invalid parameters: No parameters were expected',
      data: 'Array([Number(1)])',
    });
    assert.deepEqual(errorOf(await call('requestAirdrop', [SENDER, -1])), {
      code: -32602,
      message: 'Invalid params: invalid value: integer `-1`, expected u64.',
    });
    assert.deepEqual(errorOf(await call('getSignatureStatuses', ['x'])), {
      code: -32602,
      message: 'Invalid params: invalid type: string "x", expected a sequence.',
    });
    assert.deepEqual(errorOf(await call('getMinimumBalanceForRentExemption', [10 * 1024 * 1024 + 1])), {
      code: -32600,
      message: 'Invalid request',
    });
    assert.deepEqual(errorOf(await call('getTransaction', ['1'.repeat(64), { commitment: 'processed' }])), {
      code: -32602,
      message: 'Method does not support commitment below `confirmed`',
    });
    assert.deepEqual(await call('getBlockProduction', []), {
      jsonrpc: '2.0',
      error: { code: -32601, message: 'Method not found' },
      id: 1,
    });
    assert.deepEqual(await rpcBody({ url, body: '{"jsonrpc":"2.0","id":1,"method":' }), {
      jsonrpc: '2.0',
      error: { code: -32700, message: 'Parse error' },
      id: null,
    });
    assert.deepEqual(await rpcBody({ url, body: '{"jsonrpc":"1.0","id":4,"method":"getHealth"}' }), {
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid request' },
      id: 4,
    });
    assert.deepEqual(
      await rpcBody({
        url,
        body: '[{"jsonrpc":"2.0","id":"a","method":"getHealth"},{"jsonrpc":"2.0","method":"getHealth"},{"jsonrpc":"2.0","id":2,"method":"nope"}]',
      }),
      [
        { jsonrpc: '2.0', result: 'ok', id: 'a' },
        { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 2 },
      ],
    );
    const plain = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    assert.equal(plain.status, 415);
    await plain.arrayBuffer();
    assert.equal(await result('getHealth'), 'ok'); // still serving
  });

  test('asks for maxSupportedTransactionVersion before showing a v0 transaction', async () => {
    const transfer = await signedTransfer({ from: sender, to: RECIPIENT, amount: 13n, blockhash: await latestBlockhash() });
    await result('sendTransaction', [transfer.base64, { encoding: 'base64' }]);
    assert.deepEqual(errorOf(await call('getTransaction', [transfer.signature])), {
      code: -32015,
      message:
        'Transaction version (0) is not supported by the requesting client. Please try the request again with ' +
        'the following configuration parameter: "maxSupportedTransactionVersion": 0',
    });
    assert.equal(await result('getTransaction', [toBase58(new Uint8Array(64).fill(5))]), null);
  });

  test('getAccountInfo encodes accounts and refuses base58 of more than 128 bytes', async () => {
    const rpc = createSolanaRpc(url);
    const { value } = await rpc.getAccountInfo(SENDER as never, { encoding: 'base64' }).send();
    assert.ok(value);
    assert.deepEqual(
      { ...value, lamports: undefined },
      {
        data: ['', 'base64'],
        executable: false,
        lamports: undefined,
        owner: SYSTEM_PROGRAM,
        rentEpoch: 18_446_744_073_709_551_615n,
        space: 0n,
      },
    );
    assert.equal(value.lamports, BigInt((await balance(SENDER)) as number));
    assert.deepEqual(((await result('getAccountInfo', [UNFUNDED])) as { value: Json }).value, null);
    // SPL Token is an upgradeable program: its account points at its ProgramData.
    const program = (await result('getAccountInfo', ['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', { encoding: 'base64' }])) as {
      value: { data: [string, string]; executable: Json; owner: Json; space: Json };
    };
    assert.equal(program.value.executable, true);
    assert.equal(program.value.owner, 'BPFLoaderUpgradeab1e11111111111111111111111');
    assert.equal(program.value.space, 36);
    const programAccount = Uint8Array.from(atob(program.value.data[0]), (c) => c.charCodeAt(0));
    assert.deepEqual(programAccount.subarray(0, 4), Uint8Array.of(2, 0, 0, 0)); // UpgradeableLoaderState::Program
    const programData = toBase58(programAccount.subarray(4, 36));
    assert.deepEqual(errorOf(await call('getAccountInfo', [programData])), {
      code: -32600,
      message: 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.',
    });
    // ProgramData: 45 bytes of metadata (tag, slot, upgrade authority), then the ELF.
    const elf = (await result('getAccountInfo', [programData, { encoding: 'base64', dataSlice: { offset: 45, length: 4 } }])) as {
      value: { data: Json };
    };
    assert.deepEqual(elf.value.data, [toBase64(Uint8Array.of(0x7f, 0x45, 0x4c, 0x46)), 'base64']);
    assert.deepEqual(
      errorOf(await call('getAccountInfo', [programData, { encoding: 'jsonParsed', dataSlice: { offset: 0, length: 1 } }])),
      {
        code: -32600,
        message: 'Sliced account data can only be encoded using binary (base 58) or base64 encoding.',
      },
    );
  });
});

describe('startSolanaNode blockhash expiry', () => {
  test('a blockhash expires 150 blocks after it was issued', async () => {
    const node = await startSolanaNode();
    try {
      const sender = await seededSigner(1);
      const url = node.url;
      await rpcResult({ url, method: 'requestAirdrop', params: [SENDER, 1_000_000_000] });
      // Each landed transaction is one block: 143 more airdrops reach height 144.
      const airdrops = (count: number): void => {
        for (let i = 0; i < count; i++) {
          assert.ok(node.chain.airdrop({ to: fromBase58(UNFUNDED), lamports: 1_000_000n + BigInt(node.chain.slot) }));
        }
      };
      airdrops(143);
      assert.equal(node.chain.blockHeight, 144n);
      // Preflight accepts a blockhash up to 144 blocks old (150 minus 6 for forwarding).
      const inTime = await signedTransfer({ from: sender, to: RECIPIENT, amount: 1_000_000n, blockhash: GENESIS_BLOCKHASH });
      assert.equal(await rpcResult({ url, method: 'sendTransaction', params: [inTime.base58] }), inTime.signature);
      assert.equal(node.chain.blockHeight, 145n);
      const noPreflight = await signedTransfer({ from: sender, to: RECIPIENT, amount: 2_000_000n, blockhash: GENESIS_BLOCKHASH });
      assert.deepEqual(errorOf(await rpcCall({ url, method: 'sendTransaction', params: [noPreflight.base58] })), {
        code: -32002,
        message: 'Transaction simulation failed: Blockhash not found',
        data: { ...PREFLIGHT_NULLS, ...NOT_EXECUTED, err: 'BlockhashNotFound' },
      });
      // ...but a leader takes it until its lastValidBlockHeight, 150.
      airdrops(5);
      assert.equal(node.chain.blockHeight, 150n);
      assert.deepEqual(await rpcResult({ url, method: 'isBlockhashValid', params: [GENESIS_BLOCKHASH] }), {
        context: { apiVersion: '4.3.0', slot: 150 },
        value: true,
      });
      const params = [noPreflight.base58, { skipPreflight: true }];
      assert.equal(await rpcResult({ url, method: 'sendTransaction', params }), noPreflight.signature);
      assert.equal(((await waitForStatus({ url, signature: noPreflight.signature })) as { slot: Json }).slot, 150);
      assert.equal(node.chain.blockHeight, 151n);
      assert.deepEqual(await rpcResult({ url, method: 'isBlockhashValid', params: [GENESIS_BLOCKHASH] }), {
        context: { apiVersion: '4.3.0', slot: 151 },
        value: false,
      });
      const late = await signedTransfer({ from: sender, to: RECIPIENT, amount: 3_000_000n, blockhash: GENESIS_BLOCKHASH });
      assert.equal(await rpcResult({ url, method: 'sendTransaction', params: [late.base58, { skipPreflight: true }] }), late.signature);
      assert.equal(node.chain.blockHeight, 151n); // dropped
      assert.deepEqual(((await rpcResult({ url, method: 'getSignatureStatuses', params: [[late.signature]] })) as { value: Json }).value, [
        null,
      ]);
      assert.deepEqual(await rpcResult({ url, method: 'getEpochInfo' }), {
        absoluteSlot: 151,
        blockHeight: 151,
        epoch: 2, // warmup epochs: 32, 64, then 128 slots from slot 96
        slotIndex: 55,
        slotsInEpoch: 128,
        transactionCount: 151,
      });
    } finally {
      await node.stop();
    }
  });

  test('stop() closes the server; a second stop() is harmless', async () => {
    const node = await startSolanaNode();
    await node.stop();
    await node.stop();
    await assert.rejects(fetch(node.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
  });
});
