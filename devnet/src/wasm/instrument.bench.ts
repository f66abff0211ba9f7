/**
 * Times `instrument()` on the Azle canister Wasm built under tmp/ (not a test; prints ms).
 * Run: node devnet/src/wasm/instrument.bench.ts [path/to/module.wasm]
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instrument } from './instrument.ts';

const defaultPath = fileURLToPath(new URL('../../../tmp/azle1/.azle/a1/a1.wasm', import.meta.url));
const path = process.argv[2] ?? defaultPath;

if (!existsSync(path)) {
  console.log(`no module at ${path}; build an Azle canister there or pass a path`);
} else {
  const wasm = new Uint8Array(readFileSync(path));
  const time = (): number => {
    const start = performance.now();
    instrument(wasm);
    return performance.now() - start;
  };
  const first = time();
  const runs = Array.from({ length: 10 }, time).sort((a, b) => a - b);
  const m = instrument(wasm);
  const compileStart = performance.now();
  new WebAssembly.Module(m.bytes as Uint8Array<ArrayBuffer>);
  const compile = performance.now() - compileStart;
  console.log(`${path}: ${(wasm.length / 1e6).toFixed(2)} MB -> ${(m.bytes.length / 1e6).toFixed(2)} MB`);
  console.log(`instrument: first (cold) ${first.toFixed(1)} ms, warm median ${runs[5].toFixed(1)} ms, min ${runs[0].toFixed(1)} ms`);
  console.log(`WebAssembly.Module of the result: ${compile.toFixed(1)} ms`);
}
