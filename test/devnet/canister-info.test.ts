/**
 * canister_info (IC spec "IC method canister_info"): a canister's history of changes (creation,
 * code deployments with their module hash, controller changes, code uninstalls, snapshot loads),
 * with time, canister version and origin, asked for by another canister (an Azle canister's raw
 * call) through the standard @dfinity/pic client; users cannot call it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { startInstance, stopInstance } from '../support/pic.ts';
import { azleProbeIdl, type AzleProbe } from '../support/probes.ts';

const MANAGEMENT = Principal.fromText('aaaaa-aa');
const user = Principal.anonymous(); // PicJS's default sender
const optNat = (n: bigint | null) => new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [n === null ? [] : [n]]));

// The spec's ic.did types, written here independently of the devnet's.
const InfoArgs = IDL.Record({ canister_id: IDL.Principal, num_requested_changes: IDL.Opt(IDL.Nat64) });
const Change = IDL.Record({
  timestamp_nanos: IDL.Nat64,
  canister_version: IDL.Nat64,
  origin: IDL.Variant({
    from_user: IDL.Record({ user_id: IDL.Principal }),
    from_canister: IDL.Record({ canister_id: IDL.Principal, canister_version: IDL.Opt(IDL.Nat64) }),
  }),
  details: IDL.Variant({
    creation: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
    code_uninstall: IDL.Null,
    code_deployment: IDL.Record({
      mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Null }),
      module_hash: IDL.Vec(IDL.Nat8),
    }),
    load_snapshot: IDL.Record({ canister_version: IDL.Nat64, snapshot_id: IDL.Vec(IDL.Nat8), taken_at_timestamp: IDL.Nat64 }),
    controllers_change: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
  }),
});
const InfoResult = IDL.Record({
  total_num_changes: IDL.Nat64,
  recent_changes: IDL.Vec(Change),
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  controllers: IDL.Vec(IDL.Principal),
});
const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });
const UpdateSettings = IDL.Record({
  canister_id: IDL.Principal,
  settings: IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)) }),
});

let server: PocketIcServer;
let pic: PocketIc;
let azle: Fixture;
let motoko: Fixture;
let caller: Principal;
let callerActor: AzleProbe;

before(async () => {
  azle = azleProbe();
  motoko = motokoProbe();
  ({ server, pic } = await startInstance());
  const setup = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
  caller = setup.canisterId;
  callerActor = setup.actor;
});

after(() => stopInstance({ server, pic }));

/** canister_info, called by the Azle canister (only canisters may call it). */
async function info(canisterId: Principal, n: bigint | null) {
  const arg = new Uint8Array(IDL.encode([InfoArgs], [{ canister_id: canisterId, num_requested_changes: n === null ? [] : [n] }]));
  const r = await callerActor.rawCall(MANAGEMENT, 'canister_info', arg, 0n);
  if ('Err' in r) throw new Error(`canister_info rejected (${r.Err.code}): ${r.Err.message}`);
  return IDL.decode([InfoResult], r.Ok)[0] as any;
}

const controllersOf = (ps: Principal[]) => ps.map((p) => p.toText());

/** Principals as text and blobs as hex, so decoded values compare with plain expectations. */
function plain(v: unknown): unknown {
  if (v instanceof Principal) return v.toText();
  if (v instanceof Uint8Array) return bytesToHex(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('canister_info', () => {
  test('creation, install, controllers change, upgrade and an uninstall by a canister, with time, version and origin', async () => {
    const t = 1_767_225_600_000n * 1_000_000n; // 2026-01-01T00:00:00Z in ns
    await pic.setTime(Number(t / 1_000_000n));
    const target = await pic.createCanister();
    await pic.installCode({ canisterId: target, wasm: motoko.wasmPath });
    await pic.updateCanisterSettings({ canisterId: target, controllers: [user, caller] });
    await pic.upgradeCanister({
      canisterId: target,
      wasm: motoko.wasmPath,
      upgradeModeOptions: { skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] },
    });
    const uninstalled = await callerActor.rawCall(
      MANAGEMENT,
      'uninstall_code',
      new Uint8Array(IDL.encode([CanisterIdRecord], [{ canister_id: target }])),
      0n,
    );
    assert.ok('Ok' in uninstalled);

    const hash = bytesToHex(sha256(readFileSync(motoko.wasmPath)));
    const u = user.toText();
    const c = caller.toText();
    const r = await info(target, 10n);
    assert.equal(r.total_num_changes, 5n);
    assert.deepEqual(r.module_hash, []);
    assert.deepEqual(controllersOf(r.controllers), [user.toText(), caller.toText()]);
    // Each call took one round; rounds that did not otherwise advance time are 1 ns apart.
    assert.deepEqual(plain(r.recent_changes), [
      {
        timestamp_nanos: t,
        canister_version: 0n,
        origin: { from_user: { user_id: u } },
        details: { creation: { controllers: [u] } },
      },
      {
        timestamp_nanos: t + 1n,
        canister_version: 1n,
        origin: { from_user: { user_id: u } },
        details: { code_deployment: { mode: { install: null }, module_hash: hash } },
      },
      {
        timestamp_nanos: t + 2n,
        canister_version: 2n,
        origin: { from_user: { user_id: u } },
        details: { controllers_change: { controllers: [u, c] } },
      },
      {
        timestamp_nanos: t + 3n,
        canister_version: 3n,
        origin: { from_user: { user_id: u } },
        details: { code_deployment: { mode: { upgrade: null }, module_hash: hash } },
      },
      {
        // The Azle canister's update (one round) sent the call, delivered in the next round.
        timestamp_nanos: t + 5n,
        canister_version: 4n,
        origin: { from_canister: { canister_id: c, canister_version: [] } },
        details: { code_uninstall: null },
      },
    ]);
    // Fewer changes when fewer are asked for: the most recent ones; none when not asked.
    const two = await info(target, 2n);
    assert.deepEqual(
      two.recent_changes.map((c: { canister_version: bigint }) => c.canister_version),
      [3n, 4n],
    );
    const none = await info(target, null);
    assert.equal(none.total_num_changes, 5n);
    assert.deepEqual(none.recent_changes, []);
  });

  test('the history keeps the 20 most recent changes; total_num_changes counts them all', async () => {
    const target = await pic.createCanister();
    for (let i = 0; i < 24; i++) {
      await pic.updateCall({
        canisterId: MANAGEMENT,
        method: 'update_settings',
        arg: new Uint8Array(IDL.encode([UpdateSettings], [{ canister_id: target, settings: { controllers: [[user]] } }])),
      });
    }
    const r = await info(target, 100n);
    assert.equal(r.total_num_changes, 25n);
    assert.equal(r.recent_changes.length, 20);
    assert.deepEqual(
      r.recent_changes.map((c: { canister_version: bigint }) => c.canister_version),
      Array.from({ length: 20 }, (_, k) => BigInt(5 + k)),
    );
  });

  test('loading a snapshot is a change: the snapshot id, and the version and time it was taken at', async () => {
    const target = await pic.createCanister();
    await pic.installCode({ canisterId: target, wasm: motoko.wasmPath });
    const TakeArgs = IDL.Record({ canister_id: IDL.Principal, replace_snapshot: IDL.Opt(IDL.Vec(IDL.Nat8)) });
    const Snapshot = IDL.Record({ id: IDL.Vec(IDL.Nat8), taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 });
    const taken = IDL.decode(
      [Snapshot],
      await pic.updateCall({
        canisterId: MANAGEMENT,
        method: 'take_canister_snapshot',
        arg: new Uint8Array(IDL.encode([TakeArgs], [{ canister_id: target, replace_snapshot: [] }])),
      }),
    )[0] as unknown as { id: Uint8Array; taken_at_timestamp: bigint };
    const LoadArgs = IDL.Record({ canister_id: IDL.Principal, snapshot_id: IDL.Vec(IDL.Nat8) });
    await pic.updateCall({
      canisterId: MANAGEMENT,
      method: 'load_canister_snapshot',
      arg: new Uint8Array(IDL.encode([LoadArgs], [{ canister_id: target, snapshot_id: taken.id }])),
    });
    const r = await info(target, 1n);
    assert.equal(r.total_num_changes, 3n);
    const [change] = plain(r.recent_changes) as { canister_version: bigint; timestamp_nanos: bigint; details: unknown }[];
    assert.equal(change.canister_version, 2n);
    assert.equal(change.timestamp_nanos, taken.taken_at_timestamp + 1n);
    assert.deepEqual(change.details, {
      load_snapshot: { canister_version: 1n, snapshot_id: bytesToHex(taken.id), taken_at_timestamp: taken.taken_at_timestamp },
    });
  });

  test('users cannot call canister_info', async () => {
    await assert.rejects(
      pic.updateCall({
        canisterId: MANAGEMENT,
        method: 'canister_info',
        arg: new Uint8Array(IDL.encode([InfoArgs], [{ canister_id: caller, num_requested_changes: [] }])),
      }),
      /ic00 method canister_info can not be called via ingress messages/,
    );
  });
});
