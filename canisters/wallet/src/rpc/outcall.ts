/**
 * The one HTTPS outcall the wallet makes: a JSON-RPC POST through the management canister's
 * `http_request`, with the exact fee attached (cost.ts), a per-method `max_response_bytes` and
 * the canister's own `rpc_transform` (transform.ts). Replies and rejections both come back as a
 * provider result; nothing here traps on what a provider sends.
 */
import { call, type CallError, canisterSelf, Principal } from 'azle';
import {
  http_request_args,
  http_request_result,
  type http_request_args as HttpRequestArgs,
  type http_request_result as HttpRequestResult,
} from 'azle/canisters/management/idl';
import type { ProviderResult } from './consensus.ts';
import { outcallCycles, requestBytes } from './cost.ts';
import type { ProjectionName } from './projections.ts';
import { readTransformed, rejectionToProviderError, TRANSFORM_METHOD } from './transform.ts';

const MANAGEMENT_CANISTER = Principal.fromText('aaaaa-aa');
const HEADERS = [{ name: 'Content-Type', value: 'application/json' }];

export async function postJsonRpc({
  url,
  body,
  projection,
  maxResponseBytes,
}: {
  url: string;
  body: Uint8Array;
  projection: ProjectionName;
  maxResponseBytes: bigint;
}): Promise<ProviderResult> {
  const context = new TextEncoder().encode(projection);
  const arg: HttpRequestArgs = {
    url,
    method: { post: null },
    max_response_bytes: [maxResponseBytes],
    body: [body],
    transform: [{ function: [canisterSelf(), TRANSFORM_METHOD], context }],
    headers: HEADERS,
  };
  const cycles = outcallCycles({
    requestBytes: requestBytes({ url, headers: HEADERS, body, transformMethod: TRANSFORM_METHOD, transformContext: context }),
    maxResponseBytes,
  });
  try {
    const reply = await call<[HttpRequestArgs], HttpRequestResult>(MANAGEMENT_CANISTER, 'http_request', {
      paramIdlTypes: [http_request_args],
      returnIdlType: http_request_result,
      args: [arg],
      cycles,
    });
    return readTransformed({ status: BigInt(reply.status), headers: [], body: Uint8Array.from(reply.body) });
  } catch (error) {
    if (isCallError(error) && error.type === 'CallRejected') {
      return { Err: rejectionToProviderError({ rejectCode: error.rejectCode, rejectMessage: error.rejectMessage, maxResponseBytes }) };
    }
    if (isCallError(error) && error.type === 'CallPerformFailed') {
      return { Err: { Unreachable: { reject_code: 0, reject_message: 'the outcall could not be sent (ic0.call_perform failed)' } } };
    }
    throw error;
  }
}

/** azle's `call` rejects with plain `{ type, ... }` objects (`CallError`), not `Error`s. */
function isCallError(error: unknown): error is CallError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string';
}
