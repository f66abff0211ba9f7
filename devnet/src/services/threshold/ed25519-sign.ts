/**
 * `sign_with_schnorr` with `ed25519`: an RFC 8032 Ed25519 signature R || S made from a secret
 * scalar rather than a seed, because derived keys are master scalar + tweaks and have no seed.
 *
 * RFC 8032, 5.1.6 Sign, with the two seed-dependent values replaced:
 *   - the secret scalar s is given directly (step 1 would hash and clamp a seed);
 *   - the nonce prefix is 32 fresh random bytes per signature instead of the seed hash's upper
 *     half. The IC's threshold Ed25519 nonces are random too (its signatures of one message differ).
 *   2. r = SHA-512(prefix || M) mod L, interpreted little-endian
 *   3. R = r·B
 *   4. k = SHA-512(ENC(R) || ENC(A) || M) mod L, little-endian
 *   5. S = (r + k·s) mod L; the signature is ENC(R) || LE32(S)
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, randomBytes } from '@noble/hashes/utils.js';
import { ThresholdInvariantError } from './errors.ts';

const Point = ed25519.Point;
const L = Point.Fn.ORDER;

/**
 * Signs `message` with the secret scalar `secret` and checks the result with noble's verifier,
 * both ZIP215 (the default) and strict RFC 8032, against `publicKey` before returning it.
 *
 * @example
 * const sig = signEd25519({ secret: 5n, publicKey: ed25519.Point.BASE.multiply(5n).toBytes(), message: new Uint8Array() });
 */
export function signEd25519(args: { secret: bigint; publicKey: Uint8Array; message: Uint8Array }): Uint8Array {
  let r = 0n;
  // r = 0 has probability 2^-252; draw another prefix rather than sign with a zero nonce.
  while (r === 0n) r = bytesToNumberLE(sha512(concatBytes(randomBytes(32), args.message))) % L;
  const rEncoded = Point.BASE.multiply(r).toBytes();
  const k = bytesToNumberLE(sha512(concatBytes(rEncoded, args.publicKey, args.message))) % L;
  const s = (r + k * args.secret) % L;
  const signature = concatBytes(rEncoded, numberToBytesLE(s, 32));
  if (
    !ed25519.verify(signature, args.message, args.publicKey) ||
    !ed25519.verify(signature, args.message, args.publicKey, { zip215: false })
  ) {
    throw new ThresholdInvariantError('sign_with_schnorr (ed25519): invalid signature produced');
  }
  return signature;
}
