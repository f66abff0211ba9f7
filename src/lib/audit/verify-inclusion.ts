import { InclusionProofError } from './errors.ts';
import { nodeHash } from './node-hash.ts';
import { HASH_LENGTH, equalHashes, isHash, isTreeSize } from './tree-bounds.ts';

/** What a verified inclusion proof establishes: the leaf at `index` is in the tree of `size` leaves with this root. */
export type VerifiedInclusion = { index: bigint; size: bigint; rootHash: Uint8Array };

/**
 * Verifies an inclusion proof, following RFC 9162 §2.1.3.2 step by step.
 *
 * @throws {InclusionProofError} with `reason` 'bad-position' (index >= size), 'bad-hash-length',
 * 'bad-proof-length' (more or fewer hashes than the path from this index in this size has) or
 * 'root-mismatch' (a tampered entry, a forged proof or another tree).
 */
export function verifyInclusion({
  leafHash,
  index,
  size,
  proof,
  rootHash,
}: {
  leafHash: Uint8Array;
  index: bigint;
  size: bigint;
  proof: readonly Uint8Array[];
  rootHash: Uint8Array;
}): VerifiedInclusion {
  const fail = (reason: InclusionProofError['reason'], details: string): never => {
    throw new InclusionProofError({ reason, index, size, details });
  };
  if (!isTreeSize(index) || !isTreeSize(size) || index >= size) fail('bad-position', 'the index must be below the size, both u64');
  if (!isHash(leafHash) || !isHash(rootHash)) fail('bad-hash-length', `the leaf and root hashes must be ${HASH_LENGTH} bytes`);
  proof.forEach((hash, i) => {
    if (!isHash(hash)) fail('bad-hash-length', `proof[${i}] is not ${HASH_LENGTH} bytes`);
  });

  // Steps 2-5: fn = leaf_index, sn = tree_size - 1, r = hash.
  let fn = index;
  let sn = size - 1n;
  let r = leafHash;
  for (const p of proof) {
    // 5.a: a proof longer than the path.
    if (sn === 0n) fail('bad-proof-length', `more than the ${proof.length - 1} hashes the path has`);
    if ((fn & 1n) === 1n || fn === sn) {
      // 5.b: p is a left sibling; skip the levels where the node has no right sibling.
      r = nodeHash({ left: p, right: r });
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      // 5.c: p is a right sibling.
      r = nodeHash({ left: r, right: p });
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 6: sn = 0 (the path reached the root) and r = root_hash.
  if (sn !== 0n) fail('bad-proof-length', `the path needs more than ${proof.length} hashes`);
  if (!equalHashes(r, rootHash)) fail('root-mismatch', 'the proof does not lead to the claimed root');
  return { index, size, rootHash };
}
