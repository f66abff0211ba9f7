import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex } from '@noble/hashes/utils.js';
import motoko from 'motoko';
import { WalletError } from '../../../src/lib/errors.ts';
import { encodeSigned, encodeUnsigned } from './leb128.ts';
import { readModule } from './module-reader.ts';
import { COUNTER_EXPORT, instrument, InvalidWasmError, START_EXPORT, validateIcModule, type InstrumentedModule } from './instrument.ts';

// The package's typings describe its CommonJS export as a nested ES default; this is its shape.
const mo = motoko as unknown as {
  write(path: string, source: string): void;
  wasm(path: string, mode: 'ic' | 'wasi'): { wasm: Uint8Array; candid: string };
};

// ---- A small assembler for hand-made modules (core spec §5.5) ----

type Bytes = number[];
const I32 = 0x7f;
const I64 = 0x7e;
const F64 = 0x7c;
const FUNCREF = 0x70;
const u = (n: number): Bytes => [...encodeUnsigned(n)];
const s = (n: number | bigint): Bytes => [...encodeSigned(n)];
const str = (text: string): Bytes => {
  const b = new TextEncoder().encode(text);
  return [...u(b.length), ...b];
};
const vec = (items: Bytes[]): Bytes => [...u(items.length), ...items.flat()];
const section = (args: { id: number; payload: Bytes }): Bytes => [args.id, ...u(args.payload.length), ...args.payload];
const funcType = (args: { params: number[]; results: number[] }): Bytes => [
  0x60,
  ...vec(args.params.map((p) => [p])),
  ...vec(args.results.map((r) => [r])),
];
/** A code-section entry: locals as [count, type] groups, then the instructions (ending in `end`). */
const body = (args: { locals?: [number, number][]; code: Bytes }): Bytes => {
  const b = [...vec((args.locals ?? []).map(([n, t]) => [...u(n), t])), ...args.code];
  return [...u(b.length), ...b];
};
const exportEntry = (args: { name: string; kind: number; index: number }): Bytes => [...str(args.name), args.kind, ...u(args.index)];
const wasmModule = (sections: Bytes[]): Uint8Array => Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...sections.flat()]);

const TYPE = 1;
const IMPORT = 2;
const FUNCTION = 3;
const TABLE = 4;
const MEMORY = 5;
const GLOBAL = 6;
const EXPORT = 7;
const START = 8;
const ELEMENT = 9;
const CODE = 10;
const DATA = 11;
const DATA_COUNT = 12;
const FUNC = 0;
const GLOBAL_KIND = 3;

function compile(m: InstrumentedModule, imports: WebAssembly.Imports = {}): WebAssembly.Instance {
  return new WebAssembly.Instance(new WebAssembly.Module(m.bytes as Uint8Array<ArrayBuffer>), imports);
}

/** Runs `name` with `budget` instructions and returns what it used and what it returned. */
function meter(args: { instance: WebAssembly.Instance; name: string; budget?: bigint; params?: unknown[] }): {
  used: bigint;
  result: unknown;
} {
  const counter = args.instance.exports[COUNTER_EXPORT] as WebAssembly.Global;
  const budget = args.budget ?? 1_000_000n;
  counter.value = budget;
  const result = (args.instance.exports[args.name] as (...a: unknown[]) => unknown)(...(args.params ?? []));
  return { used: budget - (counter.value as bigint), result };
}

function assertInvalid(args: { wasm: Uint8Array; offset: number; text: string }): void {
  assert.throws(
    () => instrument(args.wasm),
    (e: unknown) => {
      assert.ok(e instanceof InvalidWasmError, `expected InvalidWasmError, got ${String(e)}`);
      assert.ok(e instanceof WalletError);
      assert.equal(e.offset, args.offset);
      assert.equal(e.message, `Invalid Wasm: ${args.text} at byte offset ${args.offset}`);
      return true;
    },
  );
}

// ---- The metering fixture: one module, each function exercising one rule ----

const meteredModule = wasmModule([
  section({
    id: TYPE,
    payload: vec([
      funcType({ params: [I32], results: [] }), // 0
      funcType({ params: [], results: [I32] }), // 1
      funcType({ params: [], results: [] }), // 2
      funcType({ params: [I32], results: [I32] }), // 3
    ]),
  }),
  section({ id: FUNCTION, payload: vec([[0], [1], [2], [2], [2], [3], [2]]) }),
  section({ id: TABLE, payload: vec([[FUNCREF, 0x00, ...u(10)]]) }),
  section({ id: MEMORY, payload: vec([[0x00, ...u(1)]]) }),
  section({
    id: EXPORT,
    payload: vec(
      ['countdown', 'div', 'callDiv', 'spin', 'fill', 'pick', 'tableFill'].map((name, index) => exportEntry({ name, kind: FUNC, index })),
    ),
  }),
  section({
    id: CODE,
    payload: vec([
      // 0 countdown(n): loop { n -= 1; br_if n != 0 }. Entry 1, loop body 1+1+1+1+2 = 6 a round.
      body({ code: [0x03, 0x40, 0x20, 0, 0x41, 1, 0x6b, 0x22, 0, 0x0d, 0, 0x0b, 0x0b] }),
      // 1 div(): 7 / 2. Entry 1 + i32.const 1 + i32.const 1 + i32.div_u 10 = 13.
      body({ code: [0x41, 7, 0x41, 2, 0x6e, 0x0b] }),
      // 2 callDiv(): call div; drop. Entry 1 + call 5 + drop 1 = 7, plus the callee's 13.
      body({ code: [0x10, 1, 0x1a, 0x0b] }),
      // 3 spin(): loop { br 0 }. Runs until the budget is gone.
      body({ code: [0x03, 0x40, 0x0c, 0, 0x0b, 0x0b] }),
      // 4 fill(): memory.fill(0, 0, 1000). Entry 1 + 3 consts + memory.fill 100, plus 1000 bytes.
      body({ code: [0x41, 0, 0x41, 0, 0x41, ...s(1000), 0xfc, 11, 0, 0x0b] }),
      // 5 pick(x): if x { 10 } else { 20 + 1 }. Entry 1 + local.get 1 + if 2 = 4; then 1; else 3.
      body({ code: [0x20, 0, 0x04, I32, 0x41, 10, 0x05, 0x41, 20, 0x41, 1, 0x6a, 0x0b, 0x0b] }),
      // 6 tableFill(): table.fill(0, null, 5). Entry 1 + 3 operands + table.fill 100, plus 5.
      body({ code: [0x41, 0, 0xd0, FUNCREF, 0x41, 5, 0xfc, 17, 0, 0x0b] }),
    ]),
  }),
]);

describe('instrument: instruction metering', () => {
  const m = instrument(meteredModule);
  const instance = compile(m);

  test('a loop of N rounds costs the entry plus N times the loop body, exactly', () => {
    assert.deepEqual(meter({ instance, name: 'countdown', params: [1] }), { used: 7n, result: undefined });
    assert.deepEqual(meter({ instance, name: 'countdown', params: [10] }), { used: 61n, result: undefined });
    assert.deepEqual(meter({ instance, name: 'countdown', params: [1000] }), { used: 6001n, result: undefined });
  });

  test("the IC's cost table: division 10, call 5, branches by path", () => {
    assert.deepEqual(meter({ instance, name: 'div' }), { used: 13n, result: 3 });
    assert.deepEqual(meter({ instance, name: 'callDiv' }), { used: 20n, result: undefined });
    assert.deepEqual(meter({ instance, name: 'pick', params: [1] }), { used: 5n, result: 10 });
    assert.deepEqual(meter({ instance, name: 'pick', params: [0] }), { used: 7n, result: 21 });
  });

  test('a runaway loop traps with the counter negative instead of hanging', () => {
    const counter = instance.exports[COUNTER_EXPORT] as WebAssembly.Global;
    counter.value = 1000n;
    assert.throws(
      () => (instance.exports.spin as () => void)(),
      (e: unknown) => e instanceof WebAssembly.RuntimeError && /unreachable/.test(e.message),
    );
    // Entry leaves 999; each round of `br` costs 2 and is checked: 999 - 2 * 500 = -1 traps.
    assert.equal(counter.value, -1n);
  });

  test('a function whose first block exceeds the budget traps at entry', () => {
    const counter = instance.exports[COUNTER_EXPORT] as WebAssembly.Global;
    counter.value = 12n;
    assert.throws(() => (instance.exports.div as () => number)(), WebAssembly.RuntimeError);
    // div is a single block of cost 13, charged and checked before its first instruction.
    assert.equal(counter.value, -1n);
  });

  test('bulk memory and table operations also cost their size operand', () => {
    assert.deepEqual(meter({ instance, name: 'fill' }), { used: 1104n, result: undefined });
    assert.deepEqual(meter({ instance, name: 'tableFill' }), { used: 109n, result: undefined });
    // The size helper traps before the fill runs when the budget cannot cover it.
    const counter = instance.exports[COUNTER_EXPORT] as WebAssembly.Global;
    counter.value = 500n;
    assert.throws(() => (instance.exports.fill as () => void)(), WebAssembly.RuntimeError);
    assert.equal(counter.value, 500n - 104n - 1000n);
  });

  test('the i32 size helper is appended after the existing functions, nothing renumbered', () => {
    const out = readModule(m.bytes);
    const input = readModule(meteredModule);
    assert.deepEqual(out.functionTypes, [...input.functionTypes, 4]);
    assert.deepEqual(out.types.slice(0, 4), input.types);
    assert.deepEqual(out.types[4], { params: ['i32'], results: ['i32'] });
    assert.deepEqual(
      out.exports.map((e) => [e.name, e.kind, e.index]),
      [...input.exports.map((e) => [e.name, e.kind, e.index]), ['__devnet_memory', 2, 0], ['__devnet_table', 1, 0], [COUNTER_EXPORT, 3, 0]],
    );
  });

  test('instrumenting is deterministic', () => {
    assert.equal(bytesToHex(instrument(meteredModule).bytes), bytesToHex(m.bytes));
  });
});

describe('instrument: 64-bit memories and tables', () => {
  // (memory i64 1) and fill64(n: i64): memory.fill(0, 0, n).
  const wasm = wasmModule([
    section({ id: TYPE, payload: vec([funcType({ params: [I64], results: [] })]) }),
    section({ id: FUNCTION, payload: vec([[0]]) }),
    section({ id: MEMORY, payload: vec([[0x04, ...u(1)]]) }),
    section({
      id: EXPORT,
      payload: vec([exportEntry({ name: 'fill64', kind: FUNC, index: 0 }), exportEntry({ name: 'mem', kind: 2, index: 0 })]),
    }),
    section({ id: CODE, payload: vec([body({ code: [0x42, 0, 0x41, 0, 0x20, 0, 0xfc, 11, 0, 0x0b] })]) }),
  ]);
  const m = instrument(wasm);
  const instance = compile(m);

  test('is detected and its existing export name is reported', () => {
    assert.equal(m.memory64, true);
    assert.equal(m.memoryExport, 'mem');
    assert.ok(instance.exports.mem instanceof WebAssembly.Memory);
  });

  test('memory.fill with an i64 size goes through the i64 helper', () => {
    assert.deepEqual(meter({ instance, name: 'fill64', params: [1000n] }), { used: 1104n, result: undefined });
    assert.deepEqual(readModule(m.bytes).types[1], { params: ['i64'], results: ['i64'] });
  });

  test('a size beyond i64::MAX saturates the counter at i64::MIN and traps', () => {
    const counter = instance.exports[COUNTER_EXPORT] as WebAssembly.Global;
    counter.value = 1_000_000n;
    assert.throws(() => (instance.exports.fill64 as (n: bigint) => void)(-1n), WebAssembly.RuntimeError);
    assert.equal(counter.value, -(1n << 63n));
  });

  test('an imported 64-bit memory is detected and re-exported', () => {
    const m = instrument(wasmModule([section({ id: IMPORT, payload: vec([[...str('env'), ...str('memory'), 2, 0x04, ...u(1)]]) })]));
    assert.equal(m.memory64, true);
    assert.equal(m.memoryExport, '__devnet_memory');
    const memory = new WebAssembly.Memory({ initial: 1n, address: 'i64' } as unknown as WebAssembly.MemoryDescriptor);
    const instance = compile(m, { env: { memory } });
    assert.equal(instance.exports.__devnet_memory, memory);
  });

  test('table.fill on a 64-bit table takes an i64 size', () => {
    // (table i64 10 funcref) exported as "t"; f(): table.fill(0, null, 5) with i64 operands.
    const wasm = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0]]) }),
      section({ id: TABLE, payload: vec([[FUNCREF, 0x04, ...u(10)]]) }),
      section({
        id: EXPORT,
        payload: vec([exportEntry({ name: 'f', kind: FUNC, index: 0 }), exportEntry({ name: 't', kind: 1, index: 0 })]),
      }),
      section({ id: CODE, payload: vec([body({ code: [0x42, 0, 0xd0, FUNCREF, 0x42, 5, 0xfc, 17, 0, 0x0b] })]) }),
    ]);
    const m = instrument(wasm);
    assert.equal(m.memory64, false);
    assert.equal(m.tableExport, 't');
    assert.deepEqual(readModule(m.bytes).types[1], { params: ['i64'], results: ['i64'] });
    assert.deepEqual(meter({ instance: compile(m), name: 'f' }), { used: 109n, result: undefined });
  });
});

describe('instrument: module interface', () => {
  test('memory, table and mutable globals become reachable exports', () => {
    // Imports env.g (immutable i32, global 0); defines global 1 (mut i32 = 5), global 2 (i64),
    // global 3 (mut i64 = 7, exported as "kept"); readG1() returns global 1.
    const wasm = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [I32] })]) }),
      section({ id: IMPORT, payload: vec([[...str('env'), ...str('g'), GLOBAL_KIND, I32, 0x00]]) }),
      section({ id: FUNCTION, payload: vec([[0]]) }),
      section({ id: TABLE, payload: vec([[FUNCREF, 0x00, ...u(3)]]) }),
      section({ id: MEMORY, payload: vec([[0x00, ...u(2)]]) }),
      section({
        id: GLOBAL,
        payload: vec([
          [I32, 0x01, 0x41, 5, 0x0b],
          [I64, 0x00, 0x42, 9, 0x0b],
          [I64, 0x01, 0x42, 7, 0x0b],
        ]),
      }),
      section({
        id: EXPORT,
        payload: vec([exportEntry({ name: 'kept', kind: GLOBAL_KIND, index: 3 }), exportEntry({ name: 'readG1', kind: FUNC, index: 0 })]),
      }),
      section({ id: CODE, payload: vec([body({ code: [0x23, 1, 0x0b] })]) }),
    ]);
    const m = instrument(wasm);
    assert.equal(m.memoryExport, '__devnet_memory');
    assert.equal(m.tableExport, '__devnet_table');
    assert.deepEqual(m.mutableGlobalExports, ['__devnet_global_1', 'kept']);
    assert.equal(m.counterExport, '__devnet_instructions');
    assert.equal(m.memory64, false);

    const instance = compile(m, { env: { g: new WebAssembly.Global({ value: 'i32', mutable: false }, 3) } });
    const memory = instance.exports.__devnet_memory as WebAssembly.Memory;
    assert.equal(memory.buffer.byteLength, 2 * 65536);
    assert.equal((instance.exports.__devnet_table as WebAssembly.Table).length, 3);
    const g1 = instance.exports.__devnet_global_1 as WebAssembly.Global;
    assert.equal(g1.value, 5);
    assert.equal((instance.exports.kept as WebAssembly.Global).value, 7n);
    // The export is the module's own global: the code sees what the host writes.
    g1.value = 42;
    assert.deepEqual(meter({ instance, name: 'readG1' }), { used: 3n, result: 42 });
    // The counter is appended after the imported and defined globals.
    assert.deepEqual(readModule(m.bytes).exports.at(-1), { name: COUNTER_EXPORT, kind: 3, index: 4 });
  });

  test('imports and function exports are reported with their signatures', () => {
    const wasm = wasmModule([
      section({
        id: TYPE,
        payload: vec([
          funcType({ params: [], results: [] }),
          funcType({ params: [], results: [I32] }),
          funcType({ params: [I32, I64], results: [F64] }),
        ]),
      }),
      section({
        id: IMPORT,
        payload: vec([
          [...str('ic0'), ...str('msg_reply'), FUNC, 0],
          [...str('ic0'), ...str('msg_arg_data_size'), FUNC, 1],
        ]),
      }),
      section({ id: FUNCTION, payload: vec([[0], [2]]) }),
      section({
        id: EXPORT,
        payload: vec([
          exportEntry({ name: 'canister_update foo', kind: FUNC, index: 2 }),
          exportEntry({ name: 'add', kind: FUNC, index: 3 }),
          exportEntry({ name: 'size', kind: FUNC, index: 1 }),
        ]),
      }),
      section({ id: CODE, payload: vec([body({ code: [0x10, 0, 0x0b] }), body({ code: [0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b] })]) }),
    ]);
    const m = instrument(wasm);
    assert.deepEqual(m.functionImports, [
      { module: 'ic0', name: 'msg_reply', params: [], results: [] },
      { module: 'ic0', name: 'msg_arg_data_size', params: [], results: ['i32'] },
    ]);
    assert.deepEqual(m.exportedFunctions, [
      { name: 'canister_update foo', params: [], results: [] },
      { name: 'add', params: ['i32', 'i64'], results: ['f64'] },
      { name: 'size', params: [], results: ['i32'] },
    ]);
    assert.equal(m.memoryExport, null);
    assert.equal(m.tableExport, null);
    assert.equal(m.startExport, null);
    assert.equal(validateIcModule(m), null);
  });

  test('custom, element, data count, data and start sections pass through byte for byte', () => {
    const wasm = wasmModule([
      section({ id: 0, payload: [...str('icp:public candid:service'), ...new TextEncoder().encode('service : {}')] }),
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0], [0]]) }),
      section({ id: TABLE, payload: vec([[FUNCREF, 0x00, ...u(2)]]) }),
      section({ id: MEMORY, payload: vec([[0x00, ...u(1)]]) }),
      section({ id: GLOBAL, payload: vec([[I32, 0x01, 0x41, 0, 0x0b]]) }),
      section({ id: 0, payload: [...str('between'), 1, 2, 3] }),
      section({ id: START, payload: u(0) }),
      section({ id: ELEMENT, payload: vec([[0x00, 0x41, 0, 0x0b, ...vec([u(0), u(1)])]]) }),
      section({ id: DATA_COUNT, payload: u(2) }),
      // start(): global 0 = 42; init(): memory.init 1 (passive data) at 0, 3 bytes; data.drop 1.
      section({
        id: CODE,
        payload: vec([
          body({ code: [0x41, 42, 0x24, 0, 0x0b] }),
          body({ code: [0x41, 0, 0x41, 0, 0x41, 3, 0xfc, 8, 1, 0, 0xfc, 9, 1, 0x0b] }),
        ]),
      }),
      section({
        id: DATA,
        payload: vec([
          [0x00, 0x41, 16, 0x0b, ...vec([[0xaa], [0xbb]])],
          [0x01, ...vec([[1], [2], [3]])],
        ]),
      }),
      section({ id: 0, payload: [...str('name'), 0x00, ...str('demo')] }),
    ]);
    const m = instrument(wasm);
    const input = readModule(wasm);
    const output = readModule(m.bytes);
    const sectionBytes = (args: { bytes: Uint8Array; id: number }): string[] =>
      readModule(args.bytes)
        .sections.filter((x) => x.id === args.id)
        .map((x) => bytesToHex(args.bytes.subarray(x.start, x.end)));
    for (const id of [0, TABLE, MEMORY, ELEMENT, DATA_COUNT, DATA]) {
      assert.deepEqual(sectionBytes({ bytes: m.bytes, id }), sectionBytes({ bytes: wasm, id }), `section ${id}`);
    }
    assert.deepEqual(output.customSections, input.customSections);
    assert.deepEqual(
      m.customSections.map((x) => [x.name, bytesToHex(x.bytes)]),
      [
        ['icp:public candid:service', bytesToHex(new TextEncoder().encode('service : {}'))],
        ['between', '010203'],
        ['name', '000464656d6f'],
      ],
    );
    // Sections keep their order, the added export section in its place, the start section gone.
    assert.deepEqual(
      output.sections.map((x) => x.id),
      [0, TYPE, FUNCTION, TABLE, MEMORY, GLOBAL, 0, EXPORT, ELEMENT, DATA_COUNT, CODE, DATA, 0],
    );
    assert.equal(m.startExport, START_EXPORT);
    assert.deepEqual(
      output.exports.find((e) => e.name === START_EXPORT),
      { name: START_EXPORT, kind: FUNC, index: 0 },
    );

    // The start function does not run at instantiation (the counter is still 0, unset): the host
    // runs it, metered: entry 1 + i32.const 1 + global.set 2.
    const instance = compile(m);
    const counter = instance.exports[COUNTER_EXPORT] as WebAssembly.Global;
    const g0 = instance.exports.__devnet_global_0 as WebAssembly.Global;
    assert.equal(counter.value, 0n);
    assert.equal(g0.value, 0);
    assert.deepEqual(meter({ instance, name: START_EXPORT }), { used: 4n, result: undefined });
    assert.equal(g0.value, 42);
    // init() is not exported, but the element segment put it in the (now exported) table.
    const init = (instance.exports.__devnet_table as WebAssembly.Table).get(1) as () => void;
    counter.value = 1000n;
    init();
    // memory.init costs its size like the other bulk operations: 1 + 3 + 100 + data.drop 300, plus 3.
    assert.equal(1000n - (counter.value as bigint), 407n);
    const memory = new Uint8Array((instance.exports.__devnet_memory as WebAssembly.Memory).buffer);
    assert.equal(bytesToHex(memory.subarray(0, 3)), '010203');
    assert.equal(bytesToHex(memory.subarray(16, 18)), 'aabb');
  });

  test('multi-value blocks, SIMD, tail calls, sign extension and saturating truncation', () => {
    const wasm = wasmModule([
      section({
        id: TYPE,
        payload: vec([
          funcType({ params: [], results: [I32] }),
          funcType({ params: [I32], results: [I32] }),
          funcType({ params: [], results: [I32, I32] }),
        ]),
      }),
      section({ id: FUNCTION, payload: vec([[0], [1]]) }),
      section({ id: EXPORT, payload: vec([exportEntry({ name: 'mix', kind: FUNC, index: 0 })]) }),
      section({
        id: CODE,
        payload: vec([
          body({
            code: [
              ...[0x02, 2, 0x41, 1, 0x41, 2, 0x0b], // block (type 2) 1 2 end  -> 1 2
              0x6a, // i32.add -> 3
              ...[0xfd, 0x0c, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40, 0, 0, 0], // v128.const i32x4 10 20 30 40
              ...[0xfd, 0x1b, 2], // i32x4.extract_lane 2 -> 30
              0x6a, // -> 33
              ...[0x43, 0x00, 0x00, 0xc0, 0xbf], // f32.const -1.5
              ...[0xfc, 0], // i32.trunc_sat_f32_s -> -1
              0x6a, // -> 32
              ...[0x41, ...s(0x80), 0xc0], // i32.const 128; i32.extend8_s -> -128
              0x6a, // -> -96
              ...[0x12, 1], // return_call neg
              0x0b,
            ],
          }),
          body({ code: [0x41, 0, 0x20, 0, 0x6b, 0x0b] }), // neg(x) = 0 - x
        ]),
      }),
    ]);
    const instance = compile(instrument(wasm));
    // mix: entry block 1 + 1 + 1 = 3; after the block's end 1+1+1+1+1+20+1+1+1+1+3 = 32; neg 4.
    assert.deepEqual(meter({ instance, name: 'mix' }), { used: 39n, result: 96 });
  });
});

describe('instrument: malformed input', () => {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

  test('bad magic number', () => {
    assertInvalid({
      wasm: Uint8Array.from([0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0]),
      offset: 0,
      text: 'bad magic number 0061736e (expected 0061736d)',
    });
    assertInvalid({ wasm: Uint8Array.from([0x00, 0x61, 0x73]), offset: 0, text: 'module of 3 bytes is shorter than the 8-byte preamble' });
  });

  test('unsupported version', () => {
    assertInvalid({
      wasm: Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]),
      offset: 4,
      text: 'unsupported version 0d000100 (expected 01000000)',
    });
  });

  test('truncated section', () => {
    assertInvalid({
      wasm: Uint8Array.from([...header, TYPE, 10, 1, 0x60]),
      offset: 8,
      text: 'section 1 of 10 bytes runs past the end of the module (12 bytes)',
    });
    assertInvalid({ wasm: Uint8Array.from([...header, TYPE, 3, 1, 0x60, 1]), offset: 13, text: 'unexpected end of input' });
  });

  test('bad LEB128', () => {
    assertInvalid({
      wasm: Uint8Array.from([...header, TYPE, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
      offset: 9,
      text: 'malformed LEB128 u32 (too long or unused bits set)',
    });
  });

  test('unknown opcode, at the offset of the opcode', () => {
    // 0x06 is `try` (exception handling), which the devnet does not accept.
    const wasm = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0]]) }),
      section({ id: CODE, payload: vec([body({ code: [0x01, 0x06, 0x40, 0x0b, 0x0b] })]) }),
    ]);
    assertInvalid({ wasm, offset: wasm.length - 4, text: 'unknown or unsupported opcode 0x06' });
    const simd = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0]]) }),
      section({ id: CODE, payload: vec([body({ code: [0xfd, ...u(0x100), 0x0b] })]) }), // relaxed SIMD
    ]);
    assertInvalid({ wasm: simd, offset: simd.length - 4, text: 'unknown or unsupported opcode 0xfd 256' });
  });

  test('a function body without its final end', () => {
    const wasm = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0]]) }),
      section({ id: CODE, payload: vec([body({ code: [0x02, 0x40, 0x0b] })]) }),
    ]);
    assertInvalid({ wasm, offset: wasm.length, text: 'function body ends before its final end' });
  });

  test('function and code sections that disagree', () => {
    const wasm = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0], [0]]) }),
      section({ id: CODE, payload: vec([body({ code: [0x0b] })]) }),
    ]);
    assertInvalid({ wasm, offset: 19, text: 'function section declares 2 functions but the code section has 1 bodies' });
  });

  test('sections out of order', () => {
    const wasm = wasmModule([section({ id: FUNCTION, payload: vec([]) }), section({ id: TYPE, payload: vec([]) })]);
    assertInvalid({ wasm, offset: 11, text: 'section 1 is out of order or repeated' });
  });

  test('code naming the global the counter will occupy is refused, so it cannot reset its budget', () => {
    // global.set 0 with no globals: after instrumentation index 0 would be the counter.
    const wasm = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0]]) }),
      section({ id: CODE, payload: vec([body({ code: [0x42, 0, 0x24, 0, 0x0b] })]) }),
    ]);
    assertInvalid({ wasm, offset: wasm.length - 2, text: 'global index 0 out of range (0 globals)' });
  });

  test('exports that collide with the names the devnet adds', () => {
    const wasm = wasmModule([
      section({ id: TYPE, payload: vec([funcType({ params: [], results: [] })]) }),
      section({ id: FUNCTION, payload: vec([[0]]) }),
      section({ id: EXPORT, payload: vec([exportEntry({ name: COUNTER_EXPORT, kind: FUNC, index: 0 })]) }),
      section({ id: CODE, payload: vec([body({ code: [0x0b] })]) }),
    ]);
    assertInvalid({ wasm, offset: 18, text: `the module already exports "${COUNTER_EXPORT}", a name the devnet reserves` });
  });
});

describe('validateIcModule', () => {
  /** A module exporting functions of the given types under the given names, plus extra sections. */
  const moduleWith = (args: {
    exports: [string, 'unit' | 'i32->unit'][];
    imports?: [string, string][];
    extra?: Bytes[];
    memories?: number;
  }): InstrumentedModule => {
    const imports = args.imports ?? [];
    return instrument(
      wasmModule([
        section({ id: TYPE, payload: vec([funcType({ params: [], results: [] }), funcType({ params: [I32], results: [] })]) }),
        ...(imports.length
          ? [section({ id: IMPORT, payload: vec(imports.map(([mod, name]) => [...str(mod), ...str(name), FUNC, 0])) })]
          : []),
        section({ id: FUNCTION, payload: vec([[0], [1]]) }),
        ...(args.memories ? [section({ id: MEMORY, payload: vec(Array.from({ length: args.memories }, () => [0x00, 0x01])) })] : []),
        section({
          id: EXPORT,
          payload: vec(args.exports.map(([name, t]) => exportEntry({ name, kind: FUNC, index: imports.length + (t === 'unit' ? 0 : 1) }))),
        }),
        section({ id: CODE, payload: vec([body({ code: [0x0b] }), body({ code: [0x0b] })]) }),
        ...(args.extra ?? []),
      ]),
    );
  };

  test('accepts a well-formed canister', () => {
    const m = moduleWith({
      exports: [
        ['canister_init', 'unit'],
        ['canister_update a', 'unit'],
        ['canister_query b', 'unit'],
        ['canister_composite_query c', 'unit'],
        ['canister_on_low_wasm_memory', 'unit'],
        ['helper', 'i32->unit'],
      ],
      imports: [['ic0', 'msg_reply']],
      memories: 1,
      extra: [
        section({ id: 0, payload: [...str('icp:public candid:service'), 1] }),
        section({ id: 0, payload: [...str('icp:private x'), 2] }),
      ],
    });
    assert.equal(validateIcModule(m), null);
  });

  test('entry points must have type () -> ()', () => {
    assert.equal(
      validateIcModule(moduleWith({ exports: [['canister_init', 'i32->unit']] })),
      "Exported function 'canister_init' must have type () -> (), but has type (i32) -> ()",
    );
    assert.equal(
      validateIcModule(moduleWith({ exports: [['canister_query q', 'i32->unit']] })),
      "Exported function 'canister_query q' must have type () -> (), but has type (i32) -> ()",
    );
  });

  test('a method is exported at most once across update, query and composite query', () => {
    assert.equal(
      validateIcModule(
        moduleWith({
          exports: [
            ['canister_update m', 'unit'],
            ['canister_composite_query m', 'unit'],
          ],
        }),
      ),
      "Duplicate function 'm' exported multiple times with different call types: update, query, or composite_query.",
    );
  });

  test('no other canister_ exports', () => {
    assert.equal(
      validateIcModule(moduleWith({ exports: [['canister_start', 'unit']] })),
      'Exporting reserved function \'canister_start\' with "canister_" prefix',
    );
  });

  test('at most one memory', () => {
    assert.equal(
      validateIcModule(moduleWith({ exports: [], memories: 2 })),
      'Wasm module declares 2 memories; a canister may declare at most one memory',
    );
  });

  test('functions are imported from ic0 only', () => {
    assert.equal(
      validateIcModule(moduleWith({ exports: [], imports: [['env', 'abort']] })),
      "Wasm module has an invalid import section. Module imports function 'abort' from 'env' that is not exported by the runtime.",
    );
  });

  test('icp: custom sections are public or private, each name once', () => {
    const custom = (name: string): Bytes => section({ id: 0, payload: [...str(name), 0] });
    assert.equal(
      validateIcModule(moduleWith({ exports: [], extra: [custom('icp:public a'), custom('icp:private a')] })),
      'Invalid custom section: name a already exists',
    );
    assert.equal(
      validateIcModule(moduleWith({ exports: [], extra: [custom('icp:protected a')] })),
      "Invalid custom section: Custom section 'icp:protected a' has no public/private scope defined.",
    );
    assert.equal(validateIcModule(moduleWith({ exports: [], extra: [custom('other:thing'), custom('name')] })), null);
  });

  test('at most 16 icp: custom sections', () => {
    const extra = Array.from({ length: 17 }, (_, i) => section({ id: 0, payload: [...str(`icp:public s${i}`), 0] }));
    assert.equal(
      validateIcModule(moduleWith({ exports: [], extra })),
      'Wasm module defined 17 custom sections which exceeds the maximum number allowed 16.',
    );
  });

  test('works on a copy of the result too (counts read from the bytes)', () => {
    const m = moduleWith({ exports: [], memories: 2 });
    assert.equal(validateIcModule({ ...m }), 'Wasm module declares 2 memories; a canister may declare at most one memory');
  });
});

describe('instrument: a Motoko canister compiled in-process', () => {
  mo.write(
    'Main.mo',
    `persistent actor Counter {
      var n : Nat = 0;
      public func inc() : async Nat { n += 1; n };
      public query func get() : async Nat { n };
    };`,
  );
  const { wasm } = mo.wasm('Main.mo', 'ic');
  const m = instrument(wasm);

  test('64-bit memory, start function, exports and metadata', () => {
    assert.equal(m.memory64, true);
    assert.equal(m.startExport, START_EXPORT);
    assert.equal(m.memoryExport, 'mem');
    assert.equal(m.tableExport, 'table');
    const names = m.exportedFunctions.map((f) => f.name);
    for (const name of ['canister_init', 'canister_update inc', 'canister_query get', 'canister_pre_upgrade', 'canister_post_upgrade']) {
      assert.deepEqual(
        m.exportedFunctions.find((f) => f.name === name),
        { name, params: [], results: [] },
        `${name} in ${names.join(', ')}`,
      );
    }
    assert.ok(m.customSections.some((x) => x.name === 'icp:private motoko:stable-types'));
    assert.ok(m.customSections.some((x) => x.name === 'icp:private enhanced-orthogonal-persistence'));
    assert.ok(m.functionImports.every((f) => f.module === 'ic0'));
    assert.equal(validateIcModule(m), null);
  });

  test('compiles, and its start function runs metered', () => {
    // The start function (the runtime's initialisation) asks for the stable memory size; zero.
    const ic0: Record<string, () => number | bigint | undefined> = {};
    for (const f of m.functionImports) ic0[f.name] = () => (f.results[0] === 'i64' ? 0n : f.results[0] === 'i32' ? 0 : undefined);
    const instance = compile(m, { ic0 });
    const { used } = meter({ instance, name: START_EXPORT, budget: 300_000_000_000n });
    assert.ok(used > 1000n && used < 10_000_000n, `start used ${used} instructions`);
    // Without budget, the same start function traps at its entry.
    assert.throws(() => meter({ instance, name: START_EXPORT, budget: 0n }), WebAssembly.RuntimeError);
  });
});
