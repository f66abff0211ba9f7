/**
 * The `ic0` System API: where each function may be called (the interface specification's
 * availability table, devnet/src/ic/system-api-table.ts) and what a call costs (the replica's
 * overhead table, devnet/src/ic/system-api-costs.ts), on hand-written canisters
 * (test/fixtures/wat/probe.wat), through the standard @dfinity/pic client.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import { ROOT } from '../fixtures/build.ts';
import { startInstance, stopInstance } from '../support/pic.ts';
import { wat } from '../support/wat.ts';
import { IC0_TABLE } from '../../devnet/src/ic/system-api-table.ts';
import { http_request_args, http_request_result } from '../../devnet/src/ic/management-idl.ts';

let server: PocketIcServer;
let pic: PocketIc;
let probe: Principal;

const probeWasm = () => wat(readFileSync(join(ROOT, 'test', 'fixtures', 'wat', 'probe.wat'), 'utf8'));

async function install(wasm: Uint8Array): Promise<Principal> {
  const canisterId = await pic.createCanister();
  await pic.installCode({ canisterId, wasm });
  return canisterId;
}
const update = (method: string, arg = new Uint8Array()) => pic.updateCall({ canisterId: probe, method, arg });
const query = (method: string) => pic.queryCall({ canisterId: probe, method });
const u64s = (bytes: Uint8Array): bigint[] => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: bytes.length / 8 }, (_, i) => view.getBigUint64(8 * i, true));
};
/** The replica's contract-violation text for a call outside the function's contexts. */
const wrongMode = (fn: string, mode: string) => `Canister violated contract: "ic0_${fn}" cannot be executed in ${mode} mode`;

before(async () => {
  ({ server, pic } = await startInstance());
  probe = await install(probeWasm());
});

after(() => stopInstance({ server, pic }));

describe('availability (spec "Overview of imports")', () => {
  test('msg_method_name_size is available in canister_inspect_message only', async () => {
    // Inspect reads the method name: "blocked" (7 bytes) is refused, "noop" accepted.
    await assert.rejects(update('blocked'), /Canister rejected the message/);
    assert.deepEqual(await update('noop'), new Uint8Array());
    await assert.rejects(update('method_name'), (e: Error) => e.message.includes(wrongMode('msg_method_name_size', 'update')));
  });

  test('root_key_size traps in a non-replicated query and answers in a replicated one', async () => {
    await assert.rejects(query('root_key'), (e: Error) => e.message.includes(wrongMode('root_key_size', 'non replicated query')));
    const key = await update('root_key');
    const subnet = await pic.getCanisterSubnetId(probe);
    assert.equal(bytesToHex(key), bytesToHex(new Uint8Array(await pic.getPubKey(subnet!))));
  });

  test('msg_reject_code in a cleanup callback: the code of the reject, 0 after a reply', async () => {
    await assert.rejects(update('cleanup_after_reply'), /trapped/);
    // [code (u32 LE), ran (u32 LE)]
    assert.equal(bytesToHex(await query('cleanup_record')), '0000000001000000');
    await assert.rejects(update('cleanup_after_reject'), /trapped/);
    // The call went to a method the canister does not have: CANISTER_ERROR, 5.
    assert.equal(bytesToHex(await query('cleanup_record')), '0500000001000000');
  });

  test('call_cycles_add128 and call_cycles_add trap in a composite query', async () => {
    await assert.rejects(query('cycles128_in_composite'), (e: Error) =>
      e.message.includes(wrongMode('call_cycles_add128', 'non replicated query')),
    );
    await assert.rejects(query('cycles_in_composite'), (e: Error) =>
      e.message.includes(wrongMode('call_cycles_add', 'non replicated query')),
    );
  });

  test('timers and heartbeats see the management canister as msg_caller', async () => {
    await update('set_timer');
    await pic.tick(2);
    // [ran = 1 (u32 LE), caller length = 0 (u32 LE)]: aaaaa-aa is the empty principal.
    assert.equal(bytesToHex(await query('timer_caller')), '0100000000000000');
    assert.equal(bytesToHex(await query('heartbeat_caller')), '0100000000000000');
  });

  test('msg_cycles_available is 0 once the call is replied to', async () => {
    // The callee saw the 1_000_000 cycles attached before replying...
    assert.deepEqual(u64s(await update('send_cycles')), [1_000_000n]);
    // ...and none after.
    assert.deepEqual(u64s(await query('after_reply')), [0n]);
  });

  test('the start function may call stable64_size (`* s`) but not msg_caller_size or data_certificate_present (`*`)', async () => {
    const allowed = wat(`(module
      (import "ic0" "stable64_size" (func $size (result i64)))
      (memory (export "memory") 1)
      (func $start (drop (call $size)))
      (start $start))`);
    await install(allowed);
    const forbidden = wat(`(module
      (import "ic0" "msg_caller_size" (func $caller (result i32)))
      (memory (export "memory") 1)
      (func $start (drop (call $caller)))
      (start $start))`);
    await assert.rejects(install(forbidden), (e: Error) => e.message.includes('"ic0_msg_caller_size" cannot be executed in start mode'));
    const certificate = wat(`(module
      (import "ic0" "data_certificate_present" (func $present (result i32)))
      (memory (export "memory") 1)
      (func $start (drop (call $present)))
      (start $start))`);
    await assert.rejects(install(certificate), (e: Error) =>
      e.message.includes('"ic0_data_certificate_present" cannot be executed in start mode'),
    );
  });
});

describe('HTTPS outcall transforms run as TQ: a query with no data certificate', () => {
  const transformed = { status: 204n, headers: [], body: new TextEncoder().encode('TQ') };
  const resultBytes = new Uint8Array(IDL.encode([http_request_result], [transformed]));
  const escaped = Array.from(resultBytes, (b) => `\\${b.toString(16).padStart(2, '0')}`).join('');
  // `outcall` forwards its argument to aaaaa-aa's http_request, keeps the reply or the reject
  // message for `last`, and replies with an empty Candid message (PicJS's deferred calls cannot
  // surface a reject).
  const outcaller = () =>
    wat(`(module
      (import "ic0" "msg_arg_data_size" (func $arg_size (result i32)))
      (import "ic0" "msg_arg_data_copy" (func $arg_copy (param i32 i32 i32)))
      (import "ic0" "msg_reply_data_append" (func $append (param i32 i32)))
      (import "ic0" "msg_reply" (func $reply))
      (import "ic0" "msg_reject_msg_size" (func $reject_size (result i32)))
      (import "ic0" "msg_reject_msg_copy" (func $reject_copy (param i32 i32 i32)))
      (import "ic0" "call_new" (func $call_new (param i32 i32 i32 i32 i32 i32 i32 i32)))
      (import "ic0" "call_data_append" (func $call_data_append (param i32 i32)))
      (import "ic0" "call_cycles_add128" (func $cycles_add (param i64 i64)))
      (import "ic0" "call_perform" (func $perform (result i32)))
      (import "ic0" "data_certificate_present" (func $present (result i32)))
      (import "ic0" "data_certificate_size" (func $certificate_size (result i32)))
      (memory (export "memory") 1)
      (table 2 funcref)
      (elem (i32.const 0) $keep_reply $keep_reject)
      (data (i32.const 100) "http_request")
      (data (i32.const 200) "DIDL\\00\\00")
      (data (i32.const 4000) "${escaped}")
      (func $keep_reply (param i32)
        (i32.store (i32.const 5000) (call $arg_size))
        (call $arg_copy (i32.const 5004) (i32.const 0) (call $arg_size))
        (call $append (i32.const 200) (i32.const 6))
        (call $reply))
      (func $keep_reject (param i32)
        (i32.store (i32.const 5000) (call $reject_size))
        (call $reject_copy (i32.const 5004) (i32.const 0) (call $reject_size))
        (call $append (i32.const 200) (i32.const 6))
        (call $reply))
      (func (export "canister_update outcall")
        (call $arg_copy (i32.const 8192) (i32.const 0) (call $arg_size))
        (call $call_new (i32.const 0) (i32.const 0) (i32.const 100) (i32.const 12)
          (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0))
        (call $call_data_append (i32.const 8192) (call $arg_size))
        (call $cycles_add (i64.const 0) (i64.const 1000000000000))
        (drop (call $perform)))
      (func (export "canister_query last")
        (call $append (i32.const 5004) (i32.load (i32.const 5000)))
        (call $reply))
      ;; Replies with the fixed result unless a data certificate is present.
      (func (export "canister_query tq_present")
        (if (call $present) (then (unreachable)))
        (call $append (i32.const 4000) (i32.const ${resultBytes.length}))
        (call $reply))
      (func (export "canister_query tq_size")
        (drop (call $certificate_size))
        (call $reply)))`);
  const outcallIdl: IDL.InterfaceFactory = () => IDL.Service({ outcall: IDL.Func([http_request_args], [], []) });

  /** An outcall transformed by `transform`, mocked with a 200; returns what the canister kept. */
  async function outcall(canisterId: Principal, transform: string): Promise<Uint8Array> {
    const deferred = pic.createDeferredActor<{ outcall: (args: unknown) => Promise<unknown> }>(outcallIdl, canisterId);
    const finish = await deferred.outcall({
      url: 'https://example.com/',
      max_response_bytes: [],
      method: { get: null },
      headers: [],
      body: [],
      transform: [{ function: [canisterId, transform], context: new Uint8Array() }],
      is_replicated: [],
    });
    await pic.tick(2);
    const [pending] = await pic.getPendingHttpsOutcalls();
    await pic.mockPendingHttpsOutcall({
      requestId: pending.requestId,
      subnetId: pending.subnetId,
      response: { type: 'success', statusCode: 200, headers: [], body: new Uint8Array([1]) },
    });
    await finish();
    return pic.queryCall({ canisterId, method: 'last' });
  }

  test('data_certificate_present is 0 in a transform, and data_certificate_size traps there', async () => {
    const canisterId = await install(outcaller());
    assert.deepEqual(IDL.decode([http_request_result], await outcall(canisterId, 'tq_present')), [transformed]);
    assert.match(
      new TextDecoder().decode(await outcall(canisterId, 'tq_size')),
      /^Transform function failed: .*Canister violated contract: "ic0_data_certificate_size" cannot be executed in non replicated query mode/,
    );
  });
});

describe('imports', () => {
  /** A module importing `names` with the spec's signatures, `I` read as i32 or i64. */
  function importing(names: string[], memory64: boolean): Uint8Array {
    const I = memory64 ? 'i64' : 'i32';
    const types = (text: string) =>
      text
        .split(',')
        .map((p) => p.split(':').pop()!.trim())
        .filter(Boolean)
        .map((t) => (t === 'I' ? I : t));
    const imports = names.map((name) => {
      const signature = IC0_TABLE[name].signature;
      const [params, results] = signature.split('->').map((s) => s.trim());
      const paramTypes = types(params.slice(1, -1));
      const resultTypes = types(results.replace(/^\(|\)$/g, ''));
      const param = paramTypes.length ? ` (param ${paramTypes.join(' ')})` : '';
      const result = resultTypes.length ? ` (result ${resultTypes.join(' ')})` : '';
      return `(import "ic0" "${name}" (func${param}${result}))`;
    });
    return wat(`(module ${imports.join(' ')} (memory (export "memory") ${memory64 ? 'i64 ' : ''}1))`, { memory64 });
  }

  test('a 32-bit module may import every function of the table', async () => {
    await install(importing(Object.keys(IC0_TABLE), false));
  });

  test('a 64-bit module may import every function but the 32-bit-only ones, which are refused', async () => {
    const common = Object.keys(IC0_TABLE).filter((name) => !IC0_TABLE[name].i32Only);
    await install(importing(common, true));
    for (const name of Object.keys(IC0_TABLE).filter((n) => IC0_TABLE[n].i32Only)) {
      await assert.rejects(install(importing([name], true)), (e: Error) =>
        e.message.includes(`Module imports function '${name}' from 'ic0' that is not exported by the runtime.`),
      );
    }
  });
});

describe('costs (dfinity/ic system_api_complexity.rs overheads, one instruction a byte)', () => {
  // Two performance_counter reads differ by what ran between them plus the second read's own
  // overhead, 200 instructions (`overhead::PERFORMANCE_COUNTER`).
  const COUNTER = 200n;

  test('performance_counter costs 200 instructions', async () => {
    assert.deepEqual(u64s(await update('cost_performance_counter')), [COUNTER]);
  });

  test('msg_arg_data_size costs 500; msg_arg_data_copy of 10 bytes 500 + 10', async () => {
    const [size, copy] = u64s(await update('cost_arg', new Uint8Array(10).fill(7)));
    assert.deepEqual([size - COUNTER, copy - COUNTER], [500n, 510n]);
  });

  test('call_new costs 1,500 + its callee and method bytes; call_data_append 500 + 50 a byte; call_perform 5,000', async () => {
    const [callNew, dataAppend, perform] = u64s(await update('cost_call'));
    const calleeBytes = BigInt(probe.toUint8Array().length); // 10
    assert.deepEqual([callNew - COUNTER, dataAppend - COUNTER, perform - COUNTER], [1_500n + calleeBytes + 4n, 5_500n, 5_000n]);
  });

  test('stable_grow costs 100; stable_read and stable64_read of 100 bytes 20 + 100', async () => {
    const [grow, read, read64] = u64s(await update('cost_stable'));
    assert.deepEqual([grow - COUNTER, read - COUNTER, read64 - COUNTER], [100n, 120n, 120n]);
  });
});
