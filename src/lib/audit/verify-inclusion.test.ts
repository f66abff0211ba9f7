import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@noble/hashes/utils.js';
import { InclusionProofError, type MerkleProofFailure } from './errors.ts';
import { leafHash } from './leaf-hash.ts';
import { verifyInclusion } from './verify-inclusion.ts';

const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/audit/rfc6962.json', import.meta.url), 'utf8')) as {
  leaves: string[];
  roots: string[];
  inclusionProofs: { index: number; size: number; proof: string[] }[];
};
const leafHashes = vectors.leaves.map((h) => leafHash(hexToBytes(h)));
const roots = vectors.roots.map((h) => hexToBytes(h));
const SOME_HASH = hexToBytes('abacaba000000000000000000000000000000000000000000060061e00123456');

type Probe = { index: bigint; size: bigint; leafHash: Uint8Array; proof: Uint8Array[]; rootHash: Uint8Array };

function refused(probe: Probe): MerkleProofFailure {
  try {
    verifyInclusion(probe);
  } catch (error) {
    assert.ok(error instanceof InclusionProofError, `expected InclusionProofError, got ${String(error)}`);
    return error.reason;
  }
  assert.fail(`accepted a forged inclusion proof: ${JSON.stringify({ index: String(probe.index), size: String(probe.size) })}`);
}

/** Ways to corrupt a good proof, after transparency-dev/merkle's verifier tests. */
function corruptions(good: Probe): [string, Probe][] {
  const { index, size, proof, rootHash } = good;
  const list: [string, Probe][] = [
    ['wrong leaf (tampered entry)', { ...good, leafHash: leafHash(new TextEncoder().encode('tampered')) }],
    ['empty tree root', { ...good, rootHash: roots[0] }],
    ['random root', { ...good, rootHash: SOME_HASH }],
    ['size * 2', { ...good, size: size * 2n }],
    ['trailing root', { ...good, proof: [...proof, rootHash] }],
    ['preceding root', { ...good, proof: [rootHash, ...proof] }],
    ['trailing empty hash', { ...good, proof: [...proof, new Uint8Array(0)] }],
    ['index = size', { ...good, index: size }],
  ];
  if (index > 0n) list.push(['index - 1', { ...good, index: index - 1n }]);
  if (index + 1n < size) list.push(['index + 1', { ...good, index: index + 1n }]);
  if (size > 1n) list.push(['size / 2', { ...good, size: size / 2n }]);
  proof.forEach((_, i) => {
    const flipped = proof.map((h) => Uint8Array.from(h));
    flipped[i][0] ^= 8;
    list.push([`proof[${i}] bit flipped`, { ...good, proof: flipped }]);
  });
  if (proof.length > 0) list.push(['last hash removed', { ...good, proof: proof.slice(0, -1) }]);
  if (proof.length > 1) list.push(['hash inserted', { ...good, proof: [proof[0], SOME_HASH, ...proof.slice(1)] }]);
  return list;
}

describe('verifyInclusion (RFC 9162 §2.1.3.2)', () => {
  for (const v of vectors.inclusionProofs) {
    const good: Probe = {
      index: BigInt(v.index),
      size: BigInt(v.size),
      leafHash: leafHashes[v.index],
      proof: v.proof.map((h) => hexToBytes(h)),
      rootHash: roots[v.size],
    };

    test(`reference proof of leaf ${v.index} in size ${v.size} verifies`, () => {
      assert.deepEqual(verifyInclusion(good), { index: good.index, size: good.size, rootHash: good.rootHash });
    });

    test(`reference proof of leaf ${v.index} in size ${v.size}: every corruption is refused`, () => {
      for (const [label, probe] of corruptions(good)) {
        assert.ok(refused(probe), label);
      }
    });
  }

  test('corruptions fail for the documented reason (leaf 5 of size 8)', () => {
    const v = vectors.inclusionProofs[2];
    const good: Probe = { index: 5n, size: 8n, leafHash: leafHashes[5], proof: v.proof.map((h) => hexToBytes(h)), rootHash: roots[8] };
    const reasons = Object.fromEntries(corruptions(good).map(([label, probe]) => [label, refused(probe)]));
    assert.deepEqual(reasons, {
      'wrong leaf (tampered entry)': 'root-mismatch',
      'empty tree root': 'root-mismatch',
      'random root': 'root-mismatch',
      'size * 2': 'bad-proof-length',
      'trailing root': 'bad-proof-length',
      'preceding root': 'bad-proof-length',
      'trailing empty hash': 'bad-hash-length',
      'index = size': 'bad-position',
      'index - 1': 'root-mismatch',
      'index + 1': 'root-mismatch',
      'size / 2': 'bad-position',
      'proof[0] bit flipped': 'root-mismatch',
      'proof[1] bit flipped': 'root-mismatch',
      'proof[2] bit flipped': 'root-mismatch',
      'last hash removed': 'bad-proof-length',
      'hash inserted': 'bad-proof-length',
    });
  });

  test('a proof in an empty tree, and a size over u64, are refused as bad positions', () => {
    assert.equal(refused({ index: 0n, size: 0n, leafHash: SOME_HASH, proof: [], rootHash: roots[0] }), 'bad-position');
    assert.equal(refused({ index: 0n, size: 1n << 64n, leafHash: SOME_HASH, proof: [], rootHash: roots[0] }), 'bad-position');
    assert.equal(refused({ index: -1n, size: 1n, leafHash: SOME_HASH, proof: [], rootHash: roots[0] }), 'bad-position');
  });

  test('a single-leaf tree: the leaf hash is the root; a short hash is refused', () => {
    const h = leafHashes[3];
    assert.deepEqual(verifyInclusion({ index: 0n, size: 1n, leafHash: h, proof: [], rootHash: h }).size, 1n);
    assert.equal(refused({ index: 0n, size: 1n, leafHash: h, proof: [], rootHash: SOME_HASH }), 'root-mismatch');
    assert.equal(refused({ index: 0n, size: 1n, leafHash: h.subarray(1), proof: [], rootHash: h.subarray(1) }), 'bad-hash-length');
  });
});
