/**
 * Issue 3's last test: the real `src/chains/{btc,eth,sol}` and `src/lib/amount.ts` modules,
 * bundled by Azle into a canister (test/fixtures/chains-probe) and run by the devnet's Wasm
 * engine under QuickJS, give byte-identical results to the same functions called here in Node,
 * for good inputs and bad ones (the same typed error, name and message). Where the Node tests
 * pin exact values (BIP84/BIP86, EIP-55, the ethereumjs EIP-1559 vectors, Trust Wallet's Solana
 * message, ...) the canister's output is checked against those values too.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PocketIc, type Actor, type PocketIcServer } from '@dfinity/pic';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { hex } from '@scure/base';
import { taprootTweakPrivKey } from '@scure/btc-signer/utils.js';
import { fromRlp, type Hex } from 'viem';
import * as btc from '../src/chains/btc/index.ts';
import * as eth from '../src/chains/eth/index.ts';
import * as sol from '../src/chains/sol/index.ts';
import { formatUnits, MAX_UINT256, parseUnits } from '../src/lib/amount.ts';
import { WalletError } from '../src/lib/errors.ts';
import { chainsProbe, ROOT } from './fixtures/build.ts';
import {
  idlFactory,
  type BtcBuildRequest,
  type BtcBuilt,
  type CandidUnsignedTransaction,
  type Chain,
  type ChainsProbe,
  type EthTransaction,
  type Result,
  type SolSplRequest,
} from './fixtures/chains-probe/src/candid.ts';
import {
  BENCH_OP_NAMES,
  BTC_BUILD,
  ECDSA_PUBLIC_KEY,
  ED25519_PUBLIC_KEY,
  ETH_TRANSFER,
  OUR_P2TR,
  OUR_P2TR_SCRIPT,
  OUR_P2WPKH,
  SCHNORR_PUBLIC_KEY,
  SOL_BLOCKHASH,
  SOL_FROM,
  SOL_TO,
  SOL_TRANSFER,
} from './fixtures/chains-probe/src/workload.ts';
import { startInstance, stopInstance } from './support/pic.ts';

// The secrets behind workload.ts's public keys (the IC keeps its own; these stand in for them).
const ECDSA_SECRET = new Uint8Array(32).fill(1);
const SCHNORR_SECRET = new Uint8Array(32).fill(4);
const ED25519_SEED = new Uint8Array(32).fill(7);
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';

let server: PocketIcServer;
let pic: PocketIc;
let canister: Actor<ChainsProbe>;

before(async () => {
  const fixture = chainsProbe();
  ({ server, pic } = await startInstance());
  ({ actor: canister } = await pic.setupCanister<ChainsProbe>({ idlFactory, wasm: fixture.wasmPath }));
});

after(() => stopInstance({ server, pic }));

/** The Node side of every comparison: the library call, with errors as the canister maps them. */
function node<T>(run: () => T): Result<T> {
  try {
    return { Ok: run() };
  } catch (error) {
    assert.ok(error instanceof WalletError, `Node threw a non-library error: ${String(error)}`);
    return { Err: { name: error.name, message: error.message } };
  }
}

function ok<T>(result: Result<T>): T {
  if ('Err' in result) assert.fail(`expected Ok, got ${result.Err.name}: ${result.Err.message}`);
  return result.Ok;
}

/** Asserts the canister and Node agree exactly and returns the (shared) value. */
async function same<T>(fromCanister: Promise<Result<T>>, fromNode: Result<T>): Promise<T> {
  const result = await fromCanister;
  assert.deepEqual(result, fromNode);
  return ok(result);
}

/** Asserts the canister and Node fail with the same error, of the class named `name`. */
async function sameError<T>(fromCanister: Promise<Result<T>>, fromNode: Result<T>, name: string): Promise<string> {
  const result = await fromCanister;
  assert.ok('Err' in fromNode, `Node did not fail: ${JSON.stringify(fromNode, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}`);
  assert.deepEqual(result, fromNode);
  assert.equal(fromNode.Err.name, name);
  return fromNode.Err.message;
}

function toCandidUnsigned(transaction: btc.UnsignedTransaction): CandidUnsignedTransaction {
  return {
    version: transaction.version,
    lockTime: transaction.lockTime,
    inputs: transaction.inputs.map(({ txid, vout, sequence, value, scriptPubKey }) => ({ txid, vout, sequence, value, scriptPubKey })),
    outputs: transaction.outputs.map(({ scriptPubKey, value }) => ({ scriptPubKey, value })),
  };
}

function toCandidBuild(args: Parameters<typeof btc.buildTransaction>[0]): BtcBuildRequest {
  return {
    network: args.network,
    utxos: args.utxos.map((utxo) => ({
      txid: utxo.txid,
      vout: utxo.vout,
      value: utxo.value,
      address: utxo.address === undefined ? [] : [utxo.address],
      scriptPubKey: utxo.scriptPubKey === undefined ? [] : [utxo.scriptPubKey],
    })),
    outputs: [...args.outputs],
    changeAddress: args.changeAddress,
    feeRate: args.feeRate,
  };
}

/** What `btcBuildAndHash` returns, computed in Node from the library. */
function nodeBuild(args: Parameters<typeof btc.buildTransaction>[0]): Result<BtcBuilt> {
  return node(() => {
    const built = btc.buildTransaction(args);
    return {
      transaction: toCandidUnsigned(built.transaction),
      unsignedTxHex: hex.encode(btc.serializeTransaction(built.transaction)),
      sighashes: btc.getSighashes(built.transaction),
      fee: built.fee,
      vsize: built.vsize,
      changeIndex: built.changeIndex === undefined ? [] : [built.changeIndex],
    };
  });
}

function ethCandid(transaction: eth.Eip1559Transaction): EthTransaction {
  return { ...transaction, data: transaction.data ?? new Uint8Array(0) };
}

const chain = (name: 'btc' | 'eth' | 'sol'): Chain => ({ [name]: null }) as Chain;

describe('the canister runtime', () => {
  test('has no Intl, so Solana messages compile on the collator shim', async () => {
    assert.equal(await canister.intlAvailable(), false);
  });

  test('the workload keys and addresses are the ones their secrets give', () => {
    assert.equal(hex.encode(secp256k1.getPublicKey(ECDSA_SECRET, true)), hex.encode(ECDSA_PUBLIC_KEY));
    assert.equal(hex.encode(secp256k1.getPublicKey(SCHNORR_SECRET, true)), hex.encode(SCHNORR_PUBLIC_KEY));
    assert.equal(hex.encode(ed25519.getPublicKey(ED25519_SEED)), hex.encode(ED25519_PUBLIC_KEY));
    assert.equal(btc.p2wpkhAddress({ publicKey: ECDSA_PUBLIC_KEY, network: 'mainnet' }), OUR_P2WPKH);
    assert.equal(btc.p2trAddress({ publicKey: SCHNORR_PUBLIC_KEY, network: 'mainnet' }), OUR_P2TR);
    assert.equal(hex.encode(btc.parseAddress({ address: OUR_P2TR, network: 'mainnet' }).scriptPubKey), hex.encode(OUR_P2TR_SCRIPT));
    assert.equal(sol.publicKeyToAddress(ED25519_PUBLIC_KEY), SOL_FROM);
    assert.equal(sol.publicKeyToAddress(ed25519.getPublicKey(new Uint8Array(32).fill(9))), SOL_TO);
  });
});

describe('BTC in the canister', () => {
  test('P2WPKH and P2TR addresses on every network', async () => {
    for (const network of btc.BITCOIN_NETWORKS) {
      await same(
        canister.btcAddresses({ ecdsaPublicKey: ECDSA_PUBLIC_KEY, schnorrPublicKey: SCHNORR_PUBLIC_KEY, network }),
        node(() => ({
          p2wpkh: btc.p2wpkhAddress({ publicKey: ECDSA_PUBLIC_KEY, network }),
          p2tr: btc.p2trAddress({ publicKey: SCHNORR_PUBLIC_KEY, network }),
        })),
      );
    }
  });

  test("BIP84 and BIP86 vector keys give the vectors' addresses", async () => {
    const request = {
      ecdsaPublicKey: hex.decode('0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c'),
      schnorrPublicKey: hex.decode('03cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115'),
      network: 'mainnet',
    };
    assert.deepEqual(await canister.btcAddresses(request), {
      Ok: {
        p2wpkh: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu',
        p2tr: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr',
      },
    });
  });

  test('bad keys and networks: the same typed errors as Node', async () => {
    const notOnCurve = hex.decode(`02${'ff'.repeat(32)}`);
    const cases: Array<[Uint8Array, string, string]> = [
      [notOnCurve, 'mainnet', 'InvalidPublicKeyError'],
      [ECDSA_PUBLIC_KEY.slice(1), 'mainnet', 'InvalidPublicKeyError'],
      [ECDSA_PUBLIC_KEY, 'signet', 'InvalidNetworkError'],
    ];
    for (const [publicKey, network, name] of cases) {
      await sameError(
        canister.btcAddresses({ ecdsaPublicKey: publicKey, schnorrPublicKey: SCHNORR_PUBLIC_KEY, network }),
        node(() => ({
          p2wpkh: btc.p2wpkhAddress({ publicKey, network: network as btc.BitcoinNetwork }),
          p2tr: btc.p2trAddress({ publicKey: SCHNORR_PUBLIC_KEY, network: network as btc.BitcoinNetwork }),
        })),
        name,
      );
    }
  });

  test('address parsing: every standard type, and bad, wrong-network and unsupported addresses', async () => {
    const cases: Array<[string, string, string | undefined]> = [
      ['1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'mainnet', undefined],
      ['36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm', 'mainnet', undefined],
      ['bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7', 'mainnet', undefined],
      ['BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'mainnet', undefined],
      [OUR_P2TR, 'mainnet', undefined],
      ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'mainnet', 'InvalidAddressError'], // checksum
      ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', 'testnet', 'WrongNetworkError'],
      ['1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'regtest', 'WrongNetworkError'],
      ['bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs', 'mainnet', 'UnsupportedAddressError'], // BIP350 v2
      ['bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', 'bitcoin', 'InvalidNetworkError'],
    ];
    for (const [address, network, errorName] of cases) {
      const fromNode = node(() => {
        const parsed = btc.parseAddress({ address, network: network as btc.BitcoinNetwork });
        return { addressType: parsed.type, network: parsed.network, scriptPubKey: parsed.scriptPubKey };
      });
      const fromCanister = canister.btcParseAddress({ address, network });
      if (errorName === undefined) await same(fromCanister, fromNode);
      else await sameError(fromCanister, fromNode, errorName);
    }
  });

  test('a 10-input transaction: unsigned bytes, fee, vsize and all ten sighashes', async () => {
    const built = await same(canister.btcBuildAndHash(toCandidBuild(BTC_BUILD)), nodeBuild(BTC_BUILD));
    // 6 P2WPKH + 4 P2TR inputs: weight 4×(4+1+1+4 + 43+31+34+31) + 2 + 6×272 + 4×230 = 3150 WU
    // = 788 vB (787.5 rounded up); fee 1,576 at 2 sat/vB; change 550,000 − 545,000 − 1,576.
    assert.equal(built.transaction.inputs.length, 10);
    assert.deepEqual([built.vsize, built.fee, built.changeIndex], [788, 1_576n, [3]]);
    assert.equal(built.transaction.outputs[3].value, 3_424n);
    assert.equal(built.sighashes.length, 10);
    assert.equal(new Set(built.sighashes.map((sighash) => hex.encode(sighash))).size, 10);
  });

  test("the Node tests' pinned 4-input transaction gives the pinned size, fee and change", async () => {
    const ecdsa = secp256k1.getPublicKey(new Uint8Array(32).fill(1), true);
    const schnorrKey = secp256k1.getPublicKey(new Uint8Array(32).fill(4), true);
    const ourP2wpkh = btc.p2wpkhAddress({ publicKey: ecdsa, network: 'mainnet' });
    const ourP2trScript = btc.parseAddress({
      address: btc.p2trAddress({ publicKey: schnorrKey, network: 'mainnet' }),
      network: 'mainnet',
    }).scriptPubKey;
    const args: Parameters<typeof btc.buildTransaction>[0] = {
      network: 'mainnet',
      utxos: [
        { txid: '5e'.repeat(32), vout: 3, value: 45_000n, address: ourP2wpkh },
        { txid: '7a'.repeat(32), vout: 0, value: 60_000n, address: ourP2wpkh },
        { txid: '6b'.repeat(32), vout: 1, value: 50_000n, scriptPubKey: ourP2trScript },
        { txid: '8c'.repeat(32), vout: 0, value: 1_000n, scriptPubKey: ourP2trScript },
      ],
      outputs: [
        { address: '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', value: 30_000n },
        { address: '36j4NfKv6Akva9amjWrLG6MuSQym1GuEmm', value: 25_000n },
        { address: 'bc1qyucykdlhp62tezs0hagqury402qwhk589q80tqs5myh3rxq34nwqhkdhv7', value: 35_000n },
        { address: 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr', value: 40_000n },
        { address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', value: 10_000n },
      ],
      changeAddress: ourP2wpkh,
      feeRate: { satPerVbyte: 5n },
    };
    const built = await same(canister.btcBuildAndHash(toCandidBuild(args)), nodeBuild(args));
    assert.deepEqual(
      built.transaction.inputs.map((input) => `${input.txid.slice(0, 2)}:${input.vout}`),
      ['7a:0', '6b:1', '5e:3'],
    );
    assert.deepEqual([built.vsize, built.fee, built.changeIndex, built.transaction.outputs[5].value], [418, 2_090n, [5], 12_910n]);
  });

  test('bad builds: dust, wrong network, insufficient funds, ambiguous UTXO, zero fee rate, unsupported input', async () => {
    const cases: Array<[string, Parameters<typeof btc.buildTransaction>[0]]> = [
      ['DustOutputError', { ...BTC_BUILD, outputs: [{ address: 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu', value: 293n }] }],
      ['WrongNetworkError', { ...BTC_BUILD, outputs: [{ address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', value: 10_000n }] }],
      ['WrongNetworkError', { ...BTC_BUILD, changeAddress: 'bcrt1q6rhpng9evdsfnn833a4f4vej0asu6dk5srld6x' }],
      ['InvalidAddressError', { ...BTC_BUILD, outputs: [{ address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', value: 10_000n }] }],
      ['InsufficientFundsError', { ...BTC_BUILD, outputs: [{ address: OUR_P2TR, value: 549_000n }] }],
      ['InvalidUtxoError', { ...BTC_BUILD, utxos: [...BTC_BUILD.utxos, { ...BTC_BUILD.utxos[0] }] }],
      ['InvalidFeeRateError', { ...BTC_BUILD, feeRate: { satPerVbyte: 0n } }],
      ['InvalidFeeRateError', { ...BTC_BUILD, feeRate: { satPerVbyte: 10_001n } }],
      ['InvalidNetworkError', { ...BTC_BUILD, network: 'testnet4' as btc.BitcoinNetwork }],
      [
        'InvalidUtxoError',
        { ...BTC_BUILD, utxos: [{ txid: '11'.repeat(32), vout: 0, value: 1_000_000n, address: '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo' }] },
      ],
      ['NoOutputsError', { ...BTC_BUILD, outputs: [] }],
    ];
    for (const [name, args] of cases) {
      await sameError(canister.btcBuildAndHash(toCandidBuild(args)), nodeBuild(args), name);
    }
    // A UTXO with both an address and a script, which the library's type forbids but Candid allows.
    const both = toCandidBuild(BTC_BUILD);
    both.utxos[0] = { ...both.utxos[0], scriptPubKey: [OUR_P2TR_SCRIPT] };
    const message = await sameError(
      canister.btcBuildAndHash(both),
      nodeBuild({
        ...BTC_BUILD,
        utxos: [{ ...BTC_BUILD.utxos[0], scriptPubKey: OUR_P2TR_SCRIPT } as unknown as btc.Utxo, ...BTC_BUILD.utxos.slice(1)],
      }),
      'InvalidUtxoError',
    );
    assert.match(message, /give exactly one of scriptPubKey \(bytes\) or address/);
  });

  test('finalizing the 10-input transaction with the "IC" signatures: same signed bytes, txid and wtxid', async () => {
    const { transaction } = btc.buildTransaction(BTC_BUILD);
    const signatures = btc
      .getSighashes(transaction)
      .map((sighash, index) =>
        btc.inputTypeOf(transaction.inputs[index].scriptPubKey) === 'p2tr'
          ? { signature: schnorr.sign(sighash, taprootTweakPrivKey(SCHNORR_SECRET), new Uint8Array(32)), publicKey: SCHNORR_PUBLIC_KEY }
          : { signature: secp256k1.sign(sighash, ECDSA_SECRET, { prehash: false }), publicKey: ECDSA_PUBLIC_KEY },
      );
    const signed = await same(
      canister.btcFinalize({ transaction: toCandidUnsigned(transaction), signatures }),
      node(() => {
        const { hex: signedHex, txid, wtxid, weight, vsize } = btc.finalizeTransaction({ transaction, signatures });
        return { hex: signedHex, txid, wtxid, weight, vsize };
      }),
    );
    // Segwit: the txid is the reversed double SHA-256 of the unsigned bytes the build returned.
    const built = ok(await canister.btcBuildAndHash(toCandidBuild(BTC_BUILD)));
    assert.equal(signed.txid, hex.encode(sha256(sha256(hex.decode(built.unsignedTxHex))).reverse()));
    assert.ok(signed.vsize <= built.vsize);

    const wrongSignature = signatures.map((entry, index) =>
      index === 4 ? { ...entry, signature: Uint8Array.from(entry.signature, (byte, i) => (i === 63 ? byte ^ 1 : byte)) } : entry,
    );
    await sameError(
      canister.btcFinalize({ transaction: toCandidUnsigned(transaction), signatures: wrongSignature }),
      node(() => btc.finalizeTransaction({ transaction, signatures: wrongSignature })),
      'InvalidSignatureError',
    );
    await sameError(
      canister.btcFinalize({ transaction: toCandidUnsigned(transaction), signatures: signatures.slice(1) }),
      node(() => btc.finalizeTransaction({ transaction, signatures: signatures.slice(1) })),
      'SignatureCountError',
    );
    const swappedKeys = signatures.map((entry) => ({
      ...entry,
      publicKey: entry.publicKey === ECDSA_PUBLIC_KEY ? SCHNORR_PUBLIC_KEY : ECDSA_PUBLIC_KEY,
    }));
    await sameError(
      canister.btcFinalize({ transaction: toCandidUnsigned(transaction), signatures: swappedKeys }),
      node(() => btc.finalizeTransaction({ transaction, signatures: swappedKeys })),
      'InputKeyMismatchError',
    );
  });
});

describe('ETH in the canister', () => {
  const web3Secret = hex.decode('4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318');
  const web3Public = secp256k1.getPublicKey(web3Secret, true);

  test('addresses: EIP-55 of the IC key, pinned keys, and bad keys', async () => {
    const one = hex.decode('0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'); // secret 1
    assert.deepEqual(await canister.ethAddress(one), { Ok: '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf' });
    assert.deepEqual(await canister.ethAddress(web3Public), { Ok: '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23' });
    await same(
      canister.ethAddress(ECDSA_PUBLIC_KEY),
      node(() => eth.publicKeyToAddress(ECDSA_PUBLIC_KEY)),
    );
    const uncompressed = secp256k1.getPublicKey(ECDSA_SECRET, false);
    await same(
      canister.ethAddress(uncompressed),
      node(() => eth.publicKeyToAddress(uncompressed)),
    );
    for (const bad of [ECDSA_PUBLIC_KEY.slice(1), hex.decode(`02${'ff'.repeat(32)}`)]) {
      await sameError(
        canister.ethAddress(bad),
        node(() => eth.publicKeyToAddress(bad)),
        'InvalidPublicKeyError',
      );
    }
  });

  test('address parsing: checksummed output, checksum typos refused', async () => {
    assert.deepEqual(await canister.ethParseAddress('0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359'), {
      Ok: '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
    });
    for (const bad of [
      '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD',
      '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beae',
      '5aaeb6053f3e94c9b9a09f33669435e7ef1beaed',
      '0xgaaeb6053f3e94c9b9a09f33669435e7ef1beaed',
    ]) {
      await sameError(
        canister.ethParseAddress(bad),
        node(() => eth.parseAddress(bad)),
        'InvalidAddressError',
      );
    }
  });

  test('EIP-1559 serialization and signing hash: pinned bytes, an ERC-20 call, bad fields', async () => {
    const serialized = await same(
      canister.ethSerialize(ethCandid(ETH_TRANSFER)),
      node(() => ({
        unsignedHex: hex.encode(eth.serializeUnsignedTransaction(ETH_TRANSFER)),
        signingHash: eth.transactionSigningHash(ETH_TRANSFER),
      })),
    );
    assert.equal(
      serialized.unsignedHex,
      '02f0' +
        '01' +
        '07' +
        '8459682f00' +
        '8506fc23ac00' +
        '825208' +
        '9470997970c51812dc3a010c7d01b50e0d17dc79c8' +
        '880de0b6b3a7640000' +
        '80' +
        'c0',
    );
    assert.equal(hex.encode(serialized.signingHash), hex.encode(keccak_256(hex.decode(serialized.unsignedHex))));

    const erc20Data = eth.encodeErc20Transfer({ to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', amount: 12_500_000n });
    const calldata = await same(
      canister.ethErc20Transfer({ to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', amount: 12_500_000n }),
      node(() => erc20Data),
    );
    assert.equal(
      hex.encode(calldata),
      `a9059cbb${'0'.repeat(24)}70997970c51812dc3a010c7d01b50e0d17dc79c8${(12_500_000).toString(16).padStart(64, '0')}`,
    );
    const tokenCall: eth.Eip1559Transaction = {
      ...ETH_TRANSFER,
      chainId: 11_155_111n,
      to: '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238',
      value: 0n,
      data: erc20Data,
      gas: 65_000n,
    };
    await same(
      canister.ethSerialize(ethCandid(tokenCall)),
      node(() => ({
        unsignedHex: hex.encode(eth.serializeUnsignedTransaction(tokenCall)),
        signingHash: eth.transactionSigningHash(tokenCall),
      })),
    );

    const badFields: eth.Eip1559Transaction[] = [
      { ...ETH_TRANSFER, nonce: (1n << 64n) - 1n },
      { ...ETH_TRANSFER, chainId: 0n },
      { ...ETH_TRANSFER, gas: 20_999n },
      { ...ETH_TRANSFER, maxPriorityFeePerGas: ETH_TRANSFER.maxFeePerGas + 1n },
      { ...ETH_TRANSFER, value: 1n << 256n },
    ];
    for (const transaction of badFields) {
      await sameError(
        canister.ethSerialize(ethCandid(transaction)),
        node(() => ({ unsignedHex: '', signingHash: eth.transactionSigningHash(transaction) })),
        'InvalidTransactionError',
      );
    }
    const badTo = { ...ETH_TRANSFER, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79c9' };
    await sameError(
      canister.ethSerialize(ethCandid(badTo)),
      node(() => ({ unsignedHex: '', signingHash: eth.transactionSigningHash(badTo) })),
      'InvalidAddressError',
    );
    await sameError(
      canister.ethErc20Transfer({ to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', amount: 1n << 256n }),
      node(() => eth.encodeErc20Transfer({ to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', amount: 1n << 256n })),
      'InvalidTransactionError',
    );
  });

  test('signed transaction: the pinned raw bytes and hash, high-S normalised, wrong key refused', async () => {
    const transfer = { ...ETH_TRANSFER };
    const signature = secp256k1.sign(eth.transactionSigningHash(transfer), web3Secret, { prehash: false });
    const expected = (sig: Uint8Array, publicKey: Uint8Array = web3Public) =>
      node(() => {
        const signed = eth.assembleSignedTransaction({ transaction: transfer, signature: sig, publicKey });
        return { rawTransaction: signed.rawTransaction, hash: signed.hash, from: signed.from, ...signed.signature };
      });
    const signed = await same(
      canister.ethAssemble({ transaction: ethCandid(transfer), signature, publicKey: web3Public }),
      expected(signature),
    );
    assert.equal(
      signed.rawTransaction,
      '0x02f873' +
        '01' +
        '07' +
        '8459682f00' +
        '8506fc23ac00' +
        '825208' +
        '9470997970c51812dc3a010c7d01b50e0d17dc79c8' +
        '880de0b6b3a7640000' +
        '80' +
        'c0' +
        '01' +
        'a08f509b0f574bba5d2d92179f7d74d38fd276032692a0459c1a798c1640487abb' +
        'a067b667381fbc04068f5c82204c026430f29adf911d997b0c4f5a587ff8a86a02',
    );
    assert.equal(signed.hash, '0x32fc1e8511fed03eadf50a74585be287b96e9053fe2749cba5011c1b078e96a4');
    assert.equal(signed.from, '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23');

    // The IC does not promise low s: the high-S twin must give the same transaction.
    const n = secp256k1.Point.Fn.ORDER;
    const s = BigInt(`0x${hex.encode(signature.slice(32))}`);
    const highS = Uint8Array.from([...signature.slice(0, 32), ...hex.decode((n - s).toString(16).padStart(64, '0'))]);
    assert.deepEqual(await canister.ethAssemble({ transaction: ethCandid(transfer), signature: highS, publicKey: web3Public }), {
      Ok: signed,
    });

    await sameError(
      canister.ethAssemble({ transaction: ethCandid(transfer), signature, publicKey: ECDSA_PUBLIC_KEY }),
      expected(signature, ECDSA_PUBLIC_KEY),
      'InvalidSignatureError',
    );
    await sameError(
      canister.ethAssemble({ transaction: ethCandid(transfer), signature: signature.slice(1), publicKey: web3Public }),
      expected(signature.slice(1)),
      'InvalidSignatureError',
    );
  });

  test('the ethereumjs EIP-1559 vectors, signed in Node and assembled in the canister', async () => {
    type Vector = {
      nonce: number;
      value: number;
      gasLimit: number;
      maxInclusionFeePerGas: number;
      maxFeePerGas: number;
      to: string;
      privateKey: Hex;
      signedTransactionRLP: Hex;
    };
    const vectors = JSON.parse(readFileSync(join(ROOT, 'test', 'vectors', 'eth', 'eip1559-ethereumjs.json'), 'utf8')) as {
      chainId: number;
      vectors: Vector[];
    };
    assert.equal(vectors.vectors.length, 10);
    for (const vector of vectors.vectors) {
      const secret = hex.decode(vector.privateKey.slice(2));
      const publicKey = secp256k1.getPublicKey(secret, true);
      const transaction: eth.Eip1559Transaction = {
        chainId: BigInt(vectors.chainId),
        nonce: BigInt(vector.nonce),
        to: vector.to,
        value: BigInt(vector.value),
        data: new Uint8Array(0),
        gas: BigInt(vector.gasLimit),
        maxFeePerGas: BigInt(vector.maxFeePerGas),
        maxPriorityFeePerGas: BigInt(vector.maxInclusionFeePerGas),
      };
      const signature = secp256k1.sign(eth.transactionSigningHash(transaction), secret, { prehash: false });
      const signed = ok(await canister.ethAssemble({ transaction: ethCandid(transaction), signature, publicKey }));
      assert.equal(signed.rawTransaction, fromRlp(vector.signedTransactionRLP, 'hex'));
    }
  });

  test('EIP-191 personal message hash', async () => {
    assert.equal(
      hex.encode(ok(await canister.ethPersonalMessageHash('hello world'))),
      'd9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68',
    );
    await same(
      canister.ethPersonalMessageHash('naïve ☃ 𝄞'),
      node(() => eth.hashPersonalMessage('naïve ☃ 𝄞')),
    );
  });
});

describe('SOL in the canister', () => {
  test('addresses: the RFC 8032 key, the workload key, bad keys', async () => {
    assert.deepEqual(await canister.solAddress(hex.decode('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a')), {
      Ok: 'FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z',
    });
    assert.deepEqual(await canister.solAddress(ED25519_PUBLIC_KEY), { Ok: SOL_FROM });
    for (const bad of [
      ED25519_PUBLIC_KEY.slice(1),
      hex.decode(`01${'00'.repeat(31)}`),
      hex.decode('00'.repeat(32)),
      hex.decode(`${'ff'.repeat(31)}7f`),
    ]) {
      await sameError(
        canister.solAddress(bad),
        node(() => sol.publicKeyToAddress(bad)),
        'InvalidPublicKeyError',
      );
    }
  });

  test('associated token accounts (Token and Token-2022) and a bad token program', async () => {
    for (const tokenProgram of [undefined, sol.TOKEN_2022_PROGRAM_ADDRESS]) {
      await same(
        canister.solAssociatedTokenAddress({ owner: SOL_FROM, mint: USDC, tokenProgram: tokenProgram === undefined ? [] : [tokenProgram] }),
        node(() => sol.findAssociatedTokenAddress({ owner: SOL_FROM, mint: USDC, tokenProgram })),
      );
    }
    await sameError(
      canister.solAssociatedTokenAddress({ owner: SOL_FROM, mint: USDC, tokenProgram: ['11111111111111111111111111111111'] }),
      node(() => sol.findAssociatedTokenAddress({ owner: SOL_FROM, mint: USDC, tokenProgram: '11111111111111111111111111111111' })),
      'InvalidAddressError',
    );
  });

  test('SOL transfer messages: the Trust Wallet vector byte for byte, bad parameters', async () => {
    const trust = (
      JSON.parse(readFileSync(join(ROOT, 'test', 'vectors', 'sol', 'trustwallet-transactions.json'), 'utf8')) as {
        transferMessageData: { from: string; to: string; lamports: string; recentBlockhash: string; messageHex: string };
      }
    ).transferMessageData;
    const message = ok(
      await canister.solCompileTransfer({
        from: trust.from,
        to: trust.to,
        lamports: BigInt(trust.lamports),
        recentBlockhash: trust.recentBlockhash,
      }),
    );
    assert.equal(hex.encode(message), trust.messageHex);
    await same(
      canister.solCompileTransfer(SOL_TRANSFER),
      node(() => sol.compileSolTransferMessage(SOL_TRANSFER)),
    );

    const bad = [
      { ...SOL_TRANSFER, lamports: 0n },
      { ...SOL_TRANSFER, lamports: 1n << 64n },
      { ...SOL_TRANSFER, to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
      { ...SOL_TRANSFER, recentBlockhash: 'not-a-blockhash' },
    ];
    for (const request of bad) {
      await sameError(
        canister.solCompileTransfer(request),
        node(() => sol.compileSolTransferMessage(request)),
        'InvalidTransactionError',
      );
    }
  });

  test('SPL transfers (ties ordered by the collator shim), with and without ATA creation, Token-2022; bad ones', async () => {
    const base: SolSplRequest = {
      from: SOL_FROM,
      to: SOL_TO,
      mint: USDC,
      amount: 2_500_000n,
      decimals: 6,
      recentBlockhash: SOL_BLOCKHASH,
      createRecipientAccount: false,
      tokenProgram: [],
      allowOwnerOffCurve: false,
    };
    const compile = (request: SolSplRequest) =>
      node(() => sol.compileSplTransferMessage({ ...request, tokenProgram: request.tokenProgram[0] }));
    const good: SolSplRequest[] = [
      base,
      { ...base, createRecipientAccount: true },
      { ...base, tokenProgram: [sol.TOKEN_2022_PROGRAM_ADDRESS], createRecipientAccount: true },
      { ...base, to: sol.findAssociatedTokenAddress({ owner: SOL_TO, mint: USDC }), allowOwnerOffCurve: true },
    ];
    for (const request of good) await same(canister.solCompileSpl(request), compile(request));

    const bad: SolSplRequest[] = [
      { ...base, to: sol.findAssociatedTokenAddress({ owner: SOL_TO, mint: USDC }) }, // off-curve recipient
      { ...base, decimals: 256 },
      { ...base, amount: 0n },
      { ...base, tokenProgram: ['11111111111111111111111111111111'] },
      { ...base, mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1O' }, // 'O' is not base58
    ];
    for (const request of bad) await sameError(canister.solCompileSpl(request), compile(request), 'InvalidTransactionError');
  });

  test("attaching the fee payer's signature: base64 wire transaction and base58 id; bad signatures refused", async () => {
    const messageBytes = sol.compileSolTransferMessage(SOL_TRANSFER);
    const signature = ed25519.sign(messageBytes, ED25519_SEED);
    const attached = await same(
      canister.solAttach({ messageBytes, signature }),
      node(() => sol.attachSignature({ messageBytes, signature })),
    );
    assert.equal(hex.encode(attached.transactionBytes), `01${hex.encode(signature)}${hex.encode(messageBytes)}`);

    const flipped = Uint8Array.from(signature, (byte, i) => (i === 0 ? byte ^ 1 : byte));
    await sameError(
      canister.solAttach({ messageBytes, signature: flipped }),
      node(() => sol.attachSignature({ messageBytes, signature: flipped })),
      'InvalidSignatureError',
    );
    await sameError(
      canister.solAttach({ messageBytes: messageBytes.slice(0, 10), signature }),
      node(() => sol.attachSignature({ messageBytes: messageBytes.slice(0, 10), signature })),
      'InvalidTransactionError',
    );
  });
});

describe('amounts in the canister', () => {
  test('parseUnits and formatUnits, including the uint256 and 255-decimal edges, and bad strings', async () => {
    const parses: Array<[string, number]> = [
      ['1.5', 18],
      ['0.00000001', 8],
      ['007.10', 2],
      ['0', 0],
      [MAX_UINT256.toString(), 0],
      ['1', 255],
      ['1.', 18],
      ['.5', 18],
      ['1e18', 18],
      ['-1', 18],
      ['', 6],
      ['1.0000001', 6],
      [(MAX_UINT256 + 1n).toString(), 0],
      ['１', 0],
      ['1', 256],
    ];
    for (const [value, decimals] of parses) {
      const fromNode = node(() => parseUnits({ value, decimals }));
      assert.deepEqual(await canister.parseUnits({ value, decimals }), fromNode, `parseUnits("${value}", ${decimals})`);
    }
    assert.deepEqual(await canister.parseUnits({ value: '1.5', decimals: 18 }), { Ok: 1_500_000_000_000_000_000n });
    assert.equal(
      ((await canister.parseUnits({ value: '1e18', decimals: 18 })) as { Err: { name: string } }).Err.name,
      'InvalidAmountError',
    );
    assert.equal(
      ((await canister.parseUnits({ value: '1', decimals: 256 })) as { Err: { name: string } }).Err.name,
      'InvalidDecimalsError',
    );

    const formats: Array<[bigint, number]> = [
      [1_500_000_000_000_000_000n, 18],
      [1n, 8],
      [-123_456n, 3],
      [0n, 0],
      [MAX_UINT256, 255],
      [10n, 300],
    ];
    for (const [value, decimals] of formats) {
      assert.deepEqual(
        await canister.formatUnits({ value, decimals }),
        node(() => formatUnits({ value, decimals })),
        `formatUnits(${value}, ${decimals})`,
      );
    }
    assert.deepEqual(await canister.formatUnits({ value: -123_456n, decimals: 3 }), { Ok: '-123.456' });
  });

  test('per-chain amounts: BTC (21M cap), ETH, SOL (u64 cap)', async () => {
    const parses: Array<['btc' | 'eth' | 'sol', string, string | undefined]> = [
      ['btc', '0.00012345', undefined],
      ['btc', '21000000', undefined],
      ['btc', '21000000.00000001', 'InvalidAmountError'],
      ['btc', '0.000000001', 'InvalidAmountError'],
      ['eth', '0.5', undefined],
      ['eth', '1.0000000000000000001', 'InvalidAmountError'],
      ['sol', '0.25', undefined],
      ['sol', '18446744073.709551615', undefined],
      ['sol', '18446744073.709551616', 'InvalidAmountError'],
    ];
    const parseInNode = (name: 'btc' | 'eth' | 'sol', value: string) =>
      node(() => (name === 'btc' ? btc.parseBtc(value) : name === 'eth' ? eth.parseEther(value) : sol.parseSol(value)));
    for (const [name, value, errorName] of parses) {
      if (errorName === undefined) await same(canister.parseAmount({ chain: chain(name), value }), parseInNode(name, value));
      else await sameError(canister.parseAmount({ chain: chain(name), value }), parseInNode(name, value), errorName);
    }
    assert.deepEqual(await canister.parseAmount({ chain: chain('btc'), value: '0.00012345' }), { Ok: 12_345n });

    const formats: Array<['btc' | 'eth' | 'sol', bigint, string | undefined]> = [
      ['btc', 12_345n, undefined],
      ['btc', btc.MAX_MONEY + 1n, 'InvalidAmountError'],
      ['btc', -1n, 'InvalidAmountError'],
      ['eth', 123_456_789_000_000_000n, undefined],
      ['sol', 250_000_000n, undefined],
    ];
    const formatInNode = (name: 'btc' | 'eth' | 'sol', value: bigint) =>
      node(() => (name === 'btc' ? btc.formatBtc(value) : name === 'eth' ? eth.formatEther(value) : sol.formatSol(value)));
    for (const [name, value, errorName] of formats) {
      if (errorName === undefined) await same(canister.formatAmount({ chain: chain(name), value }), formatInNode(name, value));
      else await sameError(canister.formatAmount({ chain: chain(name), value }), formatInNode(name, value), errorName);
    }
    assert.deepEqual(await canister.formatAmount({ chain: chain('eth'), value: 123_456_789_000_000_000n }), { Ok: '0.123456789' });
  });
});

describe('the benchmark entry point', () => {
  test('measure runs every benchmark operation and counts its instructions; unknown operations are refused', async () => {
    for (const op of BENCH_OP_NAMES) {
      const { instructions, instructionsPerOp, firstOp } = ok(await canister.measure({ op, iterations: 2 }));
      assert.ok(firstOp > 0n && firstOp < instructions, op);
      assert.equal(instructionsPerOp, instructions / 2n, op);
    }
    assert.deepEqual(await canister.measure({ op: 'mine', iterations: 1 }), {
      Err: { name: 'UnknownOperation', message: 'Unknown benchmark operation "mine"' },
    });
  });
  test('measureBtcSign counts getSighashes and finalizeTransaction in one update, with the library errors', async () => {
    const { transaction } = btc.buildTransaction(BTC_BUILD);
    const signatures = btc
      .getSighashes(transaction)
      .map((sighash, index) =>
        btc.inputTypeOf(transaction.inputs[index].scriptPubKey) === 'p2tr'
          ? { signature: schnorr.sign(sighash, taprootTweakPrivKey(SCHNORR_SECRET), new Uint8Array(32)), publicKey: SCHNORR_PUBLIC_KEY }
          : { signature: secp256k1.sign(sighash, ECDSA_SECRET, { prehash: false }), publicKey: ECDSA_PUBLIC_KEY },
      );
    const { sighashes, finalize } = ok(await canister.measureBtcSign({ transaction: toCandidUnsigned(transaction), signatures }));
    // Ten verified signatures cost far more than hashing ten inputs.
    assert.ok(sighashes > 0n && finalize > 10n * sighashes, `sighashes ${sighashes}, finalize ${finalize}`);
    await sameError(
      canister.measureBtcSign({ transaction: toCandidUnsigned(transaction), signatures: signatures.slice(1) }),
      node(() => {
        btc.finalizeTransaction({ transaction, signatures: signatures.slice(1) });
        return { sighashes: 0n, finalize: 0n };
      }),
      'SignatureCountError',
    );
  });
});
