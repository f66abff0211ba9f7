import { MerkleTreeRangeError } from './errors.ts';
import type { MerkleNodeStore } from './merkle-node-store.ts';
import { subtreeHash } from './subtree-hash.ts';
import { isTreeSize, largestPowerOfTwoBelow } from './tree-bounds.ts';

/**
 * The inclusion proof PATH(index, D[size]) of RFC 9162 §2.1.3.1, hashes ordered from the leaf
 * upwards, for any size up to the log's length (past heads stay provable).
 *
 * Reads: each step takes one sibling; a left sibling is always a perfect subtree (one read), and
 * once the path goes left the rest of it lies inside a perfect subtree, so only one sibling is a
 * ragged right edge (popcount reads). O(log n) reads and hashes in all.
 *
 * @throws {MerkleTreeRangeError} when index >= size or a value is out of u64 range.
 * @throws {MissingMerkleNodeError} for a size beyond what was appended.
 */
export function inclusionProof({ store, index, size }: { store: MerkleNodeStore; index: bigint; size: bigint }): Uint8Array[] {
  if (!isTreeSize(size) || !isTreeSize(index) || index >= size) {
    throw new MerkleTreeRangeError(`leaf ${index} of size ${size}`, 'the index must be below the size');
  }
  // Walk down from the root; each step contributes the sibling of the half that holds the leaf.
  const siblingsTopDown: Uint8Array[] = [];
  let start = 0n;
  let n = size;
  let m = index;
  while (n > 1n) {
    const k = largestPowerOfTwoBelow(n);
    if (m < k) {
      siblingsTopDown.push(subtreeHash({ store, start: start + k, size: n - k }));
      n = k;
    } else {
      siblingsTopDown.push(subtreeHash({ store, start, size: k }));
      start += k;
      m -= k;
      n -= k;
    }
  }
  return siblingsTopDown.reverse();
}
