/** Rounds: what one tick of an instance does, and awaiting an ingress message by running rounds. */
import type { Canister } from './canister.ts';
import { chargeIdle, prepayExecution } from './cycles-account.ts';
import { uninstall } from './management.ts';
import { IcError } from './errors.ts';
import { deliverRequest, deliverResponse, expireDeadlines, finish, respond } from './delivery.ts';
import type { CallResult, Instance } from './instance.ts';
import { MANAGEMENT_CANISTER_ID } from './ids.ts';
import { limits } from './limits.ts';
import { newContext, type ExecMode } from './system-api.ts';

/**
 * Execute one round, as a PocketIC `tick` does. Its time is the instance's time, plus 1 ns when
 * time did not otherwise advance since the last round (block times strictly increase). The round
 * first delivers deferred replies that are due, then runs due global timers and heartbeats (the
 * replica schedules them at the start of a round), then delivers every message that is ready,
 * again and again, so that calls within a subnet, self-calls and the call chain behind a timer
 * complete in this round, until the round's instruction limit is used up or nothing is left
 * (dfinity/ic rs/execution_environment/src/scheduler.rs `inner_round`). Messages to other subnets
 * and to the management canister wait for a later round. Returns whether anything happened.
 */
export function runRound(inst: Instance): boolean {
  inst.round++;
  if (inst.timeNs <= inst.lastRoundTimeNs) inst.timeNs = inst.lastRoundTimeNs + 1n;
  inst.inRound = true;
  inst.roundInstructions = 0n;
  let busy = false;
  try {
    const due = inst.deferred.filter((d) => d.dueRound <= inst.round);
    if (due.length) {
      inst.deferred = inst.deferred.filter((d) => d.dueRound > inst.round);
      for (const d of due) respond(inst, { origin: d.origin, result: d.result, refund: d.refund });
      busy = true;
    }
    expireDeadlines(inst);
    busy = runSystemTasks(inst) || busy;
    while (inst.roundInstructions < limits.roundInstructions) {
      const ready = inst.queue.filter((m) => m.readyRound <= inst.round);
      if (ready.length === 0) break;
      busy = true;
      inst.queue = inst.queue.filter((m) => m.readyRound > inst.round);
      for (let i = 0; i < ready.length; i++) {
        if (inst.roundInstructions >= limits.roundInstructions) {
          // The round is full: the rest wait for the next one, in order, ahead of newer messages.
          inst.queue = [...ready.slice(i), ...inst.queue];
          break;
        }
        const m = ready[i];
        if (m.kind === 'request') deliverRequest(inst, m);
        else deliverResponse(inst, m);
      }
    }
    // Memory and compute allocation cost cycles as time passes (cycles-account.ts `chargeIdle`).
    chargeIdle(inst, (c) => {
      if (c.hasInstance || c.module) uninstall(inst, c);
    });
  } finally {
    inst.inRound = false;
    inst.lastRoundTimeNs = inst.timeNs;
    inst.certifiedTimeNs = inst.timeNs;
  }
  return busy || inst.queue.length > 0 || inst.deferred.length > 0;
}

/** Run rounds until the ingress message completes. */
export function awaitIngress(inst: Instance, id: string): CallResult {
  const entry = inst.ingress.get(id);
  if (!entry) throw new Error(`Unknown ingress message ${id}`);
  let idle = 0;
  for (let i = 0; entry.status !== 'completed'; i++) {
    if (i >= limits.maxAwaitRounds || idle > 100) {
      throw new Error(
        `ingress message ${id} did not complete after ${i} rounds: it waits for something outside the IC (an HTTPS outcall to mock?)`,
      );
    }
    idle = runRound(inst) ? 0 : idle + 1;
  }
  return entry.result!;
}

function runSystemTasks(inst: Instance): boolean {
  let ran = false;
  for (const c of inst.canisters.values()) {
    if (c.status !== 'running' || !c.hasInstance) continue;
    if (c.globalTimer !== 0n && inst.timeNs >= c.globalTimer && c.hasExport('canister_global_timer')) {
      c.globalTimer = 0n; // the timer is deactivated before it runs (IC spec "Global timer")
      runSystemTask(inst, c, 'timer', 'canister_global_timer');
      ran = true;
    }
    if (c.hasExport('canister_heartbeat')) {
      runSystemTask(inst, c, 'heartbeat', 'canister_heartbeat');
      ran = true;
    }
  }
  return ran;
}

/** A heartbeat or timer prepays its execution like any message; a canister that cannot is skipped. */
function runSystemTask(inst: Instance, c: Canister, mode: ExecMode, name: string): void {
  const limit = inst.instructionLimit(c, 'update');
  const prepay = prepayExecution(inst, c, limit, false);
  if (prepay instanceof IcError) return;
  // A system task's caller, and so the caller its callbacks see, is the management canister
  // (spec, "ic0.msg_caller_size": "During a system task (heartbeat or global timer), this is the id
  // of the management canister").
  const cc = c.newCallContext({ origin: { kind: 'system', ticket: 0 }, caller: MANAGEMENT_CANISTER_ID, cycles: 0n });
  cc.responded = true; // nobody waits for a system task's response
  const ctx = newContext({ mode, instructionLimit: limit, caller: MANAGEMENT_CANISTER_ID, callContext: cc });
  const outcome = c.execute({ ctx, entry: { export: name } });
  finish(inst, { c, ctx, cc, outcome, prepaid: prepay.prepaid });
}
