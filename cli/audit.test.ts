/**
 * `wallet audit verify` and `wallet audit proof`, run as a child process over log exports whose
 * heads are certified by the devnet's BLS certifier (devnet/src/ic/certification.ts): a good log
 * verifies; a tampered entry, a forged head, a wrong root key, a rewritten history and a forged
 * inclusion proof each exit 1.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Certifier } from '../devnet/src/ic/certification.ts';
import {
  appendLeaf,
  auditHeadDigest,
  consistencyProof,
  inclusionProof,
  leafHash,
  MemoryMerkleNodeStore,
  rootHash,
} from '../src/lib/audit/index.ts';
import { tempDir, wallet } from './test-support.ts';

const CANISTER = Principal.fromText('lxzze-o7777-77777-aaaaa-cai');
const certifier = new Certifier(new Uint8Array(48).fill(9));
const ROOT_KEY = bytesToHex(certifier.rootKeyDer);
const entriesOf = (n: number, tag = 'sig') => Array.from({ length: n }, (_, i) => new TextEncoder().encode(`${tag} ${i}`));

function tree(entries: Uint8Array[]) {
  const store = new MemoryMerkleNodeStore();
  let size = 0n;
  for (const e of entries) size = appendLeaf({ store, size, leafHash: leafHash(e) });
  return { store, size };
}

/** An export of `entries` with a certified head; `certifiedLength`/`certifiedRoot` override what the certificate certifies. */
function exportLog({
  entries,
  own = [],
  since = [],
  head,
}: {
  entries: Uint8Array[];
  own?: number[];
  since?: number[];
  head?: { length: bigint; rootHash: Uint8Array };
}) {
  const { store, size } = tree(entries);
  const root = rootHash({ store, size });
  const certified = head ?? { length: size, rootHash: root };
  const certificate = certifier.dataCertificate({
    canisterId: CANISTER,
    certifiedData: auditHeadDigest(certified),
    timeNs: 1_700_000_000_000_000_000n,
  });
  return {
    root,
    json: {
      canisterId: CANISTER.toText(),
      head: { length: certified.length.toString(), rootHash: bytesToHex(certified.rootHash), certificate: bytesToHex(certificate) },
      entries: entries.map(bytesToHex),
      consistencyProofs: since.map((s) => ({
        size1: String(s),
        size2: size.toString(),
        proof: consistencyProof({ store, size1: BigInt(s), size2: size }).map(bytesToHex),
      })),
      ownEntries: own.map((i) => ({
        index: String(i),
        entry: bytesToHex(entries[i]),
        proof: inclusionProof({ store, index: BigInt(i), size }).map(bytesToHex),
      })),
    },
  };
}

function write(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('wallet audit verify', () => {
  test('a certified log of 1,000 entries verifies: exact JSON; --save-head then --since a later head checks consistency', () => {
    const home = tempDir('wallet-audit-');
    const first = exportLog({ entries: entriesOf(600) });
    const saved = join(home, 'head.json');
    const r1 = wallet(
      ['audit', 'verify', '--from', write(home, 'log600.json', first.json), '--root-key', ROOT_KEY, '--save-head', saved, '--json'],
      { configHome: home },
    );
    assert.equal(r1.status, 0, r1.stderr);
    assert.equal(
      r1.stdout,
      `{"canister":"${CANISTER.toText()}","length":"600","rootHash":"${bytesToHex(first.root)}","certificateTimeNanos":"1700000000000000000","entriesVerified":600,"consistentWith":null}\n`,
    );

    const second = exportLog({ entries: entriesOf(1000), since: [600] });
    const r2 = wallet(['audit', 'verify', '--from', write(home, 'log1000.json', second.json), '--root-key', ROOT_KEY, '--since', saved], {
      configHome: home,
    });
    assert.equal(r2.status, 0, r2.stderr);
    assert.equal(
      r2.stdout,
      `The signature log of wallet ${CANISTER.toText()} verifies: 1000 entries hash to the certified root ${bytesToHex(second.root)}.\n` +
        `It extends the head of 600 entries saved in ${saved}.\n`,
    );
  });

  test('a rewritten history is refused against the saved head (exit 1)', () => {
    const home = tempDir('wallet-audit-');
    const saved = join(home, 'head.json');
    assert.equal(
      wallet(
        [
          'audit',
          'verify',
          '--from',
          write(home, 'a.json', exportLog({ entries: entriesOf(5) }).json),
          '--root-key',
          ROOT_KEY,
          '--save-head',
          saved,
        ],
        { configHome: home },
      ).status,
      0,
    );
    const forked = exportLog({ entries: [...entriesOf(5, 'forged'), ...entriesOf(3)], since: [5] });
    const r = wallet(['audit', 'verify', '--from', write(home, 'b.json', forked.json), '--root-key', ROOT_KEY, '--since', saved], {
      configHome: home,
    });
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^wallet: the log is not an extension of the head saved in .*head\.json: Consistency proof from size 5 to size 8 refused \(root-mismatch\)/,
    );
  });

  test('a tampered entry, a forged head and a wrong root key each exit 1', () => {
    const home = tempDir('wallet-audit-');
    const good = exportLog({ entries: entriesOf(10) });

    const tampered = structuredClone(good.json);
    tampered.entries[4] = bytesToHex(new TextEncoder().encode('sig 4 (edited)'));
    const t = wallet(['audit', 'verify', '--from', write(home, 't.json', tampered), '--root-key', ROOT_KEY], { configHome: home });
    assert.equal(t.status, 1);
    assert.match(t.stderr, /^wallet: the 10 entries hash to [0-9a-f]{64}, not to the certified root [0-9a-f]{64}: the log was altered\n$/);

    const forgedHead = structuredClone(good.json);
    forgedHead.head.length = '9';
    const f = wallet(['audit', 'verify', '--from', write(home, 'f.json', forgedHead), '--root-key', ROOT_KEY, '--json'], {
      configHome: home,
    });
    assert.equal(f.status, 1);
    assert.equal(JSON.parse(f.stderr).error.kind, 'verificationFailed');
    assert.match(JSON.parse(f.stderr).error.message, /^the certified head does not verify: Audit head refused \(head-mismatch\)/);

    const otherKey = bytesToHex(new Certifier(new Uint8Array(48).fill(10)).rootKeyDer);
    const k = wallet(['audit', 'verify', '--from', write(home, 'k.json', good.json), '--root-key', otherKey], { configHome: home });
    assert.equal(k.status, 1);
    assert.match(k.stderr, /^wallet: the certified head does not verify: Audit head refused \(bad-certificate\)/);

    const stale = wallet(['audit', 'verify', '--from', write(home, 's.json', good.json), '--root-key', ROOT_KEY, '--max-age', '5'], {
      configHome: home,
    });
    assert.equal(stale.status, 1);
    assert.match(stale.stderr, /\(stale-certificate\)/);
  });

  test('without --from it reads the wallet as an identity: none selected is exit 3', () => {
    const home = tempDir('wallet-audit-');
    const r = wallet(['audit', 'verify', '--canister', CANISTER.toText(), '--root-key', ROOT_KEY], { configHome: home });
    assert.deepEqual(
      [r.status, r.stderr],
      [3, 'wallet: no identity selected: create one with "wallet identity new <name>" or pick one with "wallet identity use <name>"\n'],
    );
  });
});

describe('wallet audit proof', () => {
  test("the caller's entries with inclusion proofs verify: exact JSON", () => {
    const home = tempDir('wallet-audit-');
    const entries = entriesOf(13);
    const log = exportLog({ entries, own: [0, 7, 12] });
    const r = wallet(['audit', 'proof', '--from', write(home, 'p.json', log.json), '--root-key', ROOT_KEY, '--json'], { configHome: home });
    assert.equal(r.status, 0, r.stderr);
    const own = [0, 7, 12].map((i) => ({ index: String(i), leafHash: bytesToHex(leafHash(entries[i])), entry: bytesToHex(entries[i]) }));
    assert.equal(
      r.stdout,
      `${JSON.stringify({ canister: CANISTER.toText(), length: '13', rootHash: bytesToHex(log.root), certificateTimeNanos: '1700000000000000000', entries: own })}\n`,
    );
  });

  test('a forged inclusion proof or an entry moved to another index exits 1', () => {
    const home = tempDir('wallet-audit-');
    const log = exportLog({ entries: entriesOf(13), own: [7] });
    const forged = structuredClone(log.json);
    forged.ownEntries[0].proof[1] = 'ab'.repeat(32);
    const f = wallet(['audit', 'proof', '--from', write(home, 'f.json', forged), '--root-key', ROOT_KEY], { configHome: home });
    assert.deepEqual(
      [f.status, f.stderr],
      [
        1,
        'wallet: entry 7 is not in the certified log: Inclusion proof of leaf 7 in a tree of size 13 refused (root-mismatch): the proof does not lead to the claimed root\n',
      ],
    );
    const moved = structuredClone(log.json);
    moved.ownEntries[0].index = '6';
    assert.equal(
      wallet(['audit', 'proof', '--from', write(home, 'm.json', moved), '--root-key', ROOT_KEY], { configHome: home }).status,
      1,
    );
  });
});
