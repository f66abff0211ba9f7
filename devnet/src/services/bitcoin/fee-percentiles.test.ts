// bitcoin_get_current_fee_percentiles: nearest-rank percentiles (millisatoshi per vbyte) of the
// fee rates of mined transactions in the canister's unstable chain.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as btc from '@scure/btc-signer';
import { BitcoinCanister, feePercentiles } from './canister.ts';
import { RegtestChain } from './chain.ts';
import { decodeTransaction } from './transaction.ts';
import { callCanister, FIXED_NOW_NS, REGTEST_NETWORK, replyOf, testKey } from './testing.ts';

const bob = testKey('b0b');
const carol = testKey('ca201');

const percentiles = (canister: BitcoinCanister) =>
  Array.from(
    replyOf(
      callCanister({ canister, method: 'bitcoin_get_current_fee_percentiles', arg: { network: { regtest: null } }, cycles: 40_000_000n }),
    ) as BigUint64Array,
  );

/** 101 values: `first` for the 0th percentile, then each of `values` repeated for its share of 1..100. */
const expand = (values: bigint[]) => [values[0]!, ...values.flatMap((v) => new Array<bigint>(100 / values.length).fill(v))];

/** Mines ten P2TR key-path spends to P2WPKH (99 vbytes each) paying 1..10 sat/vB. */
function mineTenFeeRates(chain: RegtestChain, canister: BitcoinCanister): string[] {
  const coins = Array.from({ length: 10 }, () => chain.fund({ address: bob.p2tr.address!, amountSats: 100_000n }));
  chain.mine({ blocks: 1 });
  const txids: string[] = [];
  for (const [i, coin] of coins.entries()) {
    const tx = new btc.Transaction();
    tx.addInput({ txid: coin.txid, index: 0, witnessUtxo: { script: bob.p2tr.script, amount: 100_000n }, tapInternalKey: bob.xOnly });
    tx.addOutputAddress(carol.p2wpkh.address!, 100_000n - BigInt(i + 1) * 99n, REGTEST_NETWORK);
    tx.sign(bob.secret);
    tx.finalize();
    assert.equal(decodeTransaction(tx.extract()).vsize, 99);
    const sent = callCanister({
      canister,
      method: 'bitcoin_send_transaction',
      arg: { network: { regtest: null }, transaction: tx.extract() },
      cycles: 10_000_000_000n,
    });
    assert.equal(sent.kind, 'reply');
    txids.push(tx.id);
  }
  chain.mine({ blocks: 1 });
  return txids;
}

describe('fee percentiles', () => {
  test('nearest rank, inclusive, with a 0th percentile', () => {
    assert.deepEqual(feePercentiles([]), []);
    assert.deepEqual(feePercentiles([5n, 1n, 3n]), [
      1n,
      ...new Array<bigint>(33).fill(1n), // p = 1..33: rank ⌈3p/100⌉ = 1
      ...new Array<bigint>(33).fill(3n), // p = 34..66: rank 2
      ...new Array<bigint>(34).fill(5n), // p = 67..100: rank 3
    ]);
  });

  test('ten transactions at 1..10 sat/vB give 1,000..10,000 msat/vB; funding transactions do not count', () => {
    const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
    const canister = new BitcoinCanister({ chain, canisterNetwork: 'testnet' });
    mineTenFeeRates(chain, canister);
    const expected = expand([1_000n, 2_000n, 3_000n, 4_000n, 5_000n, 6_000n, 7_000n, 8_000n, 9_000n, 10_000n]);
    assert.equal(expected.length, 101);
    assert.deepEqual(percentiles(canister), expected);
    assert.deepEqual(chain.block(2)!.feeRates, [1_000n, 2_000n, 3_000n, 4_000n, 5_000n, 6_000n, 7_000n, 8_000n, 9_000n, 10_000n]);
    // Empty blocks on top: the transactions are still in the unstable chain.
    chain.mine({ blocks: 3 });
    assert.deepEqual(percentiles(canister), expected);
  });

  test('rates round down: 1,000 sat over 110 vbytes is 9,090 msat/vB', () => {
    const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
    const canister = new BitcoinCanister({ chain, canisterNetwork: 'testnet' });
    const coin = chain.fund({ address: carol.p2wpkh.address!, amountSats: 50_000n });
    chain.mine({ blocks: 1 });
    const tx = new btc.Transaction();
    tx.addInput({ txid: coin.txid, index: 0, witnessUtxo: { script: carol.p2wpkh.script, amount: 50_000n } });
    tx.addOutputAddress(bob.p2wpkh.address!, 49_000n, REGTEST_NETWORK);
    tx.sign(carol.secret);
    tx.finalize();
    assert.equal(chain.sendRawTransaction(tx.extract()).vsize, 110);
    chain.mine({ blocks: 1 });
    assert.deepEqual(percentiles(canister), new Array<bigint>(101).fill(9_090n));
  });

  test('no fee data: the devnet fallback (2,000 msat/vB) or, as configured, the real canister’s []', () => {
    const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
    chain.fund({ address: bob.p2tr.address!, amountSats: 1_000n });
    chain.mine({ blocks: 2 });
    const devnet = new BitcoinCanister({ chain, canisterNetwork: 'testnet' });
    assert.deepEqual(percentiles(devnet), new Array<bigint>(101).fill(2_000n));
    const faithful = new BitcoinCanister({ chain, canisterNetwork: 'testnet', emptyFeePercentiles: 'empty' });
    assert.deepEqual(percentiles(faithful), []);
  });

  test('once the transactions leave the unstable chain, the last result is kept (as the canister caches it)', () => {
    const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
    const canister = new BitcoinCanister({ chain, canisterNetwork: 'testnet', stabilityThreshold: 2, emptyFeePercentiles: 'empty' });
    mineTenFeeRates(chain, canister);
    const expected = percentiles(canister);
    assert.equal(expected[50], 5_000n);
    chain.mine({ blocks: 5 }); // the unstable chain is now two empty blocks
    assert.deepEqual(percentiles(canister), expected);
    // A fresh canister over the same chain has nothing cached.
    assert.deepEqual(
      percentiles(new BitcoinCanister({ chain, canisterNetwork: 'testnet', stabilityThreshold: 2, emptyFeePercentiles: 'empty' })),
      [],
    );
  });
});
