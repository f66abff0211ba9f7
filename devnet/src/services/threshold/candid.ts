/**
 * Candid types of the four threshold methods, written from the IC interface spec's ic.did
 * (dfinity/portal docs/references/_attachments/ic.did), and decoders that also apply the bounds
 * the replica's Rust types enforce while decoding (ic-management-canister-types-private):
 * - `derivation_path : vec blob` is a `BoundedVec<255, ...>` ("The number of elements exceeds
 *   maximum allowed 255");
 * - `sign_with_ecdsa`'s `message_hash : blob` is a `[u8; 32]`, so any other length fails to decode.
 */
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import type { KeyType } from './key-id.ts';

/** `MAXIMUM_DERIVATION_PATH_LENGTH` of the replica and the spec's "at most 255". */
export const MAX_DERIVATION_PATH_LENGTH = 255;

const Blob = IDL.Vec(IDL.Nat8);
const EcdsaCurve = IDL.Variant({ secp256k1: IDL.Null });
const SchnorrAlgorithm = IDL.Variant({ bip340secp256k1: IDL.Null, ed25519: IDL.Null });
const EcdsaKeyId = IDL.Record({ curve: EcdsaCurve, name: IDL.Text });
const SchnorrKeyId = IDL.Record({ algorithm: SchnorrAlgorithm, name: IDL.Text });
const SchnorrAux = IDL.Variant({ bip341: IDL.Record({ merkle_root_hash: Blob }) });

export const EcdsaPublicKeyArgs = IDL.Record({ canister_id: IDL.Opt(IDL.Principal), derivation_path: IDL.Vec(Blob), key_id: EcdsaKeyId });
export const SignWithEcdsaArgs = IDL.Record({ message_hash: Blob, derivation_path: IDL.Vec(Blob), key_id: EcdsaKeyId });
export const SchnorrPublicKeyArgs = IDL.Record({
  canister_id: IDL.Opt(IDL.Principal),
  derivation_path: IDL.Vec(Blob),
  key_id: SchnorrKeyId,
});
export const SignWithSchnorrArgs = IDL.Record({
  message: Blob,
  derivation_path: IDL.Vec(Blob),
  key_id: SchnorrKeyId,
  aux: IDL.Opt(SchnorrAux),
});
export const PublicKeyResult = IDL.Record({ public_key: Blob, chain_code: Blob });
export const SignatureResult = IDL.Record({ signature: Blob });

export type ThresholdMethod = 'ecdsa_public_key' | 'sign_with_ecdsa' | 'schnorr_public_key' | 'sign_with_schnorr';
export const THRESHOLD_METHODS: readonly ThresholdMethod[] = [
  'ecdsa_public_key',
  'sign_with_ecdsa',
  'schnorr_public_key',
  'sign_with_schnorr',
];

export function isThresholdMethod(method: string): method is ThresholdMethod {
  return (THRESHOLD_METHODS as readonly string[]).includes(method);
}

/** A decoded request, the key type resolved from the method and the key id's curve or algorithm. */
export type ThresholdRequest =
  | {
      method: 'ecdsa_public_key' | 'schnorr_public_key';
      keyType: KeyType;
      keyName: string;
      canisterId: Uint8Array | null;
      derivationPath: Uint8Array[];
    }
  | { method: 'sign_with_ecdsa'; keyType: KeyType; keyName: string; derivationPath: Uint8Array[]; messageHash: Uint8Array }
  | {
      method: 'sign_with_schnorr';
      keyType: KeyType;
      keyName: string;
      derivationPath: Uint8Array[];
      message: Uint8Array;
      merkleRoot: Uint8Array | undefined;
    };

export type DecodeResult = { ok: true; request: ThresholdRequest } | { ok: false; description: string };

interface WireKeyId {
  name: string;
  curve?: Record<string, null>;
  algorithm?: Record<string, null>;
}

function schnorrKeyType(algorithm: Record<string, null> | undefined): KeyType {
  return algorithm !== undefined && 'ed25519' in algorithm ? 'schnorr_ed25519' : 'schnorr_bip340secp256k1';
}

/** The candid crate reports a bounded vector overflowing as a deserialisation error. */
function pathTooLong(path: Uint8Array[]): string | null {
  return path.length > MAX_DERIVATION_PATH_LENGTH
    ? `Deserialize error: The number of elements exceeds maximum allowed ${MAX_DERIVATION_PATH_LENGTH}`
    : null;
}

function decodeOne(
  type: IDL.RecordClass,
  arg: Uint8Array,
): { ok: true; value: Record<string, unknown> } | { ok: false; description: string } {
  try {
    const [value] = IDL.decode([type], arg);
    return { ok: true, value: value as Record<string, unknown> };
  } catch (e) {
    return { ok: false, description: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * Decodes the argument of a threshold method. Never throws: malformed Candid, a path over 255
 * components or an ECDSA hash of another length give `{ ok: false, description }`, the text after
 * "Error decoding candid: " in the replica's reject.
 */
export function decodeThresholdArgs(args: { method: ThresholdMethod; arg: Uint8Array }): DecodeResult {
  const type = {
    ecdsa_public_key: EcdsaPublicKeyArgs,
    sign_with_ecdsa: SignWithEcdsaArgs,
    schnorr_public_key: SchnorrPublicKeyArgs,
    sign_with_schnorr: SignWithSchnorrArgs,
  }[args.method];
  const decoded = decodeOne(type, args.arg);
  if (!decoded.ok) return decoded;
  const v = decoded.value;
  const keyId = v['key_id'] as WireKeyId;
  const derivationPath = v['derivation_path'] as Uint8Array[];
  // Rust decodes record fields in field-id order: key_id (1072395707) was decoded above,
  // then derivation_path (1445762093), then message_hash (3146564742) / message.
  const tooLong = pathTooLong(derivationPath);
  if (tooLong) return { ok: false, description: tooLong };
  switch (args.method) {
    case 'ecdsa_public_key':
    case 'schnorr_public_key': {
      const canister = v['canister_id'] as [] | [Principal];
      return {
        ok: true,
        request: {
          method: args.method,
          keyType: args.method === 'ecdsa_public_key' ? 'ecdsa_secp256k1' : schnorrKeyType(keyId.algorithm),
          keyName: keyId.name,
          canisterId: canister.length === 1 ? canister[0].toUint8Array() : null,
          derivationPath,
        },
      };
    }
    case 'sign_with_ecdsa': {
      const messageHash = v['message_hash'] as Uint8Array;
      if (messageHash.length !== 32) {
        // serde's wording for a `[u8; 32]` fed a sequence of another length.
        return { ok: false, description: `Deserialize error: invalid length ${messageHash.length}, expected an array of length 32` };
      }
      return {
        ok: true,
        request: { method: 'sign_with_ecdsa', keyType: 'ecdsa_secp256k1', keyName: keyId.name, derivationPath, messageHash },
      };
    }
    case 'sign_with_schnorr': {
      const aux = v['aux'] as [] | [{ bip341: { merkle_root_hash: Uint8Array } }];
      return {
        ok: true,
        request: {
          method: 'sign_with_schnorr',
          keyType: schnorrKeyType(keyId.algorithm),
          keyName: keyId.name,
          derivationPath,
          message: v['message'] as Uint8Array,
          merkleRoot: aux.length === 1 ? aux[0].bip341.merkle_root_hash : undefined,
        },
      };
    }
  }
}

export function encodePublicKeyResult(args: { publicKey: Uint8Array; chainCode: Uint8Array }): Uint8Array {
  return IDL.encode([PublicKeyResult], [{ public_key: args.publicKey, chain_code: args.chainCode }]);
}

export function encodeSignatureResult(signature: Uint8Array): Uint8Array {
  return IDL.encode([SignatureResult], [{ signature }]);
}
