/**
 * The one HTTPS outcall the wallet makes: a JSON-RPC POST through the management canister's
 * `http_request` (called through management.ts, the wallet's one wrapper for `aaaaa-aa`,
 * CONTRIBUTING.md convention 3), with the exact fee attached (cost.ts), a per-method
 * `max_response_bytes` (methods.ts) and the canister's own `rpc_transform` (transform.ts).
 * Replies and rejections both come back as a provider result; nothing here traps on what a
 * provider sends.
 */
import { canisterSelf } from 'azle';
import {
  http_request_args,
  http_request_result,
  type http_request_args as HttpRequestArgs,
  type http_request_result as HttpRequestResult,
} from 'azle/canisters/management/idl';
import { callManagement } from '../management.ts';
import type { ProviderResult } from './consensus.ts';
import { outcallCycles, requestBytes } from './cost.ts';
import type { ProjectionName } from './projections.ts';
import { readTransformed, rejectionToProviderError, TRANSFORM_METHOD } from './transform.ts';

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
  const reply = await callManagement<HttpRequestResult>({
    method: 'http_request',
    argType: http_request_args,
    resultType: http_request_result,
    arg,
    cycles,
  });
  if ('Ok' in reply) return readTransformed({ status: BigInt(reply.Ok.status), headers: [], body: Uint8Array.from(reply.Ok.body) });
  if ('ManagementCallRejected' in reply.Err) {
    const { reject_code, reject_message } = reply.Err.ManagementCallRejected;
    return { Err: rejectionToProviderError({ rejectCode: reject_code, rejectMessage: reject_message, maxResponseBytes }) };
  }
  return { Err: { Unreachable: { reject_code: 0, reject_message: 'the outcall could not be sent (ic0.call_perform failed)' } } };
}
