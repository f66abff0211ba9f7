/**
 * `sign_with_ecdsa` on secp256k1: an ECDSA signature of a 32-byte message hash, r || s, 32 bytes
 * each big-endian (IC interface spec, "IC method sign_with_ecdsa").
 *
 * - The hash is signed as given (no further hashing: `prehash: false`).
 * - s is low (s ≤ n/2): the IC's combiner always takes the smaller s ("Always use the smaller
 *   value of s", ThresholdEcdsaCombinedSigInternal::new in
 *   rs/crypto/internal/crypto_lib/threshold_sig/canister_threshold_sig/src/signing/ecdsa.rs), and
 *   its verifier rejects a high s. Noble's `lowS: true` produces the same normalised form.
 * - Signatures are randomised (`extraEntropy: true`, RFC 6979 hedged with 32 random bytes): the
 *   IC's come from random presignatures, so two signatures of one hash differ there too.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { ThresholdArgumentError, ThresholdInvariantError } from './errors.ts';

const N = secp256k1.Point.Fn.ORDER;
export const ECDSA_MESSAGE_HASH_LENGTH = 32;

/**
 * Signs `messageHash` with the secret scalar `secret` and checks the result against `publicKey`
 * (SEC1, compressed) before returning it.
 *
 * @example
 * const sig = signEcdsa({ secret: 1n, publicKey: secp256k1.getPublicKey(numberToBytesBE(1n, 32)), messageHash: new Uint8Array(32) });
 */
export function signEcdsa(args: { secret: bigint; publicKey: Uint8Array; messageHash: Uint8Array }): Uint8Array {
  if (args.messageHash.length !== ECDSA_MESSAGE_HASH_LENGTH) {
    throw new ThresholdArgumentError(`"messageHash" expected ${ECDSA_MESSAGE_HASH_LENGTH} bytes, got ${args.messageHash.length}`);
  }
  const signature = secp256k1.sign(args.messageHash, numberToBytesBE(args.secret, 32), { prehash: false, lowS: true, extraEntropy: true });
  const s = bytesToNumberBE(signature.subarray(32, 64));
  if (
    signature.length !== 64 ||
    s > N >> 1n ||
    !secp256k1.verify(signature, args.messageHash, args.publicKey, { prehash: false, lowS: true })
  ) {
    throw new ThresholdInvariantError('sign_with_ecdsa: invalid signature produced');
  }
  return signature;
}
