/**
 * Static instruction costs, one table for every opcode, following the replica's
 * `instruction_to_cost` (dfinity/ic rs/embedders/src/wasm_utils/instrumentation.rs), whose weights
 * DFINITY derived from benchmarks. Anything that table does not list costs 1, as there.
 * Bulk memory and table operations additionally cost their size operand at run time
 * (see code-rewriter.ts); the static part here is their fixed overhead.
 */

export interface CostTables {
  /** Single-byte opcodes 0x00..0xff (prefix bytes 0xfc/0xfd are looked up in the tables below). */
  plain: Uint16Array;
  /** 0xfc-prefixed sub-opcodes 0..17. */
  misc: Uint16Array;
  /** 0xfd-prefixed (SIMD) sub-opcodes 0..255. */
  simd: Uint16Array;
}

function fill(args: { table: Uint16Array; from: number; to: number; cost: number }): void {
  for (let op = args.from; op <= args.to; op++) args.table[op] = args.cost;
}

function set(args: { table: Uint16Array; ops: number[]; cost: number }): void {
  for (const op of args.ops) args.table[op] = args.cost;
}

/** Builds the tables. Loads and stores cost 2 instead of 1 when the main memory is 64-bit. */
function buildCostTables(memory64: boolean): CostTables {
  const memoryAccess = memory64 ? 2 : 1;
  const plain = new Uint16Array(256).fill(1);

  // Structure markers cost nothing: block, loop, else, end.
  set({ table: plain, ops: [0x02, 0x03, 0x05, 0x0b], cost: 0 });
  // Prefix bytes: the prefixed instruction's cost comes from the `misc` and `simd` tables alone.
  set({ table: plain, ops: [0xfc, 0xfd], cost: 0 });
  // Branches: if, br, br_if, br_table.
  set({ table: plain, ops: [0x04, 0x0c, 0x0d, 0x0e], cost: 2 });
  // Calls (adjusted by DFINITY after benchmarking real canisters), tail calls.
  plain[0x10] = 5; // call
  plain[0x11] = 10; // call_indirect
  plain[0x12] = 3; // return_call
  plain[0x13] = 60; // return_call_indirect
  // Variables: global.get/set behave like loads and stores; table.get/set touch memory.
  set({ table: plain, ops: [0x23, 0x24], cost: 2 });
  set({ table: plain, ops: [0x25, 0x26], cost: 5 });
  // Loads and stores 0x28..0x3e.
  fill({ table: plain, from: 0x28, to: 0x3e, cost: memoryAccess });
  plain[0x3f] = 20; // memory.size
  plain[0x40] = 300; // memory.grow calls into the system
  // Integer division and remainder: i32 0x6d..0x70, i64 0x7f..0x82.
  fill({ table: plain, from: 0x6d, to: 0x70, cost: 10 });
  fill({ table: plain, from: 0x7f, to: 0x82, cost: 10 });
  // Float comparisons: f32 0x5b..0x60, f64 0x61..0x66.
  fill({ table: plain, from: 0x5b, to: 0x66, cost: 3 });
  // f32 arithmetic 0x8b..0x98.
  set({ table: plain, ops: [0x8d, 0x8e, 0x8f, 0x90, 0x92, 0x93, 0x94, 0x98], cost: 2 }); // ceil floor trunc nearest add sub mul copysign
  plain[0x91] = 5; // f32.sqrt
  plain[0x95] = 3; // f32.div
  set({ table: plain, ops: [0x96, 0x97], cost: 18 }); // f32.min, f32.max
  // f64 arithmetic 0x99..0xa6.
  set({ table: plain, ops: [0x9b, 0x9c, 0x9d, 0x9e, 0xa0, 0xa1, 0xa2], cost: 2 }); // ceil floor trunc nearest add sub mul
  plain[0x9f] = 8; // f64.sqrt
  plain[0xa3] = 5; // f64.div
  set({ table: plain, ops: [0xa4, 0xa5], cost: 18 }); // f64.min, f64.max
  plain[0xa6] = 3; // f64.copysign
  // Trapping float-to-int truncations: i32.trunc_* 0xa8..0xab, i64.trunc_* 0xae..0xb1.
  fill({ table: plain, from: 0xa8, to: 0xab, cost: 20 });
  fill({ table: plain, from: 0xae, to: 0xb1, cost: 20 });
  // Int-to-float conversions: signed 3, unsigned 16.
  set({ table: plain, ops: [0xb2, 0xb4, 0xb7, 0xb9], cost: 3 });
  set({ table: plain, ops: [0xb3, 0xb5, 0xb8, 0xba], cost: 16 });
  // References.
  plain[0xd1] = 5; // ref.is_null
  plain[0xd2] = 130; // ref.func

  const misc = new Uint16Array(18);
  fill({ table: misc, from: 0, to: 7, cost: 20 }); // saturating truncations
  set({ table: misc, ops: [8, 10, 11, 12, 14, 17], cost: 100 }); // memory.init/copy/fill, table.init/copy/fill
  set({ table: misc, ops: [9, 13], cost: 300 }); // data.drop, elem.drop
  misc[15] = 300; // table.grow
  misc[16] = 100; // table.size

  const simd = new Uint16Array(256).fill(1);
  // Loads and stores: 0x00..0x0b, lane loads/stores 0x54..0x5b, load_zero 0x5c..0x5d.
  fill({ table: simd, from: 0x00, to: 0x0b, cost: memoryAccess });
  fill({ table: simd, from: 0x54, to: 0x5d, cost: memoryAccess });
  simd[0x0d] = 3; // i8x16.shuffle
  // Unsigned lt/gt comparisons of i8x16, i16x8, i32x4.
  set({ table: simd, ops: [0x26, 0x28, 0x30, 0x32, 0x3a, 0x3c], cost: 2 });
  set({ table: simd, ops: [0x62, 0x6b, 0x6c], cost: 3 }); // i8x16.popcnt, shl, shr_s
  simd[0x6d] = 2; // i8x16.shr_u
  simd[0x7d] = 2; // i16x8.extadd_pairwise_i8x16_u
  simd[0x7f] = 3; // i32x4.extadd_pairwise_i16x8_u
  set({ table: simd, ops: [0x8b, 0x8c, 0x8d], cost: 2 }); // i16x8 shifts
  set({ table: simd, ops: [0x9d, 0x9f], cost: 2 }); // i16x8.extmul_high_*
  set({ table: simd, ops: [0xab, 0xac, 0xad], cost: 2 }); // i32x4 shifts
  simd[0xb5] = 2; // i32x4.mul
  set({ table: simd, ops: [0xbc, 0xbd, 0xbe, 0xbf], cost: 2 }); // i32x4.extmul_*
  simd[0xcb] = 2; // i64x2.shl
  simd[0xcc] = 3; // i64x2.shr_s
  simd[0xcd] = 2; // i64x2.shr_u
  simd[0xd5] = 4; // i64x2.mul
  // f32x4 and f64x2 rounding: ceil floor (0x67 0x68 / 0x74 0x75), trunc nearest (0x69 0x6a / 0x7a 0x94).
  set({ table: simd, ops: [0x67, 0x68, 0x69, 0x6a, 0x74, 0x75, 0x7a, 0x94], cost: 2 });
  // f32x4 0xe0..0xeb: abs neg (2), sqrt 5, add sub mul 2, div 10, min max 4, pmin pmax 1.
  set({ table: simd, ops: [0xe0, 0xe1, 0xe4, 0xe5, 0xe6], cost: 2 });
  simd[0xe3] = 5;
  simd[0xe7] = 10;
  set({ table: simd, ops: [0xe8, 0xe9], cost: 4 });
  // f64x2 0xec..0xf7: abs neg (2), sqrt 14, add sub mul 2, div 12, min 4, max 5, pmin pmax 1.
  set({ table: simd, ops: [0xec, 0xed, 0xf0, 0xf1, 0xf2], cost: 2 });
  simd[0xef] = 14;
  simd[0xf3] = 12;
  simd[0xf4] = 4;
  simd[0xf5] = 5;
  // Conversions 0xf8..0xff.
  simd[0xf8] = 2; // i32x4.trunc_sat_f32x4_s
  simd[0xf9] = 4; // i32x4.trunc_sat_f32x4_u
  simd[0xfb] = 4; // f32x4.convert_i32x4_u
  simd[0xfc] = 2; // i32x4.trunc_sat_f64x2_s_zero
  simd[0xfd] = 3; // i32x4.trunc_sat_f64x2_u_zero

  return { plain, misc, simd };
}

/** Cost tables for a module whose main memory is 32-bit. */
export const costs32: CostTables = buildCostTables(false);
/** Cost tables for a module whose main memory is 64-bit. */
export const costs64: CostTables = buildCostTables(true);

/** Every function entry costs at least this, so that even empty functions consume some budget (as on the IC). */
export const FUNCTION_ENTRY_COST = 1;
