import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import {
  btcDerivationPath,
  DERIVATION_SCHEMA,
  ethDerivationPath,
  InvalidPrincipalError,
  solDerivationPath,
  btcTaprootDerivationPath,
  type PrincipalLike,
} from './derivation.ts';

const hexPath = (path: Uint8Array[]) => path.map((c) => bytesToHex(c));

// A canister id (10 bytes) and a self-authenticating user principal (29 bytes, the longest).
const CANISTER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const USER = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1)).getPrincipal();

describe('derivation paths: [[schema], principal bytes]', () => {
  test('the fixed principals have the bytes the paths below expect', () => {
    assert.equal(bytesToHex(CANISTER.toUint8Array()), '00000000000000010101');
    assert.equal(USER.toText(), 'wf3fv-4c4nr-7ks2b-xa4u7-kf3no-32glf-lf7e4-4ng4a-wwtlu-a2vnq-nae');
  });

  test('schema bytes: btc 0x00, eth 0x01 (as chain-fusion-signer), sol 0x02, btc taproot 0x03', () => {
    assert.deepEqual({ ...DERIVATION_SCHEMA }, { btc: 0x00, eth: 0x01, sol: 0x02, btcTaproot: 0x03 });
  });

  test('btcDerivationPath', () => {
    assert.deepEqual(hexPath(btcDerivationPath({ principal: CANISTER })), ['00', '00000000000000010101']);
    assert.deepEqual(hexPath(btcDerivationPath({ principal: USER })), ['00', '5c6c7ea968370729f5176d76f4659565f939c69b80b5a6ba03556c1a02']);
  });

  test('ethDerivationPath', () => {
    assert.deepEqual(hexPath(ethDerivationPath({ principal: CANISTER })), ['01', '00000000000000010101']);
    assert.deepEqual(hexPath(ethDerivationPath({ principal: USER })), ['01', '5c6c7ea968370729f5176d76f4659565f939c69b80b5a6ba03556c1a02']);
  });

  test('btcTaprootDerivationPath', () => {
    assert.deepEqual(hexPath(btcTaprootDerivationPath({ principal: CANISTER })), ['03', '00000000000000010101']);
    assert.deepEqual(hexPath(btcTaprootDerivationPath({ principal: USER })), [
      '03',
      '5c6c7ea968370729f5176d76f4659565f939c69b80b5a6ba03556c1a02',
    ]);
  });

  test('solDerivationPath', () => {
    assert.deepEqual(hexPath(solDerivationPath({ principal: CANISTER })), ['02', '00000000000000010101']);
    assert.deepEqual(hexPath(solDerivationPath({ principal: USER })), ['02', '5c6c7ea968370729f5176d76f4659565f939c69b80b5a6ba03556c1a02']);
  });

  test('components are copies: mutating a returned path leaves the principal and later paths alone', () => {
    const bytes = Uint8Array.from(USER.toUint8Array());
    const principal: PrincipalLike = { toUint8Array: () => bytes };
    const path = btcDerivationPath({ principal });
    path[1].fill(0);
    path[0][0] = 0xff;
    assert.equal(bytesToHex(bytes), '5c6c7ea968370729f5176d76f4659565f939c69b80b5a6ba03556c1a02');
    assert.deepEqual(hexPath(btcDerivationPath({ principal })), ['00', '5c6c7ea968370729f5176d76f4659565f939c69b80b5a6ba03556c1a02']);
  });

  test('the anonymous principal is refused: all anonymous callers would share one key', () => {
    for (const build of [btcDerivationPath, ethDerivationPath, solDerivationPath, btcTaprootDerivationPath]) {
      assert.throws(
        () => build({ principal: Principal.anonymous() }),
        (e: unknown) =>
          e instanceof InvalidPrincipalError &&
          e.message === 'Invalid principal 0x04 for a derivation path: the anonymous principal has no keys of its own',
      );
    }
  });

  test('principals of 0 or more than 29 bytes are refused, naming the bytes', () => {
    assert.throws(
      () => ethDerivationPath({ principal: Principal.managementCanister() }),
      (e: unknown) =>
        e instanceof InvalidPrincipalError && e.message === 'Invalid principal 0x for a derivation path: expected 1 to 29 bytes, got 0',
    );
    const long = new Uint8Array(30).fill(0xab);
    assert.throws(
      () => solDerivationPath({ principal: { toUint8Array: () => long } }),
      (e: unknown) =>
        e instanceof InvalidPrincipalError &&
        e.shortMessage === `Invalid principal 0x${'ab'.repeat(30)} for a derivation path` &&
        e.details === 'expected 1 to 29 bytes, got 30',
    );
  });
});
