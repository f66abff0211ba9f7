import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import { parseEther, parseGwei, parseTransaction, serializeTransaction, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';

import { EVM_ACCOUNT_BALANCE_WEI, EvmNodeError, startEvmNode, type EvmNode } from './index.ts';

// web3.js documentation's example key (web3.eth.accounts.privateKeyToAccount).
const FRESH_PRIVATE_KEY = '0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318';
const FRESH_ADDRESS = '0x2c7536E3605D9C16a7a3D7b1898e529396a65c23';
const RECIPIENT = '0x1111111111111111111111111111111111111111';
const FEES = { gas: 21_000n, maxFeePerGas: parseGwei('10'), maxPriorityFeePerGas: parseGwei('1') } as const;

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string };
}

async function rpc(node: EvmNode, method: string, params: unknown[]): Promise<RpcAnswer> {
  const response = await fetch(node.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const { result, error } = (await response.json()) as RpcAnswer & { data?: unknown };
  return error ? { error: { code: error.code, message: error.message } } : { result };
}

async function result(node: EvmNode, method: string, params: unknown[]): Promise<unknown> {
  const answer = await rpc(node, method, params);
  assert.equal(answer.error, undefined, `${method} failed: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

async function balance(node: EvmNode, address: string): Promise<bigint> {
  return BigInt((await result(node, 'eth_getBalance', [address, 'latest'])) as string);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('startEvmNode', () => {
  let evm: EvmNode;
  before(async () => {
    evm = await startEvmNode();
  });
  after(async () => {
    await evm?.stop();
  });

  test('serves the documented chain id and pre-funded accounts on 127.0.0.1', async () => {
    assert.match(evm.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(evm.chainId, 31337);
    assert.equal(evm.accounts.length, 10);
    // Hardhat's published account #0 and #9 for its test mnemonic.
    assert.deepEqual(evm.accounts[0], {
      address: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
      privateKey: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
    });
    assert.deepEqual(evm.accounts[9], {
      address: '0xa0Ee7A142d267C1f36714E4a8F75612F20a79720',
      privateKey: '0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6',
    });
    assert.equal(await result(evm, 'eth_chainId', []), '0x7a69');
    assert.equal(await balance(evm, evm.accounts[5].address), EVM_ACCOUNT_BALANCE_WEI);
    assert.equal(EVM_ACCOUNT_BALANCE_WEI, 10_000_000_000_000_000_000_000n);
  });

  test('round trip: funds a fresh account, which signs an EIP-1559 transfer', async () => {
    const funder = privateKeyToAccount(evm.accounts[1].privateKey);
    const fresh = privateKeyToAccount(FRESH_PRIVATE_KEY);
    assert.equal(fresh.address, FRESH_ADDRESS);
    assert.equal(await balance(evm, FRESH_ADDRESS), 0n);

    const funding = await funder.signTransaction({
      ...FEES,
      chainId: evm.chainId,
      type: 'eip1559',
      nonce: 0,
      to: FRESH_ADDRESS,
      value: parseEther('1'),
    });
    const fundingHash = await result(evm, 'eth_sendRawTransaction', [funding]);
    const fundingReceipt = (await result(evm, 'eth_getTransactionReceipt', [fundingHash])) as Record<string, string>;
    assert.equal(fundingReceipt.status, '0x1');
    assert.equal(await balance(evm, FRESH_ADDRESS), 1_000_000_000_000_000_000n);

    const transfer = await fresh.signTransaction({
      ...FEES,
      chainId: evm.chainId,
      type: 'eip1559',
      nonce: 0,
      to: RECIPIENT,
      value: parseEther('0.25'),
    });
    const hash = (await result(evm, 'eth_sendRawTransaction', [transfer])) as Hex;
    const receipt = (await result(evm, 'eth_getTransactionReceipt', [hash])) as Record<string, string>;
    assert.equal(receipt.status, '0x1');
    assert.equal(receipt.type, '0x2');
    assert.equal(receipt.from, FRESH_ADDRESS.toLowerCase());
    assert.equal(receipt.to, RECIPIENT);
    assert.equal(receipt.gasUsed, '0x5208');
    // EIP-1559: the signer pays base fee + priority fee (below the cap).
    const block = (await result(evm, 'eth_getBlockByHash', [receipt.blockHash, false])) as Record<string, string>;
    const effectiveGasPrice = BigInt(receipt.effectiveGasPrice);
    assert.equal(effectiveGasPrice, BigInt(block.baseFeePerGas) + FEES.maxPriorityFeePerGas);

    assert.equal(await balance(evm, RECIPIENT), 250_000_000_000_000_000n);
    assert.equal(await balance(evm, FRESH_ADDRESS), 1_000_000_000_000_000_000n - 250_000_000_000_000_000n - 21_000n * effectiveGasPrice);
    assert.equal(await result(evm, 'eth_getTransactionCount', [FRESH_ADDRESS, 'latest']), '0x1');
  });

  test('rejects a replayed nonce, an unfunded transfer and a forged signature with the node errors', async () => {
    const fresh = privateKeyToAccount(FRESH_PRIVATE_KEY);
    const replay = await fresh.signTransaction({
      ...FEES,
      chainId: evm.chainId,
      type: 'eip1559',
      nonce: 0,
      to: RECIPIENT,
      value: 1n,
    });
    assert.deepEqual(await rpc(evm, 'eth_sendRawTransaction', [replay]), {
      error: {
        code: -32000,
        message: "Nonce too low. Expected nonce to be 1 but got 0. Note that transactions can't be queued when automining.",
      },
    });

    const unfunded = {
      ...FEES,
      chainId: evm.chainId,
      type: 'eip1559',
      nonce: 1,
      to: RECIPIENT,
      value: parseEther('5'),
    } as const;
    const tooMuch = await fresh.signTransaction(unfunded);
    const funds = await balance(evm, FRESH_ADDRESS);
    assert.deepEqual(await rpc(evm, 'eth_sendRawTransaction', [tooMuch]), {
      error: {
        code: -32000,
        message: `Sender doesn't have enough funds to send tx. The max upfront cost is: 5000210000000000000 and the sender's balance is: ${funds}.`,
      },
    });

    // r = 2^256 - 1 is not an x coordinate on secp256k1: no sender recovers.
    const parsed = parseTransaction(tooMuch);
    const forged = serializeTransaction(unfunded, {
      r: `0x${'ff'.repeat(32)}`,
      s: parsed.s as Hex,
      yParity: parsed.yParity as number,
    });
    assert.deepEqual(await rpc(evm, 'eth_sendRawTransaction', [forged]), {
      error: { code: -32602, message: 'Invalid Signature' },
    });

    const wrongChain = await fresh.signTransaction({ ...FEES, chainId: 1, type: 'eip1559', nonce: 1, to: RECIPIENT, value: 1n });
    assert.deepEqual(await rpc(evm, 'eth_sendRawTransaction', [wrongChain]), {
      error: {
        code: -32602,
        message: 'Trying to send a raw transaction with an invalid chainId. The expected chainId is 31337',
      },
    });

    // Nothing was mined and the node keeps serving.
    assert.equal(await balance(evm, FRESH_ADDRESS), funds);
    assert.equal(await result(evm, 'eth_getTransactionCount', [FRESH_ADDRESS, 'latest']), '0x1');
  });
});

describe('startEvmNode lifecycle', () => {
  test('binds the requested chain id, and stop() leaves no process behind', async () => {
    const node = await startEvmNode({ chainId: 1337 });
    try {
      assert.equal(await result(node, 'eth_chainId', []), '0x539');
      assert.equal(processAlive(node.pid), true);
    } finally {
      await node.stop();
    }
    assert.equal(processAlive(node.pid), false);
    await node.stop(); // idempotent
  });

  test('a node whose parent is killed outright exits with it', async () => {
    // A parent process that starts a node, reports its pid, then waits forever.
    const script = `const { startEvmNode } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)});
      const node = await startEvmNode(); process.stdout.write(node.pid + '\\n'); setInterval(() => {}, 1000);`;
    const parent = spawn(process.execPath, ['--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        parent.stdout.once('data', (chunk: Uint8Array) => resolve(Number(new TextDecoder().decode(chunk).trim())));
        parent.once('exit', () => reject(new Error('the parent exited before starting a node')));
      });
      assert.equal(processAlive(pid), true);
      parent.kill('SIGKILL'); // no exit handlers, no stop(): only the closed stdin pipe tells the node
      for (let attempt = 0; attempt < 100 && processAlive(pid); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(processAlive(pid), false);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  test('refuses bad arguments before starting anything', async () => {
    await assert.rejects(startEvmNode({ port: 70_000 }), (error: unknown) => {
      assert.ok(error instanceof EvmNodeError);
      assert.equal(error.shortMessage, '"port" expected an integer in [0, 65535], got 70000');
      return true;
    });
    await assert.rejects(startEvmNode({ chainId: 0 }), (error: unknown) => {
      assert.ok(error instanceof EvmNodeError);
      assert.equal(error.shortMessage, '"chainId" expected a positive safe integer, got 0');
      return true;
    });
  });
});
