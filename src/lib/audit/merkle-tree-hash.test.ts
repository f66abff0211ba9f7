import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { emptyRootHash } from './empty-root-hash.ts';
import { leafHash } from './leaf-hash.ts';
import { merkleTreeHash } from './merkle-tree-hash.ts';
import { nodeHash } from './node-hash.ts';

const vectors = JSON.parse(readFileSync(new URL('../../../test/vectors/audit/rfc6962.json', import.meta.url), 'utf8')) as {
  leaves: string[];
  roots: string[];
};
const leaves = vectors.leaves.map((h) => hexToBytes(h));

describe('RFC 9162 §2.1.1 hashing', () => {
  test('emptyRootHash is SHA-256 of the empty string', () => {
    assert.equal(bytesToHex(emptyRootHash()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  test('leafHash of the empty entry is the reference root of size 1 (SHA-256 of 0x00)', () => {
    assert.equal(bytesToHex(leafHash(new Uint8Array(0))), vectors.roots[1]);
    assert.equal(bytesToHex(leafHash(new Uint8Array(0))), '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
  });

  test('nodeHash of the first two leaf hashes is the reference root of size 2', () => {
    assert.equal(bytesToHex(nodeHash({ left: leafHash(leaves[0]), right: leafHash(leaves[1]) })), vectors.roots[2]);
  });

  test('merkleTreeHash of the first n reference leaves is the reference root, for n = 0..8', () => {
    for (let n = 0; n <= 8; n++) assert.equal(bytesToHex(merkleTreeHash(leaves.slice(0, n))), vectors.roots[n], `size ${n}`);
  });
});
