/**
 * Where `wallet audit …` reads the signature log from: one small interface with two
 * implementations, the wallet canister's audit endpoints (`walletAuditSource`) and an export
 * file (`--from`, `fileAuditSource`) holding the same data hex-encoded, for offline audits:
 *
 * {
 *   "canisterId": "<wallet canister id>",
 *   "head": { "length": "8", "rootHash": "<hex>", "certificate": "<hex CBOR certificate>" },
 *   "entries": ["<hex entry bytes>", …],                              // all entries, for audit verify
 *   "consistencyProofs": [{ "size1": "5", "size2": "8", "proof": ["<hex>", …] }],
 *   "ownEntries": [{ "index": "3", "entry": "<hex>", "proof": ["<hex>", …] }]  // for audit proof
 * }
 *
 * Sizes are decimal strings (u64). Proofs are against the head's length.
 */
import { readFileSync } from 'node:fs';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { hexToBytes } from '@noble/hashes/utils.js';
import { auditEntryType, type AuditEntry, type AuditHead, type WalletService } from '../src/lib/wallet-candid.ts';
import { CliError } from './exit-codes.ts';
import { okOrThrow } from './wallet-canister.ts';

export type AuditHeadAnswer = { length: bigint; rootHash: Uint8Array; certificate: Uint8Array };
export type OwnEntry = { index: bigint; entry: Uint8Array; proof: Uint8Array[] };

export interface AuditLogSource {
  /** The wallet canister whose log this is, as the source claims (the certificate is checked against the id the user trusts). */
  readonly canisterId: Principal;
  /** `audit_head`: the current length, root and the certificate of their digest. */
  head(): Promise<AuditHeadAnswer>;
  /** Entries [start, end) as the bytes the log hashed. */
  entries(range: { start: bigint; end: bigint }): Promise<Uint8Array[]>;
  /** RFC 9162 consistency proof between two sizes. */
  consistencyProof(sizes: { size1: bigint; size2: bigint }): Promise<Uint8Array[]>;
  /** The caller's own entries, in pages, each page's inclusion proofs against the head returned with it. */
  ownEntries(): Promise<{ head: AuditHeadAnswer; entries: OwnEntry[] }[]>;
}

/** Entries per request: the wallet answers at most 100 (canisters/wallet/src/audit/read.ts). */
const PAGE = 100;

function headOf(head: AuditHead, method: string): AuditHeadAnswer {
  const [certificate] = head.certificate;
  if (!certificate) throw new CliError('canister', `the wallet's ${method} returned no certificate for its head`);
  return { length: head.length, rootHash: head.head_hash, certificate };
}

/** A leaf is the Candid encoding of its AuditEntry: it must decode, and claim the index it is read at. */
function checkLeaf(leaf: Uint8Array, entry: AuditEntry, index: bigint): void {
  let decoded: AuditEntry;
  try {
    decoded = IDL.decode([auditEntryType(IDL)], leaf)[0] as unknown as AuditEntry;
  } catch (error) {
    throw new CliError('verificationFailed', `log entry ${index} is not a Candid AuditEntry (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (decoded.index !== index || entry.index !== index) {
    throw new CliError('verificationFailed', `log entry ${index} claims index ${decoded.index} (returned as ${entry.index})`);
  }
}

/** The wallet canister's audit endpoints (audit_head, audit_entries, audit_consistency, audit_my_entries). */
export function walletAuditSource({
  wallet,
  canisterId,
}: {
  wallet: Pick<WalletService, 'audit_head' | 'audit_entries' | 'audit_consistency' | 'audit_my_entries'>;
  canisterId: Principal;
}): AuditLogSource {
  return {
    canisterId,
    head: async () => headOf(await wallet.audit_head(), 'audit_head'),
    entries: async ({ start, end }) => {
      const leaves: Uint8Array[] = [];
      for (let at = start; at < end;) {
        const page = okOrThrow(await wallet.audit_entries({ start: at, limit: Number(end - at < PAGE ? end - at : BigInt(PAGE)) }));
        if (page.entries.length === 0) break;
        for (const { leaf, entry } of page.entries) {
          if (at >= end) break;
          checkLeaf(leaf, entry, at);
          leaves.push(leaf);
          at += 1n;
        }
      }
      return leaves;
    },
    consistencyProof: async ({ size1, size2 }) => okOrThrow(await wallet.audit_consistency({ from_length: size1, to_length: size2 })).proof,
    ownEntries: async () => {
      const pages: { head: AuditHeadAnswer; entries: OwnEntry[] }[] = [];
      for (let at = 0n; ;) {
        const page = okOrThrow(await wallet.audit_my_entries({ start: at, limit: PAGE }));
        const entries = page.entries.map(({ leaf, entry, inclusion_proof }) => {
          checkLeaf(leaf, entry, entry.index);
          return { index: entry.index, entry: leaf, proof: inclusion_proof };
        });
        pages.push({ head: headOf(page.head, 'audit_my_entries'), entries });
        at += BigInt(entries.length);
        if (entries.length === 0 || at >= page.total) return pages;
      }
    },
  };
}

/** An export file as an audit source. @throws {CliError} 'config' for an unreadable or malformed file. */
export function fileAuditSource(path: string): AuditLogSource {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError('config', `cannot read the log export ${path} (${(error as Error).message})`, { cause: error });
  }
  const bad = (what: string): never => {
    throw new CliError('config', `the log export ${path} is malformed: ${what}`);
  };
  const obj = (v: unknown, what: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : bad(`${what} must be an object`);
  const hex = (v: unknown, what: string): Uint8Array =>
    typeof v === 'string' && /^(?:[0-9a-f]{2})*$/.test(v) ? hexToBytes(v) : bad(`${what} must be lowercase hex`);
  const u64 = (v: unknown, what: string): bigint =>
    typeof v === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(v) && BigInt(v) < 1n << 64n
      ? BigInt(v)
      : bad(`${what} must be a decimal u64 string`);
  const list = (v: unknown, what: string): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : bad(`${what} must be an array`));

  const root = obj(json, 'the file');
  let canisterId: Principal;
  try {
    canisterId = Principal.fromText(String(root.canisterId));
  } catch {
    return bad('"canisterId" must be a principal');
  }
  const head = obj(root.head, '"head"');
  const answer: AuditHeadAnswer = {
    length: u64(head.length, 'head.length'),
    rootHash: hex(head.rootHash, 'head.rootHash'),
    certificate: hex(head.certificate, 'head.certificate'),
  };
  const entries = list(root.entries, '"entries"').map((e, i) => hex(e, `entries[${i}]`));
  const consistency = list(root.consistencyProofs, '"consistencyProofs"').map((p, i) => {
    const o = obj(p, `consistencyProofs[${i}]`);
    return {
      size1: u64(o.size1, `consistencyProofs[${i}].size1`),
      size2: u64(o.size2, `consistencyProofs[${i}].size2`),
      proof: list(o.proof, `consistencyProofs[${i}].proof`).map((h, j) => hex(h, `consistencyProofs[${i}].proof[${j}]`)),
    };
  });
  const own = list(root.ownEntries, '"ownEntries"').map((p, i): OwnEntry => {
    const o = obj(p, `ownEntries[${i}]`);
    return {
      index: u64(o.index, `ownEntries[${i}].index`),
      entry: hex(o.entry, `ownEntries[${i}].entry`),
      proof: list(o.proof, `ownEntries[${i}].proof`).map((h, j) => hex(h, `ownEntries[${i}].proof[${j}]`)),
    };
  });
  return {
    canisterId,
    head: async () => answer,
    entries: async ({ start, end }) => entries.slice(Number(start), Number(end)),
    consistencyProof: async ({ size1, size2 }) => {
      const found = consistency.find((p) => p.size1 === size1 && p.size2 === size2);
      if (!found) throw new CliError('config', `the log export ${path} has no consistency proof from size ${size1} to ${size2}`);
      return found.proof;
    },
    ownEntries: async () => [{ head: answer, entries: own }],
  };
}
