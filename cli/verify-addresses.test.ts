/**
 * `wallet verify-addresses`, run as a child process, against addresses this test computes by
 * another route: the devnet's own threshold-key derivation (devnet/src/services/threshold, not
 * @dfinity/ic-pub-key) and bitcoinjs-lib, viem and base58 for the encodings. The pinned
 * P2WPKH, ETH and SOL strings are the ones the wallet canister answered on the devnet
 * (test/wallet/addresses.test.ts).
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bitcoin from 'bitcoinjs-lib';
import * as ecc from '@bitcoinerlab/secp256k1';
import { secp256k1 as icSecp256k1 } from '@dfinity/ic-pub-key/ecdsa';
import { bip340secp256k1 as icBip340, ed25519 as icEd25519 } from '@dfinity/ic-pub-key/schnorr';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import { publicKeyToAddress as viemPublicKeyToAddress } from 'viem/accounts';
import { DEFAULT_THRESHOLD_SEED } from '../devnet/src/devnet.ts';
import { ThresholdKeys } from '../devnet/src/services/threshold/index.ts';
import { tempDir, wallet } from './test-support.ts';

bitcoin.initEccLib(ecc);

const CANISTER = Principal.fromText('lxzze-o7777-77777-aaaaa-cai');
const ALICE = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1)).getPrincipal();
const KEY = 'dfx_test_key';
const keys = new ThresholdKeys({ seed: DEFAULT_THRESHOLD_SEED });

type Addresses = { btc_p2wpkh: string; btc_p2tr: string; eth: string; sol: string };

/** The paths written out as bytes: [[schema], principal] (btc 0x00, eth 0x01, sol 0x02, taproot 0x03). */
function independentAddresses({
  canisterId,
  principal,
  network,
}: {
  canisterId: Principal;
  principal: Principal;
  network: bitcoin.Network;
}): Addresses {
  const key = (keyType: 'ecdsa_secp256k1' | 'schnorr_bip340secp256k1' | 'schnorr_ed25519', schema: number) =>
    keys.publicKey({
      keyType,
      keyName: KEY,
      canisterId: canisterId.toUint8Array(),
      derivationPath: [Uint8Array.of(schema), principal.toUint8Array()],
    }).publicKey;
  const btcKey = key('ecdsa_secp256k1', 0x00);
  const ethKey = key('ecdsa_secp256k1', 0x01);
  const solKey = key('schnorr_ed25519', 0x02);
  const taprootKey = key('schnorr_bip340secp256k1', 0x03);
  return {
    btc_p2wpkh: bitcoin.payments.p2wpkh({ pubkey: btcKey, network }).address!,
    btc_p2tr: bitcoin.payments.p2tr({ internalPubkey: taprootKey.subarray(1), network }).address!,
    eth: viemPublicKeyToAddress(`0x${secp256k1.Point.fromBytes(ethKey).toHex(false)}`),
    sol: base58.encode(solKey),
  };
}

function masterKeyRecords() {
  return (['ecdsa_secp256k1', 'schnorr_bip340secp256k1', 'schnorr_ed25519'] as const).map((keyType) => {
    const { publicKey, chainCode } = keys.masterPublicKey({ keyType, keyName: KEY });
    return { keyType, keyName: KEY, publicKeyHex: bytesToHex(publicKey), chainCodeHex: bytesToHex(chainCode) };
  });
}

describe('wallet verify-addresses on the devnet (deployment record with the devnet master keys)', () => {
  const home = tempDir('wallet-va-');
  const deployment = join(home, 'deployment.json');
  const expected = independentAddresses({ canisterId: CANISTER, principal: ALICE, network: bitcoin.networks.regtest });
  const answer = (addresses: Record<string, string>) => {
    const file = join(home, `answer-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(addresses));
    return file;
  };
  const base = {
    principal: ALICE.toText(),
    canister: CANISTER.toText(),
    network: 'local',
    keyNames: { ecdsa: KEY, schnorr: KEY },
    bitcoinNetwork: 'regtest',
  };

  before(() => {
    writeFileSync(
      deployment,
      JSON.stringify({
        network: 'local',
        host: 'http://127.0.0.1:4943',
        rootKeyHex: '00',
        canisters: { wallet: CANISTER.toText(), frontend: null },
        masterKeys: masterKeyRecords(),
      }),
    );
  });

  test('the independent derivation gives the addresses the canister answered on the devnet', () => {
    assert.equal(expected.btc_p2wpkh, 'bcrt1qz2z4r9sr49087dyuwvvu8guueww2e4pc2njwf0');
    assert.equal(expected.eth, '0xb3920b42075A0Aa09498458FB5C4dA761970422B');
    assert.equal(expected.sol, 'H2vToL8iw7PgdYyL61W9yL99VeYC9fvNeJ81k3SFhorJ');
    assert.match(expected.btc_p2tr, /^bcrt1p[02-9ac-hj-np-z]{58}$/);
  });

  test('a matching answer: exit 0, exact JSON', () => {
    const file = answer(expected);
    const r = wallet(['verify-addresses', ALICE.toText(), '--deployment', deployment, '--answer', file, '--json'], { configHome: home });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(
      r.stdout,
      `${JSON.stringify({ ...base, derived: expected, answerSource: file, answered: expected, verified: true, mismatches: [], unanswered: [] })}\n`,
    );
  });

  test("today's canister answer (a Candid Ok without btc_p2tr): verified, btc_p2tr listed as unanswered", () => {
    const ok = { btc_p2wpkh: expected.btc_p2wpkh, eth: expected.eth, sol: expected.sol };
    const file = answer({ Ok: ok } as never);
    const r = wallet(['verify-addresses', ALICE.toText(), '--deployment', deployment, '--answer', file, '--json'], { configHome: home });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      ...base,
      derived: expected,
      answerSource: file,
      answered: ok,
      verified: true,
      mismatches: [],
      unanswered: ['btc_p2tr'],
    });
  });

  test('a wrong ETH address: exit 1, named in the mismatches and in the text', () => {
    const forged = { ...expected, eth: '0x0000000000000000000000000000000000000001' };
    const file = answer(forged);
    const r = wallet(['verify-addresses', ALICE.toText(), '--deployment', deployment, '--answer', file, '--json'], { configHome: home });
    assert.equal(r.status, 1);
    assert.deepEqual(JSON.parse(r.stdout).mismatches, [{ field: 'eth', derived: expected.eth, answered: forged.eth }]);
    const text = wallet(['verify-addresses', ALICE.toText(), '--deployment', deployment, '--answer', file], { configHome: home });
    assert.equal(text.status, 1);
    assert.equal(
      text.stdout,
      [
        `Addresses of ${ALICE.toText()} in wallet ${CANISTER.toText()}, re-derived from the local master keys:`,
        `  ✓ btc_p2wpkh ${expected.btc_p2wpkh}`,
        `  ✓ btc_p2tr   ${expected.btc_p2tr}`,
        `  ✗ eth        derived ${expected.eth}, but ${file} answered ${forged.eth}`,
        `  ✓ sol        ${expected.sol}`,
        '1 address(es) differ from the re-derivation: do not use them.',
        '',
      ].join('\n'),
    );
  });

  test("another principal's addresses do not verify for Alice", () => {
    const bob = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(2)).getPrincipal();
    const file = answer(independentAddresses({ canisterId: CANISTER, principal: bob, network: bitcoin.networks.regtest }));
    const r = wallet(['verify-addresses', ALICE.toText(), '--deployment', deployment, '--answer', file, '--json'], { configHome: home });
    assert.equal(r.status, 1);
    assert.deepEqual(
      JSON.parse(r.stdout).mismatches.map((m: { field: string }) => m.field),
      ['btc_p2wpkh', 'btc_p2tr', 'eth', 'sol'],
    );
  });

  test('--offline derives only; --canister names another wallet, whose addresses differ', () => {
    const other = Principal.fromText('lz3um-vp777-77777-aaaba-cai');
    const r = wallet(
      ['verify-addresses', ALICE.toText(), '--deployment', deployment, '--canister', other.toText(), '--offline', '--json'],
      {
        configHome: home,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const derived = independentAddresses({ canisterId: other, principal: ALICE, network: bitcoin.networks.regtest });
    assert.equal(r.stdout, `${JSON.stringify({ ...base, canister: other.toText(), derived, answerSource: 'none', verified: null })}\n`);
    assert.notEqual(derived.eth, expected.eth);
  });

  test("without an answer, a principal other than the identity's, no deployment, or a bad principal are refused", () => {
    const noIdentity = wallet(['verify-addresses', ALICE.toText(), '--deployment', deployment], { configHome: home });
    assert.equal(noIdentity.status, 3);
    assert.match(noIdentity.stderr, /^wallet: no identity selected/);
    const noDeployment = wallet(['verify-addresses', ALICE.toText(), '--deployment', join(home, 'none.json'), '--offline'], {
      configHome: home,
    });
    assert.equal(noDeployment.status, 3);
    assert.match(noDeployment.stderr, /^wallet: no wallet canister: pass --canister <id>, or run npm start/);
    const bad = wallet(['verify-addresses', 'not-a-principal', '--deployment', deployment, '--offline'], { configHome: home });
    assert.deepEqual([bad.status, bad.stderr], [2, 'wallet: <principal>: "not-a-principal" is not a principal\n']);
  });
});

describe('wallet verify-addresses --network ic (mainnet published master keys)', () => {
  test('key_1 and Bitcoin mainnet by default, derived from the published keys', () => {
    const home = tempDir('wallet-va-');
    const canister = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
    const r = wallet(['verify-addresses', ALICE.toText(), '--network', 'ic', '--canister', canister.toText(), '--offline', '--json'], {
      configHome: home,
    });
    assert.equal(r.status, 0, r.stderr);
    // The same derivation by hand, from the published key_1 keys, with other encoders.
    const prefixed = (schema: number) => [canister.toUint8Array(), Uint8Array.of(schema), ALICE.toUint8Array()];
    const ecdsa = (schema: number) =>
      icSecp256k1.PublicKeyWithChainCode.forMainnetKey('key_1').deriveSubkeyWithChainCode(new icSecp256k1.DerivationPath(prefixed(schema)))
        .public_key.bytes;
    const taproot = icBip340.PublicKeyWithChainCode.forMainnetKey('key_1').deriveSubkeyWithChainCode(
      new icBip340.DerivationPath(prefixed(0x03)),
    ).public_key.bytes;
    const sol = hexToBytes(
      icEd25519.PublicKeyWithChainCode.forMainnetKey('key_1')
        .deriveSubkeyWithChainCode(new icEd25519.DerivationPath(prefixed(0x02)))
        .public_key.toHex(),
    );
    const derived = {
      btc_p2wpkh: bitcoin.payments.p2wpkh({ pubkey: ecdsa(0x00) }).address,
      btc_p2tr: bitcoin.payments.p2tr({ internalPubkey: taproot.subarray(1) }).address,
      eth: viemPublicKeyToAddress(`0x${secp256k1.Point.fromBytes(ecdsa(0x01)).toHex(false)}`),
      sol: base58.encode(sol),
    };
    assert.deepEqual(derived, {
      btc_p2wpkh: 'bc1q983gccr5974950zp4vxfjvc8lkwvww9n7fjm58',
      btc_p2tr: 'bc1py38snfny8uas7gnydqhnzjasmwvqd7jv9qcfwk7ppsfggnfate4qkkfmve',
      eth: '0x7934Cd059D59Ba6fA9f70E23fada46C077451a18',
      sol: 'ycFYYimU4VjozBvA9S1S6hD4yBy1qyi4Zbxpp3x1umF',
    });
    assert.equal(
      r.stdout,
      `${JSON.stringify({ principal: ALICE.toText(), canister: canister.toText(), network: 'ic', keyNames: { ecdsa: 'key_1', schnorr: 'key_1' }, bitcoinNetwork: 'mainnet', derived, answerSource: 'none', verified: null })}\n`,
    );
  });

  test('a key name mainnet does not publish is a usage error', () => {
    const home = tempDir('wallet-va-');
    const r = wallet(
      [
        'verify-addresses',
        ALICE.toText(),
        '--network',
        'ic',
        '--canister',
        'rrkah-fqaaa-aaaaa-aaaaq-cai',
        '--offline',
        '--ecdsa-key-name',
        'dfx_test_key',
      ],
      { configHome: home },
    );
    assert.deepEqual(
      [r.status, r.stderr],
      [2, 'wallet: mainnet has no published master key named "dfx_test_key" (it has key_1 and test_key_1)\n'],
    );
  });
});
