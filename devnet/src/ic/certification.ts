/**
 * Certification with a real BLS12-381 root key (IC interface spec, "Certification"): hash trees,
 * their root hashes, and certificates signed over `\x0Dic-state-root || root_hash` with BLS
 * signatures in G1 and a public key in G2, exactly what agents verify against the root key.
 * Each subnet has its own key; certificates of a subnet other than the root subnet carry the
 * subnet's delegation (spec "Delegation"): a certificate signed by the root key over the subnet's
 * public key and canister ranges.
 */
import { Cbor } from '@icp-sdk/core/agent';
import type { Principal } from '@icp-sdk/core/principal';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { encodeUnsigned } from '../wasm/leb128.ts';

export type HashTree = [0] | [1, HashTree, HashTree] | [2, Uint8Array, HashTree] | [3, Uint8Array] | [4, Uint8Array];

const enc = new TextEncoder();
const domainSep = (s: string) => concatBytes(new Uint8Array([s.length]), enc.encode(s));

/** The root hash of a hash tree (spec "reconstruct"). */
export function reconstruct(t: HashTree): Uint8Array {
  switch (t[0]) {
    case 0:
      return sha256(domainSep('ic-hashtree-empty'));
    case 1:
      return sha256(concatBytes(domainSep('ic-hashtree-fork'), reconstruct(t[1]), reconstruct(t[2])));
    case 2:
      return sha256(concatBytes(domainSep('ic-hashtree-labeled'), t[1], reconstruct(t[2])));
    case 3:
      return sha256(concatBytes(domainSep('ic-hashtree-leaf'), t[1]));
    case 4:
      return t[1];
  }
}

export const labeled = (label: string | Uint8Array, sub: HashTree): HashTree => [
  2,
  typeof label === 'string' ? enc.encode(label) : label,
  sub,
];
export const leaf = (v: Uint8Array): HashTree => [3, v];
export const fork = (l: HashTree, r: HashTree): HashTree => [1, l, r];

/** A tree of labeled subtrees, sorted by label as the spec requires, as a balanced fork tree. */
export function labeledForest(entries: [Uint8Array | string, HashTree][]): HashTree {
  const nodes = entries
    .map(([l, t]) => labeled(l, t))
    .sort((a, b) => compareBytes((a as [2, Uint8Array, HashTree])[1], (b as [2, Uint8Array, HashTree])[1]));
  const build = (from: number, to: number): HashTree => {
    if (to - from === 0) return [0];
    if (to - from === 1) return nodes[from];
    const mid = from + Math.ceil((to - from) / 2);
    return fork(build(from, mid), build(mid, to));
  };
  return build(0, nodes.length);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** DER prefix of a BLS12-381 G2 public key (spec "Certificate": bls12_381-g2 OIDs). */
const BLS_DER_PREFIX = new Uint8Array([
  0x30, 0x81, 0x82, 0x30, 0x1d, 0x06, 0x0d, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0xdc, 0x7c, 0x05, 0x03, 0x01, 0x02, 0x01, 0x06, 0x0c, 0x2b,
  0x06, 0x01, 0x04, 0x01, 0x82, 0xdc, 0x7c, 0x05, 0x03, 0x02, 0x01, 0x03, 0x61, 0x00,
]);

export class Certifier {
  readonly rootKeyRaw: Uint8Array;
  readonly rootKeyDer: Uint8Array;
  private readonly secretKey: Uint8Array;
  private readonly cache = new Map<string, Uint8Array>();

  constructor(seed?: Uint8Array) {
    const { secretKey, publicKey } = bls12_381.shortSignatures.keygen(seed);
    this.secretKey = secretKey;
    this.rootKeyRaw = publicKey.toBytes(true);
    this.rootKeyDer = concatBytes(BLS_DER_PREFIX, this.rootKeyRaw);
  }

  /** A CBOR certificate `{ tree, signature, delegation? }` over the tree. */
  certify(tree: HashTree, delegation?: { subnet_id: Uint8Array; certificate: Uint8Array } | null): Uint8Array {
    const root = reconstruct(tree);
    const msg = concatBytes(domainSep('ic-state-root'), root);
    const sig = bls12_381.shortSignatures.sign(bls12_381.shortSignatures.hash(msg), this.secretKey);
    return Cbor.encode(delegation ? { tree, signature: sig.toBytes(true), delegation } : { tree, signature: sig.toBytes(true) });
  }

  /** The certificate a query sees: the canister's certified data and the time. */
  dataCertificate(args: {
    canisterId: Principal;
    certifiedData: Uint8Array;
    timeNs: bigint;
    delegation?: { subnet_id: Uint8Array; certificate: Uint8Array } | null;
  }): Uint8Array {
    const key = `${args.canisterId.toText()}/${args.timeNs}/${Array.from(args.certifiedData).join(',')}/${args.delegation ? 'd' : ''}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const tree = labeledForest([
      ['canister', labeledForest([[args.canisterId.toUint8Array(), labeledForest([['certified_data', leaf(args.certifiedData)]])]])],
      ['time', leaf(encodeUnsigned(args.timeNs))],
    ]);
    const cert = this.certify(tree, args.delegation);
    if (this.cache.size > 256) this.cache.clear();
    this.cache.set(key, cert);
    return cert;
  }
}

/** A subnet delegation as certificates carry it (spec "Delegation"). */
export interface Delegation {
  subnet_id: Uint8Array;
  certificate: Uint8Array;
}
