/**
 * Runs a module script in a fresh Node process, optionally with globals like stable-mode Azle's
 * QuickJS: no Intl/WebSocket; fetch, Buffer, URL, setTimeout, … throw when read (as Azle's
 * globals.ts makes them); `crypto` only has getRandomValues; packages resolve to their browser
 * builds, as in the esbuild canister bundle. An emulation in Node, not QuickJS: the canister tests
 * run the real thing. `body` runs after the globals are set and writes JSON to stdout.
 */
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';

export function runInAzleLikeRuntime(args: { azleLike: boolean; body: string; env: Record<string, string> }): Record<string, string> {
  const script = `
    // Node strips TypeScript with a WebAssembly module loaded on the first .ts import.
    await import(process.env.WARM_UP);
    if (process.env.AZLE_LIKE === '1') {
      const realCrypto = globalThis.crypto;
      for (const name of ['Intl', 'WebSocket', 'EventSource', 'EventTarget', 'Event']) delete globalThis[name];
      for (const name of ['fetch', 'Buffer', 'window', 'global', 'self', 'URL', 'WebAssembly', 'setTimeout', 'clearTimeout']) {
        Object.defineProperty(globalThis, name, { configurable: true, get() { throw new ReferenceError(name + ' is not available in Azle'); } });
      }
      Object.defineProperty(globalThis, 'crypto', { configurable: true, value: { getRandomValues: (array) => realCrypto.getRandomValues(array) } });
    }
    ${args.body}
  `;
  const conditions = args.azleLike ? ['--conditions=browser'] : [];
  const result = spawnSync(process.execPath, [...conditions, '--input-type=module', '--eval', script], {
    cwd: new URL('../../', import.meta.url),
    env: {
      ...process.env,
      ...args.env,
      AZLE_LIKE: args.azleLike ? '1' : '0',
      WARM_UP: new URL('../../src/lib/errors.ts', import.meta.url).href,
    },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, string>;
}
