/** The EVM nonce policy of the wallet canister (canisters/wallet/src/eth/nonce-policy.ts), without a canister. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateNonce, releaseNonce, type NonceState } from '../../../canisters/wallet/src/eth/nonce-policy.ts';

describe('nonce policy', () => {
  test('20 allocations after the same pending count get 0..19, each once', () => {
    let state: NonceState = { next: 0n, free: [] };
    const nonces: bigint[] = [];
    for (let i = 0; i < 20; i++) {
      const allocated = allocateNonce({ state, pendingCount: 0n, quiet: i === 0 });
      nonces.push(allocated.nonce);
      state = allocated.state;
    }
    assert.deepEqual(
      nonces,
      Array.from({ length: 20 }, (_, i) => BigInt(i)),
    );
    assert.deepEqual(state, { next: 20n, free: [] });
  });
  test('a pending count above the local nonce wins (nonces used elsewhere)', () => {
    assert.deepEqual(allocateNonce({ state: { next: 3n, free: [1n, 4n] }, pendingCount: 5n, quiet: false }), {
      nonce: 5n,
      state: { next: 6n, free: [] },
    });
  });
  test('released nonces are handed out again first, lowest first', () => {
    let state: NonceState = { next: 5n, free: [] };
    state = releaseNonce({ state, nonce: 2n });
    state = releaseNonce({ state, nonce: 4n });
    assert.deepEqual(state, { next: 4n, free: [2n] });
    assert.deepEqual(allocateNonce({ state, pendingCount: 0n, quiet: false }), { nonce: 2n, state: { next: 4n, free: [] } });
  });
  test('nothing in flight and a pending count below the local nonce: the gap is closed', () => {
    assert.deepEqual(allocateNonce({ state: { next: 7n, free: [5n] }, pendingCount: 4n, quiet: true }), {
      nonce: 4n,
      state: { next: 5n, free: [] },
    });
    assert.deepEqual(allocateNonce({ state: { next: 7n, free: [] }, pendingCount: 4n, quiet: false }), {
      nonce: 7n,
      state: { next: 8n, free: [] },
    });
  });
});
