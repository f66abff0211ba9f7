/**
 * Bounded-wait calls (IC spec "ic0.call_with_best_effort_response", "ic0.msg_deadline"): the
 * callee sees the call's deadline, a call not answered by its deadline is rejected with
 * SYS_UNKNOWN (code 6), and a response arriving after that is dropped. A Motoko canister makes
 * the calls (`with timeout`); the late callee is an Azle canister waiting on an HTTPS outcall.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { startInstance, stopInstance } from '../support/pic.ts';
import { azleProbeIdl, motokoProbeIdl, type AzleProbe, type MotokoProbe } from '../support/probes.ts';

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

describe('bounded-wait calls', () => {
  test('the callee sees the deadline in msg_deadline: the call’s round time plus its timeout; 0 for ingress', async () => {
    const { actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    await pic.setTime(1_700_000_000_000);
    await pic.tick();
    assert.equal(await actor.deadlineSeen(), 0n);
    // That update ran in the next round, 1 ns later (time stood still); this one 1 ns after it.
    assert.equal(await actor.boundedSelf(), 1_700_000_000_000_000_002n + 10_000_000_000n);
  });

  test('a call not answered by its deadline is rejected with SYS_UNKNOWN (6); the late response is dropped', async () => {
    const a = await pic.setupCanister<AzleProbe>({
      idlFactory: azleProbeIdl,
      wasm: azle.wasmPath,
      arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [[]])),
    });
    const mo = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    const finish = await pic
      .createDeferredActor<MotokoProbe>(motokoProbeIdl, mo.canisterId)
      .boundedHttpGet(a.canisterId, 'https://example.com/slow');
    await pic.tick(3);
    const [pending] = await pic.getPendingHttpsOutcalls();
    assert.equal(pending.url, 'https://example.com/slow');
    await pic.advanceTime(6_000);
    assert.equal(await finish(), '#system_unknown: Call deadline has expired.');
    await pic.mockPendingHttpsOutcall({
      requestId: pending.requestId,
      subnetId: pending.subnetId,
      response: { type: 'success', statusCode: 200, headers: [], body: new Uint8Array() },
    });
    await pic.tick(3);
    assert.equal(await mo.actor.lastBoundedOutcome(), '#system_unknown: Call deadline has expired.');
  });
});
