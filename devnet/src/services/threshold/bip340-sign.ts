/**
 * `sign_with_schnorr` with `bip340secp256k1`: a BIP340 signature of a message of any length, and
 * with `aux = opt variant { bip341 = record { merkle_root_hash } }` a BIP341 key-path signature.
 *
 * IC interface spec, "IC method sign_with_schnorr": the key `schnorr_public_key` returns is BIP341's
 * `internal_pubkey`; `merkle_root_hash` is either empty (the `script == None` case of
 * `taproot_output_script`) or 32 bytes (`taproot_tree_helper`); the signature is the one
 * `taproot_sign_script` would make, so it verifies against the tweaked output key.
 *
 * BIP341 `taproot_tweak_seckey(seckey0, h)`:
 *   P = seckey0·G; seckey = seckey0 if has_even_y(P) else n - seckey0
 *   t = int(tagged_hash("TapTweak", bytes(P) || h)); fail if t ≥ n
 *   return (seckey + t) mod n
 * With h empty this is exactly BIP86's key-path-only tweak t = tagged_hash("TapTweak", bytes(P)).
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';
import { ThresholdArgumentError, ThresholdInvariantError } from './errors.ts';

type Point = InstanceType<typeof secp256k1.Point>;
const Point = secp256k1.Point;
const N = Point.Fn.ORDER;

/** x-only (BIP340 `bytes(P)`) encoding of a point: its SEC1 compressed form without the prefix byte. */
export function xOnly(p: Point): Uint8Array {
  return p.toBytes(true).slice(1);
}

/** BIP341 `taproot_tweak_pubkey`: the output key Q = lift_x(P) + t·G and the tweak t. */
export function taprootTweakPublicKey(args: { internalKey: Point; merkleRoot: Uint8Array }): { outputKey: Point; tweak: bigint } {
  const px = xOnly(args.internalKey);
  const tweak = bytesToNumberBE(schnorr.utils.taggedHash('TapTweak', px, args.merkleRoot));
  // BIP341: "if t >= SECP256K1_ORDER: raise ValueError" (probability about 2^-128).
  if (tweak >= N) throw new ThresholdInvariantError('BIP341 tweak is not below the group order');
  const lifted = schnorr.utils.lift_x(bytesToNumberBE(px));
  const outputKey = tweak === 0n ? lifted : lifted.add(Point.BASE.multiply(tweak));
  if (outputKey.is0()) throw new ThresholdInvariantError('BIP341 output key is the point at infinity');
  return { outputKey, tweak };
}

/** BIP341 `taproot_tweak_seckey`: the secret of the output key. */
export function taprootTweakSecret(args: { secret: bigint; merkleRoot: Uint8Array }): bigint {
  const p = Point.BASE.multiply(args.secret);
  const even = p.toAffine().y % 2n === 0n;
  const seckey = even ? args.secret : N - args.secret;
  const { tweak } = taprootTweakPublicKey({ internalKey: p, merkleRoot: args.merkleRoot });
  const tweaked = (seckey + tweak) % N;
  if (tweaked === 0n) throw new ThresholdInvariantError('BIP341 tweaked secret is zero');
  return tweaked;
}

/**
 * Signs `message` with the secret scalar `secret` (BIP340 handles an odd-y key by negating it),
 * after the BIP341 tweak when `merkleRoot` is given, and checks the result against the x-only key
 * it must verify under before returning it: `publicKey` (the derived key, SEC1 compressed, as
 * `schnorr_public_key` returns it), or the output key tweaked from it.
 *
 * @example
 * const sig = signBip340({ secret: 1n, publicKey: secp256k1.Point.BASE.toBytes(true), message: new Uint8Array(32), merkleRoot: new Uint8Array() });
 */
export function signBip340(args: {
  secret: bigint;
  publicKey: Uint8Array;
  message: Uint8Array;
  merkleRoot?: Uint8Array | undefined;
}): Uint8Array {
  const { merkleRoot } = args;
  if (merkleRoot !== undefined && merkleRoot.length !== 0 && merkleRoot.length !== 32) {
    throw new ThresholdArgumentError(`"merkleRoot" expected 0 or 32 bytes, got ${merkleRoot.length}`);
  }
  let secret = args.secret;
  let verifyingKey: Uint8Array;
  if (merkleRoot === undefined) {
    verifyingKey = args.publicKey.slice(1);
  } else {
    secret = taprootTweakSecret({ secret, merkleRoot });
    // From the public side, independently of the tweaked secret.
    verifyingKey = xOnly(taprootTweakPublicKey({ internalKey: Point.fromBytes(args.publicKey), merkleRoot }).outputKey);
  }
  // Fresh 32 bytes of BIP340 auxiliary randomness per signature (noble's default).
  const signature = schnorr.sign(args.message, numberToBytesBE(secret, 32));
  if (!schnorr.verify(signature, args.message, verifyingKey)) {
    throw new ThresholdInvariantError('sign_with_schnorr (bip340secp256k1): invalid signature produced');
  }
  return signature;
}
