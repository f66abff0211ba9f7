/**
 * The certified state tree a subnet serves through read_state and synchronous calls (IC interface
 * spec, "The system state tree"): `time`, `request_status/<id>/…`, `canister/<id>/{certified_data,
 * controllers, module_hash}`, `subnet/<id>/{public_key, canister_ranges, node/<node>/public_key}`
 * and `canister_ranges/<id>/<shard>`. A request sees a witness: the paths it asked for in full, the
 * rest pruned to hashes, so the root hash, and the signature over it, stay those of the whole tree.
 */
import { Cbor } from '@icp-sdk/core/agent';
import { Principal } from '@icp-sdk/core/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { fork, labeled, leaf, reconstruct, type HashTree } from '../ic/certification.ts';
import { encodeUnsigned } from '../wasm/leb128.ts';
import { ErrorCode } from '../ic/errors.ts';
import { canisterIdFromIndex } from '../ic/ids.ts';
import type { Instance, Subnet, CallResult } from '../ic/instance.ts';
import { compareBytes } from './request-id.ts';

const enc = new TextEncoder();

/** A labeled tree before hashing: a leaf value, or children sorted by label. */
export type StateNode = { leaf: Uint8Array } | { children: [Uint8Array, StateNode][] };

const node = (entries: [Uint8Array | string, StateNode][]): StateNode => ({
  children: entries
    .map(([l, n]) => [typeof l === 'string' ? enc.encode(l) : l, n] as [Uint8Array, StateNode])
    .sort((a, b) => compareBytes(a[0], b[0])),
});
const val = (v: Uint8Array | string): StateNode => ({ leaf: typeof v === 'string' ? enc.encode(v) : v });

/** DER prefix of an Ed25519 public key (RFC 8410). */
const ED25519_DER_PREFIX = new Uint8Array([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** The node that answers queries for a subnet: one per subnet, its Ed25519 key derived from the subnet id. */
export interface SubnetNode {
  id: Principal;
  publicKeyDer: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

const nodes = new Map<string, SubnetNode>();
export function subnetNode(subnet: Subnet): SubnetNode {
  const key = subnet.id.toText();
  let n = nodes.get(key);
  if (!n) {
    const secret = sha256(concatBytes(enc.encode('devnet-node-key'), subnet.id.toUint8Array()));
    const publicKeyDer = concatBytes(ED25519_DER_PREFIX, ed25519.getPublicKey(secret));
    n = { id: Principal.selfAuthenticating(publicKeyDer), publicKeyDer, sign: (m) => ed25519.sign(m, secret) };
    nodes.set(key, n);
  }
  return n;
}

/** A request the HTTP interface accepted, by request id (hex), with the instance's ingress id. */
export interface TrackedRequest {
  ingressId: string;
  sender: Principal;
  subnet: Subnet;
}

export function requestStatusNode(r: CallResult | null): StateNode {
  if (r === null) return node([['status', val('processing')]]);
  if (r.kind === 'reply')
    return node([
      ['status', val('replied')],
      ['reply', val(r.bytes)],
    ]);
  return node([
    ['status', val('rejected')],
    ['reject_code', val(encodeUnsigned(BigInt(r.code)))],
    ['reject_message', val(r.message)],
    ['error_code', val(icErrorCode(r.errorCode))],
  ]);
}

function ranges(s: Subnet): Uint8Array {
  return Cbor.encode([[canisterIdFromIndex(s.start).toUint8Array(), canisterIdFromIndex(s.end).toUint8Array()]]);
}

/** The whole state tree of `subnet`, as this instance holds it now. */
export function stateTree(args: {
  instance: Instance;
  subnet: Subnet;
  requests: Map<string, TrackedRequest>;
  /** Only these request ids get a request_status entry (the tree would otherwise grow with every call). */
  requestIds: Uint8Array[];
}): StateNode {
  const { instance, subnet } = args;
  const subnetIndex = instance.subnets.indexOf(subnet);
  const canisters: [Uint8Array, StateNode][] = [];
  for (const c of instance.canisters.values()) {
    if (c.subnetIndex !== subnetIndex) continue;
    const fields: [string, StateNode][] = [
      ['certified_data', val(c.certifiedData)],
      ['controllers', val(Cbor.encode(c.settings.controllers.map((p) => p.toUint8Array())))],
    ];
    if (c.module) fields.push(['module_hash', val(c.module.hash)]);
    canisters.push([c.id.toUint8Array(), node(fields)]);
  }
  const statuses: [Uint8Array, StateNode][] = [];
  for (const id of args.requestIds) {
    const hex = Buffer.from(id).toString('hex');
    const tracked = args.requests.get(hex);
    if (!tracked || tracked.subnet !== subnet) continue;
    statuses.push([id, requestStatusNode(instance.ingressStatus(tracked.ingressId))]);
  }
  const subnets: [Uint8Array, StateNode][] = instance.subnets.map((s) => {
    const n = subnetNode(s);
    return [
      s.id.toUint8Array(),
      node([
        ['public_key', val(s.certifier.rootKeyDer)],
        ['canister_ranges', val(ranges(s))],
        ['node', node([[n.id.toUint8Array(), node([['public_key', val(n.publicKeyDer)]])]])],
      ]),
    ];
  });
  const shards: [Uint8Array, StateNode][] = instance.subnets.map((s) => [
    s.id.toUint8Array(),
    node([[canisterIdFromIndex(s.start).toUint8Array(), val(ranges(s))]]),
  ]);
  return node([
    ['canister', { children: canisters.sort((a, b) => compareBytes(a[0], b[0])) }],
    ['canister_ranges', { children: shards.sort((a, b) => compareBytes(a[0], b[0])) }],
    ['request_status', { children: statuses.sort((a, b) => compareBytes(a[0], b[0])) }],
    ['subnet', { children: subnets.sort((a, b) => compareBytes(a[0], b[0])) }],
    ['time', val(encodeUnsigned(instance.certifiedTimeNs))],
  ]);
}

/** The full hash tree of a node (children as a balanced fork tree, as labeledForest builds it). */
export function fullTree(n: StateNode): HashTree {
  if ('leaf' in n) return leaf(n.leaf);
  return forest(n.children.map(([l, c]) => labeled(l, fullTree(c))));
}

function forest(items: HashTree[]): HashTree {
  const build = (from: number, to: number): HashTree => {
    if (to === from) return [0];
    if (to - from === 1) return items[from];
    const mid = from + Math.ceil((to - from) / 2);
    return fork(build(from, mid), build(mid, to));
  };
  return build(0, items.length);
}

/** The witness for `paths`: requested subtrees in full, everything else pruned to its hash. */
export function witness(n: StateNode, paths: Uint8Array[][]): HashTree {
  if (paths.some((p) => p.length === 0) || 'leaf' in n) return fullTree(n);
  return forest(
    n.children.map(([l, c]) => {
      const sub = paths.filter((p) => compareBytes(p[0], l) === 0).map((p) => p.slice(1));
      const t = labeled(l, sub.length ? witness(c, sub) : fullTree(c));
      return sub.length ? t : ([4, reconstruct(t)] as HashTree);
    }),
  );
}

/** The error code as the HTTP interface writes it: `IC` and the replica's four-digit number (e.g. IC0536). */
export function icErrorCode(name: string): string {
  const n = (ErrorCode as Record<string, number>)[name];
  return n === undefined ? name : `IC${String(n).padStart(4, '0')}`;
}
