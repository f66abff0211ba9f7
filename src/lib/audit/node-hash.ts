import { sha256 } from '@noble/hashes/sha2.js';

/** RFC 9162 §2.1.1: the hash of an interior node, `SHA-256(0x01 ‖ left ‖ right)`, over two 32-byte child hashes. */
export function nodeHash({ left, right }: { left: Uint8Array; right: Uint8Array }): Uint8Array {
  const buffer = new Uint8Array(1 + left.length + right.length);
  buffer[0] = 0x01;
  buffer.set(left, 1);
  buffer.set(right, 1 + left.length);
  return sha256(buffer);
}
