/**
 * Byte helpers for Bitcoin's wire formats: double SHA-256, HASH160, little-endian integers and
 * CompactSize ("varint") encoding, a bounds-checked reader and a growable writer.
 */
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';

export { bytesToHex, concatBytes, hexToBytes, sha256 };

const textEncoder = new TextEncoder();

/** UTF-8 bytes of a string (tags of BIP340 tagged hashes, fixed devnet labels). */
export function utf8(text: string): Uint8Array {
  return textEncoder.encode(text);
}

/** SHA-256 applied twice: txids, block hashes, merkle nodes, legacy and BIP143 sighashes. */
export function sha256d(data: Uint8Array): Uint8Array {
  return sha256(sha256(data));
}

/** RIPEMD-160 of SHA-256: the 20-byte hash in P2PKH, P2SH and P2WPKH scripts. */
export function hash160(data: Uint8Array): Uint8Array {
  return ripemd160(sha256(data));
}

/** Bitcoin shows hashes byte-reversed ("display order"); this flips between the two orders. */
export function reverseBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes).reverse();
}

/** Hex of a hash in display order (as bitcoin-cli and block explorers print txids and block hashes). */
export function toDisplayHex(internal: Uint8Array): string {
  return bytesToHex(reverseBytes(internal));
}

/** Internal byte order of a hash given in display-order hex. */
export function fromDisplayHex(displayHex: string): Uint8Array {
  return reverseBytes(hexToBytes(displayHex));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic comparison, as Rust compares byte arrays. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/** Thrown by `ByteReader` when the input ends early or is not in canonical form. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** Reads Bitcoin's little-endian fields from a byte array, failing on truncation. */
export class ByteReader {
  readonly bytes: Uint8Array;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  take(n: number): Uint8Array {
    if (n > this.remaining) {
      throw new DecodeError(`unexpected end of data: wanted ${n} bytes at offset ${this.offset}, ${this.remaining} left`);
    }
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u32(): number {
    const b = this.take(4);
    return (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;
  }

  u64(): bigint {
    const b = this.take(8);
    let v = 0n;
    for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
    return v;
  }

  /**
   * CompactSize. Non-minimal encodings are refused, as rust-bitcoin's decoder (used by the
   * Bitcoin canister) and Bitcoin Core both do ("non-canonical ReadCompactSize()").
   */
  compactSize(): number {
    const first = this.u8();
    if (first < 0xfd) return first;
    if (first === 0xfd) {
      const b = this.take(2);
      const v = b[0]! | (b[1]! << 8);
      if (v < 0xfd) throw new DecodeError(`non-minimal CompactSize ${v} at offset ${this.offset - 3}`);
      return v;
    }
    if (first === 0xfe) {
      const v = this.u32();
      if (v <= 0xffff) throw new DecodeError(`non-minimal CompactSize ${v} at offset ${this.offset - 5}`);
      return v;
    }
    const v = this.u64();
    if (v <= 0xffffffffn) throw new DecodeError(`non-minimal CompactSize ${v} at offset ${this.offset - 9}`);
    // No Bitcoin structure can have more than 2^32 elements; treat it as truncated data.
    throw new DecodeError(`CompactSize ${v} too large at offset ${this.offset - 9}`);
  }

  varBytes(): Uint8Array {
    return this.take(this.compactSize());
  }
}

/** Appends Bitcoin's little-endian fields to a growing buffer. */
export class ByteWriter {
  private chunks: Uint8Array[] = [];
  private length = 0;

  bytes(b: Uint8Array): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }

  u8(v: number): this {
    return this.bytes(Uint8Array.of(v & 0xff));
  }

  u32(v: number): this {
    return this.bytes(u32le(v));
  }

  u64(v: bigint): this {
    return this.bytes(u64le(v));
  }

  compactSize(n: number): this {
    return this.bytes(compactSize(n));
  }

  varBytes(b: Uint8Array): this {
    return this.compactSize(b.length).bytes(b);
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

export function u32le(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}

export function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

export function compactSize(n: number): Uint8Array {
  if (n < 0xfd) return Uint8Array.of(n);
  if (n <= 0xffff) return Uint8Array.of(0xfd, n & 0xff, n >>> 8);
  if (n <= 0xffffffff) return concatBytes(Uint8Array.of(0xfe), u32le(n));
  return concatBytes(Uint8Array.of(0xff), u64le(BigInt(n)));
}

export function compactSizeLength(n: number): number {
  return n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffff ? 5 : 9;
}
