import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Canister, CanisterHost } from './canister.ts';
import { createSystemApi } from './system-api.ts';
import { SYSTEM_API_COSTS, systemApiCost } from './system-api-costs.ts';
import { contextsOf, IC0_CONTEXTS, IC0_EXTRA, IC0_TABLE } from './system-api-table.ts';

/**
 * The names of the host functions the devnet links. Building the functions touches neither the
 * canister nor the host (they are read when a function runs), so none is given here.
 */
function implemented(memory64: boolean): string[] {
  const api = createSystemApi({
    canister: undefined as unknown as Canister,
    host: undefined as unknown as CanisterHost,
    context: () => {
      throw new Error('not called');
    },
    memory64,
  });
  return Object.keys(api).sort();
}

describe('the ic0 table (spec "Overview of imports")', () => {
  test('the devnet implements every function of the table, and nothing else but mint_cycles128', () => {
    assert.deepEqual(implemented(false), [...Object.keys(IC0_TABLE), ...Object.keys(IC0_EXTRA)].sort());
    assert.deepEqual(Object.keys(IC0_EXTRA), ['mint_cycles128']);
  });

  test('a module with a 64-bit memory gets every function but the nine the spec keeps to I = i32', () => {
    const i32Only = Object.keys(IC0_TABLE).filter((n) => IC0_TABLE[n].i32Only);
    assert.deepEqual(i32Only.sort(), [
      'call_cycles_add',
      'canister_cycle_balance',
      'msg_cycles_accept',
      'msg_cycles_available',
      'msg_cycles_refunded',
      'stable_grow',
      'stable_read',
      'stable_size',
      'stable_write',
    ]);
    assert.deepEqual(
      implemented(true),
      implemented(false).filter((n) => !i32Only.includes(n)),
    );
  });

  test('every function has a cost, and every cost a function', () => {
    assert.deepEqual(Object.keys(SYSTEM_API_COSTS).sort(), implemented(false));
  });

  test('`*` is every context but the start function; `* s` adds it', () => {
    assert.deepEqual([...contextsOf('*')].sort(), ['C', 'CC', 'CQ', 'CRt', 'CRy', 'F', 'G', 'I', 'NRQ', 'RQ', 'Rt', 'Ry', 'T', 'TQ', 'U']);
    assert.equal(contextsOf('*').has('s'), false);
    assert.equal(contextsOf('* s').has('s'), true);
    assert.throws(() => contextsOf('X'), /unknown System API context X/);
  });

  test('the contexts of the functions the devnet used to get wrong', () => {
    const of = (name: string) => [...IC0_CONTEXTS.get(name)!].sort();
    assert.deepEqual(of('msg_method_name_size'), ['F']);
    assert.deepEqual(of('msg_method_name_copy'), ['F']);
    assert.deepEqual(of('root_key_size'), ['C', 'G', 'I', 'RQ', 'Rt', 'Ry', 'T', 'U']);
    assert.deepEqual(of('msg_reject_code'), ['C', 'CRt', 'CRy', 'Rt', 'Ry']);
    assert.deepEqual(of('call_cycles_add128'), ['Rt', 'Ry', 'T', 'U']);
    assert.deepEqual(of('call_cycles_add'), ['Rt', 'Ry', 'T', 'U']);
    assert.deepEqual(of('cycles_burn128'), ['C', 'G', 'I', 'RQ', 'Rt', 'Ry', 'T', 'U']);
    assert.deepEqual(of('msg_deadline'), ['CQ', 'CRt', 'CRy', 'NRQ', 'RQ', 'Rt', 'Ry', 'TQ', 'U']);
  });
});

describe('System API costs (dfinity/ic system_api_complexity.rs, linker.rs)', () => {
  test('overhead only, overhead plus bytes, and 50 instructions a byte that leaves the canister', () => {
    assert.equal(systemApiCost('msg_caller_size', []), 500n);
    assert.equal(systemApiCost('msg_caller_copy', [0n, 0n, 29n]), 529n);
    assert.equal(systemApiCost('call_perform', []), 5_000n);
    assert.equal(systemApiCost('call_new', [0n, 10n, 0n, 4n, 0n, 0n, 0n, 0n]), 1_514n);
    assert.equal(systemApiCost('msg_reply_data_append', [0n, 1_000n]), 50_500n);
    assert.equal(systemApiCost('stable64_read', [0n, 0n, 4_096n]), 4_116n);
    assert.equal(systemApiCost('is_controller', [0n, 29n]), 1_029n);
    // 100 + 10 bytes printed + 2 a byte kept in the log + 50 a byte sent to it.
    assert.equal(systemApiCost('debug_print', [0n, 10n]), 100n + 10n + 20n + 500n);
  });
});
