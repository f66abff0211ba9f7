// The regtest chain's data structures, checked against bitcoinjs-lib (an independent
// implementation): transaction encoding and ids, block headers, merkle roots, the witness
// commitment, proof of work, coinbases, and the decoder rules the Bitcoin canister applies.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as bitcoinjs from 'bitcoinjs-lib';
import { readFileSync } from 'node:fs';
import { blockSubsidy, MAX_MONEY, regtestGenesis } from './block.ts';
import { bytesToHex, hexToBytes, toDisplayHex } from './bytes.ts';
import { DEVNET_MINER_ADDRESS, FAUCET_TXID, RegtestChain } from './chain.ts';
import { MalformedTransactionError } from './errors.ts';
import { dustThreshold } from './policy.ts';
import { addressToScript } from './address.ts';
import { decodeTransaction, encodeTransaction } from './transaction.ts';
import { FIXED_NOW_NS, testKey } from './testing.ts';

const bip143 = JSON.parse(readFileSync(new URL('../../../../test/vectors/btc/bip143.json', import.meta.url), 'utf8')).nativeP2wpkh;

describe('transactions', () => {
  test('decode, re-encode, txid, wtxid, weight and vsize agree with bitcoinjs-lib', () => {
    const raw = hexToBytes(bip143.signedTx);
    const d = decodeTransaction(raw);
    const theirs = bitcoinjs.Transaction.fromHex(bip143.signedTx);
    assert.equal(bytesToHex(encodeTransaction(d.tx)), bip143.signedTx);
    assert.equal(toDisplayHex(d.txid), theirs.getId());
    assert.equal(toDisplayHex(d.txid), 'e8151a2af31c368a35053ddd4bdb285a8595c769a3ad83e0fa02314a602d4609');
    assert.equal(toDisplayHex(d.wtxid), bytesToHex(Uint8Array.from(theirs.getHash(true)).reverse()));
    assert.deepEqual(
      [d.weight, d.vsize, d.baseSize, d.totalSize],
      [theirs.weight(), theirs.virtualSize(), theirs.byteLength(false), theirs.byteLength()],
    );
    assert.deepEqual([d.weight, d.vsize], [1_042, 261]);
    assert.equal(d.trailingBytes, 0);
  });

  test('the canister’s decoder rules (rust-bitcoin consensus_decode)', () => {
    const malformed = (hex: string, details: string) =>
      assert.throws(
        () => decodeTransaction(hexToBytes(hex)),
        (e: unknown) => e instanceof MalformedTransactionError && e.details === details,
      );
    // An empty input list is read as the segwit marker: flag 0 is unsupported.
    malformed('02000000000000000000', 'unsupported segwit flag 0');
    // Segwit flag with only empty witnesses.
    const noWitness = bytesToHex(encodeTransaction({ ...decodeTransaction(hexToBytes(bip143.unsignedTx)).tx }));
    malformed(
      noWitness.replace(/^01000000/, '010000000001').replace(/11000000$/, '000011000000'),
      'witness flag set but no witnesses present',
    );
    // CompactSize 2 written in three bytes.
    malformed('01000000fd0200', 'non-minimal CompactSize 2 at offset 4');
    malformed('0100000001', 'unexpected end of data: wanted 32 bytes at offset 5, 0 left');
    // Trailing bytes are ignored by the decoder (the node refuses them later).
    assert.equal(decodeTransaction(hexToBytes(bip143.unsignedTx + 'beef')).trailingBytes, 2);
  });

  test('dust thresholds at 3 sat/vB', () => {
    const key = testKey('01');
    const threshold = (script: Uint8Array) => dustThreshold({ value: 0n, script });
    assert.deepEqual(
      [
        key.p2pkh.script,
        key.p2wpkh.script,
        key.p2tr.script,
        addressToScript({ address: DEVNET_MINER_ADDRESS, network: 'regtest' }),
        Uint8Array.of(0x6a, 0x01, 0x00),
      ].map(threshold),
      [546n, 294n, 330n, 330n, 0n],
    );
  });
});

describe('blocks', () => {
  test('regtest genesis', () => {
    const g = regtestGenesis();
    assert.equal(toDisplayHex(g.hash), '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206');
    assert.equal(toDisplayHex(g.header.merkleRoot), '4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b');
    const chain = new RegtestChain();
    assert.equal(chain.tipHeight(), 0);
    assert.equal(toDisplayHex(chain.tip().hash), '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206');
    assert.equal(
      bitcoinjs.Block.fromBuffer(chain.rawBlock(0)!).getId(),
      '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
    );
  });

  test('mined blocks are valid Bitcoin blocks: merkle root, witness commitment, proof of work, linkage', () => {
    const chain = new RegtestChain({ now: () => FIXED_NOW_NS });
    const alice = testKey('01');
    chain.fund({ address: alice.p2wpkh.address!, amountSats: 10_000n });
    chain.fund({ address: alice.p2tr.address!, amountSats: 20_000n });
    chain.fund({ address: alice.p2pkh.address!, amountSats: 30_000n });
    const { hashes } = chain.mine({ blocks: 3, coinbaseAddress: alice.p2wpkh.address! });
    assert.deepEqual(hashes, [
      '7bb797ad18c9f48f50337ea22a651e6c666691b8708e0c22e8cea6362384a538',
      '1f8f650c49218ad2d5367300f0cf9b98539802a9c38f8b6999dd6ee7be71c89c',
      '40d542d40749607869e2b9f5be03f2be939da884c05349b2ff9f5dabebe41a72',
    ]);
    for (let h = 1; h <= 3; h++) {
      const block = bitcoinjs.Block.fromBuffer(chain.rawBlock(h)!);
      assert.equal(block.getId(), hashes[h - 1]);
      assert.equal(block.checkTxRoots(), true);
      assert.equal(block.checkProofOfWork(), true);
      assert.equal(block.hasWitnessCommit(), true);
      assert.equal(bytesToHex(Uint8Array.from(block.prevHash!).reverse()), toDisplayHex(chain.block(h - 1)!.hash));
      assert.equal(block.bits, 0x207fffff);
    }
    // Times come from the injected clock, raised above the median time past of the last 11 blocks
    // when the clock stands still (BIP113): MTP(0, 1) = block 1's time, MTP(0, 1, 2) = block 1's.
    assert.deepEqual(
      [1, 2, 3].map((h) => chain.block(h)!.header.time),
      [1_700_000_000, 1_700_000_001, 1_700_000_001],
    );
    const first = bitcoinjs.Block.fromBuffer(chain.rawBlock(1)!);
    assert.equal(first.transactions!.length, 4);
    // BIP34: the coinbase starts with the height (OP_1 for height 1).
    assert.equal(bytesToHex(first.transactions![0]!.ins[0]!.script), '5100');
    assert.equal(first.transactions![0]!.outs[0]!.value, 5_000_000_000n);
    // Faucet transactions spend the virtual faucet outputs 0, 1, 2.
    assert.deepEqual(
      first.transactions!.slice(1).map((t) => [bytesToHex(t.ins[0]!.hash), t.ins[0]!.index]),
      [0, 1, 2].map((i) => [bytesToHex(FAUCET_TXID), i]),
    );
  });

  test('subsidy halves every 150 blocks; amounts are bounded by 21M BTC', () => {
    assert.deepEqual([0, 149, 150, 299, 300, 150 * 64].map(blockSubsidy), [
      5_000_000_000n,
      5_000_000_000n,
      2_500_000_000n,
      2_500_000_000n,
      1_250_000_000n,
      0n,
    ]);
    assert.equal(MAX_MONEY, 2_100_000_000_000_000n);
  });
});

describe('admin operations validate their input', () => {
  const chain = new RegtestChain();
  test('fund', () => {
    assert.throws(() => chain.fund({ address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080', amountSats: 0n }), {
      name: 'InvalidAdminArgumentError',
      message: 'Invalid argument: "amountSats" must be a bigint from 1 to 2100000000000000, got 0',
    });
    assert.throws(() => chain.fund({ address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', amountSats: 1n }), {
      name: 'InvalidAddressError',
    });
  });
  test('mine and getTransaction', () => {
    assert.throws(() => chain.mine({ blocks: 0 }), { message: 'Invalid argument: "blocks" must be an integer from 1 to 10000, got 0' });
    assert.throws(() => chain.mine({ blocks: 1.5 }), { message: 'Invalid argument: "blocks" must be an integer from 1 to 10000, got 1.5' });
    assert.throws(() => chain.getTransaction('xyz'), { message: 'Invalid argument: "txid" must be 64 hex characters, got "xyz"' });
    assert.equal(chain.getTransaction('00'.repeat(32)), null);
    assert.throws(() => new RegtestChain({ coinbaseMaturity: -1 }), { name: 'InvalidAdminArgumentError' });
  });
});
