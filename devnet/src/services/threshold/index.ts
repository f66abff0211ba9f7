/**
 * The threshold signing service of the devnet's management canister: `ecdsa_public_key`,
 * `sign_with_ecdsa`, `schnorr_public_key` and `sign_with_schnorr` for the key names
 * `dfx_test_key`, `test_key_1` and `key_1`.
 *
 * One process holds what a subnet holds as secret shares: a master secret per (key type, key
 * name), seeded and reproducible (master-keys.ts). Keys are derived exactly as the IC derives them
 * (full path = [canister principal bytes, ...derivation_path], master chain code = 32 zero bytes),
 * so public keys and chain codes equal @dfinity/ic-pub-key's derivation from `masterPublicKey`,
 * and a child secret is the master secret plus the derivation's summed offsets, so every
 * signature verifies against the derived public key.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { signBip340 } from './bip340-sign.ts';
import { MAX_DERIVATION_PATH_LENGTH } from './candid.ts';
import { signEcdsa } from './ecdsa-sign.ts';
import { deriveEd25519 } from './ed25519-derivation.ts';
import { signEd25519 } from './ed25519-sign.ts';
import { ThresholdArgumentError } from './errors.ts';
import { DEFAULT_SIGNATURE_FEES } from './fees.ts';
import { handleThresholdCall } from './handle.ts';
import { curveOf, isKeyName, KEY_NAMES, KEY_TYPES, type KeyName, type KeyType } from './key-id.ts';
import { deriveMasterSecret, groupOrder } from './master-keys.ts';
import type { RejectCode, ServiceResult } from '../../ic/errors.ts';
import { deriveSecp256k1 } from './secp256k1-derivation.ts';

export type { KeyName, KeyType, RejectCode, ServiceResult };
export { ThresholdArgumentError, ThresholdInvariantError, type ThresholdErrorType } from './errors.ts';
export { DEFAULT_SIGNATURE_FEES } from './fees.ts';

export interface ThresholdConfig {
  /** 32 bytes; every master secret is derived from it (per key type and key name). */
  seed: Uint8Array;
  /** Signing fee per key name, in cycles; defaults in fees.ts. */
  fees?: Partial<Record<KeyName, bigint>>;
}

/** The IC's master chain code: 32 zero bytes (@dfinity/ic-pub-key `forMainnetKey`/`forPocketIcKey`). */
const MASTER_CHAIN_CODE = new Uint8Array(32);
/** Derived keys kept for repeated signing with one (canister, path); least recently used evicted first. */
const DERIVATION_CACHE_SIZE = 1024;

interface DerivedKey {
  publicKey: Uint8Array;
  chainCode: Uint8Array;
  secret: bigint;
}

function assertKeyType(keyType: string): asserts keyType is KeyType {
  if (!(KEY_TYPES as readonly string[]).includes(keyType)) {
    throw new ThresholdArgumentError(`"keyType" expected one of ${KEY_TYPES.join(', ')}, got ${JSON.stringify(keyType)}`);
  }
}

function assertKeyName(keyName: string): asserts keyName is KeyName {
  if (!isKeyName(keyName))
    throw new ThresholdArgumentError(`"keyName" expected one of ${KEY_NAMES.join(', ')}, got ${JSON.stringify(keyName)}`);
}

function assertPath(args: { canisterId: Uint8Array; derivationPath: readonly Uint8Array[] }): void {
  if (!(args.canisterId instanceof Uint8Array))
    throw new ThresholdArgumentError(`"canisterId" expected Uint8Array, got ${typeof args.canisterId}`);
  if (!Array.isArray(args.derivationPath) || args.derivationPath.some((c) => !(c instanceof Uint8Array))) {
    throw new ThresholdArgumentError('"derivationPath" expected an array of Uint8Array');
  }
  if (args.derivationPath.length > MAX_DERIVATION_PATH_LENGTH) {
    throw new ThresholdArgumentError(
      `"derivationPath" expected at most ${MAX_DERIVATION_PATH_LENGTH} components, got ${args.derivationPath.length}`,
    );
  }
}

/**
 * The devnet's threshold keys.
 *
 * @example
 * const keys = new ThresholdKeys({ seed: new Uint8Array(32) });
 * const { publicKey } = keys.publicKey({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId, derivationPath: [] });
 * const signature = keys.sign({ keyType: 'ecdsa_secp256k1', keyName: 'key_1', canisterId, derivationPath: [], message: hash32 });
 */
export class ThresholdKeys {
  static readonly KEY_NAMES = KEY_NAMES;

  readonly #masterSecrets = new Map<string, bigint>();
  readonly #fees: Readonly<Record<KeyName, bigint>>;
  readonly #cache = new Map<string, DerivedKey>();

  constructor(config: ThresholdConfig) {
    for (const keyType of KEY_TYPES) {
      for (const keyName of KEY_NAMES) {
        this.#masterSecrets.set(`${keyType}/${keyName}`, deriveMasterSecret({ seed: config.seed, keyType, keyName }));
      }
    }
    const fees = { ...DEFAULT_SIGNATURE_FEES, ...config.fees };
    for (const [name, fee] of Object.entries(fees)) {
      if (!isKeyName(name) || typeof fee !== 'bigint' || fee < 0n) {
        throw new ThresholdArgumentError(`"fees" expected non-negative bigint per key name, got ${name}: ${String(fee)}`);
      }
    }
    this.#fees = Object.freeze(fees);
  }

  /** Master public key (SEC1 compressed, 33 bytes, for secp256k1 keys; 32 bytes for Ed25519) and the zero master chain code. */
  masterPublicKey(args: { keyType: KeyType; keyName: string }): { publicKey: Uint8Array; chainCode: Uint8Array } {
    assertKeyType(args.keyType);
    assertKeyName(args.keyName);
    const secret = this.#masterSecret(args.keyType, args.keyName);
    const publicKey =
      curveOf(args.keyType) === 'ed25519'
        ? ed25519.Point.BASE.multiply(secret).toBytes()
        : secp256k1.Point.BASE.multiply(secret).toBytes(true);
    return { publicKey, chainCode: MASTER_CHAIN_CODE.slice() };
  }

  /** The public key and chain code the IC returns for `canisterId` and `derivationPath`. */
  publicKey(args: { keyType: KeyType; keyName: string; canisterId: Uint8Array; derivationPath: Uint8Array[] }): {
    publicKey: Uint8Array;
    chainCode: Uint8Array;
  } {
    const derived = this.#derive(args);
    return { publicKey: derived.publicKey.slice(), chainCode: derived.chainCode.slice() };
  }

  /**
   * A 64-byte signature by the key of `canisterId` and `derivationPath`: ECDSA r || s of a 32-byte
   * hash, BIP340 of any message (BIP341-tweaked when `bip341MerkleRoot` is given, empty or 32
   * bytes), or Ed25519. Checks its own output and throws `ThresholdInvariantError` if it fails.
   */
  sign(args: {
    keyType: KeyType;
    keyName: string;
    canisterId: Uint8Array;
    derivationPath: Uint8Array[];
    message: Uint8Array;
    bip341MerkleRoot?: Uint8Array | undefined;
  }): Uint8Array {
    if (!(args.message instanceof Uint8Array))
      throw new ThresholdArgumentError(`"message" expected Uint8Array, got ${typeof args.message}`);
    if (args.bip341MerkleRoot !== undefined && args.keyType !== 'schnorr_bip340secp256k1') {
      throw new ThresholdArgumentError(`"bip341MerkleRoot" is only for schnorr_bip340secp256k1, got key type ${args.keyType}`);
    }
    const derived = this.#derive(args);
    switch (args.keyType) {
      case 'ecdsa_secp256k1':
        return signEcdsa({ secret: derived.secret, publicKey: derived.publicKey, messageHash: args.message });
      case 'schnorr_bip340secp256k1':
        return signBip340({
          secret: derived.secret,
          publicKey: derived.publicKey,
          message: args.message,
          merkleRoot: args.bip341MerkleRoot,
        });
      case 'schnorr_ed25519':
        return signEd25519({ secret: derived.secret, publicKey: derived.publicKey, message: args.message });
    }
  }

  /** The fee in cycles of one signature with `keyName` (any key type), or null for a key the devnet does not hold. */
  signatureFee(keyName: string): bigint | null {
    return isKeyName(keyName) ? this.#fees[keyName] : null;
  }

  /** The management canister's `ecdsa_public_key`, `sign_with_ecdsa`, `schnorr_public_key` and `sign_with_schnorr` (handle.ts). */
  handle(args: {
    method: string;
    arg: Uint8Array;
    caller: Uint8Array /* principal bytes */;
    callerIsCanister: boolean;
    cyclesAttached: bigint;
  }): ServiceResult {
    return handleThresholdCall({ keys: this, ...args });
  }

  #masterSecret(keyType: KeyType, keyName: KeyName): bigint {
    return this.#masterSecrets.get(`${keyType}/${keyName}`)!;
  }

  #derive(args: { keyType: KeyType; keyName: string; canisterId: Uint8Array; derivationPath: readonly Uint8Array[] }): DerivedKey {
    assertKeyType(args.keyType);
    assertKeyName(args.keyName);
    assertPath(args);
    const path = [args.canisterId, ...args.derivationPath];
    const cacheKey = `${args.keyType}/${args.keyName}/${path.map((c) => `${c.length}:${bytesToHex(c)}`).join('/')}`;
    const hit = this.#cache.get(cacheKey);
    if (hit) {
      this.#cache.delete(cacheKey);
      this.#cache.set(cacheKey, hit);
      return hit;
    }
    const masterSecret = this.#masterSecret(args.keyType, args.keyName);
    const order = groupOrder(args.keyType);
    let derived: DerivedKey;
    if (curveOf(args.keyType) === 'ed25519') {
      const r = deriveEd25519({ publicKey: ed25519.Point.BASE.multiply(masterSecret), chainCode: MASTER_CHAIN_CODE, path });
      derived = { publicKey: r.publicKey.toBytes(), chainCode: r.chainCode, secret: (masterSecret + r.offset) % order };
    } else {
      const r = deriveSecp256k1({ publicKey: secp256k1.Point.BASE.multiply(masterSecret), chainCode: MASTER_CHAIN_CODE, path });
      derived = { publicKey: r.publicKey.toBytes(true), chainCode: r.chainCode, secret: (masterSecret + r.offset) % order };
    }
    this.#cache.set(cacheKey, derived);
    if (this.#cache.size > DERIVATION_CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value!);
    return derived;
  }
}
