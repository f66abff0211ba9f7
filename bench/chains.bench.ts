/**
 * Chain library benchmarks (issue 3): each operation of `BENCH_OPS` (derive a BTC P2WPKH and P2TR,
 * an ETH and a SOL address; build and hash a 10-input BTC transaction; serialize and hash an
 * EIP-1559 transaction; compile a Solana transfer), timed in Node and run inside the chains-probe
 * Azle canister on the devnet. Both sides run the same closures over the same inputs
 * (test/fixtures/chains-probe/src/workload.ts). Prints numbers; asserts nothing.
 *
 * Columns:
 * - Node µs/op: median over batches, after a warm-up (noble's point tables built once and kept).
 * - instr/op (N): the canister loops N times in one query and divides `ic0.performance_counter(0)`
 *   by N. "1st op" is the first iteration alone: it pays for what the libraries build lazily
 *   (noble's precomputed secp256k1 base-point tables), which a query never keeps, so every query
 *   that needs them pays it again; "later ops" is the mean of the other N − 1.
 * - query µs: median, over interleaved pairs, of a one-operation query's wall time minus an empty
 *   query's, as the client sees them; the canister/Node ratio beside it compares that with Node.
 * - warm µs: the marginal wall time of one more operation inside a query,
 *   (wall(N) − wall(1)) / (N − 1), and its ratio to Node: the steady-state cost.
 */
import { PocketIc, type Actor } from '@dfinity/pic';
import { chainsProbe } from '../test/fixtures/build.ts';
import { idlFactory, type ChainsProbe, type Measurement } from '../test/fixtures/chains-probe/src/candid.ts';
import { BENCH_OP_NAMES, BENCH_OPS, type BenchOp } from '../test/fixtures/chains-probe/src/workload.ts';
import { startServer } from '../test/support/pic.ts';

const LABELS: Record<BenchOp, string> = {
  btcP2wpkhAddress: 'BTC P2WPKH address',
  btcP2trAddress: 'BTC P2TR address (BIP86)',
  ethAddress: 'ETH address (EIP-55)',
  solAddress: 'SOL address',
  btcBuildAndHash10: 'BTC 10-input build + sighashes',
  ethSerializeEip1559: 'ETH EIP-1559 serialize + hash',
  solCompileTransfer: 'SOL transfer compile',
};

/** Keeps a query's loop under the 5-billion-instruction limit with room to spare. */
const QUERY_BUDGET = 4_000_000_000n;

const out = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: readonly number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

/** Median µs per call of `run`, over batches long enough for the timer (about 2 ms each). */
function nodeMicrosPerOp({ run, budgetMs }: { run: () => unknown; budgetMs: number }): number {
  for (let i = 0; i < 20; i++) run(); // warm-up: JIT, lazily built tables
  const t0 = performance.now();
  run();
  const single = Math.max(performance.now() - t0, 0.001);
  const batch = Math.max(1, Math.ceil(2 / single));
  const batches = Math.min(50, Math.max(10, Math.floor(budgetMs / (batch * single))));
  const samples: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < batch; i++) run();
    samples.push(((performance.now() - start) * 1000) / batch);
  }
  return median(samples);
}

/** Median wall time in µs of `call`, as the client sees it. */
async function wallMicros({ call, runs }: { call: () => Promise<unknown>; runs: number }): Promise<number> {
  for (let i = 0; i < 3; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await call();
    samples.push((performance.now() - start) * 1000);
  }
  return median(samples);
}

/**
 * Median over interleaved pairs of (one-op query − empty query), in µs: measuring the baseline
 * beside each sample keeps drifting machine load out of the difference.
 */
async function pairedMicros({
  call,
  baseline,
  runs,
}: {
  call: () => Promise<unknown>;
  baseline: () => Promise<unknown>;
  runs: number;
}): Promise<number> {
  for (let i = 0; i < 3; i++) await call();
  const diffs: number[] = [];
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    await baseline();
    const empty = performance.now() - start;
    start = performance.now();
    await call();
    diffs.push((performance.now() - start - empty) * 1000);
  }
  return median(diffs);
}

function measured(result: Awaited<ReturnType<ChainsProbe['measure']>>, op: string): Measurement {
  if ('Err' in result) throw new Error(`measure ${op}: ${result.Err.name}: ${result.Err.message}`);
  return result.Ok;
}

export type ChainsBenchRow = {
  op: BenchOp;
  nodeMicros: number;
  iterations: number;
  instructionsPerOp: bigint;
  firstOpInstructions: bigint;
  /** (instructions − first op) / (N − 1): the cost once the lazily built tables exist. */
  laterOpInstructions: bigint;
  queryMicros: number;
  warmMicros: number;
};

async function canisterRows({ actor, runs }: { actor: Actor<ChainsProbe>; runs: number }): Promise<{
  baselineMicros: number;
  rows: Omit<ChainsBenchRow, 'nodeMicros'>[];
}> {
  const baselineMicros = await wallMicros({ call: () => actor.noop(), runs });
  const rows: Omit<ChainsBenchRow, 'nodeMicros'>[] = [];
  for (const op of BENCH_OP_NAMES) {
    // Two iterations estimate the steady cost; N then fills the query budget (at most 50).
    const probe = measured(await actor.measure({ op, iterations: 2 }), op);
    const steady = probe.instructions - probe.firstOp;
    const room = (QUERY_BUDGET - probe.firstOp) / (steady > 0n ? steady : 1n);
    const iterations = Number(room < 1n ? 2n : room + 1n > 50n ? 50n : room + 1n);
    const loop = measured(await actor.measure({ op, iterations }), op);
    const one = await wallMicros({ call: () => actor.measure({ op, iterations: 1 }), runs });
    const oneOverBaseline = await pairedMicros({ call: () => actor.measure({ op, iterations: 1 }), baseline: () => actor.noop(), runs });
    const many = await wallMicros({ call: () => actor.measure({ op, iterations }), runs: Math.max(5, Math.floor(runs / 2)) });
    rows.push({
      op,
      iterations,
      instructionsPerOp: loop.instructionsPerOp,
      firstOpInstructions: loop.firstOp,
      laterOpInstructions: (loop.instructions - loop.firstOp) / BigInt(iterations - 1),
      queryMicros: oneOverBaseline,
      warmMicros: (many - one) / (iterations - 1),
    });
  }
  return { baselineMicros, rows };
}

const millions = (n: bigint) => `${(Number(n) / 1e6).toFixed(1)}M`;
const micros = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} ms` : `${n.toFixed(1)} µs`);

/** Prints the table. Options shorten it for a quick look; the defaults are what `npm run bench` reports. */
export async function runChainsBench(options: { nodeBudgetMs?: number; queryRuns?: number } = {}): Promise<void> {
  const nodeBudgetMs = options.nodeBudgetMs ?? 500;
  const runs = options.queryRuns ?? 31;
  const nodeMicros = new Map(BENCH_OP_NAMES.map((op) => [op, nodeMicrosPerOp({ run: BENCH_OPS[op], budgetMs: nodeBudgetMs })]));

  const fixture = chainsProbe();
  const server = await startServer();
  let rows: ChainsBenchRow[];
  let baselineMicros: number;
  try {
    const pic = await PocketIc.create(server.getUrl());
    try {
      const { actor } = await pic.setupCanister<ChainsProbe>({ idlFactory, wasm: fixture.wasmPath });
      const canister = await canisterRows({ actor, runs });
      baselineMicros = canister.baselineMicros;
      rows = canister.rows.map((row) => ({ ...row, nodeMicros: nodeMicros.get(row.op)! }));
    } finally {
      await pic.tearDown();
    }
  } finally {
    await server.stop();
  }

  out(`empty query round trip (the baseline subtracted below): ${micros(baselineMicros)}`);
  const header = ['operation', 'Node/op', 'instr/op (N)', '1st op', 'later ops', 'query/op', 'query/Node', 'warm/op', 'warm/Node'];
  const table = rows.map((row) => [
    LABELS[row.op],
    micros(row.nodeMicros),
    `${millions(row.instructionsPerOp)} (N=${row.iterations})`,
    millions(row.firstOpInstructions),
    millions(row.laterOpInstructions),
    micros(row.queryMicros),
    `${(row.queryMicros / row.nodeMicros).toFixed(1)}×`,
    micros(row.warmMicros),
    `${(row.warmMicros / row.nodeMicros).toFixed(1)}×`,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...table.map((cells) => cells[column].length)));
  const line = (cells: string[]) =>
    cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  out(line(header));
  for (const cells of table) out(line(cells));
}

if (import.meta.main) {
  out('## chain library, Node and inside an Azle canister');
  await runChainsBench();
}
