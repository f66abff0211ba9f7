/**
 * Reads the structure of a Wasm module (core spec §5.5 "Modules") without touching function
 * bodies: where each section lies, the types, imports, tables, memories, globals, exports, the
 * start function and custom sections. The code section is only located here; `code-rewriter.ts`
 * decodes its instructions.
 *
 * Supported: the Wasm 2.0 feature set plus memory64/table64 limits, multi-memory and the
 * custom-page-sizes limits flag. Rejected with InvalidWasmError: GC types, tags (exception handling)
 * and anything else this reader cannot interpret.
 */
import { InvalidWasmError } from './errors.ts';
import { ByteCursor } from './leb128.ts';

export type ValType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface FuncType {
  params: ValType[];
  results: ValType[];
}

/** Section ids (core spec §5.5.2). */
export const SectionId = {
  custom: 0,
  type: 1,
  import: 2,
  function: 3,
  table: 4,
  memory: 5,
  global: 6,
  export: 7,
  start: 8,
  element: 9,
  code: 10,
  data: 11,
  dataCount: 12,
  tag: 13,
} as const;

/** Export and import kinds (core spec §5.5.5, §5.5.10). */
export const ExternalKind = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

/**
 * Order in which non-custom sections must appear (core spec §5.5.16; the data count section
 * sits between element and code, the tag section between memory and global).
 */
export const sectionRank: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

export interface SectionRange {
  id: number;
  /** Offset of the section id byte. */
  start: number;
  /** First byte of the payload (after the size). */
  payloadStart: number;
  /** For vector sections: first byte after the element count. */
  entriesStart: number;
  /** Element count of vector sections (0 for others). */
  count: number;
  /** One past the last payload byte. */
  end: number;
}

export interface ImportedFunction {
  module: string;
  name: string;
  typeIndex: number;
}

export interface GlobalInfo {
  type: ValType;
  mutable: boolean;
  imported: boolean;
}

export interface ExportEntry {
  name: string;
  kind: number;
  index: number;
}

export interface CustomSection {
  name: string;
  /** Payload after the name. */
  bytes: Uint8Array;
}

export interface ModuleLayout {
  sections: SectionRange[];
  types: FuncType[];
  functionImports: ImportedFunction[];
  /** Type index of every defined function, in function index order after the imports. */
  functionTypes: number[];
  /** Whether each table (imported first) has 64-bit indices. */
  tables64: boolean[];
  /** Whether each memory (imported first) has 64-bit addresses. */
  memories64: boolean[];
  globals: GlobalInfo[];
  importedGlobalCount: number;
  exports: ExportEntry[];
  start: number | null;
  customSections: CustomSection[];
  /** The code section, if any. */
  code: SectionRange | null;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Value type bytes this devnet accepts (core spec §5.3.4; GC reference types are not supported). */
export const valTypeByByte: Record<number, ValType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};

function valType(c: ByteCursor): ValType {
  const at = c.pos;
  const b = c.u8();
  const t = valTypeByByte[b];
  if (!t) throw new InvalidWasmError({ message: `unsupported value type 0x${hex(b)}`, offset: at });
  return t;
}

function refType(c: ByteCursor): ValType {
  const at = c.pos;
  const t = valType(c);
  if (t !== 'funcref' && t !== 'externref') throw new InvalidWasmError({ message: `expected a reference type, got ${t}`, offset: at });
  return t;
}

function name(c: ByteCursor): string {
  const len = c.u32();
  const at = c.pos;
  const bytes = c.take(len);
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new InvalidWasmError({ message: 'name is not valid UTF-8', offset: at, cause });
  }
}

/**
 * Limits (core spec §5.3.7, memory64 and custom-page-sizes proposals): flag bit 0 = has maximum,
 * bit 1 = shared, bit 2 = 64-bit, bit 3 = custom page size follows. Returns whether it is 64-bit.
 */
function limits(c: ByteCursor): boolean {
  const at = c.pos;
  const flags = c.u8();
  if (flags > 0x0f) throw new InvalidWasmError({ message: `unsupported limits flags 0x${hex(flags)}`, offset: at });
  const is64 = (flags & 0x04) !== 0;
  if (is64) c.u64();
  else c.u32();
  if (flags & 0x01) {
    if (is64) c.u64();
    else c.u32();
  }
  if (flags & 0x08) c.u32(); // log2 of the page size
  return is64;
}

/**
 * Skips a constant expression (core spec §3.3.10 plus extended-const): *.const, ref.null,
 * ref.func, global.get, v128.const and i32/i64 add/sub/mul, up to `end`.
 */
function skipConstExpr(c: ByteCursor): void {
  for (;;) {
    const at = c.pos;
    const op = c.u8();
    switch (op) {
      case 0x0b: // end
        return;
      case 0x41: // i32.const
        c.s32();
        break;
      case 0x42: // i64.const
        c.s64();
        break;
      case 0x43: // f32.const
        c.take(4);
        break;
      case 0x44: // f64.const
        c.take(8);
        break;
      case 0x23: // global.get
      case 0xd2: // ref.func
        c.u32();
        break;
      case 0xd0: // ref.null
        refType(c);
        break;
      case 0x6a: // i32.add, sub, mul (extended-const)
      case 0x6b:
      case 0x6c:
      case 0x7c: // i64.add, sub, mul
      case 0x7d:
      case 0x7e:
        break;
      case 0xfd: {
        const sub = c.u32();
        if (sub !== 0x0c) throw new InvalidWasmError({ message: `opcode 0xfd ${sub} is not allowed in a constant expression`, offset: at });
        c.take(16); // v128.const
        break;
      }
      default:
        throw new InvalidWasmError({ message: `opcode 0x${hex(op)} is not allowed in a constant expression`, offset: at });
    }
  }
}

function readTypes(args: { c: ByteCursor; count: number }): FuncType[] {
  const { c, count } = args;
  const types: FuncType[] = [];
  for (let i = 0; i < count; i++) {
    const at = c.pos;
    const form = c.u8();
    // 0x60 = func; 0x4e/0x50/0x4f (rec, sub) and 0x5f/0x5e (struct, array) belong to the GC proposal.
    if (form !== 0x60)
      throw new InvalidWasmError({ message: `unsupported type form 0x${hex(form)} (only function types are supported)`, offset: at });
    const params: ValType[] = [];
    for (let n = c.u32(); n > 0; n--) params.push(valType(c));
    const results: ValType[] = [];
    for (let n = c.u32(); n > 0; n--) results.push(valType(c));
    types.push({ params, results });
  }
  return types;
}

function checkTypeIndex(args: { index: number; types: FuncType[]; offset: number }): void {
  if (args.index >= args.types.length) {
    throw new InvalidWasmError({ message: `type index ${args.index} out of range (${args.types.length} types)`, offset: args.offset });
  }
}

/** Decodes the module's structure. Throws InvalidWasmError naming the problem and its byte offset. */
export function readModule(wasm: Uint8Array): ModuleLayout {
  const c = new ByteCursor({ bytes: wasm });
  // Preamble (core spec §5.5.16): magic "\0asm" and version 1.
  if (wasm.length < 8)
    throw new InvalidWasmError({ message: `module of ${wasm.length} bytes is shorter than the 8-byte preamble`, offset: 0 });
  if (wasm[0] !== 0x00 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new InvalidWasmError({ message: `bad magic number ${hexBytes(wasm.subarray(0, 4))} (expected 0061736d)`, offset: 0 });
  }
  if (wasm[4] !== 0x01 || wasm[5] !== 0 || wasm[6] !== 0 || wasm[7] !== 0) {
    throw new InvalidWasmError({ message: `unsupported version ${hexBytes(wasm.subarray(4, 8))} (expected 01000000)`, offset: 4 });
  }
  c.pos = 8;

  const layout: ModuleLayout = {
    sections: [],
    types: [],
    functionImports: [],
    functionTypes: [],
    tables64: [],
    memories64: [],
    globals: [],
    importedGlobalCount: 0,
    exports: [],
    start: null,
    customSections: [],
    code: null,
  };
  let lastRank = 0;
  let codeCount = -1;

  while (c.pos < wasm.length) {
    const start = c.pos;
    const id = c.u8();
    const size = c.u32();
    const payloadStart = c.pos;
    const end = payloadStart + size;
    if (end > wasm.length) {
      throw new InvalidWasmError({
        message: `section ${id} of ${size} bytes runs past the end of the module (${wasm.length} bytes)`,
        offset: start,
      });
    }
    const section: SectionRange = { id, start, payloadStart, entriesStart: payloadStart, count: 0, end };
    layout.sections.push(section);
    const s = new ByteCursor({ bytes: wasm, pos: payloadStart, end });

    if (id !== SectionId.custom) {
      const rank = sectionRank[id];
      if (rank === undefined) throw new InvalidWasmError({ message: `unknown section id ${id}`, offset: start });
      if (id === SectionId.tag) throw new InvalidWasmError({ message: 'tag section (exception handling) is not supported', offset: start });
      if (rank <= lastRank) throw new InvalidWasmError({ message: `section ${id} is out of order or repeated`, offset: start });
      lastRank = rank;
      if (id !== SectionId.start && id !== SectionId.dataCount) {
        section.count = s.u32();
        section.entriesStart = s.pos;
      }
    }

    switch (id) {
      case SectionId.custom: {
        const sectionName = name(s);
        layout.customSections.push({ name: sectionName, bytes: wasm.slice(s.pos, end) });
        s.pos = end;
        break;
      }
      case SectionId.type:
        layout.types = readTypes({ c: s, count: section.count });
        break;
      case SectionId.import:
        for (let i = 0; i < section.count; i++) {
          const module = name(s);
          const field = name(s);
          const at = s.pos;
          const kind = s.u8();
          if (kind === ExternalKind.func) {
            const typeAt = s.pos;
            const typeIndex = s.u32();
            checkTypeIndex({ index: typeIndex, types: layout.types, offset: typeAt });
            layout.functionImports.push({ module, name: field, typeIndex });
          } else if (kind === ExternalKind.table) {
            refType(s);
            layout.tables64.push(limits(s));
          } else if (kind === ExternalKind.memory) {
            layout.memories64.push(limits(s));
          } else if (kind === ExternalKind.global) {
            const type = valType(s);
            const mutable = s.u8() === 1;
            layout.globals.push({ type, mutable, imported: true });
            layout.importedGlobalCount++;
          } else {
            throw new InvalidWasmError({ message: `unsupported import kind 0x${hex(kind)} for ${module}.${field}`, offset: at });
          }
        }
        break;
      case SectionId.function:
        for (let i = 0; i < section.count; i++) {
          const at = s.pos;
          const typeIndex = s.u32();
          checkTypeIndex({ index: typeIndex, types: layout.types, offset: at });
          layout.functionTypes.push(typeIndex);
        }
        break;
      case SectionId.table:
        for (let i = 0; i < section.count; i++) {
          // Function-references form: 0x40 0x00 tabletype expr (a table with an initializer).
          const explicitInit = s.bytes[s.pos] === 0x40;
          if (explicitInit) {
            s.pos++;
            const at = s.pos;
            if (s.u8() !== 0x00) throw new InvalidWasmError({ message: 'malformed table with initializer', offset: at });
          }
          refType(s);
          layout.tables64.push(limits(s));
          if (explicitInit) skipConstExpr(s);
        }
        break;
      case SectionId.memory:
        for (let i = 0; i < section.count; i++) layout.memories64.push(limits(s));
        break;
      case SectionId.global:
        for (let i = 0; i < section.count; i++) {
          const type = valType(s);
          const at = s.pos;
          const mut = s.u8();
          if (mut > 1) throw new InvalidWasmError({ message: `malformed global mutability 0x${hex(mut)}`, offset: at });
          skipConstExpr(s);
          layout.globals.push({ type, mutable: mut === 1, imported: false });
        }
        break;
      case SectionId.export:
        for (let i = 0; i < section.count; i++) {
          const exportName = name(s);
          const at = s.pos;
          const kind = s.u8();
          if (kind > ExternalKind.global)
            throw new InvalidWasmError({ message: `unsupported export kind 0x${hex(kind)} for "${exportName}"`, offset: at });
          const index = s.u32();
          // The export section follows every section that declares indices, so bounds are known.
          const bound = [
            layout.functionImports.length + layout.functionTypes.length,
            layout.tables64.length,
            layout.memories64.length,
            layout.globals.length,
          ][kind];
          if (index >= bound)
            throw new InvalidWasmError({ message: `export "${exportName}" refers to index ${index}, out of range`, offset: at });
          layout.exports.push({ name: exportName, kind, index });
        }
        break;
      case SectionId.start: {
        const index = s.u32();
        if (index >= layout.functionImports.length + layout.functionTypes.length) {
          throw new InvalidWasmError({ message: `start function ${index} out of range`, offset: payloadStart });
        }
        layout.start = index;
        break;
      }
      case SectionId.code:
        layout.code = section;
        codeCount = section.count;
        // Bodies are decoded by the code rewriter; check here only that their sizes tile the section.
        for (let i = 0; i < section.count; i++) {
          const bodySize = s.u32();
          if (bodySize > end - s.pos)
            throw new InvalidWasmError({ message: `function body ${i} of ${bodySize} bytes runs past the code section`, offset: s.pos });
          s.pos += bodySize;
        }
        break;
      default:
        // element, data, data count: passed through byte for byte.
        s.pos = end;
    }
    if (s.pos !== end) {
      throw new InvalidWasmError({ message: `section ${id} has ${end - s.pos} unexpected trailing bytes`, offset: s.pos });
    }
    c.pos = end;
  }

  if ((codeCount === -1 ? 0 : codeCount) !== layout.functionTypes.length) {
    throw new InvalidWasmError({
      message: `function section declares ${layout.functionTypes.length} functions but the code section has ${Math.max(codeCount, 0)} bodies`,
      offset: layout.code?.start ?? wasm.length,
    });
  }
  return layout;
}

/** The signature of function `index` (imports first). */
export function functionType(args: { layout: ModuleLayout; index: number }): FuncType {
  const { layout, index } = args;
  const imported = layout.functionImports.length;
  const typeIndex = index < imported ? layout.functionImports[index].typeIndex : layout.functionTypes[index - imported];
  return layout.types[typeIndex];
}

export function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

function hexBytes(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += hex(b);
  return s;
}
