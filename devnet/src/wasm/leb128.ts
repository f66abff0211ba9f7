/**
 * LEB128 integers as the Wasm binary format uses them (core spec §5.2.2 "Integers"):
 * unsigned and signed, at most ceil(N/7) bytes for an N-bit integer, and the unused bits of the
 * last byte must be zero (unsigned) or copies of the sign bit (signed).
 *
 * Values that fit a JS number (u32, s32, s33, and writes of safe integers) are numbers;
 * 64-bit values are bigints. Reading goes through a `ByteCursor`, writing through a `ByteWriter`,
 * so that every call takes one argument and the hot paths allocate nothing.
 */
import { InvalidWasmError } from './errors.ts';

/** A read position over `bytes[pos..end)`. Readers advance `pos` and never read at or past `end`. */
export class ByteCursor {
  readonly bytes: Uint8Array;
  pos: number;
  end: number;

  constructor(args: { bytes: Uint8Array; pos?: number; end?: number }) {
    this.bytes = args.bytes;
    this.pos = args.pos ?? 0;
    this.end = args.end ?? args.bytes.length;
  }

  /** One byte. */
  u8(): number {
    if (this.pos >= this.end) throw this.unexpectedEnd(this.pos);
    return this.bytes[this.pos++];
  }

  /** `n` raw bytes, as a view (no copy). */
  take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw this.unexpectedEnd(this.end);
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /** Unsigned LEB128, at most 32 bits (5 bytes). */
  u32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return result >>> 0;
    }
    // The 5th byte holds bits 28..31: no continuation, and its upper 3 payload bits must be 0.
    const b = this.u8();
    if (b & 0xf0) throw this.malformed({ kind: 'u32', start });
    return (result | (b << 28)) >>> 0;
  }

  /** Signed LEB128, at most 32 bits (5 bytes). */
  s32(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        const shift = 32 - 7 * (i + 1);
        return (result << shift) >> shift; // sign-extend from bit 7*(i+1)-1
      }
    }
    // 5th byte: bits 28..31 plus 3 bits that must repeat the sign bit (bit 3): 0b0000xxxx with
    // bit 3 clear, or 0b0111xxxx with bit 3 set.
    const b = this.u8();
    const high = b & 0x70;
    if (b & 0x80 || (b & 0x08 ? high !== 0x70 : high !== 0)) throw this.malformed({ kind: 's32', start });
    return result | (b << 28);
  }

  /**
   * Signed LEB128 of at most 33 bits, as Wasm block types use for type indices (core spec §5.4.1).
   * Returned as a number (it always fits).
   */
  s33(): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        if (i === 4) {
          // Bits 28..32 are payload; bits 33..34 must repeat the sign bit (bit 32 = bit 4 here).
          const high = b & 0x60;
          if (b & 0x10 ? high !== 0x60 : high !== 0) throw this.malformed({ kind: 's33', start });
        }
        return b & 0x40 ? result - scale : result;
      }
    }
    throw this.malformed({ kind: 's33', start });
  }

  /** Unsigned LEB128, at most 64 bits (10 bytes). */
  u64(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (i === 9 && b & 0xfe) throw this.malformed({ kind: 'u64', start });
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return result;
    }
    throw this.malformed({ kind: 'u64', start });
  }

  /** Signed LEB128, at most 64 bits (10 bytes). */
  s64(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (i === 9) {
        // Bit 63 is the payload; the other 6 payload bits must repeat it: 0x00 or 0x7f.
        if (b !== 0x00 && b !== 0x7f) throw this.malformed({ kind: 's64', start });
      }
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return BigInt.asIntN(64, b & 0x40 ? result - (1n << BigInt(7 * (i + 1))) : result);
    }
    throw this.malformed({ kind: 's64', start });
  }

  /**
   * Skips a LEB128 integer of at most 64 bits (10 bytes), signed or unsigned, without decoding it
   * (no bigint on hot paths). Checks termination and length; the engine checks unused bits later.
   */
  skip64(): void {
    const start = this.pos;
    const { bytes, end } = this;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) throw this.unexpectedEnd(this.pos);
      if ((bytes[this.pos++] & 0x80) === 0) return;
    }
    throw this.malformed({ kind: '64-bit integer', start });
  }

  unexpectedEnd(offset: number): InvalidWasmError {
    return new InvalidWasmError({ message: 'unexpected end of input', offset });
  }

  malformed(args: { kind: string; start: number }): InvalidWasmError {
    return new InvalidWasmError({ message: `malformed LEB128 ${args.kind} (too long or unused bits set)`, offset: args.start });
  }
}

/** A growable output buffer. `finish()` returns the bytes written so far (a copy of exact size). */
export class ByteWriter {
  buf: Uint8Array;
  len = 0;

  constructor(initialCapacity = 1024) {
    this.buf = new Uint8Array(Math.max(16, initialCapacity));
  }

  /** Make room for `extra` more bytes. */
  reserve(extra: number): void {
    const need = this.len + extra;
    if (need <= this.buf.length) return;
    let capacity = this.buf.length * 2;
    while (capacity < need) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  u8(b: number): void {
    if (this.len === this.buf.length) this.reserve(1);
    this.buf[this.len++] = b;
  }

  bytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /** Unsigned LEB128 of a non-negative safe integer (u32 and beyond, up to 2^53). */
  u32(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`leb128: expected a non-negative safe integer, got ${n}`);
    this.reserve(8);
    const buf = this.buf;
    let len = this.len;
    while (n >= 0x80) {
      buf[len++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[len++] = n;
    this.len = len;
  }

  /** Signed LEB128 of a safe integer (s32, s33 and s64 values that fit a number). */
  signed(n: number): void {
    if (!Number.isSafeInteger(n)) throw new RangeError(`leb128: expected a safe integer, got ${n}`);
    this.reserve(8);
    const buf = this.buf;
    let len = this.len;
    for (;;) {
      const low = ((n % 0x80) + 0x80) % 0x80; // two's-complement low 7 bits, also for negative n
      n = (n - low) / 0x80; // exact: arithmetic shift right by 7
      const done = (n === 0 && (low & 0x40) === 0) || (n === -1 && (low & 0x40) !== 0);
      buf[len++] = done ? low : low | 0x80;
      if (done) break;
    }
    this.len = len;
  }

  /** Unsigned LEB128 of a u64. */
  u64(n: bigint): void {
    if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new RangeError(`leb128: expected a u64, got ${n}`);
    do {
      const low = Number(n & 0x7fn);
      n >>= 7n;
      this.u8(n === 0n ? low : low | 0x80);
    } while (n !== 0n);
  }

  /** Signed LEB128 of an s64. */
  s64(n: bigint): void {
    if (n < -(1n << 63n) || n >= 1n << 63n) throw new RangeError(`leb128: expected an s64, got ${n}`);
    for (;;) {
      const low = Number(n & 0x7fn);
      n >>= 7n; // arithmetic shift on bigint
      const done = (n === 0n && (low & 0x40) === 0) || (n === -1n && (low & 0x40) !== 0);
      this.u8(done ? low : low | 0x80);
      if (done) return;
    }
  }

  /** The bytes written, as a new array of exact length. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Number of bytes `ByteWriter.u32(n)` writes. */
export function unsignedSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Number of bytes `ByteWriter.signed(n)` writes. */
export function signedSize(n: number): number {
  let size = 1;
  // A group is the last one once the rest is all sign bits and bit 6 of the group agrees with it.
  while (n >= 0x40 || n < -0x40) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

/** Encodes `n` as unsigned LEB128. @example encodeUnsigned(624485) // Uint8Array [0xe5, 0x8e, 0x26] */
export function encodeUnsigned(n: number | bigint): Uint8Array {
  const w = new ByteWriter(16);
  if (typeof n === 'bigint') w.u64(n);
  else w.u32(n);
  return w.finish();
}

/** Encodes `n` as signed LEB128. @example encodeSigned(-123456) // Uint8Array [0xc0, 0xbb, 0x78] */
export function encodeSigned(n: number | bigint): Uint8Array {
  const w = new ByteWriter(16);
  if (typeof n === 'bigint') w.s64(n);
  else w.signed(n);
  return w.finish();
}
