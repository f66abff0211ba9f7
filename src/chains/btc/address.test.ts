import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hash160 } from '@scure/btc-signer/utils.js';
import { Address, NETWORK, TEST_NETWORK } from '@scure/btc-signer';
import { base58check as makeBase58check, hex } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertNetwork, p2trAddress, p2wpkhAddress, parseAddress, taprootOutputKey, type BitcoinNetwork } from './address.ts';
import {
  BtcError,
  InvalidAddressError,
  InvalidNetworkError,
  InvalidPublicKeyError,
  UnsupportedAddressError,
  WrongNetworkError,
} from './errors.ts';
import { WalletError } from '../../lib/errors.ts';

bitcoin.initEccLib(ecc);

function loadVectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../test/vectors/btc/${name}`, import.meta.url), 'utf8')) as T;
}

const NETWORKS: BitcoinNetwork[] = ['mainnet', 'testnet', 'regtest'];
/** bitcoinjs-lib's network objects: the independent implementation. */
const BITCOINJS_NETWORK: Record<BitcoinNetwork, bitcoin.Network> = {
  mainnet: bitcoin.networks.bitcoin,
  testnet: bitcoin.networks.testnet,
  regtest: bitcoin.networks.regtest,
};
const NETWORK_OF_HRP: Record<string, BitcoinNetwork> = { bc: 'mainnet', tb: 'testnet', bcrt: 'regtest' };
const hrpNetwork = (address: string): BitcoinNetwork =>
  NETWORK_OF_HRP[address.toLowerCase().slice(0, address.toLowerCase().lastIndexOf('1'))];

/** Expects `fn` to throw an error of class `Class` and returns it, for exact field checks. */
function catchError<T extends Error>(fn: () => unknown, Class: new (...args: never[]) => T): T {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Class, `expected ${Class.name}, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${Class.name}, nothing thrown`);
}

describe('p2wpkhAddress', () => {
  type Bip84 = { vectors: { pubkey: string; address: string }[] };
  test('BIP84 vectors: compressed key -> P2WPKH mainnet address', () => {
    const { vectors } = loadVectors<Bip84>('bip84.json');
    assert.equal(vectors.length, 3);
    for (const { pubkey, address } of vectors) {
      assert.equal(p2wpkhAddress({ publicKey: hex.decode(pubkey), network: 'mainnet' }), address);
    }
  });

  test('the same key on each network (exact), agreeing with bitcoinjs-lib', () => {
    const publicKey = hex.decode('0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c');
    assert.equal(p2wpkhAddress({ publicKey, network: 'mainnet' }), 'bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu');
    assert.equal(p2wpkhAddress({ publicKey, network: 'testnet' }), 'tb1qcr8te4kr609gcawutmrza0j4xv80jy8zmfp6l0');
    assert.equal(p2wpkhAddress({ publicKey, network: 'regtest' }), 'bcrt1qcr8te4kr609gcawutmrza0j4xv80jy8zeqchgx');
    for (const network of NETWORKS) {
      const expected = bitcoin.payments.p2wpkh({ pubkey: publicKey, network: BITCOINJS_NETWORK[network] }).address;
      assert.equal(p2wpkhAddress({ publicKey, network }), expected);
    }
  });
});

describe('p2trAddress and taprootOutputKey (BIP86)', () => {
  type Bip86 = {
    vectors: { xpub: string; internal_key: string; output_key: string; scriptPubKey: string; address: string }[];
  };
  test('BIP86 vectors: the 33-byte key of each xpub -> output key and address', () => {
    const { vectors } = loadVectors<Bip86>('bip86.json');
    assert.equal(vectors.length, 3);
    const base58check = makeBase58check(sha256);
    for (const vector of vectors) {
      // BIP32 serialization: 4 version, 1 depth, 4 fingerprint, 4 child, 32 chain code, 33 key.
      const publicKey = base58check.decode(vector.xpub).slice(45, 78);
      assert.equal(hex.encode(publicKey.slice(1)), vector.internal_key);
      assert.equal(hex.encode(taprootOutputKey(publicKey)), vector.output_key);
      assert.equal(p2trAddress({ publicKey, network: 'mainnet' }), vector.address);
      assert.deepEqual(parseAddress({ address: vector.address, network: 'mainnet' }), {
        type: 'p2tr',
        network: 'mainnet',
        scriptPubKey: hex.decode(vector.scriptPubKey),
      });
    }
  });

  type Bip341 = {
    scriptPubKey: {
      given: { internalPubkey: string };
      intermediary: { tweakedPubkey: string };
      expected: { scriptPubKey: string; bip350Address: string };
    }[];
  };
  test('BIP341 wallet vector without script tree; the prefix (y parity) does not matter', () => {
    const [vector] = loadVectors<Bip341>('bip341.json').scriptPubKey;
    for (const prefix of ['02', '03']) {
      const publicKey = hex.decode(prefix + vector.given.internalPubkey);
      assert.equal(hex.encode(taprootOutputKey(publicKey)), vector.intermediary.tweakedPubkey);
      assert.equal(p2trAddress({ publicKey, network: 'mainnet' }), vector.expected.bip350Address);
    }
    assert.equal(
      hex.encode(parseAddress({ address: vector.expected.bip350Address, network: 'mainnet' }).scriptPubKey),
      vector.expected.scriptPubKey,
    );
  });

  test('each network (exact), agreeing with bitcoinjs-lib', () => {
    const publicKey = hex.decode('03cc8a4bc64d897bddc5fbc2f670f7a8ba0b386779106cf1223c6fc5d7cd6fc115');
    assert.equal(p2trAddress({ publicKey, network: 'mainnet' }), 'bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr');
    assert.equal(p2trAddress({ publicKey, network: 'testnet' }), 'tb1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqp3mvzv');
    assert.equal(p2trAddress({ publicKey, network: 'regtest' }), 'bcrt1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqvg32hk');
    for (const network of NETWORKS) {
      const expected = bitcoin.payments.p2tr({ internalPubkey: publicKey.slice(1), network: BITCOINJS_NETWORK[network] }).address;
      assert.equal(p2trAddress({ publicKey, network }), expected);
    }
  });
});

describe('public key validation', () => {
  const good = hex.decode('0330d54fd0dd420a6e5f8d3624f5f3482cae350f79d5f0753bf5beef9c2d91af3c');
  const cases: [string, Uint8Array, string][] = [
    ['32 bytes (x-only)', good.slice(1), 'expected 33 bytes (SEC1 compressed), got 32'],
    ['65 bytes (uncompressed)', secp256k1.getPublicKey(new Uint8Array(32).fill(1), false), 'expected 33 bytes (SEC1 compressed), got 65'],
    ['prefix 0x04', Uint8Array.of(0x04, ...good.slice(1)), 'expected prefix 0x02 or 0x03, got 0x04'],
    ['prefix 0x00', Uint8Array.of(0x00, ...good.slice(1)), 'expected prefix 0x02 or 0x03, got 0x00'],
    // x = 5: 5^3 + 7 = 132 is not a square mod p, so no point has this x.
    ['x not on the curve', hex.decode(`02${'0'.repeat(63)}5`), 'not a point on secp256k1'],
    ['x >= p', hex.decode(`02${'f'.repeat(64)}`), 'not a point on secp256k1'],
  ];
  for (const [name, publicKey, details] of cases) {
    test(name, () => {
      for (const make of [p2wpkhAddress, p2trAddress]) {
        const error = catchError(() => make({ publicKey, network: 'mainnet' }), InvalidPublicKeyError);
        assert.equal(error.publicKey, hex.encode(publicKey));
        assert.equal(error.details, details);
        assert.equal(error.message, `Invalid public key "${hex.encode(publicKey)}": ${details}`);
        assert.ok(error instanceof BtcError && error instanceof WalletError);
      }
    });
  }
  test('not bytes', () => {
    const error = catchError(() => p2wpkhAddress({ publicKey: 'abc' as unknown as Uint8Array, network: 'mainnet' }), InvalidPublicKeyError);
    assert.equal(error.message, 'Invalid public key "abc": expected a Uint8Array');
  });
  test('unknown network', () => {
    const error = catchError(() => p2wpkhAddress({ publicKey: good, network: 'signet' as BitcoinNetwork }), InvalidNetworkError);
    assert.equal(error.message, 'Invalid Bitcoin network "signet": expected "mainnet", "testnet" or "regtest"');
    assert.throws(() => assertNetwork('Mainnet'), InvalidNetworkError);
    assert.doesNotThrow(() => assertNetwork('regtest'));
  });
});

describe('parseAddress: standard vectors', () => {
  type AddressVectors = {
    valid: { address: string; scriptPubKey: string }[];
    validUnderBip173Only?: { address: string; scriptPubKey: string }[];
    invalid: { address: string; reason: string }[];
  };

  /** Checks a valid vector on its own network and on the two others. */
  function checkValid({ address, scriptPubKey, network }: { address: string; scriptPubKey: string; network: BitcoinNetwork }) {
    const version = Number.parseInt(scriptPubKey.slice(0, 2), 16);
    const isTaproot = version === 0x51 && scriptPubKey.length === 68;
    const supported = (version === 0x00 && (scriptPubKey.length === 44 || scriptPubKey.length === 68)) || isTaproot;
    if (isTaproot && !ecc.isXOnlyPoint(hex.decode(scriptPubKey.slice(4)))) {
      // Deliberately stricter than BIP350 and Bitcoin Core: a program that is not a valid x-only
      // key (about half of random 32-byte strings, as in Core's vectors) makes the coins
      // unspendable, and no real taproot output has one.
      const error = catchError(() => parseAddress({ address, network }), InvalidAddressError);
      assert.equal(error.details, 'the taproot output key is not a valid x-only public key; coins sent to it could never be spent');
    } else if (supported) {
      const parsed = parseAddress({ address, network });
      assert.equal(hex.encode(parsed.scriptPubKey), scriptPubKey, address);
      assert.equal(parsed.network, network);
      assert.equal(parsed.type, version === 0x51 ? 'p2tr' : scriptPubKey.length === 44 ? 'p2wpkh' : 'p2wsh');
      // The independent implementation decodes to the same script.
      assert.equal(hex.encode(bitcoin.address.toOutputScript(address, BITCOINJS_NETWORK[network])), scriptPubKey);
    } else {
      // Versions 2..16 and non-32-byte v1 programs: decoded, but not paid to.
      const error = catchError(() => parseAddress({ address, network }), UnsupportedAddressError);
      assert.equal(hex.encode(error.scriptPubKey), scriptPubKey, address);
    }
    for (const other of NETWORKS.filter((each) => each !== network)) {
      // Refused on its own network, so refused the same way on every network, not as another
      // network's (issue 11).
      if (isTaproot && !ecc.isXOnlyPoint(hex.decode(scriptPubKey.slice(4)))) {
        catchError(() => parseAddress({ address, network: other }), InvalidAddressError);
        continue;
      }
      if (!supported) {
        catchError(() => parseAddress({ address, network: other }), UnsupportedAddressError);
        continue;
      }
      const error = catchError(() => parseAddress({ address, network: other }), WrongNetworkError);
      assert.deepEqual([error.expected, error.actual], [other, network]);
    }
  }

  test('BIP350 valid segwit addresses', () => {
    const { valid } = loadVectors<AddressVectors>('bip350.json');
    assert.equal(valid.length, 8);
    for (const { address, scriptPubKey } of valid) checkValid({ address, scriptPubKey, network: hrpNetwork(address) });
  });

  test('BIP350 invalid segwit addresses are InvalidAddressError on every network', () => {
    const { invalid } = loadVectors<AddressVectors>('bip350.json');
    assert.equal(invalid.length, 15);
    for (const { address } of invalid) {
      for (const network of NETWORKS) catchError(() => parseAddress({ address, network }), InvalidAddressError);
    }
  });

  test('BIP173 valid v0 addresses; its v1+ bech32 addresses are invalid since BIP350', () => {
    const vectors = loadVectors<AddressVectors>('bip173.json');
    assert.equal(vectors.valid.length, 3);
    for (const { address, scriptPubKey } of vectors.valid) checkValid({ address, scriptPubKey, network: hrpNetwork(address) });
    assert.equal(vectors.validUnderBip173Only?.length, 3);
    for (const { address } of vectors.validUnderBip173Only ?? []) {
      const error = catchError(() => parseAddress({ address, network: 'mainnet' }), InvalidAddressError);
      assert.match(error.details ?? '', /^witness version (1|2|16) must be encoded with bech32m, not bech32$/);
    }
  });

  test('BIP173 invalid segwit addresses', () => {
    const { invalid } = loadVectors<AddressVectors>('bip173.json');
    assert.equal(invalid.length, 10);
    for (const { address } of invalid) {
      for (const network of NETWORKS) catchError(() => parseAddress({ address, network }), InvalidAddressError);
    }
  });

  type KeyIo = { valid: [string, string, string][]; invalid: string[] };
  const CHAIN: Record<string, BitcoinNetwork> = { main: 'mainnet', testnet4: 'testnet', regtest: 'regtest' };

  test('Bitcoin Core key_io_valid: base58 and bech32 addresses of main, testnet4 and regtest', () => {
    const { valid } = loadVectors<KeyIo>('bitcoin-core-key-io.json');
    assert.equal(valid.length, 40);
    for (const [address, scriptPubKey, chain] of valid) {
      const network = CHAIN[chain];
      const isBase58 = !/^(bc|tb|bcrt)1/i.test(address);
      if (!isBase58) {
        checkValid({ address, scriptPubKey, network });
        // Core's tryCaseFlip: the all-uppercase form is the same address, with the same outcome.
        const outcome = (text: string) => {
          try {
            return hex.encode(parseAddress({ address: text, network }).scriptPubKey);
          } catch (error) {
            return error instanceof BtcError ? `${error.name}: ${error.details}` : 'unexpected';
          }
        };
        assert.equal(outcome(address.toUpperCase()), outcome(address));
        continue;
      }
      // Base58: testnet and regtest share version bytes, so a test address is valid for both.
      const accepted: BitcoinNetwork[] = network === 'mainnet' ? ['mainnet'] : ['testnet', 'regtest'];
      for (const each of accepted) {
        const parsed = parseAddress({ address, network: each });
        assert.equal(hex.encode(parsed.scriptPubKey), scriptPubKey, address);
        assert.equal(parsed.type, scriptPubKey.startsWith('76a914') ? 'p2pkh' : 'p2sh');
        assert.equal(hex.encode(bitcoin.address.toOutputScript(address, BITCOINJS_NETWORK[each])), scriptPubKey);
        assert.equal(hex.encode(parsed.scriptPubKey), hex.encode(bitcoin.address.toOutputScript(address, BITCOINJS_NETWORK[each])));
      }
      for (const other of NETWORKS.filter((each) => !accepted.includes(each))) {
        catchError(() => parseAddress({ address, network: other }), WrongNetworkError);
      }
    }
  });

  test('Bitcoin Core key_io_invalid: InvalidAddressError on every network', () => {
    const { invalid } = loadVectors<KeyIo>('bitcoin-core-key-io.json');
    assert.equal(invalid.length, 54);
    for (const address of invalid) {
      for (const network of NETWORKS) catchError(() => parseAddress({ address, network }), InvalidAddressError);
    }
  });

  test('scure btc-signer decodes the supported vectors to the same scripts', () => {
    const { valid } = loadVectors<KeyIo>('bitcoin-core-key-io.json');
    const scureNetwork = { mainnet: NETWORK, testnet: TEST_NETWORK } as const;
    for (const [address, scriptPubKey, chain] of valid) {
      if (chain === 'regtest' || !/^(76a914|a914|0014|0020|5120)/.test(scriptPubKey)) continue;
      const network = CHAIN[chain] as 'mainnet' | 'testnet';
      if (scriptPubKey.startsWith('5120') && !ecc.isXOnlyPoint(hex.decode(scriptPubKey.slice(4)))) continue;
      const decoded = Address(scureNetwork[network]).decode(address);
      const scureScript =
        decoded.type === 'tr'
          ? `5120${hex.encode(decoded.pubkey)}`
          : decoded.type === 'wpkh'
            ? `0014${hex.encode(decoded.hash)}`
            : decoded.type === 'wsh'
              ? `0020${hex.encode(decoded.hash)}`
              : decoded.type === 'pkh'
                ? `76a914${hex.encode(decoded.hash)}88ac`
                : decoded.type === 'sh'
                  ? `a914${hex.encode(decoded.hash)}87`
                  : 'unexpected';
      assert.equal(scureScript, scriptPubKey);
      assert.equal(hex.encode(parseAddress({ address, network }).scriptPubKey), scriptPubKey);
    }
  });
});

describe('parseAddress: bad input, exact errors', () => {
  test('wrong network, bech32 and base58', () => {
    let error = catchError(
      () => parseAddress({ address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', network: 'testnet' }),
      WrongNetworkError,
    );
    assert.equal(error.message, 'Address "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4" is for mainnet, not testnet');
    error = catchError(
      () => parseAddress({ address: 'bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9', network: 'testnet' }),
      WrongNetworkError,
    );
    assert.deepEqual([error.address, error.expected, error.actual], ['bcrt1qdavt4j2sd7dlhqsavtnfxvzppw6k7qy97tmnu9', 'testnet', 'regtest']);
    error = catchError(() => parseAddress({ address: '1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', network: 'regtest' }), WrongNetworkError);
    assert.equal(error.message, 'Address "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo" is for mainnet, not regtest');
    error = catchError(() => parseAddress({ address: 'mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ', network: 'mainnet' }), WrongNetworkError);
    assert.equal(error.actual, 'testnet');
  });

  const invalid: [string, string][] = [
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', 'invalid bech32/bech32m checksum or character'],
    ['tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7', 'mixed upper and lower case'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd', 'witness version 1 must be encoded with bech32m, not bech32'],
    ['bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', 'witness version 0 must be encoded with bech32, not bech32m'],
    ['BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R', 'invalid witness version 17'],
    ['bc1pw5dgrnzv', 'invalid witness program length 1 (2..40 bytes)'],
    ['BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P', 'a version 0 witness program has 20 or 32 bytes, got 16'],
    ['bc1gmk9yu', 'empty data part'],
    ['bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf', 'invalid padding of the witness program'],
    ['1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mp', 'not a bech32 address and not valid base58check (bad character or checksum)'],
    [' 1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo', 'not a bech32 address and not valid base58check (bad character or checksum)'],
    ['', 'expected 1..90 characters, got 0'],
    [`bc1${'q'.repeat(88)}`, 'expected 1..90 characters, got 91'],
  ];
  for (const [address, details] of invalid) {
    test(`${address.slice(0, 24) || '(empty)'}…: ${details}`, () => {
      const error = catchError(() => parseAddress({ address, network: 'mainnet' }), InvalidAddressError);
      assert.equal(error.address, address);
      assert.equal(error.details, details);
      assert.equal(error.message, `Invalid Bitcoin address "${address}": ${details}`);
    });
  }

  test('a 21-byte base58check payload with an unknown version byte', () => {
    const address = makeBase58check(sha256).encode(Uint8Array.of(0x30, ...new Uint8Array(20)));
    const error = catchError(() => parseAddress({ address, network: 'mainnet' }), InvalidAddressError);
    assert.equal(error.details, 'unknown base58 version byte 0x30');
  });

  test('a base58check payload that is not 21 bytes', () => {
    const address = makeBase58check(sha256).encode(Uint8Array.of(0x00, ...new Uint8Array(32)));
    const error = catchError(() => parseAddress({ address, network: 'mainnet' }), InvalidAddressError);
    assert.equal(error.details, 'expected a 1-byte version and a 20-byte hash, got 33 bytes');
  });

  test('a taproot program that is not a valid x-only key', () => {
    // x = 5 is not the x coordinate of any point (see the key tests above).
    const address = bitcoin.address.toBech32(hex.decode(`${'0'.repeat(63)}5`), 1, 'bc');
    const error = catchError(() => parseAddress({ address, network: 'mainnet' }), InvalidAddressError);
    assert.equal(error.details, 'the taproot output key is not a valid x-only public key; coins sent to it could never be spent');
  });

  test('P2A (witness v1, 2-byte program) is recognised but not paid to', () => {
    const error = catchError(() => parseAddress({ address: 'bc1pfeessrawgf', network: 'mainnet' }), UnsupportedAddressError);
    assert.equal(hex.encode(error.scriptPubKey), '51024e73');
    assert.equal(error.details, 'witness version 1 with a 2-byte program is not a standard output type yet');
  });

  test('not a string', () => {
    const error = catchError(() => parseAddress({ address: 42 as unknown as string, network: 'mainnet' }), InvalidAddressError);
    assert.equal(error.message, 'Invalid Bitcoin address "42": expected a string, got number');
  });
});

describe('address round trips (fast-check)', () => {
  const privateKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).filter((bytes) => secp256k1.utils.isValidSecretKey(bytes));
  const network = fc.constantFrom<BitcoinNetwork>('mainnet', 'testnet', 'regtest');

  test('P2WPKH: key -> address -> parse gives OP_0 <HASH160(key)>, as bitcoinjs-lib', () => {
    fc.assert(
      fc.property(privateKey, network, (secret, net) => {
        const publicKey = secp256k1.getPublicKey(secret, true);
        const address = p2wpkhAddress({ publicKey, network: net });
        const parsed = parseAddress({ address, network: net });
        assert.equal(parsed.type, 'p2wpkh');
        assert.equal(hex.encode(parsed.scriptPubKey), `0014${hex.encode(hash160(publicKey))}`);
        const reference = bitcoin.payments.p2wpkh({ pubkey: publicKey, network: BITCOINJS_NETWORK[net] });
        assert.equal(address, reference.address);
        assert.equal(hex.encode(parsed.scriptPubKey), hex.encode(reference.output!));
      }),
      { numRuns: 200 },
    );
  });

  test('P2TR: key -> address -> parse gives OP_1 <output key>, as bitcoinjs-lib', () => {
    fc.assert(
      fc.property(privateKey, network, (secret, net) => {
        const publicKey = secp256k1.getPublicKey(secret, true);
        const address = p2trAddress({ publicKey, network: net });
        const parsed = parseAddress({ address, network: net });
        assert.equal(parsed.type, 'p2tr');
        assert.equal(hex.encode(parsed.scriptPubKey), `5120${hex.encode(taprootOutputKey(publicKey))}`);
        const reference = bitcoin.payments.p2tr({ internalPubkey: publicKey.slice(1), network: BITCOINJS_NETWORK[net] });
        assert.equal(address, reference.address);
        assert.equal(hex.encode(parsed.scriptPubKey), hex.encode(reference.output!));
        // Upper case is the same address (BIP173).
        assert.deepEqual(parseAddress({ address: address.toUpperCase(), network: net }), parsed);
      }),
      { numRuns: 100 },
    );
  });
});
