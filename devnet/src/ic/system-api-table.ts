/**
 * The `ic0` System API availability table, kept as data: one entry per function, with its
 * signature and the contexts it may be called from, in the specification's own notation.
 *
 * Source: the IC interface specification, "Overview of imports" (#system-api-imports),
 * https://internetcomputer.org/docs/references/ic-interface-spec#system-api-imports, read from
 * dfinity/developer-docs docs/references/ic-interface-spec/canister-interface.md at commit
 * 9029d26a7bd07ee672db3b1504a73a225a9151e8. That text has the 0.53.0 `TQ` context (2025-11-24),
 * `ic0.msg_reject_code` in cleanup (0.54.0, 2025-12-15) and the `msg_caller_info_*` functions
 * (0.59.0); the spec's changelog lists no change to this table from there to 0.67.0 (2026-08-31).
 *
 * The devnet decides availability from this table alone (system-api.ts `allow`).
 */

/** The spec's contexts: where a System API function may be invoked. */
export const CONTEXTS = ['I', 'G', 'U', 'RQ', 'NRQ', 'TQ', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt', 'C', 'CC', 's', 'F', 'T'] as const;
export type Context = (typeof CONTEXTS)[number];

/** `*` = `I G U RQ NRQ TQ CQ Ry Rt CRy CRt C CC F T`: everything but the `(start)` function. */
const STAR: readonly Context[] = ['I', 'G', 'U', 'RQ', 'NRQ', 'TQ', 'CQ', 'Ry', 'Rt', 'CRy', 'CRt', 'C', 'CC', 'F', 'T'];

export interface Ic0Entry {
  /** The signature as the spec writes it; `I` is i32 for a 32-bit memory, i64 for a 64-bit one. */
  signature: string;
  /** The spec's availability comment, verbatim (`*`, `* s`, or a list of contexts). */
  availability: string;
  /** Listed under "only available if I = i32": a module with a 64-bit memory may not import it. */
  i32Only?: true;
}

/** The table, in the spec's order. */
export const IC0_TABLE: Readonly<Record<string, Ic0Entry>> = {
  msg_arg_data_size: { signature: '() -> I', availability: 'I U RQ NRQ TQ CQ Ry CRy F' },
  msg_arg_data_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: 'I U RQ NRQ TQ CQ Ry CRy F' },
  msg_caller_size: { signature: '() -> I', availability: '*' },
  msg_caller_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: '*' },
  msg_caller_info_data_size: { signature: '() -> I', availability: 'U RQ NRQ CQ Ry Rt CRy CRt C CC F' },
  msg_caller_info_data_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: 'U RQ NRQ CQ Ry Rt CRy CRt C CC F' },
  msg_caller_info_signer_size: { signature: '() -> I', availability: 'U RQ NRQ CQ Ry Rt CRy CRt C CC F' },
  msg_caller_info_signer_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: 'U RQ NRQ CQ Ry Rt CRy CRt C CC F' },
  msg_reject_code: { signature: '() -> i32', availability: 'Ry Rt CRy CRt C' },
  msg_reject_msg_size: { signature: '() -> I', availability: 'Rt CRt' },
  msg_reject_msg_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: 'Rt CRt' },
  msg_deadline: { signature: '() -> i64', availability: 'U Q CQ Ry Rt CRy CRt' },
  msg_reply_data_append: { signature: '(src : I, size : I) -> ()', availability: 'U RQ NRQ TQ CQ Ry Rt CRy CRt' },
  msg_reply: { signature: '() -> ()', availability: 'U RQ NRQ TQ CQ Ry Rt CRy CRt' },
  msg_reject: { signature: '(src : I, size : I) -> ()', availability: 'U RQ NRQ TQ CQ Ry Rt CRy CRt' },
  msg_cycles_available128: { signature: '(dst : I) -> ()', availability: 'U RQ Rt Ry' },
  msg_cycles_refunded128: { signature: '(dst : I) -> ()', availability: 'Rt Ry' },
  msg_cycles_accept128: { signature: '(max_amount_high : i64, max_amount_low: i64, dst : I) -> ()', availability: 'U RQ Rt Ry' },
  cycles_burn128: { signature: '(amount_high : i64, amount_low : i64, dst : I) -> ()', availability: 'I G U RQ Ry Rt C T' },
  canister_self_size: { signature: '() -> I', availability: '*' },
  canister_self_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: '*' },
  canister_cycle_balance128: { signature: '(dst : I) -> ()', availability: '*' },
  canister_liquid_cycle_balance128: { signature: '(dst : I) -> ()', availability: '*' },
  canister_status: { signature: '() -> i32', availability: '*' },
  canister_version: { signature: '() -> i64', availability: '*' },
  subnet_self_size: { signature: '() -> I', availability: '*' },
  subnet_self_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: '*' },
  msg_method_name_size: { signature: '() -> I', availability: 'F' },
  msg_method_name_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: 'F' },
  accept_message: { signature: '() -> ()', availability: 'F' },
  call_new: {
    signature:
      '(callee_src : I, callee_size : I, name_src : I, name_size : I, reply_fun : I, reply_env : I, reject_fun : I, reject_env : I) -> ()',
    availability: 'U CQ Ry Rt CRy CRt T',
  },
  call_on_cleanup: { signature: '(fun : I, env : I) -> ()', availability: 'U CQ Ry Rt CRy CRt T' },
  call_data_append: { signature: '(src : I, size : I) -> ()', availability: 'U CQ Ry Rt CRy CRt T' },
  call_with_best_effort_response: { signature: '(timeout_seconds : i32) -> ()', availability: 'U CQ Ry Rt CRy CRt T' },
  call_cycles_add128: { signature: '(amount_high : i64, amount_low: i64) -> ()', availability: 'U Ry Rt T' },
  call_perform: { signature: '() -> ( err_code : i32 )', availability: 'U CQ Ry Rt CRy CRt T' },
  stable64_size: { signature: '() -> (page_count : i64)', availability: '* s' },
  stable64_grow: { signature: '(new_pages : i64) -> (old_page_count : i64)', availability: '* s' },
  stable64_write: { signature: '(offset : i64, src : i64, size : i64) -> ()', availability: '* s' },
  stable64_read: { signature: '(dst : i64, offset : i64, size : i64) -> ()', availability: '* s' },
  root_key_size: { signature: '() -> I', availability: 'I G U RQ Ry Rt C T' },
  root_key_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: 'I G U RQ Ry Rt C T' },
  certified_data_set: { signature: '(src : I, size : I) -> ()', availability: 'I G U Ry Rt T' },
  data_certificate_present: { signature: '() -> i32', availability: '*' },
  data_certificate_size: { signature: '() -> I', availability: 'NRQ CQ' },
  data_certificate_copy: { signature: '(dst : I, offset : I, size : I) -> ()', availability: 'NRQ CQ' },
  time: { signature: '() -> (timestamp : i64)', availability: '*' },
  global_timer_set: { signature: '(timestamp : i64) -> i64', availability: 'I G U Ry Rt C T' },
  performance_counter: { signature: '(counter_type : i32) -> (counter : i64)', availability: '* s' },
  is_controller: { signature: '(src : I, size : I) -> ( result : i32)', availability: '* s' },
  in_replicated_execution: { signature: '() -> (result : i32)', availability: '* s' },
  cost_call: { signature: '(method_name_size: i64, payload_size : i64, dst : I) -> ()', availability: '* s' },
  cost_create_canister: { signature: '(dst : I) -> ()', availability: '* s' },
  cost_http_request: { signature: '(request_size : i64, max_res_bytes : i64, dst : I) -> ()', availability: '* s' },
  cost_sign_with_ecdsa: { signature: '(src : I, size : I, ecdsa_curve: i32, dst : I) -> i32', availability: '* s' },
  cost_sign_with_schnorr: { signature: '(src : I, size : I, algorithm: i32, dst : I) -> i32', availability: '* s' },
  cost_vetkd_derive_key: { signature: '(src : I, size : I, vetkd_curve: i32, dst : I) -> i32', availability: '* s' },
  env_var_count: { signature: '() -> I', availability: '*' },
  env_var_name_size: { signature: '(index: I) -> I', availability: '*' },
  env_var_name_copy: { signature: '(index: I, dst: I, offset: I, size: I) -> ()', availability: '*' },
  env_var_name_exists: { signature: '(name_src: I, name_size: I) -> i32', availability: '*' },
  env_var_value_size: { signature: '(name_src: I, name_size: I) -> I', availability: '*' },
  env_var_value_copy: { signature: '(name_src: I, name_size: I, dst: I, offset: I, size: I) -> ()', availability: '*' },
  debug_print: { signature: '(src : I, size : I) -> ()', availability: '* s' },
  trap: { signature: '(src : I, size : I) -> ()', availability: '* s' },
  // "The following System API functions are only available if I = i32".
  msg_cycles_available: { signature: '() -> i64', availability: 'U RQ Rt Ry', i32Only: true },
  msg_cycles_refunded: { signature: '() -> i64', availability: 'Rt Ry', i32Only: true },
  msg_cycles_accept: { signature: '(max_amount : i64) -> (amount : i64)', availability: 'U RQ Rt Ry', i32Only: true },
  canister_cycle_balance: { signature: '() -> i64', availability: '*', i32Only: true },
  call_cycles_add: { signature: '(amount : i64) -> ()', availability: 'U Ry Rt T', i32Only: true },
  stable_size: { signature: '() -> (page_count : i32)', availability: '* s', i32Only: true },
  stable_grow: { signature: '(new_pages : i32) -> (old_page_count : i32)', availability: '* s', i32Only: true },
  stable_write: { signature: '(offset : i32, src : i32, size : i32) -> ()', availability: '* s', i32Only: true },
  stable_read: { signature: '(dst : i32, offset : i32, size : i32) -> ()', availability: '* s', i32Only: true },
};

/**
 * Imports the replica links that the spec's table does not list. `mint_cycles128` is linked by
 * the replica (dfinity/ic rs/embedders/src/wasmtime_embedder/linker.rs) and succeeds only on the
 * cycles minting canister; the devnet hosts no such canister, so it always traps there.
 */
export const IC0_EXTRA: Readonly<Record<string, Ic0Entry>> = {
  mint_cycles128: { signature: '(amount_high : i64, amount_low : i64, dst : I) -> ()', availability: '*' },
};

/**
 * The contexts an availability comment names. `*` expands as the spec defines it. `Q`, which the
 * spec writes for `msg_deadline` but does not define, is read as every query method context
 * (`RQ NRQ TQ`): the spec's text for `msg_deadline` says all calls to query methods, replicated
 * or not, see a deadline of 0.
 */
export function contextsOf(availability: string): ReadonlySet<Context> {
  const out = new Set<Context>();
  for (const word of availability.split(/\s+/).filter(Boolean)) {
    if (word === '*') STAR.forEach((c) => out.add(c));
    else if (word === 'Q') (['RQ', 'NRQ', 'TQ'] as const).forEach((c) => out.add(c));
    else if ((CONTEXTS as readonly string[]).includes(word)) out.add(word as Context);
    else throw new Error(`invariant: unknown System API context ${word}`);
  }
  return out;
}

/** Every entry's contexts, expanded once. */
export const IC0_CONTEXTS: ReadonlyMap<string, ReadonlySet<Context>> = new Map(
  Object.entries({ ...IC0_TABLE, ...IC0_EXTRA }).map(([name, e]) => [name, contextsOf(e.availability)]),
);

/** The number of parameters a signature declares. */
export function parameterCount(signature: string): number {
  const params = signature.slice(signature.indexOf('(') + 1, signature.indexOf(')')).trim();
  return params === '' ? 0 : params.split(',').length;
}
