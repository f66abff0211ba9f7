/**
 * Where `wallet audit …` reads the signature log from: the wallet canister's audit endpoints, or
 * an export file (`--from`), the same data the endpoints return, hex-encoded:
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
import { Principal } from '@icp-sdk/core/principal';
import { hexToBytes } from '@noble/hashes/utils.js';
import { CliError } from './exit-codes.ts';
import type { WalletClient } from './wallet-canister.ts';

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
  /** The caller's own entries with inclusion proofs against the current head. */
  ownEntries(): Promise<OwnEntry[]>;
}

/** Entries per `audit_entries` / `audit_my_entries` call. */
const PAGE = 100;

/**
 * The live wallet canister as an audit source: `audit_head` (a query whose reply carries the
 * certificate of the head's digest), `audit_entries` (controllers and auditors only),
 * `audit_consistency` and `audit_my_entries`. Refusals become the error's sentence.
 */
export function canisterAuditSource(wallet: WalletClient): AuditLogSource {
  return {
    canisterId: wallet.canisterId,
    head: async () => {
      const head = await wallet.call('audit_head', (a) => a.audit_head());
      if (head.certificate.length === 0) throw new CliError('canister', 'the wallet answered audit_head without a certificate');
      return { length: head.length, rootHash: new Uint8Array(head.head_hash), certificate: new Uint8Array(head.certificate[0]) };
    },
    entries: async ({ start, end }) => {
      const leaves: Uint8Array[] = [];
      for (let at = start; at < end;) {
        const limit = Number(end - at < BigInt(PAGE) ? end - at : BigInt(PAGE));
        const page = await wallet.ok('audit_entries', (a) => a.audit_entries({ start: at, limit }));
        if (page.entries.length === 0) break;
        leaves.push(...page.entries.map((e) => new Uint8Array(e.leaf)));
        at += BigInt(page.entries.length);
      }
      return leaves;
    },
    consistencyProof: async ({ size1, size2 }) => {
      const r = await wallet.ok('audit_consistency', (a) => a.audit_consistency({ from_length: size1, to_length: size2 }));
      return r.proof.map((p) => new Uint8Array(p));
    },
    ownEntries: async () => {
      const own: OwnEntry[] = [];
      for (let start = 0n; ;) {
        const page = await wallet.ok('audit_my_entries', (a) => a.audit_my_entries({ start, limit: PAGE }));
        for (const e of page.entries) {
          own.push({ index: e.entry.index, entry: new Uint8Array(e.leaf), proof: e.inclusion_proof.map((p) => new Uint8Array(p)) });
        }
        start += BigInt(page.entries.length);
        if (page.entries.length === 0 || start >= page.total) break;
      }
      return own;
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
    ownEntries: async () => own,
  };
}
