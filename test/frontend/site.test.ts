/**
 * The frontend canister's serving logic (canisters/frontend/src/site.ts) in Node, without the
 * devnet: Accept-Encoding parsing, the hashed-asset rule behind the cache lifetimes, which
 * response a request gets, and every planned response verified by @dfinity/response-verification
 * with a certificate from the devnet's certifier over the Site's root hash.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sha256 } from '@noble/hashes/sha2.js';
import { Principal } from '@icp-sdk/core/principal';
import { verifyRequestResponsePair } from '@dfinity/response-verification';
import { Certifier } from '../../devnet/src/ic/certification.ts';
import {
  acceptedEncodings,
  isHashedAsset,
  NOT_FOUND_BODY,
  Site,
  type AssetMetadata,
  type Encoding,
} from '../../canisters/frontend/src/site.ts';

describe('acceptedEncodings', () => {
  const cases: [string | undefined, Encoding[]][] = [
    [undefined, ['identity']],
    ['gzip', ['identity', 'gzip']],
    ['gzip, deflate, br, zstd', ['identity', 'gzip', 'br']],
    ['br;q=0, gzip;q=0.5', ['identity', 'gzip']],
    ['BR', ['identity', 'br']],
    ['*', ['identity', 'br', 'gzip']],
    ['gzip;q=0.000', ['identity']],
  ];
  for (const [header, expected] of cases) {
    test(`Accept-Encoding: ${header ?? '(none)'}`, () => {
      const accepted = acceptedEncodings(header === undefined ? [] : [['accept-encoding', header]]);
      assert.deepEqual([...accepted].sort(), [...expected].sort());
    });
  }
});

test('isHashedAsset: Vite-style assets/name-hash.ext only', () => {
  assert.equal(isHashedAsset('/assets/index-Bx7Qp2Lm.js'), true);
  assert.equal(isHashedAsset('/assets/fonts/inter-Q_wE-12345.woff2'), true);
  assert.equal(isHashedAsset('/index.html'), false);
  assert.equal(isHashedAsset('/assets/logo.svg'), false);
  assert.equal(isHashedAsset('/logo-Bx7Qp2Lm.js'), false);
  assert.equal(isHashedAsset('/assets/index-short.js'), false);
});

const utf8 = new TextEncoder();
const bodies = new Map<string, Uint8Array>([
  ['/index.html identity', utf8.encode('<!doctype html>')],
  ['/assets/app-Bx7Qp2Lm.js identity', utf8.encode('x'.repeat(100))],
  ['/assets/app-Bx7Qp2Lm.js gzip', utf8.encode('g'.repeat(30))],
  ['/assets/app-Bx7Qp2Lm.js br', utf8.encode('b'.repeat(25))],
  // A "compressed" encoding larger than identity is stored but never served.
  ['/a.txt identity', utf8.encode('tiny')],
  ['/a.txt gzip', utf8.encode('bigger than tiny')],
]);
function asset(path: string, contentType: string): AssetMetadata {
  const encodings = [...bodies.keys()]
    .filter((key) => key.startsWith(`${path} `))
    .map((key) => {
      const body = bodies.get(key)!;
      return { encoding: key.split(' ')[1] as Encoding, length: body.length, sha256: sha256(body) };
    });
  return { path, contentType, encodings };
}

describe('Site: planned responses pass @dfinity/response-verification', () => {
  const site = new Site({ connectSrc: ['https://icp-api.io'] });
  site.put(asset('/index.html', 'text/html'));
  site.put(asset('/assets/app-Bx7Qp2Lm.js', 'text/javascript'));
  site.put(asset('/a.txt', 'text/plain'));
  const canister = Principal.fromText('bkyz2-fmaaa-aaaaa-qaaaq-cai');
  const certifier = new Certifier(new Uint8Array(48).fill(3));
  const now = 1_764_547_200_000_000_000n;
  const certificate = certifier.dataCertificate({ canisterId: canister, certifiedData: site.rootHash(), timeNs: now });

  const cases: [string, string | undefined, number, string][] = [
    ['/assets/app-Bx7Qp2Lm.js', undefined, 200, '/assets/app-Bx7Qp2Lm.js identity'],
    ['/assets/app-Bx7Qp2Lm.js', 'gzip', 200, '/assets/app-Bx7Qp2Lm.js gzip'],
    ['/assets/app-Bx7Qp2Lm.js', 'gzip, br', 200, '/assets/app-Bx7Qp2Lm.js br'],
    ['/a.txt', 'gzip', 200, '/a.txt identity'],
    ['/', 'br', 200, '/index.html identity'],
    ['/wallet/eth', undefined, 200, '/index.html identity'],
    ['/nope.css', undefined, 404, 'not-found'],
    // Invalid escapes stay literal, as the verifier reads them; invalid UTF-8 cannot be verified at all.
    ['/%ZZ', undefined, 200, '/index.html identity'],
    ['/%E2%82', undefined, 404, 'not-found'],
  ];
  for (const [url, accept, status, served] of cases) {
    test(`${url} (Accept-Encoding ${accept ?? 'none'}) → ${status} ${served}`, () => {
      const headers: [string, string][] = accept === undefined ? [] : [['Accept-Encoding', accept]];
      const planned = site.plan({ url, headers });
      const body = planned.body.kind === 'asset' ? bodies.get(`${planned.body.path} ${planned.body.encoding}`)! : NOT_FOUND_BODY;
      assert.equal(planned.body.kind === 'asset' ? `${planned.body.path} ${planned.body.encoding}` : 'not-found', served);
      assert.equal(planned.statusCode, status);
      const response = {
        status_code: planned.statusCode,
        headers: [...planned.headers, site.certificateHeader({ planned, url, certificate })],
        body,
      };
      if (url === '/%E2%82') {
        // Not UTF-8 once decoded: the verifier cannot decode the path either, so no certificate can help.
        assert.throws(() =>
          verifyRequestResponsePair(
            { url, method: 'GET', headers, body: new Uint8Array(), certificate_version: [2] },
            response,
            canister.toUint8Array(),
            now,
            300_000_000_000n,
            certifier.rootKeyDer,
            2,
          ),
        );
        return;
      }
      const info = verifyRequestResponsePair(
        { url, method: 'GET', headers, body: new Uint8Array(), certificate_version: [2] },
        response,
        canister.toUint8Array(),
        now,
        300_000_000_000n,
        certifier.rootKeyDer,
        2,
      );
      assert.equal(info.response?.statusCode, status);
    });
  }

  test('removing an asset changes the root hash back to what it was without it', () => {
    const before = new Site({ connectSrc: ['https://icp-api.io'] });
    before.put(asset('/index.html', 'text/html'));
    before.put(asset('/assets/app-Bx7Qp2Lm.js', 'text/javascript'));
    const after = new Site({ connectSrc: ['https://icp-api.io'] });
    after.put(asset('/index.html', 'text/html'));
    after.put(asset('/assets/app-Bx7Qp2Lm.js', 'text/javascript'));
    after.put(asset('/a.txt', 'text/plain'));
    after.remove('/a.txt');
    assert.deepEqual(after.rootHash(), before.rootHash());
  });
});
