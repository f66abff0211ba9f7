import { emptyRootHash } from './empty-root-hash.ts';
import { MerkleTreeRangeError } from './errors.ts';
import type { MerkleNodeStore } from './merkle-node-store.ts';
import { subtreeHash } from './subtree-hash.ts';
import { isTreeSize } from './tree-bounds.ts';

/**
 * The Merkle Tree Hash (RFC 9162 §2.1.1) of the first `size` leaves: the current head when `size`
 * is the log's length, any past head otherwise. popcount(size) reads and hashes.
 *
 * @throws {MerkleTreeRangeError} for a size out of u64 range.
 * @throws {MissingMerkleNodeError} for a size beyond what was appended (the caller checks the length first).
 */
export function rootHash({ store, size }: { store: MerkleNodeStore; size: bigint }): Uint8Array {
  if (!isTreeSize(size)) throw new MerkleTreeRangeError(`size ${size}`, 'not a u64');
  if (size === 0n) return emptyRootHash();
  return subtreeHash({ store, start: 0n, size });
}
