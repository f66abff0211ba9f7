/**
 * Reading the signature log. Users read their own entries, each with an inclusion proof against
 * the certified head; they never see another user's. Controllers and the auditors they name read
 * every entry and get consistency proofs between two heads. Every answer carries the head
 * (length and root) and, in a query, the certificate over its digest.
 */
import { dataCertificate, IDL, type Principal } from 'azle';
import { ACCESS_ERRORS, type AccessError, type Result } from '../candid.ts';
import { requireAuditor } from '../guards.ts';
import {
  AuditEntry,
  decodeLeaf,
  entryCountOf,
  headHash,
  indexOfCallerEntry,
  leafAt,
  proveConsistency,
  proveInclusion,
  treeSize,
} from './log.ts';

/** Entries per page: a page of proofs stays far below the 2 MiB reply limit and the query instruction limit. */
export const MAX_PAGE = 100;

export const AuditHead = IDL.Record({ length: IDL.Nat64, head_hash: IDL.Vec(IDL.Nat8), certificate: IDL.Opt(IDL.Vec(IDL.Nat8)) });
export type AuditHead = { length: bigint; head_hash: Uint8Array; certificate: [] | [Uint8Array] };

export const AuditPageRequest = IDL.Record({ start: IDL.Nat64, limit: IDL.Nat32 });
export type AuditPageRequest = { start: bigint; limit: number };

export const ProvenEntry = IDL.Record({ leaf: IDL.Vec(IDL.Nat8), entry: AuditEntry, inclusion_proof: IDL.Vec(IDL.Vec(IDL.Nat8)) });
export type ProvenEntry = { leaf: Uint8Array; entry: AuditEntry; inclusion_proof: Uint8Array[] };

export const AuditMyEntriesResponse = IDL.Record({ head: AuditHead, total: IDL.Nat64, entries: IDL.Vec(ProvenEntry) });
export type AuditMyEntriesResponse = { head: AuditHead; total: bigint; entries: ProvenEntry[] };

export const AuditEntriesResponse = IDL.Record({
  head: AuditHead,
  entries: IDL.Vec(IDL.Record({ leaf: IDL.Vec(IDL.Nat8), entry: AuditEntry })),
});
export type AuditEntriesResponse = { head: AuditHead; entries: { leaf: Uint8Array; entry: AuditEntry }[] };

export const AuditConsistencyRequest = IDL.Record({ from_length: IDL.Nat64, to_length: IDL.Nat64 });
export type AuditConsistencyRequest = { from_length: bigint; to_length: bigint };
export const AuditConsistencyResponse = IDL.Record({
  from_head_hash: IDL.Vec(IDL.Nat8),
  to_head_hash: IDL.Vec(IDL.Nat8),
  proof: IDL.Vec(IDL.Vec(IDL.Nat8)),
});
export type AuditConsistencyResponse = { from_head_hash: Uint8Array; to_head_hash: Uint8Array; proof: Uint8Array[] };

const InvalidRange = IDL.Record({ message: IDL.Text });
export const AuditReadError = IDL.Variant({ ...ACCESS_ERRORS, InvalidRange });
export type AuditReadError = AccessError | { InvalidRange: { message: string } };

export const AuditMyEntriesResult = IDL.Variant({ Ok: AuditMyEntriesResponse, Err: AuditReadError });
export const AuditEntriesResult = IDL.Variant({ Ok: AuditEntriesResponse, Err: AuditReadError });
export const AuditConsistencyResult = IDL.Variant({ Ok: AuditConsistencyResponse, Err: AuditReadError });

/** The current head; in a query, with the certificate over its digest (none in an update call). */
export function auditHead(): AuditHead {
  const length = treeSize();
  const certificate = dataCertificate();
  return { length, head_hash: headHash(length), certificate: certificate === undefined ? [] : [certificate] };
}

/** `caller`'s own entries `start..start+limit` (oldest first), each proven against the current head. */
export function auditMyEntries({
  caller,
  request,
}: {
  caller: Principal;
  request: AuditPageRequest;
}): Result<AuditMyEntriesResponse, AuditReadError> {
  if (caller.isAnonymous()) return { Err: { AnonymousCaller: null } };
  const head = auditHead();
  const total = entryCountOf(caller);
  const entries: ProvenEntry[] = [];
  for (let n = request.start; n < total && entries.length < Math.min(request.limit, MAX_PAGE); n++) {
    const index = indexOfCallerEntry({ caller, n });
    const leaf = leafAt(index);
    entries.push({ leaf, entry: decodeLeaf(leaf), inclusion_proof: proveInclusion({ index, size: head.length }) });
  }
  return { Ok: { head, total, entries } };
}

/** Every entry `start..start+limit`: controllers and auditors only. */
export function auditEntries({
  caller,
  request,
}: {
  caller: Principal;
  request: AuditPageRequest;
}): Result<AuditEntriesResponse, AuditReadError> {
  const refused = requireAuditor(caller);
  if (refused !== undefined) return { Err: refused };
  const head = auditHead();
  const entries: { leaf: Uint8Array; entry: AuditEntry }[] = [];
  for (let index = request.start; index < head.length && entries.length < Math.min(request.limit, MAX_PAGE); index++) {
    const leaf = leafAt(index);
    entries.push({ leaf, entry: decodeLeaf(leaf) });
  }
  return { Ok: { head, entries } };
}

/** RFC 9162 §2.1.4 consistency proof between two lengths: controllers and auditors only. */
export function auditConsistency({
  caller,
  request,
}: {
  caller: Principal;
  request: AuditConsistencyRequest;
}): Result<AuditConsistencyResponse, AuditReadError> {
  const refused = requireAuditor(caller);
  if (refused !== undefined) return { Err: refused };
  const size = treeSize();
  const { from_length: from, to_length: to } = request;
  if (from === 0n || from > to || to > size) {
    return { Err: { InvalidRange: { message: `expected 0 < from_length ≤ to_length ≤ ${size}, got ${from} and ${to}` } } };
  }
  return { Ok: { from_head_hash: headHash(from), to_head_hash: headHash(to), proof: proveConsistency({ size1: from, size2: to }) } };
}
