/**
 * Uploads a directory of built files to the frontend canister (canisters/frontend): each file is
 * read, compressed with node:zlib (gzip level 9 and brotli quality 11, each kept only where it is
 * smaller than the file), and sent in chunks through any actor with the canister's interface
 * (an @icp-sdk/core actor, or a @dfinity/pic actor in tests). Files whose stored content type and
 * encodings already match are skipped; with `prune`, stored assets no longer in the directory are
 * deleted. `npm start` uses it to deploy the app.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { IDL as IDLNamespace } from '@icp-sdk/core/candid';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { WalletError } from '../src/lib/errors.ts';

/** The client's view of canisters/frontend/frontend.did (test/frontend/candid.test.ts checks the .did against the build). */
export const frontendIdlFactory: IDLNamespace.InterfaceFactory = ({ IDL }) => {
  const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);
  const HttpRequest = IDL.Record({
    method: IDL.Text,
    url: IDL.Text,
    headers: IDL.Vec(HeaderField),
    body: IDL.Vec(IDL.Nat8),
    certificate_version: IDL.Opt(IDL.Nat16),
  });
  const HttpResponse = IDL.Record({
    status_code: IDL.Nat16,
    headers: IDL.Vec(HeaderField),
    body: IDL.Vec(IDL.Nat8),
    upgrade: IDL.Opt(IDL.Bool),
  });
  const callerErrors = { AnonymousCaller: IDL.Null, NotController: IDL.Record({ caller: IDL.Principal }) };
  const InvalidPath = IDL.Record({ path: IDL.Text, reason: IDL.Text });
  const UnsupportedEncoding = IDL.Record({ encoding: IDL.Text });
  const UploadChunkError = IDL.Variant({
    ...callerErrors,
    InvalidPath,
    UnsupportedEncoding,
    ChunkTooLarge: IDL.Record({ max_bytes: IDL.Nat32, bytes: IDL.Nat32 }),
    ChunkIndexTooLarge: IDL.Record({ max_index: IDL.Nat32, index: IDL.Nat32 }),
  });
  const CommitAssetError = IDL.Variant({
    ...callerErrors,
    InvalidPath,
    UnsupportedEncoding,
    InvalidContentType: IDL.Record({ content_type: IDL.Text }),
    MissingIdentityEncoding: IDL.Null,
    DuplicateEncoding: IDL.Record({ encoding: IDL.Text }),
    MissingChunk: IDL.Record({ encoding: IDL.Text, index: IDL.Nat32 }),
    AssetTooLarge: IDL.Record({ encoding: IDL.Text, max_bytes: IDL.Nat64, bytes: IDL.Nat64 }),
    CommitTooLarge: IDL.Record({ max_bytes: IDL.Nat64, bytes: IDL.Nat64 }),
    HashMismatch: IDL.Record({ encoding: IDL.Text, expected: IDL.Vec(IDL.Nat8), actual: IDL.Vec(IDL.Nat8) }),
  });
  const DeleteAssetError = IDL.Variant({ ...callerErrors, NotFound: IDL.Record({ path: IDL.Text }) });
  const AssetEncoding = IDL.Record({ encoding: IDL.Text, length: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) });
  return IDL.Service({
    http_request: IDL.Func([HttpRequest], [HttpResponse], ['query']),
    upload_chunk: IDL.Func(
      [IDL.Record({ path: IDL.Text, encoding: IDL.Text, index: IDL.Nat32, content: IDL.Vec(IDL.Nat8) })],
      [IDL.Variant({ Ok: IDL.Null, Err: UploadChunkError })],
      [],
    ),
    commit_asset: IDL.Func(
      [
        IDL.Record({
          path: IDL.Text,
          content_type: IDL.Text,
          encodings: IDL.Vec(IDL.Record({ encoding: IDL.Text, chunk_count: IDL.Nat32, sha256: IDL.Vec(IDL.Nat8) })),
        }),
      ],
      [IDL.Variant({ Ok: IDL.Null, Err: CommitAssetError })],
      [],
    ),
    delete_asset: IDL.Func([IDL.Record({ path: IDL.Text })], [IDL.Variant({ Ok: IDL.Null, Err: DeleteAssetError })], []),
    list_assets: IDL.Func(
      [],
      [IDL.Vec(IDL.Record({ path: IDL.Text, content_type: IDL.Text, encodings: IDL.Vec(AssetEncoding) }))],
      ['query'],
    ),
  });
};

export const frontendInitArg = (IDL: typeof IDLNamespace, config?: { connect_src: string[] }): Uint8Array =>
  new Uint8Array(IDL.encode([IDL.Opt(IDL.Record({ connect_src: IDL.Vec(IDL.Text) }))], [config === undefined ? [] : [config]]));

export type HeaderField = [string, string];
export type Encoding = 'identity' | 'gzip' | 'br';
type Result<E> = { Ok: null } | { Err: E };

/** The methods of the frontend canister the uploader and tests call (Candid names and shapes). */
export interface FrontendService {
  http_request(request: {
    method: string;
    url: string;
    headers: HeaderField[];
    body: Uint8Array;
    certificate_version: [] | [number];
  }): Promise<{ status_code: number; headers: HeaderField[]; body: Uint8Array; upgrade: [] | [boolean] }>;
  upload_chunk(request: { path: string; encoding: string; index: number; content: Uint8Array }): Promise<Result<Record<string, unknown>>>;
  commit_asset(request: {
    path: string;
    content_type: string;
    encodings: { encoding: string; chunk_count: number; sha256: Uint8Array }[];
  }): Promise<Result<Record<string, unknown>>>;
  delete_asset(request: { path: string }): Promise<Result<Record<string, unknown>>>;
  list_assets(): Promise<{ path: string; content_type: string; encodings: { encoding: string; length: bigint; sha256: Uint8Array }[] }[]>;
}

export class AssetUploadError extends WalletError {
  override name = 'AssetUploadError';
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface PreparedAsset {
  /** The URL path: `/` and the file's path relative to the directory. */
  path: string;
  contentType: string;
  /** identity first, then gzip and br where smaller than identity. */
  encodings: { encoding: Encoding; content: Uint8Array; sha256: Uint8Array }[];
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const full = join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(dir);
  return out;
}

/** Reads and compresses every file under `dir`. */
export function prepareAssets(dir: string): PreparedAsset[] {
  return filesUnder(dir).map((file) => {
    const content = new Uint8Array(readFileSync(file));
    const encodings: PreparedAsset['encodings'] = [{ encoding: 'identity', content, sha256: sha256(content) }];
    const gzip = new Uint8Array(gzipSync(content, { level: 9 }));
    const br = new Uint8Array(
      brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } }),
    );
    for (const [encoding, compressed] of [
      ['gzip', gzip],
      ['br', br],
    ] as const) {
      if (compressed.length < content.length) encodings.push({ encoding, content: compressed, sha256: sha256(compressed) });
    }
    const path = `/${relative(dir, file).split(sep).join('/')}`;
    return { path, contentType: contentTypeOf(path), encodings };
  });
}

export interface UploadReport {
  uploaded: string[];
  skipped: string[];
  deleted: string[];
  /** Update calls made (chunks, commits and deletions). */
  calls: number;
}

const unwrap = (what: string, result: Result<Record<string, unknown>>): void => {
  if ('Err' in result) {
    const details = JSON.stringify(result.Err, (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? bytesToHex(value) : value,
    );
    throw new AssetUploadError(`${what} was refused`, { details });
  }
};

/**
 * Uploads the files of `dir` (or already prepared assets) through `actor`, `chunkSize` bytes per
 * call. The caller must be a controller of the canister.
 *
 * @throws {AssetUploadError} naming the refused call and the canister's typed error.
 */
export async function uploadAssets(args: {
  actor: Pick<FrontendService, 'upload_chunk' | 'commit_asset' | 'delete_asset' | 'list_assets'>;
  dir?: string;
  assets?: PreparedAsset[];
  chunkSize?: number;
  prune?: boolean;
}): Promise<UploadReport> {
  const assets = args.assets ?? (args.dir !== undefined ? prepareAssets(args.dir) : []);
  const chunkSize = args.chunkSize ?? 1_000_000;
  const stored = new Map((await args.actor.list_assets()).map((a) => [a.path, a]));
  const report: UploadReport = { uploaded: [], skipped: [], deleted: [], calls: 0 };
  for (const asset of assets) {
    const existing = stored.get(asset.path);
    const same =
      existing !== undefined &&
      existing.content_type === asset.contentType &&
      existing.encodings.length === asset.encodings.length &&
      asset.encodings.every((e) =>
        existing.encodings.some((s) => s.encoding === e.encoding && bytesToHex(new Uint8Array(s.sha256)) === bytesToHex(e.sha256)),
      );
    if (same) {
      report.skipped.push(asset.path);
      continue;
    }
    for (const e of asset.encodings) {
      for (let index = 0; index * chunkSize < Math.max(e.content.length, 1); index++) {
        const content = e.content.subarray(index * chunkSize, (index + 1) * chunkSize);
        unwrap(
          `upload_chunk ${asset.path} ${e.encoding} #${index}`,
          await args.actor.upload_chunk({ path: asset.path, encoding: e.encoding, index, content }),
        );
        report.calls++;
      }
    }
    unwrap(
      `commit_asset ${asset.path}`,
      await args.actor.commit_asset({
        path: asset.path,
        content_type: asset.contentType,
        encodings: asset.encodings.map((e) => ({
          encoding: e.encoding,
          chunk_count: Math.max(1, Math.ceil(e.content.length / chunkSize)),
          sha256: e.sha256,
        })),
      }),
    );
    report.calls++;
    report.uploaded.push(asset.path);
  }
  if (args.prune) {
    const wanted = new Set(assets.map((a) => a.path));
    for (const path of stored.keys()) {
      if (wanted.has(path)) continue;
      unwrap(`delete_asset ${path}`, await args.actor.delete_asset({ path }));
      report.calls++;
      report.deleted.push(path);
    }
  }
  return report;
}
