import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidDeploymentError, parseDeployment, parseMasterKeyRecords } from './deployment.ts';

const KEY = { keyType: 'ecdsa_secp256k1', keyName: 'dfx_test_key', publicKeyHex: '02' + '11'.repeat(32), chainCodeHex: '00'.repeat(32) };
const GOOD = {
  network: 'local',
  host: 'http://127.0.0.1:4943',
  rootKeyHex: '3081',
  canisters: { wallet: 'lxzze-o7777-77777-aaaaa-cai', frontend: null },
  masterKeys: [KEY],
};

describe('parseDeployment', () => {
  test('accepts a record and returns exactly its fields; frontend and masterKeys default to null and []', () => {
    assert.deepEqual(parseDeployment({ ...GOOD, extra: 1 }), GOOD);
    const { masterKeys: _m, ...mainnet } = {
      ...GOOD,
      network: 'ic',
      host: 'https://icp-api.io',
      canisters: { wallet: 'rrkah-fqaaa-aaaaa-aaaaq-cai' },
    };
    assert.deepEqual(parseDeployment(mainnet), {
      ...mainnet,
      canisters: { wallet: 'rrkah-fqaaa-aaaaa-aaaaq-cai', frontend: null },
      masterKeys: [],
    });
  });

  test('names the first bad field', () => {
    const cases: [unknown, string][] = [
      [[], 'expected a JSON object'],
      [{ ...GOOD, network: 'testnet' }, '"network" must be "local" or "ic", got "testnet"'],
      [{ ...GOOD, host: 'localhost:4943' }, '"host" must be an http(s) URL, got "localhost:4943"'],
      [{ ...GOOD, rootKeyHex: 'ABCD' }, '"rootKeyHex" must be lowercase hex'],
      [{ ...GOOD, canisters: {} }, '"canisters.wallet" must be a canister id'],
      [{ ...GOOD, canisters: { wallet: 'x', frontend: 3 } }, '"canisters.frontend" must be a canister id or null'],
      [{ ...GOOD, masterKeys: {} }, '"masterKeys" must be an array'],
      [
        { ...GOOD, masterKeys: [{ ...KEY, keyType: 'rsa' }] },
        'masterKeys[0].keyType must be one of ecdsa_secp256k1, schnorr_bip340secp256k1, schnorr_ed25519',
      ],
      [{ ...GOOD, masterKeys: [{ ...KEY, chainCodeHex: '00' }] }, 'masterKeys[0].chainCodeHex must be 32 bytes of lowercase hex'],
    ];
    for (const [value, details] of cases) {
      assert.throws(
        () => parseDeployment(value),
        (e) => e instanceof InvalidDeploymentError && e.details === details,
        details,
      );
    }
  });

  test('parseMasterKeyRecords validates a --master-keys list alone', () => {
    assert.deepEqual(parseMasterKeyRecords([KEY]), [KEY]);
    assert.throws(() => parseMasterKeyRecords([{ ...KEY, keyName: '' }]), InvalidDeploymentError);
  });
});
