// bitcoin_send_transaction: real signed spends accepted and confirmed, invalid ones rejected with
// Bitcoin Core's reasons (a devnet deviation: a real node drops them silently).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import * as btc from '@scure/btc-signer';
import { bytesToHex, concatBytes, hexToBytes } from './bytes.ts';
import { BitcoinCanister } from './canister.ts';
import { RegtestChain } from './chain.ts';
import { TransactionRejectedError } from './errors.ts';
import { decodeTransaction, encodeTransaction, txidHex } from './transaction.ts';
import { callCanister, FIXED_NOW_NS, REGTEST_NETWORK, replyOf, testKey } from './testing.ts';

const REGTEST = { regtest: null };
const alice = testKey('a11ce');
const bob = testKey('b0b');
const carol = testKey('ca201');

interface Spend {
  txid: string;
  vout: number;
  amount: bigint;
}

function setup() {
  const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
  const canister = new BitcoinCanister({ chain, canisterNetwork: 'testnet' });
  return { chain, canister };
}

/** A P2WPKH spend signed with BIP143 by @scure/btc-signer. */
function signP2wpkh(args: {
  key: ReturnType<typeof testKey>;
  inputs: Spend[];
  outputs: { address: string; amount: bigint }[];
}): btc.Transaction {
  const tx = new btc.Transaction();
  for (const i of args.inputs)
    tx.addInput({ txid: i.txid, index: i.vout, witnessUtxo: { script: args.key.p2wpkh.script, amount: i.amount } });
  for (const o of args.outputs) tx.addOutputAddress(o.address, o.amount, REGTEST_NETWORK);
  tx.sign(args.key.secret);
  tx.finalize();
  return tx;
}

/** A BIP86 key-path P2TR spend signed with BIP341/BIP340 by @scure/btc-signer. */
function signP2tr(args: {
  key: ReturnType<typeof testKey>;
  inputs: Spend[];
  outputs: { address: string; amount: bigint }[];
}): btc.Transaction {
  const tx = new btc.Transaction();
  for (const i of args.inputs) {
    tx.addInput({
      txid: i.txid,
      index: i.vout,
      witnessUtxo: { script: args.key.p2tr.script, amount: i.amount },
      tapInternalKey: args.key.xOnly,
    });
  }
  for (const o of args.outputs) tx.addOutputAddress(o.address, o.amount, REGTEST_NETWORK);
  tx.sign(args.key.secret);
  tx.finalize();
  return tx;
}

function send(canister: BitcoinCanister, raw: Uint8Array, cycles = 2_000_000_000n + 8_000_000n * BigInt(raw.length)) {
  return callCanister({ canister, method: 'bitcoin_send_transaction', arg: { network: REGTEST, transaction: raw }, cycles });
}

function balance(canister: BitcoinCanister, address: string, minConfirmations: number[] = []): bigint {
  return replyOf(
    callCanister({
      canister,
      method: 'bitcoin_get_balance',
      arg: { network: REGTEST, address, min_confirmations: minConfirmations },
      cycles: 40_000_000n,
    }),
  );
}

function utxoValues(canister: BitcoinCanister, address: string): bigint[] {
  const reply = replyOf(
    callCanister({ canister, method: 'bitcoin_get_utxos', arg: { network: REGTEST, address, filter: [] }, cycles: 4_000_000_000n }),
  );
  return reply.utxos.map((u: any) => u.value);
}

/** The reject the devnet gives for what a node refuses. */
function nodeReject(args: { txid: string; reason: string; details: string; raw: Uint8Array }) {
  return {
    kind: 'reject',
    code: 4,
    message: `send_transaction failed: RejectedByDevnetNode { txid: ${JSON.stringify(args.txid)}, reason: ${JSON.stringify(args.reason)}, details: ${JSON.stringify(args.details)} }`,
    cyclesCharged: 2_000_000_000n + 8_000_000n * BigInt(args.raw.length),
  };
}

function fundAndMine(chain: RegtestChain, address: string, amountSats: bigint): Spend {
  const { txid, vout } = chain.fund({ address, amountSats });
  chain.mine({ blocks: 1 });
  return { txid, vout, amount: amountSats };
}

describe('accepted spends', () => {
  test('P2WPKH spend: accepted into the mempool, confirmed by mine, balances move', () => {
    const { chain, canister } = setup();
    assert.equal(alice.p2wpkh.address, 'bcrt1qcntmz6mymxpd4srql0umxsqezarlykgrmy3xx2');
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const tx = signP2wpkh({
      key: alice,
      inputs: [coin],
      outputs: [
        { address: bob.p2tr.address!, amount: 60_000n },
        { address: alice.p2wpkh.address!, amount: 39_000n },
      ],
    });
    const raw = tx.extract();
    const sent = send(canister, raw);
    assert.deepEqual(sent, { kind: 'reply', value: undefined, cyclesCharged: 2_000_000_000n + 8_000_000n * BigInt(raw.length) });
    assert.equal(raw.length, 235);
    // Only the mempool knows it: the canister reports confirmed state.
    assert.deepEqual(chain.mempoolTxids(), [tx.id]);
    assert.equal(balance(canister, alice.p2wpkh.address!), 100_000n);
    assert.deepEqual(chain.getTransaction(tx.id), { hex: bytesToHex(raw), txid: tx.id, confirmations: 0, blockHeight: null, fee: 1_000n });

    chain.mine({ blocks: 1 });
    assert.equal(balance(canister, alice.p2wpkh.address!), 39_000n);
    assert.equal(balance(canister, bob.p2tr.address!), 60_000n);
    assert.deepEqual(utxoValues(canister, alice.p2wpkh.address!), [39_000n]);
    assert.equal(chain.getTransaction(tx.id)!.confirmations, 1);
    assert.equal(chain.getTransaction(tx.id)!.blockHeight, 2);
    // With 2 confirmations required the view ends at block 1, before the spend.
    assert.equal(balance(canister, alice.p2wpkh.address!, [2]), 100_000n);
    assert.equal(balance(canister, bob.p2tr.address!, [2]), 0n);
    // The coinbase collected the fee: 50 BTC + 1,000 sat.
    const coinbase = chain.block(2)!.txids[0]!;
    assert.equal(chain.coin({ txid: coinbase, vout: 0 })!.value, 5_000_001_000n);
  });

  test('P2TR key-path spend, and a child spending its unconfirmed parent', () => {
    const { chain, canister } = setup();
    assert.equal(bob.p2tr.address, 'bcrt1p4yr9sp2nhtww505fj6gte5fmtv96djpxmv52xseqwajxdymayc8q62gjqp');
    const coin = fundAndMine(chain, bob.p2tr.address!, 80_000n);
    const parent = signP2tr({ key: bob, inputs: [coin], outputs: [{ address: bob.p2tr.address!, amount: 79_000n }] });
    assert.equal(send(canister, parent.extract()).kind, 'reply');
    // The child spends the parent's output while both are in the mempool.
    const child = signP2tr({
      key: bob,
      inputs: [{ txid: parent.id, vout: 0, amount: 79_000n }],
      outputs: [{ address: carol.p2wpkh.address!, amount: 77_500n }],
    });
    assert.equal(send(canister, child.extract()).kind, 'reply');
    assert.deepEqual(chain.mempoolTxids(), [parent.id, child.id]);
    chain.mine({ blocks: 1 });
    assert.deepEqual(chain.block(2)!.txids.slice(1), [parent.id, child.id]);
    assert.equal(balance(canister, bob.p2tr.address!), 0n);
    assert.equal(balance(canister, carol.p2wpkh.address!), 77_500n);
    assert.equal(chain.getTransaction(child.id)!.fee, 1_500n);
  });

  test('P2PKH (legacy sighash) and P2SH-P2WPKH spends', () => {
    const { chain, canister } = setup();
    const legacy = fundAndMine(chain, carol.p2pkh.address!, 50_000n);
    const tx = new btc.Transaction();
    tx.addInput({ txid: legacy.txid, index: legacy.vout, nonWitnessUtxo: hexToBytes(chain.getTransaction(legacy.txid)!.hex) });
    tx.addOutputAddress(alice.p2wpkh.address!, 49_000n, REGTEST_NETWORK);
    tx.sign(carol.secret);
    tx.finalize();
    assert.equal(send(canister, tx.extract()).kind, 'reply');

    const wrapped = btc.p2sh(btc.p2wpkh(carol.publicKey, REGTEST_NETWORK), REGTEST_NETWORK);
    const nested = fundAndMine(chain, wrapped.address!, 30_000n);
    const tx2 = new btc.Transaction();
    tx2.addInput({
      txid: nested.txid,
      index: 0,
      witnessUtxo: { script: wrapped.script, amount: 30_000n },
      redeemScript: wrapped.redeemScript!,
    });
    tx2.addOutputAddress(alice.p2wpkh.address!, 29_000n, REGTEST_NETWORK);
    tx2.sign(carol.secret);
    tx2.finalize();
    assert.equal(send(canister, tx2.extract()).kind, 'reply');
    chain.mine({ blocks: 1 });
    assert.equal(balance(canister, alice.p2wpkh.address!), 78_000n);
  });

  test('coinbase outputs are reported at once but spendable only after 100 blocks', () => {
    const { chain, canister } = setup();
    chain.mine({ blocks: 1, coinbaseAddress: alice.p2wpkh.address! }); // height 1
    assert.deepEqual(utxoValues(canister, alice.p2wpkh.address!), [5_000_000_000n]);
    const coinbase: Spend = { txid: chain.block(1)!.txids[0]!, vout: 0, amount: 5_000_000_000n };
    const spend = signP2wpkh({ key: alice, inputs: [coinbase], outputs: [{ address: bob.p2wpkh.address!, amount: 4_999_990_000n }] });
    const raw = spend.extract();
    assert.deepEqual(
      send(canister, raw),
      nodeReject({
        txid: spend.id,
        reason: 'bad-txns-premature-spend-of-coinbase',
        details: 'tried to spend coinbase at depth 1 (input 0; maturity is 100)',
        raw,
      }),
    );
    chain.mine({ blocks: 98 }); // tip 99: the next block is 100, depth 99
    assert.deepEqual(
      send(canister, raw),
      nodeReject({
        txid: spend.id,
        reason: 'bad-txns-premature-spend-of-coinbase',
        details: 'tried to spend coinbase at depth 99 (input 0; maturity is 100)',
        raw,
      }),
    );
    chain.mine({ blocks: 1 });
    assert.equal(send(canister, raw).kind, 'reply');
  });
});

describe('rejected transactions', () => {
  test('a forged P2WPKH signature (outputs changed after signing)', () => {
    const { chain, canister } = setup();
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const signed = signP2wpkh({ key: alice, inputs: [coin], outputs: [{ address: bob.p2wpkh.address!, amount: 90_000n }] });
    // Raise the output to 95,000 sat, keeping alice's signature over the 90,000-sat version.
    const { tx: decoded } = decodeTransaction(signed.extract());
    decoded.outputs[0]!.value = 95_000n;
    const hacked = encodeTransaction(decoded);
    const forgedTx = btc.Transaction.fromRaw(hacked);
    assert.equal(forgedTx.getOutput(0).amount, 95_000n);
    assert.deepEqual(
      send(canister, hacked),
      nodeReject({
        txid: forgedTx.id,
        reason: 'mandatory-script-verify-flag-failed (Script evaluated without error but finished with a false/empty top stack element)',
        details: 'input 0 spends a p2wpkh output',
        raw: hacked,
      }),
    );
    // Someone else's key in the witness: the program's hash does not match.
    const mallory = signP2wpkh({ key: bob, inputs: [coin], outputs: [{ address: bob.p2wpkh.address!, amount: 90_000n }] });
    const stolen = mallory.extract();
    assert.deepEqual(
      send(canister, stolen),
      nodeReject({
        txid: mallory.id,
        reason: 'mandatory-script-verify-flag-failed (Witness program hash mismatch)',
        details: 'input 0 spends a p2wpkh output',
        raw: stolen,
      }),
    );
    assert.deepEqual(chain.mempoolTxids(), []);
  });

  test('a high-S signature fails policy only; a corrupted Schnorr signature fails consensus', () => {
    const { chain, canister } = setup();
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const signed = signP2wpkh({ key: alice, inputs: [coin], outputs: [{ address: bob.p2wpkh.address!, amount: 90_000n }] });
    const witness = signed.getInput(0).finalScriptWitness!;
    const der = witness[0]!;
    const sig = secp256k1.Signature.fromBytes(der.subarray(0, -1), 'der');
    const n = secp256k1.Point.CURVE().n;
    const highS = concatBytes(new secp256k1.Signature(sig.r, n - sig.s).toBytes('der'), der.subarray(-1));
    const malleated = decodeTransaction(signed.extract()).tx;
    malleated.inputs[0]!.witness = [highS, witness[1]!];
    const raw = encodeTransaction(malleated);
    assert.deepEqual(
      send(canister, raw),
      nodeReject({
        txid: txidHex(malleated),
        reason: 'non-mandatory-script-verify-flag (Non-canonical signature: S value is unnecessarily high)',
        details: 'input 0 spends a p2wpkh output',
        raw,
      }),
    );
    // The same signature with low S is the valid one.
    assert.equal(send(canister, signed.extract()).kind, 'reply');

    const trCoin = fundAndMine(chain, bob.p2tr.address!, 70_000n);
    const trTx = signP2tr({ key: bob, inputs: [trCoin], outputs: [{ address: alice.p2wpkh.address!, amount: 69_000n }] });
    const schnorrSig = Uint8Array.from(trTx.getInput(0).finalScriptWitness![0]!);
    schnorrSig[10] ^= 0x01;
    const corrupted = decodeTransaction(trTx.extract()).tx;
    corrupted.inputs[0]!.witness = [schnorrSig];
    const rawTr = encodeTransaction(corrupted);
    assert.deepEqual(
      send(canister, rawTr),
      nodeReject({
        txid: txidHex(corrupted),
        reason: 'mandatory-script-verify-flag-failed (Invalid Schnorr signature)',
        details: 'input 0 spends a p2tr output',
        raw: rawTr,
      }),
    );
  });

  test('double spends: against the mempool, then against the chain', () => {
    const { chain, canister } = setup();
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const first = signP2wpkh({ key: alice, inputs: [coin], outputs: [{ address: bob.p2wpkh.address!, amount: 90_000n }] });
    const second = signP2wpkh({ key: alice, inputs: [coin], outputs: [{ address: carol.p2wpkh.address!, amount: 95_000n }] });
    assert.equal(send(canister, first.extract()).kind, 'reply');
    const raw = second.extract();
    assert.deepEqual(
      send(canister, raw),
      nodeReject({
        txid: second.id,
        reason: 'txn-mempool-conflict',
        details: `input 0 spends ${coin.txid}:0, already spent by mempool transaction ${first.id}`,
        raw,
      }),
    );
    chain.mine({ blocks: 1 });
    assert.deepEqual(
      send(canister, raw),
      nodeReject({
        txid: second.id,
        reason: 'bad-txns-inputs-missingorspent',
        details: `input 0 spends ${coin.txid}:0, which is not in the UTXO set or the mempool`,
        raw,
      }),
    );
    assert.deepEqual(
      send(canister, first.extract()),
      nodeReject({ txid: first.id, reason: 'txn-already-known', details: `${first.id} is already in block 2`, raw: first.extract() }),
    );
  });

  test('an unknown input, an overspend, dust and a zero fee', () => {
    const { chain, canister } = setup();
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const ghost = { txid: '11'.repeat(32), vout: 3, amount: 100_000n };
    const unknown = signP2wpkh({ key: alice, inputs: [ghost], outputs: [{ address: bob.p2wpkh.address!, amount: 90_000n }] });
    assert.deepEqual(
      send(canister, unknown.extract()),
      nodeReject({
        txid: unknown.id,
        reason: 'bad-txns-inputs-missingorspent',
        details: `input 0 spends ${'11'.repeat(32)}:3, which is not in the UTXO set or the mempool`,
        raw: unknown.extract(),
      }),
    );
    // Signed as if the coin held more than it does: outputs exceed the input.
    const over = signP2wpkh({
      key: alice,
      inputs: [{ ...coin, amount: 200_000n }],
      outputs: [{ address: bob.p2wpkh.address!, amount: 150_000n }],
    });
    assert.deepEqual(
      send(canister, over.extract()),
      nodeReject({
        txid: over.id,
        reason: 'bad-txns-in-belowout',
        details: 'value in (100000 sat) < value out (150000 sat)',
        raw: over.extract(),
      }),
    );
    const dust = signP2wpkh({
      key: alice,
      inputs: [coin],
      outputs: [
        { address: bob.p2wpkh.address!, amount: 293n },
        { address: alice.p2wpkh.address!, amount: 98_000n },
      ],
    });
    assert.deepEqual(
      send(canister, dust.extract()),
      nodeReject({
        txid: dust.id,
        reason: 'dust',
        details: 'output 0 of 293 sat is below the dust threshold of 294 sat',
        raw: dust.extract(),
      }),
    );
    const free = signP2wpkh({ key: alice, inputs: [coin], outputs: [{ address: bob.p2wpkh.address!, amount: 100_000n }] });
    assert.deepEqual(
      send(canister, free.extract()),
      nodeReject({ txid: free.id, reason: 'min relay fee not met', details: '0 < 110 (fee in sat for 110 vbytes)', raw: free.extract() }),
    );
    assert.deepEqual(chain.mempoolTxids(), []);
  });

  test('malformed bytes: the canister’s own MalformedTransaction, cycles kept', () => {
    const { canister } = setup();
    const raw = Uint8Array.of(0x02, 0x00, 0x00);
    assert.deepEqual(send(canister, raw), {
      kind: 'reject',
      code: 4,
      message: 'send_transaction failed: MalformedTransaction',
      cyclesCharged: 2_024_000_000n,
    });
    // rust-bitcoin reads an empty input list as the segwit marker; flag 0 is not a transaction.
    const empty = hexToBytes('02000000000000000000');
    assert.equal((send(canister, empty) as { message: string }).message, 'send_transaction failed: MalformedTransaction');
  });

  test('trailing bytes pass the canister but not the node', () => {
    const { chain, canister } = setup();
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const tx = signP2wpkh({ key: alice, inputs: [coin], outputs: [{ address: bob.p2wpkh.address!, amount: 99_000n }] });
    const raw = concatBytes(tx.extract(), Uint8Array.of(0xde, 0xad));
    assert.deepEqual(
      send(canister, raw),
      nodeReject({ txid: tx.id, reason: 'TX decode failed', details: '2 bytes follow the transaction', raw }),
    );
  });

  test('too few cycles: a trap naming the amount, nothing charged, nothing sent', () => {
    const { chain, canister } = setup();
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const tx = signP2wpkh({ key: alice, inputs: [coin], outputs: [{ address: bob.p2wpkh.address!, amount: 99_000n }] });
    const raw = tx.extract();
    const required = 2_000_000_000n + 8_000_000n * BigInt(raw.length);
    assert.deepEqual(send(canister, raw, required - 1n), {
      kind: 'reject',
      code: 5,
      message: `Error from Canister g4xu7-jiaaa-aaaan-aaaaq-cai: Canister called \`ic0.trap\` with message: 'Panicked at 'Received ${required - 1n} cycles. ${required} cycles are required.', canister/src/lib.rs:326:9'.`,
      cyclesCharged: 0n,
    });
    assert.equal(required, 3_536_000_000n);
    assert.deepEqual(chain.mempoolTxids(), []);
  });

  test('the chain API throws typed errors', () => {
    const { chain } = setup();
    assert.throws(() => chain.sendRawTransaction(hexToBytes('0100')), { name: 'MalformedTransactionError' });
    const coin = fundAndMine(chain, alice.p2wpkh.address!, 100_000n);
    const tx = signP2wpkh({
      key: alice,
      inputs: [{ ...coin, amount: 100_002n }],
      outputs: [{ address: bob.p2wpkh.address!, amount: 100_001n }],
    });
    assert.throws(
      () => chain.sendRawTransaction(tx.extract()),
      (e: unknown) => e instanceof TransactionRejectedError && e.reason === 'bad-txns-in-belowout' && e.txid === tx.id,
    );
  });
});
