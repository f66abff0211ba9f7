// The store-based tree (appendLeaf, rootHash, inclusionProof, consistencyProof) against the RFC
// 6962/9162 reference data and against the RFC 9162 §2.1 definitions computed naively here.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import fc from 'fast-check';
import { appendLeaf } from './append-leaf.ts';
import { consistencyProof } from './consistency-proof.ts';
import { ConsistencyProofError, InclusionProofError, MerkleTreeRangeError, MissingMerkleNodeError } from './errors.ts';
import { inclusionProof } from './inclusion-proof.ts';
import { leafHash } from './leaf-hash.ts';
import { MemoryMerkleNodeStore, type MerkleNodeStore } from './merkle-node-store.ts';
import { merkleTreeHash } from './merkle-tree-hash.ts';
import { nodeHash } from './node-hash.ts';
import { rootHash } from './root-hash.ts';
import { verifyConsistency } from './verify-consistency.ts';
import { verifyInclusion } from './verify-inclusion.ts';

const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/audit/rfc6962.json', import.meta.url), 'utf8')) as {
  leaves: string[];
  roots: string[];
  inclusionProofs: { index: number; size: number; proof: string[] }[];
  consistencyProofs: { size1: number; size2: number; proof: string[] }[];
};
const hexes = (hashes: Uint8Array[]) => hashes.map((h) => bytesToHex(h));

function buildLog(entries: Uint8Array[]): { store: MemoryMerkleNodeStore; size: bigint } {
  const store = new MemoryMerkleNodeStore();
  let size = 0n;
  for (const entry of entries) size = appendLeaf({ store, size, leafHash: leafHash(entry) });
  return { store, size };
}

// RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 written as the recursions they are, over leaf hashes.
function mth(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 1) return hashes[0];
  const k = largestPowerOfTwoBelow(hashes.length);
  return nodeHash({ left: mth(hashes.slice(0, k)), right: mth(hashes.slice(k)) });
}
function path(m: number, hashes: Uint8Array[]): Uint8Array[] {
  if (hashes.length === 1) return [];
  const k = largestPowerOfTwoBelow(hashes.length);
  return m < k ? [...path(m, hashes.slice(0, k)), mth(hashes.slice(k))] : [...path(m - k, hashes.slice(k)), mth(hashes.slice(0, k))];
}
function subproof(m: number, hashes: Uint8Array[], b: boolean): Uint8Array[] {
  const n = hashes.length;
  if (m === n) return b ? [] : [mth(hashes)];
  const k = largestPowerOfTwoBelow(n);
  return m <= k
    ? [...subproof(m, hashes.slice(0, k), b), mth(hashes.slice(k))]
    : [...subproof(m - k, hashes.slice(k), false), mth(hashes.slice(0, k))];
}
function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A store that counts reads and writes, for the O(log n) claims. */
class CountingStore implements MerkleNodeStore {
  reads = 0;
  writes = 0;
  readonly inner: MerkleNodeStore;
  constructor(inner: MerkleNodeStore) {
    this.inner = inner;
  }
  get(level: number, index: bigint) {
    this.reads++;
    return this.inner.get(level, index);
  }
  set(level: number, index: bigint, hash: Uint8Array) {
    this.writes++;
    this.inner.set(level, index, hash);
  }
}

describe('append-only Merkle tree over a node store: RFC 6962 reference data', () => {
  const { store } = buildLog(vectors.leaves.map((h) => hexToBytes(h)));

  test('rootHash of every past size 0..8 is the reference root', () => {
    for (let n = 0; n <= 8; n++) assert.equal(bytesToHex(rootHash({ store, size: BigInt(n) })), vectors.roots[n], `size ${n}`);
  });

  test('inclusionProof equals every reference inclusion proof', () => {
    for (const v of vectors.inclusionProofs) {
      assert.deepEqual(hexes(inclusionProof({ store, index: BigInt(v.index), size: BigInt(v.size) })), v.proof, `${v.index} in ${v.size}`);
    }
  });

  test('consistencyProof equals every reference consistency proof', () => {
    for (const v of vectors.consistencyProofs) {
      assert.deepEqual(
        hexes(consistencyProof({ store, size1: BigInt(v.size1), size2: BigInt(v.size2) })),
        v.proof,
        `${v.size1} to ${v.size2}`,
      );
    }
  });

  test('stores 2n - popcount(n) nodes: 15 for 8 leaves', () => {
    assert.equal(store.size, 15);
  });
});

describe('append-only Merkle tree: agrees with the naive RFC 9162 recursions (fast-check)', () => {
  test('random logs up to 1,100 entries: past roots, proofs equal the recursions and verify', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1100 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 0xffff }),
        (n, picks, salt) => {
          const entries = Array.from({ length: n }, (_, i) => new TextEncoder().encode(`entry ${salt}/${i}`));
          const hashes = entries.map(leafHash);
          const { store, size } = buildLog(entries);
          assert.equal(size, BigInt(n));
          assert.equal(bytesToHex(rootHash({ store, size })), bytesToHex(merkleTreeHash(entries)));
          for (const [a, b, c] of picks) {
            const size2 = 1 + (a % n);
            const size1 = b % (size2 + 1);
            const index = c % size2;
            const root2 = rootHash({ store, size: BigInt(size2) });
            const root1 = rootHash({ store, size: BigInt(size1) });
            assert.equal(bytesToHex(root2), bytesToHex(mth(hashes.slice(0, size2))));
            assert.equal(bytesToHex(root1), bytesToHex(merkleTreeHash(entries.slice(0, size1))));

            const inclusion = inclusionProof({ store, index: BigInt(index), size: BigInt(size2) });
            assert.deepEqual(hexes(inclusion), hexes(path(index, hashes.slice(0, size2))));
            verifyInclusion({ leafHash: hashes[index], index: BigInt(index), size: BigInt(size2), proof: inclusion, rootHash: root2 });

            const consistency = consistencyProof({ store, size1: BigInt(size1), size2: BigInt(size2) });
            const expected = size1 === 0 || size1 === size2 ? [] : subproof(size1, hashes.slice(0, size2), true);
            assert.deepEqual(hexes(consistency), hexes(expected));
            verifyConsistency({ size1: BigInt(size1), size2: BigInt(size2), rootHash1: root1, rootHash2: root2, proof: consistency });
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('append-only Merkle tree: a log of 1,000 entries', () => {
  const entries = Array.from({ length: 1000 }, (_, i) => new TextEncoder().encode(`signature ${i}`));
  const counting = new CountingStore(new MemoryMerkleNodeStore());
  let size = 0n;
  let maxWrites = 0;
  for (const entry of entries) {
    const before = counting.writes;
    size = appendLeaf({ store: counting, size, leafHash: leafHash(entry) });
    maxWrites = Math.max(maxWrites, counting.writes - before);
  }
  const head = rootHash({ store: counting, size });

  test('the head is the Merkle Tree Hash of the 1,000 entries', () => {
    assert.equal(size, 1000n);
    assert.equal(bytesToHex(head), bytesToHex(merkleTreeHash(entries)));
  });

  test('an append writes at most 1 + log2(1000) = 10 nodes', () => {
    assert.equal(maxWrites, 10);
  });

  test('every entry has an inclusion proof against the head, in at most 2·log2 n reads', () => {
    for (let i = 0; i < 1000; i++) {
      const before = counting.reads;
      const proof = inclusionProof({ store: counting, index: BigInt(i), size });
      assert.ok(counting.reads - before <= 20, `leaf ${i}: ${counting.reads - before} reads`);
      verifyInclusion({ leafHash: leafHash(entries[i]), index: BigInt(i), size, proof, rootHash: head });
    }
  });

  test('every past head 0..999 is consistent with the head', () => {
    for (let m = 0; m < 1000; m++) {
      const old = rootHash({ store: counting, size: BigInt(m) });
      const proof = consistencyProof({ store: counting, size1: BigInt(m), size2: size });
      verifyConsistency({ size1: BigInt(m), size2: size, rootHash1: old, rootHash2: head, proof });
    }
  });

  test('a tampered entry fails its inclusion proof with root-mismatch', () => {
    const proof = inclusionProof({ store: counting, index: 500n, size });
    const tampered = Uint8Array.from(entries[500]);
    tampered[0] ^= 1;
    assert.throws(
      () => verifyInclusion({ leafHash: leafHash(tampered), index: 500n, size, proof, rootHash: head }),
      (e) => e instanceof InclusionProofError && e.reason === 'root-mismatch',
    );
  });

  test('a rewritten history (entry 10 changed) is not consistent with the recorded head of size 600', () => {
    const forged = entries.slice(0, 1000).map((e, i) => (i === 10 ? new TextEncoder().encode('forged') : e));
    const { store: forgedStore } = buildLog(forged);
    const honestOld = rootHash({ store: counting, size: 600n });
    const proof = consistencyProof({ store: forgedStore, size1: 600n, size2: 1000n });
    assert.throws(
      () =>
        verifyConsistency({
          size1: 600n,
          size2: 1000n,
          rootHash1: honestOld,
          rootHash2: rootHash({ store: forgedStore, size: 1000n }),
          proof,
        }),
      (e) => e instanceof ConsistencyProofError && e.reason === 'root-mismatch',
    );
  });

  test('a proof for another size than claimed is refused', () => {
    const proof = inclusionProof({ store: counting, index: 3n, size: 999n });
    assert.throws(() => verifyInclusion({ leafHash: leafHash(entries[3]), index: 3n, size, proof, rootHash: head }), InclusionProofError);
  });
});

describe('append-only Merkle tree: refused operations', () => {
  test('an append with a stale size is refused instead of rewriting a leaf', () => {
    const { store } = buildLog([new Uint8Array([1]), new Uint8Array([2])]);
    assert.throws(() => appendLeaf({ store, size: 1n, leafHash: leafHash(new Uint8Array([3])) }), MerkleTreeRangeError);
    assert.equal(bytesToHex(rootHash({ store, size: 2n })), bytesToHex(merkleTreeHash([new Uint8Array([1]), new Uint8Array([2])])));
  });

  test('a leaf hash that is not 32 bytes, or a negative size, is refused', () => {
    const store = new MemoryMerkleNodeStore();
    assert.throws(() => appendLeaf({ store, size: 0n, leafHash: new Uint8Array(31) }), MerkleTreeRangeError);
    assert.throws(() => appendLeaf({ store, size: -1n, leafHash: new Uint8Array(32) }), MerkleTreeRangeError);
  });

  test('proofs for positions outside the tree are refused; sizes beyond the log find no nodes', () => {
    const { store } = buildLog([new Uint8Array([1]), new Uint8Array([2]), new Uint8Array([3])]);
    assert.throws(() => inclusionProof({ store, index: 3n, size: 3n }), MerkleTreeRangeError);
    assert.throws(() => consistencyProof({ store, size1: 3n, size2: 2n }), MerkleTreeRangeError);
    assert.throws(() => rootHash({ store, size: 4n }), MissingMerkleNodeError);
    assert.throws(() => inclusionProof({ store, index: 0n, size: 5n }), MissingMerkleNodeError);
  });
});
