/**
 * The devnet as a PocketIC server binary: its command line, port file, TTL, and REST errors.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PocketIc, PocketIcServer } from '@dfinity/pic';
import { gzipSync } from 'node:zlib';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { DevnetServer } from '../../devnet/src/server/server.ts';
import { DEVNET_BIN } from '../support/pic.ts';
import { ROOT } from '../fixtures/build.ts';

async function waitFor<T>(f: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('devnet/bin/pocket-ic', () => {
  test('PocketIcServer.start() starts it through POCKET_IC_BIN and PocketIc talks to it', async () => {
    const server = await PocketIcServer.start({ binPath: DEVNET_BIN });
    const pic = await PocketIc.create(server.getUrl());
    const id = await pic.createCanister();
    assert.match(id.toText(), /-cai$/);
    await pic.tearDown();
    await server.stop();
  });

  test('runs on the project Node even from a shell whose node is older', () => {
    const r = spawnSync(DEVNET_BIN, ['--version'], { env: { ...process.env, PATH: '/usr/bin:/bin' }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'pocket-ic-server 10.0.0 (devnet)\n');
  });

  test('writes the port file, answers on it, and exits after the TTL without clients', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-'));
    const portFile = join(dir, 'port');
    const started = Date.now();
    const child = spawn(DEVNET_BIN, ['--port-file', portFile, '--ttl', '2'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await waitFor(() => {
      const text = existsSync(portFile) ? readFileSync(portFile, 'utf8') : '';
      return text.endsWith('\n') ? Number(text.trim()) : undefined;
    }, 10_000);
    const firstReply = Date.now();
    const res = await fetch(`http://127.0.0.1:${port}/status`);
    assert.equal(res.status, 200);
    assert.ok(firstReply - started < 5_000);
    assert.equal(await exited, 0);
    assert.ok(Date.now() - firstReply >= 2_000, 'stayed up for the TTL');
    assert.equal(existsSync(portFile), false, 'removes its port file on exit');
  });

  test('a second server given a live port file reuses the first one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'devnet-'));
    const portFile = join(dir, 'port');
    const first = spawn(DEVNET_BIN, ['--port-file', portFile, '--ttl', '30'], { stdio: 'ignore' });
    try {
      const port = await waitFor(
        () => (existsSync(portFile) && readFileSync(portFile, 'utf8').endsWith('\n') ? readFileSync(portFile, 'utf8') : undefined),
        10_000,
      );
      const second = spawnSync(DEVNET_BIN, ['--port-file', portFile], { encoding: 'utf8' });
      assert.equal(second.status, 0);
      assert.equal(readFileSync(portFile, 'utf8'), port);
    } finally {
      first.kill();
    }
  });

  test('bad command lines are refused with a message', () => {
    const r = spawnSync(DEVNET_BIN, ['--ttl', 'soon'], { encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'pocket-ic (devnet): --ttl expects a non-negative integer, got soon\n');
    const r2 = spawnSync(DEVNET_BIN, ['--ip-addr', '0.0.0.0'], { encoding: 'utf8' });
    assert.equal(r2.status, 2);
    assert.match(r2.stderr, /binds to loopback only/);
  });
});

describe('REST errors', () => {
  test('malformed requests get a JSON error and the server keeps serving', async () => {
    const server = await PocketIcServer.start({ binPath: DEVNET_BIN });
    const url = server.getUrl();
    try {
      const bad = await fetch(`${url}/instances`, { method: 'POST', body: '{not json' });
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { message: string }).message, /Malformed JSON body/);
      const missing = await fetch(`${url}/instances/999/read/get_time`);
      assert.equal(missing.status, 404);
      assert.deepEqual(await missing.json(), { message: 'Instance 999 not found' });
      const route = await fetch(`${url}/nowhere`);
      assert.equal(route.status, 404);
      const pic = await PocketIc.create(url);
      const id = await pic.createCanister();
      assert.ok(id);
      await pic.tearDown();
    } finally {
      await server.stop();
    }
  });
});

describe('server hardening', () => {
  test('oversized bodies (as sent and once decompressed) are refused with 413, and the server keeps serving', async () => {
    const server = new DevnetServer({ caps: { maxBodyBytes: 1024, maxBlobStoreBytes: 4096 } });
    const url = `http://127.0.0.1:${await server.listen({ port: 0 })}`;
    try {
      const big = await fetch(`${url}/blobstore`, { method: 'POST', body: new Uint8Array(1025) });
      assert.equal(big.status, 413);
      assert.deepEqual(await big.json(), { message: "Request body exceeds the devnet's limit of 1024 bytes" });
      const bomb = await fetch(`${url}/blobstore`, {
        method: 'POST',
        headers: { 'content-encoding': 'gzip' },
        body: new Uint8Array(gzipSync(new Uint8Array(100_000))),
      });
      assert.equal(bomb.status, 413);
      const ok = await fetch(`${url}/blobstore`, { method: 'POST', body: new Uint8Array(1024) });
      assert.equal(ok.status, 200);
      assert.equal(await ok.text(), bytesToHex(sha256(new Uint8Array(1024))));
    } finally {
      await server.close();
    }
  });

  test('the blob store is capped and a blob is freed with the instance that used it', async () => {
    const server = new DevnetServer({ caps: { maxBlobStoreBytes: 3000 } });
    const url = `http://127.0.0.1:${await server.listen({ port: 0 })}`;
    try {
      const pic = await PocketIc.create(url);
      const canisterId = await pic.createCanister();
      await pic.setStableMemory(canisterId, new Uint8Array(2000).fill(1));
      assert.equal(server.blobStoreBytes, 2000);
      const full = await fetch(`${url}/blobstore`, { method: 'POST', body: new Uint8Array(1001) });
      assert.equal(full.status, 413);
      assert.match(((await full.json()) as { message: string }).message, /^The blob store is full \(2000 of 3000 bytes\)/);
      await pic.tearDown();
      assert.equal(server.blobStoreBytes, 0);
      assert.equal((await fetch(`${url}/blobstore`, { method: 'POST', body: new Uint8Array(1001) })).status, 200);
    } finally {
      await server.close();
    }
  });

  test('negative or fractional cycles and times are refused with 400 and a message', async () => {
    const server = new DevnetServer();
    const url = `http://127.0.0.1:${await server.listen({ port: 0 })}`;
    try {
      const pic = await PocketIc.create(url);
      const canisterId = await pic.createCanister();
      const post = (path: string, body: string) => fetch(`${url}/instances/0${path}`, { method: 'POST', body });
      const id = JSON.stringify(Buffer.from(canisterId.toUint8Array()).toString('base64'));
      for (const [path, body, message] of [
        ['/update/add_cycles', `{"canister_id":${id},"amount":-5}`, 'amount: expected a non-negative integer, got -5'],
        ['/update/add_cycles', `{"canister_id":${id},"amount":1.5}`, 'amount: expected a non-negative integer, got 1.5'],
        ['/update/set_time', '{"nanos_since_epoch":-1}', 'nanos_since_epoch: expected a non-negative integer, got -1'],
        ['/update/set_certified_time', '{"nanos_since_epoch":"soon"}', 'nanos_since_epoch: expected a non-negative integer, got "soon"'],
        ['/update/submit_ingress_message', '', 'sender: expected base64 text'],
      ] as const) {
        const res = await post(path, body);
        assert.equal(res.status, 400, path);
        assert.deepEqual(await res.json(), { message }, path);
      }
      assert.equal(await pic.getCyclesBalance(canisterId), 1_000_000_000_000_000_000n);
      await pic.tearDown();
    } finally {
      await server.close();
    }
  });

  test('JSON is parsed exactly: a method name with digits goes through, and integers beyond 2^53 keep every digit', async () => {
    const server = new DevnetServer();
    const url = `http://127.0.0.1:${await server.listen({ port: 0 })}`;
    try {
      const pic = await PocketIc.create(url);
      const canisterId = await pic.createCanister();
      const id = JSON.stringify(Buffer.from(canisterId.toUint8Array()).toString('base64'));
      const added = await fetch(`${url}/instances/0/update/add_cycles`, {
        method: 'POST',
        body: `{"canister_id":${id},"amount":18446744073709551617}`,
      });
      assert.equal(await added.text(), `{"cycles":${10n ** 18n + 18446744073709551617n}}`);
      // The body's string holds ",1234567890123456789,": it is read as the JSON it is, and the
      // message reaches the canister, which has no code.
      const submitted = await fetch(`${url}/instances/0/update/submit_ingress_message`, {
        method: 'POST',
        body: JSON.stringify({
          sender: 'BA==',
          canister_id: JSON.parse(id),
          method: 'm,1234567890123456789,x',
          payload: '',
          effective_principal: 'None',
        }),
      });
      assert.equal(submitted.status, 200);
      const { Ok } = (await submitted.json()) as { Ok: { message_id: number[] } };
      const awaited = await fetch(`${url}/instances/0/update/await_ingress_message`, {
        method: 'POST',
        body: JSON.stringify({ message_id: Ok.message_id, effective_principal: 'None' }),
      });
      assert.match(await awaited.text(), /contains no Wasm module/);
      await pic.tearDown();
    } finally {
      await server.close();
    }
  });
});

describe('the same test file runs against any PocketIC binary named by POCKET_IC_BIN', () => {
  test('a wrapper binary given as POCKET_IC_BIN is the one the suite starts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pic-bin-'));
    const log = join(dir, 'started');
    const wrapper = join(dir, 'pocket-ic');
    // Stands in for a real PocketIC binary: records that it was started, then serves.
    writeFileSync(wrapper, `#!/usr/bin/env bash\necho "$@" >> ${JSON.stringify(log)}\nexec ${JSON.stringify(DEVNET_BIN)} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const r = spawnSync(process.execPath, ['--test', join(ROOT, 'test', 'devnet', 'server.smoke.ts')], {
      // NODE_TEST_CONTEXT would make the nested runner report to this one instead of running.
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')), POCKET_IC_BIN: wrapper },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(readFileSync(log, 'utf8'), /--port-file .*pocket_ic_\d+\.port/);
  });
});
