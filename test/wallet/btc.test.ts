/**
 * The wallet's Bitcoin endpoints on the devnet's regtest chain, through @dfinity/pic: sends from
 * P2WPKH and P2TR addresses end to end (funded through the devnet's admin routes, mined, balances
 * checked after), every witness verified with bitcoinjs-lib and @bitcoinerlab/secp256k1, 20 sends
 * in flight that never spend one coin twice, sign-only transactions the chain accepts, and bad
 * requests refused with typed errors before anything is signed. Devnet-only (admin routes).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { createBitcoinAdminClient, type BitcoinAdminClient } from '../../devnet/src/services/bitcoin/index.ts';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import { ALICE, BOB, identity, installWallet, ok, OPERATOR, walletBuild, type WalletActor } from '../support/wallet.ts';
import { walletIdlFactory, type Addresses, type PublicKeys, type WalletService } from '../../src/lib/wallet-candid.ts';
import type { Principal } from '@icp-sdk/core/principal';

bitcoin.initEccLib(ecc);
const REGTEST = bitcoin.networks.regtest;

let server: PocketIcServer;
let pic: PocketIc;
let admin: BitcoinAdminClient;
let actor: WalletActor;
let canisterId: Principal;

before(async () => {
  if (!onDevnet) return;
  walletBuild();
  ({ server, pic } = await startInstance());
  const instanceId = (pic as unknown as { client: { instanceId: number } }).client.instanceId;
  admin = createBitcoinAdminClient({ baseUrl: `${server.getUrl()}/instances/${instanceId}` });
  ({ actor, canisterId } = await installWallet({ pic }));
});
after(() => stopInstance({ server, pic }));

/** The caller's addresses and keys. */
async function whoami(who: ReturnType<typeof identity>): Promise<{ addresses: Addresses; keys: PublicKeys }> {
  actor.setIdentity(who);
  return { addresses: ok(await actor.addresses()), keys: ok(await actor.public_keys()) };
}

/**
 * Checks every input's witness of `hex` with bitcoinjs-lib's sighashes and @bitcoinerlab/secp256k1
 * (BIP143 + low-S ECDSA for P2WPKH, BIP341 + BIP340 for P2TR against the output key bitcoinjs-lib
 * derives from the internal key). `prevouts` are the spent outputs, in input order.
 */
function verifyWitnesses({
  hex,
  prevouts,
  keys,
}: {
  hex: string;
  prevouts: { script: Uint8Array; value: bigint }[];
  keys: PublicKeys;
}): bitcoin.Transaction {
  const tx = bitcoin.Transaction.fromHex(hex);
  const ecdsaKey = Uint8Array.from(keys.btc_ecdsa.public_key);
  const internalKey = Uint8Array.from(keys.btc_bip340.public_key).subarray(1);
  const taproot = bitcoin.payments.p2tr({ internalPubkey: internalKey, network: REGTEST });
  tx.ins.forEach((input, index) => {
    const { script, value } = prevouts[index];
    if (script[0] === 0x51) {
      assert.deepEqual(script, taproot.output, `input ${index} pays to the caller's P2TR address`);
      assert.equal(input.witness.length, 1);
      const hash = tx.hashForWitnessV1(
        index,
        prevouts.map((p) => p.script),
        prevouts.map((p) => p.value),
        bitcoin.Transaction.SIGHASH_DEFAULT,
      );
      assert.ok(ecc.verifySchnorr(hash, taproot.pubkey!, input.witness[0]), `input ${index}: BIP340 signature`);
    } else {
      assert.deepEqual(script, bitcoin.payments.p2wpkh({ pubkey: ecdsaKey }).output, `input ${index} pays to the caller's P2WPKH address`);
      assert.equal(input.witness.length, 2);
      assert.deepEqual(input.witness[1], ecdsaKey);
      const { signature, hashType } = bitcoin.script.signature.decode(input.witness[0]);
      assert.equal(hashType, bitcoin.Transaction.SIGHASH_ALL);
      const scriptCode = bitcoin.payments.p2pkh({ pubkey: ecdsaKey }).output!;
      const hash = tx.hashForWitnessV0(index, scriptCode, value, bitcoin.Transaction.SIGHASH_ALL);
      assert.ok(ecc.verify(hash, ecdsaKey, signature, true), `input ${index}: low-S ECDSA signature`);
    }
  });
  return tx;
}

const scriptOf = (address: string) => bitcoin.address.toOutputScript(address, REGTEST);
const outpoint = (input: bitcoin.TxInput) => `${Buffer.from(input.hash).reverse().toString('hex')}:${input.index}`;

describe('btc_send', { skip: !onDevnet }, () => {
  test('P2WPKH: funded, sent, mined; witnesses verify and both balances change by exactly the amounts', async () => {
    const alice = await whoami(ALICE);
    const bob = await whoami(BOB);
    const funding = await admin.fund({ address: alice.addresses.btc_p2wpkh, amountSats: 100_000n });
    await admin.mine({ blocks: 1 });
    actor.setIdentity(ALICE);
    assert.deepEqual(await actor.btc_balance({ address_type: { p2wpkh: null }, min_confirmations: [] }), { Ok: 100_000n });

    const sent = ok(
      await actor.btc_send({
        to: bob.addresses.btc_p2wpkh,
        amount_sats: 30_000n,
        address_type: { p2wpkh: null },
        fee_rate_msat_per_vb: [2_000n],
      }),
    );
    const tx = verifyWitnesses({
      hex: sent.raw_transaction,
      prevouts: [{ script: scriptOf(alice.addresses.btc_p2wpkh), value: 100_000n }],
      keys: alice.keys,
    });
    assert.equal(tx.getId(), sent.txid);
    assert.deepEqual(tx.ins.map(outpoint), [`${funding.txid}:${funding.vout}`]);
    // One payment, then the change back to the sender; 1 input + 2 P2WPKH outputs = 141 vbytes at 2 sat/vB.
    assert.deepEqual(
      tx.outs.map((out) => [bitcoin.address.fromOutputScript(out.script, REGTEST), out.value]),
      [
        [bob.addresses.btc_p2wpkh, 30_000n],
        [alice.addresses.btc_p2wpkh, 100_000n - 30_000n - 282n],
      ],
    );
    assert.equal(sent.fee_sats, 282n);
    assert.equal(tx.virtualSize(), 141);

    await admin.mine({ blocks: 1 });
    assert.equal((await admin.getTransaction(sent.txid))?.confirmations, 1);
    assert.deepEqual(await actor.btc_balance({ address_type: { p2wpkh: null }, min_confirmations: [] }), { Ok: 100_000n - 30_000n - 282n });
    actor.setIdentity(BOB);
    assert.deepEqual(await actor.btc_balance({ address_type: { p2wpkh: null }, min_confirmations: [1] }), { Ok: 30_000n });

    // History: pending when read without the chain, confirmed once refreshed from it.
    actor.setIdentity(ALICE);
    const stored = ok(await actor.transactions_query({ start: 0n, limit: 10 }));
    assert.equal(stored.total, 1n);
    assert.deepEqual(
      stored.transactions.map(({ chain, network, asset, to, amount, fee, txid, status }) => ({
        chain,
        network,
        asset,
        to,
        amount,
        fee,
        txid,
        status,
      })),
      [
        {
          chain: { btc: null },
          network: 'regtest',
          asset: 'BTC',
          to: bob.addresses.btc_p2wpkh,
          amount: 30_000n,
          fee: 282n,
          txid: sent.txid,
          status: { pending: null },
        },
      ],
    );
    const refreshed = ok(await actor.transactions({ start: 0n, limit: 10 }));
    assert.deepEqual(refreshed.transactions[0].status, { confirmed: null });
  });

  test('P2TR: a BIP86 key-path spend signed with the BIP341 tweak verifies and confirms', async () => {
    const carol = identity(3);
    const me = await whoami(carol);
    const bob = await whoami(BOB);
    await admin.fund({ address: me.addresses.btc_p2tr, amountSats: 50_000n });
    await admin.fund({ address: me.addresses.btc_p2tr, amountSats: 40_000n });
    await admin.mine({ blocks: 1 });
    actor.setIdentity(carol);
    assert.deepEqual(await actor.btc_balance({ address_type: { p2tr: null }, min_confirmations: [] }), { Ok: 90_000n });
    const sent = ok(
      await actor.btc_send({
        to: bob.addresses.btc_p2tr,
        amount_sats: 70_000n,
        address_type: { p2tr: null },
        fee_rate_msat_per_vb: [1_000n],
      }),
    );
    const prevouts = (tx: bitcoin.Transaction) => tx.ins.map(() => ({ script: scriptOf(me.addresses.btc_p2tr), value: 0n }));
    const decoded = bitcoin.Transaction.fromHex(sent.raw_transaction);
    // Both coins are needed (largest first: 50,000 then 40,000); their values come from the chain.
    const values = await Promise.all(
      decoded.ins.map(async (input) => {
        const funding = await admin.getTransaction(Buffer.from(input.hash).reverse().toString('hex'));
        return bitcoin.Transaction.fromHex(funding!.hex).outs[input.index].value;
      }),
    );
    assert.deepEqual(values, [50_000n, 40_000n]);
    verifyWitnesses({ hex: sent.raw_transaction, prevouts: prevouts(decoded).map((p, i) => ({ ...p, value: values[i] })), keys: me.keys });
    await admin.mine({ blocks: 1 });
    assert.deepEqual(await actor.btc_balance({ address_type: { p2tr: null }, min_confirmations: [] }), {
      Ok: 90_000n - 70_000n - sent.fee_sats,
    });
    actor.setIdentity(BOB);
    assert.deepEqual(await actor.btc_balance({ address_type: { p2tr: null }, min_confirmations: [] }), { Ok: 70_000n });
  });

  test('20 sends in flight for one user spend 20 different coins; the 21st finds every coin reserved', async () => {
    const dave = identity(4);
    const me = await whoami(dave);
    const bob = await whoami(BOB);
    actor.setIdentity(BOB);
    const bobBefore = ok(await actor.btc_balance({ address_type: { p2wpkh: null }, min_confirmations: [] }));
    for (let i = 0; i < 20; i++) await admin.fund({ address: me.addresses.btc_p2wpkh, amountSats: 20_000n });
    await admin.mine({ blocks: 1 });

    const deferred = pic.createDeferredActor<WalletService>(walletIdlFactory, canisterId);
    deferred.setIdentity(dave);
    const request = {
      to: bob.addresses.btc_p2wpkh,
      amount_sats: 10_000n,
      address_type: { p2wpkh: null },
      fee_rate_msat_per_vb: [1_000n] as [bigint],
    };
    const pending = [];
    for (let i = 0; i < 20; i++) pending.push(await deferred.btc_send(request));
    const results = await Promise.all(pending.map((finish) => finish()));
    const sends = results.map((result) => ok(result));
    const inputs = sends.flatMap((sent) => bitcoin.Transaction.fromHex(sent.raw_transaction).ins.map(outpoint));
    assert.equal(inputs.length, 20);
    assert.equal(new Set(inputs).size, 20, 'no coin is spent twice');
    assert.equal(new Set(sends.map((sent) => sent.txid)).size, 20);

    actor.setIdentity(dave);
    const more = await actor.btc_send(request);
    assert.deepEqual(more, { Err: { FundsReservedByPendingSends: { pending_sends: 20, available_sats: 0n, reserved_sats: 400_000n } } });

    // An upgrade between sends keeps the keys, the reservations, the history and the log.
    const logBefore = (await actor.status()).audit_length;
    const addressesBefore = await actor.cached_addresses();
    await pic.upgradeCanister({ canisterId, wasm: walletBuild().wasm, sender: OPERATOR.getPrincipal() });
    assert.deepEqual(await actor.cached_addresses(), addressesBefore);
    assert.equal((await actor.status()).audit_length, logBefore);
    assert.deepEqual(await actor.btc_send(request), more);
    const history = ok(await actor.transactions_query({ start: 0n, limit: 50 }));
    assert.equal(history.total, 20n);
    assert.deepEqual(new Set(history.transactions.map((tx) => tx.txid)), new Set(sends.map((sent) => sent.txid)));

    await admin.mine({ blocks: 1 });
    for (const sent of sends) assert.equal((await admin.getTransaction(sent.txid))?.confirmations, 1);
    actor.setIdentity(BOB);
    assert.deepEqual(await actor.btc_balance({ address_type: { p2wpkh: null }, min_confirmations: [] }), { Ok: bobBefore + 200_000n });
    // Once the spends are mined, the reservations end and the change is spendable.
    actor.setIdentity(dave);
    ok(await actor.btc_send(request));
  });

  test('bad requests are typed errors and sign nothing', async () => {
    actor.setIdentity(ALICE);
    const before = (await actor.status()).audit_length;
    const send = (fields: Partial<Parameters<WalletActor['btc_send']>[0]>) =>
      actor.btc_send({
        to: 'bcrt1qz2z4r9sr49087dyuwvvu8guueww2e4pc2njwf0',
        amount_sats: 1_000n,
        address_type: { p2wpkh: null },
        fee_rate_msat_per_vb: [],
        ...fields,
      });
    const mainnet = 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq';
    assert.deepEqual(await send({ to: mainnet }), {
      Err: { WrongNetwork: { field: 'to', address: mainnet, expected: 'regtest', actual: 'mainnet' } },
    });
    const garbage = await send({ to: 'bcrt1qnotanaddress' });
    assert.ok('Err' in garbage && 'InvalidAddress' in garbage.Err && garbage.Err.InvalidAddress.field === 'to', JSON.stringify(garbage));
    assert.deepEqual(await send({ amount_sats: 0n }), {
      Err: { InvalidAmount: { field: 'amount_sats', message: 'a payment of 0 satoshis' } },
    });
    const dust = await send({ amount_sats: 100n });
    assert.ok('Err' in dust && 'InvalidAmount' in dust.Err, JSON.stringify(dust));
    const overflow = await send({ amount_sats: 2_100_000_000_000_001n });
    assert.ok(
      'Err' in overflow && 'InvalidAmount' in overflow.Err && overflow.Err.InvalidAmount.field === 'amount_sats',
      JSON.stringify(overflow, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)),
    );
    const poor = await actor.btc_send({
      to: 'bcrt1qz2z4r9sr49087dyuwvvu8guueww2e4pc2njwf0',
      amount_sats: 10_000_000n,
      address_type: { p2tr: null },
      fee_rate_msat_per_vb: [],
    });
    // Required: the amount plus the fee of the smallest transaction paying it (42 vbytes at the median rate).
    assert.deepEqual(poor, { Err: { InsufficientFunds: { required_sats: 10_000_042n, available_sats: 0n } } });
    assert.equal((await actor.status()).audit_length, before, 'nothing was signed');
  });
});

describe('btc_sign_transaction', { skip: !onDevnet }, () => {
  test('signs the caller-chosen coins and outputs; the change returns to the caller; the chain accepts it', async () => {
    const erin = identity(5);
    const me = await whoami(erin);
    const bob = await whoami(BOB);
    const funding = await admin.fund({ address: me.addresses.btc_p2wpkh, amountSats: 60_000n });
    await admin.mine({ blocks: 1 });
    actor.setIdentity(erin);
    const signed = ok(
      await actor.btc_sign_transaction({
        utxos: [{ txid: funding.txid, vout: funding.vout, value_sats: 60_000n }],
        outputs: [{ address: bob.addresses.btc_p2tr, amount_sats: 25_000n }],
        fee_sats: 500n,
        address_type: { p2wpkh: null },
      }),
    );
    const tx = verifyWitnesses({
      hex: signed.raw_transaction,
      prevouts: [{ script: scriptOf(me.addresses.btc_p2wpkh), value: 60_000n }],
      keys: me.keys,
    });
    assert.equal(tx.getId(), signed.txid);
    assert.equal(tx.virtualSize(), signed.vsize);
    assert.deepEqual(
      tx.outs.map((out) => [bitcoin.address.fromOutputScript(out.script, REGTEST), out.value]),
      [
        [bob.addresses.btc_p2tr, 25_000n],
        [me.addresses.btc_p2wpkh, 34_500n],
      ],
    );
    // The devnet's Bitcoin node checks every signature and the fee before it relays.
    const relayed = await admin.sendRawTransaction(signed.raw_transaction);
    assert.deepEqual({ txid: relayed.txid, fee: relayed.fee }, { txid: signed.txid, fee: 500n });
  });

  test('refuses outputs that cannot be paid, duplicate inputs and malformed txids, signing nothing', async () => {
    actor.setIdentity(ALICE);
    const before = (await actor.status()).audit_length;
    const utxo = { txid: 'ab'.repeat(32), vout: 0, value_sats: 10_000n };
    const base = {
      utxos: [utxo],
      outputs: [{ address: 'bcrt1qz2z4r9sr49087dyuwvvu8guueww2e4pc2njwf0', amount_sats: 5_000n }],
      fee_sats: 200n,
      address_type: { p2wpkh: null },
    };
    assert.deepEqual(await actor.btc_sign_transaction({ ...base, fee_sats: 6_000n }), {
      Err: { InsufficientFunds: { required_sats: 11_000n, available_sats: 10_000n } },
    });
    assert.deepEqual(await actor.btc_sign_transaction({ ...base, utxos: [utxo, utxo] }), {
      Err: { InvalidRequest: { field: 'utxos[1]', error: 'DuplicateInput', message: `${utxo.txid}:0 is listed twice` } },
    });
    assert.deepEqual(await actor.btc_sign_transaction({ ...base, utxos: [{ ...utxo, txid: 'XYZ' }] }), {
      Err: { InvalidRequest: { field: 'utxos[0].txid', error: 'InvalidTxid', message: 'expected 64 lowercase hex characters, got "XYZ"' } },
    });
    const many = Array.from({ length: 101 }, (_, vout) => ({ ...utxo, vout }));
    assert.deepEqual(await actor.btc_sign_transaction({ ...base, utxos: many }), {
      Err: { InvalidRequest: { field: 'utxos', error: 'TooManyInputs', message: 'at most 100 UTXOs, got 101' } },
    });
    assert.deepEqual(await actor.btc_sign_transaction({ ...base, outputs: [] }), {
      Err: { InvalidRequest: { field: 'outputs', error: 'NoOutputs', message: 'at least one output' } },
    });
    assert.equal((await actor.status()).audit_length, before);
  });
});
