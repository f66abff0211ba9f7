/**
 * Test support: Candid arguments of the four threshold methods, encoded the way a canister encodes
 * them, written from ic.did (dfinity/portal docs/references/_attachments/ic.did) independently of
 * candid.ts so that tests check the service's Candid types rather than reuse them.
 */
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import type { KeyType } from './key-id.ts';

const blob = IDL.Vec(IDL.Nat8);
const ecdsaKeyId = IDL.Record({ curve: IDL.Variant({ secp256k1: IDL.Null }), name: IDL.Text });
const schnorrKeyId = IDL.Record({ algorithm: IDL.Variant({ bip340secp256k1: IDL.Null, ed25519: IDL.Null }), name: IDL.Text });

export const ecdsa_public_key_args = IDL.Record({
  canister_id: IDL.Opt(IDL.Principal),
  derivation_path: IDL.Vec(blob),
  key_id: ecdsaKeyId,
});
export const sign_with_ecdsa_args = IDL.Record({ message_hash: blob, derivation_path: IDL.Vec(blob), key_id: ecdsaKeyId });
export const schnorr_public_key_args = IDL.Record({
  canister_id: IDL.Opt(IDL.Principal),
  derivation_path: IDL.Vec(blob),
  key_id: schnorrKeyId,
});
export const sign_with_schnorr_args = IDL.Record({
  message: blob,
  derivation_path: IDL.Vec(blob),
  key_id: schnorrKeyId,
  aux: IDL.Opt(IDL.Variant({ bip341: IDL.Record({ merkle_root_hash: blob }) })),
});
export const public_key_result = IDL.Record({ public_key: blob, chain_code: blob });
export const signature_result = IDL.Record({ signature: blob });

function schnorrAlgorithm(keyType: KeyType): Record<string, null> {
  return keyType === 'schnorr_ed25519' ? { ed25519: null } : { bip340secp256k1: null };
}

/** `ecdsa_public_key` or `schnorr_public_key` argument for `keyType`. */
export function publicKeyArg(args: {
  keyType: KeyType;
  keyName: string;
  canisterId: Uint8Array | null;
  derivationPath: Uint8Array[];
}): Uint8Array {
  const canister_id = args.canisterId === null ? [] : [Principal.fromUint8Array(args.canisterId)];
  if (args.keyType === 'ecdsa_secp256k1') {
    return IDL.encode(
      [ecdsa_public_key_args],
      [{ canister_id, derivation_path: args.derivationPath, key_id: { curve: { secp256k1: null }, name: args.keyName } }],
    );
  }
  return IDL.encode(
    [schnorr_public_key_args],
    [{ canister_id, derivation_path: args.derivationPath, key_id: { algorithm: schnorrAlgorithm(args.keyType), name: args.keyName } }],
  );
}

/** `sign_with_ecdsa` or `sign_with_schnorr` argument for `keyType`. */
export function signArg(args: {
  keyType: KeyType;
  keyName: string;
  derivationPath: Uint8Array[];
  message: Uint8Array;
  merkleRoot?: Uint8Array;
}): Uint8Array {
  if (args.keyType === 'ecdsa_secp256k1') {
    return IDL.encode(
      [sign_with_ecdsa_args],
      [{ message_hash: args.message, derivation_path: args.derivationPath, key_id: { curve: { secp256k1: null }, name: args.keyName } }],
    );
  }
  const aux = args.merkleRoot === undefined ? [] : [{ bip341: { merkle_root_hash: args.merkleRoot } }];
  return IDL.encode(
    [sign_with_schnorr_args],
    [
      {
        message: args.message,
        derivation_path: args.derivationPath,
        key_id: { algorithm: schnorrAlgorithm(args.keyType), name: args.keyName },
        aux,
      },
    ],
  );
}

export function methodsOf(keyType: KeyType): { publicKey: string; sign: string } {
  return keyType === 'ecdsa_secp256k1'
    ? { publicKey: 'ecdsa_public_key', sign: 'sign_with_ecdsa' }
    : { publicKey: 'schnorr_public_key', sign: 'sign_with_schnorr' };
}

export function decodePublicKeyReply(reply: Uint8Array): { publicKey: Uint8Array; chainCode: Uint8Array } {
  const [v] = IDL.decode([public_key_result], reply) as unknown as [{ public_key: Uint8Array; chain_code: Uint8Array }];
  return { publicKey: v.public_key, chainCode: v.chain_code };
}

export function decodeSignatureReply(reply: Uint8Array): Uint8Array {
  const [v] = IDL.decode([signature_result], reply) as unknown as [{ signature: Uint8Array }];
  return v.signature;
}
