/**
 * The rejects the replica gives for the threshold methods, with its codes and texts. Each builder
 * cites where the text comes from in dfinity/ic.
 *
 * Where a call is rejected matters for the code:
 * - Ingress messages are refused by the ingress filter before they reach the subnet (code 4).
 * - A canister's call to aaaaa-aa is first routed to the subnet holding the key: routing decodes
 *   the argument and looks the key up, and any failure there is a DESTINATION_INVALID reject (3)
 *   with the routing error's `Debug` text (rs/system_api/src/routing.rs `resolve_destination`;
 *   `reject_subnet_message_routing` in rs/system_api/src/sandbox_safe_system_state.rs).
 * - The rest fails in execution with `ErrorCode::CanisterRejectedMessage`, i.e. CANISTER_REJECT (4)
 *   (rs/execution_environment/src/execution_environment.rs `sign_with_threshold`).
 */
import { allKeyIdsDisplay, keyIdDisplay, type KeyType } from './key-id.ts';

import { RejectCode } from '../../ic/errors.ts';

export interface Reject {
  code: RejectCode;
  message: string;
}

/**
 * Rust's `{:?}` of a string: quoted, with `\`, `"` and control characters escaped
 * (`str::escape_debug`). Messages built with `{:?}` embed their strings this way.
 */
export function rustDebugString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (cp === 0) out += '\\0';
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) out += `\\u{${cp.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

/** The replica's `Display` of `Cycles`: digits grouped by three with underscores (ic_types_cycles). */
export function formatCycles(n: bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}

function routingReject(method: string, errorDebug: string): Reject {
  // format!("Unable to route management canister request {}: {:?}", msg.method_name, err)
  return { code: RejectCode.DestinationInvalid, message: `Unable to route management canister request ${method}: ${errorDebug}` };
}

/**
 * Ingress call to a canister-only method. rs/execution_environment/src/canister_manager.rs
 * `should_accept_ingress_message`: `ErrorCode::CanisterRejectedMessage`,
 * format!("Only canisters can call ic00 method {method_name}"). The spec lists all four threshold
 * methods, public-key calls included, as callable by canisters only.
 */
export function onlyCanistersReject(method: string): Reject {
  return { code: RejectCode.CanisterReject, message: `Only canisters can call ic00 method ${method}` };
}

/**
 * Malformed argument, found by routing's `XxxArgs::decode(payload)?`: a `UserError` with
 * `ErrorCode::InvalidManagementPayload` and format!("Error decoding candid: {err:#}")
 * (`candid_error_to_user_error`, ic-management-canister-types-private). The candid crate's own
 * wording (with its dump of the input) is not reproduced; `detail` is this decoder's.
 */
export function decodeReject(args: { method: string; detail: string }): Reject {
  const description = rustDebugString(`Error decoding candid: ${args.detail}`);
  return routingReject(args.method, `UserError(UserError { code: InvalidManagementPayload, description: ${description} })`);
}

/**
 * Key the devnet does not hold. rs/system_api/src/routing.rs `route_chain_key_message`:
 * public-key calls need a subnet holding the key ("Requested unknown threshold key: {key_id},
 * existing keys: {keys}"), signing calls one with the key enabled ("Requested unknown or disabled
 * threshold key: {key_id}, existing enabled keys: {keys}"); `keys` is `format_keys`, sorted.
 */
export function unknownKeyReject(args: { method: string; keyType: KeyType; keyName: string }): Reject {
  const keyId = keyIdDisplay({ keyType: args.keyType, keyName: args.keyName });
  const keys = `[${allKeyIdsDisplay().join(', ')}]`;
  const text = args.method.startsWith('sign_with_')
    ? `Requested unknown or disabled threshold key: ${keyId}, existing enabled keys: ${keys}`
    : `Requested unknown threshold key: ${keyId}, existing keys: ${keys}`;
  return routingReject(args.method, `ChainKeyError(${rustDebugString(text)})`);
}

/** A method the management canister does not have (routing: `MethodNotFound(method_name)`). */
export function methodNotFoundReject(method: string): Reject {
  return routingReject(method, `MethodNotFound(${rustDebugString(method)})`);
}

/**
 * `sign_with_threshold`: a bip341 `merkle_root_hash` neither empty nor 32 bytes.
 * format!("Invalid aux field for {alg}") with `SchnorrAlgorithm`'s Display (its Debug name).
 */
export function invalidAuxReject(): Reject {
  return { code: RejectCode.CanisterReject, message: 'Invalid aux field for Bip340Secp256k1' };
}

/** `sign_with_threshold`: aux given with Ed25519. format!("Schnorr algorithm {alg} does not support aux input"). */
export function auxNotSupportedReject(): Reject {
  return { code: RejectCode.CanisterReject, message: 'Schnorr algorithm Ed25519 does not support aux input' };
}

/**
 * `sign_with_threshold`: too few cycles attached. format!("{} request sent with {} cycles, but {}
 * cycles are required.", request.method_name, request.payment, real_signature_fee), both amounts
 * printed by `Cycles`' Display.
 */
export function insufficientCyclesReject(args: { method: string; attached: bigint; fee: bigint }): Reject {
  return {
    code: RejectCode.CanisterReject,
    message: `${args.method} request sent with ${formatCycles(args.attached)} cycles, but ${formatCycles(args.fee)} cycles are required.`,
  };
}
