/**
 * A web page the user visits must not drive the devnet: the PocketIC REST routes and the devnet
 * admin routes refuse a foreign Origin (simple-request CSRF) and a Host that is not loopback (DNS
 * rebinding), while Node clients (PicJS, no Origin) keep working. The IC HTTP interface stays open
 * to every origin, as the IC's is.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { startInstance, stopInstance } from '../support/pic.ts';

let server: PocketIcServer;
let pic: PocketIc;
let gatewayPort: number;

before(async () => {
  ({ server, pic } = await startInstance());
  gatewayPort = await pic.makeLive();
});

after(async () => {
  await pic?.stopLive();
  await stopInstance({ server, pic });
});

function send(args: { port: number; method: string; path: string; headers: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: args.port, method: args.method, path: args.path, headers: args.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(args.body);
  });
}
const port = () => Number(new URL(server.getUrl()).port);

describe('PocketIC REST and devnet admin routes', () => {
  test('a POST from a foreign Origin is refused with 403 and creates nothing', async () => {
    const before = await send({ port: port(), method: 'GET', path: '/instances', headers: { host: `127.0.0.1:${port()}` } });
    const res = await send({
      port: port(),
      method: 'POST',
      path: '/instances',
      headers: { host: `127.0.0.1:${port()}`, origin: 'https://evil.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ subnet_config_set: { application: [{ state_config: 'New', instruction_config: 'Production' }] } }),
    });
    assert.equal(res.status, 403);
    assert.equal(
      JSON.parse(res.body).message,
      `Origin "https://evil.example" may not use the devnet's admin interface (cross-origin requests from web pages are refused)`,
    );
    const afterList = await send({ port: port(), method: 'GET', path: '/instances', headers: { host: `127.0.0.1:${port()}` } });
    assert.equal(afterList.body, before.body);
  });

  test('the Bitcoin admin route (mine) from a foreign Origin is refused', async () => {
    const res = await send({
      port: port(),
      method: 'POST',
      path: '/instances/0/devnet/bitcoin/mine',
      headers: { host: `localhost:${port()}`, origin: 'http://localhost:3000' },
      body: '{"blocks":1}',
    });
    assert.equal(res.status, 403);
  });

  test('a Host that is not loopback (a rebound DNS name) is refused', async () => {
    const res = await send({ port: port(), method: 'GET', path: '/instances', headers: { host: `attacker.example:${port()}` } });
    assert.equal(res.status, 403);
    assert.match(JSON.parse(res.body).message, /^Host "attacker\.example:\d+" is not a loopback address/);
  });

  test('the devnet own origin and Node clients without Origin are served', async () => {
    const own = await send({
      port: port(),
      method: 'GET',
      path: '/instances',
      headers: { host: `127.0.0.1:${port()}`, origin: `http://127.0.0.1:${port()}` },
    });
    assert.equal(own.status, 200);
    assert.deepEqual(JSON.parse(own.body), ['Available']);
    assert.equal((await pic.getTopology()).length, 1, 'PicJS (Node, no Origin) works');
  });
});

describe('IC HTTP interface CORS', () => {
  test('a preflight from any origin is allowed, and replies carry access-control-allow-origin *', async () => {
    const pre = await send({
      port: gatewayPort,
      method: 'OPTIONS',
      path: '/api/v2/status',
      headers: { host: `127.0.0.1:${gatewayPort}`, origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], '*');
    assert.equal(pre.headers['access-control-allow-methods'], 'GET, POST, HEAD, OPTIONS');
    const status = await send({
      port: gatewayPort,
      method: 'GET',
      path: '/api/v2/status',
      headers: { host: `127.0.0.1:${gatewayPort}`, origin: 'https://app.example' },
    });
    assert.equal(status.status, 200);
    assert.equal(status.headers['access-control-allow-origin'], '*');
  });
});
