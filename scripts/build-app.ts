/**
 * Builds the web app (Svelte 5 + Vite, canisters/frontend/vite.config.ts) into
 * canisters/frontend/dist, which `npm start` uploads to the frontend canister. `npm run build`
 * calls it after the canisters; `node scripts/build-app.ts` builds the app alone.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { WalletError } from '../src/lib/errors.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const APP_ROOT = join(ROOT, 'canisters', 'frontend');
/** Where the build writes the app (git-ignored): index.html and assets/name-hash.ext. */
export const APP_DIST = join(APP_ROOT, 'dist');

export class AppBuildError extends WalletError {
  override name = 'AppBuildError';
}

/** Runs `vite build`; throws AppBuildError with Vite's output when it fails. */
export function buildApp(): { dist: string } {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(APP_ROOT, 'vite.config.ts'), '--logLevel', 'warn'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0)
    throw new AppBuildError(`vite build failed with status ${result.status}`, { details: `${result.stdout}\n${result.stderr}`.trim() });
  return { dist: APP_DIST };
}

/**
 * The JavaScript a first visit loads before the app runs: the scripts and module preloads that
 * dist/index.html names (lazy chunks, such as Internet Identity's client, are not counted), with
 * their gzip sizes (level 9, as scripts/frontend-assets.ts stores them).
 */
export function initialJs(dist = APP_DIST): { files: { path: string; bytes: number; gzipBytes: number }[]; gzipBytes: number } {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const paths = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)) paths.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) paths.add(m[1]);
  const files = [...paths].map((path) => {
    const content = readFileSync(join(dist, path.replace(/^\//, '')));
    return { path, bytes: content.length, gzipBytes: gzipSync(content, { level: 9 }).length };
  });
  return { files, gzipBytes: files.reduce((sum, f) => sum + f.gzipBytes, 0) };
}

if (import.meta.main) {
  const started = performance.now();
  buildApp();
  const js = initialJs();
  process.stdout.write(
    `build: app canisters/frontend/dist in ${((performance.now() - started) / 1000).toFixed(1)} s, initial JS ${(js.gzipBytes / 1024).toFixed(1)} KiB gzipped\n`,
  );
}
