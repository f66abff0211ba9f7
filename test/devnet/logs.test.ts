/**
 * Canister logs (IC spec "IC method fetch_canister_logs"), read through the standard
 * @dfinity/pic client's queryCall on the management canister: an Azle canister's console.log and
 * a Motoko canister's trap message land there with their index and time, log_visibility decides
 * who reads them, the 4 KiB buffer drops the oldest records, a reinstall purges them, and a
 * replicated call of fetch_canister_logs is refused as on the replica.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { azleProbe, motokoProbe, type Fixture } from '../fixtures/build.ts';
import { startInstance, stopInstance } from '../support/pic.ts';
import { azleProbeIdl, motokoProbeIdl, type AzleProbe, type MotokoProbe } from '../support/probes.ts';

const MANAGEMENT = Principal.fromText('aaaaa-aa');
const controller = Principal.anonymous(); // PicJS's default sender, the canisters' controller
const viewer = Principal.fromText('xkbqi-2qaaa-aaaah-qbpqq-cai');
const stranger = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const optNat = (n: bigint | null) => new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [n === null ? [] : [n]]));

// The spec's ic.did types, written here independently of the devnet's.
const FetchArgs = IDL.Record({ canister_id: IDL.Principal });
const FetchResult = IDL.Record({
  canister_log_records: IDL.Vec(IDL.Record({ idx: IDL.Nat64, timestamp_nanos: IDL.Nat64, content: IDL.Vec(IDL.Nat8) })),
});
type LogRecord = { idx: bigint; timestamp_nanos: bigint; content: Uint8Array };

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

async function fetchLogs(canisterId: Principal, sender = controller): Promise<{ idx: bigint; timestamp_nanos: bigint; text: string }[]> {
  const r = await pic.queryCall({
    canisterId: MANAGEMENT,
    method: 'fetch_canister_logs',
    arg: new Uint8Array(IDL.encode([FetchArgs], [{ canister_id: canisterId }])),
    sender,
  });
  const { canister_log_records } = IDL.decode([FetchResult], r)[0] as unknown as { canister_log_records: LogRecord[] };
  return canister_log_records.map((l) => ({ idx: l.idx, timestamp_nanos: l.timestamp_nanos, text: new TextDecoder().decode(l.content) }));
}

describe('fetch_canister_logs', () => {
  test('an Azle canister’s console.log lands in its log, with its index and the round’s time', async () => {
    const { canisterId, actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    assert.deepEqual(await fetchLogs(canisterId), []);
    const t = 1_767_225_600_000; // 2026-01-01T00:00:00Z, in ms
    await pic.setTime(t);
    await actor.log('hello from azle');
    await actor.log('second line');
    // Azle's console.log prints its arguments JSON-encoded, so a string arrives quoted.
    assert.deepEqual(await fetchLogs(canisterId), [
      { idx: 0n, timestamp_nanos: BigInt(t) * 1_000_000n, text: '"hello from azle"' },
      // The next round runs 1 ns later: time did not otherwise advance.
      { idx: 1n, timestamp_nanos: BigInt(t) * 1_000_000n + 1n, text: '"second line"' },
    ]);
    // An upgrade keeps the log.
    await pic.upgradeCanister({ canisterId, wasm: azle.wasmPath, arg: optNat(1n) });
    assert.equal((await fetchLogs(canisterId)).length, 2);
  });

  test('a Motoko canister’s trap message is logged as the replica logs it, and the trapped update keeps no state', async () => {
    const { canisterId, actor } = await pic.setupCanister<MotokoProbe>({ idlFactory: motokoProbeIdl, wasm: motoko.wasmPath });
    await assert.rejects(actor.trapAfterWrite(), /motoko boom/);
    assert.equal(await actor.get(), 0n);
    const logs = await fetchLogs(canisterId);
    assert.deepEqual(
      logs.map(({ idx, text }) => ({ idx, text })),
      [{ idx: 0n, text: '[TRAP]: motoko boom' }],
    );
  });

  test('log_visibility: controllers by default, then allowed viewers, then everyone', async () => {
    const { canisterId, actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    await actor.log('secret');
    const refused = (p: Principal) => ({
      message: `Canister call failed: Caller ${p.toText()} is not allowed to access canister logs. Reject code: 4. Error code: CanisterRejectedMessage. Certified: true`,
    });
    await assert.rejects(fetchLogs(canisterId, viewer), refused(viewer));
    await pic.updateCanisterSettings({ canisterId, logVisibility: { allowedViewers: [viewer] } });
    assert.deepEqual(
      (await fetchLogs(canisterId, viewer)).map((l) => l.text),
      ['"secret"'],
    );
    await assert.rejects(fetchLogs(canisterId, stranger), refused(stranger));
    await pic.updateCanisterSettings({ canisterId, logVisibility: { public: null } });
    assert.deepEqual(
      (await fetchLogs(canisterId, stranger)).map((l) => l.text),
      ['"secret"'],
    );
  });

  test('the 4 KiB buffer keeps the newest records; a reinstall purges them and indices go on', async () => {
    const { canisterId, actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    // 98 characters, 100 bytes once Azle's console.log has quoted them.
    const line = (i: number) => `line ${String(i).padStart(3, '0')} `.padEnd(98, '.');
    for (let i = 0; i < 40; i++) await actor.log(line(i));
    // A record takes 40 bytes besides its content (the replica's size_of::<CanisterLogRecord>()):
    // 140 bytes each, so 29 fit in 4096 and the 11 oldest were dropped.
    const logs = await fetchLogs(canisterId);
    assert.deepEqual(
      logs.map((l) => l.idx),
      Array.from({ length: 29 }, (_, k) => BigInt(11 + k)),
    );
    assert.deepEqual(
      logs.map((l) => l.text),
      Array.from({ length: 29 }, (_, k) => `"${line(11 + k)}"`),
    );
    // One record larger than the buffer is cut to fit it, alone.
    await actor.log('x'.repeat(5000));
    const [big, ...rest] = await fetchLogs(canisterId);
    assert.deepEqual(rest, []);
    assert.equal(big.idx, 40n);
    assert.equal(big.text, `"${'x'.repeat(4096 - 40 - 1)}`);

    await pic.reinstallCode({ canisterId, wasm: azle.wasmPath, arg: optNat(1n) });
    assert.deepEqual(await fetchLogs(canisterId), []);
    await actor.log('after reinstall');
    assert.deepEqual(
      (await fetchLogs(canisterId)).map(({ idx, text }) => ({ idx, text })),
      [{ idx: 41n, text: '"after reinstall"' }],
    );
  });

  test('log_memory_limit: a larger buffer keeps more, 0 turns logging off, out-of-range limits are refused', async () => {
    const { canisterId, actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    await pic.updateCanisterSettings({ canisterId, logMemoryLimit: 8192n });
    const line = (i: number) => `line ${String(i).padStart(3, '0')} `.padEnd(98, '.');
    for (let i = 0; i < 60; i++) await actor.log(line(i));
    // 140 bytes a record: 58 fit in 8192.
    assert.deepEqual(
      (await fetchLogs(canisterId)).map((l) => l.idx),
      Array.from({ length: 58 }, (_, k) => BigInt(2 + k)),
    );
    // Lowering the limit drops the oldest records at once.
    await pic.updateCanisterSettings({ canisterId, logMemoryLimit: 4096n });
    assert.deepEqual(
      (await fetchLogs(canisterId)).map((l) => l.idx),
      Array.from({ length: 29 }, (_, k) => BigInt(31 + k)),
    );
    const refused = (message: string) => ({
      message: `Canister call failed: ${message}. Reject code: 4. Error code: CanisterRejectedMessage. Certified: true`,
    });
    await assert.rejects(
      pic.updateCanisterSettings({ canisterId, logMemoryLimit: 100n }),
      refused('The canister log memory limit 100 B is too low. It must be at least 4.00 KiB.'),
    );
    await assert.rejects(
      pic.updateCanisterSettings({ canisterId, logMemoryLimit: 3n * 1024n * 1024n }),
      refused('The canister log memory limit 3.00 MiB is too high. It must be at most 2.00 MiB.'),
    );
    await pic.updateCanisterSettings({ canisterId, logMemoryLimit: 0n });
    assert.deepEqual(await fetchLogs(canisterId), []);
    await actor.log('not kept');
    assert.deepEqual(await fetchLogs(canisterId), []);
  });

  test('fetch_canister_logs is a query only: an update call is refused as on the replica', async () => {
    const { canisterId } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: optNat(1n) });
    await assert.rejects(
      pic.updateCall({
        canisterId: MANAGEMENT,
        method: 'fetch_canister_logs',
        arg: new Uint8Array(IDL.encode([FetchArgs], [{ canister_id: canisterId }])),
      }),
      {
        message:
          'Canister call failed: fetch_canister_logs API is only accessible in non-replicated mode. Reject code: 4. Error code: CanisterRejectedMessage. Certified: true',
      },
    );
  });
});
