import { emptyRootHash } from './empty-root-hash.ts';
import { leafHash } from './leaf-hash.ts';
import { nodeHash } from './node-hash.ts';

/**
 * RFC 9162 §2.1.1: the Merkle Tree Hash of a list of entries, computed directly from the
 * definition (recursively, O(n) hashes). The log itself never calls this: it is the reference the
 * store-based tree is checked against, and what a client uses to hash a log it downloaded whole.
 */
export function merkleTreeHash(entries: readonly Uint8Array[]): Uint8Array {
  if (entries.length === 0) return emptyRootHash();
  return hashRange(entries.map(leafHash), 0, entries.length);
}

/** MTH(D[start:end]) for end - start >= 1: split at k, the largest power of two below n. */
function hashRange(leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  const n = end - start;
  if (n === 1) return leaves[start];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return nodeHash({ left: hashRange(leaves, start, start + k), right: hashRange(leaves, start + k, end) });
}
