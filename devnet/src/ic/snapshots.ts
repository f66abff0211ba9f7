/**
 * Canister snapshots (IC spec, "IC method take_canister_snapshot", "load_canister_snapshot",
 * "list_canister_snapshots", "delete_canister_snapshot"). A snapshot holds the Wasm module, the
 * Wasm memory, the mutable globals, the stable memory, the certified data and the Wasm chunk
 * store; loading it puts all of them back. Ids, limits, sizes and errors follow the replica
 * (dfinity/ic rs/execution_environment/src/canister_manager.rs).
 *
 * Neither taking nor loading requires a stopped canister: the spec only advises stopping first,
 * so that no callback of the old state meets the new one, and the replica does not check it.
 * Here, as after an upgrade, callbacks registered by the replaced code never run.
 */
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Canister } from './canister.ts';
import { IcError } from './errors.ts';
import type { Instance } from './instance.ts';
import { fees } from './limits.ts';
import type { CanisterModule } from './wasm-module.ts';

/** Snapshots one canister may hold (the replica's MAX_NUMBER_OF_SNAPSHOTS_PER_CANISTER, rs/config). */
export const MAX_SNAPSHOTS_PER_CANISTER = 10;
/**
 * Instructions charged for taking or loading a snapshot besides one per byte of it: the replica's
 * DEFAULT_CANISTERS_SNAPSHOT_BASELINE_INSTRUCTIONS (rs/config/src/subnet_config.rs).
 */
export const SNAPSHOT_BASELINE_INSTRUCTIONS = 2_000_000_000n;
/** Bytes the replica counts per Wasm global (`size_of::<Global>()`, a 16-byte-aligned enum). */
const GLOBAL_BYTES = 32n;
/** Bytes the replica counts per chunk in the Wasm chunk store (every chunk is charged as 1 MiB). */
const CHUNK_BYTES = 1024n * 1024n;

const snapshot = IDL.Record({ id: IDL.Vec(IDL.Nat8), taken_at_timestamp: IDL.Nat64, total_size: IDL.Nat64 });

/** Candid types of the snapshot methods, from the spec's ic.did (with its newer optional fields). */
export const snapshotIdl = {
  take_canister_snapshot: {
    arg: IDL.Record({
      canister_id: IDL.Principal,
      replace_snapshot: IDL.Opt(IDL.Vec(IDL.Nat8)),
      uninstall_code: IDL.Opt(IDL.Bool),
      sender_canister_version: IDL.Opt(IDL.Nat64),
    }),
    ret: snapshot,
  },
  load_canister_snapshot: {
    arg: IDL.Record({ canister_id: IDL.Principal, snapshot_id: IDL.Vec(IDL.Nat8), sender_canister_version: IDL.Opt(IDL.Nat64) }),
    ret: null,
  },
  list_canister_snapshots: { arg: IDL.Record({ canister_id: IDL.Principal }), ret: IDL.Vec(snapshot) },
  delete_canister_snapshot: { arg: IDL.Record({ canister_id: IDL.Principal, snapshot_id: IDL.Vec(IDL.Nat8) }), ret: null },
} as const;

export interface Snapshot {
  /** 8-byte big-endian local index, then the canister id's bytes (the replica's SnapshotId). */
  id: Uint8Array;
  canisterId: Principal;
  localId: bigint;
  takenAt: bigint;
  /** The canister's version when the snapshot was taken. */
  canisterVersion: bigint;
  totalSize: bigint;
  module: CanisterModule;
  heap: Uint8Array;
  globals: (number | bigint)[];
  stable: Uint8Array;
  certifiedData: Uint8Array;
  chunkStore: Map<string, Uint8Array>;
}

/** The replica's SnapshotId bytes: the local index as a big-endian u64, then the canister id. */
export function snapshotId(canisterId: Principal, localId: bigint): Uint8Array {
  const out = new Uint8Array(8 + canisterId.toUint8Array().length);
  new DataView(out.buffer).setBigUint64(0, localId, false);
  out.set(canisterId.toUint8Array(), 8);
  return out;
}

/** How the replica prints a snapshot id in its errors: `<canister id>-<local index>`. */
function idText(id: Uint8Array): string {
  const parsed = parseSnapshotId(id);
  return parsed ? `${parsed.canisterId.toText()}-${parsed.localId}` : bytesToHex(id);
}

function parseSnapshotId(id: Uint8Array): { canisterId: Principal; localId: bigint } | null {
  if (id.length < 8 || id.length > 8 + 29) return null;
  const localId = new DataView(id.buffer, id.byteOffset, 8).getBigUint64(0, false);
  return { canisterId: Principal.fromUint8Array(id.slice(8)), localId };
}

/** Bytes of the snapshot the canister's current state would make (the replica's `snapshot_size_bytes`). */
function sizeOf(s: { module: CanisterModule; heap: Uint8Array; globals: unknown[]; stable: Uint8Array }, c: Canister): bigint {
  // Globals: the module's mutable globals and the instruction counter the instrumentation adds.
  const globals = BigInt(s.globals.length + 1) * GLOBAL_BYTES;
  return (
    BigInt(s.module.info.bytes.length + s.heap.length + s.stable.length + c.certifiedData.length) +
    globals +
    BigInt(c.chunkStore.size) * CHUNK_BYTES
  );
}

/** Bytes all of a canister's snapshots take (canister_status `memory_metrics.snapshots_size`). */
export function snapshotsSize(c: Canister): bigint {
  let n = 0n;
  for (const s of c.snapshots.values()) n += s.totalSize;
  return n;
}

export function encodeSnapshot(s: Snapshot): { id: Uint8Array; taken_at_timestamp: bigint; total_size: bigint } {
  return { id: s.id, taken_at_timestamp: s.takenAt, total_size: s.totalSize };
}

function notFound(c: Canister, id: Uint8Array): IcError {
  return new IcError({
    errorCode: 'CanisterSnapshotNotFound',
    message: `Could not find the snapshot ID ${idText(id)} for canister ${c.idText}.`,
  });
}

/** A snapshot of canister `c` by id: not found, or refused when it belongs to another canister. */
function ownSnapshot(c: Canister, id: Uint8Array): Snapshot {
  const parsed = parseSnapshotId(id);
  if (parsed && parsed.canisterId.toText() !== c.idText) {
    throw new IcError({
      errorCode: 'CanisterRejectedMessage',
      message: `The snapshot ${idText(id)} does not belong to canister ${c.idText}.`,
    });
  }
  const s = c.snapshots.get(bytesToHex(id));
  if (!s) throw notFound(c, id);
  return s;
}

/**
 * Charge the instructions a snapshot operation costs (baseline plus one per byte), priced as
 * Wasm32 execution whatever the module: the replica prices snapshot work so
 * (`WasmExecutionMode::Wasm32` in canister_manager.rs).
 */
function charge(inst: Instance, c: Canister, size: bigint): void {
  const instructions = SNAPSHOT_BASELINE_INSTRUCTIONS + size;
  const cost = inst.charge(c, fees.updateMessageExecution + (fees.tenUpdateInstructions * instructions) / 10n);
  c.cycles = c.cycles > cost ? c.cycles - cost : 0n;
}

/**
 * take_canister_snapshot on a canister whose controller the caller is. With `replace`, that
 * snapshot (which must be the canister's) is deleted once the new one exists; without it the
 * canister must have fewer than MAX_SNAPSHOTS_PER_CANISTER.
 */
export function takeSnapshot(inst: Instance, c: Canister, replace: Uint8Array | null): Snapshot {
  const replaced = replace ? ownSnapshot(c, replace) : null;
  if (!replaced && c.snapshots.size >= MAX_SNAPSHOTS_PER_CANISTER) {
    throw new IcError({
      errorCode: 'CanisterRejectedMessage',
      message: `Canister ${c.idText} has reached the maximum number of snapshots allowed: ${MAX_SNAPSHOTS_PER_CANISTER}.`,
    });
  }
  const state = c.captureState();
  if (!state) {
    throw new IcError({ errorCode: 'CanisterRejectedMessage', message: `Failed to create snapshot for empty canister ${c.idText}:` });
  }
  const localId = c.nextSnapshotId++;
  const id = snapshotId(c.id, localId);
  const totalSize = sizeOf(state, c);
  const s: Snapshot = {
    id,
    canisterId: c.id,
    localId,
    takenAt: inst.time(),
    canisterVersion: c.version,
    totalSize,
    ...state,
    certifiedData: c.certifiedData.slice(),
    chunkStore: new Map([...c.chunkStore].map(([h, b]) => [h, b.slice()])),
  };
  charge(inst, c, totalSize);
  if (replaced) c.snapshots.delete(bytesToHex(replaced.id));
  c.snapshots.set(bytesToHex(id), s);
  return s;
}

/**
 * load_canister_snapshot: the snapshot may belong to `c` or to another canister on its subnet
 * whose controller the caller also is (IC spec). The module, Wasm memory, globals, stable
 * memory, certified data and chunk store come back; the global timer does not (the replica
 * restores it only for uploaded snapshots). Callbacks of the replaced code never run.
 */
export function loadSnapshot(inst: Instance, c: Canister, id: Uint8Array, caller: Principal): Snapshot {
  const parsed = parseSnapshotId(id);
  const owner = parsed ? inst.getCanister(parsed.canisterId) : null;
  const s = owner && owner.subnetIndex === c.subnetIndex ? owner.snapshots.get(bytesToHex(id)) : undefined;
  if (!owner || !s) throw notFound(c, id);
  if (owner !== c && !owner.isController(caller)) {
    throw new IcError({
      errorCode: 'CanisterRejectedMessage',
      message: `Only a controller of the canister that snapshot ${idText(id)} belongs to can load it on canister ${c.idText}. Sender: ${caller.toText()}.`,
    });
  }
  charge(inst, c, s.totalSize);
  c.loadState({ module: s.module, heap: s.heap, globals: s.globals, stable: s.stable });
  c.certifiedData = s.certifiedData.slice();
  c.chunkStore = new Map([...s.chunkStore].map(([h, b]) => [h, b.slice()]));
  return s;
}

export function deleteSnapshot(c: Canister, id: Uint8Array): void {
  const s = ownSnapshot(c, id);
  c.snapshots.delete(bytesToHex(s.id));
}

export function listSnapshots(c: Canister): Snapshot[] {
  return [...c.snapshots.values()].sort((a, b) => (a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0));
}
