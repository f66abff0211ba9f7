/**
 * The CBOR the IC's certification needs, encode side only (RFC 8949): unsigned integers, byte
 * strings, text strings, arrays, and the self-describing tag 55799 that the HTTP Gateway Protocol
 * asks for on the `tree` and `expr_path` fields of the `IC-Certificate` header ("The Certificate
 * Header"). No Buffer, no TextEncoder-free fallbacks: TextEncoder exists in Node, browsers and Azle.
 */
import { concatBytes } from '@noble/hashes/utils.js';

export type CborValue = number | bigint | string | Uint8Array | readonly CborValue[];

const MAJOR_UNSIGNED = 0;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_TAG = 6;
/** RFC 8949 section 3.4.6: "self-described CBOR". */
export const SELF_DESCRIBE_TAG = 55799;

const utf8 = new TextEncoder();

/** The initial byte(s) of a data item: major type and argument, in the shortest form (RFC 8949 section 3). */
function head(major: number, argument: bigint): Uint8Array {
  if (argument < 0n || argument > 0xffff_ffff_ffff_ffffn) throw new RangeError(`CBOR argument out of range: ${argument}`);
  const m = major << 5;
  if (argument < 24n) return new Uint8Array([m | Number(argument)]);
  if (argument <= 0xffn) return new Uint8Array([m | 24, Number(argument)]);
  if (argument <= 0xffffn) return new Uint8Array([m | 25, Number(argument >> 8n), Number(argument & 0xffn)]);
  const width = argument <= 0xffff_ffffn ? 4 : 8;
  const out = new Uint8Array(1 + width);
  out[0] = m | (width === 4 ? 26 : 27);
  for (let i = 0; i < width; i++) out[width - i] = Number((argument >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** One CBOR data item. Numbers must be non-negative safe integers. */
export function encodeCbor(value: CborValue): Uint8Array {
  const parts: Uint8Array[] = [];
  const visit = (v: CborValue): void => {
    if (typeof v === 'number') {
      if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`CBOR: only non-negative safe integers are encoded, got ${v}`);
      parts.push(head(MAJOR_UNSIGNED, BigInt(v)));
    } else if (typeof v === 'bigint') {
      parts.push(head(MAJOR_UNSIGNED, v));
    } else if (typeof v === 'string') {
      const bytes = utf8.encode(v);
      parts.push(head(MAJOR_TEXT, BigInt(bytes.length)), bytes);
    } else if (v instanceof Uint8Array) {
      parts.push(head(MAJOR_BYTES, BigInt(v.length)), v);
    } else {
      parts.push(head(MAJOR_ARRAY, BigInt(v.length)));
      for (const item of v) visit(item);
    }
  };
  visit(value);
  return concatBytes(...parts);
}

/** A data item prefixed with the self-describing tag 55799 (bytes d9 d9 f7). */
export function encodeSelfDescribedCbor(value: CborValue): Uint8Array {
  return concatBytes(head(MAJOR_TAG, BigInt(SELF_DESCRIBE_TAG)), encodeCbor(value));
}
