/**
 * The wallet canister on the devnet through @dfinity/pic: each caller's addresses equal what an
 * auditor re-derives offline from the master public key (@dfinity/ic-pub-key over
 * [canister id, ...path of src/lib/derivation.ts], then src/chains), the anonymous caller and
 * management-canister rejections come back as typed errors, and the configuration survives
 * upgrades. Devnet-only: the offline derivation starts from the devnet's master keys.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import {
  ALICE,
  BOB,
  configArg,
  identity,
  DEVNET_CONFIG as CONFIG,
  installWallet,
  offlineAddresses,
  offlineEd25519Key,
  offlineSecp256k1Key,
  ok,
  OPERATOR,
  walletBuild,
  type WalletActor,
} from '../support/wallet.ts';
import { btcDerivationPath, btcTaprootDerivationPath, ethDerivationPath, solDerivationPath } from '../../src/lib/derivation.ts';
import type { Addresses } from '../../src/lib/wallet-candid.ts';

let server: PocketIcServer;
let pic: PocketIc;

before(async () => {
  if (!onDevnet) return;
  walletBuild();
  ({ server, pic } = await startInstance());
});
after(() => stopInstance({ server, pic }));

describe('wallet addresses', { skip: !onDevnet }, () => {
  let actor: WalletActor;
  let canisterId: Principal;
  before(async () => {
    ({ actor, canisterId } = await installWallet({ pic }));
  });

  test('config returns the init configuration', async () => {
    assert.deepEqual(await actor.config(), CONFIG);
  });

  test('two callers get different addresses, each equal to the offline re-derivation', async () => {
    const results: Addresses[] = [];
    for (const identity of [ALICE, BOB]) {
      actor.setIdentity(identity);
      const reply = await actor.addresses();
      assert.deepEqual(reply, { Ok: offlineAddresses({ canisterId, principal: identity.getPrincipal() }) });
      if ('Ok' in reply) results.push(reply.Ok);
    }
    assert.equal(results.length, 2);
    assert.notEqual(results[0].btc_p2wpkh, results[1].btc_p2wpkh);
    assert.notEqual(results[0].btc_p2tr, results[1].btc_p2tr);
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
        btc_p2tr: 'bcrt1pl5dl5jjwr2nxvmq4hvxezjzekzfsra2cvu9tyvyx2a3kz3p4s7ms0z88qv',
        eth: '0xb3920b42075A0Aa09498458FB5C4dA761970422B',
        sol: 'H2vToL8iw7PgdYyL61W9yL99VeYC9fvNeJ81k3SFhorJ',
      },
    });
  });

  test('public_keys: every key equals the ic-pub-key derivation at the path it names', async () => {
    actor.setIdentity(BOB);
    const keys = ok(await actor.public_keys());
    const principal = BOB.getPrincipal();
    assert.equal(keys.canister_id.toText(), canisterId.toText());
    assert.deepEqual([keys.ecdsa_key_name, keys.schnorr_key_name], ['dfx_test_key', 'dfx_test_key']);
    const hex = (path: Uint8Array[]) => path.map((c) => bytesToHex(c));
    assert.deepEqual(hex(keys.btc_ecdsa.derivation_path), hex(btcDerivationPath({ principal })));
    assert.deepEqual(hex(keys.btc_bip340.derivation_path), hex(btcTaprootDerivationPath({ principal })));
    assert.deepEqual(hex(keys.eth_ecdsa.derivation_path), hex(ethDerivationPath({ principal })));
    assert.deepEqual(hex(keys.sol_ed25519.derivation_path), hex(solDerivationPath({ principal })));
    const ecdsa = (path: Uint8Array[]) => offlineSecp256k1Key({ keyType: 'ecdsa_secp256k1', canisterId, path });
    assert.deepEqual(keys.btc_ecdsa.public_key, ecdsa(btcDerivationPath({ principal })));
    assert.deepEqual(keys.eth_ecdsa.public_key, ecdsa(ethDerivationPath({ principal })));
    assert.deepEqual(
      keys.btc_bip340.public_key,
      offlineSecp256k1Key({ keyType: 'schnorr_bip340secp256k1', canisterId, path: btcTaprootDerivationPath({ principal }) }),
    );
    assert.deepEqual(keys.sol_ed25519.public_key, offlineEd25519Key({ canisterId, path: solDerivationPath({ principal }) }));
  });

  test('cached_addresses: a query that answers from the cache, NotYetDerived before the first addresses call', async () => {
    const carol = identity(3);
    actor.setIdentity(carol);
    assert.deepEqual(await actor.cached_addresses(), { Err: { NotYetDerived: null } });
    const derived = ok(await actor.addresses());
    assert.deepEqual(await actor.cached_addresses(), { Ok: derived });
  });

  test('the anonymous caller: refused by inspect_message for updates, AnonymousCaller from a query', async () => {
    actor.setPrincipal(Principal.anonymous());
    await assert.rejects(actor.addresses(), /Canister rejected the message/);
    assert.deepEqual(await actor.cached_addresses(), { Err: { AnonymousCaller: null } });
  });

  test('upgrades keep the configuration; a different configuration is refused', async () => {
    actor.setIdentity(ALICE);
    const before = await actor.addresses();
    // No argument (what PicJS and `dfx deploy` send by default for an upgrade without --argument).
    await pic.upgradeCanister({ canisterId, wasm: walletBuild().wasm, sender: OPERATOR.getPrincipal() });
    assert.deepEqual(await actor.config(), CONFIG);
    assert.deepEqual(await actor.addresses(), before);
    // An empty Candid argument list, `()`.
    await pic.upgradeCanister({
      canisterId,
      wasm: walletBuild().wasm,
      arg: new Uint8Array(IDL.encode([], [])),
      sender: OPERATOR.getPrincipal(),
    });
    assert.deepEqual(await actor.config(), CONFIG);
    // The same configuration again.
    await pic.upgradeCanister({ canisterId, wasm: walletBuild().wasm, arg: configArg(CONFIG), sender: OPERATOR.getPrincipal() });
    assert.deepEqual(await actor.config(), CONFIG);
    // Another network would change every BTC address: the upgrade traps and rolls back.
    await assert.rejects(
      pic.upgradeCanister({
        canisterId,
        wasm: walletBuild().wasm,
        arg: configArg({ ...CONFIG, bitcoin_network: { mainnet: null } }),
        sender: OPERATOR.getPrincipal(),
      }),
      /wallet post_upgrade: the key names and network are fixed at install: stored \{"ecdsa_key_name":"dfx_test_key","schnorr_key_name":"dfx_test_key","bitcoin_network":"regtest"\}, got \{"ecdsa_key_name":"dfx_test_key","schnorr_key_name":"dfx_test_key","bitcoin_network":"mainnet"\}/,
    );
    assert.deepEqual(await actor.config(), CONFIG);
    assert.deepEqual(await actor.addresses(), before);
  });
});

describe('wallet configuration errors', { skip: !onDevnet }, () => {
  test('a key name the management canister does not know comes back as ManagementCallRejected', async () => {
    const { actor } = await installWallet({ pic, config: { ...CONFIG, schnorr_key_name: 'no_such_key' } });
    actor.setIdentity(ALICE);
    const reply = await actor.addresses();
    assert.ok('Err' in reply && 'ManagementCallRejected' in reply.Err, JSON.stringify(reply));
    const { method, reject_code, reject_message } = reply.Err.ManagementCallRejected;
    assert.deepEqual({ method, reject_code }, { method: 'schnorr_public_key', reject_code: 3 });
    assert.match(
      reject_message,
      /^Unable to route management canister request schnorr_public_key: ChainKeyError\("Requested unknown threshold key: schnorr:Bip340Secp256k1:no_such_key, existing keys: /,
    );
  });

  test('init refuses an empty key name', async () => {
    await assert.rejects(
      installWallet({ pic, config: { ...CONFIG, ecdsa_key_name: '' } }),
      /wallet init: "ecdsa_key_name" expected a threshold key name such as \\?"key_1\\?", got \\?"\\?"/,
    );
  });
});
