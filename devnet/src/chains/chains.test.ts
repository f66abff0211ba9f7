import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startLocalChains } from './index.ts';

async function post(url: string, method: string): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: [] }),
  });
  return ((await response.json()) as { result: unknown }).result;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('startLocalChains serves both chains on loopback and stop() ends them', async () => {
  const chains = await startLocalChains();
  const pid = chains.evm.pid;
  try {
    assert.match(chains.evm.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(chains.solana.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(await post(chains.evm.url, 'eth_chainId'), '0x7a69');
    assert.equal(await post(chains.solana.url, 'getHealth'), 'ok');
  } finally {
    await chains.stop();
  }
  assert.equal(processAlive(pid), false);
  await assert.rejects(post(chains.solana.url, 'getHealth'));
  await assert.rejects(post(chains.evm.url, 'eth_chainId'));
});

test('startLocalChains stops the chain that started when the other cannot', async () => {
  const listening = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPServerWrap').length;
  const before = listening();
  await assert.rejects(startLocalChains({ evm: { chainId: -1 } }), /"chainId" expected a positive safe integer, got -1/);
  // The Solana server that did start is closed again (libuv drops the handle a moment after close).
  for (let attempt = 0; attempt < 50 && listening() !== before; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(listening(), before);
});
