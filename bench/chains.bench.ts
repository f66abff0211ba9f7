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
 *
 * Then the BTC signing flow at 10, 20 and MAX_INPUTS P2WPKH inputs, and 10 and MAX_INPUTS P2TR
 * inputs, as one update each
 * (`measureBtcSign`: `getSighashes`, then `finalizeTransaction` with signatures made here in
 * Node), against the 40-billion-instruction limit of an update message. Each size runs twice.
 * The canister's first update with a P2TR input also builds noble's secp256k1 tables (the BIP86
 * tweak multiplies the generator), which its heap then keeps: the MAX_INPUTS P2TR row runs first,
 * so its first update is the worst case.
 */
import { PocketIc, type Actor } from '@dfinity/pic';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import * as btc from '../src/chains/btc/index.ts';
import { chainsProbe } from '../test/fixtures/build.ts';
import { idlFactory, type BtcFinalizeRequest, type ChainsProbe, type Measurement } from '../test/fixtures/chains-probe/src/candid.ts';
import {
  BENCH_OP_NAMES,
  BENCH_OPS,
  ECDSA_PUBLIC_KEY,
  OUR_P2TR_SCRIPT,
  OUR_P2WPKH,
  SCHNORR_PUBLIC_KEY,
  type BenchOp,
} from '../test/fixtures/chains-probe/src/workload.ts';
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

/** The secrets behind workload.ts's public keys (the IC keeps its own; these stand in for them). */
const ECDSA_SECRET = new Uint8Array(32).fill(1);
const SCHNORR_SECRET = new Uint8Array(32).fill(4);
/** The IC's update-message instruction limit (with deterministic time slicing). */
const UPDATE_LIMIT = 40_000_000_000n;

/**
 * `count` inputs of ours of one type (10,000 sat each) paying one P2WPKH output, signed here as
 * the IC would: ECDSA with the key, or BIP340 with the BIP86-tweaked key.
 */
function signedTransaction({ type, count }: { type: btc.InputType; count: number }): BtcFinalizeRequest {
  const scriptPubKey = type === 'p2wpkh' ? btc.parseAddress({ address: OUR_P2WPKH, network: 'mainnet' }).scriptPubKey : OUR_P2TR_SCRIPT;
  const transaction: BtcFinalizeRequest['transaction'] = {
    version: btc.TX_VERSION,
    lockTime: 0,
    inputs: Array.from({ length: count }, (_, i) => ({
      txid: (i + 1).toString(16).padStart(64, '0'),
      vout: i % 4,
      sequence: btc.RBF_SEQUENCE,
      value: 10_000n,
      scriptPubKey,
    })),
    outputs: [{ scriptPubKey: btc.parseAddress({ address: OUR_P2WPKH, network: 'mainnet' }).scriptPubKey, value: BigInt(count) * 9_900n }],
  };
  const tweaked = taprootTweakPrivKey(SCHNORR_SECRET);
  const signatures = btc
    .getSighashes(transaction)
    .map((sighash) =>
      type === 'p2wpkh'
        ? { signature: secp256k1.sign(sighash, ECDSA_SECRET, { prehash: false }), publicKey: ECDSA_PUBLIC_KEY }
        : { signature: schnorr.sign(sighash, tweaked), publicKey: SCHNORR_PUBLIC_KEY },
    );
  return { transaction, signatures };
}

export type BtcSignBenchRow = {
  type: btc.InputType;
  inputs: number;
  /** Per call, in call order: the first also builds noble's tables. */
  calls: ({ sighashes: bigint; finalize: bigint } | { failed: string })[];
};

async function btcSignRows(actor: Actor<ChainsProbe>): Promise<BtcSignBenchRow[]> {
  const rows: BtcSignBenchRow[] = [];
  for (const [type, inputs] of [
    // First, so that its first update also builds noble's tables: the worst case.
    ['p2tr', btc.MAX_INPUTS],
    ['p2tr', 10],
    ['p2tr', 50],
    ['p2wpkh', 10],
    ['p2wpkh', 20],
    ['p2wpkh', 50],
    ['p2wpkh', btc.MAX_INPUTS],
  ] as const) {
    const request = signedTransaction({ type, count: inputs });
    const calls: BtcSignBenchRow['calls'] = [];
    for (let call = 0; call < 2; call++) {
      try {
        const result = await actor.measureBtcSign(request);
        if ('Err' in result) throw new Error(`${result.Err.name}: ${result.Err.message}`);
        calls.push(result.Ok);
      } catch (error) {
        calls.push({ failed: (error as Error).message.split('\n')[0] });
      }
    }
    rows.push({ type, inputs, calls });
  }
  return rows;
}

function printBtcSignRows(rows: readonly BtcSignBenchRow[]): void {
  out(`\nBTC signing flow, one update each (limit ${millions(UPDATE_LIMIT)} instructions): getSighashes + finalizeTransaction`);
  for (const { type, inputs, calls } of rows) {
    const cells = calls.map((call, i) => {
      const label = i === 0 ? '1st update' : '2nd update';
      if ('failed' in call) return `${label}: FAILED ${call.failed}`;
      const total = call.sighashes + call.finalize;
      return `${label}: sighashes ${millions(call.sighashes)} + finalize ${millions(call.finalize)} = ${millions(total)} (${((Number(total) * 100) / Number(UPDATE_LIMIT)).toFixed(1)}% of limit)`;
    });
    out(`${String(inputs).padStart(3)} ${type.toUpperCase().padEnd(6)} inputs  ${cells.join('  |  ')}`);
  }
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
  let signRows: BtcSignBenchRow[];
  try {
    const pic = await PocketIc.create(server.getUrl());
    try {
      const { actor } = await pic.setupCanister<ChainsProbe>({ idlFactory, wasm: fixture.wasmPath });
      const canister = await canisterRows({ actor, runs });
      baselineMicros = canister.baselineMicros;
      rows = canister.rows.map((row) => ({ ...row, nodeMicros: nodeMicros.get(row.op)! }));
      signRows = await btcSignRows(actor);
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
  printBtcSignRows(signRows);
}

/** Only the signing-flow rows (`node bench/chains.bench.ts --btc-sign`). */
export async function runBtcSignBench(): Promise<BtcSignBenchRow[]> {
  const fixture = chainsProbe();
  const server = await startServer();
  try {
    const pic = await PocketIc.create(server.getUrl());
    try {
      const { actor } = await pic.setupCanister<ChainsProbe>({ idlFactory, wasm: fixture.wasmPath });
      const rows = await btcSignRows(actor);
      printBtcSignRows(rows);
      return rows;
    } finally {
      await pic.tearDown();
    }
  } finally {
    await server.stop();
  }
}

if (import.meta.main) {
  if (process.argv.includes('--btc-sign')) {
    await runBtcSignBench();
  } else {
    out('## chain library, Node and inside an Azle canister');
    await runChainsBench();
  }
}
