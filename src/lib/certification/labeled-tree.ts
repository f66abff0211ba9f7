/**
 * A mutable tree of labeled nodes whose hash tree is the IC's (IC interface specification,
 * "Certification"): each level's children are kept sorted by label and hashed as a balanced tree of
 * forks, so the root hash can be set as a canister's certified data and a witness (a pruned copy)
 * proves to a verifier that some paths are present and others absent.
 *
 * Hashes are cached per node, and per range of a node's children (the forks), and invalidated
 * along the path of a change: an insert costs one level of re-hashing per label of its path, and
 * once `rootHash()` has run, a witness needs no hashing at all. That matters in a canister: a
 * query cannot keep what it computes, so caches must be filled by the update that changed the
 * tree (which computes the root hash for the certified data anyway).
 */
import { compareLabels, EMPTY_HASH, forkHash, labeledHash, leafHash, toLabel, type HashTree } from './hash-tree.ts';

export type Label = Uint8Array | string;

interface Branch {
  kind: 'branch';
  /** Children sorted by label (byte order). */
  labels: Uint8Array[];
  children: Node[];
  hash: Uint8Array | undefined;
  /** Hashes of child ranges `from..to` (the forks of the balanced tree), keyed `from * 2^26 + to`. */
  ranges: Map<number, Uint8Array>;
}
interface Leaf {
  kind: 'leaf';
  value: Uint8Array;
}
type Node = Branch | Leaf;

const newBranch = (): Branch => ({ kind: 'branch', labels: [], children: [], hash: undefined, ranges: new Map() });

function invalidate(branch: Branch): void {
  branch.hash = undefined;
  branch.ranges.clear();
}

/** Index of `label` among sorted labels, or the insertion point as `-(point + 1)`. */
function search(labels: Uint8Array[], label: Uint8Array): number {
  let lo = 0;
  let hi = labels.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const order = compareLabels(labels[mid], label);
    if (order === 0) return mid;
    if (order < 0) lo = mid + 1;
    else hi = mid;
  }
  return -(lo + 1);
}

function nodeHash(node: Node): Uint8Array {
  if (node.kind === 'leaf') return leafHash(node.value);
  if (node.hash === undefined) node.hash = rangeHash(node, 0, node.labels.length);
  return node.hash;
}

/** The balanced fork split every function here uses, so witnesses have the full tree's shape. */
const split = (from: number, to: number): number => from + Math.ceil((to - from) / 2);

function rangeHash(branch: Branch, from: number, to: number): Uint8Array {
  if (to === from) return EMPTY_HASH;
  const key = from * 2 ** 26 + to;
  const cached = branch.ranges.get(key);
  if (cached !== undefined) return cached;
  const hash =
    to - from === 1
      ? labeledHash(branch.labels[from], nodeHash(branch.children[from]))
      : forkHash(rangeHash(branch, from, split(from, to)), rangeHash(branch, split(from, to), to));
  branch.ranges.set(key, hash);
  return hash;
}

function fullTree(node: Node): HashTree {
  if (node.kind === 'leaf') return [3, node.value];
  const build = (from: number, to: number): HashTree => {
    if (to === from) return [0];
    if (to - from === 1) return [2, node.labels[from], fullTree(node.children[from])];
    const mid = split(from, to);
    return [1, build(from, mid), build(mid, to)];
  };
  return build(0, node.labels.length);
}

/**
 * A lookup a witness must answer for a verifier: `reveal` paths are shown down to their end with
 * everything below it (e.g. the leaf of a certified response); `probe` paths are shown only as far
 * as needed to tell whether they exist (absent, or present with the subtree below pruned).
 */
export interface WitnessPath {
  path: readonly Label[];
  mode: 'reveal' | 'probe';
}

interface PendingPath {
  rest: Uint8Array[];
  mode: 'reveal' | 'probe';
}

function witnessOf(node: Node, pending: PendingPath[]): HashTree {
  const ended = pending.filter((p) => p.rest.length === 0);
  if (node.kind === 'leaf') return ended.length > 0 || pending.length > 0 ? [3, node.value] : [4, nodeHash(node)];
  if (ended.some((p) => p.mode === 'reveal')) return fullTree(node);
  const going = pending.filter((p) => p.rest.length > 0);
  if (going.length === 0) return [4, nodeHash(node)];

  // Which children to show, and what each must answer below it.
  const shown = new Map<number, PendingPath[]>();
  const show = (index: number, below?: PendingPath) => {
    if (index < 0 || index >= node.labels.length) return;
    const list = shown.get(index) ?? [];
    if (below !== undefined) list.push(below);
    shown.set(index, list);
  };
  for (const p of going) {
    const at = search(node.labels, p.rest[0]);
    if (at >= 0) {
      show(at, { rest: p.rest.slice(1), mode: p.mode });
    } else {
      // Absence (spec "Lookup"): the nearest labels on both sides, adjacent in the flattened forks.
      const point = -at - 1;
      show(point - 1);
      show(point);
    }
  }
  const build = (from: number, to: number): HashTree => {
    if (to === from) return [0];
    let any = false;
    for (const index of shown.keys()) if (index >= from && index < to) any = true;
    if (!any) return [4, rangeHash(node, from, to)];
    if (to - from === 1) return [2, node.labels[from], witnessOf(node.children[from], shown.get(from) ?? [])];
    const mid = split(from, to);
    return [1, build(from, mid), build(mid, to)];
  };
  return build(0, node.labels.length);
}

export class LabeledTree {
  private readonly root: Branch = newBranch();

  /**
   * Puts a leaf with `value` at `path`, creating the branches on the way.
   *
   * @throws {TypeError} when the path is empty or passes through an existing leaf.
   */
  insert(path: readonly Label[], value: Uint8Array | string = new Uint8Array()): void {
    if (path.length === 0) throw new TypeError('LabeledTree.insert: the path is empty');
    let node: Branch = this.root;
    const labels = path.map(toLabel);
    for (let i = 0; i < labels.length; i++) {
      invalidate(node);
      const last = i === labels.length - 1;
      let at = search(node.labels, labels[i]);
      if (at < 0) {
        at = -at - 1;
        node.labels.splice(at, 0, labels[i]);
        node.children.splice(at, 0, last ? { kind: 'leaf', value: toLabel(value) } : newBranch());
        if (last) return;
      } else if (last) {
        node.children[at] = { kind: 'leaf', value: toLabel(value) };
        return;
      }
      const child = node.children[at];
      if (child.kind === 'leaf') throw new TypeError(`LabeledTree.insert: label ${i} of the path is a leaf`);
      node = child;
    }
  }

  /** Removes the node at `path` and every branch left empty by that; a missing path is a no-op. */
  delete(path: readonly Label[]): void {
    const labels = path.map(toLabel);
    const walk = (node: Branch, depth: number): boolean => {
      const at = search(node.labels, labels[depth]);
      if (at < 0) return false;
      if (depth === labels.length - 1) {
        node.labels.splice(at, 1);
        node.children.splice(at, 1);
      } else {
        const child = node.children[at];
        if (child.kind === 'leaf' || !walk(child, depth + 1)) return false;
        if (child.labels.length === 0) {
          node.labels.splice(at, 1);
          node.children.splice(at, 1);
        }
      }
      invalidate(node);
      return true;
    };
    if (labels.length > 0) walk(this.root, 0);
  }

  /** Whether a node (leaf or branch) is at `path`. */
  has(path: readonly Label[]): boolean {
    let node: Node = this.root;
    for (const label of path) {
      if (node.kind === 'leaf') return false;
      const at = search(node.labels, toLabel(label));
      if (at < 0) return false;
      node = node.children[at];
    }
    return true;
  }

  /** The labels directly below `path` (none when it is absent or a leaf). */
  childLabels(path: readonly Label[]): Uint8Array[] {
    let node: Node = this.root;
    for (const label of path) {
      if (node.kind === 'leaf') return [];
      const at = search(node.labels, toLabel(label));
      if (at < 0) return [];
      node = node.children[at];
    }
    return node.kind === 'branch' ? [...node.labels] : [];
  }

  /** The root hash, what a canister sets as its certified data. */
  rootHash(): Uint8Array {
    return nodeHash(this.root);
  }

  /** The whole tree, unpruned. */
  toHashTree(): HashTree {
    return fullTree(this.root);
  }

  /**
   * A pruned copy with the root hash of the full tree that answers each lookup exactly as the full
   * tree would: present paths are shown (with everything below a `reveal` path), absent ones by
   * their neighbouring labels, everything else is pruned.
   */
  witness(paths: readonly WitnessPath[]): HashTree {
    return witnessOf(
      this.root,
      paths.map((p) => ({ rest: p.path.map(toLabel), mode: p.mode })),
    );
  }
}
