/**
 * THE one place that builds derivation paths for the IC's threshold keys (CONTRIBUTING.md convention 2):
 * every key the wallet canister asks the management canister for comes from a path built here.
 *
 * Byte layout, as in DFINITY's chain-fusion-signer (`derivation_path.rs`): a path is a list of
 * byte strings,
 *
 *   [ [schema], principal, ...chain-specific components ]
 *
 *   component 0  one schema byte naming the chain and purpose (`DERIVATION_SCHEMA`);
 *   component 1  the raw bytes of the caller's principal (1 to 29 bytes, IC interface spec,
 *                "Principals"), exactly as `Principal.toUint8Array()` returns them;
 *   component 2… chain-specific components: none yet.
 *
 * The IC prepends the canister's own principal to the path before deriving (ic-pub-key:
 * `[canister id, ...derivation_path]`), so an auditor re-derives a user's key offline from the
 * master public key, the wallet's canister id, the user's principal and these bytes alone.
 *
 * Why a schema byte: BTC and ETH keys both come from the same ECDSA secp256k1 key name, so
 * without it a user's BTC and ETH keys would be the same key. Schema bytes are never reused or
 * renumbered: changing one changes every user's address. A new purpose takes a new byte.
 * Why the principal needs no length prefix: each component is a derivation step of its own
 * (ic-pub-key hashes one component per step), so the component boundary already delimits it.
 * The anonymous principal is refused: every anonymous caller would share one key.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { WalletError } from './errors.ts';

/**
 * The schema byte of each path (component 0). 0x00 and 0x01 follow chain-fusion-signer's
 * `Schema::Btc` and `Schema::Eth`; 0x02 is ours, for the Ed25519 key of Solana.
 */
export const DERIVATION_SCHEMA = Object.freeze({
  /** A principal's Bitcoin key: ECDSA secp256k1 (`ecdsa_public_key`), P2WPKH addresses. */
  btc: 0x00,
  /** A principal's Ethereum key: ECDSA secp256k1 (`ecdsa_public_key`). */
  eth: 0x01,
  /** A principal's Solana key: Schnorr Ed25519 (`schnorr_public_key` with `ed25519`). */
  sol: 0x02,
  /**
   * A principal's Bitcoin Taproot key: Schnorr BIP340 (`schnorr_public_key` with
   * `bip340secp256k1`), the BIP341 internal key of a BIP86 P2TR address. A key of its own, not the
   * ECDSA key of 0x00: the two algorithms are different master keys on the IC.
   */
  btcTaproot: 0x03,
} as const);

/** A principal as @icp-sdk/core and azle both model it: anything that yields its raw bytes. */
export type PrincipalLike = { toUint8Array(): Uint8Array };

/** IC interface spec, "Principals": at most 29 bytes. */
export const MAX_PRINCIPAL_LENGTH = 29;
/** IC interface spec, "Special forms of Principals": the anonymous principal is the single byte 0x04. */
const ANONYMOUS_PRINCIPAL = 0x04;

export class InvalidPrincipalError extends WalletError {
  override name = 'InvalidPrincipalError';
  constructor(principal: string, details: string) {
    super(`Invalid principal 0x${principal} for a derivation path`, { details });
  }
}

export type BtcDerivationPathErrorType = InvalidPrincipalError;
export type EthDerivationPathErrorType = InvalidPrincipalError;
export type SolDerivationPathErrorType = InvalidPrincipalError;
export type BtcTaprootDerivationPathErrorType = InvalidPrincipalError;

/** `[[schema], principal bytes]`, each component a fresh copy the caller may keep or mutate. */
function principalPath({ schema, principal }: { schema: number; principal: PrincipalLike }): Uint8Array[] {
  const bytes = principal.toUint8Array();
  if (bytes.length === 0 || bytes.length > MAX_PRINCIPAL_LENGTH) {
    throw new InvalidPrincipalError(bytesToHex(bytes), `expected 1 to ${MAX_PRINCIPAL_LENGTH} bytes, got ${bytes.length}`);
  }
  if (bytes.length === 1 && bytes[0] === ANONYMOUS_PRINCIPAL) {
    throw new InvalidPrincipalError(bytesToHex(bytes), 'the anonymous principal has no keys of its own');
  }
  return [Uint8Array.of(schema), Uint8Array.from(bytes)];
}

/**
 * The path of a principal's Bitcoin key (`ecdsa_public_key`, secp256k1): `[[0x00], principal]`.
 * The same key serves every Bitcoin network; networks differ by key name (mainnet `key_1`).
 *
 * @throws {InvalidPrincipalError} for the anonymous principal or a principal of a wrong length.
 *
 * @example
 * btcDerivationPath({ principal: Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai') });
 * // [Uint8Array [0x00], Uint8Array [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01]]
 */
export function btcDerivationPath({ principal }: { principal: PrincipalLike }): Uint8Array[] {
  return principalPath({ schema: DERIVATION_SCHEMA.btc, principal });
}

/**
 * The path of a principal's Ethereum key (`ecdsa_public_key`, secp256k1): `[[0x01], principal]`.
 *
 * @throws {InvalidPrincipalError} for the anonymous principal or a principal of a wrong length.
 *
 * @example
 * ethDerivationPath({ principal: Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai') });
 * // [Uint8Array [0x01], Uint8Array [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01]]
 */
export function ethDerivationPath({ principal }: { principal: PrincipalLike }): Uint8Array[] {
  return principalPath({ schema: DERIVATION_SCHEMA.eth, principal });
}

/**
 * The path of a principal's Solana key (`schnorr_public_key`, ed25519): `[[0x02], principal]`.
 *
 * @throws {InvalidPrincipalError} for the anonymous principal or a principal of a wrong length.
 *
 * @example
 * solDerivationPath({ principal: Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai') });
 * // [Uint8Array [0x02], Uint8Array [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01]]
 */
export function solDerivationPath({ principal }: { principal: PrincipalLike }): Uint8Array[] {
  return principalPath({ schema: DERIVATION_SCHEMA.sol, principal });
}

/**
 * The path of a principal's Bitcoin Taproot key (`schnorr_public_key`, bip340secp256k1):
 * `[[0x03], principal]`. Its P2TR address is BIP86 (the key tweaked with an empty script tree);
 * spends sign with `aux = bip341 { merkle_root_hash = empty }`.
 *
 * @throws {InvalidPrincipalError} for the anonymous principal or a principal of a wrong length.
 *
 * @example
 * btcTaprootDerivationPath({ principal: Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai') });
 * // [Uint8Array [0x03], Uint8Array [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01]]
 */
export function btcTaprootDerivationPath({ principal }: { principal: PrincipalLike }): Uint8Array[] {
  return principalPath({ schema: DERIVATION_SCHEMA.btcTaproot, principal });
}
