/**
 * Devnet benchmarks (issue 2): server start to first reply, instance create + install of the
 * Azle canister (3.5 MB, chunked), and query/update round trips on a trivial Azle method with the
 * devnet's own overhead beside the time spent inside the Wasm. Prints numbers; asserts nothing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PocketIc, PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { azleProbe } from '../test/fixtures/build.ts';
import { DEVNET_BIN } from '../test/support/pic.ts';
import { azleProbeIdl, type AzleProbe } from '../test/support/probes.ts';

const median = (xs: number[]) => percentile(xs, 50);
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const ms = (n: number) => `${n.toFixed(2)} ms`;

async function startToFirstReply(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'devnet-bench-'));
  const portFile = join(dir, 'port');
  const t0 = performance.now();
  const child = spawn(DEVNET_BIN, ['--port-file', portFile, '--ttl', '10'], { stdio: 'ignore' });
  try {
    for (;;) {
      if (existsSync(portFile)) {
        const text = readFileSync(portFile, 'utf8');
        if (text.endsWith('\n')) {
          const res = await fetch(`http://127.0.0.1:${text.trim()}/status`);
          if (res.ok) return performance.now() - t0;
        }
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    child.kill();
  }
}

async function stats(url: string, instance: number, canisterId: string): Promise<{ wasm_ms: number; instructions: number }> {
  const all = (await (await fetch(`${url}/instances/${instance}/devnet/stats`)).json()) as {
    canister_id: string;
    wasm_ms: number;
    instructions: number;
  }[];
  return all.find((s) => s.canister_id === canisterId)!;
}

export async function runDevnetBench(args: { roundTrips?: number } = {}): Promise<void> {
  const n = args.roundTrips ?? 300;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('## devnet');
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) starts.push(await startToFirstReply());
  out(`server start to first reply (devnet/bin/pocket-ic, 5 runs): median ${ms(median(starts))}, max ${ms(Math.max(...starts))}`);

  const fixture = azleProbe();
  const size = statSync(fixture.wasmPath).size;
  const server = await PocketIcServer.start({ binPath: DEVNET_BIN });
  try {
    const installs: number[] = [];
    let pic: PocketIc | null = null;
    let actor: AzleProbe | null = null;
    let canisterId = '';
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const p = await PocketIc.create(server.getUrl());
      const r = await p.setupCanister<AzleProbe>({
        idlFactory: azleProbeIdl,
        wasm: fixture.wasmPath,
        arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [[0n]])),
      });
      installs.push(performance.now() - t0);
      if (pic) await p.tearDown();
      else {
        pic = p;
        actor = r.actor as unknown as AzleProbe;
        canisterId = r.canisterId.toText();
      }
    }
    out(
      `instance create + install of the Azle canister (${(size / 1e6).toFixed(2)} MB, chunked): first ${ms(installs[0])} (instruments and compiles), then ${ms(installs[1])}, ${ms(installs[2])} (compiled module cached)`,
    );
    const probe = actor!;
    const instance = (pic as unknown as { client: { instanceId: number } }).client.instanceId;
    for (const kind of ['query', 'update'] as const) {
      const call = kind === 'query' ? () => probe.echo('x') : () => probe.inc();
      for (let i = 0; i < 20; i++) await call(); // warm-up
      const before = await stats(server.getUrl(), instance, canisterId);
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await call();
        times.push(performance.now() - t0);
      }
      const after = await stats(server.getUrl(), instance, canisterId);
      const wasmPerCall = (after.wasm_ms - before.wasm_ms) / n;
      const instrPerCall = (after.instructions - before.instructions) / n;
      const p50 = percentile(times, 50);
      out(
        `${kind} round trip (${kind === 'query' ? 'echo' : 'inc'}, ${n} calls): p50 ${ms(p50)}, p95 ${ms(percentile(times, 95))}; ` +
          `inside the Wasm ${ms(wasmPerCall)} (${Math.round(instrPerCall).toLocaleString('en-US')} instructions), devnet + client overhead ${ms(p50 - wasmPerCall)} at p50`,
      );
    }
    await pic!.tearDown();
  } finally {
    await server.stop();
  }
}

if (import.meta.main) await runDevnetBench();
