/**
 * Principals of the devnet: canister ids from their 64-bit index (IC interface spec, "Principals":
 * an opaque id is the index's 8 big-endian bytes followed by 0x01, then the class byte 0x01), and
 * the canister-id ranges each kind of subnet owns, laid out as on mainnet and in PocketIC so
 * well-known ids (Bitcoin canisters, EVM/SOL RPC canisters) land on the subnet that hosts them.
 */
import { Principal } from '@icp-sdk/core/principal';
import { sha224 } from '@noble/hashes/sha2.js';

export type SubnetKind = 'NNS' | 'SNS' | 'II' | 'Fiduciary' | 'Bitcoin' | 'System' | 'Application';

export const MANAGEMENT_CANISTER_ID = Principal.managementCanister();

export function canisterIdFromIndex(index: bigint): Principal {
  const bytes = new Uint8Array(10);
  new DataView(bytes.buffer).setBigUint64(0, index);
  bytes[8] = 0x01;
  bytes[9] = 0x01;
  return Principal.fromUint8Array(bytes);
}

/** The index of an opaque canister id, or null for any other principal. */
export function canisterIndex(id: Principal): bigint | null {
  const bytes = id.toUint8Array();
  if (bytes.length !== 10 || bytes[8] !== 0x01 || bytes[9] !== 0x01) return null;
  return new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0);
}

const RANGE = 0x100000n;
/** First canister index of a subnet's range (each range holds 2^20 ids). */
export function rangeStart(kind: SubnetKind, ordinal: number): bigint {
  switch (kind) {
    case 'NNS':
      return 0n;
    case 'II':
      return 0x700000n;
    case 'Bitcoin':
      return 0x1a00000n; // holds ghsi2-tqaaa-aaaan-aaaca-cai and g4xu7-jiaaa-aaaan-aaaaq-cai
    case 'SNS':
      return 0x2000000n;
    case 'Fiduciary':
      return 0x2300000n; // holds the EVM RPC (7hfb6-…) and SOL RPC (tghme-…) canister ids
    case 'System':
      return 0xfffffffffe000000n + BigInt(ordinal) * RANGE;
    case 'Application':
      // PocketIC's first application subnet starts at lxzze-o7777-77777-aaaaa-cai.
      return 0xffffffffffe00000n - BigInt(ordinal) * RANGE;
  }
}
export const RANGE_SIZE = RANGE;

/** A subnet id: self-authenticating principal form (sha224 + 0x02) over the subnet's identity. */
export function subnetId(seed: Uint8Array): Principal {
  const bytes = new Uint8Array(29);
  bytes.set(sha224(seed), 0);
  bytes[28] = 0x02;
  return Principal.fromUint8Array(bytes);
}
