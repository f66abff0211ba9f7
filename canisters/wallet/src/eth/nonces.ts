/**
 * The wallet's local EVM nonce per (chain id, address), in stable memory, with the policy of
 * nonce-policy.ts. What is in flight (allocated, not yet through broadcast) is heap state: an
 * upgrade happens only with no call in flight.
 */
import { StableBTreeMap, stableJson } from 'azle';
import { MEMORY } from '../memory.ts';
import { allocateNonce, type NonceState, releaseNonce } from './nonce-policy.ts';

const store = new StableBTreeMap<string, NonceState>(MEMORY.evmNonces, stableJson, stableJson);

/** Per key: sends between allocation and the end of their broadcast, and a counter of changes. */
const activity = new Map<string, { inFlight: number; version: number }>();

const keyOf = ({ chainId, address }: { chainId: bigint; address: string }): string => `${chainId}:${address.toLowerCase()}`;
const activityOf = (key: string) => {
  let entry = activity.get(key);
  if (entry === undefined) activity.set(key, (entry = { inFlight: 0, version: 0 }));
  return entry;
};

/** Call before reading the pending count; pass the mark to {@link takeNonce}. */
export function markNonceRead({ chainId, address }: { chainId: bigint; address: string }): { version: number; idle: boolean } {
  const entry = activityOf(keyOf({ chainId, address }));
  return { version: entry.version, idle: entry.inFlight === 0 };
}

/**
 * Allocates the send's nonce, synchronously (no await between the read of the store and the
 * write). Every allocation must be followed by exactly one {@link finishNonce}.
 */
export function takeNonce({
  chainId,
  address,
  pendingCount,
  mark,
}: {
  chainId: bigint;
  address: string;
  pendingCount: bigint;
  mark: { version: number; idle: boolean };
}): bigint {
  const key = keyOf({ chainId, address });
  const entry = activityOf(key);
  const quiet = mark.idle && entry.inFlight === 0 && entry.version === mark.version;
  const { nonce, state } = allocateNonce({ state: store.get(key) ?? { next: 0n, free: [] }, pendingCount, quiet });
  store.insert(key, state);
  entry.inFlight++;
  entry.version++;
  return nonce;
}

/** The end of a send that took a nonce: `release` when its transaction was never signed. */
export function finishNonce({
  chainId,
  address,
  nonce,
  release,
}: {
  chainId: bigint;
  address: string;
  nonce: bigint;
  release: boolean;
}): void {
  const key = keyOf({ chainId, address });
  const entry = activityOf(key);
  if (release) store.insert(key, releaseNonce({ state: store.get(key) ?? { next: 0n, free: [] }, nonce }));
  entry.inFlight--;
  entry.version++;
}
