/**
 * Rounds and time as PocketIC keeps them, through the standard @dfinity/pic client, on Motoko and
 * Azle canisters: one tick is one IC round in which messages within a subnet (self-calls, a
 * timer's call chain) complete, while messages to another subnet take further rounds; new
 * instances start at PocketIC's genesis time, `set_time` reaches queries after the next round,
 * `set_certified_time` at once, and a tick adds 1 ns only when time did not otherwise advance.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterCyclesCostSchedule, IcpFeaturesConfig, PocketIc, SubnetStateType } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { onDevnet, serverForInstances } from '../support/pic.ts';
import { azleProbeIdl, motokoProbeIdl, type AzleProbe, type MotokoProbe } from '../support/probes.ts';

/** PocketIC's genesis: 2021-05-06T19:17:10Z (dfinity/ic state machine tests `GENESIS`). */
const GENESIS_MS = 1_620_328_630_000;
const initArg = new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [[]]));

let azle: Fixture;
let motoko: Fixture;
const { url: serverUrl, newPic } = serverForInstances();

before(async () => {
  azle = azleProbe();
  motoko = motokoProbe();
});

describe('rounds: one tick is one IC round', () => {
  test('a Motoko timer whose job awaits a self-call completes in one tick', async () => {
    const pic = await newPic();
    const { actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    await actor.startTimerChain(5n);
    await pic.advanceTime(6_000);
    await pic.tick();
    // +100 in the job, +1 in the self-called hop, +100 after the await: all in this one round.
    assert.equal(await actor.hopCount(), 201n);
  });

  test('five sequential self-calls of a Motoko canister complete in one tick', async () => {
    const pic = await newPic();
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    const deferred = pic.createDeferredActor<MotokoProbe>(motokoProbeIdl, canisterId);
    const finish = await deferred.chain(5n);
    await pic.tick();
    assert.equal(await actor.hopCount(), 5n);
    assert.equal(await finish(), 5n);
  });

  test('an Azle canister’s call to a canister on its subnet is executed in the same tick', async () => {
    const pic = await newPic();
    const a = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg });
    const mo = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    const finish = await pic.createDeferredActor<AzleProbe>(azleProbeIdl, a.canisterId).callText(mo.canisterId, 'greetUpdate', 'x');
    await pic.tick();
    assert.equal(await mo.actor.get(), 1n);
    assert.deepEqual(await finish(), { Ok: 'Hi x' });
  });

  test('a call to a canister on another subnet is not executed in the tick that sent it', async () => {
    const pic = await newPic({ application: [{ state: { type: SubnetStateType.New } }, { state: { type: SubnetStateType.New } }] });
    const [s0, s1] = await pic.getApplicationSubnets();
    const a = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg, targetSubnetId: s0.id });
    const mo = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath, targetSubnetId: s1.id });
    assert.notEqual((await pic.getCanisterSubnetId(a.canisterId))?.toText(), (await pic.getCanisterSubnetId(mo.canisterId))?.toText());
    const finish = await pic.createDeferredActor<AzleProbe>(azleProbeIdl, a.canisterId).callText(mo.canisterId, 'greetUpdate', 'y');
    await pic.tick();
    assert.equal(await mo.actor.get(), 0n);
    assert.deepEqual(await finish(), { Ok: 'Hi y' });
    assert.equal(await mo.actor.get(), 1n);
  });
});

describe('time as PocketIC keeps it', () => {
  test('a new instance starts at PocketIC’s genesis time', async () => {
    const pic = await newPic();
    assert.equal(await pic.getTime(), GENESIS_MS);
  });

  for (const kind of ['Motoko', 'Azle'] as const) {
    test(`${kind}: set_time reaches queries after the next tick, set_certified_time at once, and a tick adds 1 ns only when time stood still`, async () => {
      const pic = await newPic();
      const { actor } =
        kind === 'Motoko'
          ? await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath })
          : await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg });
      const before = await actor.now();
      await pic.setTime(1_700_000_000_000);
      assert.equal(await pic.getTime(), 1_700_000_000_000);
      assert.equal(await actor.now(), before, 'a query still sees the last round’s time');
      await pic.tick();
      assert.equal(await actor.now(), 1_700_000_000_000_000_000n);
      await pic.tick();
      assert.equal(await actor.now(), 1_700_000_000_000_000_001n);
      await pic.setCertifiedTime(1_800_000_000_000);
      assert.equal(await actor.now(), 1_800_000_000_000_000_000n);
    });
  }

  test('the Free cost schedule charges no cycles for execution', async () => {
    const pic = await newPic({ application: [{ state: { type: SubnetStateType.New }, costSchedule: CanisterCyclesCostSchedule.Free }] });
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    const before = await pic.getCyclesBalance(canisterId);
    assert.equal(await actor.inc(), 1n);
    assert.equal(await pic.getCyclesBalance(canisterId), before);
  });

  test('an instance option the devnet does not implement is refused by name', { skip: !onDevnet }, async () => {
    await assert.rejects(
      PocketIc.create(serverUrl(), { icpFeatures: { icpToken: IcpFeaturesConfig.DefaultConfig } }),
      /icp_features\.icp_token: not supported/,
    );
  });

  test('initial_time sets the new instance’s clock', { skip: !onDevnet }, async () => {
    const res = await fetch(`${serverUrl()}/instances`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        subnet_config_set: { application: [{ state_config: 'New' }] },
        initial_time: { Timestamp: { nanos_since_epoch: 1_750_000_000_000_000_000 } },
      }),
    });
    assert.equal(res.status, 201);
    const id = ((await res.json()) as { Created: { instance_id: number } }).Created.instance_id;
    const time = await fetch(`${serverUrl()}/instances/${id}/read/get_time`);
    assert.equal(await time.text(), '{"nanos_since_epoch":1750000000000000000}');
    await fetch(`${serverUrl()}/instances/${id}`, { method: 'DELETE' });
  });
});
