/**
 * Signature log benchmark (issue 7): the cost of the RFC 9162 tree over its node store, in store
 * reads, store writes and SHA-256 compressions, at several log lengths, and Node wall time.
 * Counts are exact and platform-free: the canister pays them in stable-memory accesses and hashing.
 *
 * - append: 1 leaf hash, then one node hash per write after the first (writes − 1).
 * - root, inclusion and consistency proofs: each stored subtree read is folded into its
 *   neighbour, so hashes = reads − (number of hashes returned).
 *
 * `runAuditCanisterBench` runs the same tree inside an Azle canister on the devnet
 * (test/fixtures/audit-probe, over StableBTreeMap) and prints `performance_counter` instructions:
 * what one SHA-256 block, a stable-map access, an append, certifying the head and a proof cost,
 * beside the 65 M instructions that are 0.1 % of a key_1 signature fee (issue 7's target for all
 * the canister's own work per signature).
 *
 * Run alone with `node bench/audit.bench.ts`, or as part of `npm run bench`. Prints numbers; asserts nothing.
 */
import { PocketIc } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { auditProbe } from '../test/fixtures/build.ts';
import { startServer } from '../test/support/pic.ts';
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

type Proof = { Ok: { proof: Uint8Array[]; instructions: bigint } } | { Err: string };
type Costs = { leafHash: bigint; nodeHash: bigint; storeGet: bigint; storeSet: bigint; sizeWrite: bigint };
interface AuditProbe {
  append(
    entries: Uint8Array[],
  ): Promise<{ size: bigint; appendInstructions: bigint[]; certifyInstructions: bigint; totalInstructions: bigint }>;
  inclusionProof(index: bigint, size: bigint): Promise<Proof>;
  consistencyProof(size1: bigint, size2: bigint): Promise<Proof>;
  costs(entry: Uint8Array): Promise<Costs>;
}
const probeIdl: IDL.InterfaceFactory = ({ IDL }) => {
  const Proof = IDL.Variant({ Ok: IDL.Record({ proof: IDL.Vec(IDL.Vec(IDL.Nat8)), instructions: IDL.Nat64 }), Err: IDL.Text });
  return IDL.Service({
    append: IDL.Func(
      [IDL.Vec(IDL.Vec(IDL.Nat8))],
      [
        IDL.Record({
          size: IDL.Nat64,
          appendInstructions: IDL.Vec(IDL.Nat64),
          certifyInstructions: IDL.Nat64,
          totalInstructions: IDL.Nat64,
        }),
      ],
      [],
    ),
    inclusionProof: IDL.Func([IDL.Nat64, IDL.Nat64], [Proof], ['query']),
    consistencyProof: IDL.Func([IDL.Nat64, IDL.Nat64], [Proof], ['query']),
    costs: IDL.Func(
      [IDL.Vec(IDL.Nat8)],
      [IDL.Record({ leafHash: IDL.Nat64, nodeHash: IDL.Nat64, storeGet: IDL.Nat64, storeSet: IDL.Nat64, sizeWrite: IDL.Nat64 })],
      ['query'],
    ),
  });
};

const millions = (n: bigint) => `${(Number(n) / 1e6).toFixed(2)} M`;

export async function runAuditCanisterBench(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  const fixture = auditProbe();
  const server = await startServer();
  const pic = await PocketIc.create(server.getUrl());
  try {
    const { actor } = await pic.setupCanister<AuditProbe>({ idlFactory: probeIdl, wasm: fixture.wasmPath });
    const entry = (i: number, bytes: number) => {
      const e = new Uint8Array(bytes).fill(0x61);
      if (bytes >= 4) new DataView(e.buffer).setUint32(0, i);
      return e;
    };
    for (const bytes of [0, 55, 300, 1000]) {
      const c = await actor.costs(entry(0, bytes));
      out(`entry of ${String(bytes).padStart(4)} B: leaf hash ${millions(c.leafHash)}`);
    }
    const c = await actor.costs(entry(0, 300));
    out(
      `node hash (65 B, 2 SHA-256 blocks) ${millions(c.nodeHash)}; store get ${millions(c.storeGet)}, set ${millions(c.storeSet)}; log length write ${millions(c.sizeWrite)}`,
    );
    const appends: bigint[] = [];
    const certify: { size: bigint; instructions: bigint }[] = [];
    for (let start = 0; start < 2048; start += 256) {
      const reply = await actor.append(Array.from({ length: 256 }, (_, k) => entry(start + k, 300)));
      appends.push(...reply.appendInstructions);
      certify.push({ size: reply.size, instructions: reply.certifyInstructions });
    }
    const sorted = [...appends].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const mean = appends.reduce((a, b) => a + b, 0n) / BigInt(appends.length);
    out(
      `append of a 300 B entry over 2,048 appends: mean ${millions(mean)}, median ${millions(sorted[sorted.length >> 1])}, p99 ${millions(sorted[Math.floor(sorted.length * 0.99)])}, max ${millions(sorted[sorted.length - 1])} (append #${appends.indexOf(sorted[sorted.length - 1]) + 1})`,
    );
    out(
      `certify the head (fold the peaks, digest, certified_data_set): ${certify.map((x) => `${x.size}: ${millions(x.instructions)}`).join(', ')}`,
    );
    for (const [index, size] of [
      [0n, 2048n],
      [1500n, 2048n],
      [1000n, 2047n],
    ]) {
      const p = await actor.inclusionProof(index, size);
      if ('Ok' in p) out(`inclusion proof of ${index} in ${size}: ${millions(p.Ok.instructions)} (${p.Ok.proof.length} hashes)`);
    }
    for (const [size1, size2] of [
      [1000n, 2048n],
      [1023n, 2047n],
    ]) {
      const p = await actor.consistencyProof(size1, size2);
      if ('Ok' in p) out(`consistency proof ${size1} → ${size2}: ${millions(p.Ok.instructions)} (${p.Ok.proof.length} hashes)`);
    }
    out("budget: 65 M instructions per signature for all of the canister's own work (0.1 % of the key_1 fee)");
  } finally {
    await pic.tearDown();
    await server.stop();
  }
}

if (import.meta.main) {
  runAuditBench();
  process.stdout.write('\n## the same tree inside an Azle canister (instructions)\n');
  await runAuditCanisterBench();
}
