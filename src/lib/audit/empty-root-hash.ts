import { sha256 } from '@noble/hashes/sha2.js';

/** RFC 9162 §2.1.1: the Merkle Tree Hash of an empty list is the hash of an empty string. */
export function emptyRootHash(): Uint8Array {
  return sha256(new Uint8Array(0));
}
