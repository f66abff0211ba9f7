/**
 * The cycles account as the replica keeps it (dfinity/ic rs/cycles_account_manager): messages
 * prepay their instruction limit and get the unused part back, calls reserve the largest
 * response, and memory and compute allocation cost cycles as time passes. Every expected value
 * is computed here from the 13-node application subnet's price list
 * (rs/config/src/subnet_config.rs), not by the devnet's own functions.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CanisterCyclesCostSchedule, SubnetStateType, type PocketIc } from '@dfinity/pic';
import { Principal } from '@icp-sdk/core/principal';
import { onDevnet, serverForInstances } from '../support/pic.ts';
import { limitsProbe, readU128, u32Arg } from '../support/limits-probe.ts';

// Prices of a 13-node application subnet.
const UPDATE_MESSAGE_FEE = 5_000_000n;
const TEN_INSTRUCTIONS_FEE = 4n;
const INGRESS_MESSAGE_FEE = 1_200_000n;
const INGRESS_BYTE_FEE = 2_000n;
const XNET_CALL_FEE = 260_000n;
const XNET_BYTE_FEE = 1_000n;
const GIB_STORAGE_PER_SECOND = 127_000n;
const COMPUTE_PERCENT_PER_SECOND = 10_000_000n;
const UPDATE_INSTRUCTION_LIMIT = 40_000_000_000n;
const MAX_INTER_CANISTER_PAYLOAD = 2n * 1024n * 1024n;
const DAY = 86_400n;

const executionCost = (instructions: bigint) => UPDATE_MESSAGE_FEE + (TEN_INSTRUCTIONS_FEE * instructions) / 10n;
const PREPAID_UPDATE = executionCost(UPDATE_INSTRUCTION_LIMIT); // 16,005,000,000
const ingressCost = (method: string, arg: Uint8Array) => INGRESS_MESSAGE_FEE + INGRESS_BYTE_FEE * BigInt(method.length + arg.length);
const EMPTY = new Uint8Array();

const { newPic } = serverForInstances();

async function probe(pic: PocketIc, cycles?: bigint): Promise<Principal> {
  const canisterId = await pic.createCanister(cycles === undefined ? {} : { cycles });
  await pic.installCode({ canisterId, wasm: limitsProbe, arg: EMPTY });
  return canisterId;
}

const rejectsWith = (promise: Promise<unknown>, text: string) =>
  assert.rejects(promise, (e: Error) => (assert.ok(e.message.includes(text), `${e.message}\nshould include\n${text}`), true));

describe('cycles: a message prepays its instruction limit and is refunded what it did not use', { skip: !onDevnet }, () => {
  test('during an update the balance is short of the ingress fee and the whole limit’s execution', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic);
    const before = await pic.getCyclesBalance(canisterId);
    const reply = await pic.updateCall({ canisterId, method: 'balance', arg: EMPTY });
    assert.equal(PREPAID_UPDATE, 16_005_000_000n);
    assert.equal(readU128(reply, 0), BigInt(before) - ingressCost('balance', EMPTY) - PREPAID_UPDATE);
  });

  test('afterwards the unused instructions come back, rounded down per 10 instructions', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic);
    const before = BigInt(await pic.getCyclesBalance(canisterId));
    // The empty method runs one instruction, its function entry; it does not reply.
    await rejectsWith(pic.updateCall({ canisterId, method: 'nothing', arg: EMPTY }), 'did not produce a response');
    const refund = (TEN_INSTRUCTIONS_FEE * (UPDATE_INSTRUCTION_LIMIT - 1n)) / 10n; // 15,999,999,999
    const after = BigInt(await pic.getCyclesBalance(canisterId));
    assert.equal(after, before - ingressCost('nothing', EMPTY) - PREPAID_UPDATE + refund);
    assert.equal(before - after, 1_214_000n + 5_000_001n, 'one instruction costs a whole cycle: the refund rounds down');
  });

  test('a canister that can pay the ingress fee but not the prepayment above its freezing threshold refuses the message', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic);
    const memory = (await pic.canisterStatus({ canisterId })).memorySize;
    const perDay = (memory * GIB_STORAGE_PER_SECOND * DAY) / 2n ** 30n;
    const balance = BigInt(await pic.getCyclesBalance(canisterId));
    // A threshold that leaves about half the prepayment above it once the ingress fee is paid.
    const ingress = ingressCost('balance', EMPTY);
    const freezingThreshold = ((balance - ingress - PREPAID_UPDATE / 2n) * DAY) / perDay;
    await pic.updateCanisterSettings({ canisterId, freezingThreshold });
    const status = await pic.canisterStatus({ canisterId });
    assert.equal(status.idleCyclesBurnedPerDay, perDay);
    assert.equal(BigInt(status.cycles), balance, 'settings and status calls are not charged');
    const threshold = (perDay * freezingThreshold) / DAY;
    assert.ok(balance >= ingress + threshold && balance < ingress + threshold + PREPAID_UPDATE);
    // A controller (the anonymous principal created the canister) is told the top-up it needs.
    await rejectsWith(
      pic.updateCall({ canisterId, method: 'balance', arg: EMPTY }),
      `Canister ${canisterId.toText()} is out of cycles: please top up the canister with at least ${threshold + PREPAID_UPDATE - (balance - ingress)} additional cycles`,
    );
    assert.equal(BigInt(await pic.getCyclesBalance(canisterId)), balance - ingress, 'the ingress fee was charged, nothing else');
    // Anyone else only learns that it is out of cycles.
    const stranger = Principal.fromUint8Array(new Uint8Array([1, 2, 3]));
    await assert.rejects(pic.updateCall({ canisterId, method: 'balance', arg: EMPTY, sender: stranger }), (e: Error) => {
      assert.match(e.message, new RegExp(`Canister ${canisterId.toText()} is out of cycles(?!: please)`));
      return true;
    });
    // It still answers queries; once its balance is below the threshold, it is frozen and does not.
    assert.equal((await pic.queryCall({ canisterId, method: 'reply_n_q', arg: u32Arg(0) })).length, 0);
    await pic.updateCanisterSettings({ canisterId, freezingThreshold: freezingThreshold * 2n });
    await rejectsWith(
      pic.queryCall({ canisterId, method: 'reply_n_q', arg: u32Arg(0) }),
      `Canister ${canisterId.toText()} is unable to process query calls because it's frozen. Please top up the canister with cycles and try again.`,
    );
  });
});

describe('cycles: the balance above the freezing threshold', { skip: !onDevnet }, () => {
  test('is the liquid balance, and all that ic0.cycles_burn128 burns', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic);
    const { memorySize, settings } = await pic.canisterStatus({ canisterId });
    const threshold = (((memorySize * GIB_STORAGE_PER_SECOND * DAY) / 2n ** 30n) * settings.freezingThreshold) / DAY;
    const before = BigInt(await pic.getCyclesBalance(canisterId));
    const reply = await pic.updateCall({ canisterId, method: 'liquid_and_burn', arg: EMPTY });
    const during = before - ingressCost('liquid_and_burn', EMPTY) - PREPAID_UPDATE;
    assert.equal(readU128(reply, 0), during - threshold);
    assert.equal(readU128(reply, 16), during - threshold);
    // What is left: the threshold, and the refund of the instructions the message did not use.
    const after = BigInt(await pic.getCyclesBalance(canisterId));
    assert.ok(after > threshold + 15_999_000_000n && after < threshold + PREPAID_UPDATE, `${after}`);
  });

  test('is what a call may carry: one cycle more traps with the out-of-cycles error, naming the top-up only to a controller', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic);
    const callee = await probe(pic);
    const { memorySize, settings } = await pic.canisterStatus({ canisterId });
    const threshold = (((memorySize * GIB_STORAGE_PER_SECOND * DAY) / 2n ** 30n) * settings.freezingThreshold) / DAY;
    const arg = (amount: bigint) => {
      const out = new Uint8Array(8 + callee.toUint8Array().length);
      new DataView(out.buffer).setBigUint64(0, amount, true);
      out.set(callee.toUint8Array(), 8);
      return out;
    };
    /** The balance above the threshold while `call_with_cycles` runs: after the ingress fee and the prepayment. */
    const liquidDuring = async () =>
      BigInt(await pic.getCyclesBalance(canisterId)) - ingressCost('call_with_cycles', arg(0n)) - PREPAID_UPDATE - threshold;
    const id = canisterId.toText();
    // The anonymous principal created the probe: it is a controller, and is told the one cycle missing.
    await rejectsWith(
      pic.updateCall({ canisterId, method: 'call_with_cycles', arg: arg((await liquidDuring()) + 1n) }),
      `Error from Canister ${id}: Canister ${id} is out of cycles: please top up the canister with at least 1 additional cycles`,
    );
    const stranger = Principal.fromUint8Array(new Uint8Array([1, 2, 3]));
    const over = (await liquidDuring()) + 1n;
    await assert.rejects(pic.updateCall({ canisterId, method: 'call_with_cycles', arg: arg(over), sender: stranger }), (e: Error) => {
      assert.match(e.message, new RegExp(`Error from Canister ${id}: Canister ${id} is out of cycles(?!: please)`));
      return true;
    });
    // Cycles the liquid balance covers go out with the call (the callee's balance method accepts none).
    assert.equal((await pic.updateCall({ canisterId, method: 'call_with_cycles', arg: arg(1_000_000n) })).length, 0);
  });
});

describe('cycles: install_code prepays its instruction limit', { skip: !onDevnet }, () => {
  test('a canister that cannot prepay 300B instructions is not installed, with the replica’s error', async () => {
    const pic = await newPic();
    const canisterId = await pic.createCanister({ cycles: 100_000_000_000n });
    // An empty canister uses no memory: its freezing threshold is 0.
    const prepaid = executionCost(300_000_000_000n);
    assert.equal(prepaid, 120_005_000_000n);
    await rejectsWith(
      pic.installCode({ canisterId, wasm: limitsProbe, arg: EMPTY }),
      `Canister installation failed with \`Canister ${canisterId.toText()} is out of cycles: please top up the canister with at least ${prepaid - 100_000_000_000n} additional cycles\`.`,
    );
    const status = await pic.canisterStatus({ canisterId });
    assert.equal(status.moduleHash, null);
    assert.equal(status.cycles, 100_000_000_000n);
  });
});

describe('cycles: a call reserves its largest response', { skip: !onDevnet }, () => {
  test('ic0.call_perform takes the call fee, its bytes, and the largest response’s transmission and execution', async () => {
    const pic = await newPic();
    const caller = await probe(pic);
    const callee = await probe(pic);
    const reply = await pic.updateCall({ canisterId: caller, method: 'call_balance', arg: callee.toUint8Array() });
    assert.equal(reply.length, 52);
    assert.equal(new DataView(reply.buffer, reply.byteOffset + 48, 4).getInt32(0, true), 0, 'call_perform succeeded');
    const requestBytes = BigInt('balance'.length); // the method name and an empty argument
    const reserved = XNET_CALL_FEE + XNET_BYTE_FEE * requestBytes + XNET_BYTE_FEE * MAX_INTER_CANISTER_PAYLOAD + PREPAID_UPDATE;
    assert.equal(reserved, 18_102_419_000n);
    assert.equal(readU128(reply, 0) - readU128(reply, 16), reserved);
  });

  test('the response gives back the transmission of every byte it did not carry', async () => {
    const pic = await newPic();
    const caller = await probe(pic);
    const callee = await probe(pic);
    // The caller runs the same instructions whatever the reply's size; only the callee's reply differs.
    const spend = async (n: number) => {
      const before = BigInt(await pic.getCyclesBalance(caller));
      const arg = Uint8Array.from([...u32Arg(n), ...callee.toUint8Array()]);
      assert.equal((await pic.updateCall({ canisterId: caller, method: 'call_n', arg })).length, 0);
      return before - BigInt(await pic.getCyclesBalance(caller));
    };
    const small = await spend(0);
    const large = await spend(1_000_000);
    assert.equal(large - small, XNET_BYTE_FEE * 1_000_000n);
    // What stays spent: the ingress fee, the call fee and its 11 bytes (method name and n), the
    // per-message fees of the call and of its callback, and their instructions; the 18.1B cycles
    // reserved for the response came back.
    const ingress = ingressCost('call_n', new Uint8Array(4 + callee.toUint8Array().length));
    const floor = ingress + XNET_CALL_FEE + 11n * XNET_BYTE_FEE + 2n * UPDATE_MESSAGE_FEE;
    assert.ok(small > floor && small < floor + 1_000_000n, `spent ${small}`);
  });
});

describe('cycles: memory and compute allocation cost cycles as time passes', { skip: !onDevnet }, () => {
  test('the allocations are charged per whole second when time advances, and canister_status reports the daily burn', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic);
    const memoryAllocation = 8n * 1024n * 1024n; // more than the probe uses
    await pic.updateCanisterSettings({ canisterId, computeAllocation: 1n, memoryAllocation });
    const status = await pic.canisterStatus({ canisterId });
    assert.ok(status.memorySize < memoryAllocation);
    const memoryPerDay = (memoryAllocation * GIB_STORAGE_PER_SECOND * DAY) / 2n ** 30n; // the allocation, not the usage
    const computePerDay = COMPUTE_PERCENT_PER_SECOND * DAY * 1n;
    assert.equal(status.idleCyclesBurnedPerDay, memoryPerDay + computePerDay);
    assert.equal(status.idleCyclesBurnedPerDay, 85_725_000n + 864_000_000_000n);
    assert.equal(status.reservedCycles, 0n);
    const before = BigInt(await pic.getCyclesBalance(canisterId));
    // The canister was created a few nanoseconds (rounds) after this time: 1,000.001 s on, the
    // round charges 1,000 whole seconds.
    await pic.setTime(Math.ceil(await pic.getTime()) + 1_000_001);
    await pic.tick();
    const seconds = 1_000n;
    const charged = (memoryPerDay * seconds) / DAY + (computePerDay * seconds) / DAY;
    assert.equal(charged, 992_187n + 10_000_000_000n);
    assert.equal(BigInt(await pic.getCyclesBalance(canisterId)), before - charged);
  });

  test('an allocation the balance cannot keep above the freezing threshold is refused', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic, 2_000_000_000_000n);
    const { cycles, memorySize } = await pic.canisterStatus({ canisterId });
    // 30 days (the default threshold) of 1 % compute cost 25.92T cycles.
    const memoryPerDay = (memorySize * GIB_STORAGE_PER_SECOND * DAY) / 2n ** 30n;
    const threshold = ((memoryPerDay + COMPUTE_PERCENT_PER_SECOND * DAY) * 2_592_000n) / DAY;
    await rejectsWith(
      pic.updateCanisterSettings({ canisterId, computeAllocation: 1n }),
      `Cannot increase compute allocation to 1 due to insufficient cycles. At least ${threshold - cycles} additional cycles are required.`,
    );
    const gib = 2n ** 30n;
    const memoryThreshold = (((gib * GIB_STORAGE_PER_SECOND * DAY) / gib) * 2_592_000n) / DAY;
    await pic.updateCanisterSettings({ canisterId, freezingThreshold: 2_592_000n * 10_000n });
    await rejectsWith(
      pic.updateCanisterSettings({ canisterId, memoryAllocation: gib }),
      `Cannot increase memory allocation to ${gib} due to insufficient cycles. At least ${memoryThreshold * 10_000n - cycles} additional cycles are required.`,
    );
    const status = await pic.canisterStatus({ canisterId });
    assert.equal(status.settings.computeAllocation, 0n);
    assert.equal(status.settings.memoryAllocation, 0n);
  });

  test('a canister that cannot pay for its allocation is uninstalled and loses its balance', async () => {
    const pic = await newPic();
    const canisterId = await probe(pic, 30_000_000_000_000n);
    await pic.updateCanisterSettings({ canisterId, computeAllocation: 50n, freezingThreshold: 0n });
    // 50 % of compute costs 500M cycles a second: 100,000 s cost more than the balance.
    await pic.setTime(Math.ceil(await pic.getTime()) + 100_000_000);
    await pic.tick();
    const status = await pic.canisterStatus({ canisterId });
    assert.equal(status.moduleHash, null);
    assert.equal(status.cycles, 0n);
    await rejectsWith(pic.updateCall({ canisterId, method: 'balance', arg: EMPTY }), 'contains no Wasm module');
  });

  test('on the Free cost schedule nothing is charged: no prepayment, no idle burn', async () => {
    const pic = await newPic({ application: [{ state: { type: SubnetStateType.New }, costSchedule: CanisterCyclesCostSchedule.Free }] });
    const canisterId = await probe(pic);
    await pic.updateCanisterSettings({ canisterId, computeAllocation: 1n });
    const before = BigInt(await pic.getCyclesBalance(canisterId));
    assert.equal(readU128(await pic.updateCall({ canisterId, method: 'balance', arg: EMPTY }), 0), before);
    assert.equal((await pic.canisterStatus({ canisterId })).idleCyclesBurnedPerDay, 0n);
    await pic.setTime(Math.ceil(await pic.getTime()) + 1_000_000);
    await pic.tick();
    assert.equal(BigInt(await pic.getCyclesBalance(canisterId)), before);
  });
});
