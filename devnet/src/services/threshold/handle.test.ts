import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { DEFAULT_SIGNATURE_FEES, signatureFeeForSubnetSize } from './fees.ts';
import { ThresholdKeys, type ServiceResult } from './index.ts';
import { formatCycles, rustDebugString } from './reject.ts';
import { decodePublicKeyReply, decodeSignatureReply, publicKeyArg, signArg, sign_with_ecdsa_args } from './test-args.ts';

const keys = new ThresholdKeys({ seed: Uint8Array.from({ length: 32 }, (_, i) => 255 - i) });
const CALLER = Principal.fromText('h5jwf-5iaaa-aaaan-qmvoa-cai').toUint8Array();
const HASH = new Uint8Array(32).fill(0x42);
const ALL_KEYS =
  '[ecdsa:Secp256k1:dfx_test_key, ecdsa:Secp256k1:key_1, ecdsa:Secp256k1:test_key_1, ' +
  'schnorr:Bip340Secp256k1:dfx_test_key, schnorr:Bip340Secp256k1:key_1, schnorr:Bip340Secp256k1:test_key_1, ' +
  'schnorr:Ed25519:dfx_test_key, schnorr:Ed25519:key_1, schnorr:Ed25519:test_key_1]';

function call(args: { method: string; arg: Uint8Array; cycles?: bigint; callerIsCanister?: boolean }): ServiceResult {
  return keys.handle({
    method: args.method,
    arg: args.arg,
    caller: CALLER,
    callerIsCanister: args.callerIsCanister ?? true,
    cyclesAttached: args.cycles ?? 0n,
  });
}

function assertReject(r: ServiceResult, expected: { code: number; message: string }): void {
  assert.deepEqual(r, { kind: 'reject', code: expected.code, message: expected.message, cyclesCharged: 0n });
}

function decodeError(method: string, detail: string): string {
  return `Unable to route management canister request ${method}: UserError(UserError { code: InvalidManagementPayload, description: "Error decoding candid: ${detail}" })`;
}

const ecdsaSign = (over: Partial<Parameters<typeof signArg>[0]> = {}) =>
  signArg({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', derivationPath: [], message: HASH, ...over });
const bip340Sign = (over: Partial<Parameters<typeof signArg>[0]> = {}) =>
  signArg({ keyType: 'schnorr_bip340secp256k1', keyName: 'key_1', derivationPath: [], message: HASH, ...over });

describe('fees', () => {
  test("the fee table: mainnet figures for key_1 and test_key_1, a local replica's for dfx_test_key", () => {
    assert.deepEqual(DEFAULT_SIGNATURE_FEES, { key_1: 26_153_846_153n, test_key_1: 10_000_000_000n, dfx_test_key: 10_000_000_000n });
    assert.equal(signatureFeeForSubnetSize(28n), 21_538_461_538n);
    for (const name of ThresholdKeys.KEY_NAMES) assert.equal(keys.signatureFee(name), DEFAULT_SIGNATURE_FEES[name]);
    assert.equal(keys.signatureFee('key_2'), null);
  });

  for (const keyName of ThresholdKeys.KEY_NAMES) {
    test(`${keyName}: a signature charges exactly the fee and leaves the rest for the refund; one cycle less is rejected`, () => {
      const fee = DEFAULT_SIGNATURE_FEES[keyName];
      const ok = call({ method: 'sign_with_ecdsa', arg: ecdsaSign({ keyName }), cycles: fee + 1_000_000n });
      assert.equal(ok.kind, 'reply');
      assert.equal(ok.cyclesCharged, fee);
      const exact = call({ method: 'sign_with_schnorr', arg: bip340Sign({ keyName }), cycles: fee });
      assert.equal(exact.kind, 'reply');
      assert.equal(exact.cyclesCharged, fee);
      assertReject(call({ method: 'sign_with_ecdsa', arg: ecdsaSign({ keyName }), cycles: fee - 1n }), {
        code: 4,
        message: `sign_with_ecdsa request sent with ${formatCycles(fee - 1n)} cycles, but ${formatCycles(fee)} cycles are required.`,
      });
    });
  }

  test('the too-few-cycles message prints amounts as the replica does (underscores)', () => {
    assertReject(call({ method: 'sign_with_schnorr', arg: bip340Sign(), cycles: 0n }), {
      code: 4,
      message: 'sign_with_schnorr request sent with 0 cycles, but 26_153_846_153 cycles are required.',
    });
    assertReject(call({ method: 'sign_with_ecdsa', arg: ecdsaSign({ keyName: 'test_key_1' }), cycles: 9_999_999_999n }), {
      code: 4,
      message: 'sign_with_ecdsa request sent with 9_999_999_999 cycles, but 10_000_000_000 cycles are required.',
    });
  });

  test('public-key calls are free: attached cycles are all refunded', () => {
    const r = call({
      method: 'ecdsa_public_key',
      arg: publicKeyArg({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId: null, derivationPath: [] }),
      cycles: 5_000n,
    });
    assert.equal(r.kind, 'reply');
    assert.equal(r.cyclesCharged, 0n);
  });

  test('fees are configurable per key name', () => {
    const custom = new ThresholdKeys({ seed: new Uint8Array(32), fees: { dfx_test_key: 0n, key_1: 7n } });
    assert.equal(custom.signatureFee('dfx_test_key'), 0n);
    assert.equal(custom.signatureFee('key_1'), 7n);
    assert.equal(custom.signatureFee('test_key_1'), 10_000_000_000n);
    const free = custom.handle({
      method: 'sign_with_ecdsa',
      arg: ecdsaSign({ keyName: 'dfx_test_key' }),
      caller: CALLER,
      callerIsCanister: true,
      cyclesAttached: 0n,
    });
    assert.equal(free.kind, 'reply');
    assert.equal(free.cyclesCharged, 0n);
    assert.throws(() => new ThresholdKeys({ seed: new Uint8Array(32), fees: { key_1: -1n } }), {
      name: 'ThresholdArgumentError',
      shortMessage: '"fees" expected non-negative bigint per key name, got key_1: -1',
    });
  });
});

describe("rejections, with the replica's codes and messages", () => {
  test('ingress: only canisters may call any of the four methods (code 4)', () => {
    const args = {
      ecdsa_public_key: publicKeyArg({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId: null, derivationPath: [] }),
      sign_with_ecdsa: ecdsaSign(),
      schnorr_public_key: publicKeyArg({ keyType: 'schnorr_ed25519', keyName: 'key_1', canisterId: null, derivationPath: [] }),
      sign_with_schnorr: bip340Sign(),
    };
    for (const [method, arg] of Object.entries(args)) {
      assertReject(call({ method, arg, cycles: 30_000_000_000n, callerIsCanister: false }), {
        code: 4,
        message: `Only canisters can call ic00 method ${method}`,
      });
    }
  });

  test('malformed Candid is a routing failure (code 3): empty payload, garbage, wrong type', () => {
    assertReject(call({ method: 'sign_with_ecdsa', arg: new Uint8Array(), cycles: 30_000_000_000n }), {
      code: 3,
      message: decodeError('sign_with_ecdsa', 'Message length smaller than magic number'),
    });
    assertReject(call({ method: 'ecdsa_public_key', arg: Uint8Array.of(0x44, 0x49, 0x44, 0x4c, 0xff) }), {
      code: 3,
      message: decodeError('ecdsa_public_key', 'unexpected end of buffer'),
    });
    assertReject(call({ method: 'sign_with_ecdsa', arg: IDL.encode([IDL.Text], ['hello']), cycles: 30_000_000_000n }), {
      code: 3,
      message: decodeError(
        'sign_with_ecdsa',
        'type mismatch: type on the wire text, expect type record {key_id:record {name:text; curve:variant {secp256k1:null}}; derivation_path:vec vec nat8; message_hash:vec nat8}',
      ),
    });
  });

  test("message_hash of 31 or 33 bytes fails to decode into the replica's [u8; 32] (code 3)", () => {
    for (const length of [0, 31, 33]) {
      assertReject(call({ method: 'sign_with_ecdsa', arg: ecdsaSign({ message: new Uint8Array(length) }), cycles: 30_000_000_000n }), {
        code: 3,
        message: decodeError('sign_with_ecdsa', `Deserialize error: invalid length ${length}, expected an array of length 32`),
      });
    }
  });

  test('at most 255 derivation path components: 256 fail to decode (code 3), 255 are answered', () => {
    const long = Array.from({ length: 256 }, () => Uint8Array.of(1));
    const tooLong = 'Deserialize error: The number of elements exceeds maximum allowed 255';
    assertReject(call({ method: 'sign_with_ecdsa', arg: ecdsaSign({ derivationPath: long }), cycles: 30_000_000_000n }), {
      code: 3,
      message: decodeError('sign_with_ecdsa', tooLong),
    });
    assertReject(call({ method: 'sign_with_schnorr', arg: bip340Sign({ derivationPath: long }), cycles: 30_000_000_000n }), {
      code: 3,
      message: decodeError('sign_with_schnorr', tooLong),
    });
    assertReject(
      call({
        method: 'ecdsa_public_key',
        arg: publicKeyArg({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId: null, derivationPath: long }),
      }),
      {
        code: 3,
        message: decodeError('ecdsa_public_key', tooLong),
      },
    );
    assertReject(
      call({
        method: 'schnorr_public_key',
        arg: publicKeyArg({ keyType: 'schnorr_ed25519', keyName: 'key_1', canisterId: null, derivationPath: long }),
      }),
      {
        code: 3,
        message: decodeError('schnorr_public_key', tooLong),
      },
    );
    const ok = call({
      method: 'schnorr_public_key',
      arg: publicKeyArg({ keyType: 'schnorr_ed25519', keyName: 'key_1', canisterId: null, derivationPath: long.slice(1) }),
    });
    assert.equal(ok.kind, 'reply');
  });

  test('unknown key names (code 3): "existing keys" for public keys, "existing enabled keys" for signing', () => {
    assertReject(
      call({
        method: 'ecdsa_public_key',
        arg: publicKeyArg({ keyType: 'ecdsa_secp256k1', keyName: 'dfx_test_key1', canisterId: null, derivationPath: [] }),
      }),
      {
        code: 3,
        message: `Unable to route management canister request ecdsa_public_key: ChainKeyError("Requested unknown threshold key: ecdsa:Secp256k1:dfx_test_key1, existing keys: ${ALL_KEYS}")`,
      },
    );
    assertReject(
      call({
        method: 'schnorr_public_key',
        arg: publicKeyArg({ keyType: 'schnorr_bip340secp256k1', keyName: 'insecure_test_key_1', canisterId: null, derivationPath: [] }),
      }),
      {
        code: 3,
        message: `Unable to route management canister request schnorr_public_key: ChainKeyError("Requested unknown threshold key: schnorr:Bip340Secp256k1:insecure_test_key_1, existing keys: ${ALL_KEYS}")`,
      },
    );
    assertReject(call({ method: 'sign_with_ecdsa', arg: ecdsaSign({ keyName: 'key_2' }), cycles: 30_000_000_000n }), {
      code: 3,
      message: `Unable to route management canister request sign_with_ecdsa: ChainKeyError("Requested unknown or disabled threshold key: ecdsa:Secp256k1:key_2, existing enabled keys: ${ALL_KEYS}")`,
    });
    // The key name is embedded with Rust's Debug escaping.
    assertReject(
      call({
        method: 'sign_with_schnorr',
        arg: signArg({ keyType: 'schnorr_ed25519', keyName: 'a"b\\c', derivationPath: [], message: HASH }),
        cycles: 30_000_000_000n,
      }),
      {
        code: 3,
        message: `Unable to route management canister request sign_with_schnorr: ChainKeyError("Requested unknown or disabled threshold key: schnorr:Ed25519:a\\"b\\\\c, existing enabled keys: ${ALL_KEYS}")`,
      },
    );
  });

  test('key type mismatch: a Schnorr key id sent to an ECDSA method does not decode (code 3)', () => {
    const arg = IDL.encode(
      [
        IDL.Record({
          canister_id: IDL.Opt(IDL.Principal),
          derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)),
          key_id: IDL.Record({ algorithm: IDL.Variant({ ed25519: IDL.Null }), name: IDL.Text }),
        }),
      ],
      [{ canister_id: [], derivation_path: [], key_id: { algorithm: { ed25519: null }, name: 'key_1' } }],
    );
    assertReject(call({ method: 'ecdsa_public_key', arg }), {
      code: 3,
      message: decodeError(
        'ecdsa_public_key',
        "Cannot find required field 'curve' in record, expected fields: [name, curve], received fields: [_351186031_, _1224700491_]",
      ),
    });
    const curve = IDL.encode(
      [
        IDL.Record({
          message_hash: IDL.Vec(IDL.Nat8),
          derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)),
          key_id: IDL.Record({ curve: IDL.Variant({ secp256r1: IDL.Null }), name: IDL.Text }),
        }),
      ],
      [{ message_hash: HASH, derivation_path: [], key_id: { curve: { secp256r1: null }, name: 'key_1' } }],
    );
    assertReject(call({ method: 'sign_with_ecdsa', arg: curve, cycles: 30_000_000_000n }), {
      code: 3,
      message: decodeError('sign_with_ecdsa', 'Cannot find field hash _492385587_ in variant, expected fields: [secp256k1]'),
    });
  });

  test('bip341 aux only with bip340secp256k1, and merkle_root_hash empty or 32 bytes (code 4)', () => {
    assertReject(
      call({
        method: 'sign_with_schnorr',
        arg: signArg({ keyType: 'schnorr_ed25519', keyName: 'key_1', derivationPath: [], message: HASH, merkleRoot: new Uint8Array() }),
        cycles: 30_000_000_000n,
      }),
      {
        code: 4,
        message: 'Schnorr algorithm Ed25519 does not support aux input',
      },
    );
    for (const length of [1, 31, 33, 64]) {
      assertReject(
        call({ method: 'sign_with_schnorr', arg: bip340Sign({ merkleRoot: new Uint8Array(length) }), cycles: 30_000_000_000n }),
        {
          code: 4,
          message: 'Invalid aux field for Bip340Secp256k1',
        },
      );
    }
    // The aux checks come before the fee check, as in the replica's sign_with_threshold.
    assertReject(call({ method: 'sign_with_schnorr', arg: bip340Sign({ merkleRoot: new Uint8Array(31) }), cycles: 0n }), {
      code: 4,
      message: 'Invalid aux field for Bip340Secp256k1',
    });
  });

  test('a method the service does not answer is refused, not thrown', () => {
    assertReject(call({ method: 'vetkd_derive_key', arg: new Uint8Array() }), {
      code: 3,
      message: 'Unable to route management canister request vetkd_derive_key: MethodNotFound("vetkd_derive_key")',
    });
  });
});

describe('replies', () => {
  test("sign_with_ecdsa through handle: a signature of the caller's key, extra record fields ignored as Candid allows", () => {
    const withExtra = IDL.encode(
      [
        IDL.Record({
          message_hash: IDL.Vec(IDL.Nat8),
          derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)),
          key_id: IDL.Record({ curve: IDL.Variant({ secp256k1: IDL.Null }), name: IDL.Text }),
          note: IDL.Text,
        }),
      ],
      [
        {
          message_hash: HASH,
          derivation_path: [Uint8Array.of(9)],
          key_id: { curve: { secp256k1: null }, name: 'test_key_1' },
          note: 'ignored',
        },
      ],
    );
    const r = call({ method: 'sign_with_ecdsa', arg: withExtra, cycles: 10_000_000_000n });
    assert.equal(r.kind, 'reply');
    if (r.kind !== 'reply') return;
    const signature = decodeSignatureReply(r.reply);
    const pk = call({
      method: 'ecdsa_public_key',
      arg: publicKeyArg({ keyType: 'ecdsa_secp256k1', keyName: 'test_key_1', canisterId: null, derivationPath: [Uint8Array.of(9)] }),
    });
    assert.equal(pk.kind, 'reply');
    if (pk.kind !== 'reply') return;
    assert.ok(secp256k1.verify(signature, HASH, decodePublicKeyReply(pk.reply).publicKey, { prehash: false }));
    // The reply is exactly the Candid of record { signature : blob }.
    assert.deepEqual(r.reply, IDL.encode([IDL.Record({ signature: IDL.Vec(IDL.Nat8) })], [{ signature }]));
  });

  test("the argument types match the interface spec's sign_with_ecdsa_args", () => {
    assert.equal(
      sign_with_ecdsa_args.display(),
      'record {key_id:record {name:text; curve:variant {secp256k1}}; derivation_path:vec vec nat8; message_hash:vec nat8}',
    );
  });
});

describe('message formatting helpers', () => {
  test("formatCycles groups digits by three with underscores, like the replica's Cycles Display", () => {
    assert.equal(formatCycles(0n), '0');
    assert.equal(formatCycles(999n), '999');
    assert.equal(formatCycles(1_000n), '1_000');
    assert.equal(formatCycles(26_153_846_153n), '26_153_846_153');
    assert.equal(formatCycles(340282366920938463463374607431768211455n), '340_282_366_920_938_463_463_374_607_431_768_211_455');
  });

  test('rustDebugString escapes as Rust {:?} does', () => {
    assert.equal(rustDebugString('plain'), '"plain"');
    assert.equal(rustDebugString('a"b\\c\n\t\r\0\x01\u007f\'é'), '"a\\"b\\\\c\\n\\t\\r\\0\\u{1}\\u{7f}\'é"');
  });
});
