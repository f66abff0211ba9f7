/**
 * `npm start` and the `wallet` command line end to end, each as a child process, as a user runs
 * them: npm start builds and deploys the wallet on a live devnet with its local chains; the CLI
 * creates an identity, reads its addresses, sees balances funded through the devnet's admin
 * routes and the local nodes, sends on all three chains (balances checked after, to the unit),
 * verifies the signature log and the addresses (and fails on tampered input), and deploys and
 * upgrades the wallet in chunks, the mainnet configuration included. An agent of our own queries
 * the wallet; SIGINT stops everything in bounded time.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { walletIdlFactory, type WalletService } from '../src/lib/wallet-candid.ts';
import { CYCLES_LEDGER_ID, CYCLES_LEDGER_TYPES, createWalletCanister } from './deploy.ts';
import { tempDir, wallet as runWallet, type Run } from './test-support.ts';

const ROOT = join(import.meta.dirname, '..');
const home = tempDir('wallet-live-');
const stateDir = join(home, 'state');
const deploymentPath = join(stateDir, 'deployment.json');

let start: ChildProcess;
let output = '';
let urls: Record<string, string>;
let exited: Promise<number | null>;

const wallet = (args: string[]): Run => runWallet([...args, '--deployment', deploymentPath], { configHome: home });
const json = (r: Run) => {
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout);
};
const post = async (url: string, body: unknown) => {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200, await response.clone().text());
  return response.json();
};
const rpc = async (url: string, method: string, params: unknown[]) => {
  const answer = (await post(url, { jsonrpc: '2.0', id: 1, method, params })) as { result?: unknown; error?: unknown };
  assert.equal(answer.error, undefined, JSON.stringify(answer.error));
  return answer.result;
};

before(async () => {
  start = spawn(process.execPath, ['scripts/start.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, XDG_CONFIG_HOME: home, HOME: home, DEVNET_PORT: '0', DEVNET_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((resolve) => start.on('exit', (code) => resolve(code)));
  start.stdout!.on('data', (d) => (output += d));
  start.stderr!.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up in 240 s:\n${output}`)), 240_000);
    const poll = setInterval(() => {
      if (output.includes('ready: Ctrl-C stops everything')) {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    }, 100);
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  urls = Object.fromEntries(
    output
      .split('\n')
      .map((line) => line.match(/^([A-Za-z ]+): (http:\/\/\S+?)\/?(?: |$)/))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2]]),
  );
});

after(async () => {
  if (start.exitCode === null) start.kill('SIGKILL');
});

describe('npm start', () => {
  test('prints one line per service with its URL, and records the deployment', () => {
    const deployment = JSON.parse(readFileSync(deploymentPath, 'utf8'));
    const wallet = deployment.canisters.wallet;
    assert.equal(deployment.network, 'local');
    assert.equal(deployment.host, urls['IC HTTP interface']);
    assert.match(output, new RegExp(`^wallet: ${wallet} at ${deployment.host} `, 'm'));
    assert.match(output, new RegExp(`^frontend: http://${deployment.canisters.frontend}\\.localhost:\\d+/$`, 'm'));
    assert.match(urls.EVM, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(urls.Solana, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(urls['bitcoin admin'], /^http:\/\/127\.0\.0\.1:\d+\/instances\/\d+\/devnet\/bitcoin$/);
    assert.deepEqual(
      deployment.masterKeys.map((k: { keyType: string; keyName: string }) => `${k.keyType}/${k.keyName}`),
      ['ecdsa_secp256k1/dfx_test_key', 'schnorr_bip340secp256k1/dfx_test_key', 'schnorr_ed25519/dfx_test_key'],
    );
  });

  test('serves the web app through the certifying gateway, with an env.json naming this wallet', async () => {
    const deployment = JSON.parse(readFileSync(deploymentPath, 'utf8'));
    const base = `${deployment.host}/?canisterId=${deployment.canisters.frontend}`;
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('ic-certificate') ?? '', /^certificate=:/);
    const env = await (await fetch(`${deployment.host}/env.json?canisterId=${deployment.canisters.frontend}`)).json();
    assert.deepEqual(
      { network: env.network, host: env.host, walletCanisterId: env.walletCanisterId },
      {
        network: 'local',
        host: deployment.host,
        walletCanisterId: deployment.canisters.wallet,
      },
    );
  });

  test('answers an agent that fetched the root key: the wallet runs with the devnet keys and local providers', async () => {
    const deployment = JSON.parse(readFileSync(deploymentPath, 'utf8'));
    const agent = await HttpAgent.create({ host: deployment.host, shouldFetchRootKey: true, identity: Ed25519KeyIdentity.generate() });
    assert.equal(bytesToHex(agent.rootKey!), deployment.rootKeyHex);
    const actor = Actor.createActor<WalletService>(walletIdlFactory, { agent, canisterId: deployment.canisters.wallet });
    assert.deepEqual(await actor.config(), {
      ecdsa_key_name: 'dfx_test_key',
      schnorr_key_name: 'dfx_test_key',
      bitcoin_network: { regtest: null },
      evm_chains: [{ chain_id: 31337n, name: 'Devnet EVM', rpc_urls: [urls.EVM] }],
      solana: { cluster: { localnet: null }, rpc_urls: [urls.Solana] },
    });
  });
});

describe('the wallet command line on the live devnet', () => {
  let alice: { principal: string };
  let addrs: { btc_p2wpkh: string; btc_p2tr: string; eth: string; sol: string };

  test('identity new, then addresses that verify-addresses re-derives offline', () => {
    alice = json(wallet(['identity', 'new', 'alice', '--json']));
    assert.equal(wallet(['identity', 'use', 'alice']).status, 0);
    addrs = json(wallet(['addresses', '--json']));
    assert.equal(addrs.btc_p2wpkh.slice(0, 6), 'bcrt1q');
    assert.equal(addrs.btc_p2tr.slice(0, 6), 'bcrt1p');
    assert.match(addrs.eth, /^0x[0-9a-fA-F]{40}$/);
    const verified = json(wallet(['verify-addresses', alice.principal, '--json']));
    assert.equal(verified.verified, true);
    assert.deepEqual(verified.derived, { btc_p2wpkh: addrs.btc_p2wpkh, btc_p2tr: addrs.btc_p2tr, eth: addrs.eth, sol: addrs.sol });

    const tampered = join(home, 'tampered-answer.json');
    writeFileSync(tampered, JSON.stringify({ ...addrs, eth: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266' }));
    const refused = wallet(['verify-addresses', alice.principal, '--answer', tampered]);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stdout, /✗ eth {8}derived 0x[0-9a-fA-F]{40}, but .* answered 0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266/);
  });

  test('funded through the admin routes and the local nodes, then balance', async () => {
    await post(`${urls['bitcoin admin']}/fund`, { address: addrs.btc_p2wpkh, amountSats: '100000000' });
    await post(`${urls['bitcoin admin']}/mine`, { blocks: 1 });
    await rpc(urls.EVM, 'hardhat_setBalance', [addrs.eth, '0xde0b6b3a7640000']);
    await rpc(urls.Solana, 'requestAirdrop', [addrs.sol, 2_000_000_000]);
    const { balances } = json(wallet(['balance', '--json']));
    assert.deepEqual(
      balances.map((b: { asset: string; units: string; address: string }) => [b.asset, b.units, b.address]),
      [
        ['BTC', '100000000', addrs.btc_p2wpkh],
        ['ETH', '1000000000000000000', addrs.eth],
        ['SOL', '2000000000', addrs.sol],
      ],
    );
  });

  test('send btc, eth and sol: each lands and the balance drops by amount plus fee', async () => {
    const btc = json(wallet(['send', 'btc', 'bcrt1q6rhpng9evdsfnn833a4f4vej0asu6dk5srld6x', '0.1', '--yes', '--json']));
    assert.match(btc.txid, /^[0-9a-f]{64}$/);
    assert.equal(btc.explorer, null);
    await post(`${urls['bitcoin admin']}/mine`, { blocks: 1 });
    const eth = json(wallet(['send', 'eth', '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266', '0.25', '--yes', '--json']));
    const receipt = (await rpc(urls.EVM, 'eth_getTransactionReceipt', [eth.txid])) as { gasUsed: string; effectiveGasPrice: string };
    const sol = json(wallet(['send', 'sol', '11111111111111111111111111111112', '0.5', '--yes', '--json']));
    assert.equal(typeof sol.txid, 'string');

    const { balances } = json(wallet(['balance', '--json']));
    assert.deepEqual(
      balances.map((b: { units: string }) => b.units),
      [
        (100_000_000n - 10_000_000n - BigInt(btc.fee)).toString(),
        (10n ** 18n - 25n * 10n ** 16n - BigInt(receipt.gasUsed) * BigInt(receipt.effectiveGasPrice)).toString(),
        (2_000_000_000n - 500_000_000n - 5_000n).toString(),
      ],
    );
    const history = json(wallet(['history', '--json']));
    assert.deepEqual(
      history.transactions.map((t: { chain: string; txid: string }) => [t.chain, t.txid]),
      [
        ['sol', sol.txid],
        ['eth', eth.txid],
        ['btc', btc.txid],
      ],
    );
    const newestTwo = json(wallet(['history', '--limit', '2', '--json']));
    assert.equal(newestTwo.total, '3');
    assert.deepEqual(
      newestTwo.transactions.map((t: { txid: string }) => t.txid),
      [sol.txid, eth.txid],
    );

    const unconfirmed = wallet(['send', 'sol', '11111111111111111111111111111112', '0.5']);
    assert.deepEqual(
      [unconfirmed.status, unconfirmed.stderr],
      [2, 'wallet: refusing to send without confirmation: not a terminal, so pass --yes to send\n'],
    );
  });

  test('audit verify as the controller checks the whole log and its saved head; a tampered saved head fails', () => {
    const verified = json(wallet(['audit', 'verify', '--identity', 'default', '--json']));
    assert.equal(verified.length, '3');
    assert.equal(verified.entriesVerified, 3);
    const again = json(wallet(['audit', 'verify', '--identity', 'default', '--json']));
    assert.deepEqual(again.consistentWith, { length: '3', rootHash: verified.rootHash });

    const forged = join(home, 'forged-head.json');
    writeFileSync(forged, JSON.stringify({ canister: verified.canister, length: '2', rootHash: 'ab'.repeat(32) }));
    const refused = wallet(['audit', 'verify', '--identity', 'default', '--since', forged]);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /^wallet: the log is not an extension of the head saved in /);

    const notAuditor = wallet(['audit', 'verify']);
    assert.equal(notAuditor.status, 4);
    assert.match(notAuditor.stderr, /^wallet: .*(controller|auditor)/i);

    const proof = json(wallet(['audit', 'proof', '--json']));
    assert.deepEqual(
      proof.entries.map((e: { index: string }) => e.index),
      ['0', '1', '2'],
    );
  });

  test('deploy: a new canister installed in chunks, upgraded, and the mainnet configuration installed through the same calls', async () => {
    const deployment = JSON.parse(readFileSync(deploymentPath, 'utf8'));
    const wasm = join(ROOT, '.azle', 'wallet', 'wallet.wasm');
    const installed = json(wallet(['deploy', '--network', 'local', '--wasm', wasm, '--identity', 'alice', '--json']));
    assert.equal(installed.mode, 'install');
    assert.equal(installed.chunks, Math.ceil(readFileSync(wasm).length / 1_048_576));
    assert.equal(JSON.parse(readFileSync(deploymentPath, 'utf8')).canisters.wallet, installed.canisterId);
    const upgraded = json(
      wallet(['deploy', '--network', 'local', '--wasm', wasm, '--identity', 'alice', '--canister', installed.canisterId, '--json']),
    );
    assert.equal(upgraded.mode, 'upgrade');

    // The mainnet path, through the devnet (which has key_1 and the mainnet Bitcoin canister id).
    const mainnetArgs = ['--network', 'ic', '--host', deployment.host, '--root-key', deployment.rootKeyHex, '--wasm', wasm];
    const keyChange = wallet(['deploy', ...mainnetArgs, '--identity', 'alice', '--canister', installed.canisterId]);
    assert.deepEqual(
      [keyChange.status, keyChange.stderr],
      [
        2,
        `wallet: refusing to upgrade wallet ${installed.canisterId}: the key configuration would change (ecdsa_key_name dfx_test_key → key_1, schnorr_key_name dfx_test_key → key_1, bitcoin_network regtest → mainnet), which would change every address; deploy a new canister instead\n`,
      ],
    );
    const aliceKey = Ed25519KeyIdentity.generate();
    const agent = await HttpAgent.create({ host: deployment.host, identity: aliceKey, shouldFetchRootKey: true });
    const empty = await createWalletCanister({ agent, network: 'local', controllers: [Principal.fromText(alice.principal)] });
    const mainnet = json(wallet(['deploy', ...mainnetArgs, '--identity', 'alice', '--canister', empty.toText(), '--json']));
    assert.deepEqual([mainnet.mode, mainnet.ecdsaKeyName, mainnet.bitcoinNetwork], ['install', 'key_1', 'mainnet']);
    const actor = Actor.createActor<WalletService>(walletIdlFactory, { agent, canisterId: empty });
    const config = await actor.config();
    assert.deepEqual([config.ecdsa_key_name, config.schnorr_key_name, config.bitcoin_network], ['key_1', 'key_1', { mainnet: null }]);
    assert.equal(config.evm_chains[0].chain_id, 1n);

    // Creation on mainnet goes through the cycles ledger: the exact request, not sent.
    const dry = json(wallet(['deploy', '--network', 'ic', '--wasm', wasm, '--identity', 'alice', '--dry-run', '--json']));
    assert.deepEqual(
      dry.calls.map((c: { canister: string; method: string }) => [c.canister, c.method]),
      [[CYCLES_LEDGER_ID, 'create_canister']],
    );
    const [args] = IDL.decode([CYCLES_LEDGER_TYPES.createArgs], hexToBytes(dry.calls[0].argHex)) as unknown as [
      { amount: bigint; creation_args: [{ settings: [{ controllers: [Principal[]] }] }] },
    ];
    assert.equal(args.amount, 60_000_000_000_000n);
    assert.deepEqual(
      args.creation_args[0].settings[0].controllers[0].map((p) => p.toText()),
      [alice.principal],
    );
  });
});

describe('npm start shutdown', () => {
  test('SIGINT stops it, exit code 0, in under 10 s, and its ports close', async () => {
    const t0 = Date.now();
    start.kill('SIGINT');
    const code = await exited;
    const elapsed = Date.now() - t0;
    assert.equal(code, 0, output);
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    await assert.rejects(fetch(`${urls['IC HTTP interface']}/api/v2/status`));
    await assert.rejects(fetch(urls.EVM, { method: 'POST' }));
  });
});
