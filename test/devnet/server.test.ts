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
