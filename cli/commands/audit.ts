/**
 * `wallet audit verify` and `wallet audit proof`: the signature log (issue 7) checked against the
 * certified head with the RFC 9162 verifiers of src/lib/audit.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { Principal } from '@icp-sdk/core/principal';
import { appendLeaf, leafHash, MemoryMerkleNodeStore, rootHash, verifyConsistency, verifyInclusion } from '../../src/lib/audit/index.ts';
import { WalletError } from '../../src/lib/errors.ts';
import { verifyAuditHead, type CertifiedAuditHead } from '../../src/lib/audit/verify-audit-head.ts';
import { fileAuditSource, walletAuditSource, type AuditHeadAnswer, type AuditLogSource } from '../audit-source.ts';
import { type CommandResult, type Context, host, identityName, rootKey, stringOption, walletCanisterId } from '../context.ts';
import { CliError } from '../exit-codes.ts';
import { loadSignIdentity } from '../identity-store.ts';
import { connectWallet } from '../wallet-canister.ts';

/** A head saved by `audit verify --save-head`, to check the next run's log against. */
type SavedHead = { canister: string; length: bigint; rootHash: Uint8Array };

async function openSource(ctx: Context): Promise<AuditLogSource> {
  const from = stringOption(ctx, 'from');
  if (from !== undefined) return fileAuditSource(from);
  const canisterId = walletCanisterId(ctx);
  const identity = loadSignIdentity({ configDir: ctx.configDir, name: identityName(ctx) });
  const wallet = await connectWallet({ host: host(ctx), rootKey: rootKey(ctx), identity, canisterId });
  return walletAuditSource({ wallet, canisterId });
}

/** Minutes a certificate may be old: --max-age, else 5 for a live head and unchecked for an export. */
function maxAge(ctx: Context): number | null {
  const text = stringOption(ctx, 'max-age');
  if (text === undefined) return stringOption(ctx, 'from') === undefined ? 5 : null;
  if (!/^[1-9][0-9]{0,6}$/.test(text)) throw new CliError('usage', `--max-age must be a whole number of minutes, got "${text}"`);
  return Number(text);
}

/** Runs a verification step; a refused proof or certificate becomes a 'verificationFailed' CliError. */
async function verifying<T>(what: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof WalletError) throw new CliError('verificationFailed', `${what}: ${error.message}`, { cause: error });
    throw error;
  }
}

async function certifiedHead(
  ctx: Context,
  source: AuditLogSource,
  answer?: AuditHeadAnswer,
): Promise<{ canisterId: Principal; head: CertifiedAuditHead }> {
  // The certificate is checked against the canister the user names (or deployed), not the one the source claims.
  const canisterId = walletCanisterId(ctx, stringOption(ctx, 'from') !== undefined ? source.canisterId : undefined);
  answer ??= await source.head();
  const head = await verifying('the certified head does not verify', () =>
    verifyAuditHead({ ...answer, canisterId, rootKey: rootKey(ctx), maxAgeInMinutes: maxAge(ctx) }),
  );
  return { canisterId, head };
}

function readSavedHead(path: string): SavedHead {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError('config', `cannot read the saved head ${path} (${(error as Error).message})`, { cause: error });
  }
  const { canister, length, rootHash } = json ?? {};
  if (
    typeof canister !== 'string' ||
    typeof length !== 'string' ||
    !/^(0|[1-9][0-9]*)$/.test(length) ||
    typeof rootHash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(rootHash)
  ) {
    throw new CliError('config', `${path} is not a saved head ({ "canister", "length", "rootHash" })`);
  }
  return { canister, length: BigInt(length), rootHash: hexToBytes(rootHash) };
}

export async function auditVerify(ctx: Context): Promise<CommandResult> {
  const source = await openSource(ctx);
  const { canisterId, head } = await certifiedHead(ctx, source);

  // Every entry, hashed into a tree of our own: its root must be the certified one.
  const entries = await source.entries({ start: 0n, end: head.length });
  if (BigInt(entries.length) !== head.length) {
    throw new CliError('verificationFailed', `the log has ${entries.length} entries, but its certified head says ${head.length}`);
  }
  const store = new MemoryMerkleNodeStore();
  let size = 0n;
  for (const entry of entries) size = appendLeaf({ store, size, leafHash: leafHash(entry) });
  const computed = rootHash({ store, size });
  if (bytesToHex(computed) !== bytesToHex(head.rootHash)) {
    throw new CliError(
      'verificationFailed',
      `the ${head.length} entries hash to ${bytesToHex(computed)}, not to the certified root ${bytesToHex(head.rootHash)}: the log was altered`,
    );
  }

  // An earlier head: the canister's consistency proof must verify, and our tree's prefix must have that root.
  let consistentWith: { length: bigint; rootHash: string } | null = null;
  // Against the live canister, the last verified head is kept in the config directory: each run
  // checks the log extends it, then saves the new one (--since and --save-head name other files).
  const live = stringOption(ctx, 'from') === undefined;
  const kept = join(ctx.configDir, 'audit-heads', `${canisterId.toText()}.json`);
  const sincePath = stringOption(ctx, 'since') ?? (live && existsSync(kept) ? kept : undefined);
  if (sincePath !== undefined) {
    const saved = readSavedHead(sincePath);
    if (saved.canister !== canisterId.toText())
      throw new CliError('usage', `${sincePath} is a head of wallet ${saved.canister}, not of ${canisterId.toText()}`);
    if (saved.length > head.length) {
      throw new CliError(
        'verificationFailed',
        `the log shrank: ${sincePath} recorded ${saved.length} entries, the certified head has ${head.length}`,
      );
    }
    // From an empty log every log is an extension (RFC 9162 has no proof from size 0).
    if (saved.length > 0n) {
      const proof = await source.consistencyProof({ size1: saved.length, size2: head.length });
      await verifying(`the log is not an extension of the head saved in ${sincePath}`, () =>
        verifyConsistency({ size1: saved.length, size2: head.length, rootHash1: saved.rootHash, rootHash2: head.rootHash, proof }),
      );
    }
    if (bytesToHex(rootHash({ store, size: saved.length })) !== bytesToHex(saved.rootHash)) {
      throw new CliError(
        'verificationFailed',
        `the first ${saved.length} entries no longer hash to the root saved in ${sincePath}: history was rewritten`,
      );
    }
    consistentWith = { length: saved.length, rootHash: bytesToHex(saved.rootHash) };
  }

  const savePath = stringOption(ctx, 'save-head') ?? (live ? kept : undefined);
  if (savePath !== undefined) {
    if (savePath === kept) mkdirSync(dirname(kept), { recursive: true, mode: 0o700 });
    const record = { canister: canisterId.toText(), length: head.length.toString(), rootHash: bytesToHex(head.rootHash) };
    writeFileSync(savePath, `${JSON.stringify(record, null, 2)}\n`, { flag: existsSync(savePath) ? 'w' : 'wx' });
  }

  const json = {
    canister: canisterId.toText(),
    length: head.length,
    rootHash: bytesToHex(head.rootHash),
    certificateTimeNanos: head.certificateTimeNanos,
    entriesVerified: entries.length,
    consistentWith,
  };
  const lines = [
    `The signature log of wallet ${canisterId.toText()} verifies: ${head.length} entries hash to the certified root ${bytesToHex(head.rootHash)}.`,
  ];
  if (consistentWith) lines.push(`It extends the head of ${consistentWith.length} entries saved in ${sincePath}.`);
  if (savePath !== undefined) lines.push(`Saved this head to ${savePath}.`);
  return { json, text: lines.join('\n') };
}

export async function auditProof(ctx: Context): Promise<CommandResult> {
  const source = await openSource(ctx);
  const pages = await source.ownEntries();
  let canisterId = source.canisterId;
  let head: CertifiedAuditHead | undefined;
  const entries = [];
  // Each page's proofs are against the head that came with it: verify that head, then them.
  for (const page of pages) {
    ({ canisterId, head } = await certifiedHead(ctx, source, page.head));
    const { length, rootHash } = head;
    for (const { index, entry, proof } of page.entries) {
      const hash = leafHash(entry);
      await verifying(`entry ${index} is not in the certified log`, () =>
        verifyInclusion({ leafHash: hash, index, size: length, proof, rootHash }),
      );
      entries.push({ index, leafHash: bytesToHex(hash), entry: bytesToHex(entry) });
    }
  }
  if (!head) throw new CliError('canister', 'the wallet returned no page of entries');
  const json = {
    canister: canisterId.toText(),
    length: head.length,
    rootHash: bytesToHex(head.rootHash),
    certificateTimeNanos: head.certificateTimeNanos,
    entries,
  };
  const lines = [
    `${entries.length} of your entries are in the certified signature log of wallet ${canisterId.toText()} (${head.length} entries, root ${bytesToHex(head.rootHash)}):`,
  ];
  for (const e of entries) lines.push(`  #${e.index}  leaf ${e.leafHash}`);
  return { json, text: lines.join('\n') };
}
