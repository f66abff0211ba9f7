// The admin routes mounted on a real node:http server on loopback, driven by the typed client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as btc from '@scure/btc-signer';
import { createBitcoinAdminClient, BitcoinAdminError } from './admin-client.ts';
import { handleAdminRequest } from './admin-routes.ts';
import * as bitcoinjs from 'bitcoinjs-lib';
import { RegtestChain } from './chain.ts';
import { FIXED_NOW_NS, REGTEST_NETWORK, testKey } from './testing.ts';

describe('admin HTTP routes and client', () => {
  const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
  let server: Server;
  let baseUrl: string;

  before(async () => {
    server = createServer(async (req, res) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of req) chunks.push(new Uint8Array(chunk as Uint8Array));
      const body = chunks.length === 0 ? undefined : new Uint8Array(Buffer.concat(chunks));
      const out = handleAdminRequest({ chain, method: req.method ?? 'GET', path: req.url ?? '/', body });
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(out.json));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  test('fund, mine, read the transaction and the tip, broadcast a signed spend', async () => {
    const client = createBitcoinAdminClient({ baseUrl });
    const alice = testKey('01');
    assert.deepEqual(await client.tip(), { height: 0, hash: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206' });
    const funded = await client.fund({ address: alice.p2wpkh.address!, amountSats: 100_000n });
    assert.deepEqual(funded, { txid: 'ecd3daa7e8d8ef4f9e883045066c8c33b5e362b3b87e12e81d1c4bee8876bb8c', vout: 0 });
    const pending = await client.getTransaction(funded.txid);
    assert.deepEqual(pending, { hex: pending!.hex, txid: funded.txid, confirmations: 0, blockHeight: null, fee: 0n });
    // The hex is the transaction itself: bitcoinjs-lib hashes it to the same txid.
    assert.equal(bitcoinjs.Transaction.fromHex(pending!.hex).getId(), funded.txid);
    const mined = await client.mine({ blocks: 2 });
    assert.equal(mined.height, 2);
    assert.equal(mined.hashes.length, 2);
    assert.deepEqual(await client.tip(), { height: 2, hash: mined.hashes[1] });
    assert.equal((await client.getTransaction(funded.txid))!.confirmations, 2);
    assert.equal(await client.getTransaction('00'.repeat(32)), null);

    const tx = new btc.Transaction();
    tx.addInput({ txid: funded.txid, index: 0, witnessUtxo: { script: alice.p2wpkh.script, amount: 100_000n } });
    tx.addOutputAddress(alice.p2tr.address!, 98_500n, REGTEST_NETWORK);
    tx.sign(alice.secret);
    tx.finalize();
    assert.deepEqual(await client.sendRawTransaction(tx.hex), { txid: tx.id, fee: 1_500n, vsize: 122 });
    const again = await client.sendRawTransaction(tx.hex).catch((e: unknown) => e);
    assert.ok(again instanceof BitcoinAdminError);
    assert.equal(again.status, 400);
    assert.equal(again.reason, 'txn-already-in-mempool');
    await client.mine({ blocks: 1, coinbaseAddress: alice.p2wpkh.address! });
    assert.deepEqual(await client.getTransaction(tx.id), { hex: tx.hex, txid: tx.id, confirmations: 1, blockHeight: 3, fee: 1_500n });
  });

  test('bad input answers 400, unknown routes 404', async () => {
    const client = createBitcoinAdminClient({ baseUrl });
    const badAddress = await client
      .fund({ address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', amountSats: 1n })
      .catch((e: unknown) => e);
    assert.ok(badAddress instanceof BitcoinAdminError);
    assert.equal(badAddress.status, 400);
    assert.match(
      badAddress.message,
      /Invalid regtest address "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4": an address of mainnet, expected regtest$/,
    );
    const badBlocks = await client.mine({ blocks: 0 }).catch((e: unknown) => e);
    assert.ok(badBlocks instanceof BitcoinAdminError);
    assert.equal(badBlocks.status, 400);
    const wrongBase = createBitcoinAdminClient({ baseUrl: `${baseUrl}/nowhere` });
    const notFound = await wrongBase.getTransaction('00'.repeat(32)).catch((e: unknown) => e);
    assert.ok(notFound instanceof BitcoinAdminError);
    assert.equal(notFound.status, 404);
  });

  test('the handler itself: methods, JSON bodies, amounts as strings', () => {
    assert.deepEqual(handleAdminRequest({ chain, method: 'POST', path: '/devnet/bitcoin/tip' }), {
      status: 405,
      json: { error: { name: 'MethodNotAllowed', message: '/devnet/bitcoin/tip accepts GET only' } },
    });
    assert.deepEqual(handleAdminRequest({ chain, method: 'POST', path: '/devnet/bitcoin/fund', body: '{not json' }), {
      status: 400,
      json: { error: { name: 'InvalidAdminArgumentError', message: 'Invalid argument: the body is not valid JSON' } },
    });
    assert.deepEqual(handleAdminRequest({ chain, method: 'POST', path: '/devnet/bitcoin/fund', body: { address: 'x', amountSats: 1.5 } }), {
      status: 400,
      json: {
        error: {
          name: 'InvalidAdminArgumentError',
          message: 'Invalid argument: "amountSats" must be a decimal string of satoshis, got 1.5',
        },
      },
    });
    assert.deepEqual(handleAdminRequest({ chain, method: 'GET', path: '/devnet/bitcoin/nope' }), {
      status: 404,
      json: { error: { name: 'NotFound', message: 'No route /devnet/bitcoin/nope' } },
    });
    const ok = handleAdminRequest({ chain, method: 'GET', path: '/devnet/bitcoin/tip?verbose=1' });
    assert.equal(ok.status, 200);
  });
});
