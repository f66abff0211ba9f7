import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Principal } from '@icp-sdk/core/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { utils as btcUtils } from '@scure/btc-signer';
import { taprootTweakPublicKey, xOnly } from './bip340-sign.ts';
import { ThresholdKeys } from './index.ts';
import { KEY_TYPES, type KeyType } from './key-id.ts';
import { decodeSignatureReply, methodsOf, signArg } from './test-args.ts';

const keys = new ThresholdKeys({ seed: Uint8Array.from({ length: 32 }, (_, i) => i) });
const CANISTER_A = Principal.fromText('h5jwf-5iaaa-aaaan-qmvoa-cai').toUint8Array();
const CANISTER_B = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai').toUint8Array();
const PATH_1 = [utf8ToBytes('wallet'), Uint8Array.of(0, 0, 0, 0)];
const PATH_2 = [utf8ToBytes('wallet'), Uint8Array.of(0, 0, 0, 1)];
const HASH = sha256(utf8ToBytes('devnet threshold signing'));
const N = secp256k1.Point.Fn.ORDER;

/** Verifies `signature` of `message` under a public key as `*_public_key` returns it, with @noble/curves. */
function verifies(args: { keyType: KeyType; signature: Uint8Array; message: Uint8Array; publicKey: Uint8Array }): boolean {
  switch (args.keyType) {
    case 'ecdsa_secp256k1':
      return secp256k1.verify(args.signature, args.message, args.publicKey, { prehash: false });
    case 'schnorr_bip340secp256k1':
      // BIP340 verifies under the x-only key: the SEC1 key without its prefix byte.
      return schnorr.verify(args.signature, args.message, args.publicKey.slice(1));
    case 'schnorr_ed25519':
      return ed25519.verify(args.signature, args.message, args.publicKey);
  }
}

describe('signatures verify with @noble/curves against the derived key', () => {
  for (const keyType of KEY_TYPES) {
    for (const keyName of ThresholdKeys.KEY_NAMES) {
      test(`${keyType} ${keyName}: direct and through handle`, () => {
        const { publicKey } = keys.publicKey({ keyType, keyName, canisterId: CANISTER_A, derivationPath: PATH_1 });
        const direct = keys.sign({ keyType, keyName, canisterId: CANISTER_A, derivationPath: PATH_1, message: HASH });
        assert.equal(direct.length, 64);
        assert.ok(verifies({ keyType, signature: direct, message: HASH, publicKey }));

        const fee = keys.signatureFee(keyName)!;
        const r = keys.handle({
          method: methodsOf(keyType).sign,
          arg: signArg({ keyType, keyName, derivationPath: PATH_1, message: HASH }),
          caller: CANISTER_A,
          callerIsCanister: true,
          cyclesAttached: fee,
        });
        assert.equal(r.kind, 'reply');
        if (r.kind !== 'reply') return;
        const viaHandle = decodeSignatureReply(r.reply);
        assert.equal(viaHandle.length, 64);
        assert.ok(verifies({ keyType, signature: viaHandle, message: HASH, publicKey }));
        // Signed by the caller's key: it does not verify under another canister's key for the same path.
        const otherKey = keys.publicKey({ keyType, keyName, canisterId: CANISTER_B, derivationPath: PATH_1 }).publicKey;
        assert.equal(verifies({ keyType, signature: viaHandle, message: HASH, publicKey: otherKey }), false);
        // Nor for another message.
        assert.equal(verifies({ keyType, signature: viaHandle, message: sha256(HASH), publicKey }), false);
      });
    }
  }

  test("ECDSA signatures are r || s with a low s, and randomised like the IC's", () => {
    const a = keys.sign({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId: CANISTER_A, derivationPath: [], message: HASH });
    const b = keys.sign({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId: CANISTER_A, derivationPath: [], message: HASH });
    assert.notEqual(bytesToHex(a), bytesToHex(b));
    for (const sig of [a, b]) {
      const s = bytesToNumberBE(sig.subarray(32));
      assert.ok(s <= N >> 1n, `s = ${s} is high`);
      // noble's strict low-S verifier accepts it too.
      const { publicKey } = keys.publicKey({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId: CANISTER_A, derivationPath: [] });
      assert.ok(secp256k1.verify(sig, HASH, publicKey, { prehash: false, lowS: true }));
    }
  });

  test('Ed25519 signatures are randomised and pass strict RFC 8032 verification', () => {
    const message = utf8ToBytes('any length message for ed25519');
    const { publicKey } = keys.publicKey({
      keyType: 'schnorr_ed25519',
      keyName: 'test_key_1',
      canisterId: CANISTER_A,
      derivationPath: PATH_2,
    });
    const a = keys.sign({ keyType: 'schnorr_ed25519', keyName: 'test_key_1', canisterId: CANISTER_A, derivationPath: PATH_2, message });
    const b = keys.sign({ keyType: 'schnorr_ed25519', keyName: 'test_key_1', canisterId: CANISTER_A, derivationPath: PATH_2, message });
    assert.notEqual(bytesToHex(a), bytesToHex(b));
    assert.ok(ed25519.verify(a, message, publicKey, { zip215: false }));
    assert.ok(ed25519.verify(b, message, publicKey, { zip215: false }));
  });

  test('BIP340 signs messages of any length (empty, 32 bytes, 100 bytes)', () => {
    const { publicKey } = keys.publicKey({
      keyType: 'schnorr_bip340secp256k1',
      keyName: 'dfx_test_key',
      canisterId: CANISTER_B,
      derivationPath: PATH_2,
    });
    for (const message of [new Uint8Array(), HASH, new Uint8Array(100).fill(0xab)]) {
      const sig = keys.sign({
        keyType: 'schnorr_bip340secp256k1',
        keyName: 'dfx_test_key',
        canisterId: CANISTER_B,
        derivationPath: PATH_2,
        message,
      });
      assert.ok(schnorr.verify(sig, message, publicKey.slice(1)));
    }
  });
});

describe('two canisters and two paths give four different keys', () => {
  for (const keyType of KEY_TYPES) {
    test(keyType, () => {
      const combos = [
        { canisterId: CANISTER_A, derivationPath: PATH_1 },
        { canisterId: CANISTER_A, derivationPath: PATH_2 },
        { canisterId: CANISTER_B, derivationPath: PATH_1 },
        { canisterId: CANISTER_B, derivationPath: PATH_2 },
      ];
      const publicKeys = combos.map((c) => keys.publicKey({ keyType, keyName: 'key_1', ...c }).publicKey);
      assert.equal(new Set(publicKeys.map(bytesToHex)).size, 4);
      // Each key's signature verifies under its own key only.
      combos.forEach((c, i) => {
        const sig = keys.sign({ keyType, keyName: 'key_1', ...c, message: HASH });
        publicKeys.forEach((pk, j) => assert.equal(verifies({ keyType, signature: sig, message: HASH, publicKey: pk }), i === j));
      });
    });
  }
});

describe('BIP341: a signature with aux.bip341 verifies against the tweaked output key', () => {
  const MERKLE_ROOT = hexToBytes('6b3e0c4e4f3c3b5ad2a0a1bdd7e2c29d4b9c6f1e0a8d7c6b5a4f3e2d1c0b0a09');
  for (const merkleRoot of [new Uint8Array(), MERKLE_ROOT]) {
    for (const keyName of ThresholdKeys.KEY_NAMES) {
      test(`${merkleRoot.length === 0 ? 'empty merkle root (BIP86 key-path tweak)' : '32-byte merkle root'}, ${keyName}`, () => {
        const { publicKey } = keys.publicKey({
          keyType: 'schnorr_bip340secp256k1',
          keyName,
          canisterId: CANISTER_A,
          derivationPath: PATH_1,
        });
        const internalKey = publicKey.slice(1);
        // The output key, by @scure/btc-signer's BIP341 implementation.
        const [outputKey] = btcUtils.taprootTweakPubkey(internalKey, merkleRoot);
        const ours = taprootTweakPublicKey({ internalKey: secp256k1.Point.fromBytes(publicKey), merkleRoot }).outputKey;
        assert.equal(bytesToHex(xOnly(ours)), bytesToHex(outputKey));

        const direct = keys.sign({
          keyType: 'schnorr_bip340secp256k1',
          keyName,
          canisterId: CANISTER_A,
          derivationPath: PATH_1,
          message: HASH,
          bip341MerkleRoot: merkleRoot,
        });
        assert.ok(schnorr.verify(direct, HASH, outputKey));
        assert.equal(schnorr.verify(direct, HASH, internalKey), false);

        const r = keys.handle({
          method: 'sign_with_schnorr',
          arg: signArg({ keyType: 'schnorr_bip340secp256k1', keyName, derivationPath: PATH_1, message: HASH, merkleRoot }),
          caller: CANISTER_A,
          callerIsCanister: true,
          cyclesAttached: keys.signatureFee(keyName)!,
        });
        assert.equal(r.kind, 'reply');
        if (r.kind !== 'reply') return;
        const viaHandle = decodeSignatureReply(r.reply);
        assert.ok(schnorr.verify(viaHandle, HASH, outputKey));
        assert.equal(schnorr.verify(viaHandle, HASH, internalKey), false);
      });
    }
  }

  test('the empty-root tweak is the BIP86 tweak tagged_hash("TapTweak", x(P)), not the 32-zero-byte root', () => {
    const { publicKey } = keys.publicKey({
      keyType: 'schnorr_bip340secp256k1',
      keyName: 'key_1',
      canisterId: CANISTER_B,
      derivationPath: [],
    });
    const p = secp256k1.Point.fromBytes(publicKey);
    const t = bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', publicKey.slice(1)));
    const bip86 = schnorr.utils.lift_x(bytesToNumberBE(publicKey.slice(1))).add(secp256k1.Point.BASE.multiply(t));
    assert.equal(
      bytesToHex(xOnly(taprootTweakPublicKey({ internalKey: p, merkleRoot: new Uint8Array() }).outputKey)),
      bytesToHex(xOnly(bip86)),
    );
    assert.notEqual(
      bytesToHex(xOnly(taprootTweakPublicKey({ internalKey: p, merkleRoot: new Uint8Array(32) }).outputKey)),
      bytesToHex(xOnly(bip86)),
    );
  });

  test('odd-y internal keys are negated before tweaking (keys of both parities are covered)', () => {
    const parities = new Set<number>();
    for (let i = 0; i < 16 && parities.size < 2; i++) {
      const derivationPath = [Uint8Array.of(i)];
      const { publicKey } = keys.publicKey({
        keyType: 'schnorr_bip340secp256k1',
        keyName: 'test_key_1',
        canisterId: CANISTER_A,
        derivationPath,
      });
      parities.add(publicKey[0]!);
      const [outputKey] = btcUtils.taprootTweakPubkey(publicKey.slice(1), MERKLE_ROOT);
      const sig = keys.sign({
        keyType: 'schnorr_bip340secp256k1',
        keyName: 'test_key_1',
        canisterId: CANISTER_A,
        derivationPath,
        message: HASH,
        bip341MerkleRoot: MERKLE_ROOT,
      });
      assert.ok(schnorr.verify(sig, HASH, outputKey), `path ${i}, prefix ${publicKey[0]}`);
    }
    assert.deepEqual([...parities].sort(), [2, 3]);
  });
});

describe('direct sign API argument checks', () => {
  test('an ECDSA hash of another length, a bad merkle root and aux on a non-BIP340 key throw ThresholdArgumentError', () => {
    assert.throws(
      () =>
        keys.sign({
          keyType: 'ecdsa_secp256k1',
          keyName: 'key_1',
          canisterId: CANISTER_A,
          derivationPath: [],
          message: new Uint8Array(31),
        }),
      {
        name: 'ThresholdArgumentError',
        shortMessage: '"messageHash" expected 32 bytes, got 31',
      },
    );
    assert.throws(
      () =>
        keys.sign({
          keyType: 'schnorr_bip340secp256k1',
          keyName: 'key_1',
          canisterId: CANISTER_A,
          derivationPath: [],
          message: HASH,
          bip341MerkleRoot: new Uint8Array(31),
        }),
      { name: 'ThresholdArgumentError', shortMessage: '"merkleRoot" expected 0 or 32 bytes, got 31' },
    );
    assert.throws(
      () =>
        keys.sign({
          keyType: 'schnorr_ed25519',
          keyName: 'key_1',
          canisterId: CANISTER_A,
          derivationPath: [],
          message: HASH,
          bip341MerkleRoot: new Uint8Array(),
        }),
      {
        name: 'ThresholdArgumentError',
        shortMessage: '"bip341MerkleRoot" is only for schnorr_bip340secp256k1, got key type schnorr_ed25519',
      },
    );
  });
});
