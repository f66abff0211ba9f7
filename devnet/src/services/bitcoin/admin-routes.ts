/**
 * The devnet's Bitcoin admin HTTP routes, framework-free: the devnet's node:http server passes
 * method, path and body, and writes back `status` and `json`. Amounts travel as decimal strings
 * (JSON has no bigint); hashes and txids as display-order hex, like bitcoin-cli.
 *
 *   GET  /devnet/bitcoin/tip              → { height, hash }
 *   POST /devnet/bitcoin/fund { address, amountSats } → { txid, vout }
 *   POST /devnet/bitcoin/mine { blocks, coinbaseAddress? } → { hashes, height }
 *   GET  /devnet/bitcoin/tx/<txid>        → { hex, txid, confirmations, blockHeight, fee } | 404
 *   POST /devnet/bitcoin/send { hex }     → { txid, fee, vsize } (the mempool checks of sendrawtransaction)
 *
 * Errors answer `{ error: { name, message, reason? } }`: 400 for bad input and rejected
 * transactions, 404 for unknown routes and transactions, 405 for a wrong method.
 */
import { hexToBytes, toDisplayHex } from './bytes.ts';
import type { RegtestChain } from './chain.ts';
import { InvalidAddressError, InvalidAdminArgumentError, MalformedTransactionError, TransactionRejectedError } from './errors.ts';

export const ADMIN_ROUTE_PREFIX = '/devnet/bitcoin';

export interface AdminResponse {
  status: number;
  json: unknown;
}

/**
 * Answers one admin request for `chain`. Never throws for bad input; `body` may be a JSON string,
 * its UTF-8 bytes, an already-parsed value, or absent.
 *
 * @example
 * handleAdminRequest({ chain, method: 'POST', path: '/devnet/bitcoin/mine', body: '{"blocks":1}' });
 * // → { status: 200, json: { hashes: ['…'], height: 1 } }
 */
export function handleAdminRequest(args: { chain: RegtestChain; method: string; path: string; body?: unknown }): AdminResponse {
  const { chain } = args;
  const method = args.method.toUpperCase();
  const path = args.path.split('?')[0]!.replace(/\/+$/, '');
  if (!path.startsWith(`${ADMIN_ROUTE_PREFIX}/`)) return notFound(path);
  const route = path.slice(ADMIN_ROUTE_PREFIX.length + 1);
  try {
    if (route === 'tip') {
      if (method !== 'GET') return methodNotAllowed({ path, allowed: 'GET' });
      const tip = chain.tip();
      return { status: 200, json: { height: tip.height, hash: toDisplayHex(tip.hash) } };
    }
    if (route === 'fund') {
      if (method !== 'POST') return methodNotAllowed({ path, allowed: 'POST' });
      const body = parseBody(args.body);
      const result = chain.fund({ address: stringField(body, 'address'), amountSats: amountField(body, 'amountSats') });
      return { status: 200, json: result };
    }
    if (route === 'mine') {
      if (method !== 'POST') return methodNotAllowed({ path, allowed: 'POST' });
      const body = parseBody(args.body);
      const blocks = body.blocks;
      if (typeof blocks !== 'number') throw new InvalidAdminArgumentError(`"blocks" must be a number, got ${JSON.stringify(blocks)}`);
      const coinbaseAddress = body.coinbaseAddress === undefined ? undefined : stringField(body, 'coinbaseAddress');
      return { status: 200, json: chain.mine({ blocks, ...(coinbaseAddress === undefined ? {} : { coinbaseAddress }) }) };
    }
    if (route.startsWith('tx/')) {
      if (method !== 'GET') return methodNotAllowed({ path, allowed: 'GET' });
      const tx = chain.getTransaction(decodeURIComponent(route.slice(3)));
      if (!tx)
        return {
          status: 404,
          json: { error: { name: 'TransactionNotFound', message: `No transaction ${route.slice(3)} in the chain or the mempool` } },
        };
      return { status: 200, json: { ...tx, fee: tx.fee === null ? null : tx.fee.toString() } };
    }
    if (route === 'send') {
      if (method !== 'POST') return methodNotAllowed({ path, allowed: 'POST' });
      const hex = stringField(parseBody(args.body), 'hex');
      if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new InvalidAdminArgumentError(`"hex" must be an even number of hex digits`);
      const result = chain.sendRawTransaction(hexToBytes(hex));
      return { status: 200, json: { txid: result.txid, fee: result.fee.toString(), vsize: result.vsize } };
    }
    return notFound(path);
  } catch (e) {
    if (e instanceof TransactionRejectedError) {
      return { status: 400, json: { error: { name: e.name, message: e.message, reason: e.reason } } };
    }
    if (e instanceof InvalidAdminArgumentError || e instanceof InvalidAddressError || e instanceof MalformedTransactionError) {
      return { status: 400, json: { error: { name: e.name, message: e.message } } };
    }
    return { status: 500, json: { error: { name: (e as Error).name ?? 'Error', message: String((e as Error).message ?? e) } } };
  }
}

function notFound(path: string): AdminResponse {
  return { status: 404, json: { error: { name: 'NotFound', message: `No route ${path}` } } };
}

function methodNotAllowed(args: { path: string; allowed: string }): AdminResponse {
  return { status: 405, json: { error: { name: 'MethodNotAllowed', message: `${args.path} accepts ${args.allowed} only` } } };
}

function parseBody(body: unknown): Record<string, unknown> {
  let value = body;
  if (body instanceof Uint8Array) value = new TextDecoder().decode(body);
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new InvalidAdminArgumentError('the body is not valid JSON');
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidAdminArgumentError('the body must be a JSON object');
  }
  return value as Record<string, unknown>;
}

function stringField(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  if (typeof v !== 'string') throw new InvalidAdminArgumentError(`"${name}" must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** An amount as a decimal string ("100000") or a safe integer number. */
function amountField(body: Record<string, unknown>, name: string): bigint {
  const v = body[name];
  if (typeof v === 'string' && /^[0-9]{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new InvalidAdminArgumentError(`"${name}" must be a decimal string of satoshis, got ${JSON.stringify(v)}`);
}
