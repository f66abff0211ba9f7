/**
 * The frontend canister (canisters/frontend) on the devnet: for a site shaped like a built app
 * (generated here: index.html, two hashed scripts of about 200 KB and 600 KB, a stylesheet, an
 * incompressible image), prints
 * - the size of each certified asset in each stored encoding, and of its IC-Certificate header;
 * - serving: instructions and wall time of one `http_request` query per asset and encoding (and
 *   for the index.html fallback and the 404), from the devnet's per-canister counters;
 * - certifying on upload: instructions and wall time of the chunk uploads (each chunk is hashed as
 *   it arrives) and of each `commit_asset` update (moving the chunks, the response hashes, the
 *   tree and the certified data).
 * Prints numbers; asserts nothing. Run directly or through `npm run bench`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PocketIc, type Actor } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { sha256 } from '@noble/hashes/sha2.js';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { buildFrontend } from '../scripts/build.ts';
import { frontendIdlFactory, frontendInitArg, prepareAssets, type FrontendService } from '../scripts/frontend-assets.ts';
import { startServer } from '../test/support/pic.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Deterministic JavaScript-like text of about `bytes` bytes (compresses like minified code does, roughly). */
function scriptOf(bytes: number, seed: number): string {
  const parts: string[] = [];
  let size = 0;
  let x = seed;
  while (size < bytes) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const line = `function f${x.toString(36)}(a,b){return a${'+-*'[x % 3]}b*${x % 97}+"${(x >> 7).toString(36)}"}\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

function makeSite(dir: string): void {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Wallet</title>' +
      '<link rel="stylesheet" href="/assets/index-Dk3mQ9xZ.css"><script type="module" src="/assets/index-Bx7Qp2Lm.js"></script>' +
      '</head><body><div id="app"></div></body></html>\n',
  );
  writeFileSync(join(dir, 'assets', 'index-Bx7Qp2Lm.js'), scriptOf(200_000, 1));
  writeFileSync(join(dir, 'assets', 'vendor-Q8wErT5y.js'), scriptOf(600_000, 2));
  writeFileSync(
    join(dir, 'assets', 'index-Dk3mQ9xZ.css'),
    Array.from(
      { length: 800 },
      (_, i) => `.c${i}{margin:${i % 13}px;color:#${(i * 4099).toString(16).padStart(6, '0').slice(0, 6)}}\n`,
    ).join(''),
  );
  // Incompressible bytes (SHA-256 in counter mode), like an already compressed image.
  const image = new Uint8Array(20_000);
  for (let i = 0; i < image.length; i += 32)
    image.set(sha256(new Uint8Array([i & 0xff, i >> 8])).subarray(0, Math.min(32, image.length - i)), i);
  writeFileSync(join(dir, 'logo.png'), image);
}

export async function runFrontendBench(args: { queriesPerRow?: number } = {}): Promise<void> {
  const n = args.queriesPerRow ?? 5;
  const build = buildFrontend();
  const site = mkdtempSync(join(tmpdir(), 'frontend-bench-'));
  const server = await startServer();
  const pic = await PocketIc.create(server.getUrl());
  try {
    makeSite(site);
    const admin = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(21));
    const { actor, canisterId } = await pic.setupCanister<FrontendService>({
      idlFactory: frontendIdlFactory,
      wasm: build.wasm,
      sender: admin.getPrincipal(),
      arg: frontendInitArg(IDL),
    });
    actor.setIdentity(admin);
    const instance = (pic as unknown as { client: { instanceId: number } }).client.instanceId;
    const id = canisterId.toText();
    const counters = async (): Promise<number> => {
      const url = `${server.getUrl()}/instances/${instance}/devnet/stats`;
      // A new connection each time, and one retry: on a loaded machine the server may close a kept-alive one.
      const response = await fetch(url, { headers: { connection: 'close' } }).catch(() => fetch(url, { headers: { connection: 'close' } }));
      const all = (await response.json()) as {
        canister_id: string;
        instructions: number;
      }[];
      return all.find((s) => s.canister_id === id)!.instructions;
    };
    const measure = async <T>(call: () => Promise<T>) => {
      const before = await counters();
      const t0 = performance.now();
      const result = await call();
      const ms = performance.now() - t0;
      return { result, ms, instructions: (await counters()) - before };
    };

    out(`frontend.wasm ${(build.wasm.length / 1e6).toFixed(2)} MB; uploads in 1,000,000-byte chunks; ${n} queries per row (median)`);
    out('\n### certifying on upload (update calls)');
    out('asset                          | encodings (bytes)                         | chunk uploads: instr, ms | commit_asset: instr, ms');
    const assets = prepareAssets(site);
    const chunkSize = 1_000_000;
    for (const asset of assets) {
      let chunkInstr = 0;
      let chunkMs = 0;
      for (const e of asset.encodings) {
        for (let index = 0; index * chunkSize < Math.max(1, e.content.length); index++) {
          const m = await measure(() =>
            (actor as Actor<FrontendService>).upload_chunk({
              path: asset.path,
              encoding: e.encoding,
              index,
              content: e.content.subarray(index * chunkSize, (index + 1) * chunkSize),
            }),
          );
          chunkInstr += m.instructions;
          chunkMs += m.ms;
        }
      }
      const commit = await measure(() =>
        actor.commit_asset({
          path: asset.path,
          content_type: asset.contentType,
          encodings: asset.encodings.map((e) => ({
            encoding: e.encoding,
            chunk_count: Math.max(1, Math.ceil(e.content.length / chunkSize)),
            sha256: e.sha256,
          })),
        }),
      );
      if ('Err' in commit.result)
        throw new Error(
          `commit_asset ${asset.path}: ${JSON.stringify(commit.result.Err, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}`,
        );
      const sizes = asset.encodings.map((e) => `${e.encoding} ${fmt(e.content.length)}`).join(', ');
      out(
        `${asset.path.padEnd(30)} | ${sizes.padEnd(41)} | ${fmt(chunkInstr).padStart(14)}, ${chunkMs.toFixed(0).padStart(5)} | ${fmt(commit.instructions).padStart(15)}, ${commit.ms.toFixed(0).padStart(5)}`,
      );
    }

    out('\n### serving (http_request queries)');
    out('request                        | Accept-Encoding | status, encoding | body bytes | IC-Certificate bytes | instructions | ms');
    const rows: [string, string | undefined][] = [];
    for (const asset of assets)
      for (const e of asset.encodings) rows.push([asset.path, e.encoding === 'identity' ? undefined : e.encoding]);
    rows.push(['/', undefined], ['/send/btc', 'gzip, br'], ['/missing.js', undefined]);
    for (const [url, accept] of rows) {
      const headers: [string, string][] = accept === undefined ? [] : [['Accept-Encoding', accept]];
      const samples: { instructions: number; ms: number }[] = [];
      let response: Awaited<ReturnType<FrontendService['http_request']>> | undefined;
      for (let i = 0; i < n; i++) {
        const m = await measure(() =>
          actor.http_request({ method: 'GET', url, headers, body: new Uint8Array(), certificate_version: [2] }),
        );
        samples.push(m);
        response = m.result;
      }
      const encoding = response!.headers.find(([k]) => k === 'Content-Encoding')?.[1] ?? 'identity';
      const certificate = response!.headers.find(([k]) => k === 'IC-Certificate')?.[1] ?? '';
      out(
        `${url.padEnd(30)} | ${(accept ?? '-').padEnd(15)} | ${`${response!.status_code}, ${encoding}`.padEnd(16)} | ${fmt(response!.body.length).padStart(10)} | ${fmt(certificate.length).padStart(20)} | ${fmt(median(samples.map((s) => s.instructions))).padStart(12)} | ${median(samples.map((s) => s.ms)).toFixed(1)}`,
      );
    }
  } finally {
    await pic.tearDown();
    await server.stop();
    rmSync(site, { recursive: true, force: true });
  }
}

if (import.meta.main) await runFrontendBench();
