import { emptyRootHash } from './empty-root-hash.ts';
import { ConsistencyProofError } from './errors.ts';
import { nodeHash } from './node-hash.ts';
import { HASH_LENGTH, equalHashes, isHash, isTreeSize } from './tree-bounds.ts';

/** What a verified consistency proof establishes: the tree of `size2` leaves extends the tree of `size1`. */
export type VerifiedConsistency = { size1: bigint; size2: bigint; rootHash1: Uint8Array; rootHash2: Uint8Array };

/**
 * Verifies that the head (size2, rootHash2) is an append-only extension of (size1, rootHash1),
 * following RFC 9162 §2.1.4.2 step by step. Edge cases outside the RFC's 0 < size1 < size2:
 * equal sizes need an empty proof and equal roots; size 0 needs an empty proof and the empty
 * tree's root as rootHash1 (a head of size 0 with any other root is not a head of this log).
 *
 * @throws {ConsistencyProofError} with `reason` 'bad-position' (size1 > size2), 'bad-hash-length',
 * 'bad-proof-length' or 'root-mismatch' (history rewritten, a forged proof or another log).
 */
export function verifyConsistency({
  size1,
  size2,
  rootHash1,
  rootHash2,
  proof,
}: {
  size1: bigint;
  size2: bigint;
  rootHash1: Uint8Array;
  rootHash2: Uint8Array;
  proof: readonly Uint8Array[];
}): VerifiedConsistency {
  const fail = (reason: ConsistencyProofError['reason'], details: string): never => {
    throw new ConsistencyProofError({ reason, size1, size2, details });
  };
  if (!isTreeSize(size1) || !isTreeSize(size2) || size1 > size2) fail('bad-position', 'size1 must not exceed size2, both u64');
  if (!isHash(rootHash1) || !isHash(rootHash2)) fail('bad-hash-length', `both roots must be ${HASH_LENGTH} bytes`);
  proof.forEach((hash, i) => {
    if (!isHash(hash)) fail('bad-hash-length', `proof[${i}] is not ${HASH_LENGTH} bytes`);
  });
  const verified = { size1, size2, rootHash1, rootHash2 };

  if (size1 === size2) {
    if (proof.length !== 0) fail('bad-proof-length', 'equal sizes take an empty proof');
    if (!equalHashes(rootHash1, rootHash2)) fail('root-mismatch', 'equal sizes with different roots');
    return verified;
  }
  if (size1 === 0n) {
    if (proof.length !== 0) fail('bad-proof-length', 'a proof from the empty tree is empty');
    if (!equalHashes(rootHash1, emptyRootHash())) fail('root-mismatch', 'rootHash1 is not the empty tree hash');
    return verified;
  }
  // Step 1: an empty consistency_path fails.
  if (proof.length === 0) fail('bad-proof-length', 'the proof is empty');
  // Step 2: if first is an exact power of 2, prepend first_hash.
  const path = (size1 & (size1 - 1n)) === 0n ? [rootHash1, ...proof] : [...proof];
  // Steps 3-4.
  let fn = size1 - 1n;
  let sn = size2 - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  let fr = path[0];
  let sr = path[0];
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) fail('bad-proof-length', 'more hashes than the proof needs');
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash({ left: c, right: fr });
      sr = nodeHash({ left: c, right: sr });
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash({ left: sr, right: c });
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) fail('bad-proof-length', 'fewer hashes than the proof needs');
  if (!equalHashes(fr, rootHash1)) fail('root-mismatch', 'the proof does not lead to rootHash1');
  if (!equalHashes(sr, rootHash2)) fail('root-mismatch', 'the proof does not lead to rootHash2');
  return verified;
}
