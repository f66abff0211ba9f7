/**
 * Which nonce an EVM send gets. Pure (no azle import): the stable store is nonces.ts.
 *
 * State per (chain id, address): `next`, the lowest nonce never handed out, and `free`, nonces
 * handed out whose transaction was never signed (released), to be handed out again first.
 *
 * An allocation happens after the send read `pendingCount` (eth_getTransactionCount with the
 * `pending` tag, agreed by the providers) and before it signs, synchronously, so sends in flight
 * at the same time each get their own nonce:
 * - nonces below `pendingCount` are taken on the chain (maybe by another wallet of the same key:
 *   none here, but a user may import nothing else either), so `next` is at least `pendingCount`
 *   and free nonces below it are dropped;
 * - when the wallet has nothing in flight for the address and nothing changed since the read
 *   (`quiet`), a `next` above `pendingCount` means transactions that were signed but never
 *   reached any provider's pool: `next` drops back to `pendingCount`, or the address would be
 *   stuck behind a nonce gap forever.
 */

export type NonceState = { next: bigint; free: bigint[] };

export function allocateNonce({ state, pendingCount, quiet }: { state: NonceState; pendingCount: bigint; quiet: boolean }): {
  nonce: bigint;
  state: NonceState;
} {
  if (quiet && state.next > pendingCount) return { nonce: pendingCount, state: { next: pendingCount + 1n, free: [] } };
  const free = state.free.filter((n) => n >= pendingCount).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const next = state.next > pendingCount ? state.next : pendingCount;
  if (free.length > 0) return { nonce: free[0], state: { next, free: free.slice(1) } };
  return { nonce: next, state: { next: next + 1n, free } };
}

/** Gives back a nonce whose transaction was never signed. */
export function releaseNonce({ state, nonce }: { state: NonceState; nonce: bigint }): NonceState {
  if (nonce + 1n === state.next) return { next: nonce, free: state.free };
  if (nonce >= state.next || state.free.includes(nonce)) return state;
  return { next: state.next, free: [...state.free, nonce] };
}
