/**
 * SHA-256 of each upload, computed chunk by chunk as the chunks arrive, so that commit_asset
 * need not hash the whole asset in one update: SHA-256 costs about 26,000 instructions a byte in
 * QuickJS (bench/frontend.bench.ts), which would cap a commit near 1.5 MB of the 40 billion
 * instructions an update may use. The state is kept on the heap only (an upgrade drops it) and
 * is valid only for chunks uploaded in order from index 0; anything else falls back to hashing
 * at commit time.
 */
import { sha256 } from '@noble/hashes/sha2.js';

interface Running {
  next: number;
  length: number;
  hash: ReturnType<typeof sha256.create>;
}

const running = new Map<string, Running>();
const keyOf = (path: string, encoding: string) => `${path}\u0000${encoding}`;

/** Feeds a staged chunk: index 0 starts over, the next index continues, any other index voids the state. */
export function feedChunk(args: { path: string; encoding: string; index: number; content: Uint8Array }): void {
  const key = keyOf(args.path, args.encoding);
  if (args.index === 0) {
    running.set(key, { next: 1, length: args.content.length, hash: sha256.create().update(args.content) });
    return;
  }
  const state = running.get(key);
  if (state === undefined || state.next !== args.index) {
    running.delete(key);
    return;
  }
  state.hash.update(args.content);
  state.next++;
  state.length += args.content.length;
}

/** The digest and length of chunks 0..chunkCount-1 if they were all fed in order; the state is consumed either way. */
export function takeDigest(args: {
  path: string;
  encoding: string;
  chunkCount: number;
}): { sha256: Uint8Array; length: number } | undefined {
  const key = keyOf(args.path, args.encoding);
  const state = running.get(key);
  running.delete(key);
  if (state === undefined || state.next !== args.chunkCount) return undefined;
  return { sha256: state.hash.digest(), length: state.length };
}
