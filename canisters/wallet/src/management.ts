/**
 * THE wrapper for the wallet's calls to other canisters (CONTRIBUTING.md convention 3): every call
 * to `aaaaa-aa` (and to the Bitcoin canister, through `callCanister`) goes through here, with key
 * names from the init config and fees from fees.ts, and every rejection comes back as a typed
 * `Err` instead of a trap.
 *
 * Interface: the IC interface spec's `ic.did` (`ecdsa_public_key`, `schnorr_public_key`,
 * `sign_with_ecdsa`, `sign_with_schnorr`), whose Candid types azle ships in
 * `azle/canisters/management/idl`. Public-key calls are free; signatures carry their fee.
 */
import { call, type CallError, IDL, Principal } from 'azle';
import {
  ecdsa_public_key_args,
  ecdsa_public_key_result,
  schnorr_public_key_args,
  schnorr_public_key_result,
  sign_with_ecdsa_args,
  sign_with_ecdsa_result,
  sign_with_schnorr_args,
  sign_with_schnorr_result,
  type sign_with_ecdsa_args as SignWithEcdsaArgs,
  type sign_with_ecdsa_result as SignWithEcdsaResult,
  type sign_with_schnorr_args as SignWithSchnorrArgs,
  type sign_with_schnorr_result as SignWithSchnorrResult,
  type ecdsa_public_key_args as EcdsaPublicKeyArgs,
  type ecdsa_public_key_result as EcdsaPublicKeyResult,
  type schnorr_public_key_args as SchnorrPublicKeyArgs,
  type schnorr_public_key_result as SchnorrPublicKeyResult,
} from 'azle/canisters/management/idl';
import type { CallRejection, Result } from './candid.ts';
import { signatureFee } from './fees.ts';

const MANAGEMENT_CANISTER = Principal.fromText('aaaaa-aa');

/** What a management call can end in besides a reply; each is an `Err` variant of the endpoints. */
export type ManagementCallError = { ManagementCallRejected: CallRejection } | { ManagementCallNotSent: { method: string } };

/** What a call to another canister can end in besides a reply. */
export type CanisterCallError = { CallRejected: CallRejection } | { CallNotSent: { method: string } };

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
 * `sign_with_ecdsa` over a 32-byte `messageHash`, with the key's fee attached (fees.ts; the IC
 * refunds what it does not charge). Returns the 64-byte r‖s signature.
 *
 * @example
 * await signWithEcdsa({ keyName: config.ecdsa_key_name, derivationPath, messageHash: sighash });
 */
export async function signWithEcdsa({
  keyName,
  derivationPath,
  messageHash,
}: {
  keyName: string;
  derivationPath: Uint8Array[];
  messageHash: Uint8Array;
}): Promise<Result<Uint8Array, ManagementCallError>> {
  const arg: SignWithEcdsaArgs = {
    message_hash: messageHash,
    derivation_path: derivationPath,
    key_id: { curve: { secp256k1: null }, name: keyName },
  };
  const reply = await callManagement<SignWithEcdsaResult>({
    method: 'sign_with_ecdsa',
    argType: sign_with_ecdsa_args,
    resultType: sign_with_ecdsa_result,
    arg,
    cycles: signatureFee(keyName),
  });
  return 'Err' in reply ? reply : { Ok: Uint8Array.from(reply.Ok.signature) };
}

/**
 * `sign_with_schnorr` over `message` (BIP340: the 32-byte sighash; Ed25519: the whole message),
 * with the key's fee attached. `merkleRootHash` (BIP340 only) asks for the BIP341 tweak: empty for
 * a BIP86 key-path spend. Returns the 64-byte signature.
 *
 * @example
 * await signWithSchnorr({ keyName, algorithm: 'ed25519', derivationPath, message: messageBytes });
 */
export async function signWithSchnorr({
  keyName,
  algorithm,
  derivationPath,
  message,
  merkleRootHash,
}: {
  keyName: string;
  algorithm: SchnorrAlgorithm;
  derivationPath: Uint8Array[];
  message: Uint8Array;
  merkleRootHash?: Uint8Array;
}): Promise<Result<Uint8Array, ManagementCallError>> {
  const arg: SignWithSchnorrArgs = {
    message,
    derivation_path: derivationPath,
    key_id: { algorithm: algorithm === 'ed25519' ? { ed25519: null } : { bip340secp256k1: null }, name: keyName },
    aux: merkleRootHash === undefined ? [] : [{ bip341: { merkle_root_hash: merkleRootHash } }],
  };
  const reply = await callManagement<SignWithSchnorrResult>({
    method: 'sign_with_schnorr',
    argType: sign_with_schnorr_args,
    resultType: sign_with_schnorr_result,
    arg,
    cycles: signatureFee(keyName),
  });
  return 'Err' in reply ? reply : { Ok: Uint8Array.from(reply.Ok.signature) };
}

/** One call to the management canister, its failures as the `ManagementCall*` variants. */
export async function callManagement<T>(args: {
  method: string;
  argType: IDL.Type;
  resultType: IDL.Type;
  arg: unknown;
  cycles?: bigint;
}): Promise<Result<T, ManagementCallError>> {
  const reply = await callCanister<T>({ canister: MANAGEMENT_CANISTER, ...args });
  if ('Ok' in reply) return reply;
  return 'CallRejected' in reply.Err
    ? { Err: { ManagementCallRejected: reply.Err.CallRejected } }
    : { Err: { ManagementCallNotSent: reply.Err.CallNotSent } };
}

/**
 * One call to `canister`. A rejection (IC interface spec, "Reject codes") and a failed
 * `ic0.call_perform` are returned as `Err`. Anything else is rethrown, and traps: a
 * `CleanupCallback` must not reply, and the other errors (cycle balance below what is attached,
 * an undecodable reply) are bugs or broken invariants, not conditions a caller can act on; the
 * cycles floor of the signing guards keeps the balance above every attachment.
 */
export async function callCanister<T>({
  canister,
  method,
  argType,
  resultType,
  arg,
  cycles,
}: {
  canister: Principal;
  method: string;
  argType: IDL.Type;
  /** Undefined for a method that returns `()`. */
  resultType: IDL.Type | undefined;
  arg: unknown;
  cycles?: bigint;
}): Promise<Result<T, CanisterCallError>> {
  try {
    return {
      Ok: await call<[unknown], T>(canister, method, { paramIdlTypes: [argType], returnIdlType: resultType, args: [arg], cycles }),
    };
  } catch (error) {
    if (isCallError(error) && error.type === 'CallRejected') {
      return { Err: { CallRejected: { method, reject_code: error.rejectCode, reject_message: error.rejectMessage } } };
    }
    if (isCallError(error) && error.type === 'CallPerformFailed') {
      return { Err: { CallNotSent: { method } } };
    }
    throw error;
  }
}

/** azle's `call` rejects with plain `{ type, ... }` objects (`CallError`), not `Error`s. */
function isCallError(error: unknown): error is CallError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string';
}
