/**
 * Canister execution with IC semantics, through the standard @dfinity/pic client, on a 32-bit
 * (Azle) and a 64-bit (Motoko, enhanced orthogonal persistence) canister. The same file runs
 * against a real PocketIC when POCKET_IC_BIN names one; a few devnet-only exact figures are
 * guarded by `onDevnet`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PocketIc, type Actor, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { Certificate } from '@icp-sdk/core/agent';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import { instrument } from '../../devnet/src/wasm/instrument.ts';
import { azleProbeIdl, motokoProbeIdl, type AzleProbe, type MotokoProbe } from '../support/probes.ts';

const alice = Principal.fromText('2vxsx-fae'); // the anonymous principal: PicJS's default sender
const bob = Principal.fromText('xkbqi-2qaaa-aaaah-qbpqq-cai');
const initArg = (n: bigint | null) => new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [n === null ? [] : [n]]));

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

async function setupAzle(start: bigint | null = 5n) {
  return pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg(start) });
}
async function setupMotoko() {
  return pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
}

describe('Azle canister (32-bit Wasm, chunked install)', () => {
  let actor: Actor<AzleProbe>;
  let canisterId: Principal;
  before(async () => {
    ({ actor, canisterId } = await setupAzle());
  });

  test('chunked install: the Azle Wasm is over the threshold and the installed module is its SHA-256', async () => {
    const wasm = readFileSync(azle.wasmPath);
    assert.ok(wasm.length > 1_850_000);
    const status = await pic.canisterStatus({ canisterId });
    assert.equal(status.moduleHash && bytesToHex(status.moduleHash), bytesToHex(sha256(wasm)));
  });

  test('canister_init ran with its argument, and the heap persists across messages', async () => {
    assert.equal(await actor.get(), 5n);
    assert.equal(await actor.inc(), 6n);
    assert.equal(await actor.inc(), 7n);
    assert.equal(await actor.get(), 7n);
  });

  test('a query sees its own changes but never persists them (heap and stable memory)', async () => {
    const before = await actor.get();
    assert.equal(await actor.queryMutate(), before + 100n);
    assert.equal(await actor.get(), before);
    assert.deepEqual(await actor.getStable('query'), []);
  });

  test('a trap rolls back the heap and stable memory and rejects with the trap message', async () => {
    const before = await actor.get();
    await assert.rejects(actor.trapAfterWrite(), (e: Error) => {
      assert.match(e.message, new RegExp(`Canister ${canisterId.toText()}.*boom after write`));
      assert.match(e.message, /Reject code: 5/);
      return true;
    });
    assert.equal(await actor.get(), before);
    assert.deepEqual(await actor.getStable('trap'), []);
  });

  test('msg_caller and canister_self', async () => {
    assert.equal((await actor.whoami()).toText(), '2vxsx-fae');
    actor.setPrincipal(bob);
    assert.equal((await actor.whoami()).toText(), bob.toText());
    actor.setPrincipal(alice);
    assert.equal((await actor.self()).toText(), canisterId.toText());
  });

  test('ic0.time is the instance time once a round has run at it', async () => {
    const t = await pic.getTime(); // milliseconds
    await pic.setTime(t + 60_000);
    await pic.tick();
    const now = await actor.now();
    assert.equal(now, BigInt(Math.round(t + 60_000)) * 1_000_000n);
  });

  test('upgrade resets the heap and keeps stable memory; reinstall resets both', async () => {
    await actor.setStable('k', 'v1');
    await actor.inc();
    await pic.upgradeCanister({ canisterId, wasm: azle.wasmPath, arg: initArg(40n) });
    assert.equal(await actor.get(), 40n); // post_upgrade ran, old heap gone
    assert.deepEqual(await actor.getStable('k'), ['v1']);
    await pic.reinstallCode({ canisterId, wasm: azle.wasmPath, arg: initArg(2n) });
    assert.equal(await actor.get(), 2n);
    assert.deepEqual(await actor.getStable('k'), []);
  });

  test('a global timer fires once its time has come', async () => {
    await actor.startTimer(30);
    await pic.tick(2);
    assert.equal(await actor.timerCount(), 0n);
    await pic.advanceTime(31_000);
    await pic.tick(3);
    assert.equal(await actor.timerCount(), 1n);
  });

  test('certified data set in an update is certified to queries by the root key', async () => {
    // The agent refuses certificates over 5 minutes old: bring the instance's clock to now.
    await pic.resetTime();
    const data = new Uint8Array(32).fill(7);
    await actor.setCertified(data);
    const [cert] = await actor.certificate();
    assert.ok(cert, 'a query sees a data certificate');
    const subnetId = await pic.getCanisterSubnetId(canisterId);
    const rootKey = new Uint8Array(await pic.getPubKey(subnetId!));
    const certificate = await Certificate.create({ certificate: cert, rootKey, principal: { canisterId } });
    const lookup = certificate.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']) as { value?: Uint8Array };
    assert.deepEqual(lookup.value, data);
  });

  test('execution is metered: performance_counter grows with the work done', async () => {
    const small = await actor.spin(1_000);
    const large = await actor.spin(100_000);
    assert.ok(small > 0n);
    assert.ok(large > small * 10n, `${large} should be well over 10 × ${small}`);
  });

  test('a runaway loop traps at the instruction limit, and the canister keeps answering', async () => {
    const before = await actor.get();
    await assert.rejects(actor.forever(), /exceeded the limit of 40000000000 instructions for single message execution/);
    assert.equal(await actor.get(), before);
  });

  test('update calls are charged cycles; queries are free', async () => {
    const c0 = await pic.getCyclesBalance(canisterId);
    await actor.get();
    assert.equal(await pic.getCyclesBalance(canisterId), c0);
    await actor.inc();
    const c1 = await pic.getCyclesBalance(canisterId);
    assert.ok(c1 < c0, `balance ${c1} should drop below ${c0}`);
  });

  test('raw_rand through the management canister returns 32 bytes of randomness', async () => {
    const a = await actor.rawRand();
    const b = await actor.rawRand();
    assert.equal(a.length, 32);
    assert.notDeepEqual(a, b);
  });

  test('is_controller', async () => {
    assert.equal(await actor.controls(alice), true);
    assert.equal(await actor.controls(bob), false);
  });
});

describe('Motoko canister (64-bit Wasm, enhanced orthogonal persistence)', () => {
  let actor: Actor<MotokoProbe>;
  let canisterId: Principal;
  before(async () => {
    ({ actor, canisterId } = await setupMotoko());
  });

  test('the module uses 64-bit memory', () => {
    assert.equal(instrument(new Uint8Array(readFileSync(motoko.wasmPath))).memory64, true);
    assert.equal(instrument(new Uint8Array(readFileSync(azle.wasmPath))).memory64, false);
  });

  test('state persists; queries and traps roll back', async () => {
    assert.equal(await actor.inc(), 1n);
    assert.equal(await actor.inc(), 2n);
    assert.equal(await actor.queryMutate(), 102n);
    assert.equal(await actor.get(), 2n);
    await assert.rejects(actor.trapAfterWrite(), /motoko boom/);
    assert.equal(await actor.get(), 2n);
  });

  test('upgrading without wasm_memory_persistence = keep is refused; with keep the heap survives', async () => {
    await assert.rejects(
      pic.upgradeCanister({ canisterId, wasm: motoko.wasmPath }),
      /Enhanced orthogonal persistence requires the `wasm_memory_persistence` upgrade option/,
    );
    assert.equal(await actor.get(), 2n);
    await pic.upgradeCanister({
      canisterId,
      wasm: motoko.wasmPath,
      upgradeModeOptions: { skip_pre_upgrade: [], wasm_memory_persistence: [{ keep: null }] },
    });
    assert.equal(await actor.get(), 2n);
    assert.equal(await actor.inc(), 3n);
  });

  test('a runaway loop traps at the instruction limit on a 64-bit module too', async () => {
    await assert.rejects(actor.forever(), /exceeded the limit of 40000000000 instructions/);
    assert.equal(await actor.get(), 3n);
  });

  test('performance_counter in a 64-bit module', async () => {
    const a = await actor.spin(10n);
    const b = await actor.spin(10_000n);
    assert.ok(b > a * 10n, `${b} should be well over 10 × ${a}`);
  });
});

describe('inter-canister calls (Azle calling Motoko)', () => {
  let azleActor: Actor<AzleProbe>;
  let azleId: Principal;
  let moActor: Actor<MotokoProbe>;
  let moId: Principal;
  before(async () => {
    ({ actor: azleActor, canisterId: azleId } = await setupAzle(0n));
    ({ actor: moActor, canisterId: moId } = await setupMotoko());
  });

  test('a call to an update and to a query method replies', async () => {
    assert.deepEqual(await azleActor.callText(moId, 'greetUpdate', 'azle'), { Ok: 'Hi azle' });
    assert.deepEqual(await azleActor.callText(moId, 'greet', 'azle'), { Ok: 'Hello, azle!' });
  });

  test('msg_caller of the callee is the calling canister', async () => {
    // Motoko's whoami answers its caller: called by Azle, that is the Azle canister.
    const r = await azleActor.rawCall(moId, 'whoami', new Uint8Array(IDL.encode([], [])), 0n);
    assert.ok('Ok' in r, JSON.stringify(r));
    const [who] = IDL.decode([IDL.Principal], r.Ok) as unknown as [Principal];
    assert.equal(who.toText(), azleId.toText());
    assert.equal((await moActor.whoami()).toText(), '2vxsx-fae', 'called by ingress, it is the sender');
  });

  test('a reject from the callee reaches the caller with code 4 (CANISTER_REJECT)', async () => {
    assert.deepEqual(await azleActor.callText(moId, 'refuse', 'x'), { Err: { code: 4, message: 'refused x' } });
  });

  test('a missing method rejects with code 5 and the replica message', async () => {
    const r = await azleActor.callText(moId, 'nope', 'x');
    assert.ok('Err' in r);
    assert.equal(r.Err.code, 5);
    assert.match(r.Err.message, /has no update method 'nope'/);
  });

  test('a call to a missing canister rejects with code 3 (DESTINATION_INVALID)', async () => {
    const missing = Principal.fromText('rwlgt-iiaaa-aaaaa-aaaaa-cai');
    const r = await azleActor.callText(missing, 'greet', 'x');
    assert.deepEqual(r, { Err: { code: 3, message: `Canister ${missing.toText()} not found` } });
  });

  test('a call to a stopped canister rejects with code 5', async () => {
    await pic.stopCanister({ canisterId: moId });
    const r = await azleActor.callText(moId, 'greet', 'x');
    assert.ok('Err' in r);
    assert.equal(r.Err.code, 5);
    assert.match(r.Err.message, /is stopped/);
    await pic.startCanister({ canisterId: moId });
    assert.deepEqual(await azleActor.callText(moId, 'greet', 'back'), { Ok: 'Hello, back!' });
  });

  test('a composite query calls another canister’s query and persists nothing', async () => {
    const other = await setupMotoko();
    const before = await other.actor.get();
    assert.equal(await other.actor.relay(moId, 'composite'), `Hello, composite! (n was ${before + 7n})`);
    assert.equal(await other.actor.get(), before, 'the composite query’s change was discarded');
    await assert.rejects(
      pic.updateCall({
        canisterId: other.canisterId,
        method: 'relay',
        arg: new Uint8Array(IDL.encode([IDL.Principal, IDL.Text], [moId, 'x'])),
      }),
      /Composite query cannot be called in replicated mode/,
    );
  });

  test('a trap in a reply callback rolls the callback back and runs the cleanup callback', async () => {
    const before = await azleActor.get();
    await assert.rejects(azleActor.callThenTrap(moId), /trapped in the reply callback/);
    assert.equal(await azleActor.get(), before, 'the reply callback’s change was rolled back');
    assert.equal(await azleActor.cleanupCount(), 1n, 'the cleanup callback ran and its change persisted');
  });

  test('cycles sent with a call: the callee accepts half, the rest is refunded', async () => {
    const moBefore = await pic.getCyclesBalance(moId);
    const r = await azleActor.sendCycles(moId, 'acceptHalf', 2_000_000_000n);
    assert.equal(r.result, 1_000_000_000n);
    const moAfter = await pic.getCyclesBalance(moId);
    assert.ok(moAfter > moBefore, 'the callee gained the accepted cycles');
    // The caller paid the accepted half plus execution fees; the refund came back.
    const spent = r.balanceBefore - r.balanceAfter;
    assert.ok(spent >= 1_000_000_000n && spent < 1_100_000_000n, `spent ${spent}`);
  });
});

describe('devnet-only figures', { skip: !onDevnet }, () => {
  test('the first canister of the application subnet has PocketIC’s id', async () => {
    const instance = await PocketIc.create(server.getUrl());
    try {
      const id = await instance.createCanister();
      assert.equal(id.toText(), 'lxzze-o7777-77777-aaaaa-cai');
    } finally {
      await instance.tearDown();
    }
  });
});
