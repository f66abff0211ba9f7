/**
 * HTTP certification v2 built with src/lib/certification and checked by DFINITY's verifier
 * (@dfinity/response-verification, the library HTTP gateways run) against a real BLS certificate
 * from the devnet's certifier: exact paths, the wildcard fallback with its absence proofs, two
 * encodings of one path, request certification and skipped certification; and tampered responses
 * refused with the verifier's exact error code. Hashes are also checked against the unit-test
 * vectors of DFINITY's ic-http-certification crate.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { Cbor } from '@icp-sdk/core/agent';
import { Principal } from '@icp-sdk/core/principal';
import { ResponseVerificationErrorCode, verifyRequestResponsePair } from '@dfinity/response-verification';
import { Certifier } from '../../../devnet/src/ic/certification.ts';
import {
  certificateExpression,
  encodeHashTree,
  exactPath,
  HttpCertificationTree,
  IC_CERTIFICATE_EXPRESSION_HEADER,
  lookupSubtree,
  reconstruct,
  requestHash,
  responseHash,
  wildcardPath,
  type CertificationExpression,
  type CertificationPath,
  type CertifiedEntry,
  type HeaderField,
} from './index.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../../../test/vectors/certification/ic-http-certification.json', import.meta.url), 'utf8'),
);
const utf8 = new TextEncoder();

describe('hashes equal the ic-http-certification unit-test vectors', () => {
  for (const v of vectors.responses) {
    test(v.name, () => {
      const response = 'certifiedHeaders' in v ? { certifiedHeaders: v.certifiedHeaders } : { excludedHeaders: v.excludedHeaders };
      const hash = responseHash({
        statusCode: v.statusCode,
        headers: v.headers,
        response,
        ...(v.bodyHash ? { bodyHash: hexToBytes(v.bodyHash) } : { body: utf8.encode(v.bodyUtf8) }),
      });
      assert.equal(bytesToHex(hash), v.responseHash);
    });
  }
  for (const v of vectors.requests) {
    test(v.name, () => {
      const hash = requestHash({
        request: { method: v.method, url: v.url, headers: v.headers, body: new Uint8Array(v.body) },
        headers: v.certifiedHeaders,
        queryParameters: v.certifiedQueryParameters,
      });
      assert.equal(bytesToHex(hash), v.requestHash);
    });
  }
  test('the expression text of the certified-headers vector is what certificateExpression writes', () => {
    const written = certificateExpression({
      kind: 'certified',
      request: null,
      response: { certifiedHeaders: ['Accept-Encoding', 'Cache-Control'] },
    });
    assert.equal(written, vectors.responses[0].headers[1][1]);
  });
});

// ----------------------------------------------------------------------------------------------
// End to end with the verifier.

const CANISTER = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');
const NOW_NS = 1_764_547_200_000_000_000n; // 2025-12-01T00:00:00Z
const FIVE_MINUTES_NS = 300_000_000_000n;
const certifier = new Certifier(new Uint8Array(48).fill(7));

const ASSET_EXPR: CertificationExpression = { kind: 'certified', request: null, response: { excludedHeaders: [] } };

interface Served {
  path: CertificationPath;
  expression: CertificationExpression;
  statusCode: number;
  headers: HeaderField[];
  body: Uint8Array;
}

function served(args: {
  path: CertificationPath;
  statusCode: number;
  headers: HeaderField[];
  body: string;
  expression?: CertificationExpression;
}): Served {
  const expression = args.expression ?? ASSET_EXPR;
  return {
    path: args.path,
    expression,
    statusCode: args.statusCode,
    headers: [...args.headers, [IC_CERTIFICATE_EXPRESSION_HEADER, certificateExpression(expression)]],
    body: utf8.encode(args.body),
  };
}

const CSP: HeaderField = ['Content-Security-Policy', "default-src 'self'"];
const INDEX = served({
  path: exactPath('/index.html'),
  statusCode: 200,
  headers: [['Content-Type', 'text/html'], CSP],
  body: '<!doctype html><p>app</p>',
});
const ROOT = { ...INDEX, path: exactPath('/') };
const FALLBACK = { ...INDEX, path: wildcardPath('/') };
const NOT_FOUND = served({ path: wildcardPath('/'), statusCode: 404, headers: [['Content-Type', 'text/plain'], CSP], body: 'not found' });
const APP_JS = served({
  path: exactPath('/assets/app-1a2b3c4d.js'),
  statusCode: 200,
  headers: [['Content-Type', 'text/javascript'], CSP],
  body: 'console.log(1)',
});
const APP_JS_GZIP = served({
  path: exactPath('/assets/app-1a2b3c4d.js'),
  statusCode: 200,
  headers: [['Content-Type', 'text/javascript'], ['Content-Encoding', 'gzip'], CSP],
  body: 'pretend-gzip',
});
const ASSETS_404 = served({
  path: wildcardPath('/assets/'),
  statusCode: 404,
  headers: [['Content-Type', 'text/plain'], CSP],
  body: 'no such asset',
});
const WITH_REQUEST_EXPR: CertificationExpression = {
  kind: 'certified',
  request: { headers: ['Accept'], queryParameters: ['v'] },
  response: { certifiedHeaders: ['Content-Type'] },
};
const API_REQUEST = {
  method: 'GET',
  url: '/api/status?v=2&x=9',
  headers: [['Accept', 'application/json']] as HeaderField[],
  body: new Uint8Array(),
};
const API = served({
  path: exactPath('/api/status'),
  statusCode: 200,
  headers: [['Content-Type', 'application/json']],
  body: '{"ok":true}',
  expression: WITH_REQUEST_EXPR,
});
const SKIPPED = served({ path: exactPath('/health'), statusCode: 200, headers: [], body: 'ok', expression: { kind: 'skip' } });

function entryOf(s: Served, request?: typeof API_REQUEST): CertifiedEntry {
  if (s.expression.kind === 'skip') return { path: s.path, expression: s.expression };
  return {
    path: s.path,
    expression: s.expression,
    responseHash: responseHash({ statusCode: s.statusCode, headers: s.headers, response: s.expression.response, body: s.body }),
    ...(s.expression.request !== null && request
      ? {
          requestHash: requestHash({
            request,
            headers: s.expression.request.headers,
            queryParameters: s.expression.request.queryParameters,
          }),
        }
      : {}),
  };
}

const tree = new HttpCertificationTree();
for (const s of [INDEX, ROOT, FALLBACK, NOT_FOUND, APP_JS, APP_JS_GZIP, ASSETS_404, SKIPPED]) tree.insert(entryOf(s));
tree.insert(entryOf(API, API_REQUEST));

const certificate = certifier.dataCertificate({ canisterId: CANISTER, certifiedData: tree.rootHash(), timeNs: NOW_NS });

function respond(s: Served, url: string, request?: typeof API_REQUEST) {
  const header = tree.certificateHeader({ entry: entryOf(s, request), requestUrl: url, certificate });
  return { status_code: s.statusCode, headers: [...s.headers, header], body: s.body };
}

function verify(
  url: string,
  response: { status_code: number; headers: [string, string][]; body: Uint8Array },
  request?: Partial<typeof API_REQUEST>,
) {
  return verifyRequestResponsePair(
    {
      url,
      method: request?.method ?? 'GET',
      headers: request?.headers ?? [],
      body: request?.body ?? new Uint8Array(),
      certificate_version: [2],
    },
    response,
    CANISTER.toUint8Array(),
    NOW_NS,
    FIVE_MINUTES_NS,
    certifier.rootKeyDer,
    2,
  );
}

function refusedWith(code: ResponseVerificationErrorCode, run: () => unknown) {
  assert.throws(run, (error: any) => {
    assert.equal(
      error.code,
      code,
      `expected ${ResponseVerificationErrorCode[code]}, got ${ResponseVerificationErrorCode[error.code]}: ${error.message}`,
    );
    return true;
  });
}

describe('responses certified by HttpCertificationTree pass @dfinity/response-verification', () => {
  const cases: [string, Served, string][] = [
    ['an exact path', APP_JS, '/assets/app-1a2b3c4d.js'],
    ['a second encoding at the same path', APP_JS_GZIP, '/assets/app-1a2b3c4d.js'],
    ['the root, certified exactly', ROOT, '/'],
    ['/index.html', INDEX, '/index.html'],
    ['an app route through the root wildcard (200)', FALLBACK, '/send/btc'],
    ['a missing file through the root wildcard (404)', NOT_FOUND, '/missing.png'],
    ['a missing file under /assets/ through the more specific wildcard', ASSETS_404, '/assets/gone.js'],
    ['a percent-encoded request path', APP_JS, '/assets/app%2D1a2b3c4d.js'],
    ['a query string, not certified here', APP_JS, '/assets/app-1a2b3c4d.js?cache=bust'],
  ];
  for (const [name, s, url] of cases) {
    test(name, () => {
      const response = respond(s, url);
      const info = verify(url, response);
      assert.equal(info.verificationVersion, 2);
      assert.equal(info.response?.statusCode, s.statusCode);
      assert.deepEqual(new Uint8Array(info.response!.body), s.body);
    });
  }

  test('request certification: the certified header and query parameter are part of the hash', () => {
    const response = respond(API, API_REQUEST.url, API_REQUEST);
    const info = verify(API_REQUEST.url, response, API_REQUEST);
    assert.equal(info.response?.statusCode, 200);
    // An uncertified query parameter may change; a certified one may not.
    verify('/api/status?v=2&x=1', response, { ...API_REQUEST, url: '/api/status?v=2&x=1' });
    refusedWith(ResponseVerificationErrorCode.InvalidRequestAndResponseHashes, () =>
      verify('/api/status?v=3&x=9', response, { ...API_REQUEST }),
    );
    refusedWith(ResponseVerificationErrorCode.InvalidRequestAndResponseHashes, () =>
      verify(API_REQUEST.url, response, { ...API_REQUEST, headers: [['Accept', 'text/html']] }),
    );
  });

  test('skipped certification verifies with no certified response', () => {
    const info = verify('/health', respond(SKIPPED, '/health'));
    assert.equal(info.verificationVersion, 2);
    assert.equal(info.response, undefined);
  });
});

describe('tampered responses are refused by @dfinity/response-verification', () => {
  const url = '/assets/app-1a2b3c4d.js';
  test('a changed body', () => {
    const response = respond(APP_JS, url);
    refusedWith(ResponseVerificationErrorCode.InvalidRequestAndResponseHashes, () =>
      verify(url, { ...response, body: utf8.encode('alert(1)') }),
    );
  });
  test('a changed certified header (CSP)', () => {
    const response = respond(APP_JS, url);
    const headers = response.headers.map(([n, v]): HeaderField => (n === CSP[0] ? [n, '*'] : [n, v]));
    refusedWith(ResponseVerificationErrorCode.InvalidRequestAndResponseHashes, () => verify(url, { ...response, headers }));
  });
  test('an added header (every header is certified)', () => {
    const response = respond(APP_JS, url);
    refusedWith(ResponseVerificationErrorCode.InvalidRequestAndResponseHashes, () =>
      verify(url, { ...response, headers: [...response.headers, ['Set-Cookie', 'a=b']] }),
    );
  });
  test('a changed status code', () => {
    const response = respond(APP_JS, url);
    refusedWith(ResponseVerificationErrorCode.InvalidRequestAndResponseHashes, () => verify(url, { ...response, status_code: 404 }));
  });
  test('the fallback served for a path that has its own exact entry', () => {
    refusedWith(ResponseVerificationErrorCode.ExactExpressionPathMightExistInTree, () => verify(url, respond(NOT_FOUND, url)));
  });
  test('the root wildcard served where a more specific wildcard exists', () => {
    refusedWith(ResponseVerificationErrorCode.MoreSpecificWildcardExpressionMightExistInTree, () =>
      verify('/assets/gone.js', respond(NOT_FOUND, '/assets/gone.js')),
    );
  });
  test('a certificate over another tree', () => {
    const other = certifier.dataCertificate({ canisterId: CANISTER, certifiedData: sha256(utf8.encode('other')), timeNs: NOW_NS });
    const header = tree.certificateHeader({ entry: entryOf(APP_JS), requestUrl: url, certificate: other });
    refusedWith(ResponseVerificationErrorCode.InvalidTreeRootHash, () =>
      verify(url, { status_code: 200, headers: [...APP_JS.headers, header], body: APP_JS.body }),
    );
  });
  test('a certificate signed by another root key', () => {
    const stranger = new Certifier(new Uint8Array(48).fill(8));
    const forged = stranger.dataCertificate({ canisterId: CANISTER, certifiedData: tree.rootHash(), timeNs: NOW_NS });
    const header = tree.certificateHeader({ entry: entryOf(APP_JS), requestUrl: url, certificate: forged });
    refusedWith(ResponseVerificationErrorCode.CertificateVerificationFailed, () =>
      verify(url, { status_code: 200, headers: [...APP_JS.headers, header], body: APP_JS.body }),
    );
  });
});

describe('witnesses', () => {
  test('a witness has the root hash of the full tree, and its CBOR decodes to the same tree', () => {
    const witness = tree.witness({ entry: entryOf(FALLBACK), requestUrl: '/send/btc' });
    assert.equal(bytesToHex(reconstruct(witness)), bytesToHex(tree.rootHash()));
    assert.equal(bytesToHex(reconstruct(tree.toHashTree())), bytesToHex(tree.rootHash()));
    const decoded = Cbor.decode(encodeHashTree(witness)) as unknown;
    const normalize = (t: any): any => (Array.isArray(t) ? t.map(normalize) : t instanceof Uint8Array ? bytesToHex(t) : t);
    assert.deepEqual(normalize(decoded), normalize(witness));
  });
  test('the fallback witness proves the exact path and the more specific wildcards absent, and prunes other assets', () => {
    const witness = tree.witness({ entry: entryOf(FALLBACK), requestUrl: '/send/btc' });
    assert.equal(lookupSubtree(witness, ['http_expr', 'send', 'btc', '<$>']).kind, 'absent');
    assert.equal(lookupSubtree(witness, ['http_expr', 'send', '<*>']).kind, 'absent');
    assert.equal(lookupSubtree(witness, ['http_expr', '', '<*>']).kind, 'found');
    assert.equal(lookupSubtree(witness, ['http_expr', 'assets', 'app-1a2b3c4d.js', '<$>']).kind, 'unknown');
  });
});
