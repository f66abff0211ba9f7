/**
 * The frontend canister: serves the app's static assets through `http_request` with HTTP
 * response certification v2 (src/lib/certification, via site.ts), and takes new assets from its
 * controllers in chunks. Upload endpoints follow CONTRIBUTING.md convention 4: the guard (no
 * anonymous caller, then controllers only), validation, then the change, each error a typed `Err`.
 * The Candid interface is canisters/frontend/frontend.did.
 */
import { certifiedDataSet, dataCertificate, IDL, init, isController, msgArgData, msgCaller, postUpgrade, query, trap, update } from 'azle';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  CommitAssetRequest,
  CommitAssetResult,
  DeleteAssetRequest,
  DeleteAssetResult,
  FrontendConfig,
  HttpRequest,
  HttpResponse,
  ListAssetsResponse,
  UploadChunkRequest,
  UploadChunkResult,
  type CallerError,
  type CommitAssetError,
  type DeleteAssetError,
  type Result,
  type UploadChunkError,
} from './candid.ts';
import { DEFAULT_CONNECT_SRC, ENCODINGS, NOT_FOUND_BODY, Site, type Encoding } from './site.ts';
import * as store from './store.ts';
import { feedChunk, takeDigest } from './running-hash.ts';

/** Hashed on arrival (running-hash.ts): about 26 billion instructions, within an update's 40 billion. */
export const MAX_CHUNK_BYTES = 1_000_000;
export const MAX_CHUNK_INDEX = 63;
/** One response carries a whole encoding (no streaming): keep it well under the 3 MiB query reply limit. */
export const MAX_ASSET_BYTES = 2_000_000;
/**
 * Encodings whose chunks did not arrive in order are hashed by commit_asset itself, and SHA-256 in
 * QuickJS costs about 26,000 instructions a byte (bench/frontend.bench.ts): 1,200,000 such bytes
 * keep one commit near 31 billion of the 40 billion instructions an update may use.
 */
export const MAX_COMMIT_BYTES = 1_200_000;

let site: Site | undefined;

/** Rebuilds the certification from stable memory and sets the certified data (init and post_upgrade). */
function rebuild(): void {
  const config = store.loadConfig();
  if (config === undefined) trap('frontend: no configuration in stable memory (was init skipped?)');
  site = new Site({ connectSrc: config.connect_src });
  for (const asset of store.allAssets()) site.put(asset.metadata);
  certifiedDataSet(site.rootHash());
}

function currentSite(): Site {
  if (site === undefined) trap('frontend: the site was not built (init or post_upgrade did not run)');
  return site;
}

/** Init and upgrade argument: `opt FrontendConfig`, or nothing at all (keeps the stored one on upgrade). */
function argumentConfig(): FrontendConfig | undefined {
  const arg = msgArgData();
  const EMPTY = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x00];
  if (arg.length === 0 || (arg.length === EMPTY.length && EMPTY.every((byte, i) => arg[i] === byte))) return undefined;
  const [config] = IDL.decode([IDL.Opt(FrontendConfig)], arg) as unknown as [[] | [FrontendConfig]];
  if (config.length === 0) return undefined;
  for (const origin of config[0].connect_src) {
    // A CSP source expression has no spaces, quotes, commas or semicolons (CSP3 "source-expression").
    if (!/^[A-Za-z0-9*][A-Za-z0-9*+.:/_-]*$/.test(origin))
      trap(`frontend: connect_src entry ${JSON.stringify(origin)} is not a CSP host source`);
  }
  return config[0];
}

function guard(): CallerError | undefined {
  const caller = msgCaller();
  if (caller.isAnonymous()) return { AnonymousCaller: null };
  if (!isController(caller)) return { NotController: { caller } };
  return undefined;
}

/** An asset path: absolute, segments non-empty and not `.` or `..`, no query, fragment or control characters. */
function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with "/"';
  if (path.length > 1024) return 'is longer than 1024 characters';
  if (/[?#]/.test(path) || [...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    return 'may not contain "?", "#" or control characters';
  const segments = path.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) return 'has an empty, "." or ".." segment';
  return undefined;
}

const isEncoding = (encoding: string): encoding is Encoding => (ENCODINGS as readonly string[]).includes(encoding);

export default class {
  @init([IDL.Opt(FrontendConfig)], { manual: true })
  init(): void {
    store.saveConfig(argumentConfig() ?? { connect_src: [...DEFAULT_CONNECT_SRC] });
    rebuild();
  }

  @postUpgrade([IDL.Opt(FrontendConfig)], { manual: true })
  postUpgrade(): void {
    const config = argumentConfig();
    if (config !== undefined) store.saveConfig(config);
    rebuild();
  }

  @query([HttpRequest], HttpResponse)
  http_request(request: HttpRequest): HttpResponse {
    const current = currentSite();
    const planned = current.plan({ url: request.url, headers: request.headers });
    const body = planned.body.kind === 'asset' ? store.assetBody(planned.body) : NOT_FOUND_BODY;
    const headers = [...planned.headers];
    // A query has a certificate; without one (a replicated call) the response cannot be certified.
    const certificate = dataCertificate();
    if (certificate !== undefined) headers.push(current.certificateHeader({ planned, url: request.url, certificate }));
    return { status_code: planned.statusCode, headers, body, upgrade: [] };
  }

  @update([UploadChunkRequest], UploadChunkResult)
  upload_chunk(request: UploadChunkRequest): Result<UploadChunkError> {
    const denied = guard();
    if (denied !== undefined) return { Err: denied };
    const problem = pathProblem(request.path);
    if (problem !== undefined) return { Err: { InvalidPath: { path: request.path, reason: problem } } };
    if (!isEncoding(request.encoding)) return { Err: { UnsupportedEncoding: { encoding: request.encoding } } };
    if (request.content.length > MAX_CHUNK_BYTES)
      return { Err: { ChunkTooLarge: { max_bytes: MAX_CHUNK_BYTES, bytes: request.content.length } } };
    if (request.index > MAX_CHUNK_INDEX) return { Err: { ChunkIndexTooLarge: { max_index: MAX_CHUNK_INDEX, index: request.index } } };
    store.stageChunk(request);
    feedChunk(request);
    return { Ok: null };
  }

  /** Makes the staged chunks of each encoding the asset's content, after checking their SHA-256, and certifies it. */
  @update([CommitAssetRequest], CommitAssetResult)
  commit_asset(request: CommitAssetRequest): Result<CommitAssetError> {
    const denied = guard();
    if (denied !== undefined) return { Err: denied };
    const problem = pathProblem(request.path);
    if (problem !== undefined) return { Err: { InvalidPath: { path: request.path, reason: problem } } };
    if (request.content_type === '' || request.content_type.length > 256 || !/^[\u0020-\u007e]+$/.test(request.content_type)) {
      return { Err: { InvalidContentType: { content_type: request.content_type } } };
    }
    const seen = new Set<string>();
    for (const e of request.encodings) {
      if (!isEncoding(e.encoding)) return { Err: { UnsupportedEncoding: { encoding: e.encoding } } };
      if (seen.has(e.encoding)) return { Err: { DuplicateEncoding: { encoding: e.encoding } } };
      seen.add(e.encoding);
    }
    if (!seen.has('identity')) return { Err: { MissingIdentityEncoding: null } };

    const encodings = [];
    const chunkCounts = new Map<Encoding, number>();
    let committed = 0;
    for (const e of request.encodings) {
      const encoding = e.encoding as Encoding;
      if (e.chunk_count > MAX_CHUNK_INDEX + 1) return { Err: { MissingChunk: { encoding, index: MAX_CHUNK_INDEX + 1 } } };
      for (let index = 0; index < e.chunk_count; index++) {
        if (!store.hasStagedChunk({ path: request.path, encoding, index })) return { Err: { MissingChunk: { encoding, index } } };
      }
      const hashed =
        takeDigest({ path: request.path, encoding, chunkCount: e.chunk_count }) ??
        (() => {
          // Not hashed on arrival (out of order, or an upgrade since): hash it here, within the cap.
          const parts: Uint8Array[] = [];
          for (let index = 0; index < e.chunk_count; index++)
            parts.push(store.stagedChunk({ path: request.path, encoding, index }) ?? new Uint8Array());
          const length = parts.reduce((n, part) => n + part.length, 0);
          if (length > MAX_ASSET_BYTES || committed + length > MAX_COMMIT_BYTES) return { length, sha256: undefined };
          committed += length;
          const hash = sha256.create();
          for (const part of parts) hash.update(part);
          return { length, sha256: hash.digest() };
        })();
      const total = hashed.length;
      if (total > MAX_ASSET_BYTES)
        return { Err: { AssetTooLarge: { encoding, max_bytes: BigInt(MAX_ASSET_BYTES), bytes: BigInt(total) } } };
      if (hashed.sha256 === undefined)
        return { Err: { CommitTooLarge: { max_bytes: BigInt(MAX_COMMIT_BYTES), bytes: BigInt(committed + total) } } };
      const actual = hashed.sha256;
      const expected = new Uint8Array(e.sha256);
      if (actual.length !== expected.length || actual.some((byte, i) => byte !== expected[i])) {
        return { Err: { HashMismatch: { encoding, expected, actual } } };
      }
      encodings.push({ encoding, length: total, sha256: actual });
      chunkCounts.set(encoding, e.chunk_count);
    }
    const metadata = { path: request.path, contentType: request.content_type, encodings };
    store.commitAsset({ metadata, chunkCounts });
    store.clearStaged({ path: request.path, encodings: ENCODINGS, maxIndex: MAX_CHUNK_INDEX });
    const current = currentSite();
    current.put(metadata);
    certifiedDataSet(current.rootHash());
    return { Ok: null };
  }

  @update([DeleteAssetRequest], DeleteAssetResult)
  delete_asset(request: DeleteAssetRequest): Result<DeleteAssetError> {
    const denied = guard();
    if (denied !== undefined) return { Err: denied };
    if (!store.deleteAsset(request.path)) return { Err: { NotFound: { path: request.path } } };
    const current = currentSite();
    current.remove(request.path);
    certifiedDataSet(current.rootHash());
    return { Ok: null };
  }

  /** What is stored, for the uploader to skip unchanged files. */
  @query([], ListAssetsResponse)
  list_assets(): ListAssetsResponse {
    return currentSite()
      .list()
      .map((asset) => ({
        path: asset.path,
        content_type: asset.contentType,
        encodings: asset.encodings.map((e) => ({ encoding: e.encoding, length: BigInt(e.length), sha256: e.sha256 })),
      }));
  }
}
