/**
 * IC HTTP interface and gateway benchmarks (issue 8): the round trip of an agent
 * (`@icp-sdk/core`'s HttpAgent, certificates and query signatures verified) for a query and an
 * update on the live devnet, beside the same calls through PicJS's REST client on the same live
 * instance; and the gateway's time to serve a certified 1 MiB asset (streamed in 256 KiB chunks,
 * verified with @dfinity/response-verification). Prints numbers; asserts nothing.
 * Runnable alone: `node bench/http.bench.ts`.
 */
import { request } from 'node:http';
import { PocketIc, PocketIcServer, SubnetStateType } from '@dfinity/pic';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { azleProbe, httpProbe } from '../test/fixtures/build.ts';
import { DEVNET_BIN } from '../test/support/pic.ts';
import { azleProbeIdl, type AzleProbe } from '../test/support/probes.ts';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const summary = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} ms, p95 ${percentile(xs, 95).toFixed(2)} ms (${xs.length} calls)`;

async function timed(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f();
    times.push(performance.now() - t);
  }
  return times;
}

function get(port: number, host: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`gateway answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function runHttpBench(args: { calls?: number } = {}): Promise<void> {
  const n = args.calls ?? 100;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out('\n## IC HTTP interface and gateway (live instance: NNS + application subnet, Azle canister)');
  const server = await PocketIcServer.start({ binPath: DEVNET_BIN, ttl: 60 });
  const pic = await PocketIc.create(server.getUrl(), {
    nns: { state: { type: SubnetStateType.New } },
    application: [{ state: { type: SubnetStateType.New } }],
  });
  try {
    const { actor: picActor, canisterId } = await pic.setupCanister<AzleProbe>({
      idlFactory: azleProbeIdl,
      wasm: azleProbe().wasmPath,
      arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [[0n]])),
    });
    const Mode = IDL.Variant({ v1: IDL.Null, v2: IDL.Null });
    const { actor: assets, canisterId: assetsId } = await pic.setupCanister<{ put(a: unknown): Promise<null> }>({
      idlFactory: ({ IDL }) =>
        IDL.Service({
          put: IDL.Func(
            [
              IDL.Record({
                path: IDL.Text,
                body: IDL.Vec(IDL.Nat8),
                content_type: IDL.Text,
                content_encoding: IDL.Opt(IDL.Text),
                certified: IDL.Bool,
              }),
            ],
            [IDL.Null],
            [],
          ),
        }),
      wasm: httpProbe().wasmPath,
      arg: new Uint8Array(IDL.encode([Mode], [{ v2: null }])),
    });
    const mib = new Uint8Array(1024 * 1024).map((_, i) => i & 0xff);
    await assets.put({ path: '/asset.bin', body: mib, content_type: 'application/octet-stream', content_encoding: [], certified: true });

    const port = await pic.makeLive();
    const agent = await HttpAgent.create({
      host: `http://127.0.0.1:${port}`,
      identity: Ed25519KeyIdentity.generate(),
      shouldFetchRootKey: true,
    });
    const actor = Actor.createActor<AzleProbe>(azleProbeIdl, { agent, canisterId });
    await actor.get(); // fetches the subnet's node keys once, as every agent does
    await actor.inc();

    out(`agent query (HttpAgent, node signature verified):   ${summary(await timed(n, () => actor.get()))}`);
    out(`PicJS query (REST /read/query, live instance):       ${summary(await timed(n, () => picActor.get()))}`);
    out(`agent update (v4 sync call, certificate verified):   ${summary(await timed(n, () => actor.inc()))}`);
    out(`PicJS update (REST submit + await, live instance):   ${summary(await timed(n, () => picActor.inc()))}`);
    const host = `${assetsId.toText()}.localhost:${port}`;
    const sizes: number[] = [];
    // The server holds only this instance (id 0); its stats give the time spent inside the canister's Wasm.
    const wasmMs = async () => {
      const all = (await (await fetch(`${server.getUrl()}/instances/0/devnet/stats`)).json()) as { canister_id: string; wasm_ms: number }[];
      return all.find((c) => c.canister_id === assetsId.toText())!.wasm_ms;
    };
    const wasmBefore = await wasmMs();
    const gw = await timed(20, async () => sizes.push(await get(port, host, '/asset.bin')));
    const inWasm = ((await wasmMs()) - wasmBefore) / gw.length;
    out(`gateway GET of a certified 1 MiB asset (4 streamed chunks, v2 verified, ${sizes[0]} bytes): ${summary(gw)}`);
    out(`  of which inside the Azle canister's Wasm (http_request + 3 callbacks): ${inWasm.toFixed(2)} ms per GET on average`);
  } finally {
    await pic.stopLive().catch(() => {});
    await pic.tearDown();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runHttpBench();
