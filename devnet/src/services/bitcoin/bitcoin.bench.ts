/**
 * Benchmark: `bitcoin_get_utxos` through the Candid `handle` path for an address holding 1,000
 * UTXOs, among 20,000 UTXOs of other addresses and 1,000 already spent outputs of its own.
 * Run: `node devnet/src/services/bitcoin/bitcoin.bench.ts` (prints the timings).
 */
import { IDL } from '@icp-sdk/core/candid';
import * as btc from '@scure/btc-signer';
import { scriptToAddress } from './address.ts';
import { sha256, utf8 } from './bytes.ts';
import { GetBalanceRequest, GetUtxosRequest, GetUtxosResponse } from './candid.ts';
import { BitcoinCanister } from './canister.ts';
import { RegtestChain } from './chain.ts';
import { witnessScript } from './script.ts';
import { callCanister, FIXED_NOW_NS, REGTEST_NETWORK, replyOf, testKey } from './testing.ts';

export interface BenchResult {
  name: string;
  iterations: number;
  msPerCall: number;
}

function time(name: string, iterations: number, fn: () => void): BenchResult {
  fn(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  const ns = Number(process.hrtime.bigint() - start);
  return { name, iterations, msPerCall: ns / iterations / 1e6 };
}

export function runBitcoinBench(): BenchResult[] {
  const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
  const canister = new BitcoinCanister({ chain, canisterNetwork: 'testnet' });
  const holder = testKey('1000');
  const address = holder.p2wpkh.address!;
  // 1,000 outputs to spend away later, so the address has history as well as UTXOs.
  const spendable = Array.from({ length: 1_000 }, () => chain.fund({ address, amountSats: 10_000n }));
  for (let i = 0; i < 1_000; i++) chain.fund({ address, amountSats: BigInt(20_000 + i) });
  for (let i = 0; i < 20_000; i++) {
    const other = scriptToAddress({ script: witnessScript(0, sha256(utf8(`other ${i}`)).subarray(0, 20)), network: 'regtest' })!;
    chain.fund({ address: other, amountSats: 5_000n });
  }
  chain.mine({ blocks: 1 });
  const sweep = new btc.Transaction();
  for (const coin of spendable)
    sweep.addInput({ txid: coin.txid, index: 0, witnessUtxo: { script: holder.p2wpkh.script, amount: 10_000n } });
  sweep.addOutputAddress(testKey('dead').p2wpkh.address!, 9_000_000n, REGTEST_NETWORK);
  sweep.sign(holder.secret);
  sweep.finalize();
  const results: BenchResult[] = [];
  // One call: validating a 1,000-input spend (1,000 BIP143 sighashes and ECDSA verifications).
  const sendStart = process.hrtime.bigint();
  chain.sendRawTransaction(sweep.extract());
  results.push({
    name: 'sendRawTransaction, 1,000-input P2WPKH sweep',
    iterations: 1,
    msPerCall: Number(process.hrtime.bigint() - sendStart) / 1e6,
  });
  chain.mine({ blocks: 5 });

  const arg = { network: { regtest: null }, address, filter: [] };
  const reply = replyOf(callCanister({ canister, method: 'bitcoin_get_utxos', arg, cycles: 4_000_000_000n }));
  if (reply.utxos.length !== 1_000 || reply.next_page.length !== 0)
    throw new Error(`bench setup: expected 1,000 UTXOs, got ${reply.utxos.length}`);
  // What the devnet does per call: decode the request, look up, encode the reply.
  const handle = (method: string, request: unknown, type: IDL.Type, cycles: bigint) => {
    const encoded = new Uint8Array(IDL.encode([type], [request]));
    return () => {
      const r = canister.handle({ method, arg: encoded, cyclesAttached: cycles, isQuery: false });
      if (r.kind !== 'reply') throw new Error(r.message);
    };
  };
  results.push(
    time(
      'bitcoin_get_utxos, 1,000 UTXOs (handle: Candid request in, reply out)',
      500,
      handle('bitcoin_get_utxos', arg, GetUtxosRequest, 4_000_000_000n),
    ),
  );
  results.push(
    time(
      'bitcoin_get_utxos, min_confirmations 7 (the view before the sweep: first page of 2,000 UTXOs)',
      200,
      handle('bitcoin_get_utxos', { ...arg, filter: [{ min_confirmations: 7 }] }, GetUtxosRequest, 4_000_000_000n),
    ),
  );
  results.push(
    time(
      'bitcoin_get_balance, 1,000 UTXOs (handle)',
      500,
      handle('bitcoin_get_balance', { network: { regtest: null }, address, min_confirmations: [] }, GetBalanceRequest, 40_000_000n),
    ),
  );
  const replyBytes = (
    canister.handle({
      method: 'bitcoin_get_utxos',
      arg: new Uint8Array(IDL.encode([GetUtxosRequest], [arg])),
      cyclesAttached: 4_000_000_000n,
      isQuery: false,
    }) as { reply: Uint8Array }
  ).reply;
  results.push(
    time(`the caller's IDL.decode of that ${replyBytes.length}-byte reply (not devnet time)`, 100, () =>
      IDL.decode([GetUtxosResponse], replyBytes),
    ),
  );
  return results;
}

if (import.meta.main) {
  for (const r of runBitcoinBench()) console.log(`${r.name}: ${r.msPerCall.toFixed(3)} ms/call (${r.iterations} calls)`);
}
