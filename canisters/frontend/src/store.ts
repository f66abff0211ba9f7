/**
 * What the frontend canister keeps in stable memory (azle's heap is rebuilt on every upgrade):
 * its configuration, each asset's metadata, and the bytes of each encoding in chunks, plus the
 * chunks of uploads not yet committed. Keys and memory ids are fixed: never reuse an id.
 */
import { IDL, StableBTreeMap, stableJson } from 'azle';
import { FrontendConfig } from './candid.ts';
import type { AssetMetadata, Encoding } from './site.ts';

const CONFIG_MEMORY_ID = 0;
const ASSETS_MEMORY_ID = 1;
const CHUNKS_MEMORY_ID = 2;
const STAGED_CHUNKS_MEMORY_ID = 3;

const StoredAsset = IDL.Record({
  path: IDL.Text,
  content_type: IDL.Text,
  encodings: IDL.Vec(IDL.Record({ encoding: IDL.Text, length: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8), chunk_count: IDL.Nat32 })),
});
type StoredAsset = {
  path: string;
  content_type: string;
  encodings: { encoding: string; length: bigint; sha256: Uint8Array; chunk_count: number }[];
};

/** An asset as stored: its metadata and the number of chunks of each encoding. */
export interface Stored {
  metadata: AssetMetadata;
  chunkCounts: Map<Encoding, number>;
}

const candid = <T>(type: IDL.Type) => ({
  toBytes: (value: T): Uint8Array => new Uint8Array(IDL.encode([type], [value])),
  fromBytes: (bytes: Uint8Array): T => IDL.decode([type], bytes)[0] as unknown as T,
});
const rawBytes = { toBytes: (value: Uint8Array): Uint8Array => value, fromBytes: (bytes: Uint8Array): Uint8Array => bytes };

const configs = new StableBTreeMap<string, FrontendConfig>(CONFIG_MEMORY_ID, stableJson, candid<FrontendConfig>(FrontendConfig));
const assets = new StableBTreeMap<string, StoredAsset>(ASSETS_MEMORY_ID, stableJson, candid<StoredAsset>(StoredAsset));
const chunks = new StableBTreeMap<string, Uint8Array>(CHUNKS_MEMORY_ID, stableJson, rawBytes);
const staged = new StableBTreeMap<string, Uint8Array>(STAGED_CHUNKS_MEMORY_ID, stableJson, rawBytes);

const chunkKey = (path: string, encoding: string, index: number): string => `${path}\u0000${encoding}\u0000${index}`;

export function loadConfig(): FrontendConfig | undefined {
  return configs.get('config');
}

export function saveConfig(config: FrontendConfig): void {
  configs.insert('config', config);
}

function fromStored(stored: StoredAsset): Stored {
  return {
    metadata: {
      path: stored.path,
      contentType: stored.content_type,
      encodings: stored.encodings.map((e) => ({
        encoding: e.encoding as Encoding,
        length: Number(e.length),
        sha256: new Uint8Array(e.sha256),
      })),
    },
    chunkCounts: new Map(stored.encodings.map((e) => [e.encoding as Encoding, e.chunk_count])),
  };
}

export function allAssets(): Stored[] {
  return assets.values().map(fromStored);
}

export function getAsset(path: string): Stored | undefined {
  const stored = assets.get(path);
  return stored === undefined ? undefined : fromStored(stored);
}

export function stageChunk(args: { path: string; encoding: string; index: number; content: Uint8Array }): void {
  staged.insert(chunkKey(args.path, args.encoding, args.index), args.content);
}

export function hasStagedChunk(args: { path: string; encoding: string; index: number }): boolean {
  return staged.containsKey(chunkKey(args.path, args.encoding, args.index));
}

export function stagedChunk(args: { path: string; encoding: string; index: number }): Uint8Array | undefined {
  return staged.get(chunkKey(args.path, args.encoding, args.index));
}

/** Replaces an asset: its old chunks go, the staged ones become its content. */
export function commitAsset(args: { metadata: AssetMetadata; chunkCounts: Map<Encoding, number> }): void {
  deleteAsset(args.metadata.path);
  for (const e of args.metadata.encodings) {
    const count = args.chunkCounts.get(e.encoding) ?? 0;
    for (let index = 0; index < count; index++) {
      const key = chunkKey(args.metadata.path, e.encoding, index);
      const content = staged.remove(key);
      if (content !== undefined) chunks.insert(key, content);
    }
  }
  assets.insert(args.metadata.path, {
    path: args.metadata.path,
    content_type: args.metadata.contentType,
    encodings: args.metadata.encodings.map((e) => ({
      encoding: e.encoding,
      length: BigInt(e.length),
      sha256: e.sha256,
      chunk_count: args.chunkCounts.get(e.encoding) ?? 0,
    })),
  });
}

/**
 * Drops whatever is still staged for `path` (chunks past a commit's count, encodings not committed),
 * so abandoned chunks do not accumulate in stable memory.
 */
export function clearStaged(args: { path: string; encodings: readonly string[]; maxIndex: number }): void {
  for (const encoding of args.encodings)
    for (let index = 0; index <= args.maxIndex; index++) staged.remove(chunkKey(args.path, encoding, index));
}

export function deleteAsset(path: string): boolean {
  const stored = getAsset(path);
  if (stored === undefined) return false;
  for (const [encoding, count] of stored.chunkCounts)
    for (let index = 0; index < count; index++) chunks.remove(chunkKey(path, encoding, index));
  assets.remove(path);
  return true;
}

/** The bytes of one stored encoding, its chunks concatenated. */
export function assetBody(args: { path: string; encoding: Encoding }): Uint8Array {
  const stored = getAsset(args.path);
  const count = stored?.chunkCounts.get(args.encoding) ?? 0;
  const parts: Uint8Array[] = [];
  let total = 0;
  for (let index = 0; index < count; index++) {
    const part = chunks.get(chunkKey(args.path, args.encoding, index)) ?? new Uint8Array();
    parts.push(part);
    total += part.length;
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    body.set(part, at);
    at += part.length;
  }
  return body;
}
