import { MissingMerkleNodeError } from './errors.ts';
import type { MerkleNodeStore } from './merkle-node-store.ts';
import { nodeHash } from './node-hash.ts';

/**
 * MTH(D[start : start + size]) from stored perfect subtrees, in popcount(size) reads and
 * popcount(size) - 1 hashes, for size >= 1 and `start` a multiple of the smallest power of two
 * >= size (every range the RFC 9162 §2.1 recursions visit is one).
 *
 * Why this is the RFC's MTH: with k the largest power of two below n, MTH splits D[n] into the
 * perfect subtree D[0:k] (k is n's highest bit) and MTH(D[k:n]) over the remaining bits, so the
 * MTH of a range is the right fold of its perfect subtrees, largest first.
 *
 * @throws {MissingMerkleNodeError} when the store lacks a node, i.e. the range is not all appended.
 */
export function subtreeHash({ store, start, size }: { store: MerkleNodeStore; start: bigint; size: bigint }): Uint8Array {
  const parts: Uint8Array[] = [];
  let position = start;
  for (let level = bitLength(size) - 1; level >= 0; level--) {
    const width = 1n << BigInt(level);
    if ((size & width) === 0n) continue;
    parts.push(readNode({ store, level, index: position >> BigInt(level) }));
    position += width;
  }
  let hash = parts[parts.length - 1];
  for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash({ left: parts[i], right: hash });
  return hash;
}

/** The stored hash at `(level, index)`, or a typed error naming it. */
export function readNode({ store, level, index }: { store: MerkleNodeStore; level: number; index: bigint }): Uint8Array {
  const hash = store.get(level, index);
  if (hash === undefined) throw new MissingMerkleNodeError({ level, index });
  return hash;
}

function bitLength(n: bigint): number {
  let bits = 0;
  for (let v = n; v > 0n; v >>= 1n) bits++;
  return bits;
}
