/**
 * `npm run bench`: every benchmark of the project, printed. Benchmarks are scripts that print
 * numbers; they assert nothing and never run as tests.
 */
import { runDevnetBench } from './devnet.bench.ts';
import { runHttpBench } from './http.bench.ts';
import { benchmarkThresholdSigning } from '../devnet/src/services/threshold/threshold.bench.ts';
import { runBitcoinBench } from '../devnet/src/services/bitcoin/bitcoin.bench.ts';
import { runAuditBench, runAuditCanisterBench } from './audit.bench.ts';
import { runWalletBench } from './wallet.bench.ts';
import { runWalletRpcBench } from './wallet-rpc.bench.ts';
import { runFrontendBench } from './frontend.bench.ts';
import { runAppBench } from './app.bench.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);

await runDevnetBench();
await runHttpBench();

out('\n## threshold signatures (devnet management canister, through its Candid entry point)');
for (const r of benchmarkThresholdSigning({ durationMs: 1000 })) {
  out(
    `${r.keyType.padEnd(24)} same key: ${r.sameKeyPerSecond.toFixed(0).padStart(5)} sig/s   new derivation path each time: ${r.freshKeyPerSecond.toFixed(0).padStart(5)} sig/s`,
  );
}

out('\n## Bitcoin canister (devnet regtest)');
for (const r of runBitcoinBench()) out(`${r.name}: ${r.msPerCall.toFixed(3)} ms/call (${r.iterations} calls)`);

out('');
await runWalletBench(out);
out('');
await runWalletRpcBench(out);

out('\n## signature log Merkle tree (RFC 9162): store reads/writes and hashes per operation');
runAuditBench(out);
out('\n## signature log Merkle tree inside an Azle canister (instructions)');
await runAuditCanisterBench(out);

out('\n## frontend canister: certified assets (size, serving and certifying cost)');
await runFrontendBench();

out('\n## web app: initial JS and navigation to addresses in headless Chromium (devnet, through the gateway)');
await runAppBench(out);

try {
  const chainsBench = './chains.bench.ts'; // written with the chain library's canister benchmark
  const { runChainsBench } = (await import(chainsBench)) as { runChainsBench: () => Promise<void> };
  out('\n## chain library, Node and inside an Azle canister');
  await runChainsBench();
} catch (e) {
  if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
}
