import { MerkleTreeRangeError } from './errors.ts';
import type { MerkleNodeStore } from './merkle-node-store.ts';
import { nodeHash } from './node-hash.ts';
import { readNode } from './subtree-hash.ts';
import { HASH_LENGTH, MAX_TREE_SIZE, isHash, isTreeSize } from './tree-bounds.ts';

/**
 * Appends the leaf hash of entry number `size` (0-based) to a tree of `size` leaves and returns the
 * new size. Writes the leaf and every perfect subtree the leaf completes: 1 + (trailing one bits
 * of `size`) writes, as many reads and hashes, so at most 1 + log2(n) of each.
 *
 * The caller persists the size (the canister's log length) and passes it back; a store that
 * already holds a leaf at `size` means that size is stale, and the append is refused rather than
 * rewriting history.
 *
 * @throws {MerkleTreeRangeError} for a size out of u64 range, a stale size or a hash that is not 32 bytes.
 *
 * @example
 * const store = new MemoryMerkleNodeStore();
 * let size = 0n;
 * size = appendLeaf({ store, size, leafHash: leafHash(entryBytes) });
 */
export function appendLeaf({ store, size, leafHash }: { store: MerkleNodeStore; size: bigint; leafHash: Uint8Array }): bigint {
  if (!isTreeSize(size) || size === MAX_TREE_SIZE) {
    throw new MerkleTreeRangeError(`size ${size}`, `a log holds at most ${MAX_TREE_SIZE} entries`);
  }
  if (!isHash(leafHash)) {
    throw new MerkleTreeRangeError('leaf hash', `expected ${HASH_LENGTH} bytes`);
  }
  if (store.get(0, size) !== undefined) {
    throw new MerkleTreeRangeError(`size ${size}`, `the store already holds leaf ${size}: the size passed is stale`);
  }
  store.set(0, size, leafHash);
  let hash = leafHash;
  let index = size;
  let level = 0;
  // A node completes each time the new leaf closes a right child: one level per trailing one bit.
  while ((index & 1n) === 1n) {
    hash = nodeHash({ left: readNode({ store, level, index: index - 1n }), right: hash });
    index >>= 1n;
    level += 1;
    store.set(level, index, hash);
  }
  return size + 1n;
}
