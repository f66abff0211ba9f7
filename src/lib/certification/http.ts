/**
 * HTTP response certification, version 2, as the HTTP Gateway Protocol specification defines it
 * (dfinity/interface-spec spec/http-gateway-protocol-spec.md, "Response Verification"):
 *
 * - the `IC-CertificateExpression` header value ("The Certificate Expression Header"),
 * - the request and response hashes ("Request Hash Calculation", "Response Hash Calculation"),
 *   built on the representation-independent hash of the IC interface specification
 *   ("Hash of map"), with the `:ic-cert-status` pseudo-header the verifiers add for the status code,
 * - the `http_expr` tree: `["http_expr", ...path segments, "<$>" | "<*>", expr_hash,
 *   request_hash | "", response_hash]` with an empty leaf at the end ("Expression Path" and step 8
 *   of "Response Verification Outline"),
 * - the witness a response carries, with the absence proofs a verifier needs to accept a wildcard
 *   (no exact path and no more specific wildcard exists for the request), and
 * - the `IC-Certificate` header ("The Certificate Header").
 *
 * Pure TypeScript over Uint8Array: runs in Node, the browser and an Azle canister.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { base64 } from '@scure/base';
import { concatBytes } from '@noble/hashes/utils.js';
import { encodeSelfDescribedCbor } from './cbor.ts';
import { encodeHashTree, type HashTree } from './hash-tree.ts';
import { LabeledTree, type WitnessPath } from './labeled-tree.ts';
import { WalletError } from '../errors.ts';

export type HeaderField = [name: string, value: string];

const utf8 = new TextEncoder();

export const IC_CERTIFICATE_HEADER = 'IC-Certificate';
export const IC_CERTIFICATE_EXPRESSION_HEADER = 'IC-CertificateExpression';
export const EXPR_PATH_PREFIX = 'http_expr';
export const EXACT_TERMINATOR = '<$>';
export const WILDCARD_TERMINATOR = '<*>';

export class CertificationError extends WalletError {
  override name = 'CertificationError';
}

// ---------------------------------------------------------------------------------------------
// Representation-independent hash (IC interface specification, "Hash of map").

export type RepresentationValue = string | number | bigint | Uint8Array | readonly RepresentationValue[];

/** Unsigned LEB128, the encoding of natural numbers in the representation-independent hash. */
export function leb128(value: number | bigint): Uint8Array {
  let n = BigInt(value);
  if (n < 0n) throw new RangeError(`leb128: negative value ${value}`);
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) byte |= 0x80;
    out.push(byte);
  } while (n !== 0n);
  return new Uint8Array(out);
}

function valueHash(value: RepresentationValue): Uint8Array {
  if (typeof value === 'string') return sha256(utf8.encode(value));
  if (typeof value === 'number' || typeof value === 'bigint') return sha256(leb128(value));
  if (value instanceof Uint8Array) return sha256(value);
  return sha256(concatBytes(...value.map(valueHash)));
}

/**
 * `hash_of_map`: each `(key, value)` pair becomes `H(key) · H(value)`, the pairs are sorted
 * byte-wise and concatenated, and the result hashed. Keys may repeat (HTTP headers do).
 */
export function representationIndependentHash(pairs: readonly (readonly [string, RepresentationValue])[]): Uint8Array {
  const entries = pairs.map(([key, value]) => concatBytes(sha256(utf8.encode(key)), valueHash(value)));
  entries.sort((a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
    return 0;
  });
  return sha256(concatBytes(...entries));
}

// ---------------------------------------------------------------------------------------------
// The certificate expression ("The Certificate Expression Header").

/** What a response's certification covers. Header names are matched case-insensitively. */
export type CertificationExpression =
  | { kind: 'skip' }
  | {
      kind: 'certified';
      /** `null`: `no_request_certification` (the request is not part of the hash). */
      request: { headers: readonly string[]; queryParameters: readonly string[] } | null;
      response: { certifiedHeaders: readonly string[] } | { excludedHeaders: readonly string[] };
    };

const stringList = (items: readonly string[]): string => {
  for (const item of items) {
    // EBNF of the header: CHAR = /[^\0\n"]/.
    if (/[\0\n"]/.test(item))
      throw new CertificationError(`A header or parameter name may not contain NUL, newline or '"'`, { details: JSON.stringify(item) });
  }
  return `[${items.map((item) => `"${item}"`).join(',')}]`;
};

/** The `IC-CertificateExpression` header value, without whitespace (its SHA-256 is the tree's `expr_hash`). */
export function certificateExpression(expression: CertificationExpression): string {
  if (expression.kind === 'skip') return 'default_certification(ValidationArgs{no_certification:Empty{}})';
  const request =
    expression.request === null
      ? 'no_request_certification:Empty{}'
      : `request_certification:RequestCertification{certified_request_headers:${stringList(expression.request.headers)},certified_query_parameters:${stringList(expression.request.queryParameters)}}`;
  const response =
    'certifiedHeaders' in expression.response
      ? `certified_response_headers:ResponseHeaderList{headers:${stringList(expression.response.certifiedHeaders)}}`
      : `response_header_exclusions:ResponseHeaderList{headers:${stringList(expression.response.excludedHeaders)}}`;
  return `default_certification(ValidationArgs{certification:Certification{${request},response_certification:ResponseCertification{${response}}}})`;
}

const expressionHashes = new Map<string, Uint8Array>();

/** `expr_hash`: SHA-256 of the header value exactly as sent (memoized: a canister uses a few expressions for every response). */
export function expressionHash(expression: CertificationExpression): Uint8Array {
  const text = certificateExpression(expression);
  let hash = expressionHashes.get(text);
  if (hash === undefined) {
    hash = sha256(utf8.encode(text));
    expressionHashes.set(text, hash);
  }
  return hash;
}

// ---------------------------------------------------------------------------------------------
// Request and response hashes.

export interface HttpRequestParts {
  method: string;
  /** As in the canister's `HttpRequest.url`: a path with an optional query (an absolute URL is accepted too). */
  url: string;
  headers: readonly HeaderField[];
  body: Uint8Array;
}

export interface HttpResponseParts {
  statusCode: number;
  /** Without `IC-Certificate`; with the `IC-CertificateExpression` header the response will carry. */
  headers: readonly HeaderField[];
  body: Uint8Array;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** "Request Hash Calculation", for an expression with request certification. */
export function requestHash(args: {
  request: HttpRequestParts;
  headers: readonly string[];
  queryParameters: readonly string[];
}): Uint8Array {
  const pairs: [string, RepresentationValue][] = args.request.headers
    .filter(([name]) => args.headers.some((certified) => sameName(certified, name)))
    .map(([name, value]) => [name.toLowerCase(), value]);
  pairs.push([':ic-cert-method', args.request.method]);
  const query = splitUrl(args.request.url).query;
  if (query !== undefined) {
    // The certified parameters in their original order and with their original separators.
    const kept = query.split('&').filter((fragment) => {
      const name = fragment.split('=')[0];
      return args.queryParameters.some((certified) => sameName(certified, name));
    });
    pairs.push([':ic-cert-query', kept.join('&')]);
  }
  return sha256(concatBytes(representationIndependentHash(pairs), sha256(args.request.body)));
}

/**
 * The response headers a verifier hashes: `IC-Certificate` never, `IC-CertificateExpression`
 * always, the others as the expression says; names lower-cased, repetitions kept.
 */
export function certifiedResponseHeaders(args: {
  headers: readonly HeaderField[];
  response: { certifiedHeaders: readonly string[] } | { excludedHeaders: readonly string[] };
}): HeaderField[] {
  const kept: HeaderField[] = [];
  for (const [name, value] of args.headers) {
    if (sameName(name, IC_CERTIFICATE_HEADER)) continue;
    const included =
      sameName(name, IC_CERTIFICATE_EXPRESSION_HEADER) ||
      ('certifiedHeaders' in args.response
        ? args.response.certifiedHeaders.some((h) => sameName(h, name))
        : !args.response.excludedHeaders.some((h) => sameName(h, name)));
    if (included) kept.push([name.toLowerCase(), value]);
  }
  return kept;
}

/**
 * "Response Hash Calculation": `H(hash_of_map(headers ∪ {":ic-cert-status": status}) · H(body))`.
 * `bodyHash` may be passed instead of the body when it is already known (a stored asset).
 */
export function responseHash(args: {
  statusCode: number;
  headers: readonly HeaderField[];
  response: { certifiedHeaders: readonly string[] } | { excludedHeaders: readonly string[] };
  body?: Uint8Array;
  bodyHash?: Uint8Array;
}): Uint8Array {
  const pairs: [string, RepresentationValue][] = certifiedResponseHeaders(args);
  pairs.push([':ic-cert-status', args.statusCode]);
  const bodyHash = args.bodyHash ?? (args.body !== undefined ? sha256(args.body) : undefined);
  if (bodyHash === undefined) throw new CertificationError('responseHash needs the body or its SHA-256');
  return sha256(concatBytes(representationIndependentHash(pairs), bodyHash));
}

// ---------------------------------------------------------------------------------------------
// Paths.

/** Splits a request URL into its path and query, dropping a scheme and host and a fragment. */
export function splitUrl(url: string): { path: string; query: string | undefined } {
  let rest = url;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length);
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const path = question >= 0 ? rest.slice(0, question) : rest;
  return { path: path === '' ? '/' : path, query: question >= 0 ? rest.slice(question + 1) : undefined };
}

/**
 * The segments a verifier derives from a request URL's path: percent-decoded, split on `/`, empty
 * segments dropped, and an empty last segment when the path ends with `/` (so `/app/` and `/app`
 * differ). Decoding is as lenient as the verifiers' (Rust `urlencoding::decode`): a `%` not
 * followed by two hex digits stays as it is; the decoded bytes must be UTF-8.
 *
 * @throws {CertificationError} when the decoded path is not valid UTF-8.
 */
export function requestPathSegments(url: string): string[] {
  const { path } = splitUrl(url);
  let decoded: string;
  try {
    decoded = path.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => decodeURIComponent(run));
  } catch {
    throw new CertificationError('The request path is not valid percent-encoded UTF-8', { details: JSON.stringify(path) });
  }
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (decoded.endsWith('/')) segments.push('');
  return segments;
}

/** Where a response is certified: an exact path, or a wildcard covering every path below a prefix. */
export interface CertificationPath {
  kind: 'exact' | 'wildcard';
  /** As `requestPathSegments` gives them: `/` is `[""]`, `/a/b.js` is `["a", "b.js"]`, `/a/` is `["a", ""]`. */
  segments: readonly string[];
}

export const exactPath = (path: string): CertificationPath => ({ kind: 'exact', segments: requestPathSegments(path) });
export const wildcardPath = (prefix: string): CertificationPath => ({ kind: 'wildcard', segments: requestPathSegments(prefix) });

/** The `expr_path` of the `IC-Certificate` header: `["http_expr", ...segments, "<$>" | "<*>"]`. */
export function exprPath(path: CertificationPath): string[] {
  return [EXPR_PATH_PREFIX, ...path.segments, path.kind === 'exact' ? EXACT_TERMINATOR : WILDCARD_TERMINATOR];
}

// ---------------------------------------------------------------------------------------------
// The tree.

/** One certified response: where, under which expression, and the hashes the verifier will recompute. */
export interface CertifiedEntry {
  path: CertificationPath;
  expression: CertificationExpression;
  /** Only with request certification. */
  requestHash?: Uint8Array;
  /** Absent for a skipped (`no_certification`) entry. */
  responseHash?: Uint8Array;
}

function entryLabels(entry: CertifiedEntry): (string | Uint8Array)[] {
  const labels: (string | Uint8Array)[] = [...exprPath(entry.path), expressionHash(entry.expression)];
  if (entry.expression.kind === 'skip') return labels;
  if (entry.responseHash === undefined) throw new CertificationError('A certified entry needs its response hash');
  if (entry.expression.request !== null) {
    if (entry.requestHash === undefined) throw new CertificationError('An entry with request certification needs its request hash');
    labels.push(entry.requestHash);
  } else {
    labels.push('');
  }
  labels.push(entry.responseHash);
  return labels;
}

/**
 * The paths a verifier looks up for a request answered by `entry` (its "Expression Path" checks):
 * the entry itself, and when it is not the exact path of the request, that exact path and every
 * wildcard at least as specific as the entry's, which must all be absent.
 */
function verifierLookups(entry: CertifiedEntry, requestSegments: readonly string[]): WitnessPath[] {
  const lookups: WitnessPath[] = [{ path: entryLabels(entry), mode: 'reveal' }];
  const exact = [EXPR_PATH_PREFIX, ...requestSegments, EXACT_TERMINATOR];
  const own = exprPath(entry.path);
  if (own.length === exact.length && own.every((label, i) => label === exact[i])) return lookups;
  lookups.push({ path: exact, mode: 'probe' });
  // Every prefix of the request, as a file (`a/b/<*>`) and as a directory (`a/b/""/<*>`): a superset
  // of the wildcards a verifier checks; probing more is harmless.
  const segments = requestSegments.filter((segment, i) => segment !== '' || i !== requestSegments.length - 1);
  for (let length = segments.length; length >= 0; length--) {
    const prefix = segments.slice(0, length);
    lookups.push({ path: [EXPR_PATH_PREFIX, ...prefix, WILDCARD_TERMINATOR], mode: 'probe' });
    lookups.push({ path: [EXPR_PATH_PREFIX, ...prefix, '', WILDCARD_TERMINATOR], mode: 'probe' });
  }
  return lookups;
}

/**
 * The `http_expr` subtree of a canister's certification: entries are inserted and removed as the
 * canister's responses change; `rootHash()` is what the canister sets as certified data (with
 * `certifiedDataSet`), and `certificateHeader` builds each response's `IC-Certificate` header.
 */
export class HttpCertificationTree {
  private readonly tree = new LabeledTree();

  insert(entry: CertifiedEntry): void {
    this.tree.insert(entryLabels(entry), '');
  }

  delete(entry: CertifiedEntry): void {
    this.tree.delete(entryLabels(entry));
  }

  has(entry: CertifiedEntry): boolean {
    return this.tree.has(entryLabels(entry));
  }

  /** Whether any entry is certified at this path (whatever its expression and hashes). */
  hasPath(path: CertificationPath): boolean {
    return this.tree.has(exprPath(path));
  }

  rootHash(): Uint8Array {
    return this.tree.rootHash();
  }

  toHashTree(): HashTree {
    return this.tree.toHashTree();
  }

  /** The pruned tree a response carries: the entry answering `requestUrl`, with the absence proofs a verifier needs. */
  witness(args: { entry: CertifiedEntry; requestUrl: string }): HashTree {
    let segments: string[];
    try {
      segments = requestPathSegments(args.requestUrl);
    } catch (error) {
      if (!(error instanceof CertificationError)) throw error;
      // Not valid percent-encoding: no verifier can decode this path, so no witness can satisfy one;
      // answer with the undecoded segments rather than fail the response.
      const { path } = splitUrl(args.requestUrl);
      segments = path.split('/').filter((segment) => segment !== '');
    }
    return this.tree.witness(verifierLookups(args.entry, segments));
  }

  /**
   * The `IC-Certificate` header value for a response answered by `entry`: the certificate (from
   * `data_certificate()` in a query), the witness, the `expr_path` and `version=2`.
   */
  certificateHeader(args: { entry: CertifiedEntry; requestUrl: string; certificate: Uint8Array }): HeaderField {
    return certificateHeader({
      certificate: args.certificate,
      tree: this.witness({ entry: args.entry, requestUrl: args.requestUrl }),
      exprPath: exprPath(args.entry.path),
    });
  }
}

/** "The Certificate Header": `certificate=:…:, tree=:…:, expr_path=:…:, version=2` (RFC 8941 byte sequences). */
export function certificateHeader(args: { certificate: Uint8Array; tree: HashTree; exprPath: readonly string[] }): HeaderField {
  const tree = base64.encode(encodeHashTree(args.tree));
  const path = base64.encode(encodeSelfDescribedCbor(args.exprPath));
  return [IC_CERTIFICATE_HEADER, `certificate=:${base64.encode(args.certificate)}:, tree=:${tree}:, expr_path=:${path}:, version=2`];
}
