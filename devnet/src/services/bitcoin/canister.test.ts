// The Bitcoin canister over the regtest chain, through its Candid interface: UTXOs, balances,
// confirmations, paging, errors and cycles, as dfinity/bitcoin-canister behaves.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@icp-sdk/core/candid';
import * as bitcoinjs from 'bitcoinjs-lib';
import { bytesToHex, hexToBytes, reverseBytes, toDisplayHex } from './bytes.ts';
import { BitcoinCanister, encodePage } from './canister.ts';
import { RegtestChain } from './chain.ts';
import { UNSET_REGTEST_FEES } from './fees.ts';
import { callCanister, FIXED_NOW_NS, replyOf, testKey } from './testing.ts';

const REGTEST = { regtest: null };
const internalHex = (displayTxid: string) => bytesToHex(reverseBytes(hexToBytes(displayTxid)));

function setup(options: { stabilityThreshold?: number; canisterNetwork?: 'mainnet' | 'testnet' } = {}) {
  const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
  const canister = new BitcoinCanister({ chain, canisterNetwork: options.canisterNetwork ?? 'testnet', ...options });
  return { chain, canister };
}

const getUtxos = (canister: BitcoinCanister, address: string, filter: unknown[] = [], cycles = 4_000_000_000n) =>
  callCanister({ canister, method: 'bitcoin_get_utxos', arg: { network: REGTEST, address, filter }, cycles });

const getBalance = (canister: BitcoinCanister, address: string, minConfirmations: number[] = [], cycles = 40_000_000n) =>
  callCanister({
    canister,
    method: 'bitcoin_get_balance',
    arg: { network: REGTEST, address, min_confirmations: minConfirmations },
    cycles,
  });

describe('bitcoin_get_utxos and bitcoin_get_balance', () => {
  const alice = testKey('01');
  const address = alice.p2wpkh.address!;

  test('fund -> mine -> UTXOs and balance, mempool outputs not reported', () => {
    const { chain, canister } = setup();
    const f1 = chain.fund({ address, amountSats: 100_000n });
    const f2 = chain.fund({ address, amountSats: 250_000n });
    assert.equal(address, 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080');
    // The faucet transactions are real transactions: bitcoinjs-lib computes the same txids.
    assert.equal(bitcoinjs.Transaction.fromHex(chain.getTransaction(f1.txid)!.hex).getId(), f1.txid);
    assert.equal(f1.txid, 'ecd3daa7e8d8ef4f9e883045066c8c33b5e362b3b87e12e81d1c4bee8876bb8c');
    assert.equal(f2.txid, 'e1fa493b66bc50477767a55727df8cf6956bc7f0fffe8b10a0c334438928686c');

    // In the mempool only: the canister sees blocks, not the mempool.
    const before = replyOf(getUtxos(canister, address));
    assert.deepEqual(before, {
      utxos: [],
      tip_height: 0,
      tip_block_hash: hexToBytes('06226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f'),
      next_page: [],
    });
    assert.equal(replyOf(getBalance(canister, address)), 0n);

    const mined = chain.mine({ blocks: 1 });
    assert.deepEqual(mined, { hashes: ['5b424b8bf4254cddf21ca2b09ed7d52cf922680921c82c261158873e42bb918c'], height: 1 });
    const after = replyOf(getUtxos(canister, address));
    // Txids and the block hash are in internal byte order; ties in height are ordered by txid bytes.
    assert.deepEqual(after, {
      utxos: [
        { outpoint: { txid: hexToBytes(internalHex(f2.txid)), vout: 0 }, value: 250_000n, height: 1 },
        { outpoint: { txid: hexToBytes(internalHex(f1.txid)), vout: 0 }, value: 100_000n, height: 1 },
      ],
      tip_height: 1,
      tip_block_hash: hexToBytes(internalHex(mined.hashes[0]!)),
      next_page: [],
    });
    assert.equal(internalHex(f2.txid), '6c6828894334c3a0108bfefff0c76b95f68cdf2757a567774750bc663b49fae1');
    assert.equal(replyOf(getBalance(canister, address)), 350_000n);
  });

  test('min_confirmations: views of the chain at tip − c + 1, bounded by the unstable chain', () => {
    const { chain, canister } = setup();
    chain.fund({ address, amountSats: 1_000n });
    chain.mine({ blocks: 1 }); // height 1
    const f2 = chain.fund({ address, amountSats: 2_000n });
    chain.mine({ blocks: 2 }); // f2 at height 2, tip 3
    const values = (filter: unknown[]) => replyOf(getUtxos(canister, address, filter)).utxos.map((u: any) => [u.value, u.height]);
    assert.deepEqual(values([]), [
      [2_000n, 2],
      [1_000n, 1],
    ]);
    assert.deepEqual(values([{ min_confirmations: 2 }]), [
      [2_000n, 2],
      [1_000n, 1],
    ]);
    assert.deepEqual(values([{ min_confirmations: 3 }]), [[1_000n, 1]]);
    assert.deepEqual(values([{ min_confirmations: 4 }]), []);
    assert.equal(replyOf(getUtxos(canister, address, [{ min_confirmations: 3 }])).tip_height, 1);
    assert.equal(replyOf(getBalance(canister, address, [2])), 3_000n);
    assert.equal(replyOf(getBalance(canister, address, [3])), 1_000n);
    // The chain holds 4 blocks (0..3), all unstable under a threshold of 144: at most 4 confirmations.
    assert.deepEqual(getUtxos(canister, address, [{ min_confirmations: 5 }]), {
      kind: 'reject',
      code: 4,
      message: 'get_utxos failed: MinConfirmationsTooLarge { given: 5, max: 4 }',
      cyclesCharged: 20_000_000n,
    });
    assert.deepEqual(getBalance(canister, address, [5]), {
      kind: 'reject',
      code: 4,
      message: 'get_balance failed: MinConfirmationsTooLarge { given: 5, max: 4 }',
      cyclesCharged: 4_000_000n,
    });
    // The capitalised variant old clients send is accepted, as by the canister's UtxosFilterInRequest.
    const legacyFilter = IDL.Record({
      network: IDL.Variant({ Regtest: IDL.Null }),
      address: IDL.Text,
      filter: IDL.Opt(IDL.Variant({ MinConfirmations: IDL.Nat32 })),
    });
    const legacy = callCanister({
      canister,
      method: 'bitcoin_get_utxos',
      arg: { network: { Regtest: null }, address, filter: [{ MinConfirmations: 3 }] },
      argType: legacyFilter,
      cycles: 4_000_000_000n,
    });
    assert.deepEqual(
      replyOf(legacy).utxos.map((u: any) => u.value),
      [1_000n],
    );
    assert.equal(chain.coin({ txid: f2.txid, vout: 0 })!.height, 2);
  });

  test('a stability threshold bounds min_confirmations, like the canister’s unstable chain', () => {
    const { chain, canister } = setup({ stabilityThreshold: 3 });
    chain.mine({ blocks: 10 });
    assert.deepEqual(getUtxos(canister, address, [{ min_confirmations: 4 }]), {
      kind: 'reject',
      code: 4,
      message: 'get_utxos failed: MinConfirmationsTooLarge { given: 4, max: 3 }',
      cyclesCharged: 20_000_000n,
    });
    assert.equal(replyOf(getUtxos(canister, address, [{ min_confirmations: 3 }])).tip_height, 8);
  });

  test('paging over 2,500 UTXOs at two heights: 1,000 per page, canister page tokens', () => {
    const { chain, canister } = setup();
    const bob = testKey('b0b').p2tr.address!;
    const funded: string[] = [];
    for (let i = 0; i < 1_200; i++) funded.push(chain.fund({ address: bob, amountSats: BigInt(1_000 + i) }).txid);
    chain.mine({ blocks: 1 });
    for (let i = 0; i < 1_300; i++) funded.push(chain.fund({ address: bob, amountSats: BigInt(5_000 + i) }).txid);
    const tipHash = hexToBytes(internalHex(chain.mine({ blocks: 1 }).hashes[0]!));

    const pages: any[] = [];
    let page = replyOf(getUtxos(canister, bob));
    pages.push(page);
    while (page.next_page.length > 0) {
      page = replyOf(getUtxos(canister, bob, [{ page: page.next_page[0] }]));
      pages.push(page);
    }
    assert.deepEqual(
      pages.map((p) => p.utxos.length),
      [1_000, 1_000, 500],
    );
    assert.deepEqual(
      pages.map((p) => p.tip_height),
      [2, 2, 2],
    );
    const all = pages.flatMap((p) => p.utxos);
    // Height descending (the 1,300 of block 2 first), then txid bytes ascending.
    assert.deepEqual(
      all.slice(0, 1_300).map((u: any) => u.height),
      new Array(1_300).fill(2),
    );
    assert.deepEqual(
      all.slice(1_300).map((u: any) => u.height),
      new Array(1_200).fill(1),
    );
    const byHeight = (h: number) => all.filter((u: any) => u.height === h).map((u: any) => bytesToHex(u.outpoint.txid));
    assert.deepEqual(byHeight(2), [...byHeight(2)].sort());
    assert.deepEqual(byHeight(1), [...byHeight(1)].sort());
    // Every funded output exactly once, with its value.
    assert.deepEqual(new Set(all.map((u: any) => toDisplayHex(u.outpoint.txid))), new Set(funded));
    assert.equal(
      all.reduce((s: bigint, u: any) => s + u.value, 0n),
      replyOf(getBalance(canister, bob)),
    );
    assert.equal(replyOf(getBalance(canister, bob)), 9_263_750n);
    // The token is the canister's 72 bytes: tip hash ‖ !height (BE) ‖ txid ‖ vout (LE) of the next UTXO.
    const next = all[1_000];
    assert.deepEqual(pages[0].next_page[0], encodePage({ tipHash, utxo: { height: 2, txid: next.outpoint.txid, vout: 0 } }));
    assert.equal(bytesToHex(pages[0].next_page[0].subarray(32, 36)), 'fffffffd');
    assert.equal(pages[0].next_page[0].length, 72);
  });

  test('bad requests get the canister’s errors', () => {
    const { chain, canister } = setup({ stabilityThreshold: 2 });
    chain.mine({ blocks: 1 });
    assert.deepEqual(getUtxos(canister, 'not an address'), {
      kind: 'reject',
      code: 4,
      message: 'get_utxos failed: MalformedAddress',
      cyclesCharged: 20_000_000n,
    });
    // A mainnet address to a regtest canister.
    assert.deepEqual(getBalance(canister, 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'), {
      kind: 'reject',
      code: 4,
      message: 'get_balance failed: AddressForWrongNetwork { expected: Regtest }',
      cyclesCharged: 4_000_000n,
    });
    assert.deepEqual(getUtxos(canister, address, [{ page: Uint8Array.of(1, 2, 3, 4, 5) }]), {
      kind: 'reject',
      code: 4,
      message: 'get_utxos failed: MalformedPage { err: "Could not parse the page, the length is 5, but the expected length is 72." }',
      cyclesCharged: 20_000_000n,
    });
    // A page whose tip block left the unstable chain (threshold 2: blocks 2 and 3 only).
    const oldTip = chain.tip().hash;
    chain.mine({ blocks: 2 });
    const stale = encodePage({ tipHash: oldTip, utxo: { height: 1, txid: new Uint8Array(32), vout: 0 } });
    assert.deepEqual(getUtxos(canister, address, [{ page: stale }]), {
      kind: 'reject',
      code: 4,
      message: `get_utxos failed: UnknownTipBlockHash { tip_block_hash: [${Array.from(oldTip).join(', ')}] }`,
      cyclesCharged: 20_000_000n,
    });
    assert.deepEqual(
      callCanister({
        canister,
        method: 'bitcoin_get_balance',
        arg: { network: { testnet: null }, address, min_confirmations: [] },
        cycles: 40_000_000n,
      }),
      {
        kind: 'reject',
        code: 5,
        message:
          "Error from Canister g4xu7-jiaaa-aaaan-aaaaq-cai: Canister called `ic0.trap` with message: 'Panicked at 'Network must be regtest. Found testnet', canister/src/lib.rs:338:13'.",
        cyclesCharged: 0n,
      },
    );
    assert.deepEqual(callCanister({ canister, method: 'bitcoin_get_utxos', rawArg: Uint8Array.of(1, 2, 3), cycles: 4_000_000_000n }), {
      kind: 'reject',
      code: 5,
      message:
        "Error from Canister g4xu7-jiaaa-aaaan-aaaaq-cai: Canister called `ic0.trap` with message: 'failed to decode call arguments: Message length smaller than magic number'.",
      cyclesCharged: 0n,
    });
  });

  test('query endpoints: free as queries, refused in replicated mode; update methods are not queries', () => {
    const { chain, canister } = setup();
    chain.fund({ address, amountSats: 7_000n });
    chain.mine({ blocks: 1 });
    const arg = { network: REGTEST, address, filter: [] };
    const asQuery = callCanister({ canister, method: 'bitcoin_get_utxos_query', arg, isQuery: true });
    assert.equal(asQuery.kind, 'reply');
    assert.equal(asQuery.cyclesCharged, 0n);
    assert.deepEqual(
      replyOf(asQuery).utxos.map((u: any) => u.value),
      [7_000n],
    );
    assert.deepEqual(callCanister({ canister, method: 'bitcoin_get_utxos_query', arg, cycles: 4_000_000_000n }), {
      kind: 'reject',
      code: 4,
      message: 'get_utxos_query cannot be called in replicated mode',
      cyclesCharged: 0n,
    });
    assert.deepEqual(
      replyOf(
        callCanister({
          canister,
          method: 'bitcoin_get_balance_query',
          arg: { network: REGTEST, address, min_confirmations: [] },
          isQuery: true,
        }),
      ),
      7_000n,
    );
    assert.deepEqual(callCanister({ canister, method: 'bitcoin_get_utxos', arg, isQuery: true }), {
      kind: 'reject',
      code: 5,
      message: "Error from Canister g4xu7-jiaaa-aaaan-aaaaq-cai: Canister has no query method 'bitcoin_get_utxos'.",
      cyclesCharged: 0n,
    });
    assert.deepEqual(callCanister({ canister, method: 'bitcoin_get_transactions', rawArg: new Uint8Array(IDL.encode([], [])) }), {
      kind: 'reject',
      code: 5,
      message: "Error from Canister g4xu7-jiaaa-aaaan-aaaaq-cai: Canister has no update method 'bitcoin_get_transactions'.",
      cyclesCharged: 0n,
    });
  });
});

describe('cycles', () => {
  const address = testKey('01').p2wpkh.address!;

  test('testnet id: 0.4 × mainnet fees; too few cycles trap naming the amount and refund everything', () => {
    const { chain, canister } = setup();
    chain.fund({ address, amountSats: 9_000n });
    chain.mine({ blocks: 1 });
    // get_utxos: base 20M + (5,010,000 estimated instructions / 10) × 4.
    assert.equal(getUtxos(canister, address).cyclesCharged, 22_004_000n);
    assert.deepEqual(getUtxos(canister, address, [], 3_999_999_999n), {
      kind: 'reject',
      code: 5,
      message:
        "Error from Canister g4xu7-jiaaa-aaaan-aaaaq-cai: Canister called `ic0.trap` with message: 'Panicked at 'Received 3999999999 cycles. 4000000000 cycles are required.', canister/src/lib.rs:326:9'.",
      cyclesCharged: 0n,
    });
    assert.equal(getBalance(canister, address, [], 40_000_000n).cyclesCharged, 4_000_000n);
    assert.match(
      (getBalance(canister, address, [], 39_999_999n) as { message: string }).message,
      /'Panicked at 'Received 39999999 cycles\. 40000000 cycles are required\.'/,
    );
    const fees = callCanister({ canister, method: 'bitcoin_get_current_fee_percentiles', arg: { network: REGTEST }, cycles: 40_000_000n });
    assert.equal(fees.cyclesCharged, 4_000_000n);
  });

  test('mainnet id: mainnet fees', () => {
    const { chain, canister } = setup({ canisterNetwork: 'mainnet' });
    assert.equal(canister.canisterId, 'ghsi2-tqaaa-aaaan-aaaca-cai');
    chain.mine({ blocks: 1 });
    assert.equal(getUtxos(canister, address, [], 10_000_000_000n).cyclesCharged, 55_000_000n);
    assert.equal(getBalance(canister, address, [], 100_000_000n).cyclesCharged, 10_000_000n);
    assert.deepEqual(getBalance(canister, address, [], 99_999_999n), {
      kind: 'reject',
      code: 5,
      message:
        "Error from Canister ghsi2-tqaaa-aaaan-aaaca-cai: Canister called `ic0.trap` with message: 'Panicked at 'Received 99999999 cycles. 100000000 cycles are required.', canister/src/lib.rs:326:9'.",
      cyclesCharged: 0n,
    });
  });

  test('a regtest canister initialised without fees charges nothing', () => {
    const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
    const canister = new BitcoinCanister({ chain, canisterNetwork: 'testnet', fees: UNSET_REGTEST_FEES });
    assert.equal(getUtxos(canister, address, [], 0n).kind, 'reply');
    assert.equal(getUtxos(canister, address, [], 5n).cyclesCharged, 0n);
    assert.equal(getBalance(canister, address, [], 0n).cyclesCharged, 0n);
  });
});

describe('bitcoin_get_block_headers, get_config, get_blockchain_info', () => {
  test('headers are the chain’s 80-byte headers; ranges checked like the canister', () => {
    const { chain, canister } = setup();
    chain.mine({ blocks: 3 });
    const call = (start: number, end: number[]) =>
      callCanister({
        canister,
        method: 'bitcoin_get_block_headers',
        arg: { start_height: start, end_height: end, network: REGTEST },
        cycles: 4_000_000_000n,
      });
    const all = replyOf(call(0, []));
    assert.equal(all.tip_height, 3);
    assert.deepEqual(
      all.block_headers,
      [0, 1, 2, 3].map((h) => chain.block(h)!.headerBytes),
    );
    assert.equal(
      bytesToHex(all.block_headers[0]),
      '0100000000000000000000000000000000000000000000000000000000000000000000003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4adae5494dffff7f2002000000',
    );
    // The canister reports the end of the returned range as tip_height.
    assert.deepEqual(replyOf(call(1, [2])).tip_height, 2);
    assert.equal(call(1, [2]).cyclesCharged, 20_000_000n + ((300_000n + 2n * 20_000n) / 10n) * 4n);
    assert.equal(
      (call(4, []) as { message: string }).message,
      'get_block_headers failed: StartHeightDoesNotExist { requested: 4, chain_height: 3 }',
    );
    assert.equal(
      (call(2, [1]) as { message: string }).message,
      'get_block_headers failed: StartHeightLargerThanEndHeight { start_height: 2, end_height: 1 }',
    );
    assert.equal(
      (call(1, [9]) as { message: string }).message,
      'get_block_headers failed: EndHeightDoesNotExist { requested: 9, chain_height: 3 }',
    );
  });

  test('config and blockchain info describe a synced regtest canister', () => {
    const { chain, canister } = setup();
    chain.fund({ address: testKey('01').p2wpkh.address!, amountSats: 1_000n });
    chain.mine({ blocks: 1 });
    const config = replyOf(callCanister({ canister, method: 'get_config', isQuery: true }));
    assert.equal(config.stability_threshold, 144n);
    assert.deepEqual(config.network, { regtest: null });
    assert.equal(config.fees.get_utxos_base, 20_000_000n);
    assert.equal(config.fees.send_transaction_per_byte, 8_000_000n);
    assert.equal(config.blocks_source.toText(), 'aaaaa-aa');
    const info = replyOf(callCanister({ canister, method: 'get_blockchain_info', isQuery: true }));
    // One coinbase output (the commitment is OP_RETURN) and the funded output.
    assert.deepEqual(
      { ...info, block_hash: toDisplayHex(info.block_hash) },
      {
        height: 1,
        block_hash: '7b8dfc75c6e2a876c30d7f39794a21e678639ac3f8aa1ef0bca535894a1c2a64',
        timestamp: 1_700_000_000,
        difficulty: 1n,
        utxos_length: 2n,
      },
    );
  });
});
