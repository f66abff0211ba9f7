/**
 * Rounds: what one tick of an instance does. Each round delivers the messages queued before it
 * (ingress, requests between canisters, responses), delivers deferred replies that are due, then
 * runs due global timers and heartbeats.
 */
import type { Canister } from './canister.ts';
import { deliverRequest, deliverResponse, finish, respond, canPayExecution } from './delivery.ts';
import type { CallResult, Instance } from './instance.ts';
import { limits } from './limits.ts';
import { newContext, type ExecMode } from './system-api.ts';

/** Execute one round. Returns whether anything happened. */
export function runRound(inst: Instance): boolean {
  inst.round++;
  inst.timeNs += 1n;
  const messagesNow = inst.queue;
  inst.queue = [];
  for (const m of messagesNow) {
    if (m.kind === 'request') deliverRequest(inst, m);
    else deliverResponse(inst, m);
  }
  let busy = messagesNow.length > 0;
  const due = inst.deferred.filter((d) => d.dueRound <= inst.round);
  if (due.length) {
    inst.deferred = inst.deferred.filter((d) => d.dueRound > inst.round);
    for (const d of due) respond(inst, d.origin, d.result, d.refund);
    busy = true;
  }
  busy = runSystemTasks(inst) || busy;
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

function runSystemTask(inst: Instance, c: Canister, mode: ExecMode, name: string): void {
  if (!canPayExecution(c)) return;
  const cc = c.newCallContext({ origin: { kind: 'system', ticket: 0 }, caller: c.id, cycles: 0n });
  cc.responded = true; // nobody waits for a system task's response
  const ctx = newContext({ mode, instructionLimit: inst.instructionLimit(c, 'update'), caller: c.id, callContext: cc });
  const outcome = c.execute({ ctx, entry: { export: name } });
  finish(inst, { c, ctx, cc, outcome });
}
