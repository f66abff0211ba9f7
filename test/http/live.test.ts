/**
 * startDevnet({ live: true }), the API `npm start` and the CLI build on: one instance runs live
 * (NNS + application subnet), and an agent alone, with no PocketIC client, creates a canister
 * through the management canister, installs it, and calls it, over the IC HTTP interface.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Cbor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import { startDevnet, type Devnet } from '../../devnet/src/devnet.ts';
import { motokoProbe } from '../fixtures/build.ts';
import { DEVNET_BIN } from '../support/pic.ts';

let devnet: Devnet;

before(async () => {
  devnet = await startDevnet({ live: true, log: () => {} });
});

after(async () => {
  await devnet?.stop();
});

// PocketIC's first application subnet starts at this canister id (devnet/src/ic/ids.ts).
const APPLICATION_SUBNET_FIRST_ID = Principal.fromText('lxzze-o7777-77777-aaaaa-cai');

test('an agent alone creates, installs and calls a canister on the live devnet, and the root key is the one it fetched', async () => {
  const live = devnet.live!;
  assert.match(live.httpInterfaceUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(
    live.gatewayUrl('lxzze-o7777-77777-aaaaa-cai'),
    `http://lxzze-o7777-77777-aaaaa-cai.localhost:${new URL(live.httpInterfaceUrl).port}/`,
  );
  const identity = Ed25519KeyIdentity.generate();
  const agent = await HttpAgent.create({ host: live.httpInterfaceUrl, identity, shouldFetchRootKey: true, retryTimes: 0 });
  assert.equal(bytesToHex(agent.rootKey!), bytesToHex(live.rootKey));

  const created = await agent.update(Principal.managementCanister(), {
    methodName: 'provisional_create_canister_with_cycles',
    arg: IDL.encode(
      [IDL.Record({ amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(IDL.Reserved), specified_id: IDL.Opt(IDL.Principal) })],
      [{ amount: [10n ** 13n], settings: [], specified_id: [] }],
    ),
    effectiveCanisterId: APPLICATION_SUBNET_FIRST_ID,
  });
  const [{ canister_id: canisterId }] = IDL.decode([IDL.Record({ canister_id: IDL.Principal })], created.reply) as unknown as [
    { canister_id: Principal },
  ];
  assert.equal(canisterId.toText(), 'lxzze-o7777-77777-aaaaa-cai', 'the first canister of the application subnet');

  const Mode = IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Null });
  await agent.update(Principal.managementCanister(), {
    methodName: 'install_code',
    arg: IDL.encode(
      [IDL.Record({ mode: Mode, canister_id: IDL.Principal, wasm_module: IDL.Vec(IDL.Nat8), arg: IDL.Vec(IDL.Nat8) })],
      [{ mode: { install: null }, canister_id: canisterId, wasm_module: readFileSync(motokoProbe().wasmPath), arg: IDL.encode([], []) }],
    ),
    effectiveCanisterId: canisterId,
  });

  const greet = await agent.query(canisterId, { methodName: 'greet', arg: IDL.encode([IDL.Text], ['agent']) });
  assert.equal(greet.status, 'replied');
  assert.equal(IDL.decode([IDL.Text], (greet as { reply: { arg: Uint8Array } }).reply.arg)[0], 'Hello, agent!');
  const inc = await agent.update(canisterId, { methodName: 'inc', arg: IDL.encode([], []), effectiveCanisterId: canisterId });
  assert.equal(IDL.decode([IDL.Nat], inc.reply)[0], 1n);
});

test('devnet/bin/pocket-ic --live prints the live instance URL, which answers /api/v2/status with its root key', async () => {
  const child = spawn(DEVNET_BIN, ['--live', '--ttl', '30'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines: string[] = [];
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        buffered += d;
        const parts = buffered.split('\n');
        buffered = parts.pop()!;
        lines.push(...parts);
        if (lines.length >= 2) resolve();
      });
      child.once('exit', (code) => reject(new Error(`pocket-ic exited with ${code}`)));
    });
    assert.match(lines[0], /^http:\/\/127\.0\.0\.1:\d+$/);
    const m = lines[1].match(/^live instance 0: (http:\/\/127\.0\.0\.1:\d+)$/);
    assert.ok(m, lines[1]);
    const res = await fetch(`${m[1]}/api/v2/status`);
    assert.equal(res.status, 200);
    const status = Cbor.decode(new Uint8Array(await res.arrayBuffer())) as { root_key: Uint8Array };
    assert.equal(status.root_key.length, 133);
    const live = await fetch(`${lines[0]}/instances/0/auto_progress`);
    assert.equal(await live.text(), 'true');
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
