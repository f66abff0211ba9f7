/**
 * What a System API call costs in instructions, as the replica charges it: a fixed overhead per
 * function plus, for calls that move bytes between the canister and the system, a charge per
 * byte.
 *
 * Sources (dfinity/ic):
 * - the overheads: rs/embedders/src/wasmtime_embedder/system_api_complexity.rs, module `overhead`
 *   (the version with the `ROOT_KEY_*`, `ENV_VAR_*`, `MSG_CALLER_INFO_*` and `COST_*` entries),
 *   and module `overhead_native` for the stable memory functions, which the replica implements in
 *   Wasm (rs/embedders/src/wasm_utils/system_api_replacements.rs at commit
 *   6abf85063f93c454345859e50cb8d9ea01a0a950: `stable_read` subtracts `size + STABLE_READ`);
 * - which calls charge bytes, and how many: rs/embedders/src/wasmtime_embedder/linker.rs at commit
 *   6b857d45cf69349ed7e66570eccbe3dd62b2ad90 (`charge_for_cpu` charges the overhead only,
 *   `charge_for_cpu_and_mem` the overhead plus bytes; payloads that leave the canister, reply and
 *   call data, count `BYTE_TRANSMISSION_COST_FACTOR` = 50 instructions a byte);
 * - one instruction a byte: `get_num_instructions_from_bytes` in
 *   rs/embedders/src/wasmtime_embedder/system_api.rs, on application subnets (system subnets
 *   charge no bytes; the devnet charges every subnet as an application subnet).
 */

/** `BYTE_TRANSMISSION_COST_FACTOR` of linker.rs. */
export const BYTE_TRANSMISSION_COST_FACTOR = 50n;

/**
 * The log a canister's `debug_print` and `trap` messages land in is charged by its capacity and
 * the room left in it (linker.rs `logging_charge_bytes`); the devnet charges as for an empty log
 * of the default capacity (4 KiB, the spec's default `log_memory_limit`).
 */
const LOG_CAPACITY = 4096n;

/** How the bytes of a call are counted, from its arguments. */
type Bytes = (args: bigint[]) => bigint;
const none: Bytes = () => 0n;
/** The `size` argument of a `copy(dst, offset, size)` or `(…, src, size)` call, at `index`. */
const arg =
  (index: number): Bytes =>
  (a) =>
    a[index] ?? 0n;
const transmitted =
  (index: number): Bytes =>
  (a) =>
    BYTE_TRANSMISSION_COST_FACTOR * (a[index] ?? 0n);
const min = (x: bigint, y: bigint): bigint => (x < y ? x : y);
/** linker.rs `logging_charge_bytes`: twice the bytes kept in the log plus 50 a byte sent to it. */
const logged = (length: bigint): bigint => 2n * min(length, LOG_CAPACITY) + BYTE_TRANSMISSION_COST_FACTOR * min(length, LOG_CAPACITY);

export interface SystemApiCost {
  overhead: bigint;
  bytes: Bytes;
}

const c = (overhead: number, bytes: Bytes = none): SystemApiCost => ({ overhead: BigInt(overhead), bytes });

/** Cost of every `ic0` function the devnet implements. */
export const SYSTEM_API_COSTS: Readonly<Record<string, SystemApiCost>> = {
  msg_arg_data_size: c(500),
  msg_arg_data_copy: c(500, arg(2)),
  msg_caller_size: c(500),
  msg_caller_copy: c(500, arg(2)),
  msg_caller_info_data_size: c(500),
  msg_caller_info_data_copy: c(500, arg(2)),
  msg_caller_info_signer_size: c(500),
  msg_caller_info_signer_copy: c(500, arg(2)),
  msg_reject_code: c(500),
  msg_reject_msg_size: c(500),
  msg_reject_msg_copy: c(500, arg(2)),
  msg_deadline: c(500),
  msg_reply_data_append: c(500, transmitted(1)),
  msg_reply: c(500),
  msg_reject: c(500, transmitted(1)),
  msg_cycles_available: c(500),
  msg_cycles_available128: c(500),
  msg_cycles_refunded: c(500),
  msg_cycles_refunded128: c(500),
  msg_cycles_accept: c(500),
  msg_cycles_accept128: c(500),
  cycles_burn128: c(500),
  canister_self_size: c(500),
  canister_self_copy: c(500, arg(2)),
  canister_cycle_balance: c(500),
  canister_cycle_balance128: c(500),
  canister_liquid_cycle_balance128: c(500),
  canister_status: c(500),
  canister_version: c(500),
  subnet_self_size: c(500),
  subnet_self_copy: c(500, arg(2)),
  msg_method_name_size: c(500),
  msg_method_name_copy: c(500, arg(2)),
  accept_message: c(500),
  // The callee's and the method name's bytes.
  call_new: c(1_500, (a) => (a[1] ?? 0n) + (a[3] ?? 0n)),
  call_on_cleanup: c(500),
  call_data_append: c(500, transmitted(1)),
  call_with_best_effort_response: c(500),
  call_cycles_add: c(500),
  call_cycles_add128: c(500),
  call_perform: c(5_000),
  // overhead_native: the replica runs these in Wasm. `stable_size` has no native charge; the
  // table's STABLE_SIZE / STABLE64_SIZE (20) is used for it.
  stable_size: c(20),
  stable64_size: c(20),
  stable_grow: c(100),
  stable64_grow: c(100),
  stable_read: c(20, arg(2)),
  stable64_read: c(20, arg(2)),
  stable_write: c(20, arg(2)),
  stable64_write: c(20, arg(2)),
  root_key_size: c(500),
  root_key_copy: c(500, arg(2)),
  certified_data_set: c(500, arg(1)),
  data_certificate_present: c(500),
  data_certificate_size: c(500),
  data_certificate_copy: c(500, arg(2)),
  time: c(500),
  global_timer_set: c(500),
  performance_counter: c(200),
  is_controller: c(1_000, arg(1)),
  in_replicated_execution: c(500),
  cost_call: c(500),
  cost_create_canister: c(500),
  cost_http_request: c(500),
  cost_sign_with_ecdsa: c(500, arg(1)),
  cost_sign_with_schnorr: c(500, arg(1)),
  cost_vetkd_derive_key: c(500, arg(1)),
  env_var_count: c(500),
  env_var_name_size: c(500),
  env_var_name_copy: c(500, arg(3)),
  env_var_name_exists: c(500),
  env_var_value_size: c(500),
  env_var_value_copy: c(500, arg(4)),
  // The message's bytes, plus what keeping it in the canister log costs.
  debug_print: c(100, (a) => (a[1] ?? 0n) + logged(a[1] ?? 0n)),
  trap: c(500, (a) => (a[1] ?? 0n) + logged(a[1] ?? 0n)),
  // The replica links mint_cycles128 without a charge.
  mint_cycles128: c(0),
};

/** Instructions one call costs, from its arguments as unsigned integers. */
export function systemApiCost(name: string, args: bigint[]): bigint {
  const cost = SYSTEM_API_COSTS[name];
  if (!cost) throw new Error(`invariant: no cost for ic0.${name}`);
  return cost.overhead + cost.bytes(args);
}
