/**
 * Differential fuzzing of src/chains/btc against bitcoinjs-lib 7 with @bitcoinerlab/secp256k1
 * (issue 11): valid inputs made by bitcoinjs-lib, their mutations, and hostile values. Every
 * exported function either gives bitcoinjs-lib's result or refuses with a BtcError (or the
 * shared InvalidArgumentError), never an untyped error, and never a result bitcoinjs-lib
 * refuses. Signatures are made with @noble/curves (standing in for the IC) and verified with
 * @bitcoinerlab/secp256k1 over bitcoinjs-lib's own sighashes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import fc from 'fast-check';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import { hex } from '@scure/base';
import * as btc from '../../src/chains/btc/index.ts';
import {
  agrees,
  bothAccept,
  hostile,
  mutateBytes,
  mutateField,
  mutateString,
  ours,
  params,
  reference,
  refused,
  seeds,
  toHex,
} from './support.ts';

bitcoin.initEccLib(ecc);

const NETWORKS = ['mainnet', 'testnet', 'regtest'] as const;
const BITCOINJS: Record<btc.BitcoinNetwork, bitcoin.Network> = {
  mainnet: bitcoin.networks.bitcoin,
  testnet: bitcoin.networks.testnet,
  regtest: bitcoin.networks.regtest,
};

const network = fc.constantFrom(...NETWORKS);
/** 48 key pairs with their P2TR outputs, derived once (see `seeds`); bitcoinjs-lib's taproot tweak is slow. */
const KEYS = seeds(48).map((s) => {
  const publicKey = ecc.pointFromScalar(s, true)!;
  const tr = Object.fromEntries(
    NETWORKS.map((net) => [net, bitcoin.payments.p2tr({ internalPubkey: publicKey.slice(1), network: BITCOINJS[net] })]),
  );
  return { secret: s, publicKey, tr: tr as Record<btc.BitcoinNetwork, bitcoin.Payment> };
});
const key = fc.constantFrom(...KEYS);
/** 33 bytes: valid keys, their mutations, and random bytes with a 0x02/0x03 prefix (about half on the curve). */
const anyKey = fc.oneof(
  key.map((k) => k.publicKey),
  key.chain((k) => mutateBytes(k.publicKey)),
  fc.tuple(fc.constantFrom(2, 3, 4, 0), fc.uint8Array({ minLength: 32, maxLength: 32 })).map(([prefix, x]) => Uint8Array.of(prefix, ...x)),
);
const hash20 = fc.uint8Array({ minLength: 20, maxLength: 20 });
const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

/** An address of any standard type made by bitcoinjs-lib, with the network it belongs to. */
const validAddress = fc
  .record({ network, type: fc.constantFrom('p2pkh', 'p2sh', 'p2wpkh', 'p2wsh', 'p2tr'), h20: hash20, h32: hash32, k: key })
  .map(({ network: net, type, h20, h32, k }) => {
    const n = BITCOINJS[net];
    const payment =
      type === 'p2pkh'
        ? bitcoin.payments.p2pkh({ hash: h20, network: n })
        : type === 'p2sh'
          ? bitcoin.payments.p2sh({ hash: h20, network: n })
          : type === 'p2wpkh'
            ? bitcoin.payments.p2wpkh({ hash: h20, network: n })
            : type === 'p2wsh'
              ? bitcoin.payments.p2wsh({ hash: h32, network: n })
              : k.tr[net];
    return { network: net, type, address: payment.address! };
  });

function isBase58Test(address: string): boolean {
  return !/^(bc|tb|bcrt)1/i.test(address);
}

describe('btc differential fuzz: addresses', () => {
  test('p2wpkhAddress and p2trAddress equal bitcoinjs-lib for its keys, agree on mutated keys, refuse hostile values typed', () => {
    fc.assert(
      fc.property(network, anyKey, (net, publicKey) => {
        const n = BITCOINJS[net];
        const valid = ecc.isPoint(publicKey) && (publicKey[0] === 2 || publicKey[0] === 3);
        const wpkh = ours(() => btc.p2wpkhAddress({ publicKey, network: net }));
        const tr = ours(() => btc.p2trAddress({ publicKey, network: net }));
        const theirsWpkh = reference(() => bitcoin.payments.p2wpkh({ pubkey: publicKey, network: n }).address!);
        const theirsTr = reference(() => bitcoin.payments.p2tr({ internalPubkey: publicKey.slice(1), network: n }).address!);
        if (valid) {
          bothAccept(wpkh, theirsWpkh, (a, b) => assert.equal(a, b));
          bothAccept(tr, theirsTr, (a, b) => assert.equal(a, b));
        } else {
          refused(wpkh, btc.InvalidPublicKeyError);
          refused(tr, btc.InvalidPublicKeyError);
        }
      }),
      params(150),
    );
    fc.assert(
      fc.property(hostile, hostile, (publicKey, net) => {
        ours(() => btc.p2wpkhAddress({ publicKey, network: net } as never));
        ours(() => btc.p2trAddress({ publicKey, network: net } as never));
        ours(() => btc.p2wpkhAddress(publicKey as never));
        ours(() => btc.p2trAddress(publicKey as never));
        refused(
          ours(() => btc.taprootOutputKey(publicKey as never)),
          btc.InvalidPublicKeyError,
        );
        refused(
          ours(() => btc.assertCompressedPublicKey(publicKey)),
          btc.InvalidPublicKeyError,
        );
        if (!(typeof net === 'string' && (NETWORKS as readonly string[]).includes(net))) {
          refused(
            ours(() => btc.assertNetwork(net)),
            btc.InvalidNetworkError,
          );
        }
      }),
      params(150),
    );
  });

  test('taprootOutputKey and assertCompressedPublicKey equal bitcoinjs-lib / @bitcoinerlab/secp256k1', () => {
    fc.assert(
      fc.property(anyKey, (publicKey) => {
        const valid = ecc.isPoint(publicKey) && (publicKey[0] === 2 || publicKey[0] === 3);
        const check = ours(() => btc.assertCompressedPublicKey(publicKey));
        assert.equal(check.ok, valid);
        const tweaked = ours(() => btc.taprootOutputKey(publicKey));
        const theirs = reference(() => bitcoin.payments.p2tr({ internalPubkey: publicKey.slice(1) }).pubkey!);
        if (valid) bothAccept(tweaked, theirs, (a, b) => assert.equal(toHex(a), toHex(b)));
        else refused(tweaked, btc.InvalidPublicKeyError);
      }),
      params(150),
    );
  });

  test('parseAddress equals bitcoinjs-lib toOutputScript on its addresses, refuses them typed on other networks', () => {
    fc.assert(
      fc.property(validAddress, ({ network: net, type, address }) => {
        const accepted: btc.BitcoinNetwork[] = isBase58Test(address) && net !== 'mainnet' ? ['testnet', 'regtest'] : [net];
        for (const each of NETWORKS) {
          const mine = ours(() => btc.parseAddress({ address, network: each }));
          if (accepted.includes(each)) {
            const theirs = reference(() => bitcoin.address.toOutputScript(address, BITCOINJS[each]));
            bothAccept(mine, theirs, (a, b) => {
              assert.equal(toHex(a.scriptPubKey), toHex(b));
              assert.equal(a.type, type);
            });
          } else {
            refused(mine, btc.WrongNetworkError, address);
          }
        }
      }),
      params(150),
    );
  });

  test('parseAddress on mutated addresses: a result only where bitcoinjs-lib gives the same script; hostile values typed', () => {
    fc.assert(
      fc.property(
        validAddress.chain(({ address }) => mutateString(address)),
        network,
        (address, net) => {
          const mine = ours(() => btc.parseAddress({ address, network: net }));
          agrees(
            mine,
            reference(() => bitcoin.address.toOutputScript(address, BITCOINJS[net])),
            (a, b) => assert.equal(toHex(a.scriptPubKey), toHex(b)),
          );
          // An address no network accepts is reported invalid, never as another network's.
          if (!mine.ok && mine.error instanceof btc.WrongNetworkError) {
            assert.ok(NETWORKS.some((other) => ours(() => btc.parseAddress({ address, network: other })).ok));
          }
        },
      ),
      params(200),
    );
    fc.assert(
      fc.property(hostile, hostile, (address, net) => {
        ours(() => btc.parseAddress({ address, network: net } as never));
        ours(() => btc.parseAddress({ address, network: 'mainnet' } as never));
        ours(() => btc.parseAddress(address as never));
      }),
      params(150),
    );
  });
});

/** A dummy witness of the size estimateVsize assumes: a 72-byte ECDSA signature and a 33-byte key, or a 64-byte Schnorr signature. */
function dummyWitness(type: btc.InputType): Uint8Array[] {
  return type === 'p2wpkh' ? [new Uint8Array(72), new Uint8Array(33)] : [new Uint8Array(64)];
}

function bitcoinjsVsize({
  inputTypes,
  outputScripts,
}: {
  inputTypes: readonly btc.InputType[];
  outputScripts: readonly Uint8Array[];
}): number {
  const tx = new bitcoin.Transaction();
  inputTypes.forEach((_, i) => tx.addInput(new Uint8Array(32).fill(i % 256), i));
  for (const script of outputScripts) tx.addOutput(script, 0n);
  inputTypes.forEach((type, i) => tx.setWitness(i, dummyWitness(type)));
  return tx.virtualSize();
}

const feeRate = fc.oneof(
  fc.bigInt({ min: 1n, max: 10_000n }).map((satPerVbyte): btc.FeeRate => ({ satPerVbyte })),
  fc.bigInt({ min: 1n, max: 10_000_000n }).map((millisatPerVbyte): btc.FeeRate => ({ millisatPerVbyte })),
);

describe('btc differential fuzz: size and fee', () => {
  test('estimateVsize equals bitcoinjs-lib virtualSize with worst-case witnesses; hostile values typed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<btc.InputType>('p2wpkh', 'p2tr'), { minLength: 1, maxLength: 260 }),
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 0, maxLength: 20 }),
        (inputTypes, outputScripts) => {
          bothAccept(
            ours(() => btc.estimateVsize({ inputTypes, outputScripts })),
            reference(() => bitcoinjsVsize({ inputTypes, outputScripts })),
            (a, b) => assert.equal(a, b),
          );
        },
      ),
      params(100),
    );
    fc.assert(
      fc.property(
        fc
          .record({
            inputTypes: fc.array(fc.constantFrom<unknown>('p2wpkh', 'p2tr', 'p2pkh', 'P2WPKH', undefined)),
            outputScripts: fc.array(fc.uint8Array()),
          })
          .chain((args) => fc.oneof(fc.constant(args), mutateField(args), hostile)),
        (args) => {
          const mine = ours(() => btc.estimateVsize(args as never));
          if (mine.ok) assert.ok(Number.isSafeInteger(mine.value) && mine.value > 0);
        },
      ),
      params(150),
    );
  });

  test('estimateFee is ceil(vsize × rate) for every valid pair; hostile vsize and rates typed', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), feeRate, (vsize, rate) => {
        const millisat = 'satPerVbyte' in rate ? rate.satPerVbyte * 1000n : rate.millisatPerVbyte;
        const exact = BigInt(vsize) * millisat;
        const expected = exact / 1000n + (exact % 1000n === 0n ? 0n : 1n);
        assert.equal(btc.estimateFee({ vsize, feeRate: rate }), expected);
      }),
      params(150),
    );
    fc.assert(
      fc.property(
        fc.oneof(hostile, fc.nat()),
        fc.oneof(hostile, feeRate, fc.record({ satPerVbyte: hostile }), fc.record({ millisatPerVbyte: hostile })),
        (vsize, rate) => {
          const mine = ours(() => btc.estimateFee({ vsize, feeRate: rate } as never));
          if (mine.ok) {
            assert.ok(typeof vsize === 'number' && Number.isSafeInteger(vsize) && vsize >= 0);
            assert.ok(mine.value >= 0n);
          }
          ours(() => btc.estimateFee(vsize as never));
        },
      ),
      params(150),
    );
  });
});

/** A P2WPKH or P2TR output of a generated key, as a UTXO in one of its two forms. */
const utxo = fc
  .record({
    k: key,
    type: fc.constantFrom<btc.InputType>('p2wpkh', 'p2tr'),
    txid: hash32.map(toHex),
    vout: fc.nat({ max: 0xffffffff }),
    value: fc.bigInt({ min: 1n, max: 100_000_000n }),
    byAddress: fc.boolean(),
  })
  .map(({ k, type, txid, vout, value, byAddress }) => {
    const payment = type === 'p2wpkh' ? bitcoin.payments.p2wpkh({ pubkey: k.publicKey, network: bitcoin.networks.regtest }) : k.tr.regtest;
    return byAddress ? { txid, vout, value, address: payment.address! } : { txid, vout, value, scriptPubKey: payment.output! };
  });

const payment = fc
  .record({ a: validAddress.filter(({ network: net }) => net === 'regtest'), value: fc.bigInt({ min: 546n, max: 50_000_000n }) })
  .map(({ a, value }) => ({ address: a.address, value }));

const buildArgs = fc.record({
  network: fc.constant('regtest' as const),
  utxos: fc.uniqueArray(utxo, { minLength: 1, maxLength: 8, selector: (u) => `${u.txid}:${u.vout}` }),
  outputs: fc.array(payment, { minLength: 1, maxLength: 4 }),
  changeAddress: key.map((k) => bitcoin.payments.p2wpkh({ pubkey: k.publicKey, network: bitcoin.networks.regtest }).address!),
  feeRate: fc.oneof(
    fc.bigInt({ min: 1n, max: 200n }).map((satPerVbyte): btc.FeeRate => ({ satPerVbyte })),
    fc.bigInt({ min: 1000n, max: 200_000n }).map((millisatPerVbyte): btc.FeeRate => ({ millisatPerVbyte })),
  ),
});

describe('btc differential fuzz: buildTransaction', () => {
  test('every built transaction decodes in bitcoinjs-lib to the requested outputs, pays at least the fee rate, is standard, and has the vsize bitcoinjs-lib computes', () => {
    fc.assert(
      fc.property(buildArgs, (args) => {
        const mine = ours(() => btc.buildTransaction(args));
        if (!mine.ok) {
          assert.ok(mine.error instanceof btc.InsufficientFundsError, String(mine.error));
          return;
        }
        const { transaction, fee, vsize, changeIndex } = mine.value;
        const parsed = bitcoin.Transaction.fromBuffer(btc.serializeTransaction(transaction));
        args.outputs.forEach(({ address, value }, i) => {
          assert.equal(toHex(parsed.outs[i].script), toHex(bitcoin.address.toOutputScript(address, bitcoin.networks.regtest)));
          assert.equal(parsed.outs[i].value, value);
        });
        assert.equal(parsed.outs.length, args.outputs.length + (changeIndex === undefined ? 0 : 1));
        const inputTotal = transaction.inputs.reduce((sum, input) => sum + input.value, 0n);
        const outputTotal = parsed.outs.reduce((sum, out) => sum + out.value, 0n);
        assert.equal(fee, inputTotal - outputTotal);
        const types = transaction.inputs.map((input) => btc.inputTypeOf(input.scriptPubKey)!);
        assert.equal(vsize, bitcoinjsVsize({ inputTypes: types, outputScripts: parsed.outs.map((out) => out.script) }));
        const millisat = 'satPerVbyte' in args.feeRate ? args.feeRate.satPerVbyte * 1000n : args.feeRate.millisatPerVbyte;
        assert.ok(fee * 1000n >= BigInt(vsize) * millisat, 'pays the fee rate');
        assert.ok(fee >= BigInt(vsize), 'pays the 1 sat/vbyte minimum relay fee');
        assert.ok(vsize * 4 <= btc.MAX_STANDARD_TX_WEIGHT);
        for (const out of parsed.outs) assert.ok(out.value >= 294n, 'no dust');
      }),
      params(50),
    );
  });

  test('buildTransaction with a mutated or hostile argument, UTXO or output: a valid transaction or a typed refusal', () => {
    const mutated = buildArgs.chain((args) =>
      fc.oneof(
        mutateField(args),
        mutateField(args.utxos).map((utxos) => ({ ...args, utxos })),
        mutateField(args.utxos[0]).map((first) => ({ ...args, utxos: [first, ...args.utxos.slice(1)] })),
        mutateField(args.outputs).map((outputs) => ({ ...args, outputs })),
        mutateField(args.outputs[0]).map((first) => ({ ...args, outputs: [first, ...args.outputs.slice(1)] })),
        mutateField(args.feeRate).map((rate) => ({ ...args, feeRate: rate })),
        hostile,
      ),
    );
    fc.assert(
      fc.property(mutated, (args) => {
        const mine = ours(() => btc.buildTransaction(args as never));
        if (mine.ok) {
          // Whatever was accepted serializes and satisfies the consensus checks of validateTransaction.
          bitcoin.Transaction.fromBuffer(btc.serializeTransaction(mine.value.transaction));
        }
      }),
      params(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-built transactions: serializeTransaction, getSighash(es), finalizeTransaction
// ---------------------------------------------------------------------------------------------

const anyScript = fc.oneof(
  hash20.map((h) => Uint8Array.of(0x00, 0x14, ...h)),
  hash32.map((k) => Uint8Array.of(0x51, 0x20, ...k)),
  fc.uint8Array({ maxLength: 40 }),
  fc.uint8Array({ minLength: 253, maxLength: 300 }),
);
const txInput = fc.record({
  txid: hash32.map(toHex),
  vout: fc.nat({ max: 0xffffffff }),
  sequence: fc.nat({ max: 0xffffffff }),
  value: fc.bigInt({ min: 0n, max: btc.MAX_MONEY / 8n }),
  scriptPubKey: anyScript,
});
const txOutput = fc.record({ scriptPubKey: anyScript, value: fc.bigInt({ min: 0n, max: btc.MAX_MONEY / 6n }) });
const handBuilt = fc.record({
  version: fc.nat({ max: 0xffffffff }),
  lockTime: fc.nat({ max: 0xffffffff }),
  inputs: fc.uniqueArray(txInput, { minLength: 1, maxLength: 8, selector: (i) => `${i.txid}:${i.vout}` }),
  outputs: fc.array(txOutput, { minLength: 1, maxLength: 6 }),
});

function toBitcoinjs(transaction: btc.UnsignedTransaction): bitcoin.Transaction {
  const tx = new bitcoin.Transaction();
  tx.version = transaction.version;
  tx.locktime = transaction.lockTime;
  for (const input of transaction.inputs) {
    const hash = hex.decode(input.txid).reverse();
    tx.addInput(hash, input.vout, input.sequence);
  }
  for (const output of transaction.outputs) tx.addOutput(output.scriptPubKey, output.value);
  return tx;
}

/** bitcoinjs-lib's sighash of every input, or undefined for an input neither P2WPKH nor P2TR. */
function bitcoinjsSighashes(transaction: btc.UnsignedTransaction): (string | undefined)[] {
  const tx = toBitcoinjs(transaction);
  const scripts = transaction.inputs.map((input) => input.scriptPubKey);
  const values = transaction.inputs.map((input) => input.value);
  return transaction.inputs.map(({ scriptPubKey, value }, index) => {
    const type = btc.inputTypeOf(scriptPubKey);
    if (type === 'p2wpkh') {
      const scriptCode = bitcoin.payments.p2pkh({ hash: scriptPubKey.subarray(2) }).output!;
      return toHex(tx.hashForWitnessV0(index, scriptCode, value, bitcoin.Transaction.SIGHASH_ALL));
    }
    if (type === 'p2tr') return toHex(tx.hashForWitnessV1(index, scripts, values, bitcoin.Transaction.SIGHASH_DEFAULT));
    return undefined;
  });
}

/** A hand-built transaction with one field somewhere replaced by a hostile value. */
const mutatedTransaction = handBuilt.chain((tx) =>
  fc.oneof(
    mutateField(tx),
    mutateField(tx.inputs[0]).map((first) => ({ ...tx, inputs: [first, ...tx.inputs.slice(1)] })),
    mutateField(tx.outputs[0]).map((first) => ({ ...tx, outputs: [first, ...tx.outputs.slice(1)] })),
    mutateField(tx.inputs).map((inputs) => ({ ...tx, inputs })),
    fc.constant({ ...tx, outputs: [] }),
    fc.constant({ ...tx, inputs: [] }),
    fc.constant({ ...tx, inputs: [...tx.inputs, tx.inputs[0]] }),
    fc.constantFrom(-1, 2 ** 32, 1.5, Number.NaN).map((lockTime) => ({ ...tx, lockTime })),
    fc.constantFrom(-1, 2 ** 32, 1.5).map((vout) => ({ ...tx, inputs: [{ ...tx.inputs[0], vout }, ...tx.inputs.slice(1)] })),
    fc.constantFrom(-1, 2 ** 32).map((sequence) => ({ ...tx, inputs: [{ ...tx.inputs[0], sequence }, ...tx.inputs.slice(1)] })),
    fc
      .constantFrom<unknown>(2n ** 64n, -1n, btc.MAX_MONEY + 1n, 1, 1.5)
      .map((value) => ({ ...tx, outputs: [{ ...tx.outputs[0], value }, ...tx.outputs.slice(1)] })),
    fc
      .constantFrom<unknown>(2n ** 64n, -1n, 1, '1')
      .map((value) => ({ ...tx, inputs: [{ ...tx.inputs[0], value }, ...tx.inputs.slice(1)] })),
    hostile,
  ),
);

describe('btc differential fuzz: hand-built transactions', () => {
  test('serializeTransaction, getSighashes and getSighash equal bitcoinjs-lib on random valid transactions', () => {
    fc.assert(
      fc.property(handBuilt, (transaction) => {
        bothAccept(
          ours(() => btc.serializeTransaction(transaction)),
          reference(() => toBitcoinjs(transaction).toBuffer()),
          (a, b) => assert.equal(toHex(a), toHex(b)),
        );
        const expected = bitcoinjsSighashes(transaction);
        const all = ours(() => btc.getSighashes(transaction));
        if (expected.every((each) => each !== undefined)) {
          assert.ok(all.ok);
          assert.deepEqual(all.value.map(toHex), expected);
        } else {
          refused(all, btc.UnsupportedInputError);
        }
        expected.forEach((each, index) => {
          const one = ours(() => btc.getSighash({ transaction, index }));
          if (each === undefined) refused(one, btc.UnsupportedInputError);
          else bothAccept(one, { ok: true, value: each }, (a, b) => assert.equal(toHex(a), b));
        });
      }),
      params(100),
    );
  });

  test('a mutated transaction: serializeTransaction, getSighashes and finalizeTransaction refuse it alike, or it equals bitcoinjs-lib', () => {
    fc.assert(
      fc.property(mutatedTransaction, hostile, (transaction, index) => {
        const serialized = ours(() => btc.serializeTransaction(transaction as never));
        const sighashes = ours(() => btc.getSighashes(transaction as never));
        const one = ours(() => btc.getSighash({ transaction: transaction as never, index: index as never }));
        const finalized = ours(() => btc.finalizeTransaction({ transaction: transaction as never, signatures: [] }));
        if (!serialized.ok) {
          refused(serialized, btc.MalformedTransactionError);
          // The one validation: all three refuse the same field.
          for (const other of [sighashes, one, finalized]) {
            refused(other, btc.MalformedTransactionError);
            assert.equal(
              other.ok ? undefined : (other.error as btc.MalformedTransactionError).field,
              (serialized.error as btc.MalformedTransactionError).field,
            );
          }
          return;
        }
        const tx = transaction as btc.UnsignedTransaction;
        assert.equal(toHex(serialized.value), toHex(toBitcoinjs(tx).toBuffer()));
        if (sighashes.ok) assert.deepEqual(sighashes.value.map(toHex), bitcoinjsSighashes(tx));
        else refused(sighashes, btc.UnsupportedInputError);
        refused(finalized, btc.SignatureCountError);
      }),
      params(200),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Signatures
// ---------------------------------------------------------------------------------------------

type Signer = (typeof KEYS)[number] & { type: btc.InputType };

/** What the IC returns: a 64-byte r‖s ECDSA signature (any s), or a BIP340 signature by the BIP86-tweaked key. */
function icSign(signer: Signer, sighash: Uint8Array, highS: boolean): Uint8Array {
  if (signer.type === 'p2tr') return schnorr.sign(sighash, taprootTweakPrivKey(signer.secret), new Uint8Array(32));
  const signature = secp256k1.sign(sighash, signer.secret, { prehash: false, format: 'compact' });
  if (!highS) return signature;
  const s = secp256k1.Point.CURVE().n - BigInt(`0x${toHex(signature.subarray(32))}`);
  return Uint8Array.of(...signature.subarray(0, 32), ...hex.decode(s.toString(16).padStart(64, '0')));
}

const signer = fc.record({ k: key, type: fc.constantFrom<btc.InputType>('p2wpkh', 'p2tr') }).map(({ k, type }): Signer => ({ ...k, type }));

function scriptOf(s: Signer): Uint8Array {
  return s.type === 'p2wpkh' ? bitcoin.payments.p2wpkh({ pubkey: s.publicKey }).output! : s.tr.mainnet.output!;
}

const signable = fc
  .record({
    signers: fc.array(signer, { minLength: 1, maxLength: 3 }),
    tx: handBuilt,
    highS: fc.boolean(),
  })
  .map(({ signers, tx, highS }) => {
    const inputs = signers.map((s, i) => ({ ...tx.inputs[i % tx.inputs.length], vout: i, scriptPubKey: scriptOf(s) }));
    const inputTotal = inputs.reduce((sum, input) => sum + input.value, 0n);
    // Outputs paying at most the inputs, so that finalizing can succeed.
    const outputs = tx.outputs.map((output, i) => ({ ...output, value: i === 0 ? inputTotal / 2n : 0n }));
    return { signers, transaction: { ...tx, inputs, outputs } as btc.UnsignedTransaction, highS };
  });

describe('btc differential fuzz: signatures', () => {
  test('finalizeTransaction: bitcoinjs-lib parses the result to the same txid and its sighashes verify every witness (@bitcoinerlab/secp256k1)', () => {
    fc.assert(
      fc.property(signable, ({ signers, transaction, highS }) => {
        const sighashes = btc.getSighashes(transaction);
        const signatures = signers.map((s, i) => ({ signature: icSign(s, sighashes[i], highS), publicKey: s.publicKey }));
        const signed = btc.finalizeTransaction({ transaction, signatures });
        const parsed = bitcoin.Transaction.fromHex(signed.hex);
        assert.equal(parsed.getId(), signed.txid);
        assert.equal(parsed.virtualSize(), signed.vsize);
        assert.equal(parsed.weight(), signed.weight);
        const scripts = transaction.inputs.map((input) => input.scriptPubKey);
        const values = transaction.inputs.map((input) => input.value);
        signers.forEach((s, index) => {
          const witness = parsed.ins[index].witness;
          if (s.type === 'p2tr') {
            const hash = parsed.hashForWitnessV1(index, scripts, values, bitcoin.Transaction.SIGHASH_DEFAULT);
            assert.ok(ecc.verifySchnorr(hash, btc.taprootOutputKey(s.publicKey), witness[0]));
          } else {
            const { signature, hashType } = bitcoin.script.signature.decode(witness[0]);
            assert.equal(hashType, bitcoin.Transaction.SIGHASH_ALL);
            const scriptCode = bitcoin.payments.p2pkh({ pubkey: s.publicKey }).output!;
            const hash = parsed.hashForWitnessV0(index, scriptCode, values[index], bitcoin.Transaction.SIGHASH_ALL);
            assert.ok(ecc.verify(hash, s.publicKey, signature, true));
            assert.equal(toHex(witness[1]), toHex(s.publicKey));
          }
        });
      }),
      params(20),
    );
  });

  test('finalizeTransaction with a mutated signature, key or entry, or no outputs: a typed refusal', () => {
    fc.assert(
      fc.property(
        signable.chain(({ signers, transaction, highS }) => {
          const sighashes = btc.getSighashes(transaction);
          const signatures = signers.map((s, i) => ({ signature: icSign(s, sighashes[i], highS), publicKey: s.publicKey }));
          return fc.record({
            transaction: fc.oneof(fc.constant(transaction), fc.constant({ ...transaction, outputs: [] })),
            signatures: fc.oneof(
              mutateBytes(signatures[0].signature).map((signature) => [{ ...signatures[0], signature }, ...signatures.slice(1)]),
              mutateField(signatures[0]).map((first) => [first, ...signatures.slice(1)]),
              mutateField(signatures),
              hostile,
            ),
          });
        }),
        ({ transaction, signatures }) => {
          const mine = ours(() => btc.finalizeTransaction({ transaction, signatures } as never));
          if (transaction.outputs.length === 0) refused(mine, btc.MalformedTransactionError);
          // A mutation may leave a valid signature (a flipped high-S/low-S twin, an equal key).
          if (mine.ok) bitcoin.Transaction.fromHex(mine.value.hex);
        },
      ),
      params(30),
    );
  });

  test('encodeDerSignature equals bitcoinjs-lib script.signature.encode; p2wpkhWitness and p2trKeyPathWitness verify with @bitcoinerlab/secp256k1; hostile values typed', () => {
    fc.assert(
      fc.property(signer, hash32, fc.boolean(), (s, sighash, highS) => {
        const signature = icSign(s, sighash, highS);
        if (s.type === 'p2wpkh') {
          const der = btc.encodeDerSignature(signature);
          const r = signature.subarray(0, 32);
          const n = secp256k1.Point.CURVE().n;
          const sValue = BigInt(`0x${toHex(signature.subarray(32))}`);
          const low = sValue > n / 2n ? n - sValue : sValue;
          const compact = Uint8Array.of(...r, ...hex.decode(low.toString(16).padStart(64, '0')));
          assert.equal(toHex(der), toHex(bitcoin.script.signature.encode(compact, 1).subarray(0, -1)));
          const witness = btc.p2wpkhWitness({ signature, publicKey: s.publicKey, sighash });
          assert.ok(ecc.verify(sighash, s.publicKey, bitcoin.script.signature.decode(witness[0]).signature, true));
        } else {
          const witness = btc.p2trKeyPathWitness({ signature, publicKey: s.publicKey, sighash });
          assert.ok(ecc.verifySchnorr(sighash, btc.taprootOutputKey(s.publicKey), witness[0]));
        }
      }),
      params(30),
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (signature, publicKey, sighash, index) => {
        refused(
          ours(() => btc.encodeDerSignature(signature as never)),
          btc.InvalidSignatureError,
        );
        ours(() => btc.p2wpkhWitness({ signature, publicKey, sighash, index } as never));
        ours(() => btc.p2trKeyPathWitness({ signature, publicKey, sighash, index } as never));
        ours(() => btc.p2wpkhWitness(signature as never));
        ours(() => btc.p2trKeyPathWitness(signature as never));
        ours(() => btc.finalizeTransaction(signature as never));
        ours(() => btc.getSighash(signature as never));
        ours(() => btc.getSighashes(signature as never));
        ours(() => btc.serializeTransaction(signature as never));
        ours(() => btc.validateTransaction(signature as never));
        const type = btc.inputTypeOf(signature as never);
        assert.ok(type === undefined || signature instanceof Uint8Array);
      }),
      params(150),
    );
  });
});
