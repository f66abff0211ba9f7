/**
 * Threshold key identifiers: the three key types the management canister signs with and the key
 * names the devnet holds, spelled the way the replica prints them in its messages.
 */

/** The key types of `ecdsa_public_key`/`sign_with_ecdsa` (secp256k1) and of the two Schnorr algorithms. */
export type KeyType = 'ecdsa_secp256k1' | 'schnorr_bip340secp256k1' | 'schnorr_ed25519';

export const KEY_TYPES: readonly KeyType[] = ['ecdsa_secp256k1', 'schnorr_bip340secp256k1', 'schnorr_ed25519'];

/**
 * Key names the devnet holds, as PocketIC does (it creates all three for every key type on its
 * II/fiduciary subnet: rs/pocket_ic_server/src/pocket_ic.rs): `dfx_test_key` (local replicas),
 * `test_key_1` and `key_1` (mainnet's test and production keys).
 */
export const KEY_NAMES = ['dfx_test_key', 'test_key_1', 'key_1'] as const;
export type KeyName = (typeof KEY_NAMES)[number];

export function isKeyName(name: string): name is KeyName {
  return (KEY_NAMES as readonly string[]).includes(name);
}

/** The curve a key type lives on: secp256k1 for ECDSA and BIP340, edwards25519 for Ed25519. */
export function curveOf(keyType: KeyType): 'secp256k1' | 'ed25519' {
  return keyType === 'schnorr_ed25519' ? 'ed25519' : 'secp256k1';
}

/**
 * The replica's `Display` of a `MasterPublicKeyId` ("ecdsa:Secp256k1:key_1",
 * "schnorr:Bip340Secp256k1:key_1", "schnorr:Ed25519:key_1"): the scheme, then the curve or
 * algorithm enum's `Debug` name, then the key name (ic-management-canister-types-private, lib.rs).
 */
export function keyIdDisplay(args: { keyType: KeyType; keyName: string }): string {
  switch (args.keyType) {
    case 'ecdsa_secp256k1':
      return `ecdsa:Secp256k1:${args.keyName}`;
    case 'schnorr_bip340secp256k1':
      return `schnorr:Bip340Secp256k1:${args.keyName}`;
    case 'schnorr_ed25519':
      return `schnorr:Ed25519:${args.keyName}`;
  }
}

/** Every key the devnet holds, sorted as the replica's `format_keys` sorts them (by their `Display`). */
export function allKeyIdsDisplay(): string[] {
  return KEY_TYPES.flatMap((keyType) => KEY_NAMES.map((keyName) => keyIdDisplay({ keyType, keyName }))).sort();
}
