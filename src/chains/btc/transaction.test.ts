import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import fc from 'fast-check';
import { OutScript, SigHash, Transaction } from '@scure/btc-signer';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hex } from '@scure/base';
import { p2trAddress, p2wpkhAddress, parseAddress } from './address.ts';
import { parseBtc } from './amount.ts';
import {
  buildTransaction,
  DUST_THRESHOLDS,
  estimateFee,
  estimateVsize,
  getSighash,
  getSighashes,
  MAX_INPUTS,
  RBF_SEQUENCE,
  serializeTransaction,
  type FeeRate,
  type UnsignedTransaction,
  type Utxo,
} from './transaction.ts';
import {
  DustOutputError,
  InsufficientFundsError,
  InvalidAddressError,
  InvalidAmountError,
  InvalidFeeRateError,
  InvalidInputIndexError,
  InvalidUtxoError,
  MalformedTransactionError,
  NoOutputsError,
  TooManyInputsError,
  UnsupportedInputError,
  WrongNetworkError,
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

/** An UnsignedTransaction from raw bytes, decoded by bitcoinjs-lib (the independent parser). */
function fromRaw({ raw, spent }: { raw: string; spent: { scriptPubKey: string; value: bigint }[] }): UnsignedTransaction {
  const tx = bitcoin.Transaction.fromHex(raw);
  return {
    version: tx.version,
    lockTime: tx.locktime,
    inputs: tx.ins.map((input, index) => ({
      txid: hex.encode(input.hash.slice().reverse()),
      vout: input.index,
      sequence: input.sequence,
      value: spent[index].value,
      scriptPubKey: hex.decode(spent[index].scriptPubKey),
    })),
    outputs: tx.outs.map((output) => ({ scriptPubKey: output.script, value: output.value })),
  };
}

// The IC's keys, simulated: an ECDSA key (P2WPKH) and a BIP340 key with an odd y (P2TR).
const ecdsaPublicKey = secp256k1.getPublicKey(new Uint8Array(32).fill(1), true);
const schnorrPublicKey = secp256k1.getPublicKey(new Uint8Array(32).fill(4), true);
const OUR_P2WPKH = p2wpkhAddress({ publicKey: ecdsaPublicKey, network: 'mainnet' });
const OUR_P2TR = p2trAddress({ publicKey: schnorrPublicKey, network: 'mainnet' });
// Destinations of every standard type (mainnet addresses from Bitcoin Core's and BIP84/86 vectors).
const TO = {
  p2pkh: '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo',
  p2sh: '36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm',
  p2wsh: 'bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7',
  p2tr: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
  p2wpkh: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
} as const;

const UTXOS: Utxo[] = [
  { txid: 'c3'.repeat(32), vout: 2, value: 40_000n, address: OUR_P2WPKH },
  { txid: 'a1'.repeat(32), vout: 0, value: 150_000n, address: OUR_P2WPKH },
  { txid: 'd4'.repeat(32), vout: 0, value: 1_000n, scriptPubKey: parseAddress({ address: OUR_P2TR, network: 'mainnet' }).scriptPubKey },
  { txid: 'b2'.repeat(32), vout: 1, value: 80_000n, scriptPubKey: parseAddress({ address: OUR_P2TR, network: 'mainnet' }).scriptPubKey },
];
const PAYMENTS = [
  { address: TO.p2pkh, value: 30_000n },
  { address: TO.p2sh, value: 40_000n },
  { address: TO.p2wsh, value: 50_000n },
  { address: TO.p2tr, value: 60_000n },
  { address: TO.p2wpkh, value: 20_000n },
];

describe('estimateVsize and estimateFee', () => {
  const script = (address: string) => parseAddress({ address, network: 'mainnet' }).scriptPubKey;

  test('exact sizes (hand-computed from BIP141 weights)', () => {
    // 1 P2WPKH input, 2 P2WPKH outputs: 4×(4+1+1+4 + 2×31) + 2 + 272 = 562 WU -> 141 vB.
    assert.equal(estimateVsize({ inputTypes: ['p2wpkh'], outputScripts: [script(TO.p2wpkh), script(TO.p2wpkh)] }), 141);
    // 1 P2TR input, P2TR + P2WPKH outputs: 4×(10 + 43 + 31) + 2 + 230 = 568 WU -> 142 vB.
    assert.equal(estimateVsize({ inputTypes: ['p2tr'], outputScripts: [script(TO.p2tr), script(TO.p2wpkh)] }), 142);
    // 2 P2TR inputs, 1 P2PKH output: 4×(10 + 34) + 2 + 460 = 638 WU -> 160 vB (159.5 rounded up).
    assert.equal(estimateVsize({ inputTypes: ['p2tr', 'p2tr'], outputScripts: [script(TO.p2pkh)] }), 160);
    // 253 inputs need a 3-byte input count: 4×(4+3+1+4 + 31) + 2 + 253×230 = 58364 WU -> 14591 vB.
    assert.equal(estimateVsize({ inputTypes: Array(253).fill('p2tr'), outputScripts: [script(TO.p2wpkh)] }), 14591);
  });

  test('fee rounding, sat and millisat rates', () => {
    assert.equal(estimateFee({ vsize: 141, feeRate: { satPerVbyte: 2n } }), 282n);
    assert.equal(estimateFee({ vsize: 141, feeRate: { millisatPerVbyte: 2_000n } }), 282n);
    assert.equal(estimateFee({ vsize: 141, feeRate: { millisatPerVbyte: 1_500n } }), 212n); // 211.5 rounded up
    assert.equal(estimateFee({ vsize: 141, feeRate: { millisatPerVbyte: 1n } }), 1n); // 0.141 rounded up
    assert.equal(estimateFee({ vsize: 100, feeRate: { satPerVbyte: 10_000n } }), 1_000_000n);
  });

  const badRates: [FeeRate, string, string][] = [
    [{ satPerVbyte: 0n }, '0 sat/vbyte', 'must be positive'],
    [{ millisatPerVbyte: -1n }, '-1 millisat/vbyte', 'must be positive'],
    [{ satPerVbyte: 10_001n }, '10001 sat/vbyte', 'exceeds 10000 sat/vbyte'],
    [{ millisatPerVbyte: 10_000_001n }, '10000001 millisat/vbyte', 'exceeds 10000 sat/vbyte'],
    [{ satPerVbyte: 2 as unknown as bigint }, '2 sat/vbyte', 'expected a bigint'],
    [
      { satPerVbyte: 1n, millisatPerVbyte: 1000n } as unknown as FeeRate,
      '["satPerVbyte","millisatPerVbyte"]',
      'give exactly one of satPerVbyte or millisatPerVbyte',
    ],
    [{} as FeeRate, '[]', 'give exactly one of satPerVbyte or millisatPerVbyte'],
  ];
  for (const [feeRate, value, details] of badRates) {
    test(`rejects fee rate ${value}`, () => {
      const error = catchError(() => estimateFee({ vsize: 100, feeRate }), InvalidFeeRateError);
      assert.equal(error.value, value);
      assert.equal(error.details, details);
    });
  }
});

describe('buildTransaction', () => {
  test('largest-first selection, outputs of every type, change, RBF (exact values)', () => {
    const built = buildTransaction({
      network: 'mainnet',
      utxos: UTXOS,
      outputs: PAYMENTS,
      changeAddress: OUR_P2WPKH,
      feeRate: { satPerVbyte: 10n },
    });
    // 150,000 alone cannot pay 200,000; 150,000 + 80,000 can. Weight: inputs 272 + 230,
    // outputs 34 + 32 + 43 + 43 + 31 + 31 (change) = 214 bytes: 4×(10 + 214) + 2 + 502 = 1400 WU
    // = 350 vB; fee 3,500; change 230,000 − 200,000 − 3,500 = 26,500.
    assert.equal(built.vsize, 350);
    assert.equal(built.fee, 3_500n);
    assert.equal(built.changeIndex, 5);
    const { transaction } = built;
    assert.equal(transaction.version, 2);
    assert.equal(transaction.lockTime, 0);
    assert.deepEqual(
      transaction.inputs.map(({ txid, vout, sequence, value }) => [txid, vout, sequence, value]),
      [
        ['a1'.repeat(32), 0, 0xfffffffd, 150_000n],
        ['b2'.repeat(32), 1, 0xfffffffd, 80_000n],
      ],
    );
    assert.equal(hex.encode(transaction.inputs[0].scriptPubKey), '0014' + '79b000887626b294a914501a4cd226b58b235983');
    assert.deepEqual(
      transaction.outputs.map(({ scriptPubKey, value }) => [hex.encode(scriptPubKey), value]),
      [
        ['76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac', 30_000n],
        ['a914373b819a068f32b7a6b38b6b38729647cfde01c287', 40_000n],
        ['002027304b37f70e94bc8a0fbf500e0c957a80ebda87280ef58214d92f119811acdc', 50_000n],
        ['5120a60869f0dbcf1dc659c9cecbaf8050135ea9e8cdc487053f1dc6880949dc684c', 60_000n],
        ['0014c0cebcd6c3d3ca8c75dc5ec62ebe55330ef910e2', 20_000n],
        ['001479b000887626b294a914501a4cd226b58b235983', 26_500n],
      ],
    );
  });

  test('bitcoinjs-lib parses the unsigned transaction field by field and computes the same sighashes', () => {
    const { transaction } = buildTransaction({
      network: 'mainnet',
      utxos: UTXOS,
      outputs: PAYMENTS,
      changeAddress: OUR_P2TR,
      feeRate: { millisatPerVbyte: 3_250n },
    });
    const parsed = bitcoin.Transaction.fromBuffer(serializeTransaction(transaction));
    assert.equal(parsed.version, transaction.version);
    assert.equal(parsed.locktime, transaction.lockTime);
    assert.equal(parsed.ins.length, transaction.inputs.length);
    parsed.ins.forEach((input, index) => {
      assert.equal(hex.encode(input.hash.slice().reverse()), transaction.inputs[index].txid);
      assert.equal(input.index, transaction.inputs[index].vout);
      assert.equal(input.sequence, RBF_SEQUENCE);
      assert.equal(input.script.length, 0);
    });
    assert.equal(parsed.outs.length, transaction.outputs.length);
    parsed.outs.forEach((output, index) => {
      assert.equal(hex.encode(output.script), hex.encode(transaction.outputs[index].scriptPubKey));
      assert.equal(output.value, transaction.outputs[index].value);
    });
    // bitcoinjs-lib's addresses for our output scripts are the ones we were asked to pay.
    const addresses = parsed.outs.map((output) => bitcoin.address.fromOutputScript(output.script, bitcoin.networks.bitcoin));
    assert.deepEqual(addresses, [...PAYMENTS.map((payment) => payment.address), OUR_P2TR]);
    // Sighashes: BIP143 for the P2WPKH input (scriptCode = P2PKH of the key hash), BIP341 for P2TR.
    const sighashes = getSighashes(transaction);
    const scripts = transaction.inputs.map((input) => input.scriptPubKey);
    const values = transaction.inputs.map((input) => input.value);
    const p2pkhOfOurKey = bitcoin.payments.p2pkh({ pubkey: ecdsaPublicKey }).output!;
    assert.equal(
      hex.encode(sighashes[0]),
      hex.encode(parsed.hashForWitnessV0(0, p2pkhOfOurKey, values[0], bitcoin.Transaction.SIGHASH_ALL)),
    );
    assert.equal(hex.encode(sighashes[1]), hex.encode(parsed.hashForWitnessV1(1, scripts, values, bitcoin.Transaction.SIGHASH_DEFAULT)));
    assert.equal(hex.encode(getSighash({ transaction, index: 1 })), hex.encode(sighashes[1]));
  });

  test('sat and millisat rates give the same transaction', () => {
    const a = buildTransaction({
      network: 'mainnet',
      utxos: UTXOS,
      outputs: PAYMENTS,
      changeAddress: OUR_P2WPKH,
      feeRate: { satPerVbyte: 7n },
    });
    const b = buildTransaction({
      network: 'mainnet',
      utxos: UTXOS,
      outputs: PAYMENTS,
      changeAddress: OUR_P2WPKH,
      feeRate: { millisatPerVbyte: 7_000n },
    });
    assert.deepEqual(a, b);
    assert.equal(a.fee, 2_450n);
  });

  // One 10,000-sat P2WPKH UTXO paying one P2WPKH output at 1 sat/vbyte: 141 vB with change,
  // 110 vB without.
  const single: Utxo[] = [{ txid: 'e5'.repeat(32), vout: 7, value: 10_000n, address: OUR_P2WPKH }];
  const pay = (value: bigint) =>
    buildTransaction({
      network: 'mainnet',
      utxos: single,
      outputs: [{ address: TO.p2wpkh, value }],
      changeAddress: OUR_P2WPKH,
      feeRate: { satPerVbyte: 1n },
    });

  test('change exactly at the P2WPKH dust threshold (294) is kept', () => {
    const built = pay(9_565n);
    assert.deepEqual([built.fee, built.vsize, built.changeIndex, built.transaction.outputs[1].value], [141n, 141, 1, 294n]);
  });

  test('change one satoshi below dust is dropped into the fee', () => {
    const built = pay(9_566n);
    assert.deepEqual([built.fee, built.vsize, built.changeIndex, built.transaction.outputs.length], [434n, 110, undefined, 1]);
  });

  test('insufficient funds names what is required and available', () => {
    const error = catchError(() => pay(9_900n), InsufficientFundsError);
    // 9,900 + 110 (fee without change) > 10,000.
    assert.deepEqual([error.required, error.available], [10_010n, 10_000n]);
    assert.equal(error.message, 'Insufficient funds: 10010 sat required, 10000 sat available');
  });

  const many: Utxo[] = Array.from({ length: 150 }, (_, index) => ({
    txid: index.toString(16).padStart(64, '0'),
    vout: 0,
    value: 1_000n,
    scriptPubKey: parseAddress({ address: OUR_P2TR, network: 'mainnet' }).scriptPubKey,
  }));

  test(`more than MAX_INPUTS (${MAX_INPUTS}) inputs is TooManyInputsError`, () => {
    // 106 × 1,000 < 100,000 + 6,137 (fee, no change); 107 × 1,000 >= 100,000 + 6,225 + 294.
    const error = catchError(
      () =>
        buildTransaction({
          network: 'mainnet',
          utxos: many,
          outputs: [{ address: TO.p2wpkh, value: 100_000n }],
          changeAddress: OUR_P2WPKH,
          feeRate: { satPerVbyte: 1n },
        }),
      TooManyInputsError,
    );
    assert.deepEqual([error.count, error.max], [107, 100]);
    assert.equal(error.message, 'Too many inputs: 107 needed, at most 100 allowed: consolidate small UTXOs first or send a smaller amount');
  });

  test('exactly MAX_INPUTS inputs is allowed', () => {
    // 100 × 1,000 = 100,000 pays 94,000 + fee (no change): 4×(10+31) + 2 + 100×230 = 23166 WU -> 5792 vB.
    const built = buildTransaction({
      network: 'mainnet',
      utxos: many,
      outputs: [{ address: TO.p2wpkh, value: 94_000n }],
      changeAddress: OUR_P2WPKH,
      feeRate: { satPerVbyte: 1n },
    });
    assert.equal(built.transaction.inputs.length, 100);
    assert.deepEqual([built.vsize, built.fee, built.changeIndex], [5_792, 6_000n, undefined]);
  });

  test('when even all UTXOs cannot pay, InsufficientFundsError (not TooManyInputsError)', () => {
    const error = catchError(
      () =>
        buildTransaction({
          network: 'mainnet',
          utxos: many,
          outputs: [{ address: TO.p2wpkh, value: 200_000n }],
          changeAddress: OUR_P2WPKH,
          feeRate: { satPerVbyte: 1n },
        }),
      InsufficientFundsError,
    );
    // Fee of spending all 150 without change: ceil((166 + 150 × 230) / 4) = 8,667.
    assert.deepEqual([error.required, error.available], [208_667n, 150_000n]);
  });

  test('dust thresholds per output type: one below fails, the threshold passes', () => {
    assert.deepEqual(DUST_THRESHOLDS, { p2pkh: 546n, p2sh: 540n, p2wpkh: 294n, p2wsh: 330n, p2tr: 330n });
    for (const [type, address] of Object.entries(TO) as [keyof typeof TO, string][]) {
      const threshold: bigint = DUST_THRESHOLDS[type];
      const build = (value: bigint) =>
        buildTransaction({
          network: 'mainnet',
          utxos: UTXOS,
          outputs: [{ address, value }],
          changeAddress: OUR_P2WPKH,
          feeRate: { satPerVbyte: 1n },
        });
      const error = catchError(() => build(threshold - 1n), DustOutputError);
      assert.deepEqual([error.address, error.value, error.threshold], [address, threshold - 1n, threshold]);
      assert.equal(
        error.message,
        `Output of ${threshold - 1n} sat to "${address}" is dust: the minimum for this address type is ${threshold} sat`,
      );
      assert.equal(build(threshold).transaction.outputs[0].value, threshold);
    }
  });

  test('bad outputs: wrong network, bad checksum, negative, above 21e6 BTC, not bigint, none', () => {
    const build = (outputs: { address: string; value: bigint }[], changeAddress = OUR_P2WPKH) =>
      buildTransaction({ network: 'mainnet', utxos: UTXOS, outputs, changeAddress, feeRate: { satPerVbyte: 1n } });
    catchError(() => build([{ address: 'tb1qcr8te4kr609gcawutmrza0j4xv80jy8zmfp6l0', value: 1_000n }]), WrongNetworkError);
    catchError(() => build([{ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyv', value: 1_000n }]), InvalidAddressError);
    catchError(() => build([{ address: TO.p2wpkh, value: 1_000n }], 'tb1qcr8te4kr609gcawutmrza0j4xv80jy8zmfp6l0'), WrongNetworkError);
    let error = catchError(() => build([{ address: TO.p2wpkh, value: -1n }]), InvalidAmountError);
    assert.equal(error.message, `Invalid amount "-1": output to ${TO.p2wpkh} must not be negative`);
    error = catchError(() => build([{ address: TO.p2wpkh, value: parseBtc('21000000') + 1n }]), InvalidAmountError);
    assert.equal(error.value, '2100000000000001');
    error = catchError(
      () =>
        build([
          { address: TO.p2wpkh, value: parseBtc('20000000') },
          { address: TO.p2tr, value: parseBtc('2000000') },
        ]),
      InvalidAmountError,
    );
    assert.equal(error.message, 'Invalid amount "2200000000000000": the outputs together exceed 21,000,000 BTC');
    catchError(() => build([{ address: TO.p2wpkh, value: 1000 as unknown as bigint }]), InvalidAmountError);
    catchError(() => build([]), NoOutputsError);
  });

  test('bad UTXOs: txid, vout, value, duplicate, unsupported script, both script and address', () => {
    const build = (utxos: Utxo[]) =>
      buildTransaction({
        network: 'mainnet',
        utxos,
        outputs: [{ address: TO.p2wpkh, value: 1_000n }],
        changeAddress: OUR_P2WPKH,
        feeRate: { satPerVbyte: 1n },
      });
    const base = { txid: 'a1'.repeat(32), vout: 0, value: 10_000n, address: OUR_P2WPKH };
    const cases: [Utxo, string, string][] = [
      [{ ...base, txid: 'a1'.repeat(31) }, `${'a1'.repeat(31)}:0`, 'txid must be 64 hex characters'],
      [{ ...base, txid: 'g1'.repeat(32) }, `${'g1'.repeat(32)}:0`, 'txid must be 64 hex characters'],
      [{ ...base, vout: -1 }, `${'a1'.repeat(32)}:-1`, 'vout must be an integer in 0..4294967295'],
      [{ ...base, vout: 1.5 }, `${'a1'.repeat(32)}:1.5`, 'vout must be an integer in 0..4294967295'],
      [
        { txid: 'a1'.repeat(32), vout: 0, value: 10_000n, address: TO.p2pkh },
        `${'a1'.repeat(32)}:0`,
        'scriptPubKey 76a914a31c06bd463e3923bc1aadbde48b16976c08071788ac is neither P2WPKH nor P2TR',
      ],
      [
        { ...base, scriptPubKey: new Uint8Array(22) } as unknown as Utxo,
        `${'a1'.repeat(32)}:0`,
        'give exactly one of scriptPubKey (bytes) or address',
      ],
    ];
    for (const [utxo, outpoint, details] of cases) {
      const error = catchError(() => build([utxo]), InvalidUtxoError);
      assert.deepEqual([error.outpoint, error.details], [outpoint, details]);
    }
    const duplicate = catchError(() => build([base, { ...base, txid: base.txid.toUpperCase() }]), InvalidUtxoError);
    assert.equal(duplicate.details, 'duplicate outpoint');
    const negative = catchError(() => build([{ ...base, value: -5n }]), InvalidAmountError);
    assert.equal(negative.message, `Invalid amount "-5": value of UTXO ${'a1'.repeat(32)}:0 must not be negative`);
  });
});

describe('sighashes: standard vectors', () => {
  type Bip143 = {
    nativeP2wpkh: { unsignedTx: string; spentOutputs: { scriptPubKey: string; value: string }[]; signedInput: number; sigHash: string };
  };
  test('BIP143 native P2WPKH example: sighash of input 1', () => {
    const vector = loadVectors<Bip143>('bip143.json').nativeP2wpkh;
    const transaction = fromRaw({
      raw: vector.unsignedTx,
      spent: vector.spentOutputs.map(({ scriptPubKey, value }) => ({ scriptPubKey, value: parseBtc(value) })),
    });
    assert.equal(hex.encode(serializeTransaction(transaction)), vector.unsignedTx);
    assert.equal(hex.encode(getSighash({ transaction, index: vector.signedInput })), vector.sigHash);
    // Input 0 spends a P2PK output, which this module does not sign.
    const error = catchError(() => getSighash({ transaction, index: 0 }), UnsupportedInputError);
    assert.equal(
      error.message,
      'Input 0 cannot be signed: scriptPubKey 2103c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432ac is neither P2WPKH nor P2TR',
    );
    catchError(() => getSighashes(transaction), UnsupportedInputError);
    catchError(() => getSighash({ transaction, index: 2 }), InvalidInputIndexError);
  });

  test('a transaction with a field that cannot be serialized is a typed error naming it', () => {
    const vector = loadVectors<Bip143>('bip143.json').nativeP2wpkh;
    const transaction = fromRaw({
      raw: vector.unsignedTx,
      spent: vector.spentOutputs.map(({ scriptPubKey, value }) => ({ scriptPubKey, value: parseBtc(value) })),
    });
    const badTxid = { ...transaction, inputs: [{ ...transaction.inputs[0], txid: 'abcd' }, ...transaction.inputs.slice(1)] };
    const error = catchError(() => serializeTransaction(badTxid), MalformedTransactionError);
    assert.equal(error.message, 'Malformed transaction field "txid of input 0": abcd: expected 64 hex characters');
    const badVersion = { ...transaction, version: 2 ** 32 };
    assert.equal(
      catchError(() => getSighash({ transaction: badVersion, index: vector.signedInput }), MalformedTransactionError).field,
      'version',
    );
  });

  type Bip341 = {
    keyPathSpending: {
      given: { rawUnsignedTx: string; utxosSpent: { scriptPubKey: string; amountSats: number }[] };
      inputSpending: { given: { txinIndex: number; hashType: number }; intermediary: { sigHash: string } }[];
    };
  };
  test('BIP341 keyPathSpending: the SIGHASH_DEFAULT input', () => {
    const { given, inputSpending } = loadVectors<Bip341>('bip341.json').keyPathSpending;
    const transaction = fromRaw({
      raw: given.rawUnsignedTx,
      spent: given.utxosSpent.map(({ scriptPubKey, amountSats }) => ({ scriptPubKey, value: BigInt(amountSats) })),
    });
    assert.equal(hex.encode(serializeTransaction(transaction)), given.rawUnsignedTx);
    assert.equal(inputSpending.length, 1);
    const [{ given: input, intermediary }] = inputSpending;
    assert.deepEqual([input.txinIndex, input.hashType], [4, 0]);
    assert.equal(hex.encode(getSighash({ transaction, index: input.txinIndex })), intermediary.sigHash);
  });
});

describe('sighashes: cross-checked against @scure/btc-signer', () => {
  // Random transactions mixing P2WPKH and P2TR inputs (each type's script with a random
  // program), any outputs, and every field over its whole range.
  const input = fc.record({
    txid: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => hex.encode(bytes)),
    vout: fc.nat({ max: 0xffffffff }),
    sequence: fc.nat({ max: 0xffffffff }),
    // At most MAX_MONEY / 12 each, so that 12 inputs stay within MAX_MONEY together.
    value: fc.bigInt({ min: 0n, max: 2_100_000_000_000_000n / 12n }),
    scriptPubKey: fc.oneof(
      fc.uint8Array({ minLength: 20, maxLength: 20 }).map((hash) => Uint8Array.of(0x00, 0x14, ...hash)),
      fc.uint8Array({ minLength: 32, maxLength: 32 }).map((key) => Uint8Array.of(0x51, 0x20, ...key)),
    ),
  });
  const output = fc.record({
    // Short scripts, and scripts past 252 bytes, whose CompactSize length takes 3 bytes.
    scriptPubKey: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 253, maxLength: 300 })),
    value: fc.bigInt({ min: 0n, max: 2_100_000_000_000_000n / 5n }),
  });
  const transactionArbitrary = fc.record({
    version: fc.constantFrom(1, 2, 3, 0),
    lockTime: fc.nat({ max: 0xffffffff }),
    // Distinct outpoints: spending one twice is consensus-invalid and refused.
    inputs: fc.uniqueArray(input, { minLength: 1, maxLength: 12, selector: ({ txid, vout }) => `${txid}:${vout}` }),
    outputs: fc.array(output, { minLength: 1, maxLength: 5 }),
  });

  /** Each input's sighash the library's way: its preimage hashing, one input at a time. */
  function scureSighashes(transaction: UnsignedTransaction): string[] {
    const tx = new Transaction({
      version: transaction.version,
      lockTime: transaction.lockTime,
      allowUnknownInputs: true,
      allowUnknownOutputs: true,
      disableScriptCheck: true,
    });
    for (const { txid, vout, sequence, value, scriptPubKey } of transaction.inputs) {
      tx.addInput({ txid, index: vout, sequence, witnessUtxo: { script: scriptPubKey, amount: value } });
    }
    for (const { scriptPubKey, value } of transaction.outputs) tx.addOutput({ script: scriptPubKey, amount: value });
    const scripts = transaction.inputs.map(({ scriptPubKey }) => scriptPubKey);
    const values = transaction.inputs.map(({ value }) => value);
    return transaction.inputs.map(({ scriptPubKey, value }, index) =>
      hex.encode(
        scriptPubKey[0] === 0x00
          ? tx.preimageWitnessV0(index, OutScript.encode({ type: 'pkh', hash: scriptPubKey.subarray(2) }), SigHash.ALL, value)
          : tx.preimageWitnessV1(index, scripts, SigHash.DEFAULT, values),
      ),
    );
  }

  test('getSighashes and getSighash equal the library on random mixed P2WPKH/P2TR transactions (fast-check)', () => {
    fc.assert(
      fc.property(transactionArbitrary, (transaction) => {
        const ours = getSighashes(transaction).map((sighash) => hex.encode(sighash));
        assert.deepEqual(ours, scureSighashes(transaction));
        const last = transaction.inputs.length - 1;
        assert.equal(hex.encode(getSighash({ transaction, index: last })), ours[last]);
      }),
      { numRuns: 40 },
    );
  });
});
