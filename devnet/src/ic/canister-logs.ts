/**
 * Canister logs (IC spec, "IC method fetch_canister_logs"): what a canister prints with
 * `ic0.debug_print`, and the message of a trap, kept per canister with an index and a timestamp,
 * in a buffer of bounded size whose oldest records make room for new ones. Read by
 * `fetch_canister_logs`, a query on the management canister, as the canister's `log_visibility`
 * allows.
 */
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import type { Canister, ExecMode } from './canister.ts';
import { CanisterTrap, IcError, messages } from './errors.ts';
import type { CallResult, Instance } from './instance.ts';

/**
 * The buffer's capacity in bytes unless `log_memory_limit` says otherwise: 4 KiB, the replica's
 * DEFAULT_AGGREGATE_LOG_MEMORY_LIMIT (dfinity/ic rs/replicated_state/src/canister_state/
 * system_state/log_memory_store), as the spec says ("The total size of all returned logs does
 * not exceed 4KiB"). A limit of 0 turns logging off; any other must lie between the replica's
 * MIN_ and MAX_AGGREGATE_LOG_MEMORY_LIMIT.
 */
export const LOG_BUFFER_BYTES = 4 * 1024;
export const MIN_LOG_MEMORY_LIMIT = 4 * 1024;
export const MAX_LOG_MEMORY_LIMIT = 2 * 1024 * 1024;
/**
 * Bytes a record takes besides its content: the replica counts `size_of::<CanisterLogRecord>()`,
 * two u64 and a Vec (8 + 8 + 24), plus the content (ic_management_canister_types
 * `impl DataSize for CanisterLogRecord`).
 */
export const LOG_RECORD_OVERHEAD = 40;

export interface LogRecord {
  idx: bigint;
  timestampNanos: bigint;
  content: Uint8Array;
}

/**
 * Modes whose logs are not kept: the non-replicated ones (IC spec, "fetch_canister_logs": no
 * logs from NRQ, TQ, CQ, CRy, CRt, CC and F modes).
 */
const NOT_LOGGED: ReadonlySet<ExecMode> = new Set(['query', 'composite_query', 'composite_reply', 'composite_reject', 'inspect']);

export function isLogged(mode: ExecMode): boolean {
  return !NOT_LOGGED.has(mode);
}

export class CanisterLog {
  private records: LogRecord[] = [];
  private used = 0;
  /** Indices keep counting across upgrades, reinstalls and purges. */
  private nextIdx = 0n;
  private capacity = LOG_BUFFER_BYTES;

  /** The canister's `log_memory_limit`. */
  get limit(): number {
    return this.capacity;
  }

  /** A new `log_memory_limit`: the oldest records go until the rest fit. */
  setLimit(bytes: number): void {
    this.capacity = bytes;
    this.trim(0);
  }

  /** Add a record; its content is cut to fit the buffer, and the oldest records make room for it. */
  add(timestampNanos: bigint, content: Uint8Array): void {
    if (this.capacity === 0) return;
    const room = this.capacity - LOG_RECORD_OVERHEAD;
    const body = content.length > room ? content.slice(0, room) : content;
    const size = LOG_RECORD_OVERHEAD + body.length;
    this.trim(size);
    this.records.push({ idx: this.nextIdx++, timestampNanos, content: body.slice() });
    this.used += size;
  }

  private trim(incoming: number): void {
    while (this.records.length > 0 && this.used + incoming > this.capacity) {
      const dropped = this.records.shift()!;
      this.used -= LOG_RECORD_OVERHEAD + dropped.content.length;
    }
  }

  /** The trap message of a trapping message, as the replica logs it (`[TRAP]: ...`). */
  addTrap(timestampNanos: bigint, trap: CanisterTrap): void {
    // dfinity/ic rs/embedders/src/wasm_executor.rs: traps and explicit `ic0.trap` calls are logged,
    // other failures (instruction limit, contract violations) are not.
    if (trap.kind !== 'trap' && trap.kind !== 'called_trap') return;
    const text = trap.kind === 'called_trap' && trap.message === '' ? '(no message)' : trap.message;
    this.add(timestampNanos, new TextEncoder().encode(`[TRAP]: ${text}`));
  }

  /** Reinstall and uninstall purge the records; the index goes on. */
  clear(): void {
    this.records = [];
    this.used = 0;
  }

  /** Bytes the buffer holds. */
  get usedBytes(): number {
    return this.used;
  }

  list(): readonly LogRecord[] {
    return this.records;
  }

  /** A copy, so a failed install_code can put the records back. */
  save(): { records: LogRecord[]; used: number } {
    return { records: [...this.records], used: this.used };
  }
  restore(saved: { records: LogRecord[]; used: number }): void {
    this.records = saved.records;
    this.used = saved.used;
  }
}

/**
 * A `log_memory_limit` from canister settings, checked as the replica checks it (its
 * CanisterLogMemoryLimitIsTooLow/High errors; byte counts printed as the replica prints NumBytes).
 */
export function checkLogMemoryLimit(bytes: bigint): number {
  if (bytes !== 0n && bytes < BigInt(MIN_LOG_MEMORY_LIMIT)) {
    throw new IcError({
      errorCode: 'CanisterRejectedMessage',
      message: `The canister log memory limit ${formatBytes(bytes)} is too low. It must be at least ${formatBytes(BigInt(MIN_LOG_MEMORY_LIMIT))}.`,
    });
  }
  if (bytes > BigInt(MAX_LOG_MEMORY_LIMIT)) {
    throw new IcError({
      errorCode: 'CanisterRejectedMessage',
      message: `The canister log memory limit ${formatBytes(bytes)} is too high. It must be at most ${formatBytes(BigInt(MAX_LOG_MEMORY_LIMIT))}.`,
    });
  }
  return Number(bytes);
}

/** Bytes in binary units with two decimals, as the replica displays NumBytes (byte_unit). */
function formatBytes(n: bigint): string {
  if (n < 1024n) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let value = Number(n) / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)} ${units[unit]}`;
}

const canister_log_record = IDL.Record({ idx: IDL.Nat64, timestamp_nanos: IDL.Nat64, content: IDL.Vec(IDL.Nat8) });
export const fetch_canister_logs = {
  arg: IDL.Record({ canister_id: IDL.Principal }),
  ret: IDL.Record({ canister_log_records: IDL.Vec(canister_log_record) }),
};

/** Who may read a canister's logs (IC spec, `log_visibility` in `canister_settings`). */
export function mayReadLogs(c: Canister, caller: Principal): boolean {
  const v = c.settings.logVisibility;
  if ('public' in v) return true;
  if (c.isController(caller)) return true;
  return 'allowed_viewers' in v && v.allowed_viewers.some((p) => p.toText() === caller.toText());
}

/**
 * `fetch_canister_logs` as a query (IC spec: callable only by users, in non-replicated calls).
 * Errors have the replica's codes and texts (dfinity/ic
 * rs/execution_environment/src/query_handler/fetch_canister_logs.rs).
 */
export function fetchCanisterLogs(inst: Instance, args: { sender: Principal; arg: Uint8Array }): CallResult {
  let canisterId: Principal;
  try {
    canisterId = (IDL.decode([fetch_canister_logs.arg], args.arg)[0] as unknown as { canister_id: Principal }).canister_id;
  } catch (e) {
    throw new IcError({ errorCode: 'InvalidManagementPayload', message: `Error decoding candid: ${(e as Error).message}` });
  }
  const c = inst.getCanister(canisterId);
  if (!c) throw new IcError({ errorCode: 'CanisterNotFound', message: messages.canisterNotFound(canisterId.toText()) });
  if (!mayReadLogs(c, args.sender)) {
    throw new IcError({
      errorCode: 'CanisterRejectedMessage',
      message: `Caller ${args.sender.toText()} is not allowed to access canister logs`,
    });
  }
  const records = c.log.list().map((r) => ({ idx: r.idx, timestamp_nanos: r.timestampNanos, content: r.content }));
  return { kind: 'reply', bytes: new Uint8Array(IDL.encode([fetch_canister_logs.ret], [{ canister_log_records: records }])) };
}

/** The replica refuses `fetch_canister_logs` in replicated calls, ingress and inter-canister alike. */
export function fetchLogsReplicatedError(): IcError {
  // dfinity/ic rs/execution_environment/src/execution_environment.rs (Ic00Method::FetchCanisterLogs).
  return new IcError({
    errorCode: 'CanisterRejectedMessage',
    message: 'fetch_canister_logs API is only accessible in non-replicated mode',
  });
}
