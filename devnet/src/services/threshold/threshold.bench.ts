/**
 * Benchmark (not a test): signatures per second of the devnet's threshold service per key type,
 * through `handle` as the management canister calls it (Candid decode, derivation, signing, the
 * signer's own verification, Candid encode).
 *
 * Two cases per key type:
 * - "same key": one canister and path over and over (the derived key comes from the cache);
 * - "fresh key": a new derivation path every time (2-component path derived per signature).
 *
 * Run: `PATH=$PWD/node_modules/.bin:$PATH node devnet/src/services/threshold/threshold.bench.ts [milliseconds per case]`
 */
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ThresholdKeys } from './index.ts';
import { KEY_TYPES, type KeyType } from './key-id.ts';
import { methodsOf, signArg } from './test-args.ts';

export interface ThresholdBenchResult {
  keyType: KeyType;
  sameKeyPerSecond: number;
  freshKeyPerSecond: number;
}

function rate(args: { durationMs: number; run: (i: number) => void }): number {
  for (let i = 0; i < 5; i++) args.run(-1 - i); // warm up the JIT and noble's precomputed tables
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < args.durationMs) args.run(count++);
  return (count * 1000) / (performance.now() - start);
}

/** Measures each key type for `durationMs` per case. */
export function benchmarkThresholdSigning(args: { durationMs: number }): ThresholdBenchResult[] {
  const keys = new ThresholdKeys({ seed: new Uint8Array(32).fill(1) });
  const caller = Principal.fromText('h5jwf-5iaaa-aaaan-qmvoa-cai').toUint8Array();
  const message = sha256(utf8ToBytes('benchmark'));
  const cyclesAttached = 30_000_000_000n;
  return KEY_TYPES.map((keyType) => {
    const method = methodsOf(keyType).sign;
    const sameArg = signArg({ keyType, keyName: 'key_1', derivationPath: [utf8ToBytes('bench')], message });
    const sign = (arg: Uint8Array): void => {
      const r = keys.handle({ method, arg, caller, callerIsCanister: true, cyclesAttached });
      if (r.kind !== 'reply') throw new Error(`benchmark: ${method} rejected: ${r.message}`);
    };
    const sameKeyPerSecond = rate({ durationMs: args.durationMs, run: () => sign(sameArg) });
    const freshKeyPerSecond = rate({
      durationMs: args.durationMs,
      run: (i) => sign(signArg({ keyType, keyName: 'key_1', derivationPath: [utf8ToBytes('fresh'), utf8ToBytes(String(i))], message })),
    });
    return { keyType, sameKeyPerSecond, freshKeyPerSecond };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const durationMs = Number(process.argv[2] ?? 2000);
  for (const r of benchmarkThresholdSigning({ durationMs })) {
    process.stdout.write(
      `${r.keyType.padEnd(24)} same key: ${r.sameKeyPerSecond.toFixed(0).padStart(5)} sig/s   fresh key: ${r.freshKeyPerSecond.toFixed(0).padStart(5)} sig/s\n`,
    );
  }
}
