/**
 * Candid types of the management canister methods the devnet implements, written from the IC
 * interface specification's ic.did. Records are decoded with Candid subtyping, so callers that
 * send newer optional fields are accepted.
 */
import { IDL } from '@icp-sdk/core/candid';
import { canister_info } from './canister-history.ts';
import { snapshotIdl } from './snapshots.ts';

const canister_id = IDL.Principal;
const wasm_module = IDL.Vec(IDL.Nat8);
/** `log_visibility`, and `snapshot_visibility` which has the same shape. */
const log_visibility = IDL.Variant({
  controllers: IDL.Null,
  public: IDL.Null,
  allowed_viewers: IDL.Vec(IDL.Principal),
});
const environment_variable = IDL.Record({ name: IDL.Text, value: IDL.Text });

export const canister_settings = IDL.Record({
  controllers: IDL.Opt(IDL.Vec(IDL.Principal)),
  compute_allocation: IDL.Opt(IDL.Nat),
  memory_allocation: IDL.Opt(IDL.Nat),
  freezing_threshold: IDL.Opt(IDL.Nat),
  reserved_cycles_limit: IDL.Opt(IDL.Nat),
  log_visibility: IDL.Opt(log_visibility),
  snapshot_visibility: IDL.Opt(log_visibility),
  log_memory_limit: IDL.Opt(IDL.Nat),
  wasm_memory_limit: IDL.Opt(IDL.Nat),
  wasm_memory_threshold: IDL.Opt(IDL.Nat),
  environment_variables: IDL.Opt(IDL.Vec(environment_variable)),
});

export const definite_canister_settings = IDL.Record({
  controllers: IDL.Vec(IDL.Principal),
  compute_allocation: IDL.Nat,
  memory_allocation: IDL.Nat,
  freezing_threshold: IDL.Nat,
  reserved_cycles_limit: IDL.Nat,
  log_visibility: log_visibility,
  snapshot_visibility: log_visibility,
  log_memory_limit: IDL.Nat,
  wasm_memory_limit: IDL.Nat,
  wasm_memory_threshold: IDL.Nat,
  environment_variables: IDL.Vec(environment_variable),
});

export const canister_install_mode = IDL.Variant({
  install: IDL.Null,
  reinstall: IDL.Null,
  upgrade: IDL.Opt(
    IDL.Record({
      skip_pre_upgrade: IDL.Opt(IDL.Bool),
      wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
    }),
  ),
});

const chunk_hash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });

export const mgmt = {
  create_canister: {
    arg: IDL.Record({ settings: IDL.Opt(canister_settings), sender_canister_version: IDL.Opt(IDL.Nat64) }),
    ret: IDL.Record({ canister_id }),
  },
  provisional_create_canister_with_cycles: {
    arg: IDL.Record({
      amount: IDL.Opt(IDL.Nat),
      settings: IDL.Opt(canister_settings),
      specified_id: IDL.Opt(canister_id),
      sender_canister_version: IDL.Opt(IDL.Nat64),
    }),
    ret: IDL.Record({ canister_id }),
  },
  provisional_top_up_canister: {
    arg: IDL.Record({ canister_id, amount: IDL.Nat }),
    ret: null,
  },
  update_settings: {
    arg: IDL.Record({ canister_id, settings: canister_settings, sender_canister_version: IDL.Opt(IDL.Nat64) }),
    ret: null,
  },
  upload_chunk: {
    arg: IDL.Record({ canister_id, chunk: IDL.Vec(IDL.Nat8) }),
    ret: chunk_hash,
  },
  clear_chunk_store: { arg: IDL.Record({ canister_id }), ret: null },
  stored_chunks: { arg: IDL.Record({ canister_id }), ret: IDL.Vec(chunk_hash) },
  install_code: {
    arg: IDL.Record({
      mode: canister_install_mode,
      canister_id,
      wasm_module,
      arg: IDL.Vec(IDL.Nat8),
      sender_canister_version: IDL.Opt(IDL.Nat64),
    }),
    ret: null,
  },
  install_chunked_code: {
    arg: IDL.Record({
      mode: canister_install_mode,
      target_canister: canister_id,
      store_canister: IDL.Opt(canister_id),
      chunk_hashes_list: IDL.Vec(chunk_hash),
      wasm_module_hash: IDL.Vec(IDL.Nat8),
      arg: IDL.Vec(IDL.Nat8),
      sender_canister_version: IDL.Opt(IDL.Nat64),
    }),
    ret: null,
  },
  uninstall_code: { arg: IDL.Record({ canister_id, sender_canister_version: IDL.Opt(IDL.Nat64) }), ret: null },
  start_canister: { arg: IDL.Record({ canister_id }), ret: null },
  stop_canister: { arg: IDL.Record({ canister_id }), ret: null },
  delete_canister: { arg: IDL.Record({ canister_id }), ret: null },
  deposit_cycles: { arg: IDL.Record({ canister_id }), ret: null },
  canister_status: {
    arg: IDL.Record({ canister_id }),
    ret: IDL.Record({
      status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
      ready_for_migration: IDL.Bool,
      version: IDL.Nat64,
      settings: definite_canister_settings,
      module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
      memory_size: IDL.Nat,
      memory_metrics: IDL.Record({
        wasm_memory_size: IDL.Nat,
        stable_memory_size: IDL.Nat,
        global_memory_size: IDL.Nat,
        wasm_binary_size: IDL.Nat,
        custom_sections_size: IDL.Nat,
        canister_history_size: IDL.Nat,
        wasm_chunk_store_size: IDL.Nat,
        snapshots_size: IDL.Nat,
      }),
      cycles: IDL.Nat,
      reserved_cycles: IDL.Nat,
      idle_cycles_burned_per_day: IDL.Nat,
      query_stats: IDL.Record({
        num_calls_total: IDL.Nat,
        num_instructions_total: IDL.Nat,
        request_payload_bytes_total: IDL.Nat,
        response_payload_bytes_total: IDL.Nat,
      }),
    }),
  },
  raw_rand: { arg: null, ret: IDL.Vec(IDL.Nat8) },
  canister_info,
  ...snapshotIdl,
} as const;

export type MgmtMethod = keyof typeof mgmt;

/** Methods only canisters may call (IC spec: they have no effective canister id for ingress). */
export const CANISTER_ONLY_METHODS = new Set([
  'create_canister',
  'raw_rand',
  'deposit_cycles',
  'http_request',
  'ecdsa_public_key',
  'sign_with_ecdsa',
  'schnorr_public_key',
  'sign_with_schnorr',
  'canister_info',
  'bitcoin_get_balance',
  'bitcoin_get_utxos',
  'bitcoin_send_transaction',
  'bitcoin_get_current_fee_percentiles',
]);

export const http_header = IDL.Record({ name: IDL.Text, value: IDL.Text });
export const http_request_result = IDL.Record({
  status: IDL.Nat,
  headers: IDL.Vec(http_header),
  body: IDL.Vec(IDL.Nat8),
});
export const http_request_args = IDL.Record({
  url: IDL.Text,
  max_response_bytes: IDL.Opt(IDL.Nat64),
  method: IDL.Variant({ get: IDL.Null, head: IDL.Null, post: IDL.Null }),
  headers: IDL.Vec(http_header),
  body: IDL.Opt(IDL.Vec(IDL.Nat8)),
  transform: IDL.Opt(
    IDL.Record({
      function: IDL.Func([IDL.Record({ response: http_request_result, context: IDL.Vec(IDL.Nat8) })], [http_request_result], ['query']),
      context: IDL.Vec(IDL.Nat8),
    }),
  ),
  is_replicated: IDL.Opt(IDL.Bool),
});
export const transform_args = IDL.Record({ response: http_request_result, context: IDL.Vec(IDL.Nat8) });
