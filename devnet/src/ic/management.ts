/**
 * The management canister (aaaaa-aa): canister lifecycle, code installation (direct and chunked),
 * settings, status and randomness, with the IC's controller checks and error codes. Threshold
 * signing and HTTPS outcalls are delegated to their services.
 */
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import type { Canister, CanisterSettings, Origin } from './canister.ts';
import { IcError, messages, RejectCode, trapToIcError, type ServiceResult } from './errors.ts';
import type { CallResult, Instance, Subnet } from './instance.ts';
import { fees, limits } from './limits.ts';
import { allocationCyclesError, idleCyclesBurnedPerDay, prepayExecution, refundUnusedExecution } from './cycles-account.ts';
import { CANISTER_ONLY_METHODS, mgmt, type MgmtMethod } from './management-idl.ts';
import { newContext } from './system-api.ts';
import { loadModule } from './wasm-module.ts';
import type { HttpOutcalls } from './http-outcalls.ts';
import { checkLogMemoryLimit, fetchLogsReplicatedError } from './canister-logs.ts';
import { changeOrigin, environmentVariablesHash, type ChangeDetails, type ChangeOrigin } from './canister-history.ts';
import { deleteSnapshot, encodeSnapshot, listSnapshots, loadSnapshot, snapshotsSize, takeSnapshot } from './snapshots.ts';

export interface ThresholdService {
  handle(args: { method: string; arg: Uint8Array; caller: Uint8Array; callerIsCanister: boolean; cyclesAttached: bigint }): ServiceResult;
}

export interface ManagementServices {
  ingressAllowed(method: string): boolean;
  signatureFee(args: { kind: 'ecdsa' | 'schnorr'; keyName: string }): bigint | null;
  httpRequestFee(args: { requestBytes: bigint; maxResponseBytes: bigint; subnetSize: number }): bigint;
  threshold: ThresholdService | null;
  outcalls: HttpOutcalls;
  /** Rounds a signature takes before its reply is delivered (other messages interleave meanwhile). */
  signingRounds: number;
}

export type ManagementOutcome = { kind: 'done'; result: CallResult; refund: bigint } | { kind: 'deferred' };

const THRESHOLD_METHODS = new Set(['ecdsa_public_key', 'sign_with_ecdsa', 'schnorr_public_key', 'sign_with_schnorr']);
const MAX_CONTROLLERS = 10;
const DEFAULT_PROVISIONAL_CYCLES = 100_000_000_000_000n;

/** Methods the devnet's management canister answers, for ingress checks. */
export function isKnownManagementMethod(method: string): boolean {
  return method in mgmt || THRESHOLD_METHODS.has(method) || method === 'http_request';
}

export function defaultIngressAllowed(method: string): boolean {
  return isKnownManagementMethod(method) && !CANISTER_ONLY_METHODS.has(method);
}

interface Call {
  instance: Instance;
  method: string;
  arg: Uint8Array;
  caller: Principal;
  callerCanister: Canister | null;
  cycles: bigint;
  origin: Origin;
  effectiveSubnet: Subnet | null;
}

const reply = (bytes: Uint8Array, refund = 0n): ManagementOutcome => ({ kind: 'done', result: { kind: 'reply', bytes }, refund });
const encode = (type: IDL.Type | null, value?: unknown): Uint8Array =>
  new Uint8Array(type ? IDL.encode([type], [value]) : IDL.encode([], []));

function decode<M extends MgmtMethod>(method: M, arg: Uint8Array): any {
  const type = mgmt[method].arg;
  try {
    return type ? IDL.decode([type], arg)[0] : IDL.decode([], arg);
  } catch (e) {
    throw new IcError({
      errorCode: 'InvalidManagementPayload',
      rejectCode: RejectCode.CanisterReject,
      message: `Error decoding candid: ${(e as Error).message}`,
    });
  }
}

export function handleManagement(call: Call): ManagementOutcome {
  const { instance, method } = call;
  if (method === 'fetch_canister_logs') throw fetchLogsReplicatedError();
  if (THRESHOLD_METHODS.has(method)) return threshold(call);
  if (method === 'http_request') return httpRequest(call);
  if (!(method in mgmt)) {
    throw new IcError({
      errorCode: 'UnknownManagementMessage',
      rejectCode: RejectCode.DestinationInvalid,
      message: `Management canister has no method '${method}'`,
    });
  }
  const m = method as MgmtMethod;
  const args = decode(m, call.arg);
  switch (m) {
    case 'provisional_create_canister_with_cycles': {
      const settings = args.settings[0];
      const specified: Principal | null = args.specified_id[0] ?? null;
      let subnet = call.callerCanister
        ? instance.subnets[call.callerCanister.subnetIndex]
        : (call.effectiveSubnet ?? instance.defaultSubnet());
      if (specified) {
        const s = instance.subnetOfId(specified);
        if (!s) {
          throw new IcError({
            errorCode: 'CanisterNotFound',
            rejectCode: RejectCode.CanisterReject,
            message: `The specified canister id ${specified.toText()} does not belong to any subnet's canister range.`,
          });
        }
        subnet = s;
      }
      const c = instance.createCanister({
        subnet,
        controllers: [call.caller],
        cycles: args.amount[0] ?? DEFAULT_PROVISIONAL_CYCLES,
        specifiedId: specified,
      });
      if (settings) applySettings(c, settings);
      recordCreation(call, c, settings, args.sender_canister_version);
      return reply(encode(mgmt.create_canister.ret, { canister_id: c.id }), call.cycles);
    }
    case 'create_canister': {
      if (call.cycles < fees.canisterCreation) {
        throw new IcError({
          errorCode: 'InsufficientCyclesForCreateCanister',
          message: `Creating a canister requires a fee of ${fees.canisterCreation} that is deducted from the canister's initial balance but only ${call.cycles} cycles were received with the create_canister request.`,
        });
      }
      const subnet = call.callerCanister ? instance.subnets[call.callerCanister.subnetIndex] : instance.defaultSubnet();
      const c = instance.createCanister({ subnet, controllers: [call.caller], cycles: call.cycles - fees.canisterCreation });
      if (args.settings[0]) applySettings(c, args.settings[0]);
      recordCreation(call, c, args.settings[0], args.sender_canister_version);
      return reply(encode(mgmt.create_canister.ret, { canister_id: c.id }));
    }
    case 'provisional_top_up_canister': {
      const c = target(instance, args.canister_id);
      c.cycles += args.amount;
      return reply(encode(null), call.cycles);
    }
    case 'deposit_cycles': {
      const c = target(instance, args.canister_id);
      c.cycles += call.cycles;
      return reply(encode(null));
    }
    case 'update_settings': {
      const c = controlled(call, args.canister_id);
      const old = c.settings;
      applySettings(c, args.settings);
      const error = allocationCyclesError(instance, c, old);
      if (error) {
        c.settings = old;
        throw error;
      }
      c.version++;
      if (args.settings.controllers[0]) {
        record(call, c, { controllers_change: { controllers: c.settings.controllers } }, args.sender_canister_version);
      }
      return reply(encode(null), call.cycles);
    }
    case 'upload_chunk': {
      const c = controlled(call, args.canister_id);
      const chunk: Uint8Array = args.chunk;
      if (chunk.length > limits.maxChunkBytes) {
        throw new IcError({
          errorCode: 'InvalidManagementPayload',
          rejectCode: RejectCode.CanisterReject,
          message: `Wasm chunk size exceeds the maximum chunk size of ${limits.maxChunkBytes} bytes.`,
        });
      }
      const hash = sha256(chunk);
      c.chunkStore.set(bytesToHex(hash), chunk.slice());
      return reply(encode(mgmt.upload_chunk.ret, { hash }), call.cycles);
    }
    case 'clear_chunk_store': {
      controlled(call, args.canister_id).chunkStore.clear();
      return reply(encode(null), call.cycles);
    }
    case 'stored_chunks': {
      const c = controlled(call, args.canister_id);
      const hashes = [...c.chunkStore.keys()].map((h) => ({ hash: hexToBytes(h) }));
      return reply(encode(mgmt.stored_chunks.ret, hashes), call.cycles);
    }
    case 'install_code': {
      const c = controlled(call, args.canister_id);
      install({ instance, c, mode: args.mode, wasm: args.wasm_module, arg: args.arg, caller: call.caller, origin: origin(call, args) });
      return reply(encode(null), call.cycles);
    }
    case 'install_chunked_code': {
      const c = controlled(call, args.target_canister);
      const store: Canister = args.store_canister[0] ? controlled(call, args.store_canister[0]) : c;
      if (store.subnetIndex !== c.subnetIndex) {
        throw new IcError({
          errorCode: 'InvalidManagementPayload',
          rejectCode: RejectCode.CanisterReject,
          message: `The store canister ${store.idText} must be on the same subnet as the target canister ${c.idText}.`,
        });
      }
      const chunks = (args.chunk_hashes_list as { hash: Uint8Array }[]).map(({ hash }) => {
        const chunk = store.chunkStore.get(bytesToHex(hash));
        if (!chunk) {
          throw new IcError({
            errorCode: 'InvalidManagementPayload',
            rejectCode: RejectCode.CanisterReject,
            message: `Error from Wasm chunk store: Chunk with hash ${bytesToHex(hash)} not found in the chunk store of canister ${store.idText}.`,
          });
        }
        return chunk;
      });
      const wasm = concatBytes(...chunks);
      const hash = sha256(wasm);
      if (bytesToHex(hash) !== bytesToHex(args.wasm_module_hash)) {
        throw new IcError({
          errorCode: 'InvalidManagementPayload',
          rejectCode: RejectCode.CanisterReject,
          message: `Error from Wasm chunk store: Wasm module hash ${bytesToHex(hash)} does not match given hash ${bytesToHex(args.wasm_module_hash)}.`,
        });
      }
      install({ instance, c, mode: args.mode, wasm, arg: args.arg, caller: call.caller, origin: origin(call, args) });
      return reply(encode(null), call.cycles);
    }
    case 'uninstall_code': {
      const c = controlled(call, args.canister_id);
      uninstall(instance, c);
      record(call, c, { code_uninstall: null }, args.sender_canister_version);
      return reply(encode(null), call.cycles);
    }
    case 'start_canister': {
      const c = controlled(call, args.canister_id);
      if (c.status === 'stopping') {
        for (const t of c.stopWaiters) {
          instance.release(t, {
            kind: 'reject',
            code: RejectCode.CanisterError,
            message: `Canister ${c.idText} has been restarted.`,
            errorCode: 'CanisterStoppingCancelled',
          });
        }
        c.stopWaiters = [];
      }
      c.status = 'running';
      return reply(encode(null), call.cycles);
    }
    case 'stop_canister': {
      const c = controlled(call, args.canister_id);
      if (c.status === 'stopped') return reply(encode(null), call.cycles);
      c.status = 'stopping';
      c.stopWaiters.push(instance.park(call.origin));
      instance.checkStopped(c);
      return { kind: 'deferred' };
    }
    case 'delete_canister': {
      const c = controlled(call, args.canister_id);
      if (call.callerCanister && call.callerCanister.idText === c.idText) {
        throw new IcError({ errorCode: 'CanisterInvalidController', message: `Canister ${c.idText} cannot delete itself.` });
      }
      if (c.status !== 'stopped') {
        throw new IcError({ errorCode: 'CanisterNotStopped', message: `Canister ${c.idText} must be stopped before it is deleted.` });
      }
      instance.canisters.delete(c.idText);
      return reply(encode(null), call.cycles);
    }
    case 'canister_status': {
      const c = controlled(call, args.canister_id);
      return reply(encode(mgmt.canister_status.ret, status(instance, c)), call.cycles);
    }
    case 'take_canister_snapshot': {
      const c = controlled(call, args.canister_id);
      const s = takeSnapshot(instance, c, args.replace_snapshot[0] ?? null);
      // uninstall_code (IC spec): the code goes once the snapshot exists, in the same call.
      if (args.uninstall_code[0]) {
        uninstall(instance, c);
        record(call, c, { code_uninstall: null }, args.sender_canister_version);
      }
      return reply(encode(mgmt.take_canister_snapshot.ret, encodeSnapshot(s)), call.cycles);
    }
    case 'load_canister_snapshot': {
      const c = controlled(call, args.canister_id);
      const s = loadSnapshot(instance, c, args.snapshot_id, call.caller);
      c.version++;
      const details: ChangeDetails = {
        load_snapshot: {
          canister_version: s.canisterVersion,
          snapshot_id: s.id,
          taken_at_timestamp: s.takenAt,
          source: { taken_from_canister: null },
        },
      };
      record(call, c, details, args.sender_canister_version);
      return reply(encode(null), call.cycles);
    }
    case 'list_canister_snapshots': {
      // Who may list them is the `snapshot_visibility` setting's choice (IC spec).
      const c = visibleTo(call, args.canister_id, (c) => c.snapshotVisibility);
      return reply(encode(mgmt.list_canister_snapshots.ret, listSnapshots(c).map(encodeSnapshot)), call.cycles);
    }
    case 'delete_canister_snapshot': {
      const c = controlled(call, args.canister_id);
      deleteSnapshot(c, args.snapshot_id);
      return reply(encode(null), call.cycles);
    }
    case 'canister_info': {
      // Only canisters may call it (IC spec); ingress is refused before it gets here.
      const c = target(instance, args.canister_id);
      const n: bigint = args.num_requested_changes[0] ?? 0n;
      return reply(
        encode(mgmt.canister_info.ret, {
          total_num_changes: c.history.totalNumChanges,
          recent_changes: c.history.recent(n),
          module_hash: c.module ? [c.module.hash] : [],
          controllers: c.settings.controllers,
        }),
        call.cycles,
      );
    }
    case 'raw_rand': {
      const bytes = new Uint8Array(32);
      crypto.getRandomValues(bytes);
      return reply(encode(mgmt.raw_rand.ret, bytes), call.cycles);
    }
  }
}

function target(instance: Instance, id: Principal): Canister {
  const c = instance.getCanister(id);
  if (!c) {
    throw new IcError({
      errorCode: 'CanisterNotFound',
      rejectCode: RejectCode.DestinationInvalid,
      message: messages.canisterNotFound(id.toText()),
    });
  }
  return c;
}

function controlled(call: Call, id: Principal): Canister {
  const c = target(call.instance, id);
  if (!c.isController(call.caller)) {
    throw new IcError({
      errorCode: 'CanisterInvalidController',
      message: messages.notController(c.idText, call.method, call.caller.toText()),
    });
  }
  return c;
}

/** Who made a change, for the canister's history. */
function origin(call: Call, args: { sender_canister_version?: [] | [bigint] }): ChangeOrigin {
  return changeOrigin({
    caller: call.caller,
    callerIsCanister: call.callerCanister !== null,
    senderCanisterVersion: args.sender_canister_version,
  });
}

/** Record a change in the canister's history, at the current time and version. */
function record(call: Call, c: Canister, details: ChangeDetails, senderCanisterVersion: [] | [bigint] | undefined): void {
  c.history.record({
    timestamp_nanos: call.instance.time(),
    canister_version: c.version,
    origin: origin(call, { sender_canister_version: senderCanisterVersion }),
    details,
  });
}

function recordCreation(call: Call, c: Canister, settings: any, senderCanisterVersion: [] | [bigint]): void {
  const env = settings?.environment_variables?.[0] as { name: string; value: string }[] | undefined;
  record(
    call,
    c,
    { creation: { controllers: c.settings.controllers, environment_variables_hash: env ? [environmentVariablesHash(env)] : [] } },
    senderCanisterVersion,
  );
}

/** A canister the caller may read, by a visibility setting: controllers, viewers, or everyone. */
function visibleTo(call: Call, id: Principal, visibility: (c: Canister) => Canister['snapshotVisibility']): Canister {
  const c = target(call.instance, id);
  const v = visibility(c);
  if ('public' in v) return c;
  if ('allowed_viewers' in v && v.allowed_viewers.some((p) => p.toText() === call.caller.toText())) return c;
  return controlled(call, id);
}

function applySettings(c: Canister, s: any): void {
  const next: CanisterSettings = { ...c.settings };
  if (s.controllers[0]) {
    const controllers = s.controllers[0] as Principal[];
    if (controllers.length > MAX_CONTROLLERS) {
      throw new IcError({
        errorCode: 'InvalidManagementPayload',
        rejectCode: RejectCode.CanisterReject,
        message: `Invalid settings: The number of controllers ${controllers.length} exceeds the maximum of ${MAX_CONTROLLERS}.`,
      });
    }
    next.controllers = controllers;
  }
  if (s.compute_allocation[0] !== undefined) {
    if (s.compute_allocation[0] > 100n) {
      throw new IcError({
        errorCode: 'InvalidManagementPayload',
        rejectCode: RejectCode.CanisterReject,
        message: `ComputeAllocation expected to be in the range [0..100], got ${s.compute_allocation[0]}`,
      });
    }
    next.computeAllocation = s.compute_allocation[0];
  }
  if (s.memory_allocation[0] !== undefined) next.memoryAllocation = s.memory_allocation[0];
  if (s.freezing_threshold[0] !== undefined) next.freezingThreshold = s.freezing_threshold[0];
  if (s.reserved_cycles_limit[0] !== undefined) next.reservedCyclesLimit = s.reserved_cycles_limit[0];
  if (s.log_visibility[0] !== undefined) next.logVisibility = s.log_visibility[0];
  const logMemoryLimit = s.log_memory_limit[0] === undefined ? null : checkLogMemoryLimit(s.log_memory_limit[0]);
  if (s.wasm_memory_limit[0] !== undefined) next.wasmMemoryLimit = s.wasm_memory_limit[0];
  if (s.wasm_memory_threshold[0] !== undefined) next.wasmMemoryThreshold = s.wasm_memory_threshold[0];
  if (s.environment_variables[0] !== undefined) next.environmentVariables = s.environment_variables[0];
  c.settings = next;
  if (logMemoryLimit !== null) c.log.setLimit(logMemoryLimit);
  if (s.snapshot_visibility[0] !== undefined) c.snapshotVisibility = s.snapshot_visibility[0];
}

/** Memory a canister is charged for: heap, stable memory, Wasm binary and chunk store. */
export function memoryUsage(c: Canister): {
  wasm: bigint;
  stable: bigint;
  binary: bigint;
  chunks: bigint;
  snapshots: bigint;
  total: bigint;
} {
  const wasm = c.heapBytes();
  const stable = c.stablePages * 65536n;
  const binary = BigInt(c.module?.info.bytes.length ?? 0);
  const chunks = [...c.chunkStore.values()].reduce((n, b) => n + BigInt(b.length), 0n);
  // Snapshots count towards the canister's memory, as on the replica (canister_manager.rs).
  const snapshots = snapshotsSize(c);
  return { wasm, stable, binary, chunks, snapshots, total: wasm + stable + binary + chunks + snapshots };
}

function status(instance: Instance, c: Canister) {
  const { wasm, stable, binary, chunks, snapshots, total } = memoryUsage(c);
  return {
    status: { [c.status]: null },
    ready_for_migration: false,
    version: c.version,
    settings: {
      controllers: c.settings.controllers,
      compute_allocation: c.settings.computeAllocation,
      memory_allocation: c.settings.memoryAllocation,
      freezing_threshold: c.settings.freezingThreshold,
      reserved_cycles_limit: c.settings.reservedCyclesLimit,
      log_visibility: c.settings.logVisibility,
      snapshot_visibility: c.snapshotVisibility,
      log_memory_limit: BigInt(c.log.limit),
      wasm_memory_limit: c.settings.wasmMemoryLimit,
      wasm_memory_threshold: c.settings.wasmMemoryThreshold,
      environment_variables: c.settings.environmentVariables,
    },
    module_hash: c.module ? [c.module.hash] : [],
    memory_size: total,
    memory_metrics: {
      wasm_memory_size: wasm,
      stable_memory_size: stable,
      global_memory_size: 0n,
      wasm_binary_size: binary,
      custom_sections_size: BigInt(c.module?.info.customSections.reduce((n, s) => n + s.bytes.length, 0) ?? 0),
      canister_history_size: 0n,
      wasm_chunk_store_size: chunks,
      snapshots_size: snapshots,
    },
    cycles: c.cycles,
    // The reserved balance holds storage reservations, made only when the subnet's memory usage
    // is above its threshold; the devnet's subnets never are, so it stays empty.
    reserved_cycles: 0n,
    idle_cycles_burned_per_day: idleCyclesBurnedPerDay(instance, c),
    query_stats: {
      num_calls_total: BigInt(c.stats.queries),
      num_instructions_total: 0n,
      request_payload_bytes_total: 0n,
      response_payload_bytes_total: 0n,
    },
  };
}

type InstallMode =
  | { install: null }
  | { reinstall: null }
  | { upgrade: [] | [{ skip_pre_upgrade: [] | [boolean]; wasm_memory_persistence: [] | [{ keep: null } | { replace: null }] }] };

/**
 * install_code in all three modes (IC spec "IC method install_code"). It is atomic: either the
 * whole install succeeds, or the canister is left exactly as it was, with its code, heap, stable
 * memory, cycles (cycles burned by a failed pre_upgrade or post_upgrade come back) and open call
 * contexts. Only the instructions executed are charged, those of the start function included.
 */
export function install(args: {
  instance: Instance;
  c: Canister;
  mode: InstallMode;
  wasm: Uint8Array;
  arg: Uint8Array;
  caller: Principal;
  /** Who asked, for the canister's history (a user when not given). */
  origin?: ChangeOrigin;
}): void {
  const { instance, c, mode } = args;
  const savedLog = c.log.save();
  const module = loadModule(args.wasm);
  const limit = instance.instructionLimit(c, 'install');
  // install_code prepays the execution of its whole instruction limit above the freezing
  // threshold and is refunded what it did not use (rs/execution_environment/src/execution/install_code.rs).
  // The new module's execution mode prices the install's instructions (Wasm64 pays twice).
  const wasm64 = module.info.memory64;
  const prepay = prepayExecution(instance, c, limit, true, wasm64);
  if (prepay instanceof IcError) {
    throw new IcError({ errorCode: 'CanisterOutOfCycles', message: `Canister installation failed with \`${prepay.message}\`.` });
  }
  const saved = c.saveCode();
  let used = 0n;
  // Effects of the install's executions, applied only once the whole install has succeeded.
  let balanceDelta = 0n;
  const run = (mode: 'init' | 'pre_upgrade' | 'post_upgrade', exportName: string, arg: Uint8Array) => {
    if (!c.hasExport(exportName)) return;
    const ctx = newContext({ mode, instructionLimit: limit - used, caller: args.caller, arg });
    const outcome = c.execute({ ctx, entry: { export: exportName } });
    used += outcome.instructions;
    if (!outcome.ok) throw trapToIcError(c.idText, outcome.trap!);
    balanceDelta += ctx.balanceDelta;
    if (ctx.certifiedData) c.certifiedData = ctx.certifiedData;
    if (ctx.globalTimer !== null) c.globalTimer = ctx.globalTimer;
  };
  const instantiate = (heap?: Uint8Array) => {
    try {
      c.instantiate(module, heap);
    } catch (e) {
      if (e instanceof IcError) throw e;
      throw new IcError({
        errorCode: 'CanisterInvalidWasm',
        message: `Error from Canister ${c.idText}: Canister's Wasm module is not valid: ${(e as Error).message}`,
      });
    }
    const start = c.runStart(limit - used);
    used += start.instructions;
    if (start.error) throw start.error;
  };
  try {
    if ('install' in mode || 'reinstall' in mode) {
      if ('install' in mode && c.module) {
        throw new IcError({
          errorCode: 'CanisterNonEmpty',
          message: `Canister ${c.idText} cannot be installed because the canister is not empty. Try installing with mode='reinstall' instead.`,
        });
      }
      c.dropInstance();
      c.resetStable();
      // Reinstalling purges the canister's logs (IC spec, "fetch_canister_logs").
      if ('reinstall' in mode) c.log.clear();
      c.certifiedData = new Uint8Array(0);
      c.globalTimer = 0n;
      instantiate();
      run('init', 'canister_init', args.arg);
      // Open calls are rejected only now that the new code is in place.
      rejectOpenCalls(instance, c, 'Canister has been reinstalled.');
    } else {
      if (!c.module || !c.hasInstance) {
        throw new IcError({ errorCode: 'CanisterWasmModuleNotFound', message: messages.noWasm(c.idText) });
      }
      const options = mode.upgrade[0];
      const persistence = options?.wasm_memory_persistence[0];
      const keep = persistence !== undefined && 'keep' in persistence;
      if (keep && !module.enhancedOrthogonalPersistence) {
        throw new IcError({
          errorCode: 'CanisterContractViolation',
          message: `Error from Canister ${c.idText}: Invalid upgrade option: The \`wasm_memory_persistence: opt Keep\` upgrade option requires that the new canister module supports enhanced orthogonal persistence.`,
        });
      }
      // Only a missing option is refused: `replace` deliberately drops the main memory, as the IC
      // allows (IC spec "IC method install_code", upgrade option wasm_memory_persistence).
      if (persistence === undefined && c.module.enhancedOrthogonalPersistence) {
        throw new IcError({
          errorCode: 'CanisterContractViolation',
          message: `Error from Canister ${c.idText}: Missing upgrade option: Enhanced orthogonal persistence requires the \`wasm_memory_persistence\` upgrade option.`,
        });
      }
      if (!options?.skip_pre_upgrade[0]) run('pre_upgrade', 'canister_pre_upgrade', new Uint8Array(0));
      const heap = keep ? c.heapView().slice() : undefined;
      c.dropInstance();
      c.globalTimer = 0n;
      instantiate(heap);
      run('post_upgrade', 'canister_post_upgrade', args.arg);
    }
    c.cycles += balanceDelta;
    c.version++;
    c.history.record({
      timestamp_nanos: instance.time(),
      canister_version: c.version,
      origin: args.origin ?? { from_user: { user_id: args.caller } },
      details: {
        code_deployment: {
          mode: 'install' in mode ? { install: null } : 'reinstall' in mode ? { reinstall: null } : { upgrade: null },
          module_hash: module.hash,
        },
      },
    });
  } catch (e) {
    c.restoreCode(saved);
    // A failed reinstall leaves the logs it purged; other failures keep what they logged.
    if ('reinstall' in mode) c.log.restore(savedLog);
    throw e;
  } finally {
    refundUnusedExecution(instance, c, { prepaid: prepay.prepaid, limit, used, wasm64 });
  }
}

export function uninstall(instance: Instance, c: Canister): void {
  rejectOpenCalls(instance, c, 'Canister has been uninstalled.');
  c.uninstall();
  // Uninstalling purges the canister's logs (IC spec, "fetch_canister_logs").
  c.log.clear();
  c.version++;
}

/** Calls a canister has not answered are rejected when its code goes away. */
function rejectOpenCalls(instance: Instance, c: Canister, message: string): void {
  for (const cc of c.callContexts.values()) {
    if (!cc.responded) {
      instance.respond(
        cc.origin,
        { kind: 'reject', code: RejectCode.CanisterReject, message, errorCode: 'CanisterRejectedMessage' },
        cc.cyclesAvailable,
      );
    }
  }
  c.callContexts.clear();
  c.callbacks.clear();
  instance.checkStopped(c);
}

function threshold(call: Call): ManagementOutcome {
  const service = call.instance.services.threshold;
  if (!service) {
    throw new IcError({
      errorCode: 'UnknownManagementMessage',
      rejectCode: RejectCode.CanisterReject,
      message: `${call.method} is not available on this devnet`,
    });
  }
  const r = service.handle({
    method: call.method,
    arg: call.arg,
    caller: call.caller.toUint8Array(),
    callerIsCanister: call.callerCanister !== null,
    cyclesAttached: call.cycles,
  });
  const refund = call.cycles - r.cyclesCharged;
  const result: CallResult =
    r.kind === 'reply'
      ? { kind: 'reply', bytes: r.reply }
      : {
          kind: 'reject',
          code: r.code as RejectCode,
          message: r.message,
          // Code 3 is the replica's routing stage refusing the request (bad payload, unknown key).
          errorCode: r.code === RejectCode.DestinationInvalid ? 'InvalidManagementPayload' : 'CanisterRejectedMessage',
        };
  if (r.kind === 'reply' && call.method.startsWith('sign_with_')) {
    call.instance.respondLater({ origin: call.origin, result, refund, rounds: call.instance.services.signingRounds });
    return { kind: 'deferred' };
  }
  return { kind: 'done', result, refund };
}

function httpRequest(call: Call): ManagementOutcome {
  if (!call.callerCanister) {
    throw new IcError({ errorCode: 'CanisterRejectedMessage', message: 'ic00 method http_request can not be called via ingress messages' });
  }
  return call.instance.services.outcalls.request({
    instance: call.instance,
    caller: call.callerCanister,
    arg: call.arg,
    cycles: call.cycles,
    origin: call.origin,
  });
}
