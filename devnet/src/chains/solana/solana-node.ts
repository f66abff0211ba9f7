import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { LiteSVM } from 'litesvm';

import { WalletError } from '../../../../src/lib/errors.ts';
import { SolanaChain } from './solana-chain.ts';
import { handleSolanaRpc } from './solana-rpc.ts';

/** A running local Solana chain: LiteSVM behind a JSON-RPC server. */
export interface SolanaNode {
  /** JSON-RPC endpoint, `http://127.0.0.1:PORT` (no trailing slash). */
  url: string;
  /** The LiteSVM bank, for tests that set up state directly. */
  svm: LiteSVM;
  /** The chain behind the RPC: slots, blockhashes, landed transactions, faucet. */
  chain: SolanaChain;
  /** Closes the server and every open connection; safe to call twice. */
  stop(): Promise<void>;
}

export interface StartSolanaNodeArgs {
  /** TCP port on 127.0.0.1; 0 (the default) lets the system pick a free one. */
  port?: number;
}

/** The local Solana node could not be started. */
export class SolanaNodeError extends WalletError {
  override name = 'SolanaNodeError';
}

/** Every error `startSolanaNode` throws. */
export type SolanaNodeErrorType = SolanaNodeError;

// As agave's RPC service: 50 KiB request bodies at most (MAX_REQUEST_BODY_SIZE).
const MAX_REQUEST_BODY_SIZE = 50 * 1024;

/**
 * Starts a Solana JSON-RPC 2.0 server on 127.0.0.1 over a fresh LiteSVM
 * chain (System, SPL Token and Associated Token programs loaded).
 *
 * @example
 * const solana = await startSolanaNode();
 * try {
 *   const rpc = createSolanaRpc(solana.url);
 *   await rpc.getHealth().send(); // 'ok'
 * } finally {
 *   await solana.stop();
 * }
 */
export async function startSolanaNode({ port = 0 }: StartSolanaNodeArgs = {}): Promise<SolanaNode> {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new SolanaNodeError(`"port" expected an integer in [0, 65535], got ${port}`);
  }
  const chain = new SolanaChain();
  const server = createServer((request, response) => {
    void serve({ chain, request, response });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new SolanaNodeError(`Solana node could not listen on 127.0.0.1:${port}`, { cause: error })));
    server.listen({ port, host: '127.0.0.1' }, resolve);
  });
  const { port: boundPort } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }));
  return { url: `http://127.0.0.1:${boundPort}`, svm: chain.svm, chain, stop };
}

async function serve({
  chain,
  request,
  response,
}: {
  chain: SolanaChain;
  request: IncomingMessage;
  response: ServerResponse;
}): Promise<void> {
  // The real RPC service allows any origin (jsonrpc-http-server cors Any).
  response.setHeader('access-control-allow-origin', '*');
  if (request.method === 'OPTIONS') {
    response.writeHead(200, { 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' });
    response.end();
    return;
  }
  if (request.method === 'GET' && request.url === '/health') {
    reply({ response, status: 200, type: 'text/plain', body: 'ok' });
    return;
  }
  if (request.method !== 'POST') {
    reply({ response, status: 405, type: 'text/plain', body: 'Used HTTP Method is not allowed. POST or OPTIONS is required' });
    return;
  }
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    reply({ response, status: 415, type: 'text/plain', body: 'Supported content types are: application/json' });
    return;
  }
  const body = await readBody(request);
  if (body === undefined) {
    reply({ response, status: 413, type: 'text/plain', body: 'Payload Too Large' });
    return;
  }
  const answer = handleSolanaRpc({ chain, body });
  reply({ response, status: 200, type: 'application/json; charset=utf-8', body: answer ?? '' });
}

function reply({ response, status, type, body }: { response: ServerResponse; status: number; type: string; body: string }): void {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
}

/** The request body as text, or undefined when it exceeds the size limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request) {
    // Node I/O boundary: the socket yields Buffers, kept as Uint8Array views.
    const bytes = chunk as Uint8Array;
    size += bytes.length;
    if (size > MAX_REQUEST_BODY_SIZE) {
      request.resume();
      return undefined;
    }
    chunks.push(bytes);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    all.set(chunk, offset);
    offset += chunk.length;
  }
  return new TextDecoder().decode(all);
}
