/**
 * The devnet's master secret keys, derived from one 32-byte seed so that the same seed always
 * yields the same master public keys (and so the same canister addresses).
 *
 * master_secret = int(HMAC-SHA512(key = seed, data = utf8("devnet/<keyType>/<keyName>"))) mod order
 *
 * - The data string separates every (key type, key name) pair, so ECDSA and BIP340 keys of one
 *   name are independent, as on the IC (where they are distinct keys with distinct public keys).
 * - 512 bits reduced modulo a ~256-bit group order leave a bias below 2^-250: negligible.
 * - The Ed25519 secret is held as a scalar (no RFC 8032 seed, no clamping): derived Ed25519 keys
 *   are master scalar + tweaks (IC interface spec, "Ed25519 hierarchical key derivation"), which
 *   only a scalar can express.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { ThresholdArgumentError, ThresholdInvariantError } from './errors.ts';
import { curveOf, type KeyName, type KeyType } from './key-id.ts';

export const SEED_LENGTH = 32;

/** The order of the group a key type's scalars live in (n for secp256k1, ℓ for edwards25519). */
export function groupOrder(keyType: KeyType): bigint {
  return curveOf(keyType) === 'ed25519' ? ed25519.Point.Fn.ORDER : secp256k1.Point.Fn.ORDER;
}

/**
 * The master secret scalar of one key, in [1, order).
 *
 * @example
 * const sk = deriveMasterSecret({ seed: new Uint8Array(32), keyType: 'ecdsa_secp256k1', keyName: 'key_1' });
 */
export function deriveMasterSecret(args: { seed: Uint8Array; keyType: KeyType; keyName: KeyName }): bigint {
  if (!(args.seed instanceof Uint8Array) || args.seed.length !== SEED_LENGTH) {
    const got = args.seed instanceof Uint8Array ? `${args.seed.length} bytes` : typeof args.seed;
    throw new ThresholdArgumentError(`"seed" expected ${SEED_LENGTH} bytes, got ${got}`);
  }
  const label = utf8ToBytes(`devnet/${args.keyType}/${args.keyName}`);
  const secret = bytesToNumberBE(hmac(sha512, args.seed, label)) % groupOrder(args.keyType);
  // Probability 2^-252: only a broken hash gets here, and a zero key has no public key.
  if (secret === 0n) throw new ThresholdInvariantError(`master secret of ${args.keyType}/${args.keyName} reduced to zero`);
  return secret;
}
