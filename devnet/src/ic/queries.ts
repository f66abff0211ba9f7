/**
 * Queries: executed at once on the canister's current state, which never persists. Composite
 * queries call other canisters' queries synchronously.
 */
import type { Principal } from '@icp-sdk/core/principal';
import { concatBytes } from '@noble/hashes/utils.js';
import type { CallContext, Canister } from './canister.ts';
import { IcError, messages, RejectCode, trapToIcError } from './errors.ts';
import { icErrorResult } from './delivery.ts';
import { freezingThreshold } from './cycles-account.ts';
import { MANAGEMENT_CANISTER_ID } from './ids.ts';
import { fetchCanisterLogs } from './canister-logs.ts';
import type { CallResult, Instance } from './instance.ts';
import { newContext, type ExecContext, type PendingCall } from './system-api.ts';
/** Execute a query (or composite query) now; state never persists. */
export function query(
  inst: Instance,
  args: { sender: Principal; canisterId: Principal; method: string; arg: Uint8Array; transform?: boolean },
): CallResult {
  try {
    // The management canister answers one query, fetch_canister_logs, to users only (IC spec); a
    // composite query cannot reach it (runQuery has no path to aaaaa-aa).
    if (args.canisterId.toText() === MANAGEMENT_CANISTER_ID.toText()) {
      if (args.method === 'fetch_canister_logs') return fetchCanisterLogs(inst, args);
      throw new IcError({
        errorCode: 'CanisterMethodNotFound',
        rejectCode: RejectCode.DestinationInvalid,
        message: `Management canister has no query method '${args.method}'`,
      });
    }
    return runQuery(inst, { ...args, chain: new Set() });
  } catch (e) {
    if (e instanceof IcError) return icErrorResult(e);
    throw e;
  }
}

export function runQuery(
  inst: Instance,
  args: { sender: Principal; canisterId: Principal; method: string; arg: Uint8Array; chain: Set<string>; transform?: boolean },
): CallResult {
  const target = args.canisterId.toText();
  const system = inst.systemCanisters.get(target);
  if (system) {
    const r = system.handle({ method: args.method, arg: args.arg, caller: args.sender, cyclesAttached: 0n, isQuery: true });
    return r.kind === 'reply'
      ? { kind: 'reply', bytes: r.reply }
      : { kind: 'reject', code: r.code as RejectCode, message: r.message, errorCode: 'CanisterRejectedMessage' };
  }
  const c = inst.canisters.get(target);
  if (!c) throw new IcError({ errorCode: 'CanisterNotFound', message: messages.canisterNotFound(target) });
  if (c.status !== 'running') throw new IcError({ errorCode: 'CanisterStopped', message: messages.stopped(target) });
  if (!c.hasInstance) throw new IcError({ errorCode: 'CanisterWasmModuleNotFound', message: messages.noWasm(target) });
  // A frozen canister (balance below its freezing threshold) answers no queries
  // (rs/execution_environment/src/query_handler/query_context.rs).
  if (c.cycles < freezingThreshold(inst, c)) {
    throw new IcError({
      errorCode: 'CanisterOutOfCycles',
      message: `Canister ${target} is unable to process query calls because it's frozen. Please top up the canister with cycles and try again.`,
    });
  }
  const limit = inst.instructionLimit(c, 'query');
  if (c.hasExport(`canister_query ${args.method}`)) {
    const ctx = newContext({
      mode: 'query',
      transform: args.transform ?? false,
      instructionLimit: limit,
      caller: args.sender,
      arg: args.arg,
      methodName: args.method,
    });
    ctx.callContext = queryCallContext(args.sender);
    const outcome = c.execute({ ctx, entry: { export: `canister_query ${args.method}` } });
    c.stats.queries++;
    if (!outcome.ok) throw trapToIcError(c.idText, outcome.trap!);
    return queryResponse(c, ctx);
  }
  if (c.hasExport(`canister_composite_query ${args.method}`)) {
    return runCompositeQuery(inst, { c, ...args, limit });
  }
  throw new IcError({ errorCode: 'CanisterMethodNotFound', message: messages.methodNotFound(target, 'query', args.method) });
}

/**
 * A composite query keeps its state across its callbacks and discards it at the end. Calls it
 * makes run synchronously as queries on their callees (same subnet only, no loops).
 */
export function runCompositeQuery(
  inst: Instance,
  args: {
    c: Canister;
    sender: Principal;
    canisterId: Principal;
    method: string;
    arg: Uint8Array;
    chain: Set<string>;
    limit: bigint;
  },
): CallResult {
  const { c } = args;
  if (args.chain.has(c.idText)) {
    throw new IcError({
      errorCode: 'CanisterContractViolation',
      message: `Error from Canister ${c.idText}: Loop detected.  MR1 only supports loops`,
    });
  }
  args.chain.add(c.idText);
  const cp = c.saveForComposite();
  try {
    const cc = queryCallContext(args.sender);
    const ctx = newContext({
      mode: 'composite_query',
      instructionLimit: args.limit,
      caller: args.sender,
      arg: args.arg,
      methodName: args.method,
      callContext: cc,
    });
    let outcome = c.execute({ ctx, entry: { export: `canister_composite_query ${args.method}` }, keep: true });
    if (!outcome.ok) throw trapToIcError(c.idText, outcome.trap!);
    let response = ctx.response;
    let pending = ctx.calls;
    while (pending.length) {
      const next: PendingCall[] = [];
      for (const call of pending) {
        const callArg = concatBytes(...call.arg);
        let result: CallResult;
        const calleeSubnet = inst.subnetOfId(call.callee);
        if (calleeSubnet && inst.subnets.indexOf(calleeSubnet) !== c.subnetIndex) {
          result = {
            kind: 'reject',
            code: RejectCode.DestinationInvalid,
            message: `Canister ${call.callee.toText()} is not on the same subnet as the composite query caller`,
            errorCode: 'CanisterNotFound',
          };
        } else {
          try {
            result = runQuery(inst, { sender: c.id, canisterId: call.callee, method: call.method, arg: callArg, chain: args.chain });
          } catch (e) {
            if (!(e instanceof IcError)) throw e;
            result = icErrorResult(e);
          }
        }
        const reply = result.kind === 'reply';
        const cbCtx = newContext({
          mode: reply ? 'composite_reply' : 'composite_reject',
          instructionLimit: args.limit,
          callContext: cc,
          replyPayload: reply ? (result as { bytes: Uint8Array }).bytes : undefined,
          rejectCode: reply ? 0 : (result as { code: number }).code,
          rejectMessage: reply ? '' : (result as { message: string }).message,
        });
        if (response) cc.responded = true;
        const target = reply ? call.reply : call.reject;
        outcome = c.execute({ ctx: cbCtx, entry: { table: target.fun, env: target.env }, keep: true });
        if (!outcome.ok) {
          if (call.cleanup)
            c.execute({
              ctx: newContext({ mode: 'composite_cleanup', instructionLimit: args.limit, callContext: cc }),
              entry: { table: call.cleanup.fun, env: call.cleanup.env },
              keep: true,
            });
          if (!response) throw trapToIcError(c.idText, outcome.trap!);
          continue;
        }
        response ??= cbCtx.response;
        next.push(...cbCtx.calls);
      }
      pending = next;
    }
    c.stats.queries++;
    if (!response) throw new IcError({ errorCode: 'CanisterDidNotReply', message: messages.didNotReply(c.idText) });
    return response.kind === 'reply'
      ? { kind: 'reply', bytes: response.bytes }
      : { kind: 'reject', code: RejectCode.CanisterReject, message: response.message, errorCode: 'CanisterRejectedMessage' };
  } finally {
    c.restoreComposite(cp);
    args.chain.delete(c.idText);
  }
}

/** Execute a transform function of an HTTPS outcall (a query on the calling canister). */
export function runTransform(inst: Instance, args: { canisterId: Principal; method: string; arg: Uint8Array }): CallResult {
  return query(inst, { sender: MANAGEMENT_CANISTER_ID, canisterId: args.canisterId, method: args.method, arg: args.arg, transform: true });
}

function queryResponse(c: Canister, ctx: ExecContext): CallResult {
  if (!ctx.response) throw new IcError({ errorCode: 'CanisterDidNotReply', message: messages.didNotReply(c.idText) });
  return ctx.response.kind === 'reply'
    ? { kind: 'reply', bytes: ctx.response.bytes }
    : { kind: 'reject', code: RejectCode.CanisterReject, message: ctx.response.message, errorCode: 'CanisterRejectedMessage' };
}

/** A query's call context: nobody waits on it beyond the query's own reply, and it holds no cycles. */
function queryCallContext(caller: Principal): CallContext {
  return {
    id: 0,
    origin: { kind: 'system', ticket: 0 },
    caller,
    cyclesAvailable: 0n,
    responded: false,
    outstandingCallbacks: 0,
    instructions: 0n,
    deadline: 0n,
  };
}
