/**
 * The `ic0` System API (IC interface spec, "Canister interface (System API)") as host functions.
 * Whether a function may run in the current context comes from the spec's availability table
 * (system-api-table.ts) and what it costs from the replica's overhead table (system-api-costs.ts):
 * every call is charged, then checked, as the replica's linker does; a call outside its contexts
 * traps with the replica's contract-violation text. Memory ranges are checked against the heap.
 * Effects are written to the ExecContext and committed by the instance only if the message succeeds.
 */
import { Principal } from '@icp-sdk/core/principal';
import { concatBytes } from '@noble/hashes/utils.js';
import { CanisterTrap } from './errors.ts';
import type { Canister, CallContext, CanisterHost } from './canister.ts';
import { fees } from './limits.ts';
import { outOfCyclesText } from './cycles-account.ts';
import { systemApiCost } from './system-api-costs.ts';
import { IC0_CONTEXTS, IC0_TABLE, type Context } from './system-api-table.ts';

export type ExecMode =
  | 'start'
  | 'init'
  | 'pre_upgrade'
  | 'post_upgrade'
  | 'update'
  | 'replicated_query'
  | 'query'
  | 'composite_query'
  | 'reply'
  | 'reject'
  | 'composite_reply'
  | 'composite_reject'
  | 'cleanup'
  | 'composite_cleanup'
  | 'timer'
  | 'heartbeat'
  | 'inspect';

/**
 * The replica's names of the modes, used in contract-violation messages: `ApiType::as_str` in
 * dfinity/ic rs/embedders/src/wasmtime_embedder/system_api.rs (`post_upgrade` runs as `Init`,
 * composite queries and transforms as `NonReplicatedQuery`).
 */
const MODE_NAME: Record<ExecMode, string> = {
  start: 'start',
  init: 'init',
  post_upgrade: 'init',
  pre_upgrade: 'pre upgrade',
  update: 'update',
  replicated_query: 'replicated query',
  query: 'non replicated query',
  composite_query: 'non replicated query',
  reply: 'replicated reply callback',
  reject: 'replicated reject callback',
  composite_reply: 'non-replicated reply callback',
  composite_reject: 'non-replicated reject callback',
  cleanup: 'cleanup',
  composite_cleanup: 'cleanup',
  timer: 'global timer',
  heartbeat: 'heartbeat',
  inspect: 'inspect message',
};

/** The spec's context of each mode (a query run as an HTTPS outcall transform is `TQ`). */
const CONTEXT_OF: Record<ExecMode, Context> = {
  start: 's',
  init: 'I',
  post_upgrade: 'I',
  pre_upgrade: 'G',
  update: 'U',
  replicated_query: 'RQ',
  query: 'NRQ',
  composite_query: 'CQ',
  reply: 'Ry',
  reject: 'Rt',
  composite_reply: 'CRy',
  composite_reject: 'CRt',
  cleanup: 'C',
  composite_cleanup: 'CC',
  timer: 'T',
  heartbeat: 'T',
  inspect: 'F',
};

export function contextOf(ctx: { mode: ExecMode; transform: boolean }): Context {
  return ctx.mode === 'query' && ctx.transform ? 'TQ' : CONTEXT_OF[ctx.mode];
}

export interface PendingCall {
  callee: Principal;
  method: string;
  arg: Uint8Array[];
  cycles: bigint;
  reply: { fun: bigint; env: bigint };
  reject: { fun: bigint; env: bigint };
  cleanup: { fun: bigint; env: bigint } | null;
  timeoutSeconds: number | null;
}

export interface ExecContext {
  mode: ExecMode;
  /** A query run as the transform function of an HTTPS outcall (the spec's `TQ`). */
  transform: boolean;
  instructionLimit: bigint;
  caller: Principal | null;
  arg: Uint8Array;
  methodName: string;
  callContext: CallContext | null;
  rejectCode: number;
  rejectMessage: string;
  refunded: bigint;
  /** Effects, committed by the instance when the message succeeds. */
  replyBuffer: Uint8Array[];
  response: { kind: 'reply'; bytes: Uint8Array } | { kind: 'reject'; message: string } | null;
  cyclesAccepted: bigint;
  /** Net change of the balance: + accepted, - sent, - burned. */
  balanceDelta: bigint;
  pendingCall: PendingCall | null;
  calls: PendingCall[];
  certifiedData: Uint8Array | null;
  globalTimer: bigint | null;
  messageAccepted: boolean;
  dataCertificate: Uint8Array | null;
}

export function newContext(args: {
  mode: ExecMode;
  transform?: boolean;
  instructionLimit: bigint;
  caller?: Principal | null;
  arg?: Uint8Array;
  methodName?: string;
  callContext?: CallContext | null;
  rejectCode?: number;
  rejectMessage?: string;
  refunded?: bigint;
  replyPayload?: Uint8Array;
}): ExecContext {
  return {
    mode: args.mode,
    transform: args.transform ?? false,
    instructionLimit: args.instructionLimit,
    caller: args.caller ?? null,
    arg: args.arg ?? args.replyPayload ?? new Uint8Array(0),
    methodName: args.methodName ?? '',
    callContext: args.callContext ?? null,
    rejectCode: args.rejectCode ?? 0,
    rejectMessage: args.rejectMessage ?? '',
    refunded: args.refunded ?? 0n,
    replyBuffer: [],
    response: null,
    cyclesAccepted: 0n,
    balanceDelta: 0n,
    pendingCall: null,
    calls: [],
    certifiedData: null,
    globalTimer: null,
    messageAccepted: false,
    dataCertificate: null,
  };
}

type HostFn = (...args: (number | bigint)[]) => number | bigint | void;

/** A Wasm argument as the unsigned integer the System API reads it as (spec, "Interpretation of numbers"). */
const unsigned = (x: number | bigint): bigint => (typeof x === 'bigint' ? BigInt.asUintN(64, x) : BigInt(x >>> 0));

/** MAX_INTER_CANISTER_PAYLOAD_IN_BYTES (dfinity/ic rs/types/types/src/messages.rs): 2 MiB. */
const MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;
/** A reply to a non-replicated query may be larger: MAX_NON_REPLICATED_QUERY_REPLY_SIZE, 3 MiB. */
const MAX_QUERY_REPLY_BYTES = 3 * 1024 * 1024;
/** Requests to a canister on the same subnet may be 5 times larger (MULTIPLIER_MAX_SIZE_LOCAL_SUBNET). */
const MAX_LOCAL_REQUEST_BYTES = 5 * MAX_PAYLOAD_BYTES;
const NON_REPLICATED: readonly ExecMode[] = ['query', 'composite_query', 'composite_reply', 'composite_reject'];

/** ic0.msg_reply_data_append past the reply limit traps (rs/embedders/src/wasmtime_embedder/system_api.rs). */
function checkReplySize(ctx: ExecContext, size: number): void {
  const max = NON_REPLICATED.includes(ctx.mode) ? MAX_QUERY_REPLY_BYTES : MAX_PAYLOAD_BYTES;
  const total = ctx.replyBuffer.reduce((n, b) => n + b.length, 0) + size;
  if (total > max) {
    throw new CanisterTrap(
      'contract_violation',
      `ic0.msg_reply_data_append: application payload size (${total}) cannot be larger than ${max}`,
    );
  }
}

/** ic0.call_data_append past the request limit traps (RequestInPrep::extend_method_payload). */
function checkRequestSize(call: PendingCall, size: number): void {
  const current = new TextEncoder().encode(call.method).length + call.arg.reduce((n, b) => n + b.length, 0);
  if (size > MAX_LOCAL_REQUEST_BYTES - current) {
    throw new CanisterTrap(
      'contract_violation',
      `Request to ${call.callee.toText()}:${call.method} has a payload size of ${current + size}, which exceeds the allowed limit of ${MAX_LOCAL_REQUEST_BYTES}`,
    );
  }
}

/**
 * The host functions of one canister instance. `memory64` leaves out the functions the spec makes
 * available only to modules with a 32-bit memory, so a 64-bit module importing one is refused at
 * installation as importing a function the runtime does not export.
 */
export function createSystemApi(args: {
  canister: Canister;
  host: CanisterHost;
  context: () => ExecContext;
  memory64?: boolean;
}): Record<string, HostFn> {
  const { canister, host, context } = args;
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  const num = (x: number | bigint): number => {
    const n = typeof x === 'bigint' ? Number(BigInt.asUintN(64, x)) : x >>> 0;
    return n;
  };
  const heap = (): Uint8Array => canister.heapView();
  const checkRange = (name: string, ptr: number, len: number, mem: Uint8Array): void => {
    if (ptr + len > mem.length || ptr < 0 || len < 0) {
      throw new CanisterTrap('contract_violation', `${name}: src=${ptr} + length=${len} exceeds the slice size=${mem.length}`);
    }
  };
  const read = (name: string, ptr: number | bigint, len: number | bigint): Uint8Array => {
    const p = num(ptr);
    const l = num(len);
    const mem = heap();
    checkRange(name, p, l, mem);
    return mem.slice(p, p + l);
  };
  /** The `copy(dst, offset, size)` shape shared by every *_copy function. */
  const copyOut = (name: string, data: Uint8Array, dst: number | bigint, offset: number | bigint, size: number | bigint): void => {
    const d = num(dst);
    const o = num(offset);
    const s = num(size);
    if (o + s > data.length) {
      throw new CanisterTrap('contract_violation', `${name}: offset=${o} + size=${s} exceeds the data size=${data.length}`);
    }
    const mem = heap();
    checkRange(name, d, s, mem);
    mem.set(data.subarray(o, o + s), d);
  };
  const write128 = (name: string, dst: number | bigint, value: bigint): void => {
    const out = new Uint8Array(16);
    const view = new DataView(out.buffer);
    view.setBigUint64(0, BigInt.asUintN(64, value), true);
    view.setBigUint64(8, BigInt.asUintN(64, value >> 64n), true);
    const mem = heap();
    const d = num(dst);
    checkRange(name, d, 16, mem);
    mem.set(out, d);
  };
  const u128 = (high: number | bigint, low: number | bigint): bigint =>
    (BigInt.asUintN(64, BigInt(high)) << 64n) | BigInt.asUintN(64, BigInt(low));
  const balance = (ctx: ExecContext): bigint => canister.cycles + ctx.balanceDelta;
  /** What the canister may spend: its balance above the freezing threshold (IC spec, "Cycles"). */
  const liquid = (ctx: ExecContext): bigint => {
    const spendable = balance(ctx) - host.freezingThreshold(canister);
    return spendable > 0n ? spendable : 0n;
  };
  /**
   * Cycles still available in the call. Once the call is responded to, its cycles go back to the
   * caller with the response, so there are none left (spec, "ic0.msg_cycles_available": "When
   * the call is responded to (reply or reject), all available cycles are refunded to the caller,
   * and this will return 0").
   */
  const available = (ctx: ExecContext): bigint => {
    if (!ctx.callContext || ctx.response || ctx.callContext.responded) return 0n;
    return ctx.callContext.cyclesAvailable - ctx.cyclesAccepted;
  };

  /** Who sent the message being executed: its own caller, or the caller of its call context (in callbacks). */
  const callerOf = (ctx: ExecContext): Principal | null => ctx.caller ?? ctx.callContext?.caller ?? null;

  const acceptCycles = (ctx: ExecContext, max: bigint): bigint => {
    const amount = max < available(ctx) ? max : available(ctx);
    ctx.cyclesAccepted += amount;
    ctx.balanceDelta += amount;
    return amount;
  };
  /**
   * Cycles attached to a call come out of the balance above the freezing threshold; asking for more
   * traps with the out-of-cycles error, which names the top-up only when a controller sent the
   * message (rs/cycles_account_manager `withdraw_cycles_for_transfer`, called by the System API's
   * `ic0_call_cycles_add_helper`).
   */
  const addCycles = (ctx: ExecContext, amount: bigint): void => {
    if (!ctx.pendingCall) throw new CanisterTrap('contract_violation', 'ic0.call_cycles_add128 called when no call is under construction');
    if (amount > liquid(ctx)) {
      const caller = callerOf(ctx);
      const text = outOfCyclesText({
        c: canister,
        available: balance(ctx),
        requested: amount,
        threshold: host.freezingThreshold(canister),
        revealTopUp: caller !== null && canister.isController(caller),
      });
      throw new CanisterTrap('out_of_cycles', text);
    }
    ctx.balanceDelta -= amount;
    ctx.pendingCall.cycles += amount;
  };
  /** Abandoning a call under construction returns its cycles. */
  const dropPending = (ctx: ExecContext): void => {
    if (ctx.pendingCall) ctx.balanceDelta += ctx.pendingCall.cycles;
    ctx.pendingCall = null;
  };
  const respond = (ctx: ExecContext, name: string): void => {
    if (ctx.response || (ctx.callContext && ctx.callContext.responded)) {
      throw new CanisterTrap('contract_violation', `ic0.${name}: the call is already replied`);
    }
  };
  const envVars = () => canister.settings.environmentVariables;
  const envValue = (name: string): string => {
    const v = envVars().find((e) => e.name === name);
    if (!v) throw new CanisterTrap('contract_violation', `ic0.env_var_value: environment variable ${name} not found`);
    return v.value;
  };
  const callerBytes = (ctx: ExecContext): Uint8Array => {
    const caller = callerOf(ctx);
    if (!caller) throw new Error(`invariant: no caller in ${ctx.mode} mode`);
    return caller.toUint8Array();
  };
  /** A data certificate exists in non-replicated queries and composite queries, not in transforms. */
  const hasCertificate = (ctx: ExecContext): boolean => (ctx.mode === 'query' && !ctx.transform) || ctx.mode === 'composite_query';
  const certificate = (ctx: ExecContext): Uint8Array => {
    ctx.dataCertificate ??= host.dataCertificate(canister);
    return ctx.dataCertificate;
  };
  const pending = (ctx: ExecContext, name: string): PendingCall => {
    if (!ctx.pendingCall) throw new CanisterTrap('contract_violation', `ic0.${name} called when no call is under construction`);
    return ctx.pendingCall;
  };
  /**
   * Auxiliary caller information (spec, "ic0.msg_caller_info_data_size"): only a caller
   * authenticated by a canister signature that carried `sender_info` has any; the devnet accepts
   * no `sender_info`, so every caller's is empty.
   */
  const NO_CALLER_INFO = new Uint8Array(0);

  // Each function takes the running message's context; the wrapper below has already charged the
  // call and checked that the context allows it.
  const impl: Record<string, (ctx: ExecContext, ...args: (number | bigint)[]) => number | bigint | void> = {
    msg_arg_data_size: (ctx) => ctx.arg.length,
    msg_arg_data_copy: (ctx, dst, off, size) => copyOut('ic0.msg_arg_data_copy', ctx.arg, dst, off, size),
    msg_caller_size: (ctx) => callerBytes(ctx).length,
    msg_caller_copy: (ctx, dst, off, size) => copyOut('ic0.msg_caller_copy', callerBytes(ctx), dst, off, size),
    msg_caller_info_data_size: () => NO_CALLER_INFO.length,
    msg_caller_info_data_copy: (_ctx, dst, off, size) => copyOut('ic0.msg_caller_info_data_copy', NO_CALLER_INFO, dst, off, size),
    msg_caller_info_signer_size: () => NO_CALLER_INFO.length,
    msg_caller_info_signer_copy: (_ctx, dst, off, size) => copyOut('ic0.msg_caller_info_signer_copy', NO_CALLER_INFO, dst, off, size),
    // In a reply callback, and in the cleanup of one, the code is 0 (spec, "ic0.msg_reject_code").
    msg_reject_code: (ctx) => ctx.rejectCode,
    msg_reject_msg_size: (ctx) => enc.encode(ctx.rejectMessage).length,
    msg_reject_msg_copy: (ctx, dst, off, size) => copyOut('ic0.msg_reject_msg_copy', enc.encode(ctx.rejectMessage), dst, off, size),
    msg_deadline: (ctx) => ctx.callContext?.deadline ?? 0n,
    msg_reply_data_append: (ctx, src, size) => {
      respond(ctx, 'msg_reply_data_append');
      checkReplySize(ctx, num(size));
      ctx.replyBuffer.push(read('ic0.msg_reply_data_append', src, size));
    },
    msg_reply: (ctx) => {
      respond(ctx, 'msg_reply');
      ctx.response = { kind: 'reply', bytes: concatBytes(...ctx.replyBuffer) };
    },
    msg_reject: (ctx, src, size) => {
      respond(ctx, 'msg_reject');
      ctx.response = { kind: 'reject', message: dec.decode(read('ic0.msg_reject', src, size)) };
    },
    msg_cycles_available: (ctx) => BigInt.asUintN(64, available(ctx)),
    msg_cycles_available128: (ctx, dst) => write128('ic0.msg_cycles_available128', dst, available(ctx)),
    msg_cycles_refunded: (ctx) => BigInt.asUintN(64, ctx.refunded),
    msg_cycles_refunded128: (ctx, dst) => write128('ic0.msg_cycles_refunded128', dst, ctx.refunded),
    msg_cycles_accept: (ctx, max) => acceptCycles(ctx, BigInt.asUintN(64, BigInt(max))),
    msg_cycles_accept128: (ctx, high, low, dst) => write128('ic0.msg_cycles_accept128', dst, acceptCycles(ctx, u128(high, low))),
    cycles_burn128: (ctx, high, low, dst) => {
      // At most down to the freezing threshold (rs/cycles_account_manager `cycles_burn`).
      const want = u128(high, low);
      const burnable = liquid(ctx);
      const burned = want < burnable ? want : burnable;
      ctx.balanceDelta -= burned;
      write128('ic0.cycles_burn128', dst, burned);
    },
    canister_self_size: () => canister.id.toUint8Array().length,
    canister_self_copy: (_ctx, dst, off, size) => copyOut('ic0.canister_self_copy', canister.id.toUint8Array(), dst, off, size),
    canister_cycle_balance: (ctx) => BigInt.asUintN(64, balance(ctx)),
    canister_cycle_balance128: (ctx, dst) => write128('ic0.canister_cycle_balance128', dst, balance(ctx)),
    canister_liquid_cycle_balance128: (ctx, dst) => write128('ic0.canister_liquid_cycle_balance128', dst, liquid(ctx)),
    canister_status: () => (canister.status === 'running' ? 1 : canister.status === 'stopping' ? 2 : 3),
    canister_version: () => canister.version,
    subnet_self_size: () => host.subnetId(canister).toUint8Array().length,
    subnet_self_copy: (_ctx, dst, off, size) => copyOut('ic0.subnet_self_copy', host.subnetId(canister).toUint8Array(), dst, off, size),
    root_key_size: () => host.rootKey().length,
    root_key_copy: (_ctx, dst, off, size) => copyOut('ic0.root_key_copy', host.rootKey(), dst, off, size),
    msg_method_name_size: (ctx) => enc.encode(ctx.methodName).length,
    msg_method_name_copy: (ctx, dst, off, size) => copyOut('ic0.msg_method_name_copy', enc.encode(ctx.methodName), dst, off, size),
    accept_message: (ctx) => {
      if (ctx.messageAccepted) throw new CanisterTrap('contract_violation', 'ic0.accept_message: the message was already accepted');
      ctx.messageAccepted = true;
    },
    call_new: (ctx, calleeSrc, calleeSize, nameSrc, nameSize, replyFun, replyEnv, rejectFun, rejectEnv) => {
      dropPending(ctx);
      const calleeBytes = read('ic0.call_new', calleeSrc, calleeSize);
      if (calleeBytes.length > 29) throw new CanisterTrap('contract_violation', 'ic0.call_new: callee is not a valid principal');
      ctx.pendingCall = {
        callee: Principal.fromUint8Array(calleeBytes),
        method: dec.decode(read('ic0.call_new', nameSrc, nameSize)),
        arg: [],
        cycles: 0n,
        reply: { fun: BigInt(replyFun), env: BigInt(replyEnv) },
        reject: { fun: BigInt(rejectFun), env: BigInt(rejectEnv) },
        cleanup: null,
        timeoutSeconds: null,
      };
    },
    call_on_cleanup: (ctx, fun, env) => {
      const call = pending(ctx, 'call_on_cleanup');
      if (call.cleanup) throw new CanisterTrap('contract_violation', 'ic0.call_on_cleanup can be called at most once per call');
      call.cleanup = { fun: BigInt(fun), env: BigInt(env) };
    },
    call_data_append: (ctx, src, size) => {
      const call = pending(ctx, 'call_data_append');
      checkRequestSize(call, num(size));
      call.arg.push(read('ic0.call_data_append', src, size));
    },
    call_with_best_effort_response: (ctx, timeout) => {
      const call = pending(ctx, 'call_with_best_effort_response');
      if (call.timeoutSeconds !== null) {
        throw new CanisterTrap('contract_violation', 'ic0.call_with_best_effort_response can be called at most once per call');
      }
      // The IC caps best-effort timeouts at 300 seconds.
      call.timeoutSeconds = Math.min(num(timeout), 300);
    },
    call_cycles_add: (ctx, amount) => addCycles(ctx, BigInt.asUintN(64, BigInt(amount))),
    call_cycles_add128: (ctx, high, low) => addCycles(ctx, u128(high, low)),
    call_perform: (ctx) => {
      const call = pending(ctx, 'call_perform');
      ctx.pendingCall = null;
      // The caller pays for sending the request and reserves the largest response's transmission
      // and execution, above its freezing threshold (cycles-account.ts `requestCharge`).
      const bytes = BigInt(call.arg.reduce((n, b) => n + b.length, 0) + call.method.length);
      const { fee, threshold } = host.requestCharge(canister, bytes);
      if (balance(ctx) < fee + threshold) {
        ctx.balanceDelta += call.cycles;
        return 2; // SYS_TRANSIENT: the call was not enqueued; its cycles return to the balance.
      }
      ctx.balanceDelta -= fee;
      ctx.calls.push(call);
      return 0;
    },
    stable_size: () => {
      if (canister.stablePages > 65536n) throw new CanisterTrap('trap', '32 bit stable memory api used on a memory larger than 4GB');
      return Number(canister.stablePages);
    },
    stable_grow: (_ctx, pages) => {
      if (canister.stablePages + BigInt(num(pages)) > 65536n) return -1;
      return Number(canister.stableGrow(BigInt(num(pages))));
    },
    stable_write: (_ctx, off, src, size) => canister.stableWrite(num(off), read('ic0.stable_write', src, size)),
    stable_read: (_ctx, dst, off, size) => {
      const data = canister.stableRead(num(off), num(size));
      const mem = heap();
      checkRange('ic0.stable_read', num(dst), data.length, mem);
      mem.set(data, num(dst));
    },
    stable64_size: () => canister.stablePages,
    stable64_grow: (_ctx, pages) => {
      const r = canister.stableGrow(BigInt.asUintN(64, BigInt(pages)));
      return r < 0n ? BigInt.asUintN(64, -1n) : r;
    },
    stable64_write: (_ctx, off, src, size) => canister.stableWrite(num(off), read('ic0.stable64_write', src, size)),
    stable64_read: (_ctx, dst, off, size) => {
      const data = canister.stableRead(num(off), num(size));
      const mem = heap();
      checkRange('ic0.stable64_read', num(dst), data.length, mem);
      mem.set(data, num(dst));
    },
    certified_data_set: (ctx, src, size) => {
      const data = read('ic0.certified_data_set', src, size);
      if (data.length > 32)
        throw new CanisterTrap(
          'contract_violation',
          `ic0_certified_data_set failed because the passed data must be no larger than 32 bytes. Found ${data.length} bytes`,
        );
      ctx.certifiedData = data;
    },
    data_certificate_present: (ctx) => (hasCertificate(ctx) ? 1 : 0),
    data_certificate_size: (ctx) => certificate(ctx).length,
    data_certificate_copy: (ctx, dst, off, size) => copyOut('ic0.data_certificate_copy', certificate(ctx), dst, off, size),
    time: () => host.time(),
    global_timer_set: (ctx, t) => {
      const previous = ctx.globalTimer ?? canister.globalTimer;
      ctx.globalTimer = BigInt.asUintN(64, BigInt(t));
      return previous;
    },
    performance_counter: (ctx, type) => {
      const now = canister.instructionsSoFar(ctx);
      if (Number(type) === 0) return now;
      if (Number(type) === 1) return (ctx.callContext?.instructions ?? 0n) + now;
      throw new CanisterTrap('contract_violation', `ic0.performance_counter: unknown counter type ${type}`);
    },
    is_controller: (_ctx, src, size) => {
      const bytes = read('ic0.is_controller', src, size);
      if (bytes.length > 29) throw new CanisterTrap('contract_violation', 'ic0.is_controller: the argument is not a valid principal');
      return canister.isController(Principal.fromUint8Array(bytes)) ? 1 : 0;
    },
    in_replicated_execution: (ctx) => {
      const nonReplicated: readonly Context[] = ['NRQ', 'TQ', 'CQ', 'CRy', 'CRt', 'CC', 'F'];
      return nonReplicated.includes(contextOf(ctx)) ? 0 : 1;
    },
    cost_call: (_ctx, methodNameSize, payloadSize, dst) => {
      // xnet_call_total_fee: the request, and the reservations for the largest response.
      write128('ic0.cost_call', dst, host.requestCharge(canister, BigInt(num(methodNameSize)) + BigInt(num(payloadSize))).fee);
    },
    cost_create_canister: (_ctx, dst) => write128('ic0.cost_create_canister', dst, fees.canisterCreation),
    cost_http_request: (_ctx, requestSize, maxResponseBytes, dst) => {
      write128(
        'ic0.cost_http_request',
        dst,
        host.httpRequestFee({ requestBytes: BigInt(requestSize), maxResponseBytes: BigInt(maxResponseBytes) }),
      );
    },
    cost_sign_with_ecdsa: (_ctx, src, size, curve, dst) => {
      if (Number(curve) !== 0) return 1;
      const fee = host.signatureFee({ kind: 'ecdsa', keyName: dec.decode(read('ic0.cost_sign_with_ecdsa', src, size)) });
      if (fee === null) return 2;
      write128('ic0.cost_sign_with_ecdsa', dst, fee);
      return 0;
    },
    cost_sign_with_schnorr: (_ctx, src, size, algorithm, dst) => {
      if (Number(algorithm) !== 0 && Number(algorithm) !== 1) return 1;
      const fee = host.signatureFee({ kind: 'schnorr', keyName: dec.decode(read('ic0.cost_sign_with_schnorr', src, size)) });
      if (fee === null) return 2;
      write128('ic0.cost_sign_with_schnorr', dst, fee);
      return 0;
    },
    // The devnet offers no vetKD keys: curve 0 (bls12_381_g2) is valid, every key name is not.
    cost_vetkd_derive_key: (_ctx, src, size, curve) => {
      if (Number(curve) !== 0) return 1;
      read('ic0.cost_vetkd_derive_key', src, size);
      return 2;
    },
    env_var_count: () => envVars().length,
    env_var_name_size: (_ctx, index) => {
      const v = envVars()[num(index)];
      if (!v) throw new CanisterTrap('contract_violation', `ic0.env_var_name_size: index ${index} out of bounds`);
      return enc.encode(v.name).length;
    },
    env_var_name_copy: (_ctx, index, dst, off, size) => {
      const v = envVars()[num(index)];
      if (!v) throw new CanisterTrap('contract_violation', `ic0.env_var_name_copy: index ${index} out of bounds`);
      copyOut('ic0.env_var_name_copy', enc.encode(v.name), dst, off, size);
    },
    env_var_name_exists: (_ctx, src, size) => {
      const name = dec.decode(read('ic0.env_var_name_exists', src, size));
      return envVars().some((e) => e.name === name) ? 1 : 0;
    },
    env_var_value_size: (_ctx, src, size) => enc.encode(envValue(dec.decode(read('ic0.env_var_value_size', src, size)))).length,
    env_var_value_copy: (_ctx, src, size, dst, off, len) => {
      copyOut('ic0.env_var_value_copy', enc.encode(envValue(dec.decode(read('ic0.env_var_value_copy', src, size)))), dst, off, len);
    },
    mint_cycles128: () => {
      throw new CanisterTrap('contract_violation', 'ic0.mint_cycles128 can only be executed on the Cycles Minting Canister');
    },
    debug_print: (_ctx, src, size) => {
      const mem = heap();
      const p = num(src);
      // debug_print never traps on a bad range on the IC; it prints what it can.
      const end = Math.min(mem.length, p + num(size));
      host.debugPrint(canister, dec.decode(mem.slice(Math.min(p, end), end)));
    },
    trap: (_ctx, src, size) => {
      const mem = heap();
      const p = num(src);
      const end = Math.min(mem.length, p + num(size));
      throw new CanisterTrap('called_trap', dec.decode(mem.slice(Math.min(p, end), end)));
    },
  };

  // Every function: charge the call (dfinity/ic linker.rs charges before it runs the call), trap
  // at the instruction limit if that used the message's budget up, then check the context.
  const api: Record<string, HostFn> = {};
  for (const [name, fn] of Object.entries(impl)) {
    if (args.memory64 && IC0_TABLE[name]?.i32Only) continue;
    const contexts = IC0_CONTEXTS.get(name);
    if (!contexts) throw new Error(`invariant: ic0.${name} is not in the System API table`);
    api[name] = (...a) => {
      const ctx = context();
      canister.chargeInstructions(systemApiCost(name, a.map(unsigned)));
      if (canister.instructionsSoFar(ctx) > ctx.instructionLimit) {
        throw new CanisterTrap('instruction_limit', ctx.instructionLimit.toString());
      }
      if (!contexts.has(contextOf(ctx))) {
        throw new CanisterTrap('contract_violation', `"ic0_${name}" cannot be executed in ${MODE_NAME[ctx.mode]} mode`);
      }
      return fn(ctx, ...a);
    };
  }
  return api;
}
