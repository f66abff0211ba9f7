/**
 * Calls to the management canister (aaaaa-aa) as messages: dispatch to management.ts, and the
 * tickets of calls that wait on something (stop_canister waits for open call contexts to close).
 */
import type { Canister, Origin } from './canister.ts';
import { IcError } from './errors.ts';
import { icErrorResult, respond } from './delivery.ts';
import { EMPTY_CANDID, type CallResult, type Instance, type RequestMessage } from './instance.ts';
import { handleManagement } from './management.ts';

/** Park a management call until `release(ticket)`. */
export function park(inst: Instance, origin: Origin): number {
  const t = inst.nextTicket++;
  inst.tickets.set(t, { origin });
  return t;
}
export function release(inst: Instance, ticket: number, result: CallResult): void {
  const t = inst.tickets.get(ticket);
  if (!t) return;
  inst.tickets.delete(ticket);
  respond(inst, t.origin, result, 0n);
}

export function checkStopped(inst: Instance, c: Canister): void {
  if (c.status === 'stopping' && c.callContexts.size === 0) {
    c.status = 'stopped';
    const waiters = c.stopWaiters;
    c.stopWaiters = [];
    for (const t of waiters) release(inst, t, { kind: 'reply', bytes: EMPTY_CANDID });
  }
}

/** A request to aaaaa-aa: answered now, or later when management.ts deferred it. */
export function deliverManagement(inst: Instance, m: RequestMessage): void {
  const caller = m.from;
  const callerCanister = m.origin.kind === 'canister' ? inst.getCanister(caller) : null;
  let result: ReturnType<typeof handleManagement>;
  try {
    result = handleManagement({
      instance: inst,
      method: m.method,
      arg: m.arg,
      caller,
      callerCanister,
      cycles: m.cycles,
      origin: m.origin,
      effectiveSubnet: m.effectiveSubnet,
    });
  } catch (e) {
    if (e instanceof IcError) {
      respond(inst, m.origin, icErrorResult(e), m.cycles);
      return;
    }
    throw e;
  }
  if (result.kind === 'deferred') return;
  respond(inst, m.origin, result.result, result.refund);
}
