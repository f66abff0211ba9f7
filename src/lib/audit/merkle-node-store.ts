/**
 * Where the append-only Merkle tree keeps its hashes. The canister backs it with azle's
 * `StableBTreeMap` (so the log survives upgrades); tests, benchmarks and clients use
 * `MemoryMerkleNodeStore`.
 *
 * The node at `(level, index)` is the hash of the perfect subtree over the 2^level leaves
 * `[index · 2^level, (index + 1) · 2^level)`; level 0 holds the leaf hashes. A node is written
 * once, when its last leaf is appended, and never changes after: the tree of every past size is
 * made of nodes that are all still there, which is what keeps old heads provable.
 */
export interface MerkleNodeStore {
  /** The 32-byte hash at `(level, index)`, or `undefined` if that subtree is not complete yet. */
  get(level: number, index: bigint): Uint8Array | undefined;
  /** Stores the 32-byte hash at `(level, index)`. Called once per node. */
  set(level: number, index: bigint, hash: Uint8Array): void;
}

/** A `MerkleNodeStore` in a `Map`, for tests, benchmarks and clients that rebuild a downloaded log. */
export class MemoryMerkleNodeStore implements MerkleNodeStore {
  readonly #nodes = new Map<string, Uint8Array>();

  get(level: number, index: bigint): Uint8Array | undefined {
    return this.#nodes.get(`${level}:${index}`);
  }

  set(level: number, index: bigint, hash: Uint8Array): void {
    this.#nodes.set(`${level}:${index}`, hash);
  }

  /** How many nodes are stored (2n - popcount(n) for a log of n leaves). */
  get size(): number {
    return this.#nodes.size;
  }
}
