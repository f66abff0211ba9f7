/**
 * The signature log's tree (src/lib/audit) bundled by Azle into a canister
 * (test/fixtures/audit-probe) over azle's StableBTreeMap and run by the devnet: after 1,000
 * appends its roots and proofs equal Node's and verify, its certified head verifies against the
 * devnet's root key, and all of it survives an upgrade. Also bounds the instructions an append,
 * a proof and the certification cost inside the canister (bench/audit.bench.ts prints them).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type Actor, type PocketIcServer } from '@dfinity/pic';
import type { IDL as IDLType } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import { auditProbe, type Fixture } from './fixtures/build.ts';
import { startInstance, stopInstance } from './support/pic.ts';
import {
  appendLeaf,
  consistencyProof,
  inclusionProof,
  leafHash,
  MemoryMerkleNodeStore,
  merkleTreeHash,
  rootHash,
  verifyConsistency,
  verifyInclusion,
} from '../src/lib/audit/index.ts';
import { verifyAuditHead } from '../src/lib/audit/verify-audit-head.ts';

type Proof = { Ok: { proof: Uint8Array[]; instructions: bigint } } | { Err: string };
interface AuditProbe {
  append(
    entries: Uint8Array[],
  ): Promise<{ size: bigint; appendInstructions: bigint[]; certifyInstructions: bigint; totalInstructions: bigint }>;
  head(): Promise<{ length: bigint; rootHash: Uint8Array; certificate: [] | [Uint8Array] }>;
  root(size: bigint): Promise<Proof>;
  inclusionProof(index: bigint, size: bigint): Promise<Proof>;
  consistencyProof(size1: bigint, size2: bigint): Promise<Proof>;
  costs(entry: Uint8Array): Promise<{ leafHash: bigint; nodeHash: bigint; storeGet: bigint; storeSet: bigint; sizeWrite: bigint }>;
}
const idlFactory: IDLType.InterfaceFactory = ({ IDL }) => {
  const Proof = IDL.Variant({ Ok: IDL.Record({ proof: IDL.Vec(IDL.Vec(IDL.Nat8)), instructions: IDL.Nat64 }), Err: IDL.Text });
  return IDL.Service({
    append: IDL.Func(
      [IDL.Vec(IDL.Vec(IDL.Nat8))],
      [
        IDL.Record({
          size: IDL.Nat64,
          appendInstructions: IDL.Vec(IDL.Nat64),
          certifyInstructions: IDL.Nat64,
          totalInstructions: IDL.Nat64,
        }),
      ],
      [],
    ),
    head: IDL.Func(
      [],
      [IDL.Record({ length: IDL.Nat64, rootHash: IDL.Vec(IDL.Nat8), certificate: IDL.Opt(IDL.Vec(IDL.Nat8)) })],
      ['query'],
    ),
    root: IDL.Func([IDL.Nat64], [Proof], ['query']),
    inclusionProof: IDL.Func([IDL.Nat64, IDL.Nat64], [Proof], ['query']),
    consistencyProof: IDL.Func([IDL.Nat64, IDL.Nat64], [Proof], ['query']),
    costs: IDL.Func(
      [IDL.Vec(IDL.Nat8)],
      [IDL.Record({ leafHash: IDL.Nat64, nodeHash: IDL.Nat64, storeGet: IDL.Nat64, storeSet: IDL.Nat64, sizeWrite: IDL.Nat64 })],
      ['query'],
    ),
  });
};

const ok = (p: Proof) => {
  if ('Err' in p) assert.fail(p.Err);
  return p.Ok;
};
const hexes = (hashes: Uint8Array[]) => hashes.map(bytesToHex);
// A signature-log-sized entry (~300 bytes), distinct per index.
const entry = (i: number) => new TextEncoder().encode(`{"index":${i},"method":"sign_with_ecdsa","message":"${'ab'.repeat(128)}"}`);

let server: PocketIcServer;
let pic: PocketIc;
let fixture: Fixture;
let actor: Actor<AuditProbe>;
let canisterId: Principal;
let rootKey: Uint8Array;
const node = new MemoryMerkleNodeStore();
let nodeSize = 0n;
const appendCosts: bigint[] = [];
const certifyCosts: bigint[] = [];

before(async () => {
  fixture = auditProbe();
  ({ server, pic } = await startInstance());
  ({ actor, canisterId } = await pic.setupCanister<AuditProbe>({ idlFactory, wasm: fixture.wasmPath }));
  rootKey = new Uint8Array(await pic.getPubKey((await pic.getCanisterSubnetId(canisterId))!));
});
after(() => stopInstance({ server, pic }));

async function appendBoth(from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += 250) {
    const batch = Array.from({ length: Math.min(250, to - start) }, (_, k) => entry(start + k));
    const reply = await actor.append(batch);
    appendCosts.push(...reply.appendInstructions);
    certifyCosts.push(reply.certifyInstructions);
    for (const e of batch) nodeSize = appendLeaf({ store: node, size: nodeSize, leafHash: leafHash(e) });
    assert.equal(reply.size, nodeSize);
  }
}

/** Checks the canister's log of `size` entries against Node's: head, certificate, sampled roots and proofs. */
async function checkAgainstNode(size: bigint): Promise<void> {
  const head = await actor.head();
  assert.equal(head.length, size);
  assert.equal(bytesToHex(head.rootHash), bytesToHex(merkleTreeHash(Array.from({ length: Number(size) }, (_, i) => entry(i)))));
  assert.equal(head.certificate.length, 1, 'a query sees a data certificate');
  await verifyAuditHead({
    certificate: head.certificate[0]!,
    canisterId,
    rootKey,
    length: head.length,
    rootHash: head.rootHash,
    maxAgeInMinutes: null,
  });

  for (const index of [0n, 1n, 2n, 511n, 512n, size / 2n, size - 2n, size - 1n]) {
    const { proof } = ok(await actor.inclusionProof(index, size));
    assert.deepEqual(hexes(proof), hexes(inclusionProof({ store: node, index, size })), `inclusion ${index}`);
    verifyInclusion({ leafHash: leafHash(entry(Number(index))), index, size, proof, rootHash: head.rootHash });
  }
  for (const size1 of [1n, 2n, 3n, 255n, 256n, 600n, size - 1n]) {
    const { proof } = ok(await actor.consistencyProof(size1, size));
    const [old] = ok(await actor.root(size1)).proof;
    assert.equal(bytesToHex(old), bytesToHex(rootHash({ store: node, size: size1 })), `root ${size1}`);
    assert.deepEqual(hexes(proof), hexes(consistencyProof({ store: node, size1, size2: size })), `consistency ${size1}`);
    verifyConsistency({ size1, size2: size, rootHash1: old, rootHash2: head.rootHash, proof });
  }
}

describe('the signature log tree in an Azle canister over StableBTreeMap', () => {
  test('1,000 appends: the head is certified, roots and proofs equal Node and verify', async () => {
    await appendBoth(0, 1000);
    await checkAgainstNode(1000n);
  });

  test('after an upgrade the same log verifies, and 200 more appends extend it consistently', async () => {
    const before = await actor.head();
    await pic.upgradeCanister({ canisterId, wasm: fixture.wasmPath });
    const after = await actor.head();
    assert.equal(after.length, 1000n);
    assert.equal(bytesToHex(after.rootHash), bytesToHex(before.rootHash));
    await appendBoth(1000, 1200);
    await checkAgainstNode(1200n);
    const { proof } = ok(await actor.consistencyProof(1000n, 1200n));
    verifyConsistency({ size1: 1000n, size2: 1200n, rootHash1: before.rootHash, rootHash2: (await actor.head()).rootHash, proof });
  });

  test('instructions follow the SHA-256 count: ~1.75 M per 64-byte block in QuickJS, stable-map access well under 1 M', async () => {
    const parts = await actor.costs(entry(5)); // a 300-byte entry: 5 blocks; a node: 65 bytes, 2 blocks
    assert.ok(parts.leafHash > 5n * 1_000_000n && parts.leafHash < 5n * 2_500_000n, `leafHash ${parts.leafHash}`);
    assert.ok(parts.nodeHash > 2n * 1_000_000n && parts.nodeHash < 2n * 2_500_000n, `nodeHash ${parts.nodeHash}`);
    assert.ok(parts.storeGet < 1_000_000n && parts.storeSet < 1_000_000n, `get ${parts.storeGet}, set ${parts.storeSet}`);
    // An append is a leaf hash plus one node hash per completed level: the 1,024th (10 levels) is the worst of 1,200.
    const sorted = [...appendCosts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const worst = sorted[sorted.length - 1];
    assert.equal(appendCosts.indexOf(worst), 1023);
    assert.ok(worst < parts.leafHash + 10n * (parts.nodeHash + parts.storeGet + parts.storeSet) + 3_000_000n, `worst append ${worst}`);
    assert.ok(
      sorted[sorted.length >> 1] < parts.leafHash + 2n * parts.nodeHash + 3_000_000n,
      `median append ${sorted[sorted.length >> 1]}`,
    );
    // Certifying the head of 1,200 (popcount 4) folds 4 peaks (3 node hashes), then digests 62 bytes (2 blocks, as a node hash).
    assert.ok(certifyCosts[certifyCosts.length - 1] < 4n * parts.nodeHash + 2_000_000n, `certify ${certifyCosts[certifyCosts.length - 1]}`);
    const inclusion = ok(await actor.inclusionProof(777n, 1200n)).instructions;
    const consistency = ok(await actor.consistencyProof(333n, 1200n)).instructions;
    assert.ok(inclusion < 5n * parts.nodeHash && consistency < 5n * parts.nodeHash, `inclusion ${inclusion}, consistency ${consistency}`);
  });

  test('sizes beyond the log are refused with an error, not a trap', async () => {
    assert.deepEqual(await actor.inclusionProof(0n, 1201n), { Err: "size 1201 is beyond the log's 1200 entries" });
    assert.deepEqual(await actor.inclusionProof(1200n, 1200n), {
      Err: 'MerkleTreeRangeError: Merkle tree position out of range: leaf 1200 of size 1200: the index must be below the size',
    });
  });
});
