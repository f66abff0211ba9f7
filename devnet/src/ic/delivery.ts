/**
 * Message delivery: a request reaches its callee (a canister, a system canister the devnet hosts,
 * or the management canister), a response reaches its caller's callback, and a finished message's
 * effects are committed: its calls are queued, its response sent, its call context closed.
 */
import { concatBytes } from '@noble/hashes/utils.js';
import type { Principal } from '@icp-sdk/core/principal';
import type { CallContext, Canister, Origin } from './canister.ts';
import { CanisterTrap, IcError, messages, RejectCode, trapToIcError } from './errors.ts';
import type { CallResult, Instance, RequestMessage, ResponseMessage } from './instance.ts';
import { fees } from './limits.ts';
import {
  consumeAboveThreshold,
  MAX_INTER_CANISTER_PAYLOAD_BYTES,
  prepayExecution,
  refundUnusedExecution,
  responseExecutionPrepayment,
  responsePayloadBytes,
  responseTransmissionRefund,
  settleUnexecutedResponse,
} from './cycles-account.ts';
import { checkStopped, deliverManagement } from './management-dispatch.ts';
import { newContext, type ExecContext, type ExecMode, type PendingCall } from './system-api.ts';

export function deliverRequest(inst: Instance, m: RequestMessage): void {
  const target = m.to.toText();
  if (target === 'aaaaa-aa') {
    deliverManagement(inst, m);
    return;
  }
  const system = inst.systemCanisters.get(target);
  if (system) {
    const r = system.handle({ method: m.method, arg: m.arg, caller: m.from, cyclesAttached: m.cycles, isQuery: false });
    const refund = m.cycles - r.cyclesCharged;
    const result: CallResult =
      r.kind === 'reply'
        ? { kind: 'reply', bytes: r.reply }
        : { kind: 'reject', code: r.code, message: r.message, errorCode: 'CanisterRejectedMessage' };
    // A system canister lives on a subnet of its own: its response takes a round to come back.
    respond(inst, { origin: m.origin, result, refund, fromSubnet: null });
    return;
  }
  const c = inst.canisters.get(target);
  // The target's subnet answers; a canister id no subnet hosts is refused by the sender's own.
  const reject = (e: IcError) =>
    respond(inst, { origin: m.origin, result: icErrorResult(e), refund: m.cycles, fromSubnet: inst.subnetIndexOf(m.to) ?? undefined });
  if (!c) return reject(new IcError({ errorCode: 'CanisterNotFound', message: messages.canisterNotFound(target) }));
  if (c.status === 'stopped') return reject(new IcError({ errorCode: 'CanisterStopped', message: messages.stopped(target) }));
  if (c.status === 'stopping') return reject(new IcError({ errorCode: 'CanisterStopping', message: messages.stopping(target) }));
  if (!c.hasInstance) return reject(new IcError({ errorCode: 'CanisterWasmModuleNotFound', message: messages.noWasm(target) }));
  let mode: ExecMode;
  let entry: string;
  if (c.hasExport(`canister_update ${m.method}`)) {
    mode = 'update';
    entry = `canister_update ${m.method}`;
  } else if (c.hasExport(`canister_query ${m.method}`)) {
    mode = 'replicated_query';
    entry = `canister_query ${m.method}`;
  } else if (c.hasExport(`canister_composite_query ${m.method}`)) {
    return reject(
      new IcError({
        errorCode: 'CanisterContractViolation',
        message: `Error from Canister ${target}: Composite query cannot be called in replicated mode`,
      }),
    );
  } else {
    return reject(new IcError({ errorCode: 'CanisterMethodNotFound', message: messages.methodNotFound(target, 'update', m.method) }));
  }
  // A canister whose balance would fall below its freezing threshold is frozen: it refuses the
  // message, with the replica's out-of-cycles text, which names the top-up it needs (the
  // threshold plus what the message costs up front) to a controller only. The ingress
  // induction fee is charged first, then the execution of the whole instruction limit is
  // prepaid; what the message does not use is refunded when it ends (cycles-account.ts).
  const revealTopUp = c.isController(m.from);
  if (m.origin.kind === 'ingress') {
    const fee = inst.charge(c, fees.ingressMessage + fees.ingressByte * BigInt(m.arg.length + m.method.length));
    const error = consumeAboveThreshold(inst, c, fee, revealTopUp);
    if (error) return reject(error);
  }
  const limit = inst.instructionLimit(c, 'update');
  const prepay = prepayExecution(inst, c, limit, revealTopUp);
  if (prepay instanceof IcError) return reject(prepay);
  const cc = c.newCallContext({ origin: m.origin, caller: m.from, cycles: m.cycles, deadline: m.deadline });
  const ctx = newContext({
    mode,
    instructionLimit: limit,
    caller: m.from,
    arg: m.arg,
    methodName: m.method,
    callContext: cc,
  });
  const outcome = c.execute({ ctx, entry: { export: entry } });
  finish(inst, { c, ctx, cc, outcome, prepaid: prepay.prepaid });
}

export function deliverResponse(inst: Instance, m: ResponseMessage): void {
  const c = inst.canisters.get(m.to.toText());
  if (!c) return; // the caller was deleted: the response has nowhere to go
  const cb = c.callbacks.get(m.callbackId);
  if (!cb) return;
  // A response to a call whose deadline passed was replaced by the SYS_UNKNOWN reject: drop it.
  if (cb.expired && !m.deadlineExpiry) return;
  c.callbacks.delete(m.callbackId);
  // The unused cycles attached to the call come back, and so does the reserved transmission of
  // the response bytes it did not carry (cycles-account.ts `responseTransmissionRefund`).
  c.cycles += m.refund + responseTransmissionRefund(inst, c, responsePayloadBytes(m.result));
  const cc = c.callContexts.get(cb.callContextId);
  if (!cc) {
    settleUnexecutedResponse(inst, c);
    return;
  }
  cc.outstandingCallbacks--;
  if (!c.hasInstance || cb.codeVersion !== c.codeVersion) {
    // The code that made the call is gone (uninstall/reinstall/upgrade): its callbacks never run.
    settleUnexecutedResponse(inst, c);
    closeCallContext(inst, c, cc, null);
    return;
  }
  // The callback runs on the execution cycles reserved when the call was made.
  const prepaid = responseExecutionPrepayment(inst, c);
  const reply = m.result.kind === 'reply';
  const ctx = newContext({
    mode: reply ? 'reply' : 'reject',
    instructionLimit: inst.instructionLimit(c, 'update'),
    callContext: cc,
    replyPayload: reply ? (m.result as { bytes: Uint8Array }).bytes : undefined,
    rejectCode: reply ? 0 : (m.result as { code: number }).code,
    rejectMessage: reply ? '' : (m.result as { message: string }).message,
    refunded: m.refund,
  });
  const target = reply ? cb.reply : cb.reject;
  let outcome = c.execute({ ctx, entry: { table: target.fun, env: target.env } });
  if (!outcome.ok && cb.cleanup) {
    // The cleanup sees the reject code of the callback that trapped (0 after a reply).
    const cleanupCtx = newContext({
      mode: 'cleanup',
      instructionLimit: inst.instructionLimit(c, 'update'),
      callContext: cc,
      rejectCode: ctx.rejectCode,
    });
    const cleaned = c.execute({ ctx: cleanupCtx, entry: { table: cb.cleanup.fun, env: cb.cleanup.env } });
    // The cleanup callback runs on the same prepaid execution as the callback.
    outcome = { ...outcome, instructions: outcome.instructions + cleaned.instructions };
    if (cleaned.ok) commitState(inst, c, cleanupCtx);
  }
  finish(inst, { c, ctx, cc, outcome, prepaid });
}

/** Commit a finished message's effects, respond if it responded, close its call context if done. */
export function finish(
  inst: Instance,
  args: {
    c: Canister;
    ctx: ExecContext;
    cc: CallContext;
    outcome: { ok: boolean; trap: CanisterTrap | null; instructions: bigint };
    /** The execution cycles prepaid for the message's instruction limit. */
    prepaid: bigint;
  },
): void {
  const { c, ctx, cc, outcome } = args;
  inst.roundInstructions += outcome.instructions;
  refundUnusedExecution(inst, c, { prepaid: args.prepaid, limit: ctx.instructionLimit, used: outcome.instructions });
  cc.instructions += outcome.instructions;
  c.stats.updates++;
  let trapError: IcError | null = null;
  if (outcome.ok) {
    commitState(inst, c, ctx);
    if (ctx.mode !== 'replicated_query') c.version++;
    cc.cyclesAvailable -= ctx.cyclesAccepted;
    for (const call of ctx.calls) enqueueCall(inst, c, cc, call);
    if (ctx.response) {
      cc.responded = true;
      const result: CallResult =
        ctx.response.kind === 'reply'
          ? { kind: 'reply', bytes: ctx.response.bytes }
          : { kind: 'reject', code: RejectCode.CanisterReject, message: ctx.response.message, errorCode: 'CanisterRejectedMessage' };
      const refund = cc.cyclesAvailable;
      cc.cyclesAvailable = 0n;
      respond(inst, { origin: cc.origin, result, refund, fromSubnet: c.subnetIndex });
    }
  } else {
    trapError = trapToIcError(c.idText, outcome.trap!);
  }
  closeCallContext(inst, c, cc, trapError);
}

/** State effects a successful message keeps, beyond the heap. */
function commitState(inst: Instance, c: Canister, ctx: ExecContext): void {
  c.cycles += ctx.balanceDelta;
  if (ctx.mode === 'replicated_query') return;
  if (ctx.certifiedData) c.certifiedData = ctx.certifiedData;
  if (ctx.globalTimer !== null) c.globalTimer = ctx.globalTimer;
}

/** When no callback is outstanding, an unanswered call context is answered now, and closed. */
function closeCallContext(inst: Instance, c: Canister, cc: CallContext, trapError: IcError | null): void {
  if (cc.outstandingCallbacks > 0) return;
  if (!cc.responded) {
    cc.responded = true;
    const error = trapError ?? new IcError({ errorCode: 'CanisterDidNotReply', message: messages.didNotReply(c.idText) });
    const refund = cc.cyclesAvailable;
    cc.cyclesAvailable = 0n;
    respond(inst, { origin: cc.origin, result: icErrorResult(error), refund, fromSubnet: c.subnetIndex });
  }
  c.callContexts.delete(cc.id);
  checkStopped(inst, c);
}

function enqueueCall(inst: Instance, c: Canister, cc: CallContext, call: PendingCall): void {
  cc.outstandingCallbacks++;
  // IC spec "ic0.call_with_best_effort_response": the deadline is the call's time plus its timeout.
  const deadline = call.timeoutSeconds === null ? 0n : inst.timeNs + BigInt(call.timeoutSeconds) * 1_000_000_000n;
  const cb = c.registerCallback({
    callContextId: cc.id,
    reply: call.reply,
    reject: call.reject,
    cleanup: call.cleanup,
    codeVersion: c.codeVersion,
    deadline,
  });
  const arg = concatBytes(...call.arg);
  const oversized = oversizedRemoteRequest(inst, c, call.callee, call.method, arg);
  if (oversized) {
    // The request never leaves: its stream builder answers it with a reject at the end of the
    // round, and the attached cycles come back.
    inst.queue.push({ kind: 'response', to: c.id, callbackId: cb.id, result: oversized, refund: call.cycles, readyRound: inst.round + 1 });
    return;
  }
  inst.queue.push({
    kind: 'request',
    from: c.id,
    to: call.callee,
    method: call.method,
    arg,
    cycles: call.cycles,
    origin: { kind: 'canister', canister: c.id, callbackId: cb.id },
    deadline,
    effectiveSubnet: null,
    // Calls to aaaaa-aa wait in the subnet queue, which the scheduler drains at the start of the
    // next round (dfinity/ic rs/execution_environment/src/scheduler.rs `drain_subnet_queues`).
    readyRound: call.callee.toText() === 'aaaaa-aa' ? inst.round + 1 : inst.readyRound(c.subnetIndex, inst.subnetIndexOf(call.callee)),
  });
}

/**
 * A request to a canister on another subnet may carry at most MAX_INTER_CANISTER_PAYLOAD_IN_BYTES
 * (2 MiB) of method name and argument; the 10 MiB checked by `ic0.call_data_append` is for the
 * caller's own subnet. The stream builder rejects a larger one with CANISTER_ERROR instead of
 * routing it (dfinity/ic rs/messaging/src/routing/stream_builder.rs, "Remote request above the
 * payload size limit"). Calls to aaaaa-aa stay on the caller's subnet.
 */
function oversizedRemoteRequest(inst: Instance, c: Canister, callee: Principal, method: string, arg: Uint8Array): CallResult | null {
  if (callee.toText() === 'aaaaa-aa') return null;
  const remote = inst.systemCanisters.has(callee.toText()) || (inst.subnetIndexOf(callee) ?? c.subnetIndex) !== c.subnetIndex;
  const size = BigInt(new TextEncoder().encode(method).length + arg.length);
  if (!remote || size <= MAX_INTER_CANISTER_PAYLOAD_BYTES) return null;
  return {
    kind: 'reject',
    code: RejectCode.CanisterError,
    message: `Canister ${c.idText} violated contract: attempted to send a message of size ${size} exceeding the limit ${MAX_INTER_CANISTER_PAYLOAD_BYTES}`,
    errorCode: 'CanisterContractViolation',
  };
}

/**
 * Bounded-wait calls whose deadline has passed are answered now with SYS_UNKNOWN (IC spec,
 * "Bounded-wait calls": the system may reject such a call with SYS_UNKNOWN once its deadline
 * passed, whatever the callee does). The callee's own response, if it comes later, is dropped;
 * cycles attached to the call are not refunded then. The reject text is the replica's:
 * "Call deadline has expired." (dfinity/ic rs/replicated_state/src/canister_state/system_state.rs,
 * `CanisterInput::DeadlineExpired`, checked by the `time_out_callbacks` test of that module).
 */
export function expireDeadlines(inst: Instance): void {
  for (const c of inst.canisters.values()) {
    for (const cb of c.callbacks.values()) {
      if (cb.deadline === 0n || cb.expired || cb.deadline > inst.timeNs) continue;
      cb.expired = true;
      inst.queue.push({
        kind: 'response',
        to: c.id,
        callbackId: cb.id,
        result: { kind: 'reject', code: RejectCode.SysUnknown, message: 'Call deadline has expired.', errorCode: 'DeadlineExpired' },
        refund: 0n,
        readyRound: inst.round,
        deadlineExpiry: true,
      });
    }
  }
}

/**
 * Send a result to whoever waits for it. `fromSubnet` is the responder's subnet index (null: a
 * subnet outside the instance); without it the response comes from the receiver's own subnet
 * (the management canister, the devnet's own services).
 */
export function respond(inst: Instance, args: { origin: Origin; result: CallResult; refund: bigint; fromSubnet?: number | null }): void {
  const { origin, result, refund } = args;
  switch (origin.kind) {
    case 'ingress': {
      const entry = inst.ingress.get(origin.messageId);
      if (entry) {
        entry.status = 'completed';
        entry.result = result;
      }
      return;
    }
    case 'canister': {
      const to = inst.subnetIndexOf(origin.canister);
      const from = args.fromSubnet === undefined ? to : args.fromSubnet;
      inst.queue.push({
        kind: 'response',
        to: origin.canister,
        callbackId: origin.callbackId,
        result,
        refund,
        readyRound: inst.readyRound(from, to),
      });
      return;
    }
    case 'system':
      return;
  }
}

export function icErrorResult(e: IcError): CallResult {
  return { kind: 'reject', code: e.rejectCode, message: e.message, errorCode: e.errorCode };
}
