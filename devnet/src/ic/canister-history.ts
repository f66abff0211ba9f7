/**
 * Canister history and `canister_info` (IC spec, "IC method canister_info"): every canister keeps
 * the changes made to it (creation, code deployments with the module hash, code uninstalls,
 * snapshot loads, controller changes), each with the time, the canister version after the change
 * and who made it. `canister_info` returns the most recent ones, the total count, the module hash
 * and the controllers, and only canisters may call it.
 */
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';

/**
 * Changes kept per canister: the spec guarantees at least 20 and lets the system drop older
 * ones; the replica keeps exactly 20 (MAX_CANISTER_HISTORY_CHANGES). `total_num_changes` still
 * counts them all.
 */
export const MAX_HISTORY_CHANGES = 20;

const snapshot_id = IDL.Vec(IDL.Nat8);
const change_origin = IDL.Variant({
  from_user: IDL.Record({ user_id: IDL.Principal }),
  from_canister: IDL.Record({ canister_id: IDL.Principal, canister_version: IDL.Opt(IDL.Nat64) }),
});
const change_details = IDL.Variant({
  creation: IDL.Record({ controllers: IDL.Vec(IDL.Principal), environment_variables_hash: IDL.Opt(IDL.Vec(IDL.Nat8)) }),
  code_uninstall: IDL.Null,
  code_deployment: IDL.Record({
    mode: IDL.Variant({ install: IDL.Null, reinstall: IDL.Null, upgrade: IDL.Null }),
    module_hash: IDL.Vec(IDL.Nat8),
  }),
  load_snapshot: IDL.Record({
    canister_version: IDL.Nat64,
    snapshot_id,
    taken_at_timestamp: IDL.Nat64,
    source: IDL.Variant({ taken_from_canister: IDL.Reserved, metadata_upload: IDL.Reserved }),
  }),
  controllers_change: IDL.Record({ controllers: IDL.Vec(IDL.Principal) }),
});
const change = IDL.Record({
  timestamp_nanos: IDL.Nat64,
  canister_version: IDL.Nat64,
  origin: change_origin,
  details: change_details,
});

/** Candid types of `canister_info`, from the spec's ic.did. */
export const canister_info = {
  arg: IDL.Record({ canister_id: IDL.Principal, num_requested_changes: IDL.Opt(IDL.Nat64) }),
  ret: IDL.Record({
    total_num_changes: IDL.Nat64,
    recent_changes: IDL.Vec(change),
    module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
    controllers: IDL.Vec(IDL.Principal),
  }),
};

export type ChangeOrigin =
  { from_user: { user_id: Principal } } | { from_canister: { canister_id: Principal; canister_version: [] | [bigint] } };

export type ChangeDetails =
  | { creation: { controllers: Principal[]; environment_variables_hash: [] | [Uint8Array] } }
  | { code_uninstall: null }
  | { code_deployment: { mode: { install: null } | { reinstall: null } | { upgrade: null }; module_hash: Uint8Array } }
  | {
      load_snapshot: {
        canister_version: bigint;
        snapshot_id: Uint8Array;
        taken_at_timestamp: bigint;
        source: { taken_from_canister: null };
      };
    }
  | { controllers_change: { controllers: Principal[] } };

export interface CanisterChange {
  timestamp_nanos: bigint;
  canister_version: bigint;
  origin: ChangeOrigin;
  details: ChangeDetails;
}

export class CanisterHistory {
  private changes: CanisterChange[] = [];
  private total = 0n;

  record(c: CanisterChange): void {
    this.changes.push(c);
    this.total++;
    if (this.changes.length > MAX_HISTORY_CHANGES) this.changes.shift();
  }

  get totalNumChanges(): bigint {
    return this.total;
  }

  /** The `n` most recent changes, oldest first. */
  recent(n: bigint): CanisterChange[] {
    const k = n > BigInt(this.changes.length) ? this.changes.length : Number(n);
    return k === 0 ? [] : this.changes.slice(this.changes.length - k);
  }
}

/**
 * Who made a change: the calling canister (with the `sender_canister_version` it passed, if any)
 * or the user who sent the ingress message.
 */
export function changeOrigin(args: {
  caller: Principal;
  callerIsCanister: boolean;
  senderCanisterVersion: [] | [bigint] | undefined;
}): ChangeOrigin {
  return args.callerIsCanister
    ? { from_canister: { canister_id: args.caller, canister_version: args.senderCanisterVersion ?? [] } }
    : { from_user: { user_id: args.caller } };
}

/**
 * The hash of the environment variables recorded at creation: the spec's hash of a map
 * (IC spec, "Representation-independent hashing of structured data"): SHA-256 of the sorted
 * concatenation of SHA-256(name) ‖ SHA-256(value) of each entry.
 */
export function environmentVariablesHash(vars: { name: string; value: string }[]): Uint8Array {
  const enc = new TextEncoder();
  const pairs = vars.map((v) => concatBytes(sha256(enc.encode(v.name)), sha256(enc.encode(v.value))));
  pairs.sort((a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
  return sha256(concatBytes(...pairs));
}
