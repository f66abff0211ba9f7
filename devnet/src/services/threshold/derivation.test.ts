import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { secp256k1 as icSecp256k1 } from '@dfinity/ic-pub-key/ecdsa';
import { bip340secp256k1 as icBip340, ed25519 as icEd25519 } from '@dfinity/ic-pub-key/schnorr';
import { Principal } from '@icp-sdk/core/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { deriveEd25519 } from './ed25519-derivation.ts';
import { ThresholdArgumentError, ThresholdKeys } from './index.ts';
import { KEY_TYPES, type KeyType } from './key-id.ts';
import { deriveSecp256k1 } from './secp256k1-derivation.ts';
import { decodePublicKeyReply, methodsOf, publicKeyArg } from './test-args.ts';

const SEED = Uint8Array.from({ length: 32 }, (_, i) => i);
const keys = new ThresholdKeys({ seed: SEED });
const CANISTER = Principal.fromText('h5jwf-5iaaa-aaaan-qmvoa-cai').toUint8Array();
const OTHER_CANISTER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai').toUint8Array();
const PATHS: Uint8Array[][] = [[], [Uint8Array.of(0, 0, 0, 7)], [new Uint8Array(), hexToBytes('5468726573686f6c64'), new Uint8Array()]];

/** What @dfinity/ic-pub-key derives from the devnet's master public key for [canister, ...path]. */
function icPubKeyDerive(args: { keyType: KeyType; keyName: string; canisterId: Uint8Array; derivationPath: Uint8Array[] }): {
  publicKey: string;
  chainCode: string;
} {
  const master = keys.masterPublicKey({ keyType: args.keyType, keyName: args.keyName });
  const path = [args.canisterId, ...args.derivationPath];
  if (args.keyType === 'schnorr_ed25519') {
    const mk = icEd25519.PublicKeyWithChainCode.fromHex(bytesToHex(master.publicKey), bytesToHex(master.chainCode));
    const d = mk.deriveSubkeyWithChainCode(new icEd25519.DerivationPath(path));
    return { publicKey: d.public_key.toHex(), chainCode: d.chain_code.toHex() };
  }
  const ns = args.keyType === 'ecdsa_secp256k1' ? icSecp256k1 : icBip340;
  const mk = ns.PublicKeyWithChainCode.fromHex({ public_key: bytesToHex(master.publicKey), chain_code: bytesToHex(master.chainCode) });
  const d = mk.deriveSubkeyWithChainCode(new ns.DerivationPath(path)).toHex();
  return { publicKey: d.public_key, chainCode: d.chain_code };
}

describe('master keys', () => {
  // Fixed test seed 00 01 .. 1f: the devnet's master public keys for it, one per key type and name.
  const EXPECTED: Record<KeyType, Record<string, string>> = {
    ecdsa_secp256k1: {
      dfx_test_key: '02e4d2769cd62842b75f18ee0b68ef9e1774ab3f56b59dc8afdedd689861b19bce',
      test_key_1: '0349c05a4b2c350860b6f8647cdac5820ba8504e5c8ffa3849d0286253793350c7',
      key_1: '03ec9258619b0e9f896bdb895df2ebcb1ebdbc5f68a89de0e8dbeca3ad88380d22',
    },
    schnorr_bip340secp256k1: {
      dfx_test_key: '0240db81ed3805019b13680ff82346c49c113a0b45e70ee522b77dda0ea9308d2e',
      test_key_1: '02dc9e7b241978a9629ec67110fdc7c9cdb0cfa49af5746ef70fffbc585812ece7',
      key_1: '0284577455b8799283796c81430856fa9ac7915e8540605093e42faa8b07944680',
    },
    schnorr_ed25519: {
      dfx_test_key: '0a65d4e69b9bdb5384f6d300e3e376b80d6b09a58439ca3b96b7e0493b0ff7f5',
      test_key_1: '7c64584d593040baa722944c7817437a08928880eb9c6e066cd4d25bfef713d0',
      key_1: '3f56513b385df3fd9523c5e6730b2053d6f798f132c4502558c5542991e90afd',
    },
  };

  for (const keyType of KEY_TYPES) {
    for (const keyName of ThresholdKeys.KEY_NAMES) {
      test(`${keyType} ${keyName}: exact master public key, zero chain code, = HMAC-SHA512(seed, "devnet/${keyType}/${keyName}") mod order`, () => {
        const master = keys.masterPublicKey({ keyType, keyName });
        assert.equal(bytesToHex(master.publicKey), EXPECTED[keyType][keyName]);
        assert.equal(bytesToHex(master.chainCode), '00'.repeat(32));
        // Recomputed with node:crypto's HMAC, independently of the service's hashing.
        const mac = BigInt(`0x${createHmac('sha512', SEED).update(`devnet/${keyType}/${keyName}`).digest('hex')}`);
        const expected =
          keyType === 'schnorr_ed25519'
            ? ed25519.Point.BASE.multiply(mac % ed25519.Point.Fn.ORDER).toBytes()
            : secp256k1.Point.BASE.multiply(mac % secp256k1.Point.Fn.ORDER).toBytes(true);
        assert.equal(bytesToHex(master.publicKey), bytesToHex(expected));
      });
    }
  }

  test('the same seed gives the same keys in two instances; another seed gives other keys', () => {
    const again = new ThresholdKeys({ seed: SEED.slice() });
    const other = new ThresholdKeys({ seed: new Uint8Array(32).fill(0xff) });
    for (const keyType of KEY_TYPES) {
      for (const keyName of ThresholdKeys.KEY_NAMES) {
        const a = keys.publicKey({ keyType, keyName, canisterId: CANISTER, derivationPath: PATHS[2] });
        const b = again.publicKey({ keyType, keyName, canisterId: CANISTER, derivationPath: PATHS[2] });
        assert.deepEqual(a, b);
        assert.notEqual(bytesToHex(other.masterPublicKey({ keyType, keyName }).publicKey), EXPECTED[keyType][keyName]);
      }
    }
  });

  test('a seed that is not 32 bytes is refused', () => {
    assert.throws(() => new ThresholdKeys({ seed: new Uint8Array(31) }), {
      name: 'ThresholdArgumentError',
      shortMessage: '"seed" expected 32 bytes, got 31 bytes',
    });
  });
});

describe('derivation equals @dfinity/ic-pub-key', () => {
  for (const keyType of KEY_TYPES) {
    for (const keyName of ThresholdKeys.KEY_NAMES) {
      test(`${keyType} ${keyName}: empty, 1-component and 3-component paths, direct and through handle`, () => {
        const { publicKey: method } = methodsOf(keyType);
        for (const derivationPath of PATHS) {
          const expected = icPubKeyDerive({ keyType, keyName, canisterId: CANISTER, derivationPath });
          const direct = keys.publicKey({ keyType, keyName, canisterId: CANISTER, derivationPath });
          assert.equal(bytesToHex(direct.publicKey), expected.publicKey);
          assert.equal(bytesToHex(direct.chainCode), expected.chainCode);
          assert.equal(direct.publicKey.length, keyType === 'schnorr_ed25519' ? 32 : 33);

          // canister_id = null means the caller.
          const own = keys.handle({
            method,
            arg: publicKeyArg({ keyType, keyName, canisterId: null, derivationPath }),
            caller: CANISTER,
            callerIsCanister: true,
            cyclesAttached: 0n,
          });
          assert.equal(own.kind, 'reply');
          if (own.kind !== 'reply') return;
          assert.equal(own.cyclesCharged, 0n);
          const ownKey = decodePublicKeyReply(own.reply);
          assert.equal(bytesToHex(ownKey.publicKey), expected.publicKey);
          assert.equal(bytesToHex(ownKey.chainCode), expected.chainCode);

          // An explicit canister_id is derived for, whoever asks.
          const other = keys.handle({
            method,
            arg: publicKeyArg({ keyType, keyName, canisterId: CANISTER, derivationPath }),
            caller: OTHER_CANISTER,
            callerIsCanister: true,
            cyclesAttached: 0n,
          });
          assert.equal(other.kind, 'reply');
          if (other.kind !== 'reply') return;
          assert.equal(bytesToHex(decodePublicKeyReply(other.reply).publicKey), expected.publicKey);
        }
      });
    }
  }
});

describe('derivation from mainnet master keys (vectors of dfinity/ic-pub-key src/*/mainnet_derivation.test.ts)', () => {
  // Canister h5jwf-5iaaa-aaaan-qmvoa-cai; the public keys mainnet returns for these paths.
  const HELLO_PATH = [hexToBytes('48656c6c6f'), hexToBytes('5468726573686f6c64'), hexToBytes('5369676e617475726573')];
  const ABC_PATH = [hexToBytes('abcdef'), hexToBytes('012345')];
  const CASES = [
    {
      keyType: 'ecdsa_secp256k1',
      keyName: 'test_key_1',
      path: HELLO_PATH,
      expected: '0315ae8bb8c6e9f78eec2167f5ac773067f37a39da1a1efbc585f9e90658d1c620',
    },
    {
      keyType: 'ecdsa_secp256k1',
      keyName: 'key_1',
      path: ABC_PATH,
      expected: '02735ca28b5c3e380016d7f28bf4703b540a8bbe8e24beffdc021455ca2ab93fe3',
    },
    {
      keyType: 'schnorr_bip340secp256k1',
      keyName: 'test_key_1',
      path: HELLO_PATH,
      expected: '0237ca6a41c1db8ab40410445250a5d46fbec7f3e449c8f40f86d8622a4106cebd',
    },
    {
      keyType: 'schnorr_bip340secp256k1',
      keyName: 'key_1',
      path: ABC_PATH,
      expected: '03e5e92c2399985f82521b110ac3dbf697a6b9522002c0d31d0b7cd5352c343457',
    },
    {
      keyType: 'schnorr_ed25519',
      keyName: 'test_key_1',
      path: HELLO_PATH,
      expected: 'd9a2ce6a3cd33fe16dce37e045609e51ff516e93bb51013823d6d7a915e3cfb9',
    },
    {
      keyType: 'schnorr_ed25519',
      keyName: 'key_1',
      path: ABC_PATH,
      expected: '43f0008b26564b6da51f585ad47669dfeb1db6d94d7dd216bd304fc1f5f5e997',
    },
  ] as const;

  for (const c of CASES) {
    test(`${c.keyType} ${c.keyName}`, () => {
      const path = [CANISTER, ...c.path];
      const chainCode = new Uint8Array(32);
      if (c.keyType === 'schnorr_ed25519') {
        const master = icEd25519.PublicKeyWithChainCode.forMainnetKey(c.keyName).public_key.toHex();
        const derived = deriveEd25519({ publicKey: ed25519.Point.fromHex(master), chainCode, path });
        assert.equal(bytesToHex(derived.publicKey.toBytes()), c.expected);
      } else {
        const ns = c.keyType === 'ecdsa_secp256k1' ? icSecp256k1 : icBip340;
        const master = ns.PublicKeyWithChainCode.forMainnetKey(c.keyName).public_key.toHex();
        const derived = deriveSecp256k1({ publicKey: secp256k1.Point.fromHex(master), chainCode, path });
        assert.equal(bytesToHex(derived.publicKey.toBytes(true)), c.expected);
      }
    });
  }
});

describe('direct API argument checks', () => {
  test('unknown key name, unknown key type and an over-long path throw ThresholdArgumentError', () => {
    assert.throws(() => keys.publicKey({ keyType: 'ecdsa_secp256k1', keyName: 'nope', canisterId: CANISTER, derivationPath: [] }), {
      name: 'ThresholdArgumentError',
      shortMessage: '"keyName" expected one of dfx_test_key, test_key_1, key_1, got "nope"',
    });
    assert.throws(() => keys.masterPublicKey({ keyType: 'ecdsa_p256' as KeyType, keyName: 'key_1' }), {
      name: 'ThresholdArgumentError',
      shortMessage: '"keyType" expected one of ecdsa_secp256k1, schnorr_bip340secp256k1, schnorr_ed25519, got "ecdsa_p256"',
    });
    assert.throws(
      () =>
        keys.publicKey({
          keyType: 'schnorr_ed25519',
          keyName: 'key_1',
          canisterId: CANISTER,
          derivationPath: Array.from({ length: 256 }, () => new Uint8Array()),
        }),
      (e: unknown) => e instanceof ThresholdArgumentError && e.shortMessage === '"derivationPath" expected at most 255 components, got 256',
    );
  });

  test('255 components are accepted and still equal ic-pub-key', () => {
    const derivationPath = Array.from({ length: 255 }, (_, i) => Uint8Array.of(i));
    const got = keys.publicKey({ keyType: 'ecdsa_secp256k1', keyName: 'dfx_test_key', canisterId: CANISTER, derivationPath });
    const expected = icPubKeyDerive({ keyType: 'ecdsa_secp256k1', keyName: 'dfx_test_key', canisterId: CANISTER, derivationPath });
    assert.equal(bytesToHex(got.publicKey), expected.publicKey);
    assert.equal(bytesToHex(got.chainCode), expected.chainCode);
  });
});
