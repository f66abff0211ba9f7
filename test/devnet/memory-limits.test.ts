/**
 * Memory limits with the replica's errors: `wasm_memory_limit` and `memory_allocation` (IC spec,
 * canister settings), and the sizes of replies and inter-canister requests (the replica's
 * MAX_INTER_CANISTER_PAYLOAD_IN_BYTES, 2 MiB, also for a request to a canister on another subnet;
 * 3 MiB for a non-replicated query's reply; 10 MiB for a request to a canister on the same subnet).
 * The probe's memory starts at 40 pages (2,621,440 bytes).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketIc, SubnetStateType, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { azleProbe } from '../fixtures/build.ts';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import { limitsProbe, u32Arg } from '../support/limits-probe.ts';
import { azleProbeIdl, type AzleProbe } from '../support/probes.ts';

const PAGE = 65_536n;
const EMPTY = new Uint8Array();

let server: PocketIcServer;
let pic: PocketIc;

before(async () => {
  ({ server, pic } = await startInstance());
});

after(() => stopInstance({ server, pic }));

async function probe(): Promise<Principal> {
  const canisterId = await pic.createCanister();
  await pic.installCode({ canisterId, wasm: limitsProbe, arg: EMPTY });
  return canisterId;
}

const rejectsWith = (promise: Promise<unknown>, text: string) =>
  assert.rejects(promise, (e: Error) => (assert.ok(e.message.includes(text), `${e.message}\nshould include\n${text}`), true));

describe('memory: wasm_memory_limit', { skip: !onDevnet }, () => {
  test('an update growing Wasm memory past the limit traps with the replica’s error; a query may grow past it', async () => {
    const canisterId = await probe();
    const limit = 48n * PAGE; // 3 MiB
    await pic.updateCanisterSettings({ canisterId, wasmMemoryLimit: limit });
    const size = (await pic.canisterStatus({ canisterId })).memorySize;
    await rejectsWith(
      pic.updateCall({ canisterId, method: 'grow', arg: u32Arg(10) }),
      `Error from Canister ${canisterId.toText()}: Canister exceeded its current Wasm memory limit of 3145728 bytes. ` +
        'The peak Wasm memory usage was 3276800 bytes. If the canister reaches 4GiB, then it may stop functioning and may become unrecoverable. ' +
        'Please reach out to the canister owner to investigate the reason for the increased memory usage. ' +
        'It might be necessary to move data from the Wasm memory to the stable memory. ' +
        'If such high Wasm memory usage is expected and safe, then the developer can increase the Wasm memory limit in the canister settings..',
    );
    assert.equal((await pic.canisterStatus({ canisterId })).memorySize, size, 'the growth was rolled back');
    assert.equal((await pic.queryCall({ canisterId, method: 'grow_q', arg: u32Arg(10) })).length, 0);
    // Up to the limit is fine.
    assert.equal((await pic.updateCall({ canisterId, method: 'grow', arg: u32Arg(8) })).length, 0);
    assert.equal((await pic.canisterStatus({ canisterId })).memorySize, size + 8n * PAGE);
  });
});

describe('memory: memory_allocation', { skip: !onDevnet }, () => {
  test('Wasm memory cannot grow past the allocation, and stable memory growth fails with -1', async () => {
    const canisterId = await probe();
    const usage = (await pic.canisterStatus({ canisterId })).memorySize;
    await pic.updateCanisterSettings({ canisterId, memoryAllocation: usage + 2n * PAGE });
    await rejectsWith(
      pic.updateCall({ canisterId, method: 'grow', arg: u32Arg(3) }),
      `Error from Canister ${canisterId.toText()}: Canister cannot grow its memory usage..`,
    );
    assert.equal((await pic.updateCall({ canisterId, method: 'grow', arg: u32Arg(2) })).length, 0);
    const stableGrow = async (pages: number) =>
      new DataView((await pic.updateCall({ canisterId, method: 'stable_grow', arg: u32Arg(pages) })).buffer).getInt32(0, true);
    assert.equal(await stableGrow(1), -1);
    await pic.updateCanisterSettings({ canisterId, memoryAllocation: 0n });
    assert.equal(await stableGrow(1), 0, 'with best-effort memory the stable memory grows from 0 pages');
  });
});

describe('memory: message size limits', { skip: !onDevnet }, () => {
  test('an update replies at most 2 MiB, a query at most 3 MiB', async () => {
    const canisterId = await probe();
    assert.equal((await pic.updateCall({ canisterId, method: 'reply_n', arg: u32Arg(2_097_152) })).length, 2_097_152);
    await rejectsWith(
      pic.updateCall({ canisterId, method: 'reply_n', arg: u32Arg(2_097_153) }),
      `Error from Canister ${canisterId.toText()}: Canister violated contract: ic0.msg_reply_data_append: application payload size (2097153) cannot be larger than 2097152.`,
    );
    assert.equal((await pic.queryCall({ canisterId, method: 'reply_n_q', arg: u32Arg(2_097_153) })).length, 2_097_153);
  });

  test('a request to a canister on the same subnet carries at most 10 MiB', async () => {
    const canisterId = await probe();
    await rejectsWith(
      pic.updateCall({ canisterId, method: 'big_call', arg: canisterId.toUint8Array() }),
      `Canister violated contract: Request to ${canisterId.toText()}:x has a payload size of 10485761, which exceeds the allowed limit of 10485760.`,
    );
  });
});

describe('memory: requests to another subnet', () => {
  test('carry at most 2 MiB of method name and argument; a larger one is rejected with CANISTER_ERROR naming the caller', async () => {
    const two = await PocketIc.create(server.getUrl(), {
      application: [{ state: { type: SubnetStateType.New } }, { state: { type: SubnetStateType.New } }],
    });
    try {
      const [s0, s1] = await two.getApplicationSubnets();
      const setup = (targetSubnetId: Principal) =>
        two.setupCanister<AzleProbe>({
          idlFactory: azleProbeIdl,
          wasm: azleProbe().wasmPath,
          arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [[]])),
          targetSubnetId,
        });
      const caller = await setup(s0.id);
      const neighbour = await setup(s0.id);
      const remote = await setup(s1.id);
      // Method name "x" (1 byte) plus the argument: 2,097,152 bytes is the limit, one more is over it.
      const atLimit = new Uint8Array(2_097_151);
      const overLimit = new Uint8Array(2_097_152);
      const notFound = (id: Principal) => ({
        Err: { code: 5, message: `Error from Canister ${id.toText()}: Canister has no update method 'x'.` },
      });
      // Delivered (the callee answers that it has no method x, IC0536): at the limit to the other subnet, over it on the caller's own.
      assert.deepEqual(await caller.actor.rawCall(remote.canisterId, 'x', atLimit, 0n), notFound(remote.canisterId));
      assert.deepEqual(await caller.actor.rawCall(neighbour.canisterId, 'x', overLimit, 0n), notFound(neighbour.canisterId));
      assert.deepEqual(await caller.actor.rawCall(remote.canisterId, 'x', overLimit, 0n), {
        Err: {
          code: 5,
          message: `Canister ${caller.canisterId.toText()} violated contract: attempted to send a message of size 2097153 exceeding the limit 2097152`,
        },
      });
    } finally {
      await two.tearDown();
    }
  });
});
