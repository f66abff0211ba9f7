/**
 * The management canister and bad input, through @dfinity/pic: lifecycle, settings, status,
 * controller checks, chunked installs, and clear errors (never a crash) for malformed Wasm,
 * wrong Candid, unknown canisters and methods, and a trap in init. Runs unchanged against a real
 * PocketIC when POCKET_IC_BIN names one.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { startInstance, stopInstance } from '../support/pic.ts';
import { azleProbeIdl, motokoProbeIdl, type AzleProbe, type MotokoProbe } from '../support/probes.ts';

const MANAGEMENT = Principal.fromText('aaaaa-aa');
const anonymous = Principal.anonymous();
const stranger = Principal.fromText('xkbqi-2qaaa-aaaah-qbpqq-cai');
const initArg = (n: bigint | null) => new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [n === null ? [] : [n]]));

const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });
const StatusResult = IDL.Record({
  status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
  settings: IDL.Record({ controllers: IDL.Vec(IDL.Principal), freezing_threshold: IDL.Nat, compute_allocation: IDL.Nat }),
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  cycles: IDL.Nat,
});

let server: PocketIcServer;
let pic: PocketIc;
let azle: Fixture;
let motoko: Fixture;

before(async () => {
  azle = azleProbe();
  motoko = motokoProbe();
  ({ server, pic } = await startInstance());
});
after(() => stopInstance({ server, pic }));

async function status(canisterId: Principal, sender = anonymous) {
  const res = await pic.updateCall({
    canisterId: MANAGEMENT,
    method: 'canister_status',
    arg: new Uint8Array(IDL.encode([CanisterIdRecord], [{ canister_id: canisterId }])),
    sender,
  });
  return IDL.decode([StatusResult], res)[0] as unknown as {
    status: Record<string, null>;
    settings: { controllers: Principal[]; freezing_threshold: bigint; compute_allocation: bigint };
    module_hash: [] | [Uint8Array];
    cycles: bigint;
  };
}

describe('canister lifecycle', () => {
  test('create: controllers, cycles and an empty module', async () => {
    const id = await pic.createCanister({ cycles: 3_000_000_000_000n });
    assert.equal(await pic.getCyclesBalance(id), 3_000_000_000_000);
    assert.deepEqual(
      (await pic.getControllers(id)).map((p) => p.toText()),
      ['2vxsx-fae'],
    );
    const s = await status(id);
    assert.deepEqual(s.status, { running: null });
    assert.deepEqual(s.module_hash, []);
    assert.equal(s.settings.freezing_threshold, 2_592_000n);
  });

  test('install, module hash, stop, start, delete', async () => {
    const id = await pic.createCanister();
    await pic.installCode({ canisterId: id, wasm: motoko.wasmPath });
    const s = await status(id);
    assert.deepEqual(s.module_hash, [sha256(readFileSync(motoko.wasmPath))]);
    await pic.stopCanister({ canisterId: id });
    assert.deepEqual((await status(id)).status, { stopped: null });
    const actor = pic.createActor<MotokoProbe>(motokoProbeIdl, id);
    await assert.rejects(actor.get(), /is stopped/);
    await pic.startCanister({ canisterId: id });
    assert.equal(await actor.get(), 0n);
    await assert.rejects(
      pic.updateCall({
        canisterId: MANAGEMENT,
        method: 'delete_canister',
        arg: new Uint8Array(IDL.encode([CanisterIdRecord], [{ canister_id: id }])),
      }),
      /must be stopped before it is deleted/,
    );
    await pic.stopCanister({ canisterId: id });
    await pic.updateCall({
      canisterId: MANAGEMENT,
      method: 'delete_canister',
      arg: new Uint8Array(IDL.encode([CanisterIdRecord], [{ canister_id: id }])),
    });
    await assert.rejects(actor.get(), new RegExp(`Canister ${id.toText()} not found`));
  });

  test('update_settings changes controllers; the old controller is then refused', async () => {
    const id = await pic.createCanister();
    await pic.updateCanisterSettings({ canisterId: id, controllers: [stranger], freezingThreshold: 100n });
    assert.deepEqual(
      (await pic.getControllers(id)).map((p) => p.toText()),
      [stranger.toText()],
    );
    const s = await status(id, stranger);
    assert.equal(s.settings.freezing_threshold, 100n);
    await assert.rejects(
      pic.installCode({ canisterId: id, wasm: motoko.wasmPath }),
      /Only controllers of canister .* can call ic00 method install_code/,
    );
    await assert.rejects(status(id), /Only controllers of canister/);
  });

  test('installing twice in install mode is refused; the first install stays', async () => {
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    await actor.inc();
    await assert.rejects(pic.installCode({ canisterId, wasm: motoko.wasmPath }), /not empty/);
    assert.equal(await actor.get(), 1n);
  });

  test('chunked install: the Azle Wasm goes through upload_chunk and install_chunked_code', async () => {
    const { actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg(9n) });
    assert.equal(await actor.get(), 9n);
  });

  test('add cycles and read the balance', async () => {
    const id = await pic.createCanister({ cycles: 1_000n });
    assert.equal(await pic.addCycles(id, 500n), 1_500);
    assert.equal(await pic.getCyclesBalance(id), 1_500);
  });

  test('stable memory can be read and replaced from the test', async () => {
    const { canisterId, actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg(0n) });
    await actor.setStable('hello', 'world');
    const snapshot = await pic.getStableMemory(canisterId);
    assert.ok(snapshot.length >= 65_536);
    await actor.setStable('hello', 'changed');
    await pic.setStableMemory(canisterId, snapshot);
    await pic.upgradeCanister({ canisterId, wasm: azle.wasmPath, arg: initArg(0n) });
    assert.deepEqual(await actor.getStable('hello'), ['world']);
  });

  test('topology names an application subnet holding the default effective canister id', async () => {
    const topology = await pic.getTopology();
    const apps = topology.filter((s) => s.type === 'Application');
    assert.equal(apps.length, 1);
    const id = await pic.createCanister();
    const subnet = await pic.getCanisterSubnetId(id);
    assert.equal(subnet?.toText(), apps[0].id.toText());
  });
});

describe('bad input gets a clear error and the devnet keeps serving', () => {
  test('malformed Wasm', async () => {
    const id = await pic.createCanister();
    await assert.rejects(
      pic.installCode({ canisterId: id, wasm: new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0xff]) }),
      /Wasm module of canister is not valid|Failed to decode wasm module/,
    );
    await assert.rejects(pic.installCode({ canisterId: id, wasm: new TextEncoder().encode('not wasm at all') }), /not valid|decode/);
    assert.deepEqual((await status(id)).module_hash, []);
  });

  test('wrong Candid argument: the canister rejects it, nothing changes', async () => {
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    await assert.rejects(
      pic.updateCall({ canisterId, method: 'greetUpdate', arg: new Uint8Array(IDL.encode([IDL.Nat], [5n])) }),
      /Reject code: 5/,
    );
    assert.equal(await actor.get(), 0n);
  });

  test('unknown canister and unknown method', async () => {
    const missing = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
    await assert.rejects(
      pic.updateCall({ canisterId: missing, method: 'x', arg: new Uint8Array(IDL.encode([], [])) }),
      /Canister rwlgt-iiaaa-aaaaa-aaaaa-cai not found/,
    );
    const { canisterId } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    await assert.rejects(
      pic.updateCall({ canisterId, method: 'nope', arg: new Uint8Array(IDL.encode([], [])) }),
      /has no update method 'nope'/,
    );
    await assert.rejects(
      pic.queryCall({ canisterId, method: 'nope', arg: new Uint8Array(IDL.encode([], [])) }),
      /has no query method 'nope'/,
    );
  });

  test('a canister that traps in init stays empty and reports the trap', async () => {
    const id = await pic.createCanister();
    await assert.rejects(pic.installCode({ canisterId: id, wasm: azle.wasmPath, arg: initArg(666n) }), /init refused 666/);
    assert.deepEqual((await status(id)).module_hash, []);
    await pic.installCode({ canisterId: id, wasm: azle.wasmPath, arg: initArg(1n) });
    assert.equal(await pic.createActor<AzleProbe>(azleProbeIdl, id).get(), 1n);
  });

  test('management methods only canisters may call are refused from ingress', async () => {
    await assert.rejects(
      pic.updateCall({ canisterId: MANAGEMENT, method: 'raw_rand', arg: new Uint8Array(IDL.encode([], [])) }),
      /raw_rand can not be called via ingress/,
    );
  });

  test('instances are isolated from each other', async () => {
    const other = await PocketIc.create(server.getUrl());
    try {
      const { canisterId, actor } = await other.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
      await actor.inc();
      await actor.inc();
      // The same id in the first instance is a different canister (or none).
      const mine = pic.createActor<MotokoProbe>(motokoProbeIdl, canisterId);
      const value = await mine.get().catch(() => null);
      assert.notEqual(value, 2n);
      assert.equal(await actor.get(), 2n);
    } finally {
      await other.tearDown();
    }
  });
});
