/**
 * THE wrapper for the wallet's management-canister calls (CONTRIBUTING.md convention 3): every call to
 * `aaaaa-aa` goes through here, with key names from the init config, and every rejection comes
 * back as a typed `Err` instead of a trap.
 *
 * Interface: the IC interface spec's `ic.did` (`ecdsa_public_key`, `schnorr_public_key`), whose
 * Candid types azle ships in `azle/canisters/management/idl`. Public-key calls are free, so no
 * cycles are attached.
 */
import { call, type CallError, IDL, Principal } from 'azle';
import {
  ecdsa_public_key_args,
  ecdsa_public_key_result,
  schnorr_public_key_args,
  schnorr_public_key_result,
  type ecdsa_public_key_args as EcdsaPublicKeyArgs,
  type ecdsa_public_key_result as EcdsaPublicKeyResult,
  type schnorr_public_key_args as SchnorrPublicKeyArgs,
  type schnorr_public_key_result as SchnorrPublicKeyResult,
} from 'azle/canisters/management/idl';
import type { ManagementCallRejection, Result } from './candid.ts';

const MANAGEMENT_CANISTER = Principal.fromText('aaaaa-aa');

/** What a management call can end in besides a reply; each is an `Err` variant of the endpoints. */
export type ManagementCallError = { ManagementCallRejected: ManagementCallRejection } | { ManagementCallNotSent: { method: string } };

/** The Schnorr algorithms of `schnorr_public_key`. */
export type SchnorrAlgorithm = 'bip340secp256k1' | 'ed25519';

/**
 * This canister's ECDSA secp256k1 public key at `derivationPath` (33-byte SEC1 compressed).
 *
 * @example
 * await ecdsaPublicKey({ keyName: config.ecdsa_key_name, derivationPath: ethDerivationPath({ principal }) });
 */
export async function ecdsaPublicKey({
  keyName,
  derivationPath,
}: {
  keyName: string;
  derivationPath: Uint8Array[];
}): Promise<Result<Uint8Array, ManagementCallError>> {
  const arg: EcdsaPublicKeyArgs = {
    canister_id: [],
    derivation_path: derivationPath,
    key_id: { curve: { secp256k1: null }, name: keyName },
  };
  const reply = await callManagement<EcdsaPublicKeyResult>({
    method: 'ecdsa_public_key',
    argType: ecdsa_public_key_args,
    resultType: ecdsa_public_key_result,
    arg,
  });
  return 'Err' in reply ? reply : { Ok: Uint8Array.from(reply.Ok.public_key) };
}

/**
 * This canister's Schnorr public key at `derivationPath` (Ed25519: 32 bytes; BIP340: 33-byte SEC1).
 *
 * @example
 * await schnorrPublicKey({ keyName: config.schnorr_key_name, algorithm: 'ed25519', derivationPath: solDerivationPath({ principal }) });
 */
export async function schnorrPublicKey({
  keyName,
  algorithm,
  derivationPath,
}: {
  keyName: string;
  algorithm: SchnorrAlgorithm;
  derivationPath: Uint8Array[];
}): Promise<Result<Uint8Array, ManagementCallError>> {
  const arg: SchnorrPublicKeyArgs = {
    canister_id: [],
    derivation_path: derivationPath,
    key_id: { algorithm: algorithm === 'ed25519' ? { ed25519: null } : { bip340secp256k1: null }, name: keyName },
  };
  const reply = await callManagement<SchnorrPublicKeyResult>({
    method: 'schnorr_public_key',
    argType: schnorr_public_key_args,
    resultType: schnorr_public_key_result,
    arg,
  });
  return 'Err' in reply ? reply : { Ok: Uint8Array.from(reply.Ok.public_key) };
}

/**
 * One call to the management canister. A rejection (IC interface spec, "Reject codes") and a
 * failed `ic0.call_perform` are returned as `Err`. Anything else is rethrown, and traps: a
 * `CleanupCallback` must not reply, and the other errors (cycle balance with no cycles attached,
 * an undecodable reply) are bugs, not conditions a caller can act on.
 */
async function callManagement<T>({
  method,
  argType,
  resultType,
  arg,
}: {
  method: string;
  argType: IDL.Type;
  resultType: IDL.Type;
  arg: unknown;
}): Promise<Result<T, ManagementCallError>> {
  try {
    return {
      Ok: await call<[unknown], T>(MANAGEMENT_CANISTER, method, { paramIdlTypes: [argType], returnIdlType: resultType, args: [arg] }),
    };
  } catch (error) {
    if (isCallError(error) && error.type === 'CallRejected') {
      return { Err: { ManagementCallRejected: { method, reject_code: error.rejectCode, reject_message: error.rejectMessage } } };
    }
    if (isCallError(error) && error.type === 'CallPerformFailed') {
      return { Err: { ManagementCallNotSent: { method } } };
    }
    throw error;
  }
}

/** azle's `call` rejects with plain `{ type, ... }` objects (`CallError`), not `Error`s. */
function isCallError(error: unknown): error is CallError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string';
}
