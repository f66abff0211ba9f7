/**
 * The IC's Ed25519 hierarchical key derivation (IC interface spec, "Ed25519 hierarchical key
 * derivation", CKDpub and KTpub), as implemented by `ic_ed25519::DerivationPath::derive_offset`
 * and @dfinity/ic-pub-key (dist/schnorr: `deriveOneOffset`, `offsetFromOkm`).
 *
 * For each component `i`, starting from the master key K and chain code c:
 *   IKM = ser_P(K) || i
 *   OKM = HKDF-SHA512(salt = c, IKM, info = utf8("Ed25519"), 96 bytes)
 *   tweak = parse_512(OKM[0..64]) mod L   (big-endian, no clamping)
 *   K' = K + tweak·B;  c' = OKM[64..96]
 * The tweaks add up mod L, so the child secret scalar is master_scalar + Σ tweaks (mod L).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes, utf8ToBytes } from '@noble/hashes/utils.js';

type Point = InstanceType<typeof ed25519.Point>;
const Point = ed25519.Point;
const L = Point.Fn.ORDER;
const INFO = utf8ToBytes('Ed25519');

/**
 * Derives the child public key, chain code and summed tweak of `path` from `publicKey`.
 *
 * @example
 * const master = ed25519.Point.BASE.multiply(1n);
 * const { publicKey, chainCode, offset } = deriveEd25519({ publicKey: master, chainCode: new Uint8Array(32), path: [canisterId] });
 */
export function deriveEd25519(args: { publicKey: Point; chainCode: Uint8Array; path: readonly Uint8Array[] }): {
  publicKey: Point;
  chainCode: Uint8Array;
  offset: bigint;
} {
  let p = args.publicKey;
  let chainCode = args.chainCode;
  let sum = 0n;
  for (const idx of args.path) {
    const okm = hkdf(sha512, concatBytes(p.toBytes(), idx), chainCode, INFO, 96);
    const tweak = bytesToNumberBE(okm.subarray(0, 64)) % L;
    // A zero tweak (probability 2^-252) adds the identity: K' = K.
    if (tweak !== 0n) p = p.add(Point.BASE.multiply(tweak));
    sum = (sum + tweak) % L;
    chainCode = okm.slice(64, 96);
  }
  return { publicKey: p, chainCode, offset: sum };
}
