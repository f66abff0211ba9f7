/**
 * The wallet's signature log on the devnet through @dfinity/pic: every signature appends one
 * entry recording exactly what was signed, by whom, under which key and path; the head is
 * certified and verifies against the IC root key; users read only their own entries, each with an
 * inclusion proof; auditors read everything and get consistency proofs; the whole log recomputes
 * to the certified root after 1,000 entries and after an upgrade; a tampered entry, a forged proof
 * and a foreign root key are all detected.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { base58, base64 } from '@scure/base';
import { bytesToHex } from '@noble/hashes/utils.js';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import { ALICE, BOB, identity, installWallet, ok, OPERATOR, walletBuild, type WalletActor } from '../support/wallet.ts';
import { solDerivationPath } from '../../src/lib/derivation.ts';
import { leafHash, merkleTreeHash, verifyConsistency, verifyInclusion } from '../../src/lib/audit/index.ts';
import { verifyAuditHead } from '../../src/lib/audit/verify-audit-head.ts';
import {
  auditEntryType,
  walletIdlFactory,
  type AuditEntry,
  type AuditHead,
  type Limits,
  type WalletService,
} from '../../src/lib/wallet-candid.ts';

let server: PocketIcServer;
let pic: PocketIc;
let actor: WalletActor;
let canisterId: Principal;
let rootKey: Uint8Array;

before(async () => {
  if (!onDevnet) return;
  walletBuild();
  ({ server, pic } = await startInstance());
  ({ actor, canisterId } = await installWallet({ pic }));
  rootKey = new Uint8Array(await pic.getPubKey((await pic.getCanisterSubnetId(canisterId))!));
});
after(() => stopInstance({ server, pic }));

const BLOCKHASH = 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k';
const RECIPIENT = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
const AUDITOR = identity(9);
const decodeLeaf = (leaf: Uint8Array) => IDL.decode([auditEntryType(IDL)], leaf)[0] as unknown as AuditEntry;

/** The head checked the way a client must: the certificate over its digest, against the root key. */
async function certifiedHead(head: AuditHead): Promise<void> {
  assert.equal(head.certificate.length, 1, 'a query answer carries the certificate');
  await verifyAuditHead({
    certificate: head.certificate[0]!,
    canisterId,
    rootKey,
    length: head.length,
    rootHash: head.head_hash,
    maxAgeInMinutes: null,
  });
}

describe('the signature log', { skip: !onDevnet }, () => {
  const signed: { signature: string; message: Uint8Array }[] = [];

  test('each signature appends one entry with exactly what was signed; the user proves each against the certified head', async () => {
    actor.setIdentity(ALICE);
    for (const lamports of [1_000n, 2_000n, 3_000n]) {
      const { transaction, signature } = ok(await actor.sol_sign_transfer({ to: RECIPIENT, lamports, recent_blockhash: BLOCKHASH }));
      signed.push({ signature, message: base64.decode(transaction).subarray(65) });
    }
    actor.setIdentity(BOB);
    ok(await actor.sol_sign_transfer({ to: RECIPIENT, lamports: 4_000n, recent_blockhash: BLOCKHASH }));

    actor.setIdentity(ALICE);
    const mine = ok(await actor.audit_my_entries({ start: 0n, limit: 10 }));
    assert.equal(mine.total, 3n);
    assert.equal(mine.head.length, 4n);
    await certifiedHead(mine.head);
    const path = solDerivationPath({ principal: ALICE.getPrincipal() }).map(bytesToHex);
    mine.entries.forEach((proven, i) => {
      const entry = decodeLeaf(proven.leaf);
      // What the client decodes from the hashed bytes is what the canister says it logged.
      assert.equal(bytesToHex(new Uint8Array(IDL.encode([auditEntryType(IDL)], [proven.entry]))), bytesToHex(Uint8Array.from(proven.leaf)));
      assert.equal(entry.index, BigInt(i));
      assert.equal(entry.caller.toText(), ALICE.getPrincipal().toText());
      assert.ok('signature' in entry.event);
      const event = entry.event.signature;
      assert.deepEqual(
        { chain: event.chain, method: event.method, key_name: event.key_name, algorithm: event.algorithm, txid: event.txid },
        { chain: 'sol', method: 'sol_sign_transfer', key_name: 'dfx_test_key', algorithm: 'schnorr_ed25519', txid: signed[i].signature },
      );
      assert.deepEqual(
        event.derivation_path.map((c) => bytesToHex(Uint8Array.from(c))),
        path,
      );
      assert.equal(bytesToHex(Uint8Array.from(event.message)), bytesToHex(signed[i].message));
      assert.deepEqual(JSON.parse(event.transaction), {
        chain: 'sol',
        kind: 'transfer',
        from: base58.encode(signed[i].message.subarray(4, 36)),
        to: RECIPIENT,
        lamports: `${(i + 1) * 1000}`,
        recent_blockhash: BLOCKHASH,
      });
      verifyInclusion({
        leafHash: leafHash(proven.leaf),
        index: entry.index,
        size: mine.head.length,
        proof: proven.inclusion_proof,
        rootHash: mine.head.head_hash,
      });
    });
  });

  test('a user sees only their own entries; reading everything needs a controller or a named auditor', async () => {
    actor.setIdentity(BOB);
    const bobs = ok(await actor.audit_my_entries({ start: 0n, limit: 10 }));
    assert.deepEqual(
      bobs.entries.map((e) => [e.entry.index, e.entry.caller.toText()]),
      [[3n, BOB.getPrincipal().toText()]],
    );
    assert.deepEqual(await actor.audit_entries({ start: 0n, limit: 10 }), {
      Err: { NotAuthorized: { required: 'a controller or an auditor named by the controllers' } },
    });
    actor.setIdentity(OPERATOR);
    assert.deepEqual(await actor.admin_set_auditors([AUDITOR.getPrincipal()]), { Ok: null });
    actor.setIdentity(AUDITOR);
    const all = ok(await actor.audit_entries({ start: 0n, limit: 100 }));
    assert.equal(all.head.length, 5n);
    const last = all.entries[4].entry;
    assert.equal(last.caller.toText(), OPERATOR.getPrincipal().toText());
    assert.deepEqual(last.event, {
      admin: { method: 'admin_set_auditors', before: '[]', after: JSON.stringify([AUDITOR.getPrincipal().toText()]) },
    });
  });

  test('a tampered entry, a forged proof and a foreign root key are detected', async () => {
    actor.setIdentity(ALICE);
    const mine = ok(await actor.audit_my_entries({ start: 1n, limit: 1 }));
    const [proven] = mine.entries;
    const { head } = mine;
    const tampered = Uint8Array.from(proven.leaf);
    tampered[tampered.length - 1] ^= 1;
    assert.throws(() =>
      verifyInclusion({
        leafHash: leafHash(tampered),
        index: 1n,
        size: head.length,
        proof: proven.inclusion_proof,
        rootHash: head.head_hash,
      }),
    );
    const forged = proven.inclusion_proof.map((node) => Uint8Array.from(node));
    forged[0][0] ^= 1;
    assert.throws(() =>
      verifyInclusion({ leafHash: leafHash(proven.leaf), index: 1n, size: head.length, proof: forged, rootHash: head.head_hash }),
    );
    // Claiming the entry sits at another index fails too.
    assert.throws(() =>
      verifyInclusion({
        leafHash: leafHash(proven.leaf),
        index: 2n,
        size: head.length,
        proof: proven.inclusion_proof,
        rootHash: head.head_hash,
      }),
    );
    const otherRoot = Uint8Array.from(rootKey);
    otherRoot[otherRoot.length - 1] ^= 1;
    await assert.rejects(
      verifyAuditHead({
        certificate: head.certificate[0]!,
        canisterId,
        rootKey: otherRoot,
        length: head.length,
        rootHash: head.head_hash,
        maxAgeInMinutes: null,
      }),
    );
    // A head with another length than the one certified is refused.
    await assert.rejects(
      verifyAuditHead({
        certificate: head.certificate[0]!,
        canisterId,
        rootKey,
        length: head.length + 1n,
        rootHash: head.head_hash,
        maxAgeInMinutes: null,
      }),
    );
  });

  test('1,000 entries, then an upgrade: the whole log recomputes to the certified root, and old heads stay consistent', async () => {
    actor.setIdentity(AUDITOR);
    const early = await actor.audit_head();
    const limits = (n: number): Limits => ({
      rate_limit: 60 + (n % 2),
      rate_window_seconds: 60,
      daily_quota: 1000,
      max_in_flight: 100,
      cycles_floor: 1_000_000_000_000n,
      reservation_timeout_seconds: 3600,
    });
    const deferred = pic.createDeferredActor<WalletService>(walletIdlFactory, canisterId);
    deferred.setIdentity(OPERATOR);
    const target = 1000n;
    for (let batch = 0; (await actor.status()).audit_length < target; batch++) {
      const missing = Number(target - (await actor.status()).audit_length);
      const calls = [];
      for (let i = 0; i < Math.min(missing, 25); i++) calls.push(await deferred.admin_set_limits(limits(batch * 25 + i)));
      for (const result of await Promise.all(calls.map((finish) => finish()))) assert.deepEqual(result, { Ok: null });
    }
    const readAll = async () => {
      const leaves: Uint8Array[] = [];
      let head: AuditHead | undefined;
      for (let start = 0n; head === undefined || start < head.length; start += 100n) {
        const page = ok(await actor.audit_entries({ start, limit: 100 }));
        head ??= page.head;
        leaves.push(...page.entries.map((e) => Uint8Array.from(e.leaf)));
      }
      return { leaves, head: head! };
    };
    const before = await readAll();
    assert.equal(before.head.length, 1000n);
    assert.equal(before.leaves.length, 1000);
    assert.deepEqual(
      before.leaves.map((leaf) => decodeLeaf(leaf).index),
      [...Array(1000).keys()].map(BigInt),
    );
    assert.equal(bytesToHex(merkleTreeHash(before.leaves)), bytesToHex(Uint8Array.from(before.head.head_hash)));
    await certifiedHead(before.head);

    await pic.upgradeCanister({ canisterId, wasm: walletBuild().wasm, sender: OPERATOR.getPrincipal() });
    const after = await readAll();
    assert.equal(after.head.length, 1000n);
    assert.equal(bytesToHex(Uint8Array.from(after.head.head_hash)), bytesToHex(Uint8Array.from(before.head.head_hash)));
    await certifiedHead(after.head);

    // The user's proofs still verify against the new certificate, and the log grows consistently.
    actor.setIdentity(ALICE);
    ok(await actor.sol_sign_transfer({ to: RECIPIENT, lamports: 5_000n, recent_blockhash: BLOCKHASH }));
    const mine = ok(await actor.audit_my_entries({ start: 0n, limit: 10 }));
    assert.equal(mine.total, 4n);
    assert.equal(mine.head.length, 1001n);
    await certifiedHead(mine.head);
    for (const proven of mine.entries) {
      verifyInclusion({
        leafHash: leafHash(proven.leaf),
        index: proven.entry.index,
        size: 1001n,
        proof: proven.inclusion_proof,
        rootHash: mine.head.head_hash,
      });
    }
    actor.setIdentity(AUDITOR);
    for (const from of [early.length, 1000n]) {
      const proof = ok(await actor.audit_consistency({ from_length: from, to_length: 1001n }));
      const fromHead = from === 1000n ? before.head.head_hash : early.head_hash;
      assert.equal(bytesToHex(Uint8Array.from(proof.from_head_hash)), bytesToHex(Uint8Array.from(fromHead)));
      verifyConsistency({ size1: from, size2: 1001n, rootHash1: fromHead, rootHash2: mine.head.head_hash, proof: proof.proof });
    }
    assert.deepEqual(await actor.audit_consistency({ from_length: 0n, to_length: 5n }), {
      Err: { InvalidRange: { message: 'expected 0 < from_length ≤ to_length ≤ 1001, got 0 and 5' } },
    });
  });
});
