import { WalletError } from '../../../../src/lib/errors.ts';

import type { Json } from './json.ts';

// JSON-RPC 2.0 codes (jsonrpc-core's ErrorCode) and the Solana server codes
// from agave rpc-client-api/src/custom_error.rs.
export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;
export const INTERNAL_ERROR = -32603;
export const SEND_TRANSACTION_PREFLIGHT_FAILURE = -32002;
export const UNSUPPORTED_TRANSACTION_VERSION = -32015;
export const MIN_CONTEXT_SLOT_NOT_REACHED = -32016;

/**
 * An error answer of the Solana JSON-RPC: `code`, `message` and optional
 * `data` are sent to the client exactly as the real node sends them.
 */
export class SolanaRpcError extends WalletError {
  override name = 'SolanaRpcError';
  readonly code: number;
  readonly data: Json | undefined;

  constructor({ code, message, data }: { code: number; message: string; data?: Json }) {
    super(message, { details: `JSON-RPC error ${code}` });
    this.code = code;
    this.data = data;
  }

  /** The `error` member of the JSON-RPC response. */
  toJson(): { code: number; message: string; data?: Json } {
    return this.data === undefined
      ? { code: this.code, message: this.shortMessage }
      : { code: this.code, message: this.shortMessage, data: this.data };
  }
}

export function invalidParams(message: string, data?: Json): SolanaRpcError {
  return new SolanaRpcError({ code: INVALID_PARAMS, message, data });
}

export function invalidRequest(): SolanaRpcError {
  return new SolanaRpcError({ code: INVALID_REQUEST, message: 'Invalid request' });
}

export function internalError(): SolanaRpcError {
  return new SolanaRpcError({ code: INTERNAL_ERROR, message: 'Internal error' });
}
