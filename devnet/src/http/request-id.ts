/**
 * The representation-independent hash of the IC interface spec ("Request ids"): a map hashes as
 * the sorted concatenation of sha256(key) ‖ hash(value) pairs; blobs hash as themselves, text as
 * its UTF-8 bytes, naturals as their unsigned LEB128, arrays as the concatenated hashes of their
 * elements. The request id of a call, query or read_state is the hash of its `content` map, and
 * delegations are signed over the hash of the delegation map. Written from the spec, not taken from
 * the agent, so the agent's signatures are checked against an independent computation.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { encodeUnsigned } from '../wasm/leb128.ts';

const enc = new TextEncoder();

export class UnhashableValue extends Error {}

export function hashValue(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return sha256(v);
  if (typeof v === 'string') return sha256(enc.encode(v));
  if (typeof v === 'bigint') {
    if (v < 0n) throw new UnhashableValue(`negative integer ${v}`);
    return sha256(encodeUnsigned(v));
  }
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || v < 0) throw new UnhashableValue(`not a natural number: ${v}`);
    return sha256(encodeUnsigned(BigInt(v)));
  }
  if (Array.isArray(v)) return sha256(concatBytes(...v.map(hashValue)));
  if (v !== null && typeof v === 'object') return hashMap(v as Record<string, unknown>);
  throw new UnhashableValue(`value of type ${v === null ? 'null' : typeof v}`);
}

/** hash_of_map: fields whose value is undefined are absent. */
export function hashMap(map: Record<string, unknown>): Uint8Array {
  const pairs = Object.entries(map)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => concatBytes(sha256(enc.encode(k)), hashValue(v)));
  pairs.sort(compareBytes);
  return sha256(concatBytes(...pairs));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
