/**
 * The serializers of the wallet's `StableBTreeMap`s. Values are Candid (or raw bytes), not azle's
 * default JSON: every call reads some of them, and the JSON codec (with its JavaScript text
 * encoder) costs several times more instructions in QuickJS.
 */
import { IDL } from 'azle';

/** A UTF-8 string key. */
export const textKey = {
  toBytes: (key: string): Uint8Array => new TextEncoder().encode(key),
  fromBytes: (bytes: Uint8Array): string => new TextDecoder().decode(bytes),
};

/** A u64 as 8 big-endian bytes, so keys sort numerically. */
export const u64Key = {
  toBytes: (n: bigint): Uint8Array => {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigUint64(0, n, false);
    return bytes;
  },
  fromBytes: (bytes: Uint8Array): bigint => new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, false),
};

/** Bytes stored as they are. */
export const rawBytes = { toBytes: (bytes: Uint8Array): Uint8Array => bytes, fromBytes: (bytes: Uint8Array): Uint8Array => bytes };

/** A value stored as the Candid encoding of `type`. */
export function candidValue<T>(type: IDL.Type): { toBytes: (value: T) => Uint8Array; fromBytes: (bytes: Uint8Array) => T } {
  return {
    toBytes: (value) => new Uint8Array(IDL.encode([type], [value])),
    fromBytes: (bytes) => IDL.decode([type], bytes)[0] as unknown as T,
  };
}
