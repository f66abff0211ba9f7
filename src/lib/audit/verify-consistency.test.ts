import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hexToBytes } from '@noble/hashes/utils.js';
import { ConsistencyProofError, type MerkleProofFailure } from './errors.ts';
import { verifyConsistency } from './verify-consistency.ts';

const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/audit/rfc6962.json', import.meta.url), 'utf8')) as {
  roots: string[];
  consistencyProofs: { size1: number; size2: number; proof: string[] }[];
};
const roots = vectors.roots.map((h) => hexToBytes(h));
const SOME_HASH = hexToBytes('abacaba000000000000000000000000000000000000000000060061e00123456');

type Probe = { size1: bigint; size2: bigint; rootHash1: Uint8Array; rootHash2: Uint8Array; proof: Uint8Array[] };

function refused(probe: Probe): MerkleProofFailure {
  try {
    verifyConsistency(probe);
  } catch (error) {
    assert.ok(error instanceof ConsistencyProofError, `expected ConsistencyProofError, got ${String(error)}`);
    return error.reason;
  }
  assert.fail(`accepted a forged consistency proof from ${probe.size1} to ${probe.size2}`);
}

/** Corruptions of a non-trivial good proof (0 < size1 < size2), after transparency-dev/merkle's verifier tests. */
function corruptions(good: Probe): [string, Probe][] {
  const { size1, size2, rootHash1, rootHash2, proof } = good;
  const list: [string, Probe][] = [
    ['size1 - 1', { ...good, size1: size1 - 1n }],
    ['size1 + 1', { ...good, size1: size1 + 1n }],
    ['size1 ^ 2', { ...good, size1: size1 ^ 2n }],
    ['size2 * 2', { ...good, size2: size2 * 2n }],
    ['size2 / 2', { ...good, size2: size2 / 2n }],
    ['wrong root1', { ...good, rootHash1: SOME_HASH }],
    ['wrong root2', { ...good, rootHash2: SOME_HASH }],
    ['swapped roots', { ...good, rootHash1: rootHash2, rootHash2: rootHash1 }],
    ['empty proof', { ...good, proof: [] }],
    ['trailing empty hash', { ...good, proof: [...proof, new Uint8Array(0)] }],
    ['trailing root1', { ...good, proof: [...proof, rootHash1] }],
    ['trailing root2', { ...good, proof: [...proof, rootHash2] }],
    ['preceding root1', { ...good, proof: [rootHash1, ...proof] }],
    ['preceding root2', { ...good, proof: [rootHash2, ...proof] }],
    ['preceding proof[0]', { ...good, proof: [proof[0], ...proof] }],
    ['truncated', { ...good, proof: proof.slice(0, -1) }],
  ];
  proof.forEach((_, i) => {
    const flipped = proof.map((h) => Uint8Array.from(h));
    flipped[i][0] ^= 16;
    list.push([`proof[${i}] bit flipped`, { ...good, proof: flipped }]);
  });
  return list;
}

describe('verifyConsistency (RFC 9162 §2.1.4.2)', () => {
  for (const v of vectors.consistencyProofs) {
    const good: Probe = {
      size1: BigInt(v.size1),
      size2: BigInt(v.size2),
      rootHash1: roots[v.size1],
      rootHash2: roots[v.size2],
      proof: v.proof.map((h) => hexToBytes(h)),
    };
    test(`reference proof from ${v.size1} to ${v.size2} verifies`, () => {
      assert.deepEqual(verifyConsistency(good), {
        size1: good.size1,
        size2: good.size2,
        rootHash1: good.rootHash1,
        rootHash2: good.rootHash2,
      });
    });
    if (v.proof.length > 0) {
      test(`reference proof from ${v.size1} to ${v.size2}: every corruption is refused`, () => {
        for (const [label, probe] of corruptions(good)) assert.ok(refused(probe), label);
      });
    }
  }

  test('corruptions fail for the documented reason (6 to 8)', () => {
    const v = vectors.consistencyProofs[2];
    const good: Probe = { size1: 6n, size2: 8n, rootHash1: roots[6], rootHash2: roots[8], proof: v.proof.map((h) => hexToBytes(h)) };
    const reasons = Object.fromEntries(corruptions(good).map(([label, probe]) => [label, refused(probe)]));
    assert.deepEqual(reasons, {
      'size1 - 1': 'bad-proof-length',
      'size1 + 1': 'bad-proof-length',
      'size1 ^ 2': 'bad-proof-length',
      'size2 * 2': 'bad-proof-length',
      'size2 / 2': 'bad-position',
      'wrong root1': 'root-mismatch',
      'wrong root2': 'root-mismatch',
      'swapped roots': 'root-mismatch',
      'empty proof': 'bad-proof-length',
      'trailing empty hash': 'bad-hash-length',
      'trailing root1': 'bad-proof-length',
      'trailing root2': 'bad-proof-length',
      'preceding root1': 'bad-proof-length',
      'preceding root2': 'bad-proof-length',
      'preceding proof[0]': 'bad-proof-length',
      truncated: 'bad-proof-length',
      'proof[0] bit flipped': 'root-mismatch',
      'proof[1] bit flipped': 'root-mismatch',
      'proof[2] bit flipped': 'root-mismatch',
    });
  });

  test('edge sizes: equal sizes need equal roots and no proof; size 0 needs the empty root', () => {
    assert.equal(verifyConsistency({ size1: 3n, size2: 3n, rootHash1: roots[3], rootHash2: roots[3], proof: [] }).size2, 3n);
    assert.equal(refused({ size1: 3n, size2: 3n, rootHash1: roots[3], rootHash2: roots[4], proof: [] }), 'root-mismatch');
    assert.equal(refused({ size1: 3n, size2: 3n, rootHash1: roots[3], rootHash2: roots[3], proof: [roots[0]] }), 'bad-proof-length');
    assert.equal(verifyConsistency({ size1: 0n, size2: 5n, rootHash1: roots[0], rootHash2: roots[5], proof: [] }).size1, 0n);
    assert.equal(refused({ size1: 0n, size2: 5n, rootHash1: roots[1], rootHash2: roots[5], proof: [] }), 'root-mismatch');
    assert.equal(refused({ size1: 0n, size2: 5n, rootHash1: roots[0], rootHash2: roots[5], proof: [roots[0]] }), 'bad-proof-length');
    assert.equal(refused({ size1: 5n, size2: 4n, rootHash1: roots[5], rootHash2: roots[4], proof: [] }), 'bad-position');
  });
});
