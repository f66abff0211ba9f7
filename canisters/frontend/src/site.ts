/**
 * The frontend canister's serving logic, without azle: which response answers a request, its
 * headers (cache lifetimes, Content-Security-Policy and the other security headers), and the
 * certification of every response in one HttpCertificationTree (src/lib/certification). The
 * canister (index.ts) keeps assets in stable memory and passes them in; this module keeps only
 * what is derived from them (the tree and the per-path metadata), so it is rebuilt after an upgrade.
 *
 * What is certified (HTTP Gateway Protocol, response verification v2, no request certification,
 * every response header certified):
 * - each asset at its exact path, once per stored encoding (identity, gzip, br);
 * - `/index.html` also at `/` (exact) and at the root wildcard `/<*>` with status 200: the app's
 *   routes (paths whose last segment has no file extension) are answered with it;
 * - a 404 at the root wildcard too, for every other missing path. Both wildcard responses share
 *   the root wildcard (the tree cannot tell paths by extension), so a verifier accepts either for
 *   any unknown path: at worst a replica could swap the app's own index.html and the 404 page.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  certificateExpression,
  exactPath,
  HttpCertificationTree,
  IC_CERTIFICATE_EXPRESSION_HEADER,
  requestPathSegments,
  responseHash,
  wildcardPath,
  CertificationError,
  type CertificationExpression,
  type CertificationPath,
  type CertifiedEntry,
  type HeaderField,
} from '../../../src/lib/certification/index.ts';

/** Content encodings the canister stores and serves, in the order of preference at equal size. */
export const ENCODINGS = ['br', 'gzip', 'identity'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export interface StoredEncoding {
  encoding: Encoding;
  length: number;
  sha256: Uint8Array;
}

export interface AssetMetadata {
  path: string;
  contentType: string;
  encodings: StoredEncoding[];
}

export interface SiteConfig {
  /** Origins the app may connect to besides its own ('self'), e.g. the IC API host. */
  connectSrc: readonly string[];
}

export const DEFAULT_CONNECT_SRC = ['https://icp-api.io', 'https://*.icp0.io', 'https://*.ic0.app'] as const;

/** Every header is certified: an empty exclusion list. */
const RESPONSE_CERTIFICATION = { excludedHeaders: [] };
export const EXPRESSION: CertificationExpression = { kind: 'certified', request: null, response: RESPONSE_CERTIFICATION };
const EXPRESSION_HEADER: HeaderField = [IC_CERTIFICATE_EXPRESSION_HEADER, certificateExpression(EXPRESSION)];

export const INDEX_PATH = '/index.html';
export const NOT_FOUND_BODY = new TextEncoder().encode('404 Not Found\n');

/** A year: the longest lifetime caches honour, for files whose name changes with their content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** Vite's default output name for built files, `assets/[name]-[hash][extname]` (a hash of 8 or more URL-safe characters). */
const HASHED_ASSET = /^\/assets\/(?:[^/]+\/)*[^/]+-[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]+$/;

export function isHashedAsset(path: string): boolean {
  return HASHED_ASSET.test(path);
}

export function contentSecurityPolicy(config: SiteConfig): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...config.connectSrc].join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** The headers every response carries, whatever its status. */
export function securityHeaders(config: SiteConfig): HeaderField[] {
  return [
    ['Content-Security-Policy', contentSecurityPolicy(config)],
    ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['Permissions-Policy', 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()'],
    ['Cross-Origin-Opener-Policy', 'same-origin'],
    ['Cross-Origin-Resource-Policy', 'same-origin'],
  ];
}

/** What a response is made of, before its `IC-Certificate` header. */
export interface PlannedResponse {
  statusCode: number;
  headers: HeaderField[];
  /** Where the body comes from: a stored asset encoding, or the built-in 404 page. */
  body: { kind: 'asset'; path: string; encoding: Encoding } | { kind: 'not-found' };
  entry: CertifiedEntry;
}

interface Variant {
  statusCode: number;
  headers: HeaderField[];
  encoding: Encoding;
  length: number;
  bodyHash: Uint8Array;
  /** Computed once when the asset is put: a query must not re-hash headers (SHA-256 is slow in QuickJS). */
  responseHash: Uint8Array;
}

/** Accept-Encoding (RFC 9110 section 12.5.3): the codings with a non-zero weight; identity is always acceptable. */
export function acceptedEncodings(headers: readonly HeaderField[]): Set<Encoding> {
  const accepted = new Set<Encoding>(['identity']);
  for (const [name, value] of headers) {
    if (name.toLowerCase() !== 'accept-encoding') continue;
    for (const item of value.split(',')) {
      const [coding, ...params] = item.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      if (q !== undefined && Number(q.slice(2)) === 0) continue;
      if (coding === '*') ENCODINGS.forEach((e) => accepted.add(e));
      else if (coding === 'gzip' || coding === 'br') accepted.add(coding);
    }
  }
  return accepted;
}

function withResponseHash(variant: Omit<Variant, 'responseHash'>): Variant {
  return {
    ...variant,
    responseHash: responseHash({
      statusCode: variant.statusCode,
      headers: variant.headers,
      response: RESPONSE_CERTIFICATION,
      bodyHash: variant.bodyHash,
    }),
  };
}

export class Site {
  private readonly tree = new HttpCertificationTree();
  private readonly assets = new Map<string, AssetMetadata>();
  private readonly variantsOf = new Map<string, Variant[]>();
  private readonly config: SiteConfig;

  private readonly notFound: Variant;

  constructor(config: SiteConfig) {
    this.config = config;
    this.notFound = withResponseHash({
      statusCode: 404,
      encoding: 'identity',
      length: NOT_FOUND_BODY.length,
      bodyHash: sha256(NOT_FOUND_BODY),
      headers: [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Cache-Control', 'no-store'],
        ...securityHeaders(config),
        EXPRESSION_HEADER,
      ],
    });
    this.tree.insert(this.entry(wildcardPath('/'), this.notFound));
  }

  /** The root hash to set as the canister's certified data after every change. */
  rootHash(): Uint8Array {
    return this.tree.rootHash();
  }

  has(path: string): boolean {
    return this.assets.has(path);
  }

  get(path: string): AssetMetadata | undefined {
    return this.assets.get(path);
  }

  list(): AssetMetadata[] {
    return [...this.assets.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /** Adds or replaces an asset and certifies each of its encodings (and the fallback for index.html). */
  put(asset: AssetMetadata): void {
    this.remove(asset.path);
    this.assets.set(asset.path, asset);
    this.variantsOf.set(asset.path, this.buildVariants(asset));
    for (const path of this.pathsOf(asset.path)) for (const variant of this.variants(asset)) this.tree.insert(this.entry(path, variant));
  }

  remove(path: string): void {
    const asset = this.assets.get(path);
    if (asset === undefined) return;
    for (const certPath of this.pathsOf(path)) for (const variant of this.variants(asset)) this.tree.delete(this.entry(certPath, variant));
    this.assets.delete(path);
    this.variantsOf.delete(path);
  }

  /**
   * The response for a request: the asset at the path in the smallest encoding the client
   * accepts, else index.html for an app route, else the 404 page. A path that is not valid
   * percent-encoding is a 404.
   */
  plan(args: { url: string; headers: readonly HeaderField[] }): PlannedResponse {
    let segments: string[] | undefined;
    try {
      segments = requestPathSegments(args.url);
    } catch (error) {
      if (!(error instanceof CertificationError)) throw error;
    }
    const accepted = acceptedEncodings(args.headers);
    if (segments !== undefined) {
      const path = segments.length === 1 && segments[0] === '' ? INDEX_PATH : `/${segments.join('/')}`;
      const asset = this.assets.get(path);
      const certPath: CertificationPath = { kind: 'exact', segments };
      if (asset !== undefined) return this.serve(asset, certPath, accepted);
      const last = segments[segments.length - 1] ?? '';
      const index = this.assets.get(INDEX_PATH);
      if (!last.includes('.') && index !== undefined) return this.serve(index, wildcardPath('/'), accepted);
    }
    return {
      statusCode: 404,
      headers: this.notFound.headers,
      body: { kind: 'not-found' },
      entry: this.entry(wildcardPath('/'), this.notFound),
    };
  }

  /** The `IC-Certificate` header for a planned response, with the certificate of this query. */
  certificateHeader(args: { planned: PlannedResponse; url: string; certificate: Uint8Array }): HeaderField {
    return this.tree.certificateHeader({ entry: args.planned.entry, requestUrl: args.url, certificate: args.certificate });
  }

  private serve(asset: AssetMetadata, certPath: CertificationPath, accepted: Set<Encoding>): PlannedResponse {
    const variants = this.variants(asset).filter((v) => accepted.has(v.encoding));
    // identity is always stored, so there is always one; prefer the smallest, then br, gzip, identity.
    variants.sort((a, b) => a.length - b.length || ENCODINGS.indexOf(a.encoding) - ENCODINGS.indexOf(b.encoding));
    const chosen = variants[0];
    return {
      statusCode: chosen.statusCode,
      headers: chosen.headers,
      body: { kind: 'asset', path: asset.path, encoding: chosen.encoding },
      entry: this.entry(certPath, chosen),
    };
  }

  /** Where an asset is certified: its own path, and for index.html also `/` and the root wildcard. */
  private pathsOf(path: string): CertificationPath[] {
    // Stored paths are already decoded (as requestPathSegments decodes a request): split, never decode again.
    const own: CertificationPath = { kind: 'exact', segments: path.slice(1).split('/') };
    return path === INDEX_PATH ? [own, exactPath('/'), wildcardPath('/')] : [own];
  }

  private variants(asset: AssetMetadata): Variant[] {
    return this.variantsOf.get(asset.path) ?? [];
  }

  private buildVariants(asset: AssetMetadata): Variant[] {
    const identity = asset.encodings.find((e) => e.encoding === 'identity');
    return asset.encodings
      .filter((e) => e.encoding === 'identity' || identity === undefined || e.length < identity.length)
      .map((e) =>
        withResponseHash({
          statusCode: 200,
          encoding: e.encoding,
          length: e.length,
          bodyHash: e.sha256,
          headers: [
            ['Content-Type', asset.contentType],
            ...(e.encoding === 'identity' ? [] : ([['Content-Encoding', e.encoding]] as HeaderField[])),
            ['Cache-Control', isHashedAsset(asset.path) ? IMMUTABLE : REVALIDATE],
            ['Vary', 'Accept-Encoding'],
            ...securityHeaders(this.config),
            EXPRESSION_HEADER,
          ],
        }),
      );
  }

  private entry(path: CertificationPath, variant: Variant): CertifiedEntry {
    return {
      path,
      expression: EXPRESSION,
      responseHash: variant.responseHash,
    };
  }
}
