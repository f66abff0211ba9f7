/**
 * The wallet canister on the devnet through @dfinity/pic: each caller's addresses equal what an
 * auditor re-derives offline from the master public key (@dfinity/ic-pub-key over
 * [canister id, ...path of src/lib/derivation.ts], then src/chains), the anonymous caller and
 * management-canister rejections come back as typed errors, and the configuration survives
 * upgrades. Devnet-only: the offline derivation starts from the devnet's master keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketIc, type Actor, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { secp256k1 as icSecp256k1 } from '@dfinity/ic-pub-key/ecdsa';
import { ed25519 as icEd25519 } from '@dfinity/ic-pub-key/schnorr';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { buildWallet, type WalletBuild } from '../../scripts/build.ts';
import { onDevnet, startServer } from '../support/pic.ts';
import { DEFAULT_THRESHOLD_SEED } from '../../devnet/src/devnet.ts';
import { ThresholdKeys } from '../../devnet/src/services/threshold/index.ts';
import { btcDerivationPath, ethDerivationPath, solDerivationPath } from '../../src/lib/derivation.ts';
import * as btc from '../../src/chains/btc/index.ts';
import * as eth from '../../src/chains/eth/index.ts';
import * as sol from '../../src/chains/sol/index.ts';

type BitcoinNetwork = { mainnet: null } | { testnet: null } | { regtest: null };
type WalletConfig = { ecdsa_key_name: string; schnorr_key_name: string; bitcoin_network: BitcoinNetwork };
type AddressesResponse = { btc_p2wpkh: string; eth: string; sol: string };
type AddressesError =
  | { AnonymousCaller: null }
  | { ManagementCallRejected: { method: string; reject_code: number; reject_message: string } }
  | { ManagementCallNotSent: { method: string } };
interface Wallet {
  addresses(): Promise<{ Ok: AddressesResponse } | { Err: AddressesError }>;
  config(): Promise<WalletConfig>;
}

// The client's view of canisters/wallet/wallet.did (which test/wallet/candid.test.ts checks against the build).
const walletIdl: IDL.InterfaceFactory = ({ IDL }) => {
  const BitcoinNetwork = IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null });
  const WalletConfig = IDL.Record({ ecdsa_key_name: IDL.Text, schnorr_key_name: IDL.Text, bitcoin_network: BitcoinNetwork });
  const AddressesResponse = IDL.Record({ btc_p2wpkh: IDL.Text, eth: IDL.Text, sol: IDL.Text });
  const AddressesError = IDL.Variant({
    AnonymousCaller: IDL.Null,
    ManagementCallRejected: IDL.Record({ method: IDL.Text, reject_code: IDL.Nat32, reject_message: IDL.Text }),
    ManagementCallNotSent: IDL.Record({ method: IDL.Text }),
  });
  return IDL.Service({
    addresses: IDL.Func([], [IDL.Variant({ Ok: AddressesResponse, Err: AddressesError })], []),
    config: IDL.Func([], [WalletConfig], ['query']),
  });
};
const WalletConfigIdl = IDL.Record({
  ecdsa_key_name: IDL.Text,
  schnorr_key_name: IDL.Text,
  bitcoin_network: IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null }),
});
const configArg = (config: WalletConfig) => new Uint8Array(IDL.encode([WalletConfigIdl], [config]));

const CONFIG: WalletConfig = { ecdsa_key_name: 'dfx_test_key', schnorr_key_name: 'dfx_test_key', bitcoin_network: { regtest: null } };
const ALICE = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1));
const BOB = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(2));

const keys = new ThresholdKeys({ seed: DEFAULT_THRESHOLD_SEED });

/** What an auditor computes with no canister at all: master key → ic-pub-key derivation → address. */
function offlineAddresses({ canisterId, principal }: { canisterId: Principal; principal: Principal }): AddressesResponse {
  const ecdsaMaster = keys.masterPublicKey({ keyType: 'ecdsa_secp256k1', keyName: CONFIG.ecdsa_key_name });
  const ed25519Master = keys.masterPublicKey({ keyType: 'schnorr_ed25519', keyName: CONFIG.schnorr_key_name });
  const secp256k1Key = (path: Uint8Array[]) =>
    hexToBytes(
      icSecp256k1.PublicKeyWithChainCode.fromHex({
        public_key: bytesToHex(ecdsaMaster.publicKey),
        chain_code: bytesToHex(ecdsaMaster.chainCode),
      })
        .deriveSubkeyWithChainCode(new icSecp256k1.DerivationPath([canisterId.toUint8Array(), ...path]))
        .toHex().public_key,
    );
  const ed25519Key = (path: Uint8Array[]) =>
    hexToBytes(
      icEd25519.PublicKeyWithChainCode.fromHex(bytesToHex(ed25519Master.publicKey), bytesToHex(ed25519Master.chainCode))
        .deriveSubkeyWithChainCode(new icEd25519.DerivationPath([canisterId.toUint8Array(), ...path]))
        .public_key.toHex(),
    );
  return {
    btc_p2wpkh: btc.p2wpkhAddress({ publicKey: secp256k1Key(btcDerivationPath({ principal })), network: 'regtest' }),
    eth: eth.publicKeyToAddress(secp256k1Key(ethDerivationPath({ principal }))),
    sol: sol.publicKeyToAddress(ed25519Key(solDerivationPath({ principal }))),
  };
}

let server: PocketIcServer;
let pic: PocketIc;
let wallet: WalletBuild;

before(async () => {
  if (!onDevnet) return;
  wallet = buildWallet();
  server = await startServer();
  pic = await PocketIc.create(server.getUrl());
});
after(async () => {
  await pic?.tearDown();
  await server?.stop();
});

describe('wallet addresses', { skip: !onDevnet }, () => {
  let actor: Actor<Wallet>;
  let canisterId: Principal;
  before(async () => {
    ({ actor, canisterId } = await pic.setupCanister<Wallet>({ idlFactory: walletIdl, wasm: wallet.wasm, arg: configArg(CONFIG) }));
  });

  test('config returns the init configuration', async () => {
    assert.deepEqual(await actor.config(), CONFIG);
  });

  test('two callers get different addresses, each equal to the offline re-derivation', async () => {
    const results: AddressesResponse[] = [];
    for (const identity of [ALICE, BOB]) {
      actor.setIdentity(identity);
      const reply = await actor.addresses();
      assert.deepEqual(reply, { Ok: offlineAddresses({ canisterId, principal: identity.getPrincipal() }) });
      if ('Ok' in reply) results.push(reply.Ok);
    }
    assert.equal(results.length, 2);
    assert.notEqual(results[0].btc_p2wpkh, results[1].btc_p2wpkh);
    assert.notEqual(results[0].eth, results[1].eth);
    assert.notEqual(results[0].sol, results[1].sol);
  });

  test('pinned: the first canister of a fresh devnet and a fixed caller give these exact addresses', async () => {
    assert.equal(canisterId.toText(), 'lxzze-o7777-77777-aaaaa-cai');
    assert.equal(ALICE.getPrincipal().toText(), 'wf3fv-4c4nr-7ks2b-xa4u7-kf3no-32glf-lf7e4-4ng4a-wwtlu-a2vnq-nae');
    actor.setIdentity(ALICE);
    assert.deepEqual(await actor.addresses(), {
      Ok: {
        btc_p2wpkh: 'bcrt1qz2z4r9sr49087dyuwvvu8guueww2e4pc2njwf0',
        eth: '0xb3920b42075A0Aa09498458FB5C4dA761970422B',
        sol: 'H2vToL8iw7PgdYyL61W9yL99VeYC9fvNeJ81k3SFhorJ',
      },
    });
  });

  test('the anonymous caller is refused with AnonymousCaller', async () => {
    actor.setPrincipal(Principal.anonymous());
    assert.deepEqual(await actor.addresses(), { Err: { AnonymousCaller: null } });
  });

  test('upgrades keep the configuration; a different configuration is refused', async () => {
    actor.setIdentity(ALICE);
    const before = await actor.addresses();
    // No argument (what PicJS and `dfx deploy` send by default for an upgrade without --argument).
    await pic.upgradeCanister({ canisterId, wasm: wallet.wasm });
    assert.deepEqual(await actor.config(), CONFIG);
    assert.deepEqual(await actor.addresses(), before);
    // An empty Candid argument list, `()`.
    await pic.upgradeCanister({ canisterId, wasm: wallet.wasm, arg: new Uint8Array(IDL.encode([], [])) });
    assert.deepEqual(await actor.config(), CONFIG);
    // The same configuration again.
    await pic.upgradeCanister({ canisterId, wasm: wallet.wasm, arg: configArg(CONFIG) });
    assert.deepEqual(await actor.config(), CONFIG);
    // Another network would change every BTC address: the upgrade traps and rolls back.
    await assert.rejects(
      pic.upgradeCanister({ canisterId, wasm: wallet.wasm, arg: configArg({ ...CONFIG, bitcoin_network: { mainnet: null } }) }),
      /wallet post_upgrade: the configuration is fixed at install: stored \{"ecdsa_key_name":"dfx_test_key","schnorr_key_name":"dfx_test_key","bitcoin_network":"regtest"\}, got \{"ecdsa_key_name":"dfx_test_key","schnorr_key_name":"dfx_test_key","bitcoin_network":"mainnet"\}/,
    );
    assert.deepEqual(await actor.config(), CONFIG);
    assert.deepEqual(await actor.addresses(), before);
  });
});

describe('wallet configuration errors', { skip: !onDevnet }, () => {
  test('a key name the management canister does not know comes back as ManagementCallRejected', async () => {
    const { actor } = await pic.setupCanister<Wallet>({
      idlFactory: walletIdl,
      wasm: wallet.wasm,
      arg: configArg({ ...CONFIG, schnorr_key_name: 'no_such_key' }),
    });
    actor.setIdentity(ALICE);
    const reply = await actor.addresses();
    assert.ok('Err' in reply && 'ManagementCallRejected' in reply.Err, JSON.stringify(reply));
    const { method, reject_code, reject_message } = reply.Err.ManagementCallRejected;
    assert.deepEqual({ method, reject_code }, { method: 'schnorr_public_key', reject_code: 3 });
    assert.match(
      reject_message,
      /^Unable to route management canister request schnorr_public_key: ChainKeyError\("Requested unknown threshold key: schnorr:Ed25519:no_such_key, existing keys: /,
    );
  });

  test('init refuses an empty key name', async () => {
    await assert.rejects(
      pic.setupCanister<Wallet>({ idlFactory: walletIdl, wasm: wallet.wasm, arg: configArg({ ...CONFIG, ecdsa_key_name: '' }) }),
      /wallet init: "ecdsa_key_name" expected a threshold key name such as \\?"key_1\\?", got \\?"\\?"/,
    );
  });
});
