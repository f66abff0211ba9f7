/**
 * The frontend canister's Candid types, one set per endpoint (CONTRIBUTING.md convention 5);
 * canisters/frontend/frontend.did spells them with their names and `npm run build` checks it
 * against the build. The HTTP types are the HTTP Gateway Protocol's ("Canister HTTP Interface"),
 * without streaming (every asset fits one response) and without `http_request_update`.
 */
import { IDL, type Principal } from 'azle';

export const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);
export type HeaderField = [string, string];

export const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});
export type HttpRequest = { method: string; url: string; headers: HeaderField[]; body: Uint8Array; certificate_version: [] | [number] };

export const HttpResponse = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  upgrade: IDL.Opt(IDL.Bool),
});
export type HttpResponse = { status_code: number; headers: HeaderField[]; body: Uint8Array; upgrade: [] | [boolean] };

/** The init (and optional upgrade) argument. */
export const FrontendConfig = IDL.Record({
  /** Origins the app may connect to besides its own, for the CSP's connect-src (e.g. "https://icp-api.io"). */
  connect_src: IDL.Vec(IDL.Text),
});
export type FrontendConfig = { connect_src: string[] };

export const UploadChunkRequest = IDL.Record({
  path: IDL.Text,
  encoding: IDL.Text,
  index: IDL.Nat32,
  content: IDL.Vec(IDL.Nat8),
});
export type UploadChunkRequest = { path: string; encoding: string; index: number; content: Uint8Array };

/** Errors every upload endpoint shares: who may call, and what a path or encoding may be. */
const callerErrors = { AnonymousCaller: IDL.Null, NotController: IDL.Record({ caller: IDL.Principal }) };
const InvalidPath = IDL.Record({ path: IDL.Text, reason: IDL.Text });
const UnsupportedEncoding = IDL.Record({ encoding: IDL.Text });

export const UploadChunkError = IDL.Variant({
  ...callerErrors,
  InvalidPath,
  UnsupportedEncoding,
  ChunkTooLarge: IDL.Record({ max_bytes: IDL.Nat32, bytes: IDL.Nat32 }),
  ChunkIndexTooLarge: IDL.Record({ max_index: IDL.Nat32, index: IDL.Nat32 }),
});

export const CommitEncoding = IDL.Record({ encoding: IDL.Text, chunk_count: IDL.Nat32, sha256: IDL.Vec(IDL.Nat8) });
export type CommitEncoding = { encoding: string; chunk_count: number; sha256: Uint8Array };

export const CommitAssetRequest = IDL.Record({
  path: IDL.Text,
  content_type: IDL.Text,
  encodings: IDL.Vec(CommitEncoding),
});
export type CommitAssetRequest = { path: string; content_type: string; encodings: CommitEncoding[] };

export const CommitAssetError = IDL.Variant({
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

export const DeleteAssetRequest = IDL.Record({ path: IDL.Text });
export type DeleteAssetRequest = { path: string };

export const DeleteAssetError = IDL.Variant({ ...callerErrors, NotFound: IDL.Record({ path: IDL.Text }) });

export const AssetEncoding = IDL.Record({ encoding: IDL.Text, length: IDL.Nat64, sha256: IDL.Vec(IDL.Nat8) });
export type AssetEncoding = { encoding: string; length: bigint; sha256: Uint8Array };

export const ListAssetsResponse = IDL.Vec(IDL.Record({ path: IDL.Text, content_type: IDL.Text, encodings: IDL.Vec(AssetEncoding) }));
export type ListAssetsResponse = { path: string; content_type: string; encodings: AssetEncoding[] }[];

export type CallerError = { AnonymousCaller: null } | { NotController: { caller: Principal } };
export type UploadChunkError =
  | CallerError
  | { InvalidPath: { path: string; reason: string } }
  | { UnsupportedEncoding: { encoding: string } }
  | { ChunkTooLarge: { max_bytes: number; bytes: number } }
  | { ChunkIndexTooLarge: { max_index: number; index: number } };
export type CommitAssetError =
  | CallerError
  | { InvalidPath: { path: string; reason: string } }
  | { UnsupportedEncoding: { encoding: string } }
  | { InvalidContentType: { content_type: string } }
  | { MissingIdentityEncoding: null }
  | { DuplicateEncoding: { encoding: string } }
  | { MissingChunk: { encoding: string; index: number } }
  | { AssetTooLarge: { encoding: string; max_bytes: bigint; bytes: bigint } }
  | { CommitTooLarge: { max_bytes: bigint; bytes: bigint } }
  | { HashMismatch: { encoding: string; expected: Uint8Array; actual: Uint8Array } };
export type DeleteAssetError = CallerError | { NotFound: { path: string } };

export type Result<E> = { Ok: null } | { Err: E };
export const UploadChunkResult = IDL.Variant({ Ok: IDL.Null, Err: UploadChunkError });
export const CommitAssetResult = IDL.Variant({ Ok: IDL.Null, Err: CommitAssetError });
export const DeleteAssetResult = IDL.Variant({ Ok: IDL.Null, Err: DeleteAssetError });
