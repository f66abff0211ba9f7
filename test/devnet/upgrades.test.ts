/**
 * install_code is atomic (IC spec "IC method install_code"): a trapping post_upgrade leaves the
 * old code, its state and its open calls as they were. Enhanced-orthogonal-persistence modules
 * refuse only a missing `wasm_memory_persistence`; `replace` is accepted. Motoko and Azle
 * canisters, through the standard @dfinity/pic client.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { startInstance, stopInstance } from '../support/pic.ts';
import { azleProbeIdl, motokoProbeIdl, type AzleProbe, type MotokoProbe } from '../support/probes.ts';

const optNat = (n: bigint | null) => new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [n === null ? [] : [n]]));

let server: PocketIcServer;
let pic: PocketIc;
let azle: Fixture;
let motoko: Fixture;

before(async () => {
  azle = azleProbe();
  motoko = motokoProbe();
  ({ server, pic } = await startInstance());
});

after(() => stopInstance({ server, pic }));

const moduleHash = async (canisterId: Parameters<PocketIc['canisterStatus']>[0]['canisterId']) => {
  const { moduleHash } = await pic.canisterStatus({ canisterId });
  return moduleHash && bytesToHex(moduleHash);
};

describe('a trapping post_upgrade leaves the old code, its state and its open calls intact', () => {
  test('Motoko: an upgrade to a module whose post_upgrade traps, and Motoko’s own trapping postupgrade', async () => {
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    assert.equal(await actor.inc(), 1n);
    assert.equal(await actor.inc(), 2n);
    await assert.rejects(
      pic.upgradeCanister({
        canisterId,
        wasm: azle.wasmPath,
        arg: optNat(666n),
        upgradeModeOptions: { skip_pre_upgrade: [], wasm_memory_persistence: [{ replace: null }] },
      }),
      /post_upgrade refused 666/,
    );
    assert.equal(await moduleHash(canisterId), bytesToHex(sha256(readFileSync(motoko.wasmPath))));
    assert.equal(await actor.get(), 2n);
    assert.equal(await actor.inc(), 3n);

    await actor.armUpgradeTrap();
    await assert.rejects(
      pic.upgradeCanister({
        canisterId,
        wasm: motoko.wasmPath,
        upgradeModeOptions: { skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] },
      }),
      /post_upgrade refused/,
    );
    assert.equal(await actor.get(), 3n);
    assert.equal(await actor.inc(), 4n);
  });

  test('Azle: a call awaiting an HTTPS outcall survives a failed upgrade and a failed reinstall, and completes in the old code', async () => {
    const { canisterId, actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(9n) });
    const finish = await pic.createDeferredActor<AzleProbe>(azleProbeIdl, canisterId).httpGet('https://example.com/upgrade', []);
    await pic.tick(2);
    const [pending] = await pic.getPendingHttpsOutcalls();
    assert.equal(pending.url, 'https://example.com/upgrade');
    await assert.rejects(pic.upgradeCanister({ canisterId, wasm: azle.wasmPath, arg: optNat(666n) }), /post_upgrade refused 666/);
    assert.equal(await actor.get(), 9n);
    await assert.rejects(pic.reinstallCode({ canisterId, wasm: azle.wasmPath, arg: optNat(666n) }), /init refused 666/);
    assert.equal(await actor.get(), 9n);
    await pic.mockPendingHttpsOutcall({
      requestId: pending.requestId,
      subnetId: pending.subnetId,
      response: { type: 'success', statusCode: 200, headers: [], body: new TextEncoder().encode('still here') },
    });
    const result = (await finish()) as unknown as { Ok: { status: bigint; body: Uint8Array } };
    assert.equal(result.Ok.status, 200n);
    assert.equal(new TextDecoder().decode(result.Ok.body), 'still here');
  });
});

describe('enhanced orthogonal persistence upgrades', () => {
  test('a missing wasm_memory_persistence is refused; replace is accepted and starts from a fresh heap', async () => {
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    assert.equal(await actor.inc(), 1n);
    await assert.rejects(
      pic.upgradeCanister({ canisterId, wasm: motoko.wasmPath }),
      /Missing upgrade option: Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option/,
    );
    assert.equal(await actor.get(), 1n);
    await pic.upgradeCanister({
      canisterId,
      wasm: motoko.wasmPath,
      upgradeModeOptions: { skip_pre_upgrade: [], wasm_memory_persistence: [{ replace: null }] },
    });
    assert.equal(await actor.get(), 0n);
  });
});
