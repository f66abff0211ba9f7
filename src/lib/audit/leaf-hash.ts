import { sha256 } from '@noble/hashes/sha2.js';

/** RFC 9162 §2.1.1: the hash of a leaf, `SHA-256(0x00 ‖ entry)`. The 0x00 prefix keeps a leaf from posing as a node. */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buffer = new Uint8Array(entry.length + 1);
  buffer[0] = 0x00;
  buffer.set(entry, 1);
  return sha256(buffer);
}
