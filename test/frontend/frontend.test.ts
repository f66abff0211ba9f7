/**
 * The frontend canister on the devnet through @dfinity/pic: a fixture site made here is uploaded
 * in chunks with scripts/frontend-assets.ts, and every response of `http_request` (assets in each
 * encoding, `/`, the index.html fallback for app routes, the 404) passes DFINITY's verifier
 * (@dfinity/response-verification) against the devnet's root key, with exact bodies and headers.
 * Uploads by non-controllers are refused with typed errors, upgrades keep the assets, and a
 * tampered body is refused by the verifier.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { type PocketIc, type Actor, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { ResponseVerificationErrorCode, verifyRequestResponsePair } from '@dfinity/response-verification';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { buildFrontend, canonicalCandid, FRONTEND_DID_PATH, type CanisterBuild } from '../../scripts/build.ts';
import {
  frontendIdlFactory,
  frontendInitArg,
  prepareAssets,
  uploadAssets,
  type FrontendService,
  type HeaderField,
} from '../../scripts/frontend-assets.ts';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';

const ADMIN = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(11));
const STRANGER = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(12));
const CONNECT_SRC = ['http://localhost:4943'];
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self' http://localhost:4943; " +
  "manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
const SECURITY_HEADERS: HeaderField[] = [
  ['Content-Security-Policy', CSP],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'no-referrer'],
  ['Permissions-Policy', 'accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];
const EXPRESSION =
  'default_certification(ValidationArgs{certification:Certification{no_request_certification:Empty{},response_certification:ResponseCertification{response_header_exclusions:ResponseHeaderList{headers:[]}}}})';

const utf8 = new TextEncoder();
// Compressible text, long enough to need several 4 KB chunks.
const APP_JS = utf8.encode(Array.from({ length: 600 }, (_, i) => `export const value${i} = ${i} * 2;\n`).join(''));
const INDEX_HTML = utf8.encode(
  '<!doctype html><html><head><script type="module" src="/assets/index-Bx7Qp2Lm.js"></script></head><body><main></main></body></html>\n',
);
const ROBOTS = utf8.encode('User-agent: *\n');
const LOGO = new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 7919) % 251));

let build: CanisterBuild;
let server: PocketIcServer;
let pic: PocketIc;
let site: string;

before(async () => {
  if (!onDevnet) return;
  build = buildFrontend();
  ({ server, pic } = await startInstance());
  site = mkdtempSync(join(tmpdir(), 'frontend-site-'));
  mkdirSync(join(site, 'assets'));
  writeFileSync(join(site, 'index.html'), INDEX_HTML);
  writeFileSync(join(site, 'assets', 'index-Bx7Qp2Lm.js'), APP_JS);
  writeFileSync(join(site, 'robots.txt'), ROBOTS);
  writeFileSync(join(site, 'logo.png'), LOGO);
});
after(async () => {
  await stopInstance({ server, pic });
  if (site) rmSync(site, { recursive: true, force: true });
});

describe('frontend canister Candid', { skip: !onDevnet }, () => {
  test('azle builds the frontend from the root dfx.json, and its Candid is the committed frontend.did', () => {
    assert.equal(build.wasmPath.endsWith('/.azle/frontend/frontend.wasm'), true);
    assert.equal(canonicalCandid(readFileSync(FRONTEND_DID_PATH, 'utf8')), canonicalCandid(build.candid));
  });
});

describe('frontend canister', { skip: !onDevnet }, () => {
  let actor: Actor<FrontendService>;
  let canisterId: Principal;
  let rootKey: Uint8Array;

  before(async () => {
    ({ actor, canisterId } = await pic.setupCanister<FrontendService>({
      idlFactory: frontendIdlFactory,
      wasm: build.wasm,
      sender: ADMIN.getPrincipal(),
      arg: frontendInitArg(IDL, { connect_src: CONNECT_SRC }),
    }));
    const subnetId = await pic.getCanisterSubnetId(canisterId);
    rootKey = new Uint8Array(await pic.getPubKey(subnetId!));
    actor.setIdentity(ADMIN);
    const report = await uploadAssets({ actor, dir: site, chunkSize: 4096 });
    assert.deepEqual(report.uploaded, ['/assets/index-Bx7Qp2Lm.js', '/index.html', '/logo.png', '/robots.txt']);
  });

  async function get(url: string, acceptEncoding?: string) {
    const headers: HeaderField[] = acceptEncoding === undefined ? [] : [['Accept-Encoding', acceptEncoding]];
    const request = { method: 'GET', url, headers, body: new Uint8Array(), certificate_version: [2] as [number] };
    const response = await actor.http_request(request);
    return { request, response: { status_code: response.status_code, headers: response.headers, body: new Uint8Array(response.body) } };
  }

  async function verify(exchange: Awaited<ReturnType<typeof get>>) {
    const nowNs = BigInt(await pic.getTime()) * 1_000_000n;
    return verifyRequestResponsePair(exchange.request, exchange.response, canisterId.toUint8Array(), nowNs, 300_000_000_000n, rootKey, 2);
  }

  /** The response's headers without the per-query IC-Certificate. */
  const withoutCertificate = (headers: HeaderField[]) => headers.filter(([name]) => name !== 'IC-Certificate');

  const assetHeaders = (contentType: string, cacheControl: string, encoding?: string): HeaderField[] => [
    ['Content-Type', contentType],
    ...(encoding ? ([['Content-Encoding', encoding]] as HeaderField[]) : []),
    ['Cache-Control', cacheControl],
    ['Vary', 'Accept-Encoding'],
    ...SECURITY_HEADERS,
    ['IC-CertificateExpression', EXPRESSION],
  ];

  test('the uploader keeps gzip and br only where smaller: the script gets both, the tiny robots.txt neither', () => {
    const byPath = new Map(prepareAssets(site).map((a) => [a.path, a.encodings.map((e) => e.encoding)]));
    assert.deepEqual(byPath.get('/assets/index-Bx7Qp2Lm.js'), ['identity', 'gzip', 'br']);
    assert.deepEqual(byPath.get('/robots.txt'), ['identity']);
  });

  test('a hashed script: each accepted encoding is served, certified, immutable, and decodes to the file', async () => {
    const url = '/assets/index-Bx7Qp2Lm.js';
    const cases: [string | undefined, string | undefined, (b: Uint8Array) => Uint8Array][] = [
      [undefined, undefined, (b) => b],
      ['gzip', 'gzip', (b) => new Uint8Array(gunzipSync(b))],
      ['gzip, deflate, br', 'br', (b) => new Uint8Array(brotliDecompressSync(b))],
      ['br;q=0, gzip', 'gzip', (b) => new Uint8Array(gunzipSync(b))],
    ];
    for (const [accept, served, decode] of cases) {
      const exchange = await get(url, accept);
      const info = await verify(exchange);
      assert.equal(info.verificationVersion, 2);
      assert.equal(info.response?.statusCode, 200);
      assert.deepEqual(
        withoutCertificate(exchange.response.headers),
        assetHeaders('text/javascript; charset=utf-8', 'public, max-age=31536000, immutable', served),
      );
      assert.equal(bytesToHex(sha256(decode(exchange.response.body))), bytesToHex(sha256(APP_JS)), `Accept-Encoding ${accept}`);
    }
  });

  test('/ and /index.html serve index.html with no-cache', async () => {
    for (const url of ['/', '/index.html']) {
      const exchange = await get(url);
      const info = await verify(exchange);
      assert.equal(info.response?.statusCode, 200);
      assert.deepEqual(exchange.response.body, INDEX_HTML);
      assert.deepEqual(withoutCertificate(exchange.response.headers), assetHeaders('text/html; charset=utf-8', 'no-cache'));
    }
  });

  test('app routes (no file extension) get the certified index.html fallback', async () => {
    for (const url of ['/send', '/history/42', '/settings/', '/overview?tab=btc']) {
      const exchange = await get(url);
      const info = await verify(exchange);
      assert.equal(info.response?.statusCode, 200, url);
      assert.deepEqual(exchange.response.body, INDEX_HTML, url);
    }
  });

  test('a missing file gets the certified 404', async () => {
    for (const url of ['/missing.js', '/assets/gone-12345678.css', '/%E2%82%AC.png']) {
      const exchange = await get(url);
      const info = await verify(exchange);
      assert.equal(info.response?.statusCode, 404, url);
      assert.equal(new TextDecoder().decode(exchange.response.body), '404 Not Found\n');
      assert.deepEqual(withoutCertificate(exchange.response.headers), [
        ['Content-Type', 'text/plain; charset=utf-8'],
        ['Cache-Control', 'no-store'],
        ...SECURITY_HEADERS,
        ['IC-CertificateExpression', EXPRESSION],
      ]);
    }
  });

  test('a path that is not UTF-8 once percent-decoded gets the 404 page, not a trap', async () => {
    const exchange = await get('/%E2%82');
    assert.equal(exchange.response.status_code, 404);
    assert.equal(new TextDecoder().decode(exchange.response.body), '404 Not Found\n');
  });

  test('a file no compression shrinks is served as identity even to a client accepting br', async () => {
    const exchange = await get('/robots.txt', 'br, gzip');
    await verify(exchange);
    assert.deepEqual(exchange.response.body, ROBOTS);
    assert.equal(
      exchange.response.headers.find(([n]) => n === 'Content-Encoding'),
      undefined,
    );
  });

  test('a tampered body, status or header is refused by the verifier', async () => {
    const exchange = await get('/assets/index-Bx7Qp2Lm.js');
    const tampered = (response: typeof exchange.response) => verify({ ...exchange, response });
    const body = exchange.response.body.slice();
    body[0] ^= 1;
    for (const response of [
      { ...exchange.response, body },
      { ...exchange.response, status_code: 203 },
      {
        ...exchange.response,
        headers: exchange.response.headers.map(([n, v]): HeaderField => (n === 'Content-Security-Policy' ? [n, 'default-src *'] : [n, v])),
      },
    ]) {
      await assert.rejects(tampered(response), (error: any) => {
        assert.equal(error.code, ResponseVerificationErrorCode.InvalidRequestAndResponseHashes, error.message);
        return true;
      });
    }
  });

  test('uploads by anyone but a controller are refused with typed errors', async () => {
    const chunk = { path: '/evil.js', encoding: 'identity', index: 0, content: utf8.encode('alert(1)') };
    const commit = {
      path: '/evil.js',
      content_type: 'text/javascript',
      encodings: [{ encoding: 'identity', chunk_count: 1, sha256: sha256(chunk.content) }],
    };
    actor.setIdentity(STRANGER);
    // Principals compared as text: the reply's Principal class is the decoder's, not @icp-sdk/core's.
    const callerOf = (reply: any) => reply?.Err?.NotController?.caller?.toText();
    assert.equal(callerOf(await actor.upload_chunk(chunk)), STRANGER.getPrincipal().toText());
    assert.equal(callerOf(await actor.commit_asset(commit)), STRANGER.getPrincipal().toText());
    assert.equal(callerOf(await actor.delete_asset({ path: '/index.html' })), STRANGER.getPrincipal().toText());
    actor.setPrincipal(Principal.anonymous());
    assert.deepEqual(await actor.upload_chunk(chunk), { Err: { AnonymousCaller: null } });
    assert.deepEqual(await actor.commit_asset(commit), { Err: { AnonymousCaller: null } });
    actor.setIdentity(ADMIN);
    assert.equal((await get('/evil.js')).response.status_code, 404);
  });

  test('commit refuses a wrong SHA-256, a missing chunk and a bad path', async () => {
    actor.setIdentity(ADMIN);
    const content = utf8.encode('x');
    assert.deepEqual(await actor.upload_chunk({ path: '/x.txt', encoding: 'identity', index: 0, content }), { Ok: null });
    const wrong = new Uint8Array(32);
    assert.deepEqual(
      await actor.commit_asset({
        path: '/x.txt',
        content_type: 'text/plain',
        encodings: [{ encoding: 'identity', chunk_count: 1, sha256: wrong }],
      }),
      { Err: { HashMismatch: { encoding: 'identity', expected: wrong, actual: sha256(content) } } },
    );
    assert.deepEqual(
      await actor.commit_asset({
        path: '/x.txt',
        content_type: 'text/plain',
        encodings: [{ encoding: 'identity', chunk_count: 2, sha256: sha256(content) }],
      }),
      { Err: { MissingChunk: { encoding: 'identity', index: 1 } } },
    );
    // Chunks sent out of order are hashed at commit, within a cap: 1.4 MB is refused before hashing.
    const half = new Uint8Array(700_000).fill(1);
    assert.deepEqual(await actor.upload_chunk({ path: '/big.bin', encoding: 'identity', index: 1, content: half }), { Ok: null });
    assert.deepEqual(await actor.upload_chunk({ path: '/big.bin', encoding: 'identity', index: 0, content: half }), { Ok: null });
    assert.deepEqual(
      await actor.commit_asset({
        path: '/big.bin',
        content_type: 'application/octet-stream',
        encodings: [{ encoding: 'identity', chunk_count: 2, sha256: new Uint8Array(32) }],
      }),
      { Err: { CommitTooLarge: { max_bytes: 1_200_000n, bytes: 1_400_000n } } },
    );
    assert.deepEqual(await actor.upload_chunk({ path: 'x.txt', encoding: 'identity', index: 0, content }), {
      Err: { InvalidPath: { path: 'x.txt', reason: 'must start with "/"' } },
    });
    assert.deepEqual(await actor.upload_chunk({ path: '/x.txt', encoding: 'deflate', index: 0, content }), {
      Err: { UnsupportedEncoding: { encoding: 'deflate' } },
    });
  });

  test('a commit drops what is still staged for its path (a chunk past its count)', async () => {
    actor.setIdentity(ADMIN);
    const [a, b] = [utf8.encode('a'), utf8.encode('b')];
    const stage = (index: number, content: Uint8Array) => actor.upload_chunk({ path: '/y.txt', encoding: 'identity', index, content });
    const commit = (chunk_count: number, content: Uint8Array) =>
      actor.commit_asset({
        path: '/y.txt',
        content_type: 'text/plain',
        encodings: [{ encoding: 'identity', chunk_count, sha256: sha256(content) }],
      });
    assert.deepEqual(await stage(0, a), { Ok: null });
    assert.deepEqual(await stage(1, b), { Ok: null });
    assert.deepEqual(await commit(1, a), { Ok: null });
    assert.deepEqual(await stage(0, a), { Ok: null });
    assert.deepEqual(await commit(2, utf8.encode('ab')), { Err: { MissingChunk: { encoding: 'identity', index: 1 } } });
    assert.deepEqual(await actor.delete_asset({ path: '/y.txt' }), { Ok: null });
  });

  test('chunks sent in order are hashed as they arrive, so a 1.4 MB asset commits and is served certified', async () => {
    actor.setIdentity(ADMIN);
    const content = new Uint8Array(1_400_000).map((_, i) => (i * 31) & 0xff);
    const report = await uploadAssets({
      actor,
      assets: [
        {
          path: '/large.bin',
          contentType: 'application/octet-stream',
          encodings: [{ encoding: 'identity', content, sha256: sha256(content) }],
        },
      ],
      chunkSize: 700_000,
    });
    assert.deepEqual(report, { uploaded: ['/large.bin'], skipped: [], deleted: [], calls: 3 });
    const exchange = await get('/large.bin');
    await verify(exchange);
    assert.equal(bytesToHex(sha256(exchange.response.body)), bytesToHex(sha256(content)));
    assert.deepEqual(await actor.delete_asset({ path: '/large.bin' }), { Ok: null });
  });

  test('a stored path with "%" is served for its percent-encoded request path', async () => {
    const content = utf8.encode('100 percent');
    await uploadAssets({
      actor,
      assets: [
        {
          path: '/100%.txt',
          contentType: 'text/plain; charset=utf-8',
          encodings: [{ encoding: 'identity', content, sha256: sha256(content) }],
        },
      ],
    });
    const exchange = await get('/100%25.txt');
    const info = await verify(exchange);
    assert.equal(info.response?.statusCode, 200);
    assert.deepEqual(exchange.response.body, content);
    assert.deepEqual(await actor.delete_asset({ path: '/100%.txt' }), { Ok: null });
  });

  test('an upgrade keeps the assets, and they are still served certified', async () => {
    const listed = await actor.list_assets();
    await pic.upgradeCanister({ canisterId, wasm: build.wasm, sender: ADMIN.getPrincipal() });
    assert.deepEqual(await actor.list_assets(), listed);
    const exchange = await get('/assets/index-Bx7Qp2Lm.js', 'gzip');
    await verify(exchange);
    assert.deepEqual(new Uint8Array(gunzipSync(exchange.response.body)), APP_JS);
    // Uploading the same directory again changes nothing.
    const report = await uploadAssets({ actor, dir: site, chunkSize: 4096 });
    assert.deepEqual(report.uploaded, []);
    assert.equal(report.skipped.length, 4);
  });

  test('an upgrade with a new configuration changes the CSP of every response, still certified', async () => {
    await pic.upgradeCanister({
      canisterId,
      wasm: build.wasm,
      sender: ADMIN.getPrincipal(),
      arg: frontendInitArg(IDL, { connect_src: ['https://icp-api.io'] }),
    });
    for (const url of ['/index.html', '/missing.js']) {
      const exchange = await get(url);
      await verify(exchange);
      assert.equal(
        exchange.response.headers.find(([name]) => name === 'Content-Security-Policy')?.[1],
        CSP.replace('http://localhost:4943', 'https://icp-api.io'),
      );
    }
  });

  test('a deleted asset is a certified 404 afterwards', async () => {
    assert.deepEqual(await actor.delete_asset({ path: '/logo.png' }), { Ok: null });
    const exchange = await get('/logo.png');
    await verify(exchange);
    assert.equal(exchange.response.status_code, 404);
    assert.deepEqual(await actor.delete_asset({ path: '/logo.png' }), { Err: { NotFound: { path: '/logo.png' } } });
  });
});

describe('frontend canister install', { skip: !onDevnet }, () => {
  test('a connect_src entry that is not a CSP host source refuses the install', async () => {
    await assert.rejects(
      pic.setupCanister<FrontendService>({
        idlFactory: frontendIdlFactory,
        wasm: build.wasm,
        sender: ADMIN.getPrincipal(),
        arg: frontendInitArg(IDL, { connect_src: ["https://a.example 'unsafe-inline'"] }),
      }),
      /frontend: connect_src entry \\?"https:\/\/a\.example 'unsafe-inline'\\?" is not a CSP host source/,
    );
  });
});
