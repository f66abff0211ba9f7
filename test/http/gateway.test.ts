/**
 * The devnet's HTTP gateway (what `pic.makeLive()` returns the port of), on the http-probe canister
 * whose responses are certified with src/lib/certification: certified pages are served, an
 * uncertified or tampered one is refused as the IC's gateways refuse it, bodies stream through the
 * callback, Content-Encoding is kept or decoded per Accept-Encoding, and `upgrade` goes through
 * http_request_update. Requests are made with node:http so the Host header can name
 * `<canister-id>.localhost`, as a browser sends it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { PocketIc, SubnetStateType, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { httpProbe } from '../fixtures/build.ts';
import { startServer } from '../support/pic.ts';

interface Asset {
  path: string;
  body: Uint8Array;
  content_type: string;
  content_encoding: [] | [string];
  certified: boolean;
}
interface HttpProbe {
  put(asset: Asset): Promise<null>;
  tamper(path: string, body: Uint8Array): Promise<null>;
}
const idl: IDL.InterfaceFactory = ({ IDL }) =>
  IDL.Service({
    put: IDL.Func(
      [
        IDL.Record({
          path: IDL.Text,
          body: IDL.Vec(IDL.Nat8),
          content_type: IDL.Text,
          content_encoding: IDL.Opt(IDL.Text),
          certified: IDL.Bool,
        }),
      ],
      [IDL.Null],
      [],
    ),
    tamper: IDL.Func([IDL.Text, IDL.Vec(IDL.Nat8)], [IDL.Null], []),
  });
const Mode = IDL.Variant({ v1: IDL.Null, v2: IDL.Null });
const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(IDL.Tuple(IDL.Text, IDL.Text)),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});
// The fields the test reads; the callback's token type is the asset canister's.
const Token = IDL.Record({ key: IDL.Text, content_encoding: IDL.Text, index: IDL.Nat, sha256: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const HttpResponseHead = IDL.Record({
  body: IDL.Vec(IDL.Nat8),
  streaming_strategy: IDL.Opt(
    IDL.Variant({
      Callback: IDL.Record({
        callback: IDL.Func([Token], [IDL.Record({ body: IDL.Vec(IDL.Nat8), token: IDL.Opt(Token) })], ['query']),
        token: Token,
      }),
    }),
  ),
});

let server: PocketIcServer;
let pic: PocketIc;
let port: number;
const canisters: Record<
  'v1' | 'v2',
  { id: Principal; put: (a: Partial<Asset> & { path: string; body: Uint8Array }) => Promise<null>; tamper: HttpProbe['tamper'] }
> = {} as never;

const utf8 = (s: string) => new TextEncoder().encode(s);

before(async () => {
  const fixture = httpProbe();
  server = await startServer();
  pic = await PocketIc.create(server.getUrl(), {
    nns: { state: { type: SubnetStateType.New } },
    application: [{ state: { type: SubnetStateType.New } }],
  });
  for (const mode of ['v1', 'v2'] as const) {
    const { actor, canisterId } = await pic.setupCanister<HttpProbe>({
      idlFactory: idl,
      wasm: fixture.wasmPath,
      arg: new Uint8Array(IDL.encode([Mode], [{ [mode]: null }])),
    });
    canisters[mode] = {
      id: canisterId,
      put: (a) => actor.put({ content_type: 'text/html', content_encoding: [], certified: true, ...a }),
      tamper: (p, b) => actor.tamper(p, b),
    };
    await canisters[mode].put({ path: '/', body: utf8(`<h1>certified ${mode}</h1>`) });
    await canisters[mode].put({ path: '/plain', body: utf8('no certificate here'), certified: false });
    await canisters[mode].put({ path: '/tampered', body: utf8('the certified body') });
    await canisters[mode].tamper('/tampered', utf8('a different body'));
  }
  port = await pic.makeLive();
});

after(async () => {
  await pic?.stopLive();
  await pic?.tearDown();
  await server?.stop();
});

function get(args: {
  path: string;
  host: string;
  headers?: Record<string, string>;
}): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path: args.path, method: 'GET', headers: { host: args.host, ...args.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers as Record<string, string>,
            body: new Uint8Array(Buffer.concat(chunks)),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const hostOf = (mode: 'v1' | 'v2') => `${canisters[mode].id.toText()}.localhost:${port}`;

for (const mode of ['v1', 'v2'] as const) {
  describe(`certification ${mode}`, () => {
    test('a certified page is served from <canister-id>.localhost', async () => {
      const res = await get({ path: '/', host: hostOf(mode) });
      assert.equal(res.status, 200);
      assert.equal(text(res.body), `<h1>certified ${mode}</h1>`);
      assert.equal(res.headers['content-type'], 'text/html');
      assert.match(res.headers['ic-certificate'], mode === 'v2' ? /version=2/ : /^certificate=:[^:]+:, tree=:[^:]+:$/);
    });

    test('the same page through ?canisterId= on 127.0.0.1', async () => {
      const res = await get({ path: `/?canisterId=${canisters[mode].id.toText()}`, host: `127.0.0.1:${port}` });
      assert.equal(res.status, 200);
      assert.equal(text(res.body), `<h1>certified ${mode}</h1>`);
    });

    test('an uncertified response is refused with 503', async () => {
      const res = await get({ path: '/plain', host: hostOf(mode) });
      assert.equal(res.status, 503);
      assert.equal(text(res.body), 'Response verification failed: Certification values not found\n');
    });

    test('a tampered response (body differs from the certified one) is refused with 503', async () => {
      const res = await get({ path: '/tampered', host: hostOf(mode) });
      assert.equal(res.status, 503);
      const reason =
        mode === 'v1'
          ? 'Invalid response body'
          : 'The hash of the request and response was not found in the tree at the expression path provided by the "IC-Certificate" response header (["http_expr", "tampered", "<$>"])';
      assert.equal(text(res.body), `Response verification failed: ${reason}\n`);
    });
  });
}

describe('bodies and encodings', () => {
  test('a 1 MiB body, which the canister streams in 256 KiB chunks, is served whole, as certified', async () => {
    const body = new Uint8Array(1024 * 1024).map((_, i) => (i * 31 + 7) & 0xff);
    await canisters.v2.put({ path: '/big.bin', body, content_type: 'application/octet-stream' });
    const direct = await pic.queryCall({
      canisterId: canisters.v2.id,
      method: 'http_request',
      arg: new Uint8Array(
        IDL.encode([HttpRequest], [{ method: 'GET', url: '/big.bin', headers: [], body: new Uint8Array(), certificate_version: [2] }]),
      ),
    });
    const first = IDL.decode([HttpResponseHead], direct)[0] as unknown as { body: Uint8Array; streaming_strategy: [] | [unknown] };
    assert.equal(first.body.length, 256 * 1024, 'the first chunk');
    assert.equal(first.streaming_strategy.length, 1, 'with a streaming callback for the rest');
    const res = await get({ path: '/big.bin', host: hostOf('v2') });
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 1024 * 1024);
    assert.equal(bytesToHex(sha256(res.body)), bytesToHex(sha256(body)));
  });

  test('a gzip body is passed through to a client accepting gzip, and decoded for one that does not', async () => {
    const page = 'hello, compressed world '.repeat(50);
    const gz = new Uint8Array(gzipSync(utf8(page)));
    await canisters.v2.put({ path: '/page.html', body: gz, content_encoding: ['gzip'] });
    const accepting = await get({ path: '/page.html', host: hostOf('v2'), headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(accepting.status, 200);
    assert.equal(accepting.headers['content-encoding'], 'gzip');
    assert.equal(bytesToHex(accepting.body), bytesToHex(gz));
    const plain = await get({ path: '/page.html', host: hostOf('v2'), headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(text(plain.body), page);
  });

  test('upgrade = true makes the gateway call http_request_update, which changes the canister state', async () => {
    const first = await get({ path: '/update', host: hostOf('v2') });
    const second = await get({ path: '/update', host: hostOf('v2') });
    assert.equal(first.status, 200);
    assert.equal(text(first.body), 'GET /update updated 1');
    assert.equal(text(second.body), 'GET /update updated 2');
  });

  test('a host that is not a loopback name is refused (DNS rebinding)', async () => {
    const res = await get({ path: `/?canisterId=${canisters.v2.id.toText()}`, host: `evil.example:${port}` });
    assert.equal(res.status, 403);
  });

  test('a request naming no canister gets 400', async () => {
    const res = await get({ path: '/', host: `localhost:${port}` });
    assert.equal(res.status, 400);
    assert.match(text(res.body), /Could not find a canister id to forward to/);
  });
});
