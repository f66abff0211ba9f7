/**
 * Turning the IC's 64-byte ECDSA output (`sign_with_ecdsa`: r ‖ s, big-endian, no recovery id)
 * into an Ethereum signature (r, s, yParity), and EIP-191 personal-message hashing.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, hashMessage } from 'viem';
import type { Hex } from 'viem';
import { uncompressedPublicKey } from './address.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import type { InvalidArgumentError } from '../../lib/errors.ts';
import { InvalidMessageError, InvalidSignatureError } from './errors.ts';
import type { InvalidPublicKeyError } from './errors.ts';

/** An Ethereum ECDSA signature: low-s (EIP-2) with the parity of R's y coordinate. */
export type RecoverableSignature = { r: bigint; s: bigint; yParity: 0 | 1 };

export type ToRecoverableSignatureErrorType = InvalidSignatureError | InvalidPublicKeyError | InvalidArgumentError;

/** The secp256k1 group order n. */
const N = secp256k1.Point.Fn.ORDER;
/** EIP-2: "all transaction signatures whose s-value is greater than secp256k1n/2 are invalid". */
const HALF_N = N >> 1n;

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/**
 * Completes a 64-byte `r ‖ s` signature of `hash` into an Ethereum signature:
 * 1. parses r and s (both must be in 1..n-1);
 * 2. replaces a high s by n - s (EIP-2; the IC does not promise low s). Negating s mirrors
 *    the nonce point R, so the parity flips; step 3 finds the new one;
 * 3. recovers the public key with yParity 0 and 1 and keeps the one that gives `publicKey`
 *    (which also proves the signature valid for `hash` and `publicKey`).
 *
 * @param hash - the 32-byte message hash that was signed (e.g. {@link hashPersonalMessage}'s
 *   output or a transaction's signing hash).
 * @param signature - 64 bytes, r ‖ s big-endian, as `sign_with_ecdsa` returns it.
 * @param publicKey - the signer's SEC1 key (33 or 65 bytes), as `ecdsa_public_key` returns it.
 * @throws {InvalidSignatureError} when lengths are wrong, r or s is out of range, or the
 *   signature does not belong to `publicKey` for `hash`.
 * @throws {InvalidPublicKeyError} when `publicKey` is not a secp256k1 point.
 *
 * @example
 * const { r, s, yParity } = toRecoverableSignature({ hash, signature, publicKey });
 */
export function toRecoverableSignature(args: { hash: Uint8Array; signature: Uint8Array; publicKey: Uint8Array }): RecoverableSignature {
  assertParameterObject(args, 'toRecoverableSignature');
  const { hash, signature, publicKey } = args;
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    const shown = signature instanceof Uint8Array ? bytesToHex(signature) : describeValue(signature);
    throw new InvalidSignatureError(
      shown,
      `expected 64 bytes (r ‖ s), got ${signature instanceof Uint8Array ? signature.length : typeof signature}`,
    );
  }
  const signatureHex = bytesToHex(signature);
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw new InvalidSignatureError(
      signatureHex,
      `message hash must be 32 bytes, got ${hash instanceof Uint8Array ? hash.length : typeof hash}`,
    );
  }
  const expected = uncompressedPublicKey(publicKey);

  let parsed;
  try {
    parsed = secp256k1.Signature.fromBytes(signature, 'compact');
  } catch (cause) {
    throw new InvalidSignatureError(signatureHex, 'r and s must both be in 1..n-1', cause);
  }
  const r = parsed.r;
  const s = parsed.s > HALF_N ? N - parsed.s : parsed.s;
  const lowS = new secp256k1.Signature(r, s);

  for (const yParity of [0, 1] as const) {
    let recovered: Uint8Array;
    try {
      recovered = lowS.addRecoveryBit(yParity).recoverPublicKey(hash).toBytes(false);
    } catch {
      // No point R with this parity and x = r: try the other parity.
      continue;
    }
    // Recovering exactly the expected key is itself the verification: with
    // Q = r⁻¹(s·R − e·G), verify's s⁻¹(e·G + r·Q) = R, whose x is r.
    if (bytesEqual(recovered, expected)) return { r, s, yParity };
  }
  throw new InvalidSignatureError(
    signatureHex,
    `does not verify for message hash ${bytesToHex(hash)} and public key ${bytesToHex(publicKey)}`,
  );
}

/** Index of the first unpaired surrogate in `text`, or -1 (String.prototype.isWellFormed is ES2024: not in every runtime). */
function loneSurrogateIndex(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return i;
    }
  }
  return -1;
}

/**
 * EIP-191 version 0x45 ("personal_sign") hash:
 * keccak256("\x19Ethereum Signed Message:\n" ‖ decimal byte length ‖ message).
 * A string is signed as its UTF-8 bytes; a string with a lone UTF-16 surrogate has none and is
 * refused (a TextEncoder would silently sign U+FFFD instead; ethers refuses a lone high
 * surrogate and encodes a lone low one as bytes that are not UTF-8).
 *
 * @throws {InvalidMessageError} for anything but a well-formed string or a Uint8Array.
 *
 * @example
 * bytesToHex(hashPersonalMessage('hello world'));
 * // '0xd9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68'
 */
export function hashPersonalMessage(message: string | Uint8Array): Uint8Array {
  if (typeof message === 'string') {
    const lone = loneSurrogateIndex(message);
    if (lone !== -1)
      throw new InvalidMessageError(describeValue(message), `lone UTF-16 surrogate at index ${lone}: not encodable as UTF-8`);
  } else if (!(message instanceof Uint8Array)) {
    throw new InvalidMessageError(describeValue(message), `expected a string or a Uint8Array, got ${typeof message}`);
  }
  return hashMessage(typeof message === 'string' ? message : { raw: message }, 'bytes');
}

/**
 * The 65-byte `personal_sign` result `r ‖ s ‖ v` with v = 27 + yParity, the form
 * wallets return and `ecrecover`-based verifiers (and viem's `verifyMessage`) accept.
 */
export function serializeSignature(signature: RecoverableSignature): Hex {
  assertRecoverableSignature(signature);
  const bytes = new Uint8Array(65);
  bytes.set(new secp256k1.Signature(signature.r, signature.s).toBytes('compact'), 0);
  bytes[64] = 27 + signature.yParity;
  return bytesToHex(bytes);
}

/**
 * Checks that a signature is one Ethereum accepts: r in 1..n-1, s in 1..n/2 (EIP-2 low s),
 * yParity 0 or 1.
 * @throws {InvalidSignatureError} naming r and s otherwise.
 */
export function assertRecoverableSignature(signature: RecoverableSignature): void {
  if (typeof signature !== 'object' || signature === null) {
    throw new InvalidSignatureError(describeValue(signature), 'expected { r, s, yParity }');
  }
  const { r, s, yParity } = signature;
  const shown = `r=${describeValue(r)} s=${describeValue(s)} yParity=${describeValue(yParity)}`;
  if (yParity !== 0 && yParity !== 1) {
    throw new InvalidSignatureError(shown, 'yParity must be 0 or 1');
  }
  if (typeof r !== 'bigint' || typeof s !== 'bigint' || r < 1n || r >= N || s < 1n || s > HALF_N) {
    throw new InvalidSignatureError(shown, 'r must be in 1..n-1 and s in 1..n/2 (EIP-2 low s)');
  }
}

/**
 * Signs nothing itself: completes the IC's signature of {@link hashPersonalMessage}(message)
 * into the 65-byte `personal_sign` signature.
 *
 * @throws {InvalidSignatureError} or {InvalidPublicKeyError}, see {@link toRecoverableSignature}.
 */
export function personalSignature(args: { message: string | Uint8Array; signature: Uint8Array; publicKey: Uint8Array }): Hex {
  assertParameterObject(args, 'personalSignature');
  const { message, signature, publicKey } = args;
  return serializeSignature(toRecoverableSignature({ hash: hashPersonalMessage(message), signature, publicKey }));
}
