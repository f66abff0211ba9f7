/**
 * The `ic0` System API (IC interface spec, "Canister interface (System API)") as host functions.
 * Each function checks it may run in the current execution mode (the spec's availability table)
 * and that its memory ranges are inside the heap; violations trap, as on the IC.
 * Effects are written to the ExecContext and committed by the instance only if the message succeeds.
 */
import { Principal } from '@icp-sdk/core/principal';
import { concatBytes } from '@noble/hashes/utils.js';
import { CanisterTrap } from './errors.ts';
import type { Canister, CallContext, CanisterHost } from './canister.ts';
import { fees } from './limits.ts';

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
  | 'timer'
  | 'heartbeat'
  | 'inspect';

/** The replica's names of the modes, used in contract-violation messages. */
const MODE_NAME: Record<ExecMode, string> = {
  start: 'start',
  init: 'init',
  post_upgrade: 'init',
  pre_upgrade: 'pre upgrade',
  update: 'update',
  replicated_query: 'replicated query',
  query: 'non-replicated query',
  composite_query: 'composite query',
  reply: 'reply callback',
  reject: 'reject callback',
  composite_reply: 'composite reply callback',
  composite_reject: 'composite reject callback',
  cleanup: 'cleanup',
  timer: 'system task',
  heartbeat: 'system task',
  inspect: 'inspect message',
};

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

type Mode = ExecMode;
const ALL: readonly Mode[] = Object.keys(MODE_NAME) as Mode[];
const CALLBACKS: readonly Mode[] = ['reply', 'reject', 'composite_reply', 'composite_reject'];
const RESPONDING: readonly Mode[] = ['update', 'replicated_query', 'query', 'composite_query', ...CALLBACKS];
const CALLING: readonly Mode[] = ['update', 'composite_query', 'timer', 'heartbeat', ...CALLBACKS];
const REPLICATED_STATEFUL: readonly Mode[] = ['init', 'post_upgrade', 'pre_upgrade', 'update', 'reply', 'reject', 'timer', 'heartbeat'];
/** Modes with an argument: the message's, or in reply callbacks the reply (IC spec: "Ry", "CRy"). */
const ARG_MODES: readonly Mode[] = [
  'init',
  'post_upgrade',
  'update',
  'replicated_query',
  'query',
  'composite_query',
  'inspect',
  'reply',
  'composite_reply',
];
const CYCLES_IN: readonly Mode[] = ['update', 'replicated_query', 'reply', 'reject'];

type HostFn = (...args: (number | bigint)[]) => number | bigint | void;

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

/** Cost in instructions of a system API call, modelled on the replica's: a base plus copied bytes. */
const SYSCALL_BASE = 500n;

export function createSystemApi(args: { canister: Canister; host: CanisterHost; context: () => ExecContext }): Record<string, HostFn> {
  const { canister, host, context } = args;
  const enc = new TextEncoder();
  const dec = new TextDecoder();

  const num = (x: number | bigint): number => {
    const n = typeof x === 'bigint' ? Number(BigInt.asUintN(64, x)) : x >>> 0;
    return n;
  };
  const allow = (name: string, modes: readonly Mode[]): ExecContext => {
    const ctx = context();
    if (!modes.includes(ctx.mode)) {
      throw new CanisterTrap('contract_violation', `"ic0_${name}" cannot be executed in ${MODE_NAME[ctx.mode]} mode`);
    }
    canister.chargeInstructions(SYSCALL_BASE);
    return ctx;
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
    canister.chargeInstructions(BigInt(l));
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
    canister.chargeInstructions(BigInt(s));
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
  const available = (ctx: ExecContext): bigint => (ctx.callContext ? ctx.callContext.cyclesAvailable - ctx.cyclesAccepted : 0n);

  const acceptCycles = (ctx: ExecContext, max: bigint): bigint => {
    const amount = max < available(ctx) ? max : available(ctx);
    ctx.cyclesAccepted += amount;
    ctx.balanceDelta += amount;
    return amount;
  };
  const addCycles = (ctx: ExecContext, amount: bigint): void => {
    if (!ctx.pendingCall) throw new CanisterTrap('contract_violation', 'ic0.call_cycles_add128 called when no call is under construction');
    if (amount > balance(ctx)) {
      throw new CanisterTrap(
        'trap',
        `Canister ${canister.idText} attempted to send ${amount} cycles when only ${balance(ctx)} were available in its balance`,
      );
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

  const api: Record<string, HostFn> = {
    msg_arg_data_size: () => allow('msg_arg_data_size', ARG_MODES).arg.length,
    msg_arg_data_copy: (dst, off, size) => {
      const ctx = allow('msg_arg_data_copy', ARG_MODES);
      copyOut('ic0.msg_arg_data_copy', ctx.arg, dst, off, size);
    },
    msg_caller_size: () => callerBytes(allow('msg_caller_size', ALL)).length,
    msg_caller_copy: (dst, off, size) => copyOut('ic0.msg_caller_copy', callerBytes(allow('msg_caller_copy', ALL)), dst, off, size),
    msg_reject_code: () => allow('msg_reject_code', CALLBACKS).rejectCode,
    msg_reject_msg_size: () => {
      const ctx = allow('msg_reject_msg_size', ['reject', 'composite_reject']);
      return enc.encode(ctx.rejectMessage).length;
    },
    msg_reject_msg_copy: (dst, off, size) => {
      const ctx = allow('msg_reject_msg_copy', ['reject', 'composite_reject']);
      copyOut('ic0.msg_reject_msg_copy', enc.encode(ctx.rejectMessage), dst, off, size);
    },
    msg_deadline: () => allow('msg_deadline', RESPONDING).callContext?.deadline ?? 0n,
    msg_reply_data_append: (src, size) => {
      const ctx = allow('msg_reply_data_append', RESPONDING);
      respond(ctx, 'msg_reply_data_append');
      checkReplySize(ctx, num(size));
      ctx.replyBuffer.push(read('ic0.msg_reply_data_append', src, size));
    },
    msg_reply: () => {
      const ctx = allow('msg_reply', RESPONDING);
      respond(ctx, 'msg_reply');
      ctx.response = { kind: 'reply', bytes: concatBytes(...ctx.replyBuffer) };
    },
    msg_reject: (src, size) => {
      const ctx = allow('msg_reject', RESPONDING);
      respond(ctx, 'msg_reject');
      ctx.response = { kind: 'reject', message: dec.decode(read('ic0.msg_reject', src, size)) };
    },
    msg_cycles_available: () => BigInt.asUintN(64, available(allow('msg_cycles_available', CYCLES_IN))),
    msg_cycles_available128: (dst) => write128('ic0.msg_cycles_available128', dst, available(allow('msg_cycles_available128', CYCLES_IN))),
    msg_cycles_refunded: () => BigInt.asUintN(64, allow('msg_cycles_refunded', ['reply', 'reject']).refunded),
    msg_cycles_refunded128: (dst) =>
      write128('ic0.msg_cycles_refunded128', dst, allow('msg_cycles_refunded128', ['reply', 'reject']).refunded),
    msg_cycles_accept: (max) => acceptCycles(allow('msg_cycles_accept', CYCLES_IN), BigInt.asUintN(64, BigInt(max))),
    msg_cycles_accept128: (high, low, dst) => {
      const ctx = allow('msg_cycles_accept128', CYCLES_IN);
      write128('ic0.msg_cycles_accept128', dst, acceptCycles(ctx, u128(high, low)));
    },
    cycles_burn128: (high, low, dst) => {
      const ctx = allow('cycles_burn128', [...REPLICATED_STATEFUL, 'cleanup']);
      // At most down to the freezing threshold (rs/cycles_account_manager `cycles_burn`).
      const want = u128(high, low);
      const burnable = liquid(ctx);
      const burned = want < burnable ? want : burnable;
      ctx.balanceDelta -= burned;
      write128('ic0.cycles_burn128', dst, burned);
    },
    canister_self_size: () => (allow('canister_self_size', ALL), canister.id.toUint8Array().length),
    canister_self_copy: (dst, off, size) => {
      allow('canister_self_copy', ALL);
      copyOut('ic0.canister_self_copy', canister.id.toUint8Array(), dst, off, size);
    },
    canister_cycle_balance: () => BigInt.asUintN(64, balance(allow('canister_cycle_balance', ALL))),
    canister_cycle_balance128: (dst) => write128('ic0.canister_cycle_balance128', dst, balance(allow('canister_cycle_balance128', ALL))),
    canister_liquid_cycle_balance128: (dst) =>
      write128('ic0.canister_liquid_cycle_balance128', dst, liquid(allow('canister_liquid_cycle_balance128', ALL))),
    canister_status: () => {
      allow('canister_status', ALL);
      return canister.status === 'running' ? 1 : canister.status === 'stopping' ? 2 : 3;
    },
    canister_version: () => (allow('canister_version', ALL), canister.version),
    subnet_self_size: () => (allow('subnet_self_size', ALL), host.subnetId(canister).toUint8Array().length),
    subnet_self_copy: (dst, off, size) => {
      allow('subnet_self_copy', ALL);
      copyOut('ic0.subnet_self_copy', host.subnetId(canister).toUint8Array(), dst, off, size);
    },
    root_key_size: () => (allow('root_key_size', ALL), host.rootKey().length),
    root_key_copy: (dst, off, size) => {
      allow('root_key_copy', ALL);
      copyOut('ic0.root_key_copy', host.rootKey(), dst, off, size);
    },
    msg_method_name_size: () => enc.encode(allow('msg_method_name_size', ALL).methodName).length,
    msg_method_name_copy: (dst, off, size) => {
      const ctx = allow('msg_method_name_copy', ALL);
      copyOut('ic0.msg_method_name_copy', enc.encode(ctx.methodName), dst, off, size);
    },
    accept_message: () => {
      const ctx = allow('accept_message', ['inspect']);
      if (ctx.messageAccepted) throw new CanisterTrap('contract_violation', 'ic0.accept_message: the message was already accepted');
      ctx.messageAccepted = true;
    },
    call_new: (calleeSrc, calleeSize, nameSrc, nameSize, replyFun, replyEnv, rejectFun, rejectEnv) => {
      const ctx = allow('call_new', CALLING);
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
    call_on_cleanup: (fun, env) => {
      const ctx = allow('call_on_cleanup', CALLING);
      if (!ctx.pendingCall) throw new CanisterTrap('contract_violation', 'ic0.call_on_cleanup called when no call is under construction');
      if (ctx.pendingCall.cleanup) throw new CanisterTrap('contract_violation', 'ic0.call_on_cleanup can be called at most once per call');
      ctx.pendingCall.cleanup = { fun: BigInt(fun), env: BigInt(env) };
    },
    call_data_append: (src, size) => {
      const ctx = allow('call_data_append', CALLING);
      if (!ctx.pendingCall) throw new CanisterTrap('contract_violation', 'ic0.call_data_append called when no call is under construction');
      checkRequestSize(ctx.pendingCall, num(size));
      ctx.pendingCall.arg.push(read('ic0.call_data_append', src, size));
    },
    call_with_best_effort_response: (timeout) => {
      const ctx = allow('call_with_best_effort_response', CALLING);
      if (!ctx.pendingCall) {
        throw new CanisterTrap('contract_violation', 'ic0.call_with_best_effort_response called when no call is under construction');
      }
      if (ctx.pendingCall.timeoutSeconds !== null) {
        throw new CanisterTrap('contract_violation', 'ic0.call_with_best_effort_response can be called at most once per call');
      }
      // The IC caps best-effort timeouts at 300 seconds.
      ctx.pendingCall.timeoutSeconds = Math.min(num(timeout), 300);
    },
    call_cycles_add: (amount) => addCycles(allow('call_cycles_add', CALLING), BigInt.asUintN(64, BigInt(amount))),
    call_cycles_add128: (high, low) => addCycles(allow('call_cycles_add128', CALLING), u128(high, low)),
    call_perform: () => {
      const ctx = allow('call_perform', CALLING);
      const call = ctx.pendingCall;
      if (!call) throw new CanisterTrap('contract_violation', 'ic0.call_perform called when no call is under construction');
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
      allow('stable_size', ALL);
      if (canister.stablePages > 65536n) throw new CanisterTrap('trap', '32 bit stable memory api used on a memory larger than 4GB');
      return Number(canister.stablePages);
    },
    stable_grow: (pages) => {
      allow('stable_grow', ALL);
      if (canister.stablePages + BigInt(num(pages)) > 65536n) return -1;
      return Number(canister.stableGrow(BigInt(num(pages))));
    },
    stable_write: (off, src, size) => {
      allow('stable_write', ALL);
      canister.stableWrite(num(off), read('ic0.stable_write', src, size));
    },
    stable_read: (dst, off, size) => {
      allow('stable_read', ALL);
      const data = canister.stableRead(num(off), num(size));
      const mem = heap();
      checkRange('ic0.stable_read', num(dst), data.length, mem);
      canister.chargeInstructions(BigInt(data.length));
      mem.set(data, num(dst));
    },
    stable64_size: () => (allow('stable64_size', ALL), canister.stablePages),
    stable64_grow: (pages) => {
      allow('stable64_grow', ALL);
      const r = canister.stableGrow(BigInt.asUintN(64, BigInt(pages)));
      return r < 0n ? BigInt.asUintN(64, -1n) : r;
    },
    stable64_write: (off, src, size) => {
      allow('stable64_write', ALL);
      canister.stableWrite(num(off), read('ic0.stable64_write', src, size));
    },
    stable64_read: (dst, off, size) => {
      allow('stable64_read', ALL);
      const data = canister.stableRead(num(off), num(size));
      const mem = heap();
      checkRange('ic0.stable64_read', num(dst), data.length, mem);
      canister.chargeInstructions(BigInt(data.length));
      mem.set(data, num(dst));
    },
    certified_data_set: (src, size) => {
      const ctx = allow('certified_data_set', REPLICATED_STATEFUL);
      const data = read('ic0.certified_data_set', src, size);
      if (data.length > 32)
        throw new CanisterTrap(
          'contract_violation',
          `ic0_certified_data_set failed because the passed data must be no larger than 32 bytes. Found ${data.length} bytes`,
        );
      ctx.certifiedData = data;
    },
    data_certificate_present: () => {
      const ctx = allow('data_certificate_present', ALL);
      return ctx.mode === 'query' ? 1 : 0;
    },
    data_certificate_size: () => certificate(allow('data_certificate_size', ['query', 'composite_query'])).length,
    data_certificate_copy: (dst, off, size) => {
      const ctx = allow('data_certificate_copy', ['query', 'composite_query']);
      copyOut('ic0.data_certificate_copy', certificate(ctx), dst, off, size);
    },
    time: () => (allow('time', ALL), host.time()),
    global_timer_set: (t) => {
      const ctx = allow('global_timer_set', [...REPLICATED_STATEFUL, 'cleanup']);
      const previous = ctx.globalTimer ?? canister.globalTimer;
      ctx.globalTimer = BigInt.asUintN(64, BigInt(t));
      return previous;
    },
    performance_counter: (type) => {
      const ctx = allow('performance_counter', ALL);
      const now = canister.instructionsSoFar(ctx);
      if (Number(type) === 0) return now;
      if (Number(type) === 1) return (ctx.callContext?.instructions ?? 0n) + now;
      throw new CanisterTrap('contract_violation', `ic0.performance_counter: unknown counter type ${type}`);
    },
    is_controller: (src, size) => {
      allow('is_controller', ALL);
      const bytes = read('ic0.is_controller', src, size);
      if (bytes.length > 29) throw new CanisterTrap('contract_violation', 'ic0.is_controller: the argument is not a valid principal');
      return canister.isController(Principal.fromUint8Array(bytes)) ? 1 : 0;
    },
    in_replicated_execution: () => {
      const ctx = allow('in_replicated_execution', ALL);
      return ctx.mode === 'query' ||
        ctx.mode === 'composite_query' ||
        ctx.mode === 'composite_reply' ||
        ctx.mode === 'composite_reject' ||
        ctx.mode === 'inspect'
        ? 0
        : 1;
    },
    cost_call: (methodNameSize, payloadSize, dst) => {
      allow('cost_call', ALL);
      // xnet_call_total_fee: the request, and the reservations for the largest response.
      write128('ic0.cost_call', dst, host.requestCharge(canister, BigInt(num(methodNameSize)) + BigInt(num(payloadSize))).fee);
    },
    cost_create_canister: (dst) => {
      allow('cost_create_canister', ALL);
      write128('ic0.cost_create_canister', dst, fees.canisterCreation);
    },
    cost_http_request: (requestSize, maxResponseBytes, dst) => {
      allow('cost_http_request', ALL);
      write128(
        'ic0.cost_http_request',
        dst,
        host.httpRequestFee({ requestBytes: BigInt(requestSize), maxResponseBytes: BigInt(maxResponseBytes) }),
      );
    },
    cost_sign_with_ecdsa: (src, size, curve, dst) => {
      allow('cost_sign_with_ecdsa', ALL);
      if (Number(curve) !== 0) return 1;
      const fee = host.signatureFee({ kind: 'ecdsa', keyName: dec.decode(read('ic0.cost_sign_with_ecdsa', src, size)) });
      if (fee === null) return 2;
      write128('ic0.cost_sign_with_ecdsa', dst, fee);
      return 0;
    },
    cost_sign_with_schnorr: (src, size, algorithm, dst) => {
      allow('cost_sign_with_schnorr', ALL);
      if (Number(algorithm) !== 0 && Number(algorithm) !== 1) return 1;
      const fee = host.signatureFee({ kind: 'schnorr', keyName: dec.decode(read('ic0.cost_sign_with_schnorr', src, size)) });
      if (fee === null) return 2;
      write128('ic0.cost_sign_with_schnorr', dst, fee);
      return 0;
    },
    env_var_count: () => (allow('env_var_count', ALL), envVars().length),
    env_var_name_size: (index) => {
      allow('env_var_name_size', ALL);
      const v = envVars()[num(index)];
      if (!v) throw new CanisterTrap('contract_violation', `ic0.env_var_name_size: index ${index} out of bounds`);
      return enc.encode(v.name).length;
    },
    env_var_name_copy: (index, dst, off, size) => {
      allow('env_var_name_copy', ALL);
      const v = envVars()[num(index)];
      if (!v) throw new CanisterTrap('contract_violation', `ic0.env_var_name_copy: index ${index} out of bounds`);
      copyOut('ic0.env_var_name_copy', enc.encode(v.name), dst, off, size);
    },
    env_var_name_exists: (src, size) => {
      allow('env_var_name_exists', ALL);
      const name = dec.decode(read('ic0.env_var_name_exists', src, size));
      return envVars().some((e) => e.name === name) ? 1 : 0;
    },
    env_var_value_size: (src, size) => {
      allow('env_var_value_size', ALL);
      return enc.encode(envValue(dec.decode(read('ic0.env_var_value_size', src, size)))).length;
    },
    env_var_value_copy: (src, size, dst, off, len) => {
      allow('env_var_value_copy', ALL);
      copyOut('ic0.env_var_value_copy', enc.encode(envValue(dec.decode(read('ic0.env_var_value_copy', src, size)))), dst, off, len);
    },
    mint_cycles128: () => {
      allow('mint_cycles128', ALL);
      throw new CanisterTrap('contract_violation', 'ic0.mint_cycles128 can only be executed on the Cycles Minting Canister');
    },
    debug_print: (src, size) => {
      allow('debug_print', ALL);
      const mem = heap();
      const p = num(src);
      // debug_print never traps on a bad range on the IC; it prints what it can.
      const end = Math.min(mem.length, p + num(size));
      host.debugPrint(canister, dec.decode(mem.slice(Math.min(p, end), end)));
    },
    trap: (src, size) => {
      allow('trap', ALL);
      const mem = heap();
      const p = num(src);
      const end = Math.min(mem.length, p + num(size));
      throw new CanisterTrap('called_trap', dec.decode(mem.slice(Math.min(p, end), end)));
    },
  };

  function callerBytes(ctx: ExecContext): Uint8Array {
    const caller = ctx.caller ?? ctx.callContext?.caller;
    if (!caller) throw new CanisterTrap('contract_violation', `"ic0_msg_caller_size" cannot be executed in ${MODE_NAME[ctx.mode]} mode`);
    return caller.toUint8Array();
  }
  function certificate(ctx: ExecContext): Uint8Array {
    if (ctx.mode !== 'query') {
      throw new CanisterTrap('contract_violation', `"ic0_data_certificate_size" cannot be executed in ${MODE_NAME[ctx.mode]} mode`);
    }
    ctx.dataCertificate ??= host.dataCertificate(canister);
    return ctx.dataCertificate;
  }

  return api;
}
