import { MerkleTreeRangeError } from './errors.ts';
import type { MerkleNodeStore } from './merkle-node-store.ts';
import { subtreeHash } from './subtree-hash.ts';
import { isTreeSize, largestPowerOfTwoBelow } from './tree-bounds.ts';

/**
 * The consistency proof PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true) of RFC 9162
 * §2.1.4.1, between any two sizes up to the log's length. Empty when size1 is 0 or equals size2
 * (nothing to prove). O(log n) reads and hashes, for the same reason as the inclusion proof.
 *
 * @throws {MerkleTreeRangeError} when size1 > size2 or a value is out of u64 range.
 * @throws {MissingMerkleNodeError} for a size beyond what was appended.
 */
export function consistencyProof({ store, size1, size2 }: { store: MerkleNodeStore; size1: bigint; size2: bigint }): Uint8Array[] {
  if (!isTreeSize(size1) || !isTreeSize(size2) || size1 > size2) {
    throw new MerkleTreeRangeError(`sizes ${size1} to ${size2}`, 'size1 must not exceed size2');
  }
  if (size1 === 0n || size1 === size2) return [];
  const topDown: Uint8Array[] = [];
  let start = 0n;
  let n = size2;
  let m = size1;
  // b of SUBPROOF: true while D[0:m] is still the whole old tree, whose root the verifier has.
  let wholeOldTree = true;
  while (m !== n) {
    const k = largestPowerOfTwoBelow(n);
    if (m <= k) {
      topDown.push(subtreeHash({ store, start: start + k, size: n - k }));
      n = k;
    } else {
      topDown.push(subtreeHash({ store, start, size: k }));
      start += k;
      m -= k;
      n -= k;
      wholeOldTree = false;
    }
  }
  // SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b = true the verifier already holds it.
  if (!wholeOldTree) topDown.push(subtreeHash({ store, start, size: m }));
  return topDown.reverse();
}
