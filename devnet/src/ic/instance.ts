/**
 * One IC instance: subnets, canisters, time, ingress, and the state the scheduler works on.
 * Execution proceeds in rounds (scheduler.ts); messages are delivered by delivery.ts, queries run
 * by queries.ts, and calls to the management canister dispatched by management-dispatch.ts.
 * Like the IC, a canister-to-canister call takes a round to be delivered and another for its
 * response.
 */
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { Canister, type CanisterHost, type CanisterSettings, type Origin } from './canister.ts';
import { IcError, messages, RejectCode, trapToIcError, type ServiceResult } from './errors.ts';
import { canisterIdFromIndex, canisterIndex, rangeStart, RANGE_SIZE, type SubnetKind } from './ids.ts';
import { limits } from './limits.ts';
import { freezingThreshold, requestCharge } from './cycles-account.ts';
import { newContext } from './system-api.ts';
import type { ManagementServices } from './management.ts';
import { Certifier, type HashTree } from './certification.ts';
import { subnetDelegation } from './subnet-delegation.ts';
import { respond } from './delivery.ts';
import { checkStopped, park, release } from './management-dispatch.ts';
import { query, runTransform } from './queries.ts';
import { awaitIngress, runRound } from './scheduler.ts';
import { fetchLogsReplicatedError, isLogged } from './canister-logs.ts';

export { icErrorResult } from './delivery.ts';

export interface SubnetSpec {
  kind: SubnetKind;
  /** Instruction limits: 'Benchmarking' raises them, as PocketIC does. */
  benchmarking: boolean;
  /** PocketIC's `Free` cost schedule: canisters on the subnet are not charged cycles. */
  freeCycles?: boolean;
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
  /** The subnet's own BLS key; the root subnet's is the instance's root key. */
  certifier: Certifier;
  isRoot: boolean;
  freeCycles: boolean;
}

export type CallResult = { kind: 'reply'; bytes: Uint8Array } | { kind: 'reject'; code: RejectCode; message: string; errorCode: string };

export interface RequestMessage {
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
  /** The first round that may deliver it (see `Instance.readyRound`). */
  readyRound: number;
}
export interface ResponseMessage {
  kind: 'response';
  to: Principal;
  callbackId: number;
  result: CallResult;
  refund: bigint;
  readyRound: number;
  /** The SYS_UNKNOWN reject the system gives when a bounded-wait call's deadline passes. */
  deadlineExpiry?: boolean;
}
export type Message = RequestMessage | ResponseMessage;

export interface IngressEntry {
  status: 'received' | 'completed';
  result: CallResult | null;
  sender: Principal;
}

/** A system canister hosted by the devnet itself (Bitcoin canister, …). */
export interface SystemCanister {
  handle(args: { method: string; arg: Uint8Array; caller: Principal; cyclesAttached: bigint; isQuery: boolean }): ServiceResult;
}

/** A reply computed now but delivered later (signatures take rounds on the IC). */
export interface Deferred {
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

/**
 * PocketIC's genesis time, where a new instance's clock starts unless `initial_time` is given:
 * 2021-05-06T19:17:10Z, the `GENESIS` of dfinity/ic's state machine tests that PocketIC runs on
 * (PicJS documents the cycles-minting feature moving it to just after 2021-05-10 10:00:00 CEST).
 */
/** Subnets PocketIC runs as `SubnetType::System`, where canisters pay no cycles. */
const SYSTEM_SUBNETS = new Set<SubnetKind>(['NNS', 'SNS', 'II', 'Bitcoin', 'System']);
/** The subnet size the cost schedule is priced for (`reference_subnet_size`). */
const REFERENCE_SUBNET_SIZE = 13n;

export const GENESIS_TIME_NS = 1_620_328_630_000_000_000n;

export class Instance implements CanisterHost {
  readonly id: number;
  readonly subnets: Subnet[] = [];
  readonly canisters = new Map<string, Canister>();
  readonly ingress = new Map<string, IngressEntry>();
  readonly systemCanisters = new Map<string, SystemCanister>();
  readonly services: ManagementServices;
  /**
   * Nanoseconds since the epoch: the time the next round executes at (PocketIC's `get_time`).
   * Queries see `certifiedTimeNs`, the time of the last round or of `set_certified_time`.
   */
  timeNs: bigint;
  certifiedTimeNs: bigint;
  /** Time of the last round executed, to tell whether time advanced since (see `runRound`). */
  lastRoundTimeNs: bigint;
  round = 0;
  /** True while a round executes: ic0.time is then the round's time, not the certified one. */
  inRound = false;
  /** Instructions executed in the current round. */
  roundInstructions = 0n;
  /** When canisters were last charged for memory and compute allocation (cycles-account.ts `chargeIdle`). */
  lastAllocationChargeNs: bigint;
  // Scheduler state, worked on by scheduler.ts, delivery.ts and management-dispatch.ts.
  queue: Message[] = [];
  deferred: Deferred[] = [];
  /** Tickets of management calls waiting on something (stop_canister). */
  tickets = new Map<number, { origin: Origin }>();
  nextTicket = 1;
  private nextIngress = 0;
  private readonly certifier: Certifier;
  private readonly log: (line: string) => void;

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
    this.timeNs = args.timeNs ?? GENESIS_TIME_NS;
    this.certifiedTimeNs = this.timeNs;
    this.lastRoundTimeNs = this.timeNs;
    this.lastAllocationChargeNs = this.timeNs;
    const ordinals = new Map<SubnetKind, number>();
    // The NNS subnet is the root subnet (its key is the root key); without one, the first subnet is.
    const rootIndex = Math.max(
      0,
      args.subnets.findIndex((s) => s.kind === 'NNS'),
    );
    for (const [i, spec] of args.subnets.entries()) {
      const ordinal = ordinals.get(spec.kind) ?? 0;
      ordinals.set(spec.kind, ordinal + 1);
      const start = rangeStart(spec.kind, ordinal);
      const certifier = i === rootIndex ? this.certifier : new Certifier();
      this.subnets.push({
        // As on the IC, a subnet's id is the self-authenticating principal of its public key.
        id: Principal.selfAuthenticating(certifier.rootKeyDer),
        certifier,
        isRoot: i === rootIndex,
        kind: spec.kind,
        ordinal,
        start,
        end: start + RANGE_SIZE - 1n,
        next: start,
        size: spec.kind === 'NNS' ? 40 : spec.kind === 'Fiduciary' ? 34 : 13,
        benchmarking: spec.benchmarking,
        freeCycles: spec.freeCycles ?? false,
      });
    }
  }

  // ---- CanisterHost ----
  time(): bigint {
    return this.inRound ? this.timeNs : this.certifiedTimeNs;
  }
  subnetId(c: Canister): Principal {
    return this.subnets[c.subnetIndex].id;
  }
  rootKey(): Uint8Array {
    return this.certifier.rootKeyDer;
  }
  dataCertificate(c: Canister): Uint8Array {
    const subnet = this.subnets[c.subnetIndex];
    const delegation = subnetDelegation({ instance: this, subnet });
    return subnet.certifier.dataCertificate({ canisterId: c.id, certifiedData: c.certifiedData, timeNs: this.certifiedTimeNs, delegation });
  }
  /** A certificate of a subnet's state tree, with the subnet's delegation unless it is the root subnet. */
  certify(subnet: Subnet, tree: HashTree): Uint8Array {
    return subnet.certifier.certify(tree, subnetDelegation({ instance: this, subnet }));
  }
  debugPrint(c: Canister, text: string): void {
    const mode = c.executingMode;
    // Kept as a canister log record only in replicated executions (IC spec "fetch_canister_logs").
    if (mode && isLogged(mode) && this.replicatedExecution()) c.log.add(this.time(), new TextEncoder().encode(text));
    this.log(`[Canister ${c.idText}] ${text}`);
  }
  replicatedExecution(): boolean {
    return this.inRound;
  }
  signatureFee(args: { kind: 'ecdsa' | 'schnorr'; keyName: string }): bigint | null {
    return this.services.signatureFee(args);
  }
  httpRequestFee(args: { requestBytes: bigint; maxResponseBytes: bigint }): bigint {
    return this.services.httpRequestFee({ ...args, subnetSize: 13 });
  }
  requestCharge(c: Canister, payloadBytes: bigint): { fee: bigint; threshold: bigint } {
    return requestCharge(this, c, payloadBytes);
  }
  freezingThreshold(c: Canister): bigint {
    return freezingThreshold(this, c);
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
  /**
   * A charge of `cycles` (the 13-node application subnet's price) to canister `c`, per its
   * subnet: nothing on a `Free` cost schedule or a system subnet (whose fees are all zero,
   * `CyclesAccountManagerConfig::system_subnet`), else scaled by the subnet's size
   * (dfinity/ic rs/cycles_account_manager `scale_cost`: cycles × size / 13).
   */
  charge(c: Canister, cycles: bigint): bigint {
    const subnet = this.subnets[c.subnetIndex];
    if (subnet.freeCycles || SYSTEM_SUBNETS.has(subnet.kind)) return 0n;
    return (cycles * BigInt(subnet.size)) / REFERENCE_SUBNET_SIZE;
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
    c.lastAllocationChargeNs = this.timeNs;
    this.canisters.set(id.toText(), c);
    return c;
  }

  getCanister(id: Principal): Canister | null {
    return this.canisters.get(id.toText()) ?? null;
  }

  /** The subnet (index) that hosts `id`, by its canister or the routing table; null for none of ours. */
  subnetIndexOf(id: Principal): number | null {
    const text = id.toText();
    if (this.systemCanisters.has(text)) return null;
    const c = this.canisters.get(text);
    if (c) return c.subnetIndex;
    const s = this.subnetOfId(id);
    return s ? this.subnets.indexOf(s) : null;
  }

  /**
   * The first round that may deliver a message sent now from subnet `from` to subnet `to` (null:
   * outside this instance's subnets). Within a subnet a message is delivered in the round that
   * sent it, as the scheduler inducts messages on the same subnet between its inner rounds; a
   * message to another subnet goes through a stream and arrives in a later round (dfinity/ic
   * rs/execution_environment/src/scheduler.rs, `inner_round` and `induct_messages_on_same_subnet`).
   * Sent between rounds, either waits for the next round.
   */
  readyRound(from: number | null, to: number | null): number {
    return from !== null && from === to ? this.round : this.round + 1;
  }

  /** PocketIC's `set_time`: rounds from the next one on run at `t`; queries see it after that round. */
  setTime(t: bigint): void {
    this.timeNs = t;
  }

  /** PocketIC's `set_certified_time`: the time is set and certified at once, so queries see it now. */
  setCertifiedTime(t: bigint): void {
    this.timeNs = t;
    this.certifiedTimeNs = t;
    this.lastRoundTimeNs = t;
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
      if (method === 'fetch_canister_logs') throw fetchLogsReplicatedError();
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
      readyRound: this.round + 1,
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
    return awaitIngress(this, id);
  }

  ingressStatus(id: string): CallResult | null {
    const entry = this.ingress.get(id);
    return entry?.status === 'completed' ? entry.result : null;
  }

  // ---- rounds ----

  /** Execute one round. Returns whether anything happened. */
  tick(): boolean {
    return runRound(this);
  }

  /** Send a result to whoever waits for it (from the receiver's own subnet: the management canister, the devnet). */
  respond(origin: Origin, result: CallResult, refund: bigint): void {
    respond(this, { origin, result, refund });
  }

  /** Deliver a result after `rounds` more rounds. */
  respondLater(args: { origin: Origin; result: CallResult; refund: bigint; rounds: number }): void {
    this.deferred.push({ dueRound: this.round + args.rounds, origin: args.origin, result: args.result, refund: args.refund });
  }

  /** Park a management call until `release(ticket)`. */
  park(origin: Origin): number {
    return park(this, origin);
  }
  release(ticket: number, result: CallResult): void {
    release(this, ticket, result);
  }
  checkStopped(c: Canister): void {
    checkStopped(this, c);
  }

  /** Execute a query (or composite query) now; state never persists. */
  query(args: { sender: Principal; canisterId: Principal; method: string; arg: Uint8Array }): CallResult {
    return query(this, args);
  }

  /** Execute a transform function of an HTTPS outcall (a query on the calling canister). */
  runTransform(args: { canisterId: Principal; method: string; arg: Uint8Array }): CallResult {
    return runTransform(this, args);
  }
}

export const EMPTY_CANDID = new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0x00]);
