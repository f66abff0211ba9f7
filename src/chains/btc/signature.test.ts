import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import { hex } from '@scure/base';
import { p2trAddress, p2wpkhAddress, parseAddress, taprootOutputKey, type BitcoinNetwork } from './address.ts';
import { parseBtc } from './amount.ts';
import { encodeDerSignature, finalizeTransaction, p2trKeyPathWitness, p2wpkhWitness, type InputSignature } from './signature.ts';
import { buildTransaction, getSighashes, serializeTransaction, type UnsignedTransaction, type Utxo } from './transaction.ts';
import {
  InputKeyMismatchError,
  InsufficientFundsError,
  InvalidPublicKeyError,
  InvalidSignatureError,
  SignatureCountError,
  UnsupportedInputError,
} from './errors.ts';

bitcoin.initEccLib(ecc);

function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../test/vectors/btc/${name}`, import.meta.url), 'utf8')) as T;
}

function catchError<T extends Error>(fn: () => unknown, Class: new (...args: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Class, `expected ${Class.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${Class.name}, nothing thrown`);
}

const N = secp256k1.Point.CURVE().n;
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));

/** (r, n − s): the other valid form of an ECDSA signature (high-S if it was low-S, and back). */
function flipS(signature: Uint8Array): Uint8Array {
  return concat(signature.subarray(0, 32), numberToBytesBE(N - bytesToNumberBE(signature.subarray(32)), 32));
}
const isHighS = (signature: Uint8Array) => bytesToNumberBE(signature.subarray(32)) > N / 2n;
/** The high-S form, which the IC could equally return. */
const highS = (signature: Uint8Array) => (isHighS(signature) ? signature : flipS(signature));

// ---------------------------------------------------------------------------------------------
// The IC, simulated with known secrets (PocketIC's keys are not public).
// ---------------------------------------------------------------------------------------------
const ECDSA_SECRET = new Uint8Array(32).fill(1);
const SCHNORR_SECRET = new Uint8Array(32).fill(4); // its public key has an odd y (prefix 0x03)
const OTHER_SECRET = new Uint8Array(32).fill(7);
const ecdsaPublicKey = secp256k1.getPublicKey(ECDSA_SECRET, true);
const schnorrPublicKey = secp256k1.getPublicKey(SCHNORR_SECRET, true);
const otherPublicKey = secp256k1.getPublicKey(OTHER_SECRET, true);

/**
 * sign_with_ecdsa: a 64-byte r‖s over the 32-byte hash. With `worstCase`, grinds the nonce
 * (RFC6979 extra entropy) until the DER form is the 71-byte maximum, and returns the high-S
 * twin, to exercise the normalization.
 */
function icSignEcdsa({
  sighash,
  secret = ECDSA_SECRET,
  worstCase = false,
}: {
  sighash: Uint8Array;
  secret?: Uint8Array;
  worstCase?: boolean;
}): Uint8Array {
  for (let counter = 0; ; counter++) {
    const extraEntropy = counter === 0 ? false : numberToBytesBE(BigInt(counter), 32);
    const signature = secp256k1.sign(sighash, secret, { prehash: false, extraEntropy });
    if (!worstCase) return signature;
    if (encodeDerSignature(signature).length === 71) return highS(signature);
  }
}

/**
 * sign_with_schnorr with aux = bip341 { merkle_root_hash = empty }: a BIP340 signature by the
 * BIP86-tweaked secret (BIP341 taproot_tweak_seckey). Zero auxiliary randomness for
 * reproducible test output.
 */
function icSignSchnorr({
  sighash,
  secret = SCHNORR_SECRET,
  tweak = true,
}: {
  sighash: Uint8Array;
  secret?: Uint8Array;
  tweak?: boolean;
}): Uint8Array {
  return schnorr.sign(sighash, tweak ? taprootTweakPrivKey(secret) : secret, new Uint8Array(32));
}

describe('encodeDerSignature', () => {
  type Bip143 = { nativeP2wpkh: { signature: string; sigHash: string; publicKey: string; privateKey: string; signedTx: string } };
  const vector = loadVectors<Bip143>('bip143.json').nativeP2wpkh;
  // bitcoinjs-lib splits the vector's DER signature into r‖s and the sighash type.
  const decoded = bitcoin.script.signature.decode(hex.decode(vector.signature));

  test('BIP143 vector: r‖s -> the vector DER (low-S and high-S forms alike)', () => {
    assert.equal(decoded.hashType, 0x01);
    assert.equal(hex.encode(encodeDerSignature(decoded.signature)) + '01', vector.signature);
    assert.equal(hex.encode(encodeDerSignature(highS(decoded.signature))) + '01', vector.signature);
  });

  test('same DER as bitcoinjs-lib (BIP66) for random r, s, always low-S', () => {
    const scalar = fc.bigInt({ min: 1n, max: N - 1n });
    // Also small values, whose DER integers are short.
    const small = fc.bigInt({ min: 1n, max: 1n << 70n });
    fc.assert(
      fc.property(fc.oneof(scalar, small), fc.oneof(scalar, small), (r, s) => {
        const signature = concat(numberToBytesBE(r, 32), numberToBytesBE(s, 32));
        const der = encodeDerSignature(signature);
        const lowSForm = isHighS(signature) ? flipS(signature) : signature;
        assert.equal(hex.encode(der) + '01', hex.encode(bitcoin.script.signature.encode(lowSForm, 0x01)));
        assert.equal(secp256k1.Signature.fromBytes(der, 'der').hasHighS(), false);
        assert.ok(der.length <= 71);
      }),
      { numRuns: 500 },
    );
  });

  test('malformed signatures', () => {
    const n = numberToBytesBE(N, 32);
    const one = numberToBytesBE(1n, 32);
    const zero = new Uint8Array(32);
    const cases: [Uint8Array, string][] = [
      [new Uint8Array(63).fill(1), 'expected 64 bytes r‖s'],
      [new Uint8Array(65).fill(1), 'expected 64 bytes r‖s'],
      [concat(zero, one), 'r and s must be in 1..n-1'],
      [concat(one, zero), 'r and s must be in 1..n-1'],
      [concat(n, one), 'r and s must be in 1..n-1'],
      [concat(one, n), 'r and s must be in 1..n-1'],
    ];
    for (const [signature, details] of cases) {
      const error = catchError(() => encodeDerSignature(signature), InvalidSignatureError);
      assert.deepEqual([error.signature, error.details, error.index], [hex.encode(signature), details, undefined]);
    }
  });
});

describe('witnesses from the standard vectors', () => {
  type Bip143 = { nativeP2wpkh: { signature: string; sigHash: string; publicKey: string; privateKey: string; signedTx: string } };
  const vector = loadVectors<Bip143>('bip143.json').nativeP2wpkh;

  test('BIP143: the 64-byte signature becomes the vector witness of input 1', () => {
    const signature = bitcoin.script.signature.decode(hex.decode(vector.signature)).signature;
    // RFC6979 over the vector's sighash with its key gives this very signature.
    assert.equal(
      hex.encode(secp256k1.sign(hex.decode(vector.sigHash), hex.decode(vector.privateKey), { prehash: false })),
      hex.encode(signature),
    );
    const witness = p2wpkhWitness({ signature, publicKey: hex.decode(vector.publicKey), sighash: hex.decode(vector.sigHash) });
    const signed = bitcoin.Transaction.fromHex(vector.signedTx);
    assert.deepEqual(
      witness.map((item) => hex.encode(item)),
      signed.ins[1].witness.map((item) => hex.encode(item)),
    );
    assert.deepEqual(
      witness.map((item) => hex.encode(item)),
      [vector.signature, vector.publicKey],
    );
  });

  test('BIP143: a signature over another message, or checked with another key, is refused', () => {
    const signature = bitcoin.script.signature.decode(hex.decode(vector.signature)).signature;
    const other = new Uint8Array(32).fill(9);
    let error = catchError(
      () => p2wpkhWitness({ signature, publicKey: hex.decode(vector.publicKey), sighash: other, index: 1 }),
      InvalidSignatureError,
    );
    assert.equal(
      error.message,
      `Invalid signature ${hex.encode(signature)} for input 1: does not verify for sighash ${hex.encode(other)} and key ${vector.publicKey}`,
    );
    error = catchError(
      () => p2wpkhWitness({ signature, publicKey: otherPublicKey, sighash: hex.decode(vector.sigHash) }),
      InvalidSignatureError,
    );
    assert.equal(error.index, undefined);
  });

  type Bip341 = {
    keyPathSpending: {
      inputSpending: {
        given: { internalPrivkey: string; merkleRoot: string | null };
        intermediary: { internalPubkey: string; tweakedPrivkey: string; sigHash: string };
        expected: { witness: string[] };
      }[];
    };
  };
  test('BIP341: our IC simulation reproduces the vector signature; its script-tree output is not a BIP86 key', () => {
    const [input] = loadVectors<Bip341>('bip341.json').keyPathSpending.inputSpending;
    const sighash = hex.decode(input.intermediary.sigHash);
    const signature = schnorr.sign(sighash, hex.decode(input.intermediary.tweakedPrivkey), new Uint8Array(32));
    assert.deepEqual([hex.encode(signature)], input.expected.witness);
    // This output commits to a script tree (merkle root given), so the BIP86 output key of its
    // internal key is a different key: the signature must not be accepted for it.
    assert.notEqual(input.given.merkleRoot, null);
    const publicKey = hex.decode(`02${input.intermediary.internalPubkey}`);
    const error = catchError(() => p2trKeyPathWitness({ signature, publicKey, sighash }), InvalidSignatureError);
    assert.equal(
      error.details,
      `does not verify for sighash ${input.intermediary.sigHash} and taproot output key ${hex.encode(taprootOutputKey(publicKey))}`,
    );
  });

  test('P2TR: a 65-byte signature (explicit sighash byte) is refused: SIGHASH_DEFAULT signatures have 64', () => {
    const sighash = new Uint8Array(32).fill(3);
    const signature = icSignSchnorr({ sighash });
    assert.deepEqual(p2trKeyPathWitness({ signature, publicKey: schnorrPublicKey, sighash }), [signature]);
    const error = catchError(
      () => p2trKeyPathWitness({ signature: concat(signature, Uint8Array.of(0)), publicKey: schnorrPublicKey, sighash }),
      InvalidSignatureError,
    );
    assert.equal(error.details, 'expected a 64-byte BIP340 signature');
  });
});

describe('finalizeTransaction: end to end, cross-checked by bitcoinjs-lib', () => {
  const network: BitcoinNetwork = 'mainnet';
  const ourP2wpkh = p2wpkhAddress({ publicKey: ecdsaPublicKey, network });
  const ourP2tr = p2trAddress({ publicKey: schnorrPublicKey, network });
  const ourP2trScript = parseAddress({ address: ourP2tr, network }).scriptPubKey;
  const utxos: Utxo[] = [
    { txid: '5e'.repeat(32), vout: 3, value: 45_000n, address: ourP2wpkh },
    { txid: '7a'.repeat(32), vout: 0, value: 60_000n, address: ourP2wpkh },
    { txid: '6b'.repeat(32), vout: 1, value: 50_000n, scriptPubKey: ourP2trScript },
    { txid: '8c'.repeat(32), vout: 0, value: 1_000n, scriptPubKey: ourP2trScript },
  ];
  const outputs = [
    { address: '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', value: 30_000n }, // P2PKH
    { address: '36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm', value: 25_000n }, // P2SH
    { address: 'bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7', value: 35_000n }, // P2WSH
    { address: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr', value: 40_000n }, // P2TR
    { address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', value: 10_000n }, // P2WPKH
  ];
  const built = buildTransaction({ network, utxos, outputs, changeAddress: ourP2wpkh, feeRate: { satPerVbyte: 5n } });
  const { transaction } = built;
  const keyOf = (index: number) => (transaction.inputs[index].scriptPubKey[0] === 0x51 ? schnorrPublicKey : ecdsaPublicKey);

  /** Asks the simulated IC for every signature, as the canister would. */
  function icSignatures({ worstCase }: { worstCase: boolean }): InputSignature[] {
    return getSighashes(transaction).map((sighash, index) => {
      const publicKey = keyOf(index);
      const signature = publicKey === schnorrPublicKey ? icSignSchnorr({ sighash }) : icSignEcdsa({ sighash, worstCase });
      return { signature, publicKey };
    });
  }

  test('the built transaction: 3 inputs (2 P2WPKH, 1 P2TR), 5 payments + change (exact)', () => {
    // 60,000 + 50,000 + 45,000 pay 140,000. Weight 4×(10 + 214) + 2 + 272 + 230 + 272 = 1672
    // WU = 418 vB; fee 2,090 at 5 sat/vB; change 155,000 − 140,000 − 2,090 = 12,910.
    assert.deepEqual(
      transaction.inputs.map((input) => `${input.txid.slice(0, 2)}:${input.vout}`),
      ['7a:0', '6b:1', '5e:3'],
    );
    assert.deepEqual([built.vsize, built.fee, built.changeIndex, transaction.outputs[5].value], [418, 2_090n, 5, 12_910n]);
  });

  test('worst-case (72-byte) ECDSA signatures: bitcoinjs-lib agrees on every field, txid, wtxid and size', () => {
    const signatures = icSignatures({ worstCase: true });
    const signed = finalizeTransaction({ transaction, signatures });
    const parsed = bitcoin.Transaction.fromHex(signed.hex);
    assert.equal(parsed.toHex(), signed.hex);
    assert.equal(hex.encode(signed.bytes), signed.hex);
    assert.equal(parsed.getId(), signed.txid);
    assert.equal(hex.encode(parsed.getHash(true).slice().reverse()), signed.wtxid);
    assert.notEqual(signed.wtxid, signed.txid);
    // The txid is already fixed by the unsigned transaction (segwit).
    assert.equal(bitcoin.Transaction.fromBuffer(serializeTransaction(transaction)).getId(), signed.txid);
    assert.equal(parsed.weight(), signed.weight);
    assert.equal(parsed.virtualSize(), signed.vsize);
    // The estimate is exact for 72-byte ECDSA signatures.
    assert.equal(signed.vsize, built.vsize);
    // Every witness verifies under bitcoinjs-lib's own sighashes and @bitcoinerlab/secp256k1.
    const scripts = transaction.inputs.map((input) => input.scriptPubKey);
    const values = transaction.inputs.map((input) => input.value);
    parsed.ins.forEach((input, index) => {
      if (keyOf(index) === schnorrPublicKey) {
        assert.equal(input.witness.length, 1);
        const hash = parsed.hashForWitnessV1(index, scripts, values, bitcoin.Transaction.SIGHASH_DEFAULT);
        assert.ok(ecc.verifySchnorr(hash, taprootOutputKey(schnorrPublicKey), input.witness[0]));
      } else {
        assert.equal(input.witness.length, 2);
        assert.equal(input.witness[0].length, 72);
        assert.equal(hex.encode(input.witness[1]), hex.encode(ecdsaPublicKey));
        const { signature, hashType } = bitcoin.script.signature.decode(input.witness[0]);
        assert.equal(hashType, bitcoin.Transaction.SIGHASH_ALL);
        const scriptCode = bitcoin.payments.p2pkh({ pubkey: ecdsaPublicKey }).output!;
        const hash = parsed.hashForWitnessV0(index, scriptCode, values[index], bitcoin.Transaction.SIGHASH_ALL);
        assert.ok(ecc.verify(hash, ecdsaPublicKey, signature, true)); // strict: low-S
      }
    });
  });

  test('bitcoinjs-lib Psbt, given the same signatures, builds the identical signed transaction', () => {
    const signatures = icSignatures({ worstCase: false });
    const signed = finalizeTransaction({ transaction, signatures });
    // The simulated IC answers only for the messages our code asked it to sign: if bitcoinjs-lib
    // computed another sighash, the lookup would fail.
    const bySighash = new Map(getSighashes(transaction).map((sighash, index) => [hex.encode(sighash), signatures[index].signature]));
    const answer = (hash: Uint8Array) => {
      const signature = bySighash.get(hex.encode(hash));
      assert.ok(signature, `bitcoinjs-lib asked for an unexpected sighash ${hex.encode(hash)}`);
      return signature;
    };
    const psbt = new bitcoin.Psbt({ network: bitcoin.networks.bitcoin });
    transaction.inputs.forEach((input, index) => {
      psbt.addInput({
        hash: input.txid,
        index: input.vout,
        sequence: input.sequence,
        witnessUtxo: { script: input.scriptPubKey, value: input.value },
        ...(keyOf(index) === schnorrPublicKey ? { tapInternalKey: schnorrPublicKey.slice(1) } : {}),
      });
    });
    for (const output of transaction.outputs) psbt.addOutput({ script: output.scriptPubKey, value: output.value });
    transaction.inputs.forEach((_, index) => {
      if (keyOf(index) === schnorrPublicKey) {
        psbt.signInput(index, {
          publicKey: Uint8Array.of(0x02, ...taprootOutputKey(schnorrPublicKey)),
          sign: () => assert.fail('ECDSA'),
          signSchnorr: answer,
        });
      } else {
        // bitcoinjs-lib DER-encodes r‖s itself; give it the low-S form.
        psbt.signInput(index, { publicKey: ecdsaPublicKey, sign: (hash) => (isHighS(answer(hash)) ? flipS(answer(hash)) : answer(hash)) });
      }
    });
    psbt.finalizeAllInputs();
    const reference = psbt.extractTransaction();
    assert.equal(reference.toHex(), signed.hex);
    assert.equal(reference.getId(), signed.txid);
    assert.equal(psbt.getFee(), built.fee);
    // Real signatures are at most 72 bytes: the estimate is an upper bound.
    assert.ok(signed.vsize <= built.vsize);
  });

  test('regtest, P2TR-only spend to a P2WPKH output', () => {
    const regtestP2tr = p2trAddress({ publicKey: schnorrPublicKey, network: 'regtest' });
    const regtestP2wpkh = p2wpkhAddress({ publicKey: otherPublicKey, network: 'regtest' });
    const result = buildTransaction({
      network: 'regtest',
      utxos: [{ txid: '9d'.repeat(32), vout: 0, value: parseBtc('0.5'), address: regtestP2tr }],
      outputs: [{ address: regtestP2wpkh, value: parseBtc('0.2') }],
      changeAddress: regtestP2tr,
      feeRate: { millisatPerVbyte: 1_500n },
    });
    // 4×(10 + 31 + 43) + 2 + 230 = 568 WU = 142 vB; fee ceil(142 × 1.5) = 213.
    assert.deepEqual([result.vsize, result.fee, result.transaction.outputs[1].value], [142, 213n, 29_999_787n]);
    const [sighash] = getSighashes(result.transaction);
    const signed = finalizeTransaction({
      transaction: result.transaction,
      signatures: [{ signature: icSignSchnorr({ sighash }), publicKey: schnorrPublicKey }],
    });
    const parsed = bitcoin.Transaction.fromHex(signed.hex);
    assert.equal(parsed.getId(), signed.txid);
    assert.equal(parsed.virtualSize(), 142); // P2TR signatures are always 64 bytes: exact
    assert.equal(signed.vsize, 142);
    assert.equal(bitcoin.address.fromOutputScript(parsed.outs[0].script, bitcoin.networks.regtest), regtestP2wpkh);
  });
});

describe('finalizeTransaction: bad signatures are typed errors', () => {
  const ourP2wpkh = p2wpkhAddress({ publicKey: ecdsaPublicKey, network: 'mainnet' });
  const ourP2tr = p2trAddress({ publicKey: schnorrPublicKey, network: 'mainnet' });
  const { transaction } = buildTransaction({
    network: 'mainnet',
    utxos: [
      { txid: '11'.repeat(32), vout: 0, value: 20_000n, address: ourP2wpkh },
      { txid: '22'.repeat(32), vout: 1, value: 20_000n, address: ourP2tr },
    ],
    outputs: [{ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', value: 30_000n }],
    changeAddress: ourP2wpkh,
    feeRate: { satPerVbyte: 2n },
  });
  const [wpkhSighash, trSighash] = getSighashes(transaction);
  assert.equal(transaction.inputs[0].txid, '11'.repeat(32));
  const good: InputSignature[] = [
    { signature: icSignEcdsa({ sighash: wpkhSighash }), publicKey: ecdsaPublicKey },
    { signature: icSignSchnorr({ sighash: trSighash }), publicKey: schnorrPublicKey },
  ];
  const withInput = (index: number, replacement: Partial<InputSignature>) =>
    good.map((each, i) => (i === index ? { ...each, ...replacement } : each));

  test('the good signatures pass', () => {
    const signed = finalizeTransaction({ transaction, signatures: good });
    assert.equal(bitcoin.Transaction.fromHex(signed.hex).getId(), signed.txid);
  });

  test('verifySignatures: false gives the same bytes for good signatures, and assembles a wrong but well-formed one', () => {
    const verified = finalizeTransaction({ transaction, signatures: good });
    assert.equal(finalizeTransaction({ transaction, signatures: good, verifySignatures: false }).hex, verified.hex);
    // Both signatures swapped for signatures of other messages: refused when verified, assembled when not.
    const wrong = [
      { signature: icSignEcdsa({ sighash: trSighash }), publicKey: ecdsaPublicKey },
      { signature: icSignSchnorr({ sighash: wpkhSighash }), publicKey: schnorrPublicKey },
    ];
    catchError(() => finalizeTransaction({ transaction, signatures: wrong }), InvalidSignatureError);
    const unverified = finalizeTransaction({ transaction, signatures: wrong, verifySignatures: false });
    assert.equal(unverified.txid, verified.txid);
    assert.notEqual(unverified.hex, verified.hex);
    // Format and ownership are still checked without verification.
    catchError(
      () => finalizeTransaction({ transaction, signatures: withInput(0, { signature: new Uint8Array(63) }), verifySignatures: false }),
      InvalidSignatureError,
    );
    catchError(
      () => finalizeTransaction({ transaction, signatures: withInput(0, { publicKey: schnorrPublicKey }), verifySignatures: false }),
      InputKeyMismatchError,
    );
  });

  test('one signature per input', () => {
    const error = catchError(() => finalizeTransaction({ transaction, signatures: good.slice(0, 1) }), SignatureCountError);
    assert.equal(error.message, 'Expected 2 signatures (one per input), got 1');
  });

  test('ECDSA signature by another key', () => {
    const signature = icSignEcdsa({ sighash: wpkhSighash, secret: OTHER_SECRET });
    const error = catchError(() => finalizeTransaction({ transaction, signatures: withInput(0, { signature }) }), InvalidSignatureError);
    assert.deepEqual([error.index, error.signature], [0, hex.encode(signature)]);
    assert.equal(error.details, `does not verify for sighash ${hex.encode(wpkhSighash)} and key ${hex.encode(ecdsaPublicKey)}`);
  });

  test("ECDSA signature over another input's sighash", () => {
    const signature = icSignEcdsa({ sighash: trSighash });
    catchError(() => finalizeTransaction({ transaction, signatures: withInput(0, { signature }) }), InvalidSignatureError);
  });

  test('Schnorr signature by the untweaked key (sign_with_schnorr called without aux bip341)', () => {
    const signature = icSignSchnorr({ sighash: trSighash, tweak: false });
    const error = catchError(() => finalizeTransaction({ transaction, signatures: withInput(1, { signature }) }), InvalidSignatureError);
    assert.equal(error.index, 1);
    assert.equal(
      error.details,
      `does not verify for sighash ${hex.encode(trSighash)} and taproot output key ${hex.encode(taprootOutputKey(schnorrPublicKey))}`,
    );
  });

  test('a key that does not own the input', () => {
    let error = catchError(
      () => finalizeTransaction({ transaction, signatures: withInput(0, { publicKey: otherPublicKey }) }),
      InputKeyMismatchError,
    );
    assert.deepEqual([error.index, error.publicKey], [0, hex.encode(otherPublicKey)]);
    assert.equal(
      error.details,
      `the input pays to ${hex.encode(transaction.inputs[0].scriptPubKey)}, the key's P2WPKH script is 0014${hex.encode(bitcoin.payments.p2wpkh({ pubkey: otherPublicKey }).hash!)}`,
    );
    // The ECDSA key for the taproot input (or the reverse) is a mismatch too.
    error = catchError(
      () => finalizeTransaction({ transaction, signatures: withInput(1, { publicKey: ecdsaPublicKey }) }),
      InputKeyMismatchError,
    );
    assert.equal(error.index, 1);
  });

  test('a malformed public key', () => {
    catchError(
      () => finalizeTransaction({ transaction, signatures: withInput(0, { publicKey: ecdsaPublicKey.slice(1) }) }),
      InvalidPublicKeyError,
    );
  });

  test('a transaction with an input this module cannot sign', () => {
    const p2pkhInput = {
      ...transaction.inputs[0],
      scriptPubKey: parseAddress({ address: '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', network: 'mainnet' }).scriptPubKey,
    };
    const tampered: UnsignedTransaction = { ...transaction, inputs: [p2pkhInput, transaction.inputs[1]] };
    const error = catchError(() => finalizeTransaction({ transaction: tampered, signatures: good }), UnsupportedInputError);
    assert.equal(error.index, 0);
  });

  test('a transaction paying more than it spends', () => {
    const tampered: UnsignedTransaction = { ...transaction, outputs: [{ ...transaction.outputs[0], value: 50_000n }] };
    const error = catchError(() => finalizeTransaction({ transaction: tampered, signatures: good }), InsufficientFundsError);
    assert.deepEqual([error.required, error.available], [50_000n, 40_000n]);
  });
});
