/**
 * The hash tree against the example of the IC interface specification ("Certification" >
 * "Example": its CBOR and root hash), and LabeledTree's witnesses against lookups on the full tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex } from '@noble/hashes/utils.js';
import { empty, encodeHashTree, fork, labeled, leaf, lookupSubtree, reconstruct } from './hash-tree.ts';
import { LabeledTree } from './labeled-tree.ts';

// https://github.com/dfinity/interface-spec/blob/master/spec/index.md#example (section "Certification").
const SPEC_EXAMPLE_CBOR =
  '8301830183024161830183018302417882034568656c6c6f810083024179820345776f726c6483024162820344676f6f648301830241638100830241648203476d6f726e696e67';
const SPEC_EXAMPLE_ROOT = 'eb5c5b2195e62d996b84c9bcc8259d19a83786a2f59e0878cec84c811f669aa0';

test('the interface specification example: CBOR (self-described) and root hash', () => {
  const tree = fork(
    fork(labeled('a', fork(fork(labeled('x', leaf('hello')), empty()), labeled('y', leaf('world')))), labeled('b', leaf('good'))),
    fork(labeled('c', empty()), labeled('d', leaf('morning'))),
  );
  assert.equal(bytesToHex(encodeHashTree(tree)), `d9d9f7${SPEC_EXAMPLE_CBOR}`);
  assert.equal(bytesToHex(reconstruct(tree)), SPEC_EXAMPLE_ROOT);
});

test('LabeledTree: witnesses keep the root hash and answer lookups as the full tree does', () => {
  const t = new LabeledTree();
  const words = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'grape', 'honeydew', 'kiwi'];
  for (const w of words) t.insert([w, 'v'], w.toUpperCase());
  t.insert(['cherry', 'w'], 'second');
  const full = t.toHashTree();
  assert.equal(bytesToHex(reconstruct(full)), bytesToHex(t.rootHash()));
  const probes = [['cherry', 'v'], ['coconut'], ['aardvark'], ['zucchini'], ['fig', 'x'], ['date']];
  const witness = t.witness(probes.map((path) => ({ path, mode: 'probe' as const })));
  assert.equal(bytesToHex(reconstruct(witness)), bytesToHex(t.rootHash()));
  for (const path of probes) assert.equal(lookupSubtree(witness, path).kind, lookupSubtree(full, path).kind, path.join('/'));
  assert.deepEqual(
    probes.map((path) => lookupSubtree(witness, path).kind),
    ['found', 'absent', 'absent', 'absent', 'absent', 'found'],
  );
  // Unasked labels are pruned away.
  assert.equal(lookupSubtree(witness, ['banana']).kind, 'unknown');
  // A revealed path shows its leaf.
  const revealed = t.witness([{ path: ['kiwi', 'v'], mode: 'reveal' }]);
  assert.deepEqual(lookupSubtree(revealed, ['kiwi', 'v']), { kind: 'found', tree: [3, new TextEncoder().encode('KIWI')] });
});

test('LabeledTree: delete removes emptied branches, so the root hash returns to the earlier one', () => {
  const t = new LabeledTree();
  t.insert(['a', 'b'], '1');
  const before = bytesToHex(t.rootHash());
  t.insert(['c', 'd', 'e'], '2');
  assert.notEqual(bytesToHex(t.rootHash()), before);
  t.delete(['c', 'd', 'e']);
  assert.equal(bytesToHex(t.rootHash()), before);
  assert.equal(t.has(['c']), false);
});

test('LabeledTree (fast-check): for random trees and lookups, a witness keeps the root hash and answers each lookup as the full tree does', async () => {
  const { default: fc } = await import('fast-check');
  const label = fc.stringMatching(/^[a-d]{0,3}$/);
  const path = fc.array(label, { minLength: 1, maxLength: 3 });
  fc.assert(
    fc.property(fc.array(path, { minLength: 1, maxLength: 30 }), fc.array(path, { minLength: 1, maxLength: 6 }), (inserted, probes) => {
      const t = new LabeledTree();
      // A path may not pass through a leaf: insert only paths whose prefixes are not leaves already.
      const kept = inserted.filter((p) => !inserted.some((q) => q.length < p.length && q.every((l, i) => l === p[i])));
      for (const p of kept) t.insert(p, p.join('/'));
      const full = t.toHashTree();
      const witness = t.witness(probes.map((p) => ({ path: p, mode: 'probe' as const })));
      assert.equal(bytesToHex(reconstruct(witness)), bytesToHex(t.rootHash()));
      assert.equal(bytesToHex(reconstruct(full)), bytesToHex(t.rootHash()));
      for (const p of probes) {
        const expected = lookupSubtree(full, p).kind;
        // A path running into a leaf is an error in the full tree; the witness may show the same leaf.
        assert.equal(lookupSubtree(witness, p).kind, expected, `${p.join('/')} in ${kept.map((k) => k.join('/')).join(', ')}`);
      }
    }),
    { numRuns: 300 },
  );
});
