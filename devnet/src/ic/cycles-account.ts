/**
 * The canister cycles account, as the replica's `CyclesAccountManager` keeps it (dfinity/ic
 * rs/cycles_account_manager): every operation reserves the most it can cost, runs, and gets back
 * what it did not use.
 *
 * - A message prepays the execution of its whole instruction limit above the freezing threshold
 *   (`prepay_execution_cycles`) and is refunded the instructions it did not run
 *   (`refund_unused_execution_cycles`).
 * - A call pays for its request and reserves the transmission of the largest response plus the
 *   execution of the longest callback (`withdraw_request_cycles`,
 *   `prepayment_for_response_transmission`, `prepayment_for_response_execution`); the response
 *   gives back the transmission of the bytes it did not carry (`refund_for_response_transmission`)
 *   and its callback runs on the reserved execution cycles.
 * - Time costs cycles: memory (the allocation, or the usage when it is larger) and compute
 *   allocation are charged every `duration_between_allocation_charges`
 *   (`charge_canister_for_resource_allocation_and_usage`); a canister that cannot pay is uninstalled.
 *
 * Costs are the 13-node application subnet's (rs/config/src/subnet_config.rs), scaled by subnet
 * size and zero on a free cost schedule (see `Instance.charge`).
 */
import type { Canister, CanisterSettings } from './canister.ts';
import { IcError, RejectCode } from './errors.ts';
import type { Instance } from './instance.ts';
import { fees } from './limits.ts';
import { memoryUsage } from './management.ts';

/** MAX_INTER_CANISTER_PAYLOAD_IN_BYTES (dfinity/ic rs/types/types/src/messages.rs): 2 MiB. */
export const MAX_INTER_CANISTER_PAYLOAD_BYTES = 2n * 1024n * 1024n;

/** Fees of an application subnet beyond those in limits.ts (rs/config/src/subnet_config.rs). */
export const allocationFees = {
  /** compute_percent_allocated_per_second_fee. */
  computePercentPerSecond: 10_000_000n,
  /** duration_between_allocation_charges: 10 s. */
  chargeIntervalNs: 10_000_000_000n,
} as const;

const GIB = 1n << 30n;
const SECONDS_PER_DAY = 86_400n;
const NS_PER_SECOND = 1_000_000_000n;

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/** Memory the canister pays for: its allocation, or its usage when that is larger (`MemoryAllocation::allocated_bytes`). */
export function chargedMemoryBytes(c: Canister): bigint {
  return max(c.settings.memoryAllocation, memoryUsage(c).total);
}

/** What the canister burns idle per day: memory plus compute allocation (`idle_cycles_burned_rate`). */
export function idleCyclesBurnedPerDay(inst: Instance, c: Canister): bigint {
  const memory = inst.charge(c, (chargedMemoryBytes(c) * fees.gibStoragePerSecond * SECONDS_PER_DAY) / GIB);
  const compute = inst.charge(c, allocationFees.computePercentPerSecond * SECONDS_PER_DAY * c.settings.computeAllocation);
  return memory + compute;
}

/**
 * The freezing threshold in cycles: the idle burn over `freezing_threshold` seconds
 * (`freeze_threshold_cycles`; the reserved balance, always 0 here, would be subtracted).
 */
export function freezingThreshold(inst: Instance, c: Canister): bigint {
  return (idleCyclesBurnedPerDay(inst, c) * c.settings.freezingThreshold) / SECONDS_PER_DAY;
}

/**
 * The replica's `CanisterOutOfCyclesError` (rs/interfaces/src/execution_environment/errors.rs): the
 * top-up is named only to a controller.
 */
export function outOfCycles(args: { c: Canister; requested: bigint; threshold: bigint; revealTopUp: boolean }): IcError {
  return new IcError({
    errorCode: 'CanisterOutOfCycles',
    rejectCode: RejectCode.SysTransient,
    message: outOfCyclesText({ ...args, available: args.c.cycles }),
  });
}

/** The `CanisterOutOfCyclesError` sentence for a balance of `available`. */
export function outOfCyclesText(args: {
  c: Canister;
  available: bigint;
  requested: bigint;
  threshold: bigint;
  revealTopUp: boolean;
}): string {
  return args.revealTopUp
    ? `Canister ${args.c.idText} is out of cycles: please top up the canister with at least ${args.threshold + args.requested - args.available} additional cycles`
    : `Canister ${args.c.idText} is out of cycles`;
}

/**
 * update_settings may not raise an allocation the canister cannot pay for over its freezing
 * threshold (rs/execution_environment/src/canister_settings.rs `validate_canister_settings`);
 * raising the freezing threshold alone may freeze it. `old` are the settings before the update,
 * the canister holds the new ones.
 */
export function allocationCyclesError(inst: Instance, c: Canister, old: CanisterSettings): IcError | null {
  const threshold = freezingThreshold(inst, c);
  if (c.cycles >= threshold) return null;
  const missing = threshold - c.cycles;
  if (c.settings.computeAllocation > old.computeAllocation) {
    return new IcError({
      errorCode: 'InsufficientCyclesInComputeAllocation',
      message: `Cannot increase compute allocation to ${c.settings.computeAllocation} due to insufficient cycles. At least ${missing} additional cycles are required.`,
    });
  }
  if (c.settings.memoryAllocation > old.memoryAllocation) {
    return new IcError({
      errorCode: 'InsufficientCyclesInMemoryAllocation',
      message: `Cannot increase memory allocation to ${c.settings.memoryAllocation} due to insufficient cycles. At least ${missing} additional cycles are required.`,
    });
  }
  return null;
}

/** Take `amount` from the balance if that leaves it at or above the freezing threshold; else the error. */
export function consumeAboveThreshold(inst: Instance, c: Canister, amount: bigint, revealTopUp: boolean): IcError | null {
  const threshold = freezingThreshold(inst, c);
  if (c.cycles < amount + threshold) return outOfCycles({ c, requested: amount, threshold, revealTopUp });
  c.cycles -= amount;
  return null;
}

/**
 * WASM64_INSTRUCTION_COST_OVERHEAD (rs/config/src/subnet_config.rs): a canister with 64-bit main
 * memory pays twice as much per instruction (`ten_update_instructions_execution_fee_wasm64`).
 */
const WASM64_INSTRUCTION_COST_OVERHEAD = 2n;

/**
 * Cycles per 10 instructions in an execution mode (`convert_instructions_to_cycles`): the
 * canister's, unless `wasm64` names the mode of a module about to be installed.
 */
function tenInstructionsFee(c: Canister, wasm64 = c.memory64): bigint {
  return wasm64 ? WASM64_INSTRUCTION_COST_OVERHEAD * fees.tenUpdateInstructions : fees.tenUpdateInstructions;
}

/** Cycles for executing `instructions`: the per-message fee plus 4 cycles per 10 instructions, 8 for Wasm64 (`execution_cost`). */
export function executionCost(inst: Instance, c: Canister, instructions: bigint, wasm64 = c.memory64): bigint {
  return inst.charge(c, fees.updateMessageExecution + (tenInstructionsFee(c, wasm64) * instructions) / 10n);
}

/** `prepay_execution_cycles`: the execution of the whole `limit`, above the freezing threshold. */
export function prepayExecution(
  inst: Instance,
  c: Canister,
  limit: bigint,
  revealTopUp: boolean,
  wasm64 = c.memory64,
): { prepaid: bigint } | IcError {
  const prepaid = executionCost(inst, c, limit, wasm64);
  const error = consumeAboveThreshold(inst, c, prepaid, revealTopUp);
  return error ?? { prepaid };
}

/**
 * `refund_unused_execution_cycles`: the instructions of `limit` that did not run come back, at
 * most the prepayment (the per-message fee is kept).
 */
export function refundUnusedExecution(
  inst: Instance,
  c: Canister,
  args: { prepaid: bigint; limit: bigint; used: bigint; wasm64?: boolean },
): void {
  const unused = args.limit - min(args.used, args.limit);
  c.cycles += min(inst.charge(c, (tenInstructionsFee(c, args.wasm64) * unused) / 10n), args.prepaid);
}

/** `prepayment_for_response_execution`: the longest callback, reserved when the call is made. */
export function responseExecutionPrepayment(inst: Instance, c: Canister): bigint {
  return executionCost(inst, c, inst.instructionLimit(c, 'update'));
}

/** `prepayment_for_response_transmission`: the largest response, reserved when the call is made. */
export function responseTransmissionPrepayment(inst: Instance, c: Canister): bigint {
  return inst.charge(c, fees.xnetByte * MAX_INTER_CANISTER_PAYLOAD_BYTES);
}

/**
 * What `ic0.call_perform` withdraws for a request of `payloadBytes` (method name plus argument):
 * the call fee, its bytes, and the reservations for the response (`withdraw_request_cycles`), with
 * the freezing threshold the balance must stay above.
 */
export function requestCharge(inst: Instance, c: Canister, payloadBytes: bigint): { fee: bigint; threshold: bigint } {
  const transmission = inst.charge(c, fees.xnetCall + fees.xnetByte * payloadBytes);
  const fee = transmission + responseTransmissionPrepayment(inst, c) + responseExecutionPrepayment(inst, c);
  return { fee, threshold: freezingThreshold(inst, c) };
}

/** `refund_for_response_transmission`: the reserved transmission of the bytes the response did not carry. */
export function responseTransmissionRefund(inst: Instance, c: Canister, responseBytes: bigint): bigint {
  const prepaid = responseTransmissionPrepayment(inst, c);
  return prepaid - min(inst.charge(c, fees.xnetByte * responseBytes), prepaid);
}

/**
 * `settle_prepayment_for_unexecuted_response`: a response whose callback does not run (its code
 * was replaced) costs the per-message fee; the rest of the reserved execution comes back.
 */
export function settleUnexecutedResponse(inst: Instance, c: Canister): void {
  const prepaid = responseExecutionPrepayment(inst, c);
  c.cycles += prepaid - min(executionCost(inst, c, 0n), prepaid);
}

/**
 * Idle charges, run at each round: once `duration_between_allocation_charges` has passed since
 * the last charge, every canister pays for its memory and compute allocation over the whole
 * seconds since it was last charged (dfinity/ic rs/execution_environment/src/scheduler.rs
 * `charge_canisters_for_resource_allocation_and_usage`). Memory is charged first, then compute
 * allocation, each down to zero; a canister that cannot pay is uninstalled and loses its balance.
 * Returns the canisters that ran out.
 */
export function chargeIdle(inst: Instance, uninstall: (c: Canister) => void): Canister[] {
  if (inst.timeNs < inst.lastAllocationChargeNs + allocationFees.chargeIntervalNs) return [];
  inst.lastAllocationChargeNs = inst.timeNs;
  const ranOut: Canister[] = [];
  for (const c of inst.canisters.values()) {
    const seconds = c.lastAllocationChargeNs < inst.timeNs ? (inst.timeNs - c.lastAllocationChargeNs) / NS_PER_SECOND : 0n;
    c.lastAllocationChargeNs = inst.timeNs;
    if (seconds === 0n) continue;
    const memoryPerDay = inst.charge(c, (chargedMemoryBytes(c) * fees.gibStoragePerSecond * SECONDS_PER_DAY) / GIB);
    const computePerDay = inst.charge(c, allocationFees.computePercentPerSecond * SECONDS_PER_DAY * c.settings.computeAllocation);
    let paid = true;
    for (const perDay of [memoryPerDay, computePerDay]) {
      const cost = (perDay * seconds) / SECONDS_PER_DAY;
      if (cost > c.cycles) {
        paid = false;
        break;
      }
      c.cycles -= cost;
    }
    if (!paid) {
      uninstall(c);
      c.cycles = 0n;
      ranOut.push(c);
    }
  }
  return ranOut;
}

/** Bytes of a response for the transmission refund: the reply, or the reject message. */
export function responsePayloadBytes(result: { kind: 'reply'; bytes: Uint8Array } | { kind: 'reject'; message: string }): bigint {
  return BigInt(result.kind === 'reply' ? result.bytes.length : new TextEncoder().encode(result.message).length);
}
