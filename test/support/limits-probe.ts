/**
 * A hand-assembled canister for the cycle and memory limit tests: raw (non-Candid) arguments and
 * replies, so a test knows every byte a message carries. Its 32-bit memory starts at 40 pages.
 *
 * - `balance`: replies its cycle balance (16 bytes, little-endian) as it reads it during the message.
 * - `nothing`: an empty body; it does not reply.
 * - `call_balance` (arg: callee principal): reads its balance (B0), calls `balance` on the callee,
 *   reads its balance again (B1) and stores call_perform's result; the reply callback reads B2 and
 *   replies B0 ‖ B1 ‖ B2 (16 bytes each) ‖ call_perform's result (4 bytes).
 * - `call_n` (arg: n as u32 ‖ callee principal): calls `reply_n` on the callee with n; the reply
 *   callback replies empty.
 * - `reply_n` (update) and `reply_n_q` (query) (arg: n as u32): reply n bytes of memory.
 * - `grow` (update) and `grow_q` (query) (arg: n as u32): memory.grow by n pages, reply empty.
 * - `stable_grow` (arg: n as u32): replies ic0.stable_grow(n) as an i32.
 * - `liquid_and_burn`: replies its liquid balance, then what ic0.cycles_burn128 burned when asked
 *   for everything (16 bytes each).
 * - `big_call` (arg: callee principal): grows memory by 130 pages, then appends 10 MiB to a call.
 * - `call_with_cycles` (arg: amount as u64 ‖ callee principal): calls `balance` on the callee with
 *   `amount` cycles attached; the callback replies empty.
 */
import { encodeSigned, encodeUnsigned } from '../../devnet/src/wasm/leb128.ts';

type Bytes = number[];
const I32 = 0x7f;
const u = (n: number): Bytes => [...encodeUnsigned(n)];
const s = (n: number): Bytes => [...encodeSigned(BigInt(n))];
const str = (text: string): Bytes => {
  const b = new TextEncoder().encode(text);
  return [...u(b.length), ...b];
};
const vec = (items: Bytes[]): Bytes => [...u(items.length), ...items.flat()];
const section = (id: number, payload: Bytes): Bytes => [id, ...u(payload.length), ...payload];

const I64 = 0x7e;
const i32s = (n: number): number[] => Array<number>(n).fill(I32);
/** Imported ic0 functions, in index order: parameter types, and whether they return an i32. */
const IMPORTS: { name: string; params: number[]; result: boolean }[] = [
  { name: 'canister_cycle_balance128', params: i32s(1), result: false }, // 0
  { name: 'msg_reply_data_append', params: i32s(2), result: false }, // 1
  { name: 'msg_reply', params: [], result: false }, // 2
  { name: 'call_new', params: i32s(8), result: false }, // 3
  { name: 'call_perform', params: [], result: true }, // 4
  { name: 'msg_arg_data_copy', params: i32s(3), result: false }, // 5
  { name: 'msg_arg_data_size', params: [], result: true }, // 6
  { name: 'call_data_append', params: i32s(2), result: false }, // 7
  { name: 'stable_grow', params: i32s(1), result: true }, // 8
  { name: 'canister_liquid_cycle_balance128', params: i32s(1), result: false }, // 9
  { name: 'cycles_burn128', params: [I64, I64, I32], result: false }, // 10
  { name: 'call_cycles_add128', params: [I64, I64], result: false }, // 11
];
const fn = Object.fromEntries(IMPORTS.map((imp, i) => [imp.name, i])) as Record<string, number>;

const i32 = (n: number): Bytes => [0x41, ...s(n)];
const call = (name: string): Bytes => [0x10, ...u(fn[name])];
const load = (addr: number): Bytes => [...i32(addr), 0x28, 0x02, 0x00];
const store = (addr: number, value: Bytes): Bytes => [...i32(addr), ...value, 0x36, 0x02, 0x00];
const drop: Bytes = [0x1a];
/** msg_arg_data_copy(dst, 0, msg_arg_data_size()). */
const copyArg = (dst: number): Bytes => [...i32(dst), ...i32(0), ...call('msg_arg_data_size'), ...call('msg_arg_data_copy')];
const reply = (src: number, size: Bytes): Bytes => [...i32(src), ...size, ...call('msg_reply_data_append'), ...call('msg_reply')];

/** Data: method names the probe calls. */
const DATA = [
  { offset: 200, text: 'balance' },
  { offset: 220, text: 'reply_n' },
  { offset: 240, text: 'x' },
];
const ARG = 100;
const REPLY_SRC = 1024;

interface Func {
  /** Type 0: [] -> []; type 1: [i32] -> [] (a callback's env). */
  type: 0 | 1;
  exports: string[];
  body: Bytes;
}

const FUNCS: Func[] = [
  { type: 0, exports: ['canister_update balance'], body: [...i32(0), ...call('canister_cycle_balance128'), ...reply(0, i32(16))] },
  { type: 0, exports: ['canister_update nothing'], body: [] },
  {
    // call_balance: the callee principal is the whole argument.
    type: 0,
    exports: ['canister_update call_balance'],
    body: [
      ...copyArg(ARG),
      ...i32(0),
      ...call('canister_cycle_balance128'),
      ...[
        ...i32(ARG),
        ...call('msg_arg_data_size'),
        ...i32(200),
        ...i32(7),
        ...i32(0),
        ...i32(0),
        ...i32(0),
        ...i32(0),
        ...call('call_new'),
      ],
      ...store(48, call('call_perform')),
      ...i32(16),
      ...call('canister_cycle_balance128'),
    ],
  },
  {
    // Reply callback (table slot 0): B2, then reply B0 ‖ B1 ‖ B2 ‖ result.
    type: 1,
    exports: [],
    body: [...i32(32), ...call('canister_cycle_balance128'), ...reply(0, i32(52))],
  },
  {
    // call_n: n (4 bytes) then the callee principal.
    type: 0,
    exports: ['canister_update call_n'],
    body: [
      ...copyArg(ARG),
      ...[...i32(ARG + 4), ...call('msg_arg_data_size'), ...i32(4), 0x6b /* i32.sub */, ...i32(220), ...i32(7)],
      ...[...i32(1), ...i32(0), ...i32(1), ...i32(0), ...call('call_new')],
      ...[...i32(ARG), ...i32(4), ...call('call_data_append')],
      ...call('call_perform'),
      ...drop,
    ],
  },
  { type: 1, exports: [], body: [...i32(0), ...i32(0), ...call('msg_reply_data_append'), ...call('msg_reply')] }, // table slot 1
  {
    type: 0,
    exports: ['canister_update reply_n', 'canister_query reply_n_q'],
    body: [...copyArg(ARG), ...reply(REPLY_SRC, load(ARG))],
  },
  {
    type: 0,
    exports: ['canister_update grow', 'canister_query grow_q'],
    body: [...copyArg(ARG), ...load(ARG), 0x40, 0x00 /* memory.grow */, ...drop, ...reply(0, i32(0))],
  },
  {
    type: 0,
    exports: ['canister_update stable_grow'],
    body: [...copyArg(ARG), ...store(0, [...load(ARG), ...call('stable_grow')]), ...reply(0, i32(4))],
  },
  {
    // liquid_and_burn: the liquid balance, then burns as much as it may (2^128 - 1 asked) and
    // replies both (16 bytes each).
    type: 0,
    exports: ['canister_update liquid_and_burn'],
    body: [
      ...i32(0),
      ...call('canister_liquid_cycle_balance128'),
      ...[0x42, ...s(-1), 0x42, ...s(-1), ...i32(16), ...call('cycles_burn128')],
      ...reply(0, i32(32)),
    ],
  },
  {
    type: 0,
    exports: ['canister_update big_call'],
    body: [
      ...copyArg(ARG),
      ...[...i32(130), 0x40, 0x00, ...drop],
      ...[
        ...i32(ARG),
        ...call('msg_arg_data_size'),
        ...i32(240),
        ...i32(1),
        ...i32(0),
        ...i32(0),
        ...i32(0),
        ...i32(0),
        ...call('call_new'),
      ],
      ...[...i32(0), ...i32(10 * 1024 * 1024), ...call('call_data_append')],
      ...reply(0, i32(0)),
    ],
  },
  {
    type: 0,
    exports: ['canister_update call_with_cycles'],
    body: [
      ...copyArg(ARG),
      ...[...i32(ARG + 8), ...call('msg_arg_data_size'), ...i32(8), 0x6b /* i32.sub */, ...i32(200), ...i32(7)],
      ...[...i32(1), ...i32(0), ...i32(1), ...i32(0), ...call('call_new')],
      ...[0x42, 0x00 /* i64.const 0 */, ...i32(ARG), 0x29, 0x03, 0x00 /* i64.load */, ...call('call_cycles_add128')],
      ...call('call_perform'),
      ...drop,
    ],
  },
];

function build(): Uint8Array {
  const types: Bytes[] = [
    [0x60, 0x00, 0x00], // 0: [] -> []
    [0x60, 0x01, I32, 0x00], // 1: [i32] -> []
  ];
  const importTypes = IMPORTS.map((imp) => {
    const t = [0x60, ...u(imp.params.length), ...imp.params, ...(imp.result ? [0x01, I32] : [0x00])];
    types.push(t);
    return types.length - 1;
  });
  const imports = IMPORTS.map((imp, i) => [...str('ic0'), ...str(imp.name), 0x00, ...u(importTypes[i])]);
  const funcIndex = (i: number) => IMPORTS.length + i;
  const exports = FUNCS.flatMap((f, i) => f.exports.map((name) => [...str(name), 0x00, ...u(funcIndex(i))]));
  const callbacks = FUNCS.map((f, i) => (f.type === 1 ? funcIndex(i) : -1)).filter((i) => i >= 0);
  const code = FUNCS.map((f) => {
    const body = [0x00 /* no locals */, ...f.body, 0x0b];
    return [...u(body.length), ...body];
  });
  const data = DATA.map((d) => {
    const bytes = [...new TextEncoder().encode(d.text)];
    return [0x00, ...i32(d.offset), 0x0b, ...u(bytes.length), ...bytes];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(FUNCS.map((f) => [f.type]))),
    ...section(4, vec([[0x70, 0x00, ...u(callbacks.length)]])), // table: funcref, the callbacks
    ...section(5, vec([[0x00, ...u(40)]])), // memory: 40 pages, no maximum
    ...section(7, vec(exports)),
    ...section(9, vec([[0x00, ...i32(0), 0x0b, ...vec(callbacks.map((i) => u(i)))]])),
    ...section(10, vec(code)),
    ...section(11, vec(data)),
  ]);
}

export const limitsProbe: Uint8Array = build();

/** A u32 argument, little-endian. */
export function u32Arg(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}

/** A 16-byte little-endian u128 at `offset`. */
export function readU128(bytes: Uint8Array, offset: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 16);
  return view.getBigUint64(0, true) + (view.getBigUint64(8, true) << 64n);
}
