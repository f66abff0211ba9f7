/**
 * Shared bounds and checks of the tree and its verifiers. Sizes and indices are u64 on the
 * Candid boundary, so a size above 2^64 - 1 is refused everywhere.
 */
export const MAX_TREE_SIZE = (1n << 64n) - 1n;
export const HASH_LENGTH = 32;

/** Whether `value` is a bigint in `[0, MAX_TREE_SIZE]`. */
export function isTreeSize(value: bigint): boolean {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_TREE_SIZE;
}

/** Whether `hash` is a 32-byte `Uint8Array`. */
export function isHash(hash: unknown): hash is Uint8Array {
  return hash instanceof Uint8Array && hash.length === HASH_LENGTH;
}

/** The largest power of two strictly below `n` (RFC 9162 §2.1.1's k), for n >= 2. */
export function largestPowerOfTwoBelow(n: bigint): bigint {
  let k = 1n;
  while (k << 1n < n) k <<= 1n;
  return k;
}

/** Byte-wise equality of two hashes. */
export function equalHashes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
