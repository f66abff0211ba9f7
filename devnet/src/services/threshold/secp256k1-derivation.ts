/**
 * The IC's non-hardened key derivation on secp256k1 (a generalisation of BIP32 with arbitrary
 * byte-string path components, ia.cr/2021/1330 Appendix D), shared by ECDSA and BIP340 keys.
 * Follows `ic_secp256k1::DerivationPath::{derive_offset, ckd_pub, ckd}` as translated by
 * @dfinity/ic-pub-key (dist/ecdsa: `DerivationPath.derive_offset`, `ckd_pub`, `ckd`).
 *
 * For each component `idx`, starting from the master key P and chain code c:
 *   input = SEC1_compressed(P)
 *   I = HMAC-SHA512(key = c, data = input || idx); offset = int(I[0..32]); c' = I[32..64]
 *   if offset >= n: input = 0x01 || I[32..64] and recompute I (same c, same idx)
 *   P' = P + offset·G; if P' is the identity: input = 0x01 || c' and start over
 * The offsets add up mod n, so the child secret is master_secret + Σ offsets (mod n).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';

type Point = InstanceType<typeof secp256k1.Point>;
const Point = secp256k1.Point;
const N = Point.Fn.ORDER;

/** One `ckd` step: the chain code and an offset < n (retrying with 0x01 || I_R while I_L ≥ n). */
function ckd(args: { idx: Uint8Array; input: Uint8Array; chainCode: Uint8Array }): { chainCode: Uint8Array; offset: bigint } {
  let input = args.input;
  for (;;) {
    const i = hmac(sha512, args.chainCode, concatBytes(input, args.idx));
    const offset = bytesToNumberBE(i.subarray(0, 32));
    const chainCode = i.slice(32, 64);
    if (offset < N) return { chainCode, offset };
    input = concatBytes(Uint8Array.of(1), chainCode);
  }
}

/** P + offset·G, where a zero offset (probability 2^-256) leaves P unchanged. */
function addOffset(p: Point, offset: bigint): Point {
  return offset === 0n ? p : p.add(Point.BASE.multiply(offset));
}

/**
 * Derives the child public key, chain code and summed offset of `path` from `publicKey`.
 *
 * @example
 * const master = secp256k1.Point.BASE.multiply(1n);
 * const { publicKey, chainCode, offset } = deriveSecp256k1({ publicKey: master, chainCode: new Uint8Array(32), path: [canisterId] });
 */
export function deriveSecp256k1(args: { publicKey: Point; chainCode: Uint8Array; path: readonly Uint8Array[] }): {
  publicKey: Point;
  chainCode: Uint8Array;
  offset: bigint;
} {
  let p = args.publicKey;
  let chainCode = args.chainCode;
  let sum = 0n;
  for (const idx of args.path) {
    let input = p.toBytes(true);
    for (;;) {
      const step = ckd({ idx, input, chainCode });
      const next = addOffset(p, step.offset);
      if (!next.is0()) {
        p = next;
        chainCode = step.chainCode;
        sum = (sum + step.offset) % N;
        break;
      }
      input = concatBytes(Uint8Array.of(1), step.chainCode);
    }
  }
  return { publicKey: p, chainCode, offset: sum };
}
