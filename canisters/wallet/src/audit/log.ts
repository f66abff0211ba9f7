/**
 * The signature log: every signature the wallet obtains, and every configuration or admin
 * change, appended as one entry of an RFC 9162 Merkle tree (src/lib/audit) in stable memory.
 * The tree's head digest (`auditHeadDigest`: length and root) is the canister's certified data,
 * so `audit_head` comes with a certificate that verifies against the IC's root key, and every
 * inclusion or consistency proof is checked against a head the IC signed.
 *
 * A leaf is the Candid encoding of an `AuditEntry`; clients hash the bytes they receive
 * (`leafHash`) and decode the same bytes, so what they verify is what they read.
 */
import { certifiedDataSet, IDL, StableBTreeMap, time, type Principal } from 'azle';
import { appendLeaf, auditHeadDigest, consistencyProof, inclusionProof, leafHash, rootHash } from '../../../../src/lib/audit/index.ts';
import type { MerkleNodeStore } from '../../../../src/lib/audit/index.ts';
import { MEMORY } from '../memory.ts';
import { rawBytes, textKey, u64Key } from '../stable.ts';

export const SignatureEvent = IDL.Record({
  chain: IDL.Text,
  method: IDL.Text,
  key_name: IDL.Text,
  algorithm: IDL.Text,
  derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)),
  /** The exact bytes signed: an ECDSA digest, a BIP340 sighash, or a whole Solana message. */
  message: IDL.Vec(IDL.Nat8),
  /** The structured transaction the message was computed from, as canonical JSON. */
  transaction: IDL.Text,
  txid: IDL.Text,
});
export type SignatureEvent = {
  chain: string;
  method: string;
  key_name: string;
  algorithm: string;
  derivation_path: Uint8Array[];
  message: Uint8Array;
  transaction: string;
  txid: string;
};

export const AdminEvent = IDL.Record({ method: IDL.Text, before: IDL.Text, after: IDL.Text });
export type AdminEvent = { method: string; before: string; after: string };

export const AuditEvent = IDL.Variant({ signature: SignatureEvent, admin: AdminEvent });
export type AuditEvent = { signature: SignatureEvent } | { admin: AdminEvent };

export const AuditEntry = IDL.Record({ index: IDL.Nat64, time_ns: IDL.Nat64, caller: IDL.Principal, event: AuditEvent });
export type AuditEntry = { index: bigint; time_ns: bigint; caller: Principal; event: AuditEvent };

const leaves = new StableBTreeMap<bigint, Uint8Array>(MEMORY.auditLeaves, u64Key, rawBytes);
const nodeMap = new StableBTreeMap<string, Uint8Array>(MEMORY.auditNodes, textKey, rawBytes);
const byCaller = new StableBTreeMap<string, bigint>(MEMORY.auditByCaller, textKey, u64Key);
/** `''` → the tree size; a principal's text → how many entries it has. */
const counts = new StableBTreeMap<string, bigint>(MEMORY.auditCounts, textKey, u64Key);

const nodes: MerkleNodeStore = {
  get: (level, index) => nodeMap.get(`${level}:${index}`),
  set: (level, index, hash) => void nodeMap.insert(`${level}:${index}`, hash),
};

export function treeSize(): bigint {
  return counts.get('') ?? 0n;
}

/** The number of entries `caller` made. */
export function entryCountOf(caller: Principal): bigint {
  return counts.get(caller.toText()) ?? 0n;
}

function append({ caller, event }: { caller: Principal; event: AuditEvent }): bigint {
  const index = treeSize();
  const entry: AuditEntry = { index, time_ns: time(), caller, event };
  const leaf = new Uint8Array(IDL.encode([AuditEntry], [entry]));
  leaves.insert(index, leaf);
  const size = appendLeaf({ store: nodes, size: index, leafHash: leafHash(leaf) });
  counts.insert('', size);
  const own = entryCountOf(caller);
  byCaller.insert(`${caller.toText()}#${own}`, index);
  counts.insert(caller.toText(), own + 1n);
  certifiedDataSet(auditHeadDigest({ length: size, rootHash: rootHash({ store: nodes, size }) }));
  return index;
}

/** Records one signature the management canister returned (signing.ts is the only caller). */
export function appendSignatureEntry(args: {
  caller: Principal;
  chain: string;
  method: string;
  keyName: string;
  algorithm: string;
  derivationPath: Uint8Array[];
  message: Uint8Array;
  transaction: string;
  txid: string;
}): bigint {
  return append({
    caller: args.caller,
    event: {
      signature: {
        chain: args.chain,
        method: args.method,
        key_name: args.keyName,
        algorithm: args.algorithm,
        derivation_path: args.derivationPath,
        message: args.message,
        transaction: args.transaction,
        txid: args.txid,
      },
    },
  });
}

/** Records a configuration or admin change: who, which method, the state before and after. */
export function appendAdminEntry({ caller, method, before, after }: { caller: Principal } & AdminEvent): bigint {
  return append({ caller, event: { admin: { method, before, after } } });
}

/** Re-certifies the head after an upgrade (certified data does not survive one). */
export function recertifyHead(): void {
  const size = treeSize();
  certifiedDataSet(auditHeadDigest({ length: size, rootHash: rootHash({ store: nodes, size }) }));
}

export function headHash(size: bigint): Uint8Array {
  return rootHash({ store: nodes, size });
}

export function leafAt(index: bigint): Uint8Array {
  const leaf = leaves.get(index);
  if (leaf === undefined) throw new Error(`audit: leaf ${index} missing below the tree size`);
  return leaf;
}

export function decodeLeaf(leaf: Uint8Array): AuditEntry {
  return IDL.decode([AuditEntry], leaf)[0] as unknown as AuditEntry;
}

/** The log index of `caller`'s `n`-th entry. */
export function indexOfCallerEntry({ caller, n }: { caller: Principal; n: bigint }): bigint {
  const index = byCaller.get(`${caller.toText()}#${n}`);
  if (index === undefined) throw new Error(`audit: entry ${n} of ${caller.toText()} missing below its count`);
  return index;
}

export function proveInclusion({ index, size }: { index: bigint; size: bigint }): Uint8Array[] {
  return inclusionProof({ store: nodes, index, size });
}

export function proveConsistency({ size1, size2 }: { size1: bigint; size2: bigint }): Uint8Array[] {
  return consistencyProof({ store: nodes, size1, size2 });
}
