/**
 * One IC instance: subnets, canisters, time, and the message scheduler. Execution proceeds in
 * rounds: each round delivers the messages queued before it (ingress, requests between canisters,
 * responses), then runs due global timers and heartbeats. Like the IC, a canister-to-canister call
 * takes a round to be delivered and another for its response.
 */
import type { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { Canister, type CallContext, type CanisterHost, type CanisterSettings, type Origin } from './canister.ts';
import { CanisterTrap, IcError, messages, RejectCode, trapToIcError } from './errors.ts';
import { canisterIdFromIndex, canisterIndex, MANAGEMENT_CANISTER_ID, rangeStart, RANGE_SIZE, subnetId, type SubnetKind } from './ids.ts';
import { executionCost, fees, limits } from './limits.ts';
import { newContext, type ExecContext, type ExecMode, type PendingCall } from './system-api.ts';
import { handleManagement, type ManagementServices } from './management.ts';
import type { Certifier } from './certification.ts';

export interface SubnetSpec {
  kind: SubnetKind;
  /** Instruction limits: 'Benchmarking' raises them, as PocketIC does. */
  benchmarking: boolean;
}

export interface Subnet {
  id: Principal;
  kind: SubnetKind;
  ordinal: number;
  start: bigint;
  end: bigint;
  next: bigint;
  size: number;
  benchmarking: boolean;
}

export type CallResult = { kind: 'reply'; bytes: Uint8Array } | { kind: 'reject'; code: RejectCode; message: string; errorCode: string };

interface RequestMessage {
  kind: 'request';
  from: Principal;
  to: Principal;
  method: string;
  arg: Uint8Array;
  cycles: bigint;
  origin: Origin;
  deadline: bigint;
  /** The subnet an ingress message was addressed to (management calls with a subnet target). */
  effectiveSubnet: Subnet | null;
}
interface ResponseMessage {
  kind: 'response';
  to: Principal;
  callbackId: number;
  result: CallResult;
  refund: bigint;
}
type Message = RequestMessage | ResponseMessage;

export interface IngressEntry {
  status: 'received' | 'completed';
  result: CallResult | null;
  sender: Principal;
}

/** A system canister hosted by the devnet itself (Bitcoin canister, …). */
export interface SystemCanister {
  handle(args: {
    method: string;
    arg: Uint8Array;
    caller: Principal;
    cyclesAttached: bigint;
    isQuery: boolean;
  }):
    { kind: 'reply'; reply: Uint8Array; cyclesCharged: bigint } | { kind: 'reject'; code: number; message: string; cyclesCharged: bigint };
}

/** A reply computed now but delivered later (signatures take rounds on the IC). */
interface Deferred {
  dueRound: number;
  origin: Origin;
  result: CallResult;
  refund: bigint;
}

const DEFAULT_SETTINGS = (controllers: Principal[]): CanisterSettings => ({
  controllers,
  computeAllocation: 0n,
  memoryAllocation: 0n,
  freezingThreshold: 2_592_000n,
  reservedCyclesLimit: 5_000_000_000_000n,
  wasmMemoryLimit: 3n * 1024n * 1024n * 1024n,
  wasmMemoryThreshold: 0n,
  logVisibility: { controllers: null },
  environmentVariables: [],
});

export class Instance implements CanisterHost {
  readonly id: number;
  readonly subnets: Subnet[] = [];
  readonly canisters = new Map<string, Canister>();
  readonly ingress = new Map<string, IngressEntry>();
  readonly systemCanisters = new Map<string, SystemCanister>();
  readonly services: ManagementServices;
  /** Nanoseconds since the epoch. */
  timeNs: bigint;
  round = 0;
  private queue: Message[] = [];
  private deferred: Deferred[] = [];
  private nextIngress = 0;
  private readonly certifier: Certifier;
  private readonly log: (line: string) => void;
  /** Tickets of management calls waiting on something (stop_canister). */
  private tickets = new Map<number, { origin: Origin }>();
  private nextTicket = 1;

  constructor(args: {
    id: number;
    subnets: SubnetSpec[];
    certifier: Certifier;
    services: ManagementServices;
    log: (line: string) => void;
    timeNs?: bigint;
  }) {
    this.id = args.id;
    this.certifier = args.certifier;
    this.services = args.services;
    this.log = args.log;
    this.timeNs = args.timeNs ?? BigInt(Date.now()) * 1_000_000n;
    const ordinals = new Map<SubnetKind, number>();
    for (const spec of args.subnets) {
      const ordinal = ordinals.get(spec.kind) ?? 0;
      ordinals.set(spec.kind, ordinal + 1);
      const start = rangeStart(spec.kind, ordinal);
      const seed = concatBytes(new TextEncoder().encode(`devnet-subnet/${args.id}/${spec.kind}/${ordinal}`), this.certifier.rootKeyDer);
      this.subnets.push({
        id: subnetId(seed),
        kind: spec.kind,
        ordinal,
        start,
        end: start + RANGE_SIZE - 1n,
        next: start,
        size: spec.kind === 'NNS' ? 40 : spec.kind === 'Fiduciary' ? 34 : 13,
        benchmarking: spec.benchmarking,
      });
    }
  }

  // ---- CanisterHost ----
  time(): bigint {
    return this.timeNs;
  }
  subnetId(c: Canister): Principal {
    return this.subnets[c.subnetIndex].id;
  }
  rootKey(): Uint8Array {
    return this.certifier.rootKeyDer;
  }
  dataCertificate(c: Canister): Uint8Array {
    return this.certifier.dataCertificate({ canisterId: c.id, certifiedData: c.certifiedData, timeNs: this.timeNs });
  }
  debugPrint(c: Canister, text: string): void {
    this.log(`[Canister ${c.idText}] ${text}`);
  }
  signatureFee(args: { kind: 'ecdsa' | 'schnorr'; keyName: string }): bigint | null {
    return this.services.signatureFee(args);
  }
  httpRequestFee(args: { requestBytes: bigint; maxResponseBytes: bigint }): bigint {
    return this.services.httpRequestFee({ ...args, subnetSize: 13 });
  }

  // ---- topology ----
  defaultSubnet(): Subnet {
    return this.subnets.find((s) => s.kind === 'Application') ?? this.subnets.find((s) => s.kind === 'System') ?? this.subnets[0];
  }
  subnetOfId(id: Principal): Subnet | null {
    const idx = canisterIndex(id);
    if (idx === null) return null;
    return this.subnets.find((s) => idx >= s.start && idx <= s.end) ?? null;
  }
  subnetById(id: Principal): Subnet | null {
    const t = id.toText();
    return this.subnets.find((s) => s.id.toText() === t) ?? null;
  }
  instructionLimit(c: Canister, kind: 'update' | 'query' | 'install'): bigint {
    const base = kind === 'update' ? limits.updateInstructions : kind === 'query' ? limits.queryInstructions : limits.installInstructions;
    return this.subnets[c.subnetIndex].benchmarking ? base * 10n : base;
  }

  createCanister(args: { subnet: Subnet; controllers: Principal[]; cycles: bigint; specifiedId?: Principal | null }): Canister {
    let id: Principal;
    if (args.specifiedId) {
      id = args.specifiedId;
      if (this.canisters.has(id.toText())) {
        throw new IcError({ errorCode: 'CanisterIdAlreadyExists', message: `Canister ${id.toText()} is already installed.` });
      }
    } else {
      const subnet = args.subnet;
      while (this.canisters.has(canisterIdFromIndex(subnet.next).toText())) subnet.next++;
      if (subnet.next > subnet.end) {
        throw new IcError({ errorCode: 'SubnetNotFound', rejectCode: RejectCode.SysTransient, message: 'Subnet has no canister ids left' });
      }
      id = canisterIdFromIndex(subnet.next++);
    }
    const subnetIndex = this.subnets.indexOf(this.subnetOfId(id) ?? args.subnet);
    const c = new Canister({ id, subnetIndex, settings: DEFAULT_SETTINGS(args.controllers), cycles: args.cycles, host: this });
    this.canisters.set(id.toText(), c);
    return c;
  }

  getCanister(id: Principal): Canister | null {
    return this.canisters.get(id.toText()) ?? null;
  }

  // ---- ingress ----

  /** Validate and enqueue an ingress message; returns its id. Errors are the submit's Err. */
  submitIngress(args: {
    sender: Principal;
    canisterId: Principal;
    method: string;
    arg: Uint8Array;
    effectiveSubnet: Subnet | null;
  }): string {
    const { sender, canisterId, method, arg } = args;
    if (arg.length > limits.maxPayloadBytes) {
      throw new IcError({ errorCode: 'CanisterRejectedMessage', message: `Ingress message of ${arg.length} bytes exceeds the limit` });
    }
    if (canisterId.toText() === 'aaaaa-aa') {
      if (!this.services.ingressAllowed(method)) {
        throw new IcError({
          errorCode: 'CanisterRejectedMessage',
          message: `ic00 method ${method} can not be called via ingress messages`,
        });
      }
    } else if (!this.systemCanisters.has(canisterId.toText())) {
      const c = this.getCanister(canisterId);
      if (!c) throw new IcError({ errorCode: 'CanisterNotFound', message: messages.canisterNotFound(canisterId.toText()) });
      this.inspectMessage({ c, sender, method, arg });
    }
    const id = bytesToHex(
      sha256(
        concatBytes(
          new TextEncoder().encode(`ingress/${this.id}/${this.nextIngress++}/${method}`),
          sender.toUint8Array(),
          canisterId.toUint8Array(),
          arg,
        ),
      ),
    );
    this.ingress.set(id, { status: 'received', result: null, sender });
    this.queue.push({
      kind: 'request',
      from: sender,
      to: canisterId,
      method,
      arg,
      cycles: 0n,
      origin: { kind: 'ingress', messageId: id },
      deadline: 0n,
      effectiveSubnet: args.effectiveSubnet,
    });
    return id;
  }

  /** canister_inspect_message, when exported, decides whether an ingress message is accepted. */
  private inspectMessage(args: { c: Canister; sender: Principal; method: string; arg: Uint8Array }): void {
    const { c } = args;
    if (!c.hasInstance || !c.hasExport('canister_inspect_message') || c.status !== 'running') return;
    const ctx = newContext({
      mode: 'inspect',
      instructionLimit: 200_000_000n,
      caller: args.sender,
      arg: args.arg,
      methodName: args.method,
    });
    const outcome = c.execute({ ctx, entry: { export: 'canister_inspect_message' } });
    if (!outcome.ok) throw trapToIcError(c.idText, outcome.trap!);
    if (!ctx.messageAccepted) {
      throw new IcError({
        errorCode: 'CanisterRejectedMessage',
        message: `Error from Canister ${c.idText}: Canister rejected the message`,
      });
    }
  }

  /** Run rounds until the ingress message completes. */
  awaitIngress(id: string): CallResult {
    const entry = this.ingress.get(id);
    if (!entry) throw new Error(`Unknown ingress message ${id}`);
    let idle = 0;
    for (let i = 0; entry.status !== 'completed'; i++) {
      if (i >= limits.maxAwaitRounds || idle > 100) {
        throw new Error(
          `ingress message ${id} did not complete after ${i} rounds: it waits for something outside the IC (an HTTPS outcall to mock?)`,
        );
      }
      idle = this.tick() ? 0 : idle + 1;
    }
    return entry.result!;
  }

  ingressStatus(id: string): CallResult | null {
    const entry = this.ingress.get(id);
    return entry?.status === 'completed' ? entry.result : null;
  }

  // ---- rounds ----

  /** Execute one round. Returns whether anything happened. */
  tick(): boolean {
    this.round++;
    this.timeNs += 1n;
    const messagesNow = this.queue;
    this.queue = [];
    for (const m of messagesNow) {
      if (m.kind === 'request') this.deliverRequest(m);
      else this.deliverResponse(m);
    }
    let busy = messagesNow.length > 0;
    const due = this.deferred.filter((d) => d.dueRound <= this.round);
    if (due.length) {
      this.deferred = this.deferred.filter((d) => d.dueRound > this.round);
      for (const d of due) this.respond(d.origin, d.result, d.refund);
      busy = true;
    }
    busy = this.runSystemTasks() || busy;
    return busy || this.queue.length > 0 || this.deferred.length > 0;
  }

  private runSystemTasks(): boolean {
    let ran = false;
    for (const c of this.canisters.values()) {
      if (c.status !== 'running' || !c.hasInstance) continue;
      if (c.globalTimer !== 0n && this.timeNs >= c.globalTimer && c.hasExport('canister_global_timer')) {
        c.globalTimer = 0n; // the timer is deactivated before it runs (IC spec "Global timer")
        this.runSystemTask(c, 'timer', 'canister_global_timer');
        ran = true;
      }
      if (c.hasExport('canister_heartbeat')) {
        this.runSystemTask(c, 'heartbeat', 'canister_heartbeat');
        ran = true;
      }
    }
    return ran;
  }

  private runSystemTask(c: Canister, mode: ExecMode, name: string): void {
    if (!this.chargeUpfront(c)) return;
    const cc = c.newCallContext({ origin: { kind: 'system', ticket: 0 }, caller: c.id, cycles: 0n });
    cc.responded = true; // nobody waits for a system task's response
    const ctx = newContext({ mode, instructionLimit: this.instructionLimit(c, 'update'), caller: c.id, callContext: cc });
    const outcome = c.execute({ ctx, entry: { export: name } });
    this.finish({ c, ctx, cc, outcome });
  }

  // ---- delivery ----

  private deliverRequest(m: RequestMessage): void {
    const target = m.to.toText();
    if (target === 'aaaaa-aa') {
      this.deliverManagement(m);
      return;
    }
    const system = this.systemCanisters.get(target);
    if (system) {
      const r = system.handle({ method: m.method, arg: m.arg, caller: m.from, cyclesAttached: m.cycles, isQuery: false });
      const refund = m.cycles - r.cyclesCharged;
      if (r.kind === 'reply') this.respond(m.origin, { kind: 'reply', bytes: r.reply }, refund);
      else
        this.respond(
          m.origin,
          { kind: 'reject', code: r.code as RejectCode, message: r.message, errorCode: 'CanisterRejectedMessage' },
          refund,
        );
      return;
    }
    const c = this.canisters.get(target);
    const reject = (e: IcError) => this.respond(m.origin, icErrorResult(e), m.cycles);
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
    if (m.origin.kind === 'ingress') {
      const fee = fees.ingressMessage + fees.ingressByte * BigInt(m.arg.length + m.method.length);
      if (c.cycles < fee) return reject(outOfCycles(c, fee));
      c.cycles -= fee;
    }
    if (!this.chargeUpfront(c)) return reject(outOfCycles(c, fees.updateMessageExecution));
    const cc = c.newCallContext({ origin: m.origin, caller: m.from, cycles: m.cycles, deadline: m.deadline });
    const ctx = newContext({
      mode,
      instructionLimit: this.instructionLimit(c, 'update'),
      caller: m.from,
      arg: m.arg,
      methodName: m.method,
      callContext: cc,
    });
    const outcome = c.execute({ ctx, entry: { export: entry } });
    this.finish({ c, ctx, cc, outcome });
  }

  private deliverResponse(m: ResponseMessage): void {
    const c = this.canisters.get(m.to.toText());
    if (!c) return; // the caller was deleted: the response has nowhere to go
    const cb = c.callbacks.get(m.callbackId);
    if (!cb) return;
    c.callbacks.delete(m.callbackId);
    c.cycles += m.refund;
    const cc = c.callContexts.get(cb.callContextId);
    if (!cc) return;
    cc.outstandingCallbacks--;
    if (!c.hasInstance || cb.codeVersion !== c.codeVersion) {
      // The code that made the call is gone (uninstall/reinstall/upgrade): its callbacks never run.
      this.closeCallContext(c, cc, null);
      return;
    }
    const reply = m.result.kind === 'reply';
    const ctx = newContext({
      mode: reply ? 'reply' : 'reject',
      instructionLimit: this.instructionLimit(c, 'update'),
      callContext: cc,
      replyPayload: reply ? (m.result as { bytes: Uint8Array }).bytes : undefined,
      rejectCode: reply ? 0 : (m.result as { code: number }).code,
      rejectMessage: reply ? '' : (m.result as { message: string }).message,
      refunded: m.refund,
    });
    const target = reply ? cb.reply : cb.reject;
    const outcome = c.execute({ ctx, entry: { table: target.fun, env: target.env } });
    if (!outcome.ok && cb.cleanup) {
      const cleanupCtx = newContext({ mode: 'cleanup', instructionLimit: this.instructionLimit(c, 'update'), callContext: cc });
      const cleaned = c.execute({ ctx: cleanupCtx, entry: { table: cb.cleanup.fun, env: cb.cleanup.env } });
      if (cleaned.ok) this.commitState(c, cleanupCtx);
    }
    this.finish({ c, ctx, cc, outcome });
  }

  /** Prepay the base execution fee; the IC refuses to run a message the canister cannot pay for. */
  private chargeUpfront(c: Canister): boolean {
    if (c.cycles < fees.updateMessageExecution) return false;
    return true;
  }

  /** Commit a finished message's effects, respond if it responded, close its call context if done. */
  private finish(args: {
    c: Canister;
    ctx: ExecContext;
    cc: CallContext;
    outcome: { ok: boolean; trap: CanisterTrap | null; instructions: bigint };
  }): void {
    const { c, ctx, cc, outcome } = args;
    const cost = executionCost(outcome.instructions);
    c.cycles = c.cycles > cost ? c.cycles - cost : 0n;
    cc.instructions += outcome.instructions;
    c.stats.updates++;
    let trapError: IcError | null = null;
    if (outcome.ok) {
      this.commitState(c, ctx);
      if (ctx.mode !== 'replicated_query') c.version++;
      cc.cyclesAvailable -= ctx.cyclesAccepted;
      for (const call of ctx.calls) this.enqueueCall(c, cc, call);
      if (ctx.response) {
        cc.responded = true;
        const result: CallResult =
          ctx.response.kind === 'reply'
            ? { kind: 'reply', bytes: ctx.response.bytes }
            : { kind: 'reject', code: RejectCode.CanisterReject, message: ctx.response.message, errorCode: 'CanisterRejectedMessage' };
        const refund = cc.cyclesAvailable;
        cc.cyclesAvailable = 0n;
        this.respond(cc.origin, result, refund);
      }
    } else {
      trapError = trapToIcError(c.idText, outcome.trap!);
    }
    this.closeCallContext(c, cc, trapError);
  }

  /** State effects a successful message keeps, beyond the heap. */
  private commitState(c: Canister, ctx: ExecContext): void {
    c.cycles += ctx.balanceDelta;
    if (ctx.mode === 'replicated_query') return;
    if (ctx.certifiedData) c.certifiedData = ctx.certifiedData;
    if (ctx.globalTimer !== null) c.globalTimer = ctx.globalTimer;
  }

  /** When no callback is outstanding, an unanswered call context is answered now, and closed. */
  private closeCallContext(c: Canister, cc: CallContext, trapError: IcError | null): void {
    if (cc.outstandingCallbacks > 0) return;
    if (!cc.responded) {
      cc.responded = true;
      const error = trapError ?? new IcError({ errorCode: 'CanisterDidNotReply', message: messages.didNotReply(c.idText) });
      const refund = cc.cyclesAvailable;
      cc.cyclesAvailable = 0n;
      this.respond(cc.origin, icErrorResult(error), refund);
    }
    c.callContexts.delete(cc.id);
    this.checkStopped(c);
  }

  private enqueueCall(c: Canister, cc: CallContext, call: PendingCall): void {
    cc.outstandingCallbacks++;
    const cb = c.registerCallback({
      callContextId: cc.id,
      reply: call.reply,
      reject: call.reject,
      cleanup: call.cleanup,
      codeVersion: c.codeVersion,
    });
    const arg = concatBytes(...call.arg);
    this.queue.push({
      kind: 'request',
      from: c.id,
      to: call.callee,
      method: call.method,
      arg,
      cycles: call.cycles,
      origin: { kind: 'canister', canister: c.id, callbackId: cb.id },
      deadline: call.timeoutSeconds === null ? 0n : this.timeNs + BigInt(call.timeoutSeconds) * 1_000_000_000n,
      effectiveSubnet: null,
    });
  }

  /** Send a result to whoever waits for it. */
  respond(origin: Origin, result: CallResult, refund: bigint): void {
    switch (origin.kind) {
      case 'ingress': {
        const entry = this.ingress.get(origin.messageId);
        if (entry) {
          entry.status = 'completed';
          entry.result = result;
        }
        return;
      }
      case 'canister':
        this.queue.push({ kind: 'response', to: origin.canister, callbackId: origin.callbackId, result, refund });
        return;
      case 'system':
        return;
    }
  }

  /** Deliver a result after `rounds` more rounds. */
  respondLater(args: { origin: Origin; result: CallResult; refund: bigint; rounds: number }): void {
    this.deferred.push({ dueRound: this.round + args.rounds, origin: args.origin, result: args.result, refund: args.refund });
  }

  /** Park a management call until `release(ticket)`. */
  park(origin: Origin): number {
    const t = this.nextTicket++;
    this.tickets.set(t, { origin });
    return t;
  }
  release(ticket: number, result: CallResult): void {
    const t = this.tickets.get(ticket);
    if (!t) return;
    this.tickets.delete(ticket);
    this.respond(t.origin, result, 0n);
  }

  checkStopped(c: Canister): void {
    if (c.status === 'stopping' && c.callContexts.size === 0) {
      c.status = 'stopped';
      const waiters = c.stopWaiters;
      c.stopWaiters = [];
      for (const t of waiters) this.release(t, { kind: 'reply', bytes: EMPTY_CANDID });
    }
  }

  private deliverManagement(m: RequestMessage): void {
    const caller = m.from;
    const callerCanister = m.origin.kind === 'canister' ? this.getCanister(caller) : null;
    let result: ReturnType<typeof handleManagement>;
    try {
      result = handleManagement({
        instance: this,
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
        this.respond(m.origin, icErrorResult(e), m.cycles);
        return;
      }
      throw e;
    }
    if (result.kind === 'deferred') return;
    this.respond(m.origin, result.result, result.refund);
  }

  // ---- queries ----

  /** Execute a query (or composite query) now; state never persists. */
  query(args: { sender: Principal; canisterId: Principal; method: string; arg: Uint8Array }): CallResult {
    try {
      return this.runQuery({ ...args, chain: new Set() });
    } catch (e) {
      if (e instanceof IcError) return icErrorResult(e);
      throw e;
    }
  }

  private runQuery(args: { sender: Principal; canisterId: Principal; method: string; arg: Uint8Array; chain: Set<string> }): CallResult {
    const target = args.canisterId.toText();
    const system = this.systemCanisters.get(target);
    if (system) {
      const r = system.handle({ method: args.method, arg: args.arg, caller: args.sender, cyclesAttached: 0n, isQuery: true });
      return r.kind === 'reply'
        ? { kind: 'reply', bytes: r.reply }
        : { kind: 'reject', code: r.code as RejectCode, message: r.message, errorCode: 'CanisterRejectedMessage' };
    }
    const c = this.canisters.get(target);
    if (!c) throw new IcError({ errorCode: 'CanisterNotFound', message: messages.canisterNotFound(target) });
    if (c.status !== 'running') throw new IcError({ errorCode: 'CanisterStopped', message: messages.stopped(target) });
    if (!c.hasInstance) throw new IcError({ errorCode: 'CanisterWasmModuleNotFound', message: messages.noWasm(target) });
    const limit = this.instructionLimit(c, 'query');
    if (c.hasExport(`canister_query ${args.method}`)) {
      const ctx = newContext({ mode: 'query', instructionLimit: limit, caller: args.sender, arg: args.arg, methodName: args.method });
      ctx.callContext = queryCallContext(args.sender);
      const outcome = c.execute({ ctx, entry: { export: `canister_query ${args.method}` } });
      c.stats.queries++;
      if (!outcome.ok) throw trapToIcError(c.idText, outcome.trap!);
      return queryResponse(c, ctx);
    }
    if (c.hasExport(`canister_composite_query ${args.method}`)) {
      return this.runCompositeQuery({ c, ...args, limit });
    }
    throw new IcError({ errorCode: 'CanisterMethodNotFound', message: messages.methodNotFound(target, 'query', args.method) });
  }

  /**
   * A composite query keeps its state across its callbacks and discards it at the end. Calls it
   * makes run synchronously as queries on their callees (same subnet only, no loops).
   */
  private runCompositeQuery(args: {
    c: Canister;
    sender: Principal;
    canisterId: Principal;
    method: string;
    arg: Uint8Array;
    chain: Set<string>;
    limit: bigint;
  }): CallResult {
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
          const calleeSubnet = this.subnetOfId(call.callee);
          if (calleeSubnet && this.subnets.indexOf(calleeSubnet) !== c.subnetIndex) {
            result = {
              kind: 'reject',
              code: RejectCode.DestinationInvalid,
              message: `Canister ${call.callee.toText()} is not on the same subnet as the composite query caller`,
              errorCode: 'CanisterNotFound',
            };
          } else {
            try {
              result = this.runQuery({ sender: c.id, canisterId: call.callee, method: call.method, arg: callArg, chain: args.chain });
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
                ctx: newContext({ mode: 'cleanup', instructionLimit: args.limit, callContext: cc }),
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
  runTransform(args: { canisterId: Principal; method: string; arg: Uint8Array }): CallResult {
    return this.query({ sender: MANAGEMENT_CANISTER_ID, canisterId: args.canisterId, method: args.method, arg: args.arg });
  }
}

export const EMPTY_CANDID = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]);

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

export function icErrorResult(e: IcError): CallResult {
  return { kind: 'reject', code: e.rejectCode, message: e.message, errorCode: e.errorCode };
}

function outOfCycles(c: Canister, needed: bigint): IcError {
  return new IcError({
    errorCode: 'CanisterOutOfCycles',
    rejectCode: RejectCode.SysTransient,
    message: `Canister ${c.idText} is out of cycles: please top up the canister with at least ${needed - c.cycles} additional cycles`,
  });
}
