/**
 * The IC's hash tree (IC interface specification, "Certification" > "Encoding of certificates" and
 * "Lookup"): its five node kinds, its root hash with the spec's domain separators, path lookup as
 * a verifier performs it, and its CBOR encoding.
 *
 * Nodes are the tuples of the spec's CBOR encoding, so encoding is the identity on structure:
 * `[0]` Empty, `[1, left, right]` Fork, `[2, label, subtree]` Labeled, `[3, value]` Leaf,
 * `[4, hash]` Pruned.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@noble/hashes/utils.js';
import { encodeSelfDescribedCbor, type CborValue } from './cbor.ts';

export type HashTree =
  | readonly [0]
  | readonly [1, HashTree, HashTree]
  | readonly [2, Uint8Array, HashTree]
  | readonly [3, Uint8Array]
  | readonly [4, Uint8Array];

const utf8 = new TextEncoder();

/** `domain_sep(s) = byte(|s|) · s` (spec, "Certification" > "Root hash"). */
function domainSeparator(tag: string): Uint8Array {
  const bytes = utf8.encode(tag);
  return concatBytes(new Uint8Array([bytes.length]), bytes);
}
const EMPTY_SEPARATOR = domainSeparator('ic-hashtree-empty');
const FORK_SEPARATOR = domainSeparator('ic-hashtree-fork');
const LABELED_SEPARATOR = domainSeparator('ic-hashtree-labeled');
const LEAF_SEPARATOR = domainSeparator('ic-hashtree-leaf');

/** `H(domain_sep("ic-hashtree-empty"))`. */
export const EMPTY_HASH: Uint8Array = sha256(EMPTY_SEPARATOR);
export const forkHash = (left: Uint8Array, right: Uint8Array): Uint8Array => sha256(concatBytes(FORK_SEPARATOR, left, right));
export const labeledHash = (label: Uint8Array, subtreeHash: Uint8Array): Uint8Array =>
  sha256(concatBytes(LABELED_SEPARATOR, label, subtreeHash));
export const leafHash = (value: Uint8Array): Uint8Array => sha256(concatBytes(LEAF_SEPARATOR, value));

export const empty = (): HashTree => [0];
export const fork = (left: HashTree, right: HashTree): HashTree => [1, left, right];
export const labeled = (label: Uint8Array | string, subtree: HashTree): HashTree => [2, toLabel(label), subtree];
export const leaf = (value: Uint8Array | string): HashTree => [3, toLabel(value)];
export const pruned = (hash: Uint8Array): HashTree => [4, hash];

export function toLabel(label: Uint8Array | string): Uint8Array {
  return typeof label === 'string' ? utf8.encode(label) : label;
}

/** The root hash of a tree (spec "reconstruct"). */
export function reconstruct(tree: HashTree): Uint8Array {
  switch (tree[0]) {
    case 0:
      return EMPTY_HASH;
    case 1:
      return forkHash(reconstruct(tree[1]), reconstruct(tree[2]));
    case 2:
      return labeledHash(tree[1], reconstruct(tree[2]));
    case 3:
      return leafHash(tree[1]);
    case 4:
      return tree[1];
  }
}

/** Byte-wise lexicographic order of labels, the order the spec requires of a fork's labels. */
export function compareLabels(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

export type LookupResult = { kind: 'found'; tree: HashTree } | { kind: 'absent' } | { kind: 'unknown' } | { kind: 'error' };

function flattenForks(tree: HashTree): HashTree[] {
  if (tree[0] === 0) return [];
  if (tree[0] === 1) return [...flattenForks(tree[1]), ...flattenForks(tree[2])];
  return [tree];
}

/** Spec "Lookup": `find_label` over the flattened forks of one level, case by case. */
function findLabel(label: Uint8Array, nodes: HashTree[]): LookupResult {
  const labelOf = (node: HashTree | undefined): Uint8Array | undefined => (node !== undefined && node[0] === 2 ? node[1] : undefined);
  for (const node of nodes) if (node[0] === 2 && compareLabels(node[1], label) === 0) return { kind: 'found', tree: node[2] };
  // _ · Labeled l1 _ · Labeled l2 _ · _ with l1 < l < l2
  for (let i = 0; i + 1 < nodes.length; i++) {
    const l1 = labelOf(nodes[i]);
    const l2 = labelOf(nodes[i + 1]);
    if (l1 !== undefined && l2 !== undefined && compareLabels(l1, label) < 0 && compareLabels(label, l2) < 0) return { kind: 'absent' };
  }
  const first = labelOf(nodes[0]);
  if (first !== undefined && compareLabels(label, first) < 0) return { kind: 'absent' };
  const last = labelOf(nodes[nodes.length - 1]);
  if (last !== undefined && compareLabels(last, label) < 0) return { kind: 'absent' };
  if (nodes.length === 1 && nodes[0][0] === 3) return { kind: 'error' };
  if (nodes.length === 0) return { kind: 'absent' };
  return { kind: 'unknown' };
}

/** The subtree at a path of labels (spec "Lookup", `lookup_subtree`). */
export function lookupSubtree(tree: HashTree, path: readonly (Uint8Array | string)[]): LookupResult {
  let current: HashTree = tree;
  for (const label of path) {
    const result = findLabel(toLabel(label), flattenForks(current));
    if (result.kind !== 'found') return result;
    current = result.tree;
  }
  return { kind: 'found', tree: current };
}

const toCbor = (tree: HashTree): CborValue => {
  switch (tree[0]) {
    case 0:
      return [0];
    case 1:
      return [1, toCbor(tree[1]), toCbor(tree[2])];
    case 2:
      return [2, tree[1], toCbor(tree[2])];
    case 3:
      return [3, tree[1]];
    case 4:
      return [4, tree[1]];
  }
};

/** Self-described CBOR of a tree, as the `IC-Certificate` header's `tree` field carries it. */
export function encodeHashTree(tree: HashTree): Uint8Array {
  return encodeSelfDescribedCbor(toCbor(tree));
}
