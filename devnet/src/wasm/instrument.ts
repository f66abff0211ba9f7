/**
 * Prepares canister Wasm for the devnet: meters instructions the way the replica does (see
 * code-rewriter.ts), exports what the host needs to reach (memory 0, table 0, every mutable global,
 * the instruction counter, the start function) and reports the module's interface. Nothing is
 * renumbered: the counter global, the size helpers, their types and the new exports are all
 * appended, and every section the rewrite does not need to change is copied byte for byte, except
 * the start section, which is dropped (see `startExport`).
 */
import { rewriteCode, type HelperKind } from './code-rewriter.ts';
import { InvalidWasmError } from './errors.ts';
import { ByteWriter, unsignedSize } from './leb128.ts';
import {
  ExternalKind,
  functionType,
  readModule,
  SectionId,
  sectionRank,
  type ModuleLayout,
  type SectionRange,
  type ValType,
} from './module-reader.ts';

export type { ValType } from './module-reader.ts';
export { InvalidWasmError, type InstrumentErrorType } from './errors.ts';

export interface FunctionImport {
  module: string;
  name: string;
  params: ValType[];
  results: ValType[];
}

export interface InstrumentedModule {
  /** Rewritten module; compiles with `new WebAssembly.Module(bytes)` on Node 24. */
  bytes: Uint8Array;
  /** Memory 0 has 64-bit addresses (memory64; Motoko emits this). */
  memory64: boolean;
  /** Every imported function with its signature. */
  functionImports: FunctionImport[];
  /** Export name of memory 0 (existing, or the added `__devnet_memory`); null without memory. */
  memoryExport: string | null;
  /** Export name of table 0 (existing, or the added `__devnet_table`); null without table. */
  tableExport: string | null;
  /** `__devnet_instructions`: the added mutable i64 global holding the remaining instruction budget. */
  counterExport: string;
  /** Export names of every mutable global the module defines (added as `__devnet_global_<index>` where missing). */
  mutableGlobalExports: string[];
  /** Every function export with its signature. */
  exportedFunctions: { name: string; params: ValType[]; results: ValType[] }[];
  /** Custom sections in module order: full name and payload. */
  customSections: { name: string; bytes: Uint8Array }[];
  /**
   * Export name of the start function (`__devnet_start`), or null without one. As the replica does
   * with `canister_start`, the start section is removed and the function exported instead, so the
   * host runs it metered (instantiation cannot set the counter first) and on the heap the canister
   * will have (fresh, or kept across an upgrade).
   */
  startExport: string | null;
}

export const COUNTER_EXPORT = '__devnet_instructions';
export const MEMORY_EXPORT = '__devnet_memory';
export const TABLE_EXPORT = '__devnet_table';
export const START_EXPORT = '__devnet_start';
export const GLOBAL_EXPORT_PREFIX = '__devnet_global_';

/** Counts of the input module that `validateIcModule` needs and the public result does not carry. */
interface ModuleCounts {
  memories: number;
  definedFunctions: number;
  definedGlobals: number;
}

const countsByModule = new WeakMap<InstrumentedModule, ModuleCounts>();
const encoder = new TextEncoder();

/**
 * Decodes, meters and re-encodes a canister module.
 *
 * @example
 * const m = instrument(wasm);
 * const instance = new WebAssembly.Instance(new WebAssembly.Module(m.bytes), { ic0 });
 * const counter = instance.exports[m.counterExport] as WebAssembly.Global;
 * counter.value = 300_000_000_000n; // install budget
 * if (m.startExport) (instance.exports[m.startExport] as () => void)();
 * counter.value = 40_000_000_000n; // budget of one update message
 * (instance.exports['canister_update greet'] as () => void)();
 * const used = 40_000_000_000n - (counter.value as bigint);
 */
export function instrument(wasm: Uint8Array): InstrumentedModule {
  const layout = readModule(wasm);
  const importedFunctions = layout.functionImports.length;
  const definedGlobals = layout.globals.length - layout.importedGlobalCount;
  const counterGlobal = layout.globals.length;
  const firstHelperFunction = importedFunctions + layout.functionTypes.length;

  const code = layout.code
    ? rewriteCode({
        wasm,
        code: layout.code,
        counterGlobal,
        typeCount: layout.types.length,
        firstHelperFunction,
        memories64: layout.memories64,
        tables64: layout.tables64,
      })
    : null;
  const helpers = code?.helpers ?? [];

  // Exports the host needs, appended after the module's own.
  const exportNames = new Set(layout.exports.map((e) => e.name));
  const added: { name: string; kind: number; index: number }[] = [];
  // The module's own export name for an item, else `fallback`, added.
  const exportOf = (args: { kind: number; index: number; fallback: string }): string => {
    const existing = layout.exports.find((e) => e.kind === args.kind && e.index === args.index);
    if (existing) return existing.name;
    addExport({ name: args.fallback, kind: args.kind, index: args.index });
    return args.fallback;
  };
  const addExport = (e: { name: string; kind: number; index: number }): void => {
    if (exportNames.has(e.name)) {
      throw new InvalidWasmError({
        message: `the module already exports "${e.name}", a name the devnet reserves`,
        offset: exportSectionOffset(layout),
      });
    }
    exportNames.add(e.name);
    added.push(e);
  };
  const memoryExport = layout.memories64.length > 0 ? exportOf({ kind: ExternalKind.memory, index: 0, fallback: MEMORY_EXPORT }) : null;
  const tableExport = layout.tables64.length > 0 ? exportOf({ kind: ExternalKind.table, index: 0, fallback: TABLE_EXPORT }) : null;
  if (layout.start !== null) addExport({ name: START_EXPORT, kind: ExternalKind.func, index: layout.start });
  const mutableGlobalExports: string[] = [];
  for (let index = layout.importedGlobalCount; index < layout.globals.length; index++) {
    if (layout.globals[index].mutable)
      mutableGlobalExports.push(exportOf({ kind: ExternalKind.global, index, fallback: `${GLOBAL_EXPORT_PREFIX}${index}` }));
  }
  addExport({ name: COUNTER_EXPORT, kind: ExternalKind.global, index: counterGlobal });

  const bytes = assemble({ wasm, layout, helpers, codeBodies: code, addedExports: added });

  const result: InstrumentedModule = {
    bytes,
    memory64: layout.memories64[0] ?? false,
    functionImports: layout.functionImports.map((f) => ({ module: f.module, name: f.name, ...copyType(layout.types[f.typeIndex]) })),
    memoryExport,
    tableExport,
    counterExport: COUNTER_EXPORT,
    mutableGlobalExports,
    exportedFunctions: layout.exports
      .filter((e) => e.kind === ExternalKind.func)
      .map((e) => ({ name: e.name, ...copyType(functionType({ layout, index: e.index })) })),
    customSections: layout.customSections,
    startExport: layout.start !== null ? START_EXPORT : null,
  };
  countsByModule.set(result, {
    memories: layout.memories64.length,
    definedFunctions: layout.functionTypes.length,
    definedGlobals,
  });
  return result;
}

function copyType(t: { params: ValType[]; results: ValType[] }): { params: ValType[]; results: ValType[] } {
  return { params: [...t.params], results: [...t.results] };
}

function exportSectionOffset(layout: ModuleLayout): number {
  return layout.sections.find((s) => s.id === SectionId.export)?.start ?? 8;
}

/**
 * Writes the output module: sections in input order, with the type, function, global, export and
 * code sections extended, global/export sections created where the input has none, and the start
 * section left out.
 */
function assemble(args: {
  wasm: Uint8Array;
  layout: ModuleLayout;
  helpers: HelperKind[];
  codeBodies: { bodies: Uint8Array; bodyCount: number } | null;
  addedExports: { name: string; kind: number; index: number }[];
}): Uint8Array {
  const { wasm, layout, helpers, codeBodies, addedExports } = args;
  const out = new ByteWriter(
    wasm.length + (codeBodies ? codeBodies.bodies.length - (layout.code!.end - layout.code!.entriesStart) : 0) + 4096,
  );
  out.bytes(wasm.subarray(0, 8));

  const typeCount = layout.types.length;
  const newTypes = new ByteWriter(16);
  for (const kind of helpers)
    newTypes.bytes(kind === 'i32' ? Uint8Array.of(0x60, 0x01, 0x7f, 0x01, 0x7f) : Uint8Array.of(0x60, 0x01, 0x7e, 0x01, 0x7e));
  const newFunctions = new ByteWriter(16);
  helpers.forEach((_, i) => newFunctions.u32(typeCount + i));

  // The counter: (global (mut i64) (i64.const 0)); the host sets it before running any code.
  const counter = Uint8Array.of(0x7e, 0x01, 0x42, 0x00, 0x0b);

  const newExports = new ByteWriter(256);
  for (const e of addedExports) {
    const name = encoder.encode(e.name);
    newExports.u32(name.length);
    newExports.bytes(name);
    newExports.u8(e.kind);
    newExports.u32(e.index);
  }

  // A vector section extended with appended entries: new count, old entries verbatim, new entries.
  const extended = (args: { id: number; section: SectionRange | null; addedCount: number; addedBytes: Uint8Array }): void => {
    const { id, section, addedCount, addedBytes } = args;
    const oldCount = section?.count ?? 0;
    const oldEntries = section ? wasm.subarray(section.entriesStart, section.end) : new Uint8Array(0);
    const total = oldCount + addedCount;
    out.u8(id);
    out.u32(unsignedSize(total) + oldEntries.length + addedBytes.length);
    out.u32(total);
    out.bytes(oldEntries);
    out.bytes(addedBytes);
  };

  let globalWritten = false;
  let exportWritten = false;
  const writePending = (beforeRank: number): void => {
    if (!globalWritten && beforeRank > sectionRank[SectionId.global]) {
      extended({ id: SectionId.global, section: null, addedCount: 1, addedBytes: counter });
      globalWritten = true;
    }
    if (!exportWritten && beforeRank > sectionRank[SectionId.export]) {
      extended({ id: SectionId.export, section: null, addedCount: addedExports.length, addedBytes: newExports.finish() });
      exportWritten = true;
    }
  };

  for (const section of layout.sections) {
    if (section.id !== SectionId.custom) writePending(sectionRank[section.id]);
    switch (section.id) {
      case SectionId.type:
        if (helpers.length === 0) out.bytes(wasm.subarray(section.start, section.end));
        else extended({ id: section.id, section, addedCount: helpers.length, addedBytes: newTypes.finish() });
        break;
      case SectionId.function:
        if (helpers.length === 0) out.bytes(wasm.subarray(section.start, section.end));
        else extended({ id: section.id, section, addedCount: helpers.length, addedBytes: newFunctions.finish() });
        break;
      case SectionId.global:
        extended({ id: section.id, section, addedCount: 1, addedBytes: counter });
        globalWritten = true;
        break;
      case SectionId.export:
        extended({ id: section.id, section, addedCount: addedExports.length, addedBytes: newExports.finish() });
        exportWritten = true;
        break;
      case SectionId.start:
        break; // exported as START_EXPORT instead
      case SectionId.code: {
        const { bodies, bodyCount } = codeBodies!;
        out.u8(SectionId.code);
        out.u32(unsignedSize(bodyCount) + bodies.length);
        out.u32(bodyCount);
        out.bytes(bodies);
        break;
      }
      default:
        out.bytes(wasm.subarray(section.start, section.end));
    }
  }
  writePending(Number.POSITIVE_INFINITY);
  return out.finish();
}

// Export names of entry points (IC interface spec, "Entry points").
const SYSTEM_METHODS = new Set([
  'canister_init',
  'canister_pre_upgrade',
  'canister_post_upgrade',
  'canister_inspect_message',
  'canister_heartbeat',
  'canister_global_timer',
  'canister_on_low_wasm_memory',
]);
const METHOD_PREFIXES = ['canister_update ', 'canister_query ', 'canister_composite_query '];

// Limits the IC may enforce (IC interface spec, "WebAssembly module requirements").
const MAX_FUNCTIONS = 50_000;
const MAX_GLOBALS = 1_000;
const MAX_ICP_CUSTOM_SECTIONS = 16;
const MAX_EXPORTED_METHODS = 1_000;
const MAX_METHOD_NAME_BYTES = 20_000;
const MAX_ICP_CUSTOM_SECTIONS_BYTES = 1024 * 1024;

function signature(f: { params: ValType[]; results: ValType[] }): string {
  return `(${f.params.join(', ')}) -> (${f.results.join(', ')})`;
}

/**
 * Checks the IC's requirements on a canister module that can be read from the binary
 * (IC interface spec, "WebAssembly module requirements"). Returns the first violation, or null.
 * Which `ic0` functions exist and their signatures is left to the host that provides them.
 *
 * @example
 * const problem = validateIcModule(instrument(wasm));
 * if (problem) throw new Error(`invalid canister module: ${problem}`);
 */
export function validateIcModule(m: InstrumentedModule): string | null {
  const counts = countsByModule.get(m) ?? countsOf(m);

  // "It may declare (import or export) at most one memory."
  if (counts.memories > 1) return `Wasm module declares ${counts.memories} memories; a canister may declare at most one memory`;

  // "It may only import a function if it is listed in [Overview of imports]": all belong to ic0.
  for (const f of m.functionImports) {
    if (f.module !== 'ic0') {
      return `Wasm module has an invalid import section. Module imports function '${f.name}' from '${f.module}' that is not exported by the runtime.`;
    }
  }

  const methodNames = new Set<string>();
  let methodNameBytes = 0;
  for (const f of m.exportedFunctions) {
    const prefix = METHOD_PREFIXES.find((p) => f.name.startsWith(p));
    if (prefix) {
      const method = f.name.slice(prefix.length);
      // "It may not export more than one function called canister_update <name>, canister_query
      // <name>, or canister_composite_query <name> with the same name."
      if (methodNames.has(method)) {
        return `Duplicate function '${method}' exported multiple times with different call types: update, query, or composite_query.`;
      }
      methodNames.add(method);
      methodNameBytes += encoder.encode(method).length;
    } else if (f.name.startsWith('canister_') && !SYSTEM_METHODS.has(f.name)) {
      // "It may not export other methods the names of which start with the prefix canister_".
      return `Exporting reserved function '${f.name}' with "canister_" prefix`;
    }
    // Entry points "must have type () -> ()".
    if ((prefix || SYSTEM_METHODS.has(f.name)) && (f.params.length > 0 || f.results.length > 0)) {
      return `Exported function '${f.name}' must have type () -> (), but has type ${signature(f)}`;
    }
  }
  if (methodNames.size > MAX_EXPORTED_METHODS) {
    return `The number of exported functions called \`canister_update <name>\`, \`canister_query <name>\`, or \`canister_composite_query <name>\` exceeds ${MAX_EXPORTED_METHODS}.`;
  }
  if (methodNameBytes > MAX_METHOD_NAME_BYTES) {
    return `The sum of \`<name>\` lengths in exported functions called \`canister_update <name>\`, \`canister_query <name>\`, or \`canister_composite_query <name>\` exceeds ${MAX_METHOD_NAME_BYTES}.`;
  }

  // Custom sections: only "icp:public <name>" and "icp:private <name>" under the icp: prefix, and a
  // name at most once (so never both public and private).
  const icpNames = new Set<string>();
  let icpBytes = 0;
  for (const s of m.customSections) {
    if (!s.name.startsWith('icp:')) continue;
    const scope = s.name.startsWith('icp:public ') ? 'icp:public ' : s.name.startsWith('icp:private ') ? 'icp:private ' : null;
    if (!scope) return `Invalid custom section: Custom section '${s.name}' has no public/private scope defined.`;
    const sectionName = s.name.slice(scope.length);
    if (icpNames.has(sectionName)) return `Invalid custom section: name ${sectionName} already exists`;
    icpNames.add(sectionName);
    icpBytes += encoder.encode(sectionName).length + s.bytes.length;
  }
  if (icpNames.size > MAX_ICP_CUSTOM_SECTIONS) {
    return `Wasm module defined ${icpNames.size} custom sections which exceeds the maximum number allowed ${MAX_ICP_CUSTOM_SECTIONS}.`;
  }
  if (icpBytes > MAX_ICP_CUSTOM_SECTIONS_BYTES) {
    return `Invalid custom sections: total size of the custom sections exceeds the maximum allowed: size ${icpBytes} bytes, allowed ${MAX_ICP_CUSTOM_SECTIONS_BYTES} bytes`;
  }

  if (counts.definedFunctions > MAX_FUNCTIONS) {
    return `Wasm module defined ${counts.definedFunctions} functions which exceeds the maximum number allowed ${MAX_FUNCTIONS}.`;
  }
  if (counts.definedGlobals > MAX_GLOBALS) {
    return `Wasm module defined ${counts.definedGlobals} globals which exceeds the maximum number allowed ${MAX_GLOBALS}.`;
  }
  return null;
}

/**
 * Counts for a module object `instrument` did not produce (e.g. a spread copy), read from its
 * bytes. The counter global is recognised by its export and not counted; the (at most two) size
 * helpers cannot be told apart from the module's functions and are counted with them.
 */
function countsOf(m: InstrumentedModule): ModuleCounts {
  const layout = readModule(m.bytes);
  const counterExported = layout.exports.some((e) => e.name === m.counterExport && e.kind === ExternalKind.global);
  return {
    memories: layout.memories64.length,
    definedFunctions: layout.functionTypes.length,
    definedGlobals: layout.globals.length - layout.importedGlobalCount - (counterExported ? 1 : 0),
  };
}
