import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  deriveEvmTestAccounts,
  EVM_ACCOUNT_BALANCE_WEI,
  EVM_ACCOUNT_COUNT,
  EVM_DEFAULT_CHAIN_ID,
  EVM_TEST_MNEMONIC,
  type EvmAccount,
} from './evm-accounts.ts';
import { EvmNodeError } from './errors.ts';

/** A running local EVM chain (Hardhat's EDR network behind `hardhat node`). */
export interface EvmNode {
  /** JSON-RPC endpoint, `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  chainId: number;
  /** The pre-funded accounts, 10,000 ETH each at genesis; see ./evm-accounts.ts. */
  accounts: EvmAccount[];
  /** Id of the `hardhat node` process, which leads its own process group. */
  pid: number;
  /** Stops the node and every process it started; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartEvmNodeArgs {
  /** TCP port on 127.0.0.1; 0 (the default) lets the system pick a free one. */
  port?: number;
  /** Defaults to {@link EVM_DEFAULT_CHAIN_ID} (31337). */
  chainId?: number;
}

const CONFIG_PATH = fileURLToPath(new URL('./hardhat.config.cjs', import.meta.url));
const HARDHAT_CLI = createRequire(import.meta.url).resolve('hardhat/internal/cli/bootstrap.js');
const EXIT_WITH_PARENT = fileURLToPath(new URL('./exit-with-parent.cjs', import.meta.url));
const HOST = '127.0.0.1';
// Printed by hardhat's TASK_NODE_SERVER_READY with the port actually bound.
const READY_LINE = /Started HTTP and WebSocket JSON-RPC server at http:\/\/127\.0\.0\.1:(\d+)\//;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
const REQUEST_TIMEOUT_MS = 5_000;

// For a parent that exits without calling stop(): signals are synchronous, so
// this still runs inside process.exit(). One listener for all nodes. A parent
// killed outright is covered by ./exit-with-parent.cjs.
const liveNodes = new Set<ChildProcess>();
let exitHookInstalled = false;
function killLiveNodesOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of liveNodes) signalGroup(child, 'SIGKILL');
  });
}

/**
 * Starts a real EVM node on loopback: `hardhat node` (EDR network, automine)
 * as a child process on this Node binary, in its own process group, with
 * telemetry, update checks and banners off so that it never opens a
 * connection beyond 127.0.0.1. Resolves once it answers `eth_chainId` with
 * the expected chain id and `eth_accounts` with the documented accounts.
 *
 * @example
 * const evm = await startEvmNode();
 * try {
 *   // evm.url === 'http://127.0.0.1:PORT', evm.chainId === 31337
 * } finally {
 *   await evm.stop();
 * }
 */
export async function startEvmNode({ port = 0, chainId = EVM_DEFAULT_CHAIN_ID }: StartEvmNodeArgs = {}): Promise<EvmNode> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new EvmNodeError(`"port" expected an integer in [0, 65535], got ${port}`);
  }
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new EvmNodeError(`"chainId" expected a positive safe integer, got ${chainId}`);
  }
  const accounts = deriveEvmTestAccounts({ count: EVM_ACCOUNT_COUNT });
  // Hardhat keeps its telemetry consent, analytics id and caches under the
  // XDG directories; a private, empty home means no consent is ever found.
  const home = await mkdtemp(join(tmpdir(), 'devnet-evm-'));
  const child = spawn(
    process.execPath,
    ['--require', EXIT_WITH_PARENT, HARDHAT_CLI, 'node', '--config', CONFIG_PATH, '--hostname', HOST, '--port', String(port)],
    {
      cwd: dirname(CONFIG_PATH),
      detached: true, // own process group, so stop() can signal hardhat and anything it forks
      // stdin: a pipe whose end tells the node that this process is gone.
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        DEVNET_EVM_TEMP_HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CACHE_HOME: join(home, 'cache'),
        // Hardhat (internal/util/ci-detection.js) treats CI as "no analytics
        // hits, no Sentry reports, no telemetry prompt, no Hardhat 3 banner
        // fetch"; the banner and version check also need a TTY, which a pipe is not.
        CI: 'true',
        HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true',
        HARDHAT_HIDE_SOLIDITY_SURVEY_MESSAGE: 'true',
        NO_COLOR: '1',
        DEVNET_EVM_CHAIN_ID: String(chainId),
        DEVNET_EVM_MNEMONIC: EVM_TEST_MNEMONIC,
        DEVNET_EVM_ACCOUNT_COUNT: String(EVM_ACCOUNT_COUNT),
        DEVNET_EVM_ACCOUNT_BALANCE_WEI: EVM_ACCOUNT_BALANCE_WEI.toString(),
      },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killLiveNodesOnExit();
  liveNodes.add(child);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      liveNodes.delete(child);
      await terminate(child, exited);
      await rm(home, { recursive: true, force: true });
    })());

  try {
    const boundPort = await waitForReadyLine(child, exited);
    const url = `http://${HOST}:${boundPort}`;
    await waitForChainId({ url, chainId });
    const nodeAccounts = (await jsonRpc({ url, method: 'eth_accounts', params: [] })) as string[];
    const expected = accounts.map((account) => account.address.toLowerCase());
    if (nodeAccounts.map((a) => a.toLowerCase()).join() !== expected.join()) {
      throw new EvmNodeError('EVM node accounts differ from the documented accounts', {
        details: `expected ${expected.join(', ')}, got ${nodeAccounts.join(', ')}`,
      });
    }
    if (child.pid === undefined) throw new EvmNodeError('EVM node process has no pid');
    return { url, chainId, accounts, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error instanceof EvmNodeError ? error : new EvmNodeError('EVM node did not answer JSON-RPC', { cause: error });
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

async function terminate(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const running = child.exitCode === null && child.signalCode === null;
  signalGroup(child, 'SIGTERM');
  if (running && !(await settlesWithin(exited, STOP_TIMEOUT_MS))) {
    signalGroup(child, 'SIGKILL');
    await exited;
  }
  // Hardhat forks nothing today; a straggler left in the group is killed too.
  signalGroup(child, 'SIGKILL');
}

async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the bound port once hardhat prints its ready line. */
function waitForReadyLine(child: ChildProcess, exited: Promise<void>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let output = '';
    const append = (chunk: Buffer): void => {
      // Node I/O boundary: the pipe hands us Buffers; keep a bounded text tail.
      output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    const onStdout = (chunk: Buffer): void => {
      append(chunk);
      const match = READY_LINE.exec(output);
      if (match) {
        clearTimeout(timer);
        // Keep draining both pipes so hardhat never blocks on a full one.
        child.stdout?.off('data', onStdout).resume();
        child.stderr?.off('data', append).resume();
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', append);
    const timer = setTimeout(() => {
      reject(new EvmNodeError(`EVM node did not start within ${START_TIMEOUT_MS} ms`, { details: output }));
    }, START_TIMEOUT_MS);
    void exited.then(() => {
      clearTimeout(timer);
      reject(
        new EvmNodeError(`EVM node exited before serving (code ${child.exitCode}, signal ${child.signalCode})`, {
          details: output,
        }),
      );
    });
  });
}

async function waitForChainId({ url, chainId }: { url: string; chainId: number }): Promise<void> {
  const expected = `0x${chainId.toString(16)}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const answer = await jsonRpc({ url, method: 'eth_chainId', params: [] });
      if (answer === expected) return;
      throw new EvmNodeError(`EVM node answered eth_chainId ${String(answer)}, expected ${expected}`);
    } catch (error) {
      if (error instanceof EvmNodeError || Date.now() > deadline) throw error;
      // The socket may accept a moment after the ready line; retry.
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

async function jsonRpc({ url, method, params }: { url: string; method: string; params: unknown[] }): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { result?: unknown; error?: { code: number; message: string } };
  if (body.error) {
    throw new EvmNodeError(`EVM node rejected ${method}`, { details: `${body.error.code} ${body.error.message}` });
  }
  return body.result;
}
