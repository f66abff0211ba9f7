import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { InvalidWasmError } from './errors.ts';
import { ByteCursor, encodeSigned, encodeUnsigned, signedSize, unsignedSize } from './leb128.ts';

const cursor = (hex: string): ByteCursor => new ByteCursor({ bytes: hexToBytes(hex) });

/** Asserts that reading throws InvalidWasmError at `offset` with a message containing `text`. */
function assertInvalid(args: { read: () => unknown; offset: number; text: string }): void {
  assert.throws(args.read, (e: unknown) => {
    assert.ok(e instanceof InvalidWasmError);
    assert.equal(e.offset, args.offset);
    assert.match(e.message, new RegExp(args.text));
    return true;
  });
}

describe('leb128 encoding', () => {
  // Examples from the LEB128 article the Wasm spec refers to (DWARF 4, §7.6).
  test('unsigned 624485 and signed -123456', () => {
    assert.equal(bytesToHex(encodeUnsigned(624485)), 'e58e26');
    assert.equal(bytesToHex(encodeSigned(-123456)), 'c0bb78');
  });

  test('32-bit extremes', () => {
    assert.equal(bytesToHex(encodeUnsigned(0)), '00');
    assert.equal(bytesToHex(encodeUnsigned(127)), '7f');
    assert.equal(bytesToHex(encodeUnsigned(128)), '8001');
    assert.equal(bytesToHex(encodeUnsigned(0xffff_ffff)), 'ffffffff0f');
    assert.equal(bytesToHex(encodeSigned(-1)), '7f');
    assert.equal(bytesToHex(encodeSigned(63)), '3f');
    assert.equal(bytesToHex(encodeSigned(64)), 'c000');
    assert.equal(bytesToHex(encodeSigned(-64)), '40');
    assert.equal(bytesToHex(encodeSigned(-65)), 'bf7f');
    assert.equal(bytesToHex(encodeSigned(2 ** 31 - 1)), 'ffffffff07');
    assert.equal(bytesToHex(encodeSigned(-(2 ** 31))), '8080808078');
  });

  test('64-bit extremes as bigint', () => {
    assert.equal(bytesToHex(encodeUnsigned(0xffff_ffff_ffff_ffffn)), 'ffffffffffffffffff01');
    assert.equal(bytesToHex(encodeSigned(-(1n << 63n))), '8080808080808080807f');
    assert.equal(bytesToHex(encodeSigned((1n << 63n) - 1n)), 'ffffffffffffffffff00');
    assert.equal(bytesToHex(encodeSigned(-1n)), '7f');
  });

  test('safe-integer writes beyond 32 bits', () => {
    assert.equal(bytesToHex(encodeUnsigned(2 ** 53 - 1)), 'ffffffffffffff0f');
    assert.equal(bytesToHex(encodeSigned(300_000_000_000)), '80f092cbdd08');
    assert.equal(bytesToHex(encodeSigned(-(2 ** 53 - 1))), '8180808080808070');
  });

  test('out-of-range values are refused', () => {
    assert.throws(() => encodeUnsigned(-1), /non-negative safe integer, got -1/);
    assert.throws(() => encodeUnsigned(2 ** 53), /got 9007199254740992/);
    assert.throws(() => encodeUnsigned(1n << 64n), /expected a u64/);
    assert.throws(() => encodeSigned(1n << 63n), /expected an s64/);
  });
});

describe('leb128 decoding', () => {
  test('reads values and advances the cursor', () => {
    const c = cursor('e58e26c0bb78ffffffff0f7f');
    assert.equal(c.u32(), 624485);
    assert.equal(c.pos, 3);
    assert.equal(c.s32(), -123456);
    assert.equal(c.u32(), 0xffff_ffff);
    assert.equal(c.s32(), -1);
    assert.equal(c.pos, 12);
  });

  test('non-minimal encodings within the byte limit are valid (core spec §5.2.2)', () => {
    assert.equal(cursor('8000').u32(), 0);
    assert.equal(cursor('ff80808000').u32(), 127);
    assert.equal(cursor('ffffffff7f').s32(), -1);
  });

  test('s33 block type indices and negative value-type bytes', () => {
    assert.equal(cursor('00').s33(), 0);
    assert.equal(cursor('c801').s33(), 200);
    assert.equal(cursor('40').s33(), -64);
    assert.equal(cursor('7f').s33(), -1);
    assert.equal(cursor('ffffffff0f').s33(), 2 ** 32 - 1);
    assert.equal(cursor('8080808070').s33(), -(2 ** 32));
  });

  test('64-bit reads', () => {
    assert.equal(cursor('ffffffffffffffffff01').u64(), 0xffff_ffff_ffff_ffffn);
    assert.equal(cursor('8080808080808080807f').s64(), -(1n << 63n));
    assert.equal(cursor('ffffffffffffffffff00').s64(), (1n << 63n) - 1n);
    assert.equal(cursor('c0bb78').s64(), -123456n);
    const c = cursor('ffffffffffffffffff0101');
    c.skip64();
    assert.equal(c.pos, 10);
  });

  test('too long or overflowing encodings are malformed, at the offset where they start', () => {
    assertInvalid({ read: () => cursor('ffffffff10').u32(), offset: 0, text: 'malformed LEB128 u32' });
    assertInvalid({ read: () => cursor('808080808000').u32(), offset: 0, text: 'malformed LEB128 u32' });
    // s32: the unused bits of the 5th byte must copy the sign bit.
    assertInvalid({ read: () => cursor('8080808070').s32(), offset: 0, text: 'malformed LEB128 s32' });
    assertInvalid({ read: () => cursor('ffffffff0f').s32(), offset: 0, text: 'malformed LEB128 s32' });
    assertInvalid({ read: () => cursor('ffffffffffffffffff02').u64(), offset: 0, text: 'malformed LEB128 u64' });
    assertInvalid({ read: () => cursor('8080808080808080807e').s64(), offset: 0, text: 'malformed LEB128 s64' });
    const c = cursor('00ffffffffffffffffffff01');
    c.u8();
    assertInvalid({ read: () => c.skip64(), offset: 1, text: 'malformed LEB128 64-bit integer' });
  });

  test('truncated encodings report the end of input', () => {
    assertInvalid({ read: () => cursor('e58e').u32(), offset: 2, text: 'unexpected end of input' });
    assertInvalid({
      read: () => new ByteCursor({ bytes: hexToBytes('e58e26'), end: 2 }).u32(),
      offset: 2,
      text: 'unexpected end of input',
    });
    assertInvalid({ read: () => cursor('80').skip64(), offset: 1, text: 'unexpected end of input' });
    assertInvalid({ read: () => cursor('0102').take(3), offset: 2, text: 'unexpected end of input' });
  });

  test('round trips and sizes agree with the encoder', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), (n) => {
        const bytes = encodeUnsigned(n);
        assert.equal(bytes.length, unsignedSize(n));
        assert.equal(new ByteCursor({ bytes }).u32(), n);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        const bytes = encodeSigned(n);
        assert.equal(bytes.length, signedSize(n));
        assert.equal(new ByteCursor({ bytes }).s32(), n);
        assert.equal(new ByteCursor({ bytes }).s64(), BigInt(n));
      }),
    );
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        assert.equal(encodeSigned(n).length, signedSize(n));
        assert.equal(new ByteCursor({ bytes: encodeSigned(n) }).s64(), BigInt(n));
        assert.deepEqual(encodeSigned(n), encodeSigned(BigInt(n)));
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        assert.equal(new ByteCursor({ bytes: encodeUnsigned(n) }).u64(), n);
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }), (n) => {
        assert.equal(new ByteCursor({ bytes: encodeSigned(n) }).s64(), n);
      }),
    );
  });
});
