/**
 * Canister snapshots on the management canister (IC spec "IC method take_canister_snapshot",
 * load, list, delete), driven through the standard @dfinity/pic client's updateCall (PicJS 0.23
 * has no snapshot helpers): ids as the replica makes them, sizes as canister_status reports them,
 * the per-canister limit, replace_snapshot, controller checks, and a round trip that brings back
 * an Azle canister's module, Wasm memory, stable memory and certified data after a reinstall.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { Certificate } from '@icp-sdk/core/agent';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { startInstance, stopInstance } from '../support/pic.ts';
import { azleProbeIdl, motokoProbeIdl, type AzleProbe, type MotokoProbe } from '../support/probes.ts';

const MANAGEMENT = Principal.fromText('aaaaa-aa');
const stranger = Principal.fromText('xkbqi-2qaaa-aaaah-qbpqq-cai');
const optNat = (n: bigint | null) => new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [n === null ? [] : [n]]));

// The spec's ic.did types, written here independently of the devnet's.
const Snapshot = IDL.Record({ id: IDL.Vec(IDL.Nat8), taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 });
type Snapshot = { id: Uint8Array; taken_at_timestamp: bigint; total_size: bigint };
const TakeArgs = IDL.Record({ canister_id: IDL.Principal, replace_snapshot: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const SnapshotArgs = IDL.Record({ canister_id: IDL.Principal, snapshot_id: IDL.Vec(IDL.Nat8) });
const CanisterIdRecord = IDL.Record({ canister_id: IDL.Principal });
const MemoryMetrics = IDL.Record({
  wasm_memory_size: IDL.Nat,
  stable_memory_size: IDL.Nat,
  wasm_binary_size: IDL.Nat,
  snapshots_size: IDL.Nat,
});
const Status = IDL.Record({ memory_size: IDL.Nat, memory_metrics: MemoryMetrics, cycles: IDL.Nat });
type Status = {
  memory_size: bigint;
  cycles: bigint;
  memory_metrics: { wasm_memory_size: bigint; stable_memory_size: bigint; wasm_binary_size: bigint; snapshots_size: bigint };
};

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

async function mgmt(method: string, type: IDL.Type, value: unknown, sender = Principal.anonymous()): Promise<Uint8Array> {
  return pic.updateCall({ canisterId: MANAGEMENT, method, arg: new Uint8Array(IDL.encode([type], [value])), sender });
}
async function take(canisterId: Principal, replace: Uint8Array | null = null, sender?: Principal): Promise<Snapshot> {
  const r = await mgmt('take_canister_snapshot', TakeArgs, { canister_id: canisterId, replace_snapshot: replace ? [replace] : [] }, sender);
  return IDL.decode([Snapshot], r)[0] as unknown as Snapshot;
}
async function list(canisterId: Principal): Promise<Snapshot[]> {
  const r = await mgmt('list_canister_snapshots', CanisterIdRecord, { canister_id: canisterId });
  return IDL.decode([IDL.Vec(Snapshot)], r)[0] as unknown as Snapshot[];
}
async function status(canisterId: Principal): Promise<Status> {
  const r = await mgmt('canister_status', CanisterIdRecord, { canister_id: canisterId });
  return IDL.decode([Status], r)[0] as unknown as Status;
}
const load = (canisterId: Principal, id: Uint8Array, sender?: Principal) =>
  mgmt('load_canister_snapshot', SnapshotArgs, { canister_id: canisterId, snapshot_id: id }, sender);
const remove = (canisterId: Principal, id: Uint8Array, sender?: Principal) =>
  mgmt('delete_canister_snapshot', SnapshotArgs, { canister_id: canisterId, snapshot_id: id }, sender);

/** The replica's snapshot id: the local index as a big-endian u64, then the canister id's bytes. */
function expectedId(canisterId: Principal, index: number): string {
  const local = new Uint8Array(8);
  new DataView(local.buffer).setBigUint64(0, BigInt(index), false);
  return bytesToHex(concatBytes(local, canisterId.toUint8Array()));
}

/** Defined mutable globals of a Wasm module, read from its global section. */
function mutableGlobals(wasm: Uint8Array): number {
  let i = 8;
  const leb = (): number => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = wasm[i++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  while (i < wasm.length) {
    const id = wasm[i++];
    const size = leb();
    const end = i + size;
    if (id === 6) {
      let mutable = 0;
      for (let n = leb(); n > 0; n--) {
        i++; // value type
        if (wasm[i++] === 1) mutable++;
        // The constant initialiser: operators with their immediates, up to `end` (0x0b).
        for (let op = wasm[i++]; op !== 0x0b; op = wasm[i++]) {
          if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) leb();
          else if (op === 0x43) i += 4;
          else if (op === 0x44) i += 8;
          else if (op === 0xd0) i++;
        }
      }
      return mutable;
    }
    i = end;
  }
  return 0;
}

describe('canister snapshots', () => {
  test('round trip: load brings back the module, Wasm memory, stable memory and certified data of an Azle canister', async () => {
    const { canisterId, actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(5n) });
    assert.equal(await actor.inc(), 6n);
    assert.deepEqual(await actor.setStable('k', 'before'), []);
    const certified = new Uint8Array(32).fill(1);
    await actor.setCertified(certified);
    await pic.stopCanister({ canisterId });

    const before = await status(canisterId);
    assert.equal(before.memory_metrics.snapshots_size, 0n);
    // Queries check certificates against a recent time: run the instance's clock from now.
    const takenAtMs = Date.now();
    await pic.setTime(takenAtMs);
    const snapshot = await take(canisterId);
    assert.equal(bytesToHex(snapshot.id), expectedId(canisterId, 0));
    assert.equal(snapshot.taken_at_timestamp, BigInt(takenAtMs) * 1_000_000n);
    // Its size as the replica counts it: module, Wasm memory, stable memory, certified data and
    // 32 bytes per Wasm global (the module's mutable globals and the instruction counter).
    // The chunk store too: PicJS installed the Azle module in chunks, and the spec charges each
    // stored chunk as 1 MiB.
    const m = before.memory_metrics;
    const globals = BigInt(mutableGlobals(readFileSync(azle.wasmPath)) + 1) * 32n;
    const chunks = IDL.decode(
      [IDL.Vec(IDL.Record({ hash: IDL.Vec(IDL.Nat8) }))],
      await mgmt('stored_chunks', CanisterIdRecord, { canister_id: canisterId }),
    )[0] as unknown[];
    assert.equal(chunks.length, Math.ceil(readFileSync(azle.wasmPath).length / (1024 * 1024)));
    const chunkBytes = BigInt(chunks.length) * 1024n * 1024n;
    assert.equal(snapshot.total_size, m.wasm_binary_size + m.wasm_memory_size + m.stable_memory_size + 32n + globals + chunkBytes);
    const after = await status(canisterId);
    assert.equal(after.memory_metrics.snapshots_size, snapshot.total_size);
    assert.equal(after.memory_size, before.memory_size + snapshot.total_size);
    assert.deepEqual(await list(canisterId), [snapshot]);

    // Change everything the snapshot holds: heap, stable memory, certified data, then the module.
    await pic.startCanister({ canisterId });
    assert.equal(await actor.inc(), 7n);
    assert.deepEqual(await actor.setStable('k', 'after'), ['before']);
    await actor.setCertified(new Uint8Array(32).fill(2));
    await pic.reinstallCode({ canisterId, wasm: motoko.wasmPath });
    assert.equal(bytesToHex((await pic.canisterStatus({ canisterId })).moduleHash!), bytesToHex(sha256(readFileSync(motoko.wasmPath))));

    await pic.stopCanister({ canisterId });
    await load(canisterId, snapshot.id);
    await pic.startCanister({ canisterId });
    assert.equal(bytesToHex((await pic.canisterStatus({ canisterId })).moduleHash!), bytesToHex(sha256(readFileSync(azle.wasmPath))));
    assert.equal(await actor.get(), 6n);
    assert.deepEqual(await actor.getStable('k'), ['before']);
    assert.equal(await actor.inc(), 7n);
    const [cert] = await actor.certificate();
    const subnetId = await pic.getCanisterSubnetId(canisterId);
    const rootKey = new Uint8Array(await pic.getPubKey(subnetId!));
    const certificate = await Certificate.create({ certificate: cert!, rootKey, principal: { canisterId } });
    const lookup = certificate.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']) as { value?: Uint8Array };
    assert.deepEqual(lookup.value, certified);
    // The snapshot stays after it is loaded, and can be loaded again.
    assert.deepEqual(await list(canisterId), [snapshot]);
  });

  test('replace_snapshot, delete, the limit of 10 per canister, and the replica’s errors', async () => {
    const { canisterId } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    const first = await take(canisterId);
    assert.equal(bytesToHex(first.id), expectedId(canisterId, 0));
    // Replacing deletes the old snapshot once the new one exists; indices keep counting.
    const second = await take(canisterId, first.id);
    assert.equal(bytesToHex(second.id), expectedId(canisterId, 1));
    assert.deepEqual(
      (await list(canisterId)).map((s) => bytesToHex(s.id)),
      [expectedId(canisterId, 1)],
    );
    const cid = canisterId.toText();
    await assert.rejects(take(canisterId, first.id), {
      message: `Canister call failed: Could not find the snapshot ID ${cid}-0 for canister ${cid}.. Reject code: 3. Error code: CanisterSnapshotNotFound. Certified: true`,
    });
    for (let i = 2; i <= 10; i++) assert.equal(bytesToHex((await take(canisterId)).id), expectedId(canisterId, i));
    assert.equal((await list(canisterId)).length, 10);
    await assert.rejects(take(canisterId), {
      message: `Canister call failed: Canister ${cid} has reached the maximum number of snapshots allowed: 10.. Reject code: 4. Error code: CanisterRejectedMessage. Certified: true`,
    });
    // At the limit, a replacing snapshot is still allowed.
    assert.equal(bytesToHex((await take(canisterId, second.id)).id), expectedId(canisterId, 11));

    await remove(canisterId, hexId(expectedId(canisterId, 11)));
    assert.equal((await list(canisterId)).length, 9);
    await assert.rejects(remove(canisterId, hexId(expectedId(canisterId, 11))), {
      message: `Canister call failed: Could not find the snapshot ID ${cid}-11 for canister ${cid}.. Reject code: 3. Error code: CanisterSnapshotNotFound. Certified: true`,
    });
    const sizes = (await list(canisterId)).reduce((n, s) => n + s.total_size, 0n);
    assert.equal((await status(canisterId)).memory_metrics.snapshots_size, sizes);
    for (const s of await list(canisterId)) await remove(canisterId, s.id);
    assert.equal((await status(canisterId)).memory_metrics.snapshots_size, 0n);
  });

  test('only controllers take, load and delete snapshots, snapshot_visibility decides who lists them; a snapshot of another canister is refused by delete', async () => {
    const { canisterId } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    const other = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    const s = await take(canisterId);
    const cid = canisterId.toText();
    const notController = (method: string) =>
      `Canister call failed: Only controllers of canister ${cid} can call ic00 method ${method}. Sender ${stranger.toText()} is not a controller.. Reject code: 5. Error code: CanisterInvalidController. Certified: true`;
    await assert.rejects(take(canisterId, null, stranger), { message: notController('take_canister_snapshot') });
    await assert.rejects(load(canisterId, s.id, stranger), { message: notController('load_canister_snapshot') });
    await assert.rejects(remove(canisterId, s.id, stranger), { message: notController('delete_canister_snapshot') });
    await assert.rejects(mgmt('list_canister_snapshots', CanisterIdRecord, { canister_id: canisterId }, stranger), {
      message: notController('list_canister_snapshots'),
    });
    // snapshot_visibility opens listing (and only listing) to viewers, then to everyone.
    await pic.updateCanisterSettings({ canisterId, snapshotVisibility: { allowedViewers: [stranger] } });
    const listAs = async (sender: Principal) =>
      (
        IDL.decode(
          [IDL.Vec(Snapshot)],
          await mgmt('list_canister_snapshots', CanisterIdRecord, { canister_id: canisterId }, sender),
        )[0] as unknown as Snapshot[]
      ).map((x) => bytesToHex(x.id));
    assert.deepEqual(await listAs(stranger), [bytesToHex(s.id)]);
    const third = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
    await assert.rejects(listAs(third), {
      message: `Canister call failed: Only controllers of canister ${cid} can call ic00 method list_canister_snapshots. Sender ${third.toText()} is not a controller.. Reject code: 5. Error code: CanisterInvalidController. Certified: true`,
    });
    await assert.rejects(remove(canisterId, s.id, stranger), { message: notController('delete_canister_snapshot') });
    await pic.updateCanisterSettings({ canisterId, snapshotVisibility: { public: null } });
    assert.deepEqual(await listAs(third), [bytesToHex(s.id)]);

    const oid = other.canisterId.toText();
    await assert.rejects(remove(other.canisterId, s.id), {
      message: `Canister call failed: The snapshot ${cid}-0 does not belong to canister ${oid}.. Reject code: 4. Error code: CanisterRejectedMessage. Certified: true`,
    });
  });

  test('Motoko (64-bit memory, enhanced orthogonal persistence): a loaded snapshot brings back the heap state', async () => {
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    assert.equal(await actor.inc(), 1n);
    assert.equal(await actor.inc(), 2n);
    const s = await take(canisterId);
    assert.equal(await actor.inc(), 3n);
    await load(canisterId, s.id);
    assert.equal(await actor.get(), 2n);
    assert.equal(await actor.inc(), 3n);
  });

  test('a snapshot of another canister loads onto a canister whose controller also controls its owner', async () => {
    const a = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(40n) });
    const b = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    assert.equal(await a.actor.inc(), 41n);
    await a.actor.setStable('from', 'a');
    const s = await take(a.canisterId);
    await load(b.canisterId, s.id);
    assert.equal(await b.actor.get(), 41n);
    assert.deepEqual(await b.actor.getStable('from'), ['a']);
    // The snapshot stays with its owner.
    assert.deepEqual(await list(b.canisterId), []);
    assert.deepEqual(await list(a.canisterId), [s]);
    // A controller of the target who does not control the owner is refused.
    await pic.updateCanisterSettings({ canisterId: b.canisterId, controllers: [Principal.anonymous(), stranger] });
    const aid = a.canisterId.toText();
    const bid = b.canisterId.toText();
    await assert.rejects(load(b.canisterId, s.id, stranger), {
      message: `Canister call failed: Only a controller of the canister that snapshot ${aid}-0 belongs to can load it on canister ${bid}. Sender: ${stranger.toText()}.. Reject code: 4. Error code: CanisterRejectedMessage. Certified: true`,
    });
  });

  test('taking and loading a snapshot charge 2B instructions plus one per byte of it, at Wasm32 prices', async () => {
    const { canisterId } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    await pic.stopCanister({ canisterId });
    const cost = (size: bigint) => 5_000_000n + (4n * (2_000_000_000n + size)) / 10n;
    // canister_status's exact balance (PicJS's getCyclesBalance is a float).
    const before = (await status(canisterId)).cycles;
    const s = await take(canisterId);
    const afterTake = (await status(canisterId)).cycles;
    assert.equal(before - afterTake, cost(s.total_size));
    await load(canisterId, s.id);
    assert.equal(afterTake - (await status(canisterId)).cycles, cost(s.total_size));
  });

  test('an empty canister has nothing to snapshot', async () => {
    const canisterId = await pic.createCanister();
    const cid = canisterId.toText();
    await assert.rejects(take(canisterId), {
      message: `Canister call failed: Failed to create snapshot for empty canister ${cid}:. Reject code: 4. Error code: CanisterRejectedMessage. Certified: true`,
    });
  });
});

function hexId(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));
}
