/**
 * One canister: its settings, cycles, code and the running Wasm instance with orthogonal
 * persistence. `execute` runs one message with the IC's semantics: the instruction budget of its
 * kind, every change rolled back on a trap, queries never persisting, effects (reply, calls,
 * certified data, timer, accepted cycles) committed only when the message succeeds.
 */
import type { Principal } from '@icp-sdk/core/principal';
import type { CanisterModule } from './wasm-module.ts';
import { CanisterTrap, IcError } from './errors.ts';
import { createSystemApi, newContext, type ExecContext, type ExecMode } from './system-api.ts';
import { limits } from './limits.ts';
import { CanisterLog, isLogged } from './canister-logs.ts';
import { CanisterHistory } from './canister-history.ts';
import type { Snapshot } from './snapshots.ts';

export type CanisterStatus = 'running' | 'stopping' | 'stopped';

export interface CanisterSettings {
  controllers: Principal[];
  computeAllocation: bigint;
  memoryAllocation: bigint;
  freezingThreshold: bigint;
  reservedCyclesLimit: bigint;
  wasmMemoryLimit: bigint;
  wasmMemoryThreshold: bigint;
  logVisibility: { controllers: null } | { public: null } | { allowed_viewers: Principal[] };
  environmentVariables: { name: string; value: string }[];
}

/** An open call context: an incoming call this canister has not responded to yet. */
export interface CallContext {
  id: number;
  origin: Origin;
  caller: Principal;
  cyclesAvailable: bigint;
  responded: boolean;
  outstandingCallbacks: number;
  /** Instructions executed on behalf of this call context (performance_counter type 1). */
  instructions: bigint;
  deadline: bigint;
}

/** Where the response to a call goes. */
export type Origin =
  | { kind: 'ingress'; messageId: string }
  | { kind: 'canister'; canister: Principal; callbackId: number }
  | { kind: 'system'; ticket: number };

export interface Callback {
  id: number;
  callContextId: number;
  reply: { fun: bigint; env: bigint };
  reject: { fun: bigint; env: bigint };
  cleanup: { fun: bigint; env: bigint } | null;
  /** The code that registered it; a callback of replaced code never runs. */
  codeVersion: number;
  /** A bounded-wait call's deadline (ns since the epoch), 0 for a call that waits for its response. */
  deadline: bigint;
  /** The deadline passed and the call was rejected with SYS_UNKNOWN: a late response is dropped. */
  expired?: boolean;
}

interface Checkpoint {
  memory: Uint8Array | null;
  /** The heap copy lives in the canister's reusable scratch buffer (released after use). */
  scratch?: boolean;
  memoryPages: number;
  globals: (number | bigint)[];
  stablePages: bigint;
  stableUndo: number;
}

export interface SavedCode {
  module: CanisterModule | null;
  instance: WebAssembly.Instance | null;
  memory: WebAssembly.Memory | null;
  table: WebAssembly.Table | null;
  counter: WebAssembly.Global | null;
  globals: WebAssembly.Global[];
  codeVersion: number;
  heap: Uint8Array | null;
  globalValues: (number | bigint)[];
  stable: Uint8Array;
  stablePages: bigint;
  certifiedData: Uint8Array;
  globalTimer: bigint;
}

export interface ExecOutcome {
  ok: boolean;
  trap: CanisterTrap | null;
  instructions: bigint;
}

const WASM_PAGE = 65536;
const STABLE_PAGE = 65536n;

export class Canister {
  readonly id: Principal;
  readonly idText: string;
  readonly subnetIndex: number;
  settings: CanisterSettings;
  status: CanisterStatus = 'running';
  cycles: bigint;
  /** When the canister was last charged for its memory and compute allocation (cycles-account.ts). */
  lastAllocationChargeNs = 0n;
  module: CanisterModule | null = null;
  version = 0n;
  /** Bumped whenever the code or heap is replaced (install, reinstall, upgrade, uninstall). */
  codeVersion = 0;
  certifiedData: Uint8Array = new Uint8Array(0);
  globalTimer = 0n;
  chunkStore = new Map<string, Uint8Array>();
  /** Canister snapshots by hex id, and the local index of the next one (snapshots.ts). */
  snapshots = new Map<string, Snapshot>();
  nextSnapshotId = 0n;
  /** Who may list the snapshots (the `snapshot_visibility` setting). */
  snapshotVisibility: CanisterSettings['logVisibility'] = { controllers: null };
  /** debug_print output and trap messages (canister-logs.ts). */
  readonly log = new CanisterLog();
  /** Changes canister_info reports (canister-history.ts). */
  readonly history = new CanisterHistory();
  callContexts = new Map<number, CallContext>();
  callbacks = new Map<number, Callback>();
  /** Stop requests waiting for the canister to become stopped (management tickets). */
  stopWaiters: number[] = [];
  /** Instructions executed by queries and updates, for the bench and canister_status. */
  stats = { updates: 0, queries: 0, instructions: 0n, wasmMs: 0 };

  stable: Uint8Array = new Uint8Array(0);
  stablePages = 0n;
  /** Undo log of stable writes within the current message: offset and the bytes overwritten. */
  stableUndo: { offset: number; bytes: Uint8Array }[] = [];

  private instance: WebAssembly.Instance | null = null;
  private memory: WebAssembly.Memory | null = null;
  private table: WebAssembly.Table | null = null;
  private counter: WebAssembly.Global | null = null;
  private globals: WebAssembly.Global[] = [];
  /**
   * A reusable buffer for the per-message heap checkpoint: copying into an existing buffer costs a
   * tenth of allocating a fresh copy (11.6 MB Azle heap: 0.4 ms against 4.2 ms).
   */
  private scratch: Uint8Array | null = null;
  private scratchInUse = false;
  /** Checkpoints held across several executions (composite queries) keep the stable undo log. */
  private heldCheckpoints = 0;
  private nextCallbackId = 1;
  private nextCallContextId = 1;
  /** The system API's view of the instance; rebuilt with the instance. */
  private currentContext: ExecContext | null = null;
  private readonly host: CanisterHost;

  constructor(args: { id: Principal; subnetIndex: number; settings: CanisterSettings; cycles: bigint; host: CanisterHost }) {
    this.id = args.id;
    this.idText = args.id.toText();
    this.subnetIndex = args.subnetIndex;
    this.settings = args.settings;
    this.cycles = args.cycles;
    this.host = args.host;
  }

  get hasInstance(): boolean {
    return this.instance !== null;
  }

  get memory64(): boolean {
    return this.module?.info.memory64 ?? false;
  }

  /** The mode of the message executing now, if any (for debug_print's log). */
  get executingMode(): ExecMode | null {
    return this.currentContext?.mode ?? null;
  }

  /** The Wasm module, heap, mutable globals and stable memory, as a snapshot keeps them (snapshots.ts). */
  captureState(): { module: CanisterModule; heap: Uint8Array; globals: (number | bigint)[]; stable: Uint8Array } | null {
    if (!this.module || !this.instance) return null;
    return {
      module: this.module,
      heap: this.memory ? new Uint8Array(this.memory.buffer).slice() : new Uint8Array(0),
      globals: this.globals.map((g) => g.value as number | bigint),
      stable: this.getStableMemory(),
    };
  }

  /** Replace code and memories with a snapshot's: a new instance of its module, on its heap and globals. */
  loadState(s: { module: CanisterModule; heap: Uint8Array; globals: (number | bigint)[]; stable: Uint8Array }): void {
    this.dropInstance();
    this.instantiate(s.module, s.heap);
    this.globals.forEach((g, i) => (g.value = s.globals[i]));
    this.setStableMemory(s.stable);
  }

  isController(p: Principal): boolean {
    const text = p.toText();
    return this.settings.controllers.some((c) => c.toText() === text);
  }

  /** Bytes of heap memory (for canister_status memory_size). */
  heapBytes(): bigint {
    return this.memory ? BigInt(this.memory.buffer.byteLength) : 0n;
  }

  heapView(): Uint8Array {
    if (!this.memory) throw new CanisterTrap('trap', 'heap out of bounds');
    return new Uint8Array(this.memory.buffer);
  }

  /** Instantiate `module` with a fresh heap, or with `keepHeap` copied in (upgrade with `keep`). */
  instantiate(module: CanisterModule, keepHeap?: Uint8Array): void {
    const api = createSystemApi({ canister: this, host: this.host, context: () => this.requireContext(), memory64: module.info.memory64 });
    const ic0: Record<string, (...args: (number | bigint)[]) => number | bigint | undefined> = {};
    for (const imp of module.info.functionImports) {
      if (imp.module !== 'ic0') {
        throw new IcError({
          errorCode: 'CanisterInvalidWasm',
          message: `Wasm module has an invalid import section. Module imports function '${imp.name}' from '${imp.module}' that is not exported by the runtime.`,
        });
      }
      const impl = api[imp.name];
      if (!impl) {
        throw new IcError({
          errorCode: 'CanisterInvalidWasm',
          message: `Wasm module has an invalid import section. Module imports function '${imp.name}' from 'ic0' that is not exported by the runtime.`,
        });
      }
      const result = imp.results[0];
      // The host functions take and return JS numbers and bigints; adapt them to the module's declared
      // signature (i32 <-> number, i64 <-> bigint), which differs between wasm32 and wasm64 modules.
      ic0[imp.name] =
        result === 'i64'
          ? (...a) => BigInt(impl(...a) ?? 0)
          : result === 'i32'
            ? (...a) => Number(impl(...a) ?? 0)
            : (...a) => {
                impl(...a);
                return undefined;
              };
    }
    const instance = new WebAssembly.Instance(module.compiled, { ic0 });
    const exports = instance.exports;
    const info = module.info;
    this.instance = instance;
    this.module = module;
    this.memory = info.memoryExport ? (exports[info.memoryExport] as WebAssembly.Memory) : null;
    this.table = info.tableExport ? (exports[info.tableExport] as WebAssembly.Table) : null;
    this.counter = exports[info.counterExport] as WebAssembly.Global;
    this.globals = info.mutableGlobalExports.map((n) => exports[n] as WebAssembly.Global);
    if (keepHeap && this.memory) {
      this.growHeapTo(keepHeap.length);
      new Uint8Array(this.memory.buffer).set(keepHeap as Uint8Array<ArrayBuffer>);
    }
  }

  /**
   * Run the module's start function (exported by the instrumentation instead of running at
   * instantiation), on the heap the canister will have: fresh, or kept across an upgrade.
   */
  runStart(instructionLimit: bigint): { instructions: bigint; error: IcError | null } {
    const name = this.module?.info.startExport;
    if (!name || !this.instance || !this.counter) return { instructions: 0n, error: null };
    const ctx = newContext({ mode: 'start', instructionLimit });
    this.counter.value = ctx.instructionLimit;
    this.currentContext = ctx;
    // The start function's instructions count against install_code's budget and are charged.
    const used = () => instructionsUsed(ctx.instructionLimit, this.counter!.value as bigint);
    try {
      (this.instance.exports[name] as () => void)();
      return { instructions: used(), error: null };
    } catch (e) {
      const trap = this.classifyTrap(e, ctx);
      if (this.host.replicatedExecution()) this.log.addTrap(this.host.time(), trap);
      const error = new IcError({
        errorCode: 'CanisterTrapped',
        message: `Error from Canister ${this.idText}: Canister trapped in its start function: ${trap.message}`,
      });
      return { instructions: used(), error };
    } finally {
      this.currentContext = null;
    }
  }

  /** Drop the code and the heap (uninstall, reinstall, and the heap-reset half of an upgrade). */
  dropInstance(): void {
    this.codeVersion++;
    this.instance = null;
    this.memory = null;
    this.table = null;
    this.counter = null;
    this.globals = [];
  }

  /** Everything install_code may replace, so a failed install leaves the canister as it was. */
  saveCode(): SavedCode {
    return {
      module: this.module,
      instance: this.instance,
      memory: this.memory,
      table: this.table,
      counter: this.counter,
      globals: this.globals,
      codeVersion: this.codeVersion,
      heap: this.memory ? new Uint8Array(this.memory.buffer).slice() : null,
      globalValues: this.globals.map((g) => g.value as number | bigint),
      stable: this.stable.slice(0, Number(this.stablePages * STABLE_PAGE)),
      stablePages: this.stablePages,
      certifiedData: this.certifiedData,
      globalTimer: this.globalTimer,
    };
  }
  restoreCode(saved: SavedCode): void {
    this.module = saved.module;
    this.instance = saved.instance;
    this.memory = saved.memory;
    this.table = saved.table;
    this.counter = saved.counter;
    this.globals = saved.globals;
    this.codeVersion = saved.codeVersion;
    if (saved.heap && saved.module)
      this.restore({
        memory: saved.heap,
        memoryPages: saved.heap.length / WASM_PAGE,
        globals: saved.globalValues,
        stablePages: this.stablePages,
        stableUndo: this.stableUndo.length,
      });
    this.stable = saved.stable;
    this.stablePages = saved.stablePages;
    this.certifiedData = saved.certifiedData;
    this.globalTimer = saved.globalTimer;
  }

  uninstall(): void {
    this.dropInstance();
    this.module = null;
    this.certifiedData = new Uint8Array(0);
    this.globalTimer = 0n;
  }

  resetStable(): void {
    this.stable = new Uint8Array(0);
    this.stablePages = 0n;
  }

  hasExport(name: string): boolean {
    return !!this.module && this.module.info.exportedFunctions.some((f) => f.name === name);
  }

  newCallContext(args: { origin: Origin; caller: Principal; cycles: bigint; deadline?: bigint }): CallContext {
    const ctx: CallContext = {
      id: this.nextCallContextId++,
      origin: args.origin,
      caller: args.caller,
      cyclesAvailable: args.cycles,
      responded: false,
      outstandingCallbacks: 0,
      instructions: 0n,
      deadline: args.deadline ?? 0n,
    };
    this.callContexts.set(ctx.id, ctx);
    return ctx;
  }

  registerCallback(cb: Omit<Callback, 'id'>): Callback {
    const full = { ...cb, id: this.nextCallbackId++ };
    this.callbacks.set(full.id, full);
    return full;
  }

  /**
   * Run one message. `entry` is an exported function name, or a table index for callbacks.
   * On a trap everything the message changed is rolled back; a query is always rolled back.
   */
  execute(args: { ctx: ExecContext; entry: { export: string } | { table: bigint; env: bigint }; keep?: boolean }): ExecOutcome {
    const { ctx } = args;
    if (!this.instance || !this.counter) throw new Error(`invariant: canister ${this.idText} has no instance`);
    const rollbackAlways =
      ctx.mode === 'query' || ctx.mode === 'composite_query' || ctx.mode === 'replicated_query' || ctx.mode === 'inspect';
    const checkpoint = this.checkpoint();
    const heapBefore = this.heapBytes();
    this.counter.value = ctx.instructionLimit;
    this.currentContext = ctx;
    let trap: CanisterTrap | null = null;
    const started = performance.now();
    try {
      const fn = this.resolveEntry(args.entry);
      if ('env' in args.entry) fn(this.memory64 ? args.entry.env : Number(args.entry.env));
      else fn();
    } catch (e) {
      trap = this.classifyTrap(e, ctx);
      // A trap's message is logged in replicated modes, and so is what the message printed before.
      if (isLogged(ctx.mode) && this.host.replicatedExecution()) this.log.addTrap(this.host.time(), trap);
    } finally {
      this.currentContext = null;
      this.stats.wasmMs += performance.now() - started;
    }
    if (!trap && !rollbackAlways) trap = this.memoryGrowthTrap(ctx.mode, heapBefore);
    const instructions = instructionsUsed(ctx.instructionLimit, this.counter.value as bigint);
    this.stats.instructions += instructions;
    if (trap || (rollbackAlways && !args.keep)) this.restore(checkpoint);
    this.release(checkpoint);
    if (this.heldCheckpoints === 0) this.stableUndo.length = 0;
    return { ok: trap === null, trap, instructions };
  }

  /**
   * Wasm memory grown past the canister's limits traps, as the replica's `try_grow_wasm_memory`
   * does after each `memory.grow` (rs/embedders/src/wasmtime_embedder/system_api.rs). Checked when
   * the message ends: memory never shrinks, so its final size is its peak.
   * - `wasm_memory_limit` (0: none) binds update methods, init and post_upgrade only (IC spec,
   *   canister settings: it is ignored for queries, response callbacks, global timers, heartbeats
   *   and pre_upgrade);
   * - `memory_allocation` (0: best effort) caps the canister's whole memory usage.
   */
  private memoryGrowthTrap(mode: ExecMode, heapBefore: bigint): CanisterTrap | null {
    const heap = this.heapBytes();
    if (heap <= heapBefore) return null;
    const limit = this.settings.wasmMemoryLimit;
    if (limit !== 0n && heap > limit && (mode === 'update' || mode === 'init' || mode === 'post_upgrade')) {
      return new CanisterTrap(
        'wasm_memory_limit',
        `Canister exceeded its current Wasm memory limit of ${limit} bytes. The peak Wasm memory usage was ${heap} bytes. ` +
          'If the canister reaches 4GiB, then it may stop functioning and may become unrecoverable. ' +
          'Please reach out to the canister owner to investigate the reason for the increased memory usage. ' +
          'It might be necessary to move data from the Wasm memory to the stable memory. ' +
          'If such high Wasm memory usage is expected and safe, then the developer can increase the Wasm memory limit in the canister settings.',
      );
    }
    const allocation = this.settings.memoryAllocation;
    if (allocation !== 0n && this.memoryBytes() > allocation) {
      return new CanisterTrap('out_of_memory', 'Canister cannot grow its memory usage.');
    }
    return null;
  }

  /** The canister's memory usage: heap, stable memory, Wasm binary and chunk store. */
  memoryBytes(): bigint {
    const binary = BigInt(this.module?.info.bytes.length ?? 0);
    const chunks = [...this.chunkStore.values()].reduce((n, b) => n + BigInt(b.length), 0n);
    return this.heapBytes() + this.stablePages * STABLE_PAGE + binary + chunks;
  }

  /** Instructions used so far by the running message (performance_counter 0). */
  instructionsSoFar(ctx: ExecContext): bigint {
    if (!this.counter) return 0n;
    return ctx.instructionLimit - (this.counter.value as bigint);
  }

  /** Charge host-side work (system API calls) against the running message's budget. */
  chargeInstructions(n: bigint): void {
    if (this.counter) this.counter.value = (this.counter.value as bigint) - n;
  }

  private requireContext(): ExecContext {
    if (!this.currentContext) throw new Error(`invariant: system API called outside of a message on ${this.idText}`);
    return this.currentContext;
  }

  private resolveEntry(entry: { export: string } | { table: bigint; env: bigint }): (...a: unknown[]) => unknown {
    if ('export' in entry) {
      const fn = this.instance!.exports[entry.export];
      if (typeof fn !== 'function') throw new Error(`invariant: export ${entry.export} missing`);
      return fn as (...a: unknown[]) => unknown;
    }
    if (!this.table) throw new CanisterTrap('trap', 'table out of bounds');
    let fn: unknown;
    try {
      fn = this.table.get(Number(entry.table));
    } catch {
      try {
        fn = (this.table.get as unknown as (i: bigint) => unknown).call(this.table, entry.table);
      } catch {
        throw new CanisterTrap('trap', 'table out of bounds');
      }
    }
    if (typeof fn !== 'function') throw new CanisterTrap('trap', 'table out of bounds');
    return fn as (...a: unknown[]) => unknown;
  }

  private classifyTrap(e: unknown, ctx: ExecContext): CanisterTrap {
    if (e instanceof CanisterTrap) return e;
    if (this.counter && (this.counter.value as bigint) < 0n) {
      return new CanisterTrap('instruction_limit', ctx.instructionLimit.toString());
    }
    if (e instanceof WebAssembly.RuntimeError) {
      const m = e.message;
      if (/unreachable/.test(m)) return new CanisterTrap('trap', 'unreachable');
      if (/memory access out of bounds/.test(m)) return new CanisterTrap('trap', 'heap out of bounds');
      if (/divide by zero|remainder by zero/.test(m)) return new CanisterTrap('trap', 'integer division by 0');
      if (/integer overflow|float unrepresentable|float-to-int/.test(m)) return new CanisterTrap('trap', 'integer overflow');
      if (/table index is out of bounds|element segment out of bounds|table.*out of bounds/.test(m)) {
        return new CanisterTrap('trap', 'table out of bounds');
      }
      if (/signature mismatch|null function/.test(m)) return new CanisterTrap('trap', 'indirect call type mismatch');
      return new CanisterTrap('trap', m);
    }
    if (e instanceof RangeError && /call stack/i.test(e.message)) return new CanisterTrap('trap', 'stack overflow');
    if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.CompileError) {
      return new CanisterTrap('trap', e.message);
    }
    // A host-side failure is a devnet bug; report it as a trap so the devnet keeps serving.
    return new CanisterTrap('trap', `devnet internal error: ${(e as Error)?.message ?? String(e)}`);
  }

  /** Hold a checkpoint across several executions (a composite query and its callbacks). */
  saveForComposite(): Checkpoint {
    this.heldCheckpoints++;
    return this.checkpoint();
  }
  restoreComposite(cp: Checkpoint): void {
    this.restore(cp);
    this.release(cp);
    this.heldCheckpoints--;
    if (this.heldCheckpoints === 0) this.stableUndo.length = 0;
  }

  private checkpoint(): Checkpoint {
    let memory: Uint8Array | null = null;
    let scratch = false;
    if (this.memory) {
      const heap = new Uint8Array(this.memory.buffer);
      if (!this.scratchInUse) {
        if (!this.scratch || this.scratch.length !== heap.length) this.scratch = new Uint8Array(heap.length);
        this.scratch.set(heap);
        memory = this.scratch;
        scratch = true;
        this.scratchInUse = true;
      } else {
        memory = heap.slice();
      }
    }
    return {
      memory,
      scratch,
      memoryPages: this.memory ? this.memory.buffer.byteLength / WASM_PAGE : 0,
      globals: this.globals.map((g) => g.value as number | bigint),
      stablePages: this.stablePages,
      stableUndo: this.stableUndo.length,
    };
  }

  private release(cp: Checkpoint): void {
    if (cp.scratch) this.scratchInUse = false;
  }

  private restore(cp: Checkpoint): void {
    if (this.memory && cp.memory) {
      const pagesNow = this.memory.buffer.byteLength / WASM_PAGE;
      if (pagesNow !== cp.memoryPages && this.module) {
        // Memory cannot shrink: start a new instance of the same module and give it the old heap.
        const globals = cp.globals;
        this.instantiate(this.module, cp.memory);
        this.globals.forEach((g, i) => (g.value = globals[i]));
      } else {
        new Uint8Array(this.memory.buffer).set(cp.memory);
        this.globals.forEach((g, i) => (g.value = cp.globals[i]));
      }
    }
    for (let i = this.stableUndo.length - 1; i >= cp.stableUndo; i--) {
      const u = this.stableUndo[i];
      this.stable.set(u.bytes, u.offset);
    }
    this.stableUndo.length = cp.stableUndo;
    if (this.stablePages !== cp.stablePages) {
      const size = Number(cp.stablePages * STABLE_PAGE);
      this.stable.fill(0, size);
      this.stablePages = cp.stablePages;
    }
  }

  private growHeapTo(bytes: number): void {
    if (!this.memory) return;
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / WASM_PAGE);
    if (this.memory64) (this.memory.grow as unknown as (n: bigint) => bigint)(BigInt(pages));
    else this.memory.grow(pages);
  }

  // ---- stable memory (host side of stable64_*) ----

  stableGrow(newPages: bigint): bigint {
    const old = this.stablePages;
    if (newPages < 0n || old + newPages > limits.maxStablePages) return -1n;
    // Growing past the memory allocation fails (`try_grow_stable_memory`).
    const allocation = this.settings.memoryAllocation;
    if (allocation !== 0n && newPages > 0n && this.memoryBytes() + newPages * STABLE_PAGE > allocation) return -1n;
    const needed = Number((old + newPages) * STABLE_PAGE);
    if (needed > this.stable.length) {
      const capacity = Math.max(needed, Math.min(this.stable.length * 2, Number(limits.maxStablePages * STABLE_PAGE)));
      const next = new Uint8Array(capacity);
      next.set(this.stable);
      this.stable = next;
    }
    this.stablePages = old + newPages;
    return old;
  }

  stableWrite(offset: number, bytes: Uint8Array): void {
    const end = offset + bytes.length;
    if (offset < 0 || end > Number(this.stablePages * STABLE_PAGE)) throw new CanisterTrap('trap', 'stable memory out of bounds');
    this.stableUndo.push({ offset, bytes: this.stable.slice(offset, end) });
    this.stable.set(bytes, offset);
  }

  stableRead(offset: number, size: number): Uint8Array {
    if (offset < 0 || offset + size > Number(this.stablePages * STABLE_PAGE)) {
      throw new CanisterTrap('trap', 'stable memory out of bounds');
    }
    return this.stable.subarray(offset, offset + size);
  }

  /** Replace stable memory wholesale (PocketIC set_stable_memory): grows to whole pages. */
  setStableMemory(bytes: Uint8Array): void {
    const pages = (BigInt(bytes.length) + STABLE_PAGE - 1n) / STABLE_PAGE;
    this.stable = new Uint8Array(Number(pages * STABLE_PAGE));
    this.stable.set(bytes);
    this.stablePages = pages;
  }

  getStableMemory(): Uint8Array {
    return this.stable.slice(0, Number(this.stablePages * STABLE_PAGE));
  }
}

/** What a canister needs from the instance it lives in. */
export interface CanisterHost {
  time(): bigint;
  subnetId(canister: Canister): Principal;
  rootKey(): Uint8Array;
  /** A certificate for the canister's certified data, for data_certificate_copy in queries. */
  dataCertificate(canister: Canister): Uint8Array;
  debugPrint(canister: Canister, text: string): void;
  /** Whether executions now are replicated (within a round), so their logs are kept. */
  replicatedExecution(): boolean;
  /** Fee in cycles of a threshold signature with that key, or null for an unknown key. */
  signatureFee(args: { kind: 'ecdsa' | 'schnorr'; keyName: string }): bigint | null;
  httpRequestFee(args: { requestBytes: bigint; maxResponseBytes: bigint }): bigint;
  /** What ic0.call_perform withdraws for a request of `payloadBytes`, and the freezing threshold to stay above. */
  requestCharge(canister: Canister, payloadBytes: bigint): { fee: bigint; threshold: bigint };
  /** The canister's freezing threshold in cycles. */
  freezingThreshold(canister: Canister): bigint;
}

export type { ExecContext, ExecMode };

/**
 * Instructions a message used, from its limit and what is left of it: never more than the limit,
 * whatever the counter holds. A bulk operation is charged its size before it runs, so one
 * `memory.fill` of 2^63 bytes on a 64-bit memory takes the counter far below zero (or wraps it
 * around): the message traps at its limit and is charged for the limit, not for the whole
 * balance (the replica charges at most a message's instruction limit).
 */
function instructionsUsed(limit: bigint, left: bigint): bigint {
  const used = limit - left;
  return used < 0n || used > limit ? limit : used;
}
