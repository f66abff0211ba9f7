/**
 * The wallet's EVM and Solana flows on the devnet, end to end: the canister reads and broadcasts
 * through HTTPS outcalls that the devnet forwards for real (live mode) to its local chains, a
 * Hardhat EVM node and a LiteSVM Solana node on 127.0.0.1, with the canister's transform applied.
 *
 * Checked: ETH, an ERC-20 (deployed here from test/vectors/eth/test-token), SOL and an SPL token
 * sent and their balances read back from the nodes themselves; every signed ETH transaction
 * recovers (viem) to the caller's address; every SOL signature verifies (@noble/curves) under the
 * caller's key; 20 concurrent sends get 20 distinct consecutive nonces; and bad requests and bad
 * providers end in typed errors with the audit log unchanged (nothing signed).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketIc, type PocketIcServer } from '@dfinity/pic';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58, base64 } from '@scure/base';
import { recoverTransactionAddress } from 'viem';
import { startLocalChains, type LocalChains } from '../../devnet/src/chains/index.ts';
import { rpcResult, seededSigner, waitForStatus } from '../../devnet/src/chains/solana/solana-test-utils.ts';
import type { Json } from '../../devnet/src/chains/solana/json.ts';
import * as sol from '../../src/chains/sol/index.ts';
import { onDevnet, startServer } from '../support/pic.ts';
import { startMisbehavingProviders, type MisbehavingProviders } from '../support/providers.ts';
import { createSplMint, deployTestToken, evmRpc as evmRpcAt } from '../support/rpc-fixtures.ts';
import { ALICE, BOB, DEVNET_CONFIG, installWallet, ok, OPERATOR, walletBuild, type WalletActor } from '../support/wallet.ts';

const CHAIN_ID = 31337n;
const TOKEN_SUPPLY = 1_000_000_000n;

let server: PocketIcServer;
let pic: PocketIc;
let chains: LocalChains;
let providers: MisbehavingProviders;
let actor: WalletActor;

const evmRpc = (method: string, params: unknown[]) => evmRpcAt({ url: chains.evm.url, method, params });
const solRpc = (method: string, params?: Json) => rpcResult({ url: chains.solana.url, method, params });
const ethBalanceOf = async (address: string) => BigInt(await evmRpc('eth_getBalance', [address, 'latest']));
const tokenBalanceOf = async (token: string, owner: string) =>
  BigInt(await evmRpc('eth_call', [{ to: token, data: `0x70a08231${owner.slice(2).toLowerCase().padStart(64, '0')}` }, 'latest']));
const lamportsOf = async (address: string) => BigInt(((await solRpc('getBalance', [address])) as { value: number }).value);
const auditLength = async () => (await actor.audit_head()).length;
const instanceUrl = () => `${server.getUrl()}/instances/${(pic as unknown as { client: { instanceId: number } }).client.instanceId}`;
const post = (path: string) =>
  fetch(`${instanceUrl()}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

async function setEvmProviders(urls: string[]): Promise<void> {
  actor.setIdentity(OPERATOR);
  ok(await actor.admin_set_evm_chains([{ chain_id: CHAIN_ID, name: 'Hardhat', rpc_urls: urls }]));
  actor.setIdentity(ALICE);
}
async function setSolanaProviders(urls: string[]): Promise<void> {
  actor.setIdentity(OPERATOR);
  ok(await actor.admin_set_solana({ cluster: { localnet: null }, rpc_urls: urls }));
  actor.setIdentity(ALICE);
}

before(async () => {
  if (!onDevnet) return;
  // Build first: the build blocks this process, and an idle connection to the server would time out meanwhile.
  walletBuild();
  [chains, providers, server] = await Promise.all([startLocalChains(), startMisbehavingProviders(), startServer()]);
  pic = await PocketIc.create(server.getUrl());
  ({ actor } = await installWallet({
    pic,
    config: {
      ...DEVNET_CONFIG,
      evm_chains: [{ chain_id: CHAIN_ID, name: 'Hardhat', rpc_urls: [chains.evm.url] }],
      solana: { cluster: { localnet: null }, rpc_urls: [chains.solana.url] },
    },
  }));
  await post('auto_progress');
});
after(async () => {
  if (pic) await post('stop_progress');
  await pic?.tearDown();
  await server?.stop();
  await providers?.close();
  await chains?.stop();
});

describe('EVM through HTTPS outcalls', { skip: !onDevnet }, () => {
  let alice: string;
  let token: string;
  /** Hardhat account #1 (public test mnemonic), EIP-55. */
  let ETH_RECIPIENT: string;

  before(async () => {
    actor.setIdentity(ALICE);
    alice = ok(await actor.addresses()).eth;
    ETH_RECIPIENT = chains.evm.accounts[1].address;
    const funder = chains.evm.accounts[0].address;
    await evmRpc('eth_sendTransaction', [{ from: funder, to: alice, value: `0x${(10n ** 19n).toString(16)}` }]);
    token = await deployTestToken({ url: chains.evm.url, funder, holder: alice, supply: TOKEN_SUPPLY });
    actor.setIdentity(OPERATOR);
    ok(await actor.admin_add_token({ evm: { chain_id: CHAIN_ID, address: token, symbol: 'TST', decimals: 6 } }));
    actor.setIdentity(ALICE);
  });

  test('eth_balance equals the node’s balance, native and ERC-20', async () => {
    assert.deepEqual(await actor.eth_balance({ chain_id: CHAIN_ID, token: [] }), {
      Ok: { address: alice, balance: await ethBalanceOf(alice), decimals: 18 },
    });
    assert.deepEqual(await actor.eth_balance({ chain_id: CHAIN_ID, token: [token] }), {
      Ok: { address: alice, balance: TOKEN_SUPPLY, decimals: 6 },
    });
  });

  test('eth_send of ETH: signed by the caller’s key, mined, recipient credited exactly', async () => {
    const before = await ethBalanceOf(ETH_RECIPIENT);
    const estimate = BigInt(await evmRpc('eth_estimateGas', [{ from: alice, to: ETH_RECIPIENT, value: '0x16345785d8a0000', data: '0x' }]));
    const sent = ok(await actor.eth_send({ chain_id: CHAIN_ID, to: ETH_RECIPIENT, amount: 10n ** 17n, token: [] }));
    assert.equal(await recoverTransactionAddress({ serializedTransaction: sent.raw_transaction as `0x02${string}` }), alice);
    // The node's own estimate plus the wallet's 20% margin.
    assert.equal(sent.gas_limit, estimate + estimate / 5n);
    const receipt = await evmRpc('eth_getTransactionReceipt', [sent.tx_hash]);
    assert.equal(receipt.status, '0x1');
    assert.equal(await ethBalanceOf(ETH_RECIPIENT), before + 10n ** 17n);
    assert.deepEqual(await actor.eth_balance({ chain_id: CHAIN_ID, token: [] }), {
      Ok: { address: alice, balance: await ethBalanceOf(alice), decimals: 18 },
    });
  });

  test('eth_send of an ERC-20: transfer call signed by the caller’s key, balances moved exactly', async () => {
    const sent = ok(await actor.eth_send({ chain_id: CHAIN_ID, to: ETH_RECIPIENT, amount: 1_234_567n, token: [token] }));
    assert.equal(await recoverTransactionAddress({ serializedTransaction: sent.raw_transaction as `0x02${string}` }), alice);
    assert.equal((await evmRpc('eth_getTransactionReceipt', [sent.tx_hash])).status, '0x1');
    assert.equal(await tokenBalanceOf(token, ETH_RECIPIENT), 1_234_567n);
    assert.equal(await tokenBalanceOf(token, alice), TOKEN_SUPPLY - 1_234_567n);
    assert.deepEqual(await actor.eth_balance({ chain_id: CHAIN_ID, token: [token] }), {
      Ok: { address: alice, balance: TOKEN_SUPPLY - 1_234_567n, decimals: 6 },
    });
  });

  test('20 concurrent eth_send calls of one user get 20 distinct consecutive nonces, all mined', async () => {
    // Blocks every 200 ms with a mempool, as on a real network: the broadcasts reach the node in
    // any order, and a node queues a transaction whose nonce is ahead (Hardhat's automine refuses it).
    await evmRpc('evm_setAutomine', [false]);
    await evmRpc('evm_setIntervalMining', [200]);
    try {
      const first = BigInt(await evmRpc('eth_getTransactionCount', [alice, 'pending']));
      const before = await ethBalanceOf(ETH_RECIPIENT);
      const sends = await Promise.all(
        Array.from({ length: 20 }, () => actor.eth_send({ chain_id: CHAIN_ID, to: ETH_RECIPIENT, amount: 1000n, token: [] })),
      );
      const results = sends.map((r) => ok(r));
      assert.deepEqual(
        results.map((r) => r.nonce).sort((a, b) => (a < b ? -1 : 1)),
        Array.from({ length: 20 }, (_, i) => first + BigInt(i)),
      );
      for (const r of results) {
        assert.equal(await recoverTransactionAddress({ serializedTransaction: r.raw_transaction as `0x02${string}` }), alice);
      }
      for (let i = 0; i < 100 && BigInt(await evmRpc('eth_getTransactionCount', [alice, 'latest'])) < first + 20n; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(BigInt(await evmRpc('eth_getTransactionCount', [alice, 'latest'])), first + 20n);
      for (const r of results) assert.equal((await evmRpc('eth_getTransactionReceipt', [r.tx_hash])).status, '0x1');
      assert.equal(await ethBalanceOf(ETH_RECIPIENT), before + 20n * 1000n);
    } finally {
      await evmRpc('evm_setIntervalMining', [0]);
      await evmRpc('evm_setAutomine', [true]);
    }
  });

  test('history: the sends are confirmed from their receipts when read', async () => {
    const page = ok(await actor.transactions({ start: 0n, limit: 50 }));
    const eth = page.transactions.filter((tx) => 'eth' in tx.chain);
    assert.equal(eth.length, 22);
    assert.ok(
      eth.slice(0, 10).every((tx) => 'confirmed' in tx.status),
      JSON.stringify(eth.map((tx) => tx.status)),
    );
    const erc20 = eth.find((tx) => tx.asset === token);
    assert.equal(erc20?.amount, 1_234_567n);
    assert.equal(erc20?.network, '31337');
  });

  test('bad requests are typed errors and sign nothing', async () => {
    const length = await auditLength();
    assert.deepEqual(await actor.eth_send({ chain_id: 1n, to: ETH_RECIPIENT, amount: 1n, token: [] }), {
      Err: { UnknownChain: { chain_id: 1n } },
    });
    assert.deepEqual(await actor.eth_send({ chain_id: CHAIN_ID, to: ETH_RECIPIENT, amount: 1n, token: [ETH_RECIPIENT] }), {
      Err: { UnknownToken: { chain_id: CHAIN_ID, token: ETH_RECIPIENT } },
    });
    assert.deepEqual(await actor.eth_send({ chain_id: CHAIN_ID, to: ETH_RECIPIENT, amount: 0n, token: [] }), {
      Err: { InvalidAmount: { field: 'amount', message: 'a transfer of 0' } },
    });
    // One letter's case flipped: the EIP-55 checksum no longer matches.
    const flipped = ETH_RECIPIENT.replace(/[a-f]/, (c) => c.toUpperCase());
    const malformed = await actor.eth_send({ chain_id: CHAIN_ID, to: flipped, amount: 1n, token: [] });
    assert.ok(
      'Err' in malformed && 'InvalidAddress' in malformed.Err,
      JSON.stringify(malformed, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)),
    );
    assert.equal(malformed.Err.InvalidAddress.field, 'to');
    assert.deepEqual(await actor.eth_balance({ chain_id: 5n, token: [] }), { Err: { UnknownChain: { chain_id: 5n } } });
    assert.equal(await auditLength(), length);
  });

  test('disagreeing providers, garbage, an oversized answer and no providers are typed errors and sign nothing', async () => {
    const send = () => actor.eth_send({ chain_id: CHAIN_ID, to: ETH_RECIPIENT, amount: 1n, token: [] });
    const skewed = `${providers.url}/skew/${encodeURIComponent(chains.evm.url)}`;

    await setEvmProviders([chains.evm.url, skewed]);
    let length = await auditLength();
    const disagree = await send();
    assert.ok('Err' in disagree && 'Rpc' in disagree.Err && 'ProvidersDisagree' in disagree.Err.Rpc, String(Object.keys(disagree)));
    const { method, responses, required } = disagree.Err.Rpc.ProvidersDisagree;
    assert.deepEqual({ method, required }, { method: 'eth_getTransactionCount', required: 2 });
    // The honest pending count, and the skewed provider's one more.
    const pending = BigInt(await evmRpc('eth_getTransactionCount', [alice, 'pending']));
    assert.deepEqual(
      responses.map((r) => r.result),
      [{ Ok: `"${pending}"` }, { Ok: `"${pending + 1n}"` }],
    );
    assert.deepEqual(
      responses.map((r) => r.url),
      [chains.evm.url, providers.url],
    );
    assert.equal(await auditLength(), length);

    await setEvmProviders([`${providers.url}/garbage/`]);
    length = await auditLength();
    const garbage = await send();
    assert.ok('Err' in garbage && 'Rpc' in garbage.Err && 'ProvidersFailed' in garbage.Err.Rpc);
    assert.deepEqual(garbage.Err.Rpc.ProvidersFailed.failures[0], {
      url: providers.url,
      error: { InvalidResponse: { reason: 'not JSON: unexpected character "<" at offset 0' } },
    });
    assert.equal(await auditLength(), length);

    await setEvmProviders([`${providers.url}/huge/`]);
    length = await auditLength();
    const huge = await send();
    assert.ok('Err' in huge && 'Rpc' in huge.Err && 'ProvidersFailed' in huge.Err.Rpc);
    assert.deepEqual(huge.Err.Rpc.ProvidersFailed, {
      method: 'eth_getTransactionCount',
      failures: [{ url: providers.url, error: { ResponseTooLarge: { max_response_bytes: 2304n } } }],
    });
    assert.equal(await auditLength(), length);

    await setEvmProviders([]);
    length = await auditLength();
    assert.deepEqual(await send(), { Err: { Rpc: { NoProviders: { chain: 'evm:31337' } } } });
    assert.deepEqual(await actor.eth_balance({ chain_id: CHAIN_ID, token: [] }), { Err: { Rpc: { NoProviders: { chain: 'evm:31337' } } } });
    assert.equal(await auditLength(), length);

    // Two honest providers and one skewed one: the majority agrees and the send goes through.
    await setEvmProviders([chains.evm.url, `${providers.url}/proxy/${encodeURIComponent(chains.evm.url)}`, skewed]);
    const sent = ok(await send());
    assert.equal(await recoverTransactionAddress({ serializedTransaction: sent.raw_transaction as `0x02${string}` }), alice);
    assert.equal((await evmRpc('eth_getTransactionReceipt', [sent.tx_hash])).status, '0x1');
    await setEvmProviders([chains.evm.url]);
  });
});

describe('Solana through HTTPS outcalls', { skip: !onDevnet }, () => {
  let alice: string;
  let mint: string;
  let staleBlockhash: string;
  const recipient = () => seededSigner(2).then((s) => s.address as string);

  before(async () => {
    actor.setIdentity(ALICE);
    alice = ok(await actor.addresses()).sol;
    staleBlockhash = ((await solRpc('getLatestBlockhash')) as { value: { blockhash: string } }).value.blockhash;
    await waitForStatus({ url: chains.solana.url, signature: (await solRpc('requestAirdrop', [alice, 10_000_000_000])) as string });
    // An SPL mint (authority: a test key) with 1,000 tokens (6 decimals) in Alice's associated account.
    mint = await createSplMint({ url: chains.solana.url, owner: alice, amount: 1_000_000_000n, seed: 9 });
    actor.setIdentity(OPERATOR);
    ok(await actor.admin_add_token({ spl: { mint, symbol: 'TSPL', decimals: 6 } }));
    actor.setIdentity(ALICE);
  });

  /** The wire transaction's one signature verifies over its message under Alice's Ed25519 key. */
  function assertSignedByAlice({ transaction, signature }: { transaction: string; signature: string }): void {
    const bytes = base64.decode(transaction);
    assert.equal(bytes[0], 1);
    const sig = bytes.subarray(1, 65);
    assert.equal(base58.encode(sig), signature);
    assert.ok(ed25519.verify(sig, bytes.subarray(65), base58.decode(alice)));
  }

  test('sol_balance equals the node’s balance, SOL and SPL', async () => {
    assert.deepEqual(await actor.sol_balance({ mint: [] }), { Ok: { address: alice, balance: await lamportsOf(alice), decimals: 9 } });
    assert.deepEqual(await actor.sol_balance({ mint: [mint] }), { Ok: { address: alice, balance: 1_000_000_000n, decimals: 6 } });
  });

  test('sol_send of SOL: signed by the caller’s key, landed, recipient credited exactly', async () => {
    const to = await recipient();
    const before = await lamportsOf(to);
    const aliceBefore = await lamportsOf(alice);
    const sent = ok(await actor.sol_send({ to, amount: 100_000_000n, mint: [], recent_blockhash: [] }));
    assertSignedByAlice(sent);
    assert.equal(((await waitForStatus({ url: chains.solana.url, signature: sent.signature })) as { err: Json }).err, null);
    assert.equal(await lamportsOf(to), before + 100_000_000n);
    assert.equal(await lamportsOf(alice), aliceBefore - 100_000_000n - 5_000n);
    assert.deepEqual(await actor.sol_balance({ mint: [] }), { Ok: { address: alice, balance: aliceBefore - 100_005_000n, decimals: 9 } });
  });

  test('sol_send of an SPL token creates the recipient’s associated account, then reuses it', async () => {
    const to = await recipient();
    const toAta = sol.findAssociatedTokenAddress({ owner: to, mint });
    const first = ok(await actor.sol_send({ to, amount: 2_500_000n, mint: [mint], recent_blockhash: [] }));
    assertSignedByAlice(first);
    assert.equal(first.created_recipient_account, true);
    assert.equal(((await waitForStatus({ url: chains.solana.url, signature: first.signature })) as { err: Json }).err, null);
    const second = ok(await actor.sol_send({ to, amount: 500_000n, mint: [mint], recent_blockhash: [] }));
    assertSignedByAlice(second);
    assert.equal(second.created_recipient_account, false);
    assert.equal(((await waitForStatus({ url: chains.solana.url, signature: second.signature })) as { err: Json }).err, null);
    assert.equal(((await solRpc('getTokenAccountBalance', [toAta])) as { value: { amount: string } }).value.amount, '3000000');
    assert.deepEqual(await actor.sol_balance({ mint: [mint] }), { Ok: { address: alice, balance: 997_000_000n, decimals: 6 } });
    actor.setIdentity(BOB);
    assert.deepEqual(await actor.sol_balance({ mint: [mint] }), {
      Ok: { address: ok(await actor.addresses()).sol, balance: 0n, decimals: 6 },
    });
    actor.setIdentity(ALICE);
  });

  test('history: Solana sends are confirmed with getSignatureStatuses when read', async () => {
    const page = ok(await actor.transactions({ start: 0n, limit: 50 }));
    const sends = page.transactions.filter((tx) => 'sol' in tx.chain);
    assert.equal(sends.length, 3);
    assert.ok(
      sends.every((tx) => 'confirmed' in tx.status),
      JSON.stringify(sends.map((tx) => tx.status)),
    );
    assert.deepEqual(
      sends.map((tx) => [tx.asset, tx.amount, tx.network]),
      [
        [mint, 500_000n, 'localnet'],
        [mint, 2_500_000n, 'localnet'],
        ['SOL', 100_000_000n, 'localnet'],
      ],
    );
  });

  test('a stale blockhash, bad requests and bad providers are typed errors and sign nothing', async () => {
    const to = await recipient();
    // 151 landed transactions later, the first blockhash of this suite is past its last valid height.
    const faucetTarget = (await seededSigner(11)).address;
    for (let i = 0; i < 151; i++) await solRpc('requestAirdrop', [faucetTarget, 1_000_000]);
    const length = await auditLength();
    assert.deepEqual(await actor.sol_send({ to, amount: 1n, mint: [], recent_blockhash: [staleBlockhash] }), {
      Err: { StaleBlockhash: { blockhash: staleBlockhash } },
    });
    assert.deepEqual(await actor.sol_send({ to, amount: 0n, mint: [], recent_blockhash: [] }), {
      Err: { InvalidAmount: { field: 'amount', message: 'a transfer of 0' } },
    });
    assert.deepEqual(await actor.sol_send({ to, amount: 1n, mint: [to], recent_blockhash: [] }), { Err: { UnknownToken: { mint: to } } });
    const malformed = await actor.sol_send({ to: 'not-base58-0OIl', amount: 1n, mint: [], recent_blockhash: [] });
    assert.ok('Err' in malformed && 'InvalidAddress' in malformed.Err);
    assert.equal(malformed.Err.InvalidAddress.field, 'to');

    assert.equal(await auditLength(), length);

    // Each provider change is an admin entry: the length is taken after it.
    await setSolanaProviders([`${providers.url}/garbage/`]);
    let before = await auditLength();
    const garbage = await actor.sol_send({ to, amount: 1_000_000n, mint: [], recent_blockhash: [] });
    assert.ok('Err' in garbage && 'Rpc' in garbage.Err && 'ProvidersFailed' in garbage.Err.Rpc);
    assert.deepEqual(garbage.Err.Rpc.ProvidersFailed, {
      method: 'getLatestBlockhash',
      failures: [{ url: providers.url, error: { InvalidResponse: { reason: 'not JSON: unexpected character "<" at offset 0' } } }],
    });
    assert.equal(await auditLength(), before);

    await setSolanaProviders([`${providers.url}/huge/`]);
    before = await auditLength();
    const huge = await actor.sol_send({ to, amount: 1_000_000n, mint: [], recent_blockhash: [] });
    assert.deepEqual(huge, {
      Err: {
        Rpc: {
          ProvidersFailed: {
            method: 'getLatestBlockhash',
            failures: [{ url: providers.url, error: { ResponseTooLarge: { max_response_bytes: 2560n } } }],
          },
        },
      },
    });
    assert.equal(await auditLength(), before);

    await setSolanaProviders([]);
    before = await auditLength();
    assert.deepEqual(await actor.sol_send({ to, amount: 1_000_000n, mint: [], recent_blockhash: [] }), {
      Err: { Rpc: { NoProviders: { chain: 'solana' } } },
    });
    assert.deepEqual(await actor.sol_balance({ mint: [] }), { Err: { Rpc: { NoProviders: { chain: 'solana' } } } });
    assert.equal(await auditLength(), before);
    await setSolanaProviders([chains.solana.url]);
  });
});
