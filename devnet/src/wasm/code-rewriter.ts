/**
 * Rewrites the code section to meter instructions, the way the replica does
 * (dfinity/ic rs/embedders/src/wasm_utils/instrumentation.rs, `injections` and `inject_metering`):
 *
 * - Every function is cut into basic blocks: a new block starts after `loop`, `if`, `else`, `end`,
 *   `br`, `br_if`, `br_table`, `return`, `unreachable`, `return_call` and `return_call_indirect`.
 *   (`block` needs no cut: its body is only entered by falling through.)
 * - At the start of each block the block's static cost (costs.ts) is subtracted from the counter
 *   global: `global.get $c; i64.const cost; i64.sub; global.set $c`. Blocks of cost 0 get nothing.
 * - Re-entrant blocks (the function entry and every loop body) then check the counter and trap
 *   with `unreachable` if it went negative. Only re-entrant blocks can repeat without passing a
 *   function entry or loop header, so every unbounded execution passes a check; the overshoot is
 *   bounded by the longest straight path between checks.
 * - Bulk memory and table operations cost their size operand too: a call to an appended helper
 *   takes the size from the stack, subtracts it from the counter (saturating at i64::MIN), traps
 *   if the counter is negative and returns the size unchanged.
 *
 * The rewriter only inserts instructions; every original instruction is copied byte for byte, so
 * no index, label depth or immediate changes. Each body is decoded once to find the injection
 * points and their sizes (the body's new size prefix), then copied with the injections in place.
 */
import { costs32, costs64, FUNCTION_ENTRY_COST, type CostTables } from './costs.ts';
import { InvalidWasmError } from './errors.ts';
import { ByteCursor, ByteWriter, signedSize, unsignedSize } from './leb128.ts';
import { hex, valTypeByByte, type SectionRange } from './module-reader.ts';

export type HelperKind = 'i32' | 'i64';

export interface CodeRewriteInput {
  wasm: Uint8Array;
  code: SectionRange;
  /** Index of the counter global (= number of globals of the input). */
  counterGlobal: number;
  /** Number of types of the input. */
  typeCount: number;
  /** Function index the first appended helper gets (imports + defined functions). */
  firstHelperFunction: number;
  /** 64-bit addressing of each memory and table, imports first. */
  memories64: boolean[];
  tables64: boolean[];
}

export interface CodeRewriteOutput {
  /** The rewritten bodies followed by the helper bodies, each with its size prefix (no count). */
  bodies: Uint8Array;
  bodyCount: number;
  /** Helpers appended, in function index order from `firstHelperFunction`: their operand type. */
  helpers: HelperKind[];
}

// Kinds of injection point.
const STATIC = 0; // subtract the block's cost
const REENTRANT = 1; // subtract the block's cost, then trap if the counter is negative
const DYNAMIC32 = 2; // call the i32 size helper
const DYNAMIC64 = 3; // call the i64 size helper

// Immediates of 0xfd (SIMD) sub-opcodes.
const SIMD_INVALID = 0;
const SIMD_NONE = 1;
const SIMD_MEMARG = 2;
const SIMD_MEMARG_LANE = 3;
const SIMD_LANE = 4;
const SIMD_BYTES16 = 5;

/** Immediates by SIMD sub-opcode (fixed-width SIMD, core spec 2.0 §5.4.8). Relaxed SIMD is not accepted. */
const simdImmediates: Uint8Array = (() => {
  const t = new Uint8Array(256).fill(SIMD_NONE);
  for (let op = 0x00; op <= 0x0b; op++) t[op] = SIMD_MEMARG; // v128.load*, v128.store
  t[0x0c] = SIMD_BYTES16; // v128.const
  t[0x0d] = SIMD_BYTES16; // i8x16.shuffle
  for (let op = 0x15; op <= 0x22; op++) t[op] = SIMD_LANE; // extract_lane / replace_lane
  for (let op = 0x54; op <= 0x5b; op++) t[op] = SIMD_MEMARG_LANE; // v128.load*_lane, v128.store*_lane
  t[0x5c] = SIMD_MEMARG; // v128.load32_zero
  t[0x5d] = SIMD_MEMARG; // v128.load64_zero
  // Unassigned opcodes in the SIMD space.
  for (const op of [
    0x9a, 0xa2, 0xa5, 0xa6, 0xaf, 0xb0, 0xb2, 0xb3, 0xb4, 0xbb, 0xc2, 0xc5, 0xc6, 0xcf, 0xd0, 0xd2, 0xd3, 0xd4, 0xe2, 0xee,
  ]) {
    t[op] = SIMD_INVALID;
  }
  return t;
})();

/** Rewrites every body of the code section. Throws InvalidWasmError on anything it cannot decode. */
export function rewriteCode(input: CodeRewriteInput): CodeRewriteOutput {
  return new CodeRewriter(input).run();
}

class CodeRewriter {
  private readonly c: ByteCursor;
  private readonly bytes: Uint8Array;
  private readonly input: CodeRewriteInput;
  private readonly costs: CostTables;
  private readonly out: ByteWriter;

  // Injected byte sequences, precomputed for the counter index.
  private readonly counterGet: Uint8Array; // global.get $c
  private readonly staticTail: Uint8Array; // i64.sub; global.set $c
  private readonly checkTail: Uint8Array; // global.get $c; i64.const 0; i64.lt_s; if; unreachable; end

  private readonly helpers: HelperKind[] = [];
  private helper32 = -1;
  private helper64 = -1;

  // Injection points of the body being rewritten, in order of position.
  private count = 0;
  private positions = new Int32Array(1024);
  private kinds = new Uint8Array(1024);
  private pointCosts = new Float64Array(1024);

  // Copy position in the input while emitting.
  private copied = 0;

  constructor(input: CodeRewriteInput) {
    this.input = input;
    this.bytes = input.wasm;
    this.c = new ByteCursor({ bytes: input.wasm, pos: input.code.entriesStart, end: input.code.end });
    this.costs = input.memories64[0] ? costs64 : costs32;
    const { code } = input;
    // Injection grows code by roughly a third; start big enough to rarely regrow.
    this.out = new ByteWriter(Math.ceil((code.end - code.entriesStart) * 1.5) + 1024);

    const w = new ByteWriter(16);
    w.u8(0x23);
    w.u32(input.counterGlobal);
    this.counterGet = w.finish();
    const counterIndex = this.counterGet.subarray(1);
    this.staticTail = Uint8Array.of(0x7d, 0x24, ...counterIndex);
    this.checkTail = Uint8Array.of(...this.counterGet, 0x42, 0x00, 0x53, 0x04, 0x40, 0x00, 0x0b);
  }

  run(): CodeRewriteOutput {
    const { c } = this;
    const { code } = this.input;
    for (let i = 0; i < code.count; i++) {
      c.end = code.end;
      const size = c.u32();
      const bodyStart = c.pos;
      const bodyEnd = bodyStart + size;
      c.end = bodyEnd;
      const growth = this.scanBody(bodyEnd);
      this.out.u32(size + growth);
      const emitStart = this.out.len;
      this.emitBody({ bodyStart, bodyEnd });
      // The size prefix is written before the body: check the two agree.
      if (this.out.len - emitStart !== size + growth) {
        throw new Error(
          `instrument: function body ${i} came out ${this.out.len - emitStart} bytes long, its size prefix says ${size + growth}`,
        );
      }
      c.pos = bodyEnd;
    }
    for (const kind of this.helpers) this.emitHelper(kind);
    return {
      bodies: this.out.buf.subarray(0, this.out.len),
      bodyCount: code.count + this.helpers.length,
      helpers: this.helpers,
    };
  }

  private addPoint(args: { pos: number; kind: number }): number {
    if (this.count === this.positions.length) {
      const grow = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
        const next = new (a.constructor as new (n: number) => T)(a.length * 2);
        next.set(a);
        return next;
      };
      this.positions = grow(this.positions);
      this.kinds = grow(this.kinds);
      this.pointCosts = grow(this.pointCosts);
    }
    const i = this.count++;
    this.positions[i] = args.pos;
    this.kinds[i] = args.kind;
    this.pointCosts[i] = 0;
    return i;
  }

  /** Bytes the injection at point `i` adds (0 for a static point of cost 0, which is skipped). */
  private injectionSize(i: number): number {
    const kind = this.kinds[i];
    if (kind === DYNAMIC32) return 1 + unsignedSize(this.helper32);
    if (kind === DYNAMIC64) return 1 + unsignedSize(this.helper64);
    const cost = this.pointCosts[i];
    if (kind === STATIC && cost === 0) return 0;
    const base = this.counterGet.length + 1 + signedSize(cost) + this.staticTail.length;
    return kind === REENTRANT ? base + this.checkTail.length : base;
  }

  /**
   * Decodes one function body (locals, then instructions up to the final `end`), recording the
   * injection points and the static cost of every basic block. Returns how many bytes the
   * injections add.
   */
  private scanBody(bodyEnd: number): number {
    const { c, bytes } = this;
    const { plain, misc, simd } = this.costs;

    for (let groups = c.u32(); groups > 0; groups--) {
      c.u32();
      const at = c.pos;
      if (valTypeByByte[c.u8()] === undefined)
        throw new InvalidWasmError({ message: `unsupported local type 0x${hex(bytes[at])}`, offset: at });
    }

    this.count = 0;
    let block = this.addPoint({ pos: c.pos, kind: REENTRANT });
    let cost = FUNCTION_ENTRY_COST;
    let depth = 0;

    for (;;) {
      if (c.pos >= bodyEnd) throw new InvalidWasmError({ message: 'function body ends before its final end', offset: bodyEnd });
      const at = c.pos;
      const op = bytes[c.pos++];
      cost += plain[op];
      let split = -1; // kind of the block that starts after this instruction, if it ends one
      switch (op) {
        case 0x00: // unreachable
        case 0x0f: // return
          split = STATIC;
          break;
        case 0x01: // nop
        case 0x1a: // drop
        case 0x1b: // select
        case 0xd1: // ref.is_null
          break;
        case 0x02: // block
          this.blockType();
          depth++;
          break;
        case 0x03: // loop: its body is re-entered by branches to the loop label
          this.blockType();
          depth++;
          split = REENTRANT;
          break;
        case 0x04: // if
          this.blockType();
          depth++;
          split = STATIC;
          break;
        case 0x05: // else
          split = STATIC;
          break;
        case 0x0b: // end
          if (depth === 0) {
            this.pointCosts[block] = cost;
            if (c.pos !== bodyEnd)
              throw new InvalidWasmError({ message: `${bodyEnd - c.pos} bytes after the end of a function body`, offset: c.pos });
            let growth = 0;
            for (let i = 0; i < this.count; i++) growth += this.injectionSize(i);
            return growth;
          }
          depth--;
          split = STATIC;
          break;
        case 0x0c: // br
        case 0x0d: // br_if
          c.u32();
          split = STATIC;
          break;
        case 0x0e: // br_table
          for (let n = c.u32(); n >= 0; n--) c.u32(); // n labels plus the default
          split = STATIC;
          break;
        case 0x10: // call
          this.functionIndex();
          break;
        case 0x11: // call_indirect typeidx tableidx
          this.typeIndex();
          c.u32();
          break;
        case 0x12: // return_call
          this.functionIndex();
          split = STATIC;
          break;
        case 0x13: // return_call_indirect
          this.typeIndex();
          c.u32();
          split = STATIC;
          break;
        case 0x1c: // select t*
          for (let n = c.u32(); n > 0; n--) {
            const t = c.pos;
            if (valTypeByByte[c.u8()] === undefined)
              throw new InvalidWasmError({ message: `unsupported select type 0x${hex(bytes[t])}`, offset: t });
          }
          break;
        case 0x20: // local.get, local.set, local.tee, table.get, table.set
        case 0x21:
        case 0x22:
        case 0x25:
        case 0x26:
          c.u32();
          break;
        case 0x23: // global.get, global.set
        case 0x24:
          this.globalIndex();
          break;
        case 0x3f: // memory.size, memory.grow
        case 0x40:
          c.u32();
          break;
        case 0x41: // i32.const
          c.s32();
          break;
        case 0x42: // i64.const
          c.skip64();
          break;
        case 0x43: // f32.const
          c.take(4);
          break;
        case 0x44: // f64.const
          c.take(8);
          break;
        case 0xd0: {
          // ref.null t
          const t = valTypeByByte[c.u8()];
          if (t !== 'funcref' && t !== 'externref') throw new InvalidWasmError({ message: 'unsupported ref.null type', offset: at + 1 });
          break;
        }
        case 0xd2: // ref.func
          this.functionIndex();
          break;
        case 0xfc: {
          const sub = c.u32();
          if (sub > 17) throw this.unknown({ at, op: `0xfc ${sub}` });
          cost += misc[sub];
          this.miscImmediates({ sub, at });
          break;
        }
        case 0xfd: {
          const sub = c.u32();
          if (sub > 0xff || simdImmediates[sub] === SIMD_INVALID) throw this.unknown({ at, op: `0xfd ${sub}` });
          cost += simd[sub];
          const imm = simdImmediates[sub];
          if (imm === SIMD_MEMARG) this.memarg();
          else if (imm === SIMD_MEMARG_LANE) {
            this.memarg();
            c.u8();
          } else if (imm === SIMD_LANE) c.u8();
          else if (imm === SIMD_BYTES16) c.take(16);
          break;
        }
        default:
          if (op >= 0x28 && op <= 0x3e)
            this.memarg(); // loads and stores
          else if (op < 0x45 || op > 0xc4) throw this.unknown({ at, op: `0x${hex(op)}` }); // 0x45..0xc4: numeric, no immediates
      }
      if (split >= 0) {
        this.pointCosts[block] = cost;
        block = this.addPoint({ pos: c.pos, kind: split });
        cost = 0;
      }
    }
  }

  /** Immediates of 0xfc sub-opcodes; records a dynamic-cost point before bulk operations. */
  private miscImmediates(args: { sub: number; at: number }): void {
    const { c } = this;
    const { sub, at } = args;
    switch (sub) {
      case 8: // memory.init dataidx memidx: the size operand is i32 even for 64-bit memories
        c.u32();
        this.memoryIs64(c.pos);
        this.dynamic({ at, is64: false });
        break;
      case 9: // data.drop
      case 13: // elem.drop
        c.u32();
        break;
      case 10: {
        // memory.copy dst src: the size is i64 only if both memories are 64-bit
        const dst = this.memoryIs64(c.pos);
        const src = this.memoryIs64(c.pos);
        this.dynamic({ at, is64: dst && src });
        break;
      }
      case 11: // memory.fill
        this.dynamic({ at, is64: this.memoryIs64(c.pos) });
        break;
      case 12: // table.init elemidx tableidx: size is i32
        c.u32();
        this.tableIs64(c.pos);
        this.dynamic({ at, is64: false });
        break;
      case 14: {
        // table.copy dst src
        const dst = this.tableIs64(c.pos);
        const src = this.tableIs64(c.pos);
        this.dynamic({ at, is64: dst && src });
        break;
      }
      case 15: // table.grow, table.size
      case 16:
        c.u32();
        break;
      case 17: // table.fill
        this.dynamic({ at, is64: this.tableIs64(c.pos) });
        break;
      default: // 0..7: saturating truncations, no immediates
    }
  }

  /*
   * Indices into spaces the instrumentation appends to must stay within the input's part: an
   * invalid input referring to one past its last global would otherwise become a valid module that
   * writes the instruction counter.
   */
  private globalIndex(): void {
    const at = this.c.pos;
    const index = this.c.u32();
    if (index >= this.input.counterGlobal)
      throw new InvalidWasmError({ message: `global index ${index} out of range (${this.input.counterGlobal} globals)`, offset: at });
  }

  private functionIndex(): void {
    const at = this.c.pos;
    const index = this.c.u32();
    const count = this.input.firstHelperFunction;
    if (index >= count) throw new InvalidWasmError({ message: `function index ${index} out of range (${count} functions)`, offset: at });
  }

  private typeIndex(): void {
    const at = this.c.pos;
    const index = this.c.u32();
    if (index >= this.input.typeCount)
      throw new InvalidWasmError({ message: `type index ${index} out of range (${this.input.typeCount} types)`, offset: at });
  }

  /** Reads a memory index and returns whether that memory is 64-bit. */
  private memoryIs64(at: number): boolean {
    const index = this.c.u32();
    const is64 = this.input.memories64[index];
    if (is64 === undefined) throw new InvalidWasmError({ message: `memory index ${index} out of range`, offset: at });
    return is64;
  }

  private tableIs64(at: number): boolean {
    const index = this.c.u32();
    const is64 = this.input.tables64[index];
    if (is64 === undefined) throw new InvalidWasmError({ message: `table index ${index} out of range`, offset: at });
    return is64;
  }

  /** Records a call to the size helper before the instruction at `at`, appending the helper on first use. */
  private dynamic(args: { at: number; is64: boolean }): void {
    if (args.is64 && this.helper64 < 0) {
      this.helper64 = this.input.firstHelperFunction + this.helpers.length;
      this.helpers.push('i64');
    } else if (!args.is64 && this.helper32 < 0) {
      this.helper32 = this.input.firstHelperFunction + this.helpers.length;
      this.helpers.push('i32');
    }
    this.addPoint({ pos: args.at, kind: args.is64 ? DYNAMIC64 : DYNAMIC32 });
  }

  /**
   * Memory argument (core spec §5.4.6 with multi-memory and memory64): alignment flags, a memory
   * index if flag bit 6 is set, then the offset (u64 for 64-bit memories, so up to 10 bytes).
   */
  private memarg(): void {
    const { c } = this;
    const flags = c.u32();
    if (flags & 0x40) c.u32();
    c.skip64();
  }

  /**
   * Block type (core spec §5.4.1): 0x40 (empty), a value type, or a type index as a non-negative
   * s33 (multi-value).
   */
  private blockType(): void {
    const { c } = this;
    const at = c.pos;
    const b = c.bytes[at];
    if (b === 0x40 || valTypeByByte[b] !== undefined) {
      c.pos++;
      return;
    }
    const index = c.s33();
    if (index < 0) throw new InvalidWasmError({ message: `unsupported block type 0x${hex(b)}`, offset: at });
    if (index >= this.input.typeCount)
      throw new InvalidWasmError({ message: `block type index ${index} out of range (${this.input.typeCount} types)`, offset: at });
  }

  private unknown(args: { at: number; op: string }): InvalidWasmError {
    return new InvalidWasmError({ message: `unknown or unsupported opcode ${args.op}`, offset: args.at });
  }

  /** Copies the body with the injections in place. */
  private emitBody(args: { bodyStart: number; bodyEnd: number }): void {
    const { out } = this;
    this.copied = args.bodyStart;
    for (let i = 0; i < this.count; i++) {
      const kind = this.kinds[i];
      const cost = this.pointCosts[i];
      if (kind === STATIC && cost === 0) continue;
      this.copyTo(this.positions[i]);
      if (kind === DYNAMIC32 || kind === DYNAMIC64) {
        out.u8(0x10); // call
        out.u32(kind === DYNAMIC32 ? this.helper32 : this.helper64);
        continue;
      }
      this.put(this.counterGet);
      out.u8(0x42); // i64.const
      out.signed(cost);
      this.put(this.staticTail);
      if (kind === REENTRANT) this.put(this.checkTail);
    }
    this.copyTo(args.bodyEnd);
  }

  /** Copies input bytes from the copy position up to `to`. */
  private copyTo(to: number): void {
    const from = this.copied;
    const n = to - from;
    if (n <= 0) return;
    const { out, bytes } = this;
    out.reserve(n);
    if (n > 32) out.buf.set(bytes.subarray(from, to), out.len);
    else for (let i = 0; i < n; i++) out.buf[out.len + i] = bytes[from + i];
    out.len += n;
    this.copied = to;
  }

  private put(seq: Uint8Array): void {
    const { out } = this;
    out.reserve(seq.length);
    for (let i = 0; i < seq.length; i++) out.buf[out.len + i] = seq[i];
    out.len += seq.length;
  }

  /**
   * The size helper: `(param $size T) (result T) (local $next i64)`. Subtracts the size (zero-extended
   * for i32) from the counter, saturating at i64::MIN when the subtraction wraps (the result then
   * exceeds the old counter, as in the replica's `decr_instruction_counter`), traps if the counter
   * is negative, and returns the size.
   */
  private emitHelper(kind: HelperKind): void {
    const body = new ByteWriter(64);
    body.bytes(Uint8Array.of(0x01, 0x01, 0x7e)); // one group of locals: 1 x i64
    body.bytes(this.counterGet);
    body.bytes(Uint8Array.of(0x20, 0x00)); // local.get $size
    if (kind === 'i32') body.u8(0xad); // i64.extend_i32_u
    body.bytes(Uint8Array.of(0x7d, 0x22, 0x01)); // i64.sub; local.tee $next
    body.bytes(this.counterGet);
    body.bytes(Uint8Array.of(0x55, 0x04, 0x7e, 0x42)); // i64.gt_s; if (result i64); i64.const
    body.s64(-(1n << 63n));
    body.bytes(Uint8Array.of(0x05, 0x20, 0x01, 0x0b)); // else; local.get $next; end
    body.bytes(Uint8Array.of(0x24, ...this.counterGet.subarray(1))); // global.set $c
    body.bytes(this.checkTail);
    body.bytes(Uint8Array.of(0x20, 0x00, 0x0b)); // local.get $size; end
    const bytes = body.finish();
    this.out.u32(bytes.length);
    this.out.bytes(bytes);
  }
}
