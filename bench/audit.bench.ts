/**
 * Signature log benchmark (issue 7): the cost of the RFC 9162 tree over its node store, in store
 * reads, store writes and SHA-256 compressions, at several log lengths, and Node wall time.
 * Counts are exact and platform-free: the canister pays them in stable-memory accesses and hashing.
 *
 * - append: 1 leaf hash, then one node hash per write after the first (writes − 1).
 * - root, inclusion and consistency proofs: each stored subtree read is folded into its
 *   neighbour, so hashes = reads − (number of hashes returned).
 *
 * Run alone with `node bench/audit.bench.ts`, or as part of `npm run bench`. Prints numbers; asserts nothing.
 */
import {
  appendLeaf,
  consistencyProof,
  inclusionProof,
  leafHash,
  MemoryMerkleNodeStore,
  rootHash,
  type MerkleNodeStore,
} from '../src/lib/audit/index.ts';

class CountingStore implements MerkleNodeStore {
  reads = 0;
  writes = 0;
  readonly inner = new MemoryMerkleNodeStore();
  get(level: number, index: bigint) {
    this.reads++;
    return this.inner.get(level, index);
  }
  set(level: number, index: bigint, hash: Uint8Array) {
    this.writes++;
    this.inner.set(level, index, hash);
  }
}

type Stat = { mean: number; max: number };
const stat = (xs: number[]): Stat => ({ mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) });
const fmt = (s: Stat) => `${s.mean.toFixed(1).padStart(5)} avg ${String(s.max).padStart(3)} max`;

export function runAuditBench(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
  out('SHA-256 calls: append = writes (1 leaf hash + one node hash per later write); proofs = reads − hashes returned.');
  out(
    'log size  | append: writes, reads                | µs/append | root: reads | inclusion proof: reads, hashes, µs | consistency proof (random past size): reads, hashes, µs',
  );
  for (const n of [1_000, 10_000, 100_000]) {
    const store = new CountingStore();
    let size = 0n;
    const writes: number[] = [];
    const reads: number[] = [];
    const entry = new Uint8Array(200);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      new DataView(entry.buffer).setUint32(0, i);
      const [w, r] = [store.writes, store.reads];
      size = appendLeaf({ store, size, leafHash: leafHash(entry) });
      writes.push(store.writes - w);
      reads.push(store.reads - r);
    }
    const appendUs = ((performance.now() - t0) * 1000) / n;

    let before = store.reads;
    rootHash({ store, size });
    const rootReads = store.reads - before;

    const samples = 500;
    const incReads: number[] = [];
    const incHashes: number[] = [];
    const conReads: number[] = [];
    const conHashes: number[] = [];
    let incMs = 0;
    let conMs = 0;
    for (let s = 0; s < samples; s++) {
      const index = BigInt(Math.floor(Math.random() * n));
      before = store.reads;
      let t = performance.now();
      const inc = inclusionProof({ store, index, size });
      incMs += performance.now() - t;
      incReads.push(store.reads - before);
      incHashes.push(store.reads - before - inc.length);

      const size1 = BigInt(1 + Math.floor(Math.random() * (n - 1)));
      before = store.reads;
      t = performance.now();
      const con = consistencyProof({ store, size1, size2: size });
      conMs += performance.now() - t;
      conReads.push(store.reads - before);
      conHashes.push(store.reads - before - con.length);
    }
    out(
      `${String(n).padStart(9)} | ${fmt(stat(writes))}, ${fmt(stat(reads))} | ${appendUs.toFixed(1).padStart(9)} | ${String(rootReads).padStart(11)} | ${fmt(stat(incReads))}, ${fmt(stat(incHashes))}, ${((incMs * 1000) / samples).toFixed(1)} | ${fmt(stat(conReads))}, ${fmt(stat(conHashes))}, ${((conMs * 1000) / samples).toFixed(1)}`,
    );
  }
}

if (import.meta.main) runAuditBench();
