/**
 * The outcall transform and the reading of its output. Pure (no azle import): the canister's
 * `rpc_transform` query only calls {@link transformResponse}.
 *
 * Every replica runs the transform on its own copy of the provider's answer, and the subnet
 * needs identical outputs, so the output keeps only what is deterministic: the HTTP status and,
 * for a 200, the JSON-RPC `result` reduced by the projection the request named in its context
 * (see projections.ts), or the JSON-RPC `error`'s code and message. Headers, the `id`, `jsonrpc`,
 * `error.data` (Solana's simulation logs) and anything the projection drops are gone.
 *
 * Transformed body, canonical JSON (json.ts), one of:
 *   {"ok": <projected result>}
 *   {"error": {"code": <int>, "message": <text, at most 256 characters>}}
 *   {"invalid": <why the body is not a JSON-RPC answer of the expected shape>}
 * and an empty body for any status other than 200.
 */
import { canonicalJson, type Json, JsonSyntaxError, parseJson } from './json.ts';
import { isProjectionName, PROJECTIONS, ProjectionError, type ProjectionName } from './projections.ts';

/** The canister's transform query method (index.ts), named in every outcall. */
export const TRANSFORM_METHOD = 'rpc_transform';

/** An answer a provider gave that the wallet cannot use: each is a variant of the Candid `RpcProviderError`. */
export type RpcProviderError =
  | { HttpStatus: { status: bigint } }
  | { InvalidResponse: { reason: string } }
  | { JsonRpcError: { code: bigint; message: string } }
  | { ResponseTooLarge: { max_response_bytes: bigint } }
  | { Unreachable: { reject_code: number; reject_message: string } };

export type HttpResponse = { status: bigint; headers: { name: string; value: string }[]; body: Uint8Array };

const MAX_MESSAGE_LENGTH = 256;
const encode = (value: Json): Uint8Array => new TextEncoder().encode(canonicalJson(value));

/** The transform: `context` is the UTF-8 name of a projection. */
export function transformResponse({ response, context }: { response: HttpResponse; context: Uint8Array }): HttpResponse {
  if (response.status !== 200n) return { status: response.status, headers: [], body: new Uint8Array(0) };
  return { status: 200n, headers: [], body: encode(transformBody({ body: response.body, context })) };
}

function transformBody({ body, context }: { body: Uint8Array; context: Uint8Array }): Json {
  const name = new TextDecoder().decode(context);
  if (!isProjectionName(name)) return { invalid: `unknown projection ${JSON.stringify(name.slice(0, 40))}` };
  let parsed: Json;
  try {
    parsed = parseJson(new TextDecoder().decode(body));
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    return { invalid: `not JSON: ${error.message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { invalid: 'not a JSON-RPC response object' };
  if ('error' in parsed && parsed.error !== null) {
    const { error } = parsed;
    const code = typeof error === 'object' && error !== null && !Array.isArray(error) ? error.code : undefined;
    const message = typeof error === 'object' && error !== null && !Array.isArray(error) ? error.message : undefined;
    if (typeof code !== 'bigint' || typeof message !== 'string')
      return { invalid: 'a JSON-RPC error without an integer code and a message' };
    return { error: { code, message: message.slice(0, MAX_MESSAGE_LENGTH) } };
  }
  if (!('result' in parsed)) return { invalid: 'a JSON-RPC response with neither result nor error' };
  try {
    return { ok: PROJECTIONS[name].project(parsed.result) };
  } catch (error) {
    if (error instanceof ProjectionError) return { invalid: `unexpected result: ${error.message}` };
    throw error;
  }
}

/** Reads a transformed response: the canonical text of the projected result, or why there is none. */
export function readTransformed(response: HttpResponse): { Ok: string } | { Err: RpcProviderError } {
  if (response.status !== 200n) return { Err: { HttpStatus: { status: response.status } } };
  let parsed: Json;
  try {
    parsed = parseJson(new TextDecoder().decode(response.body));
  } catch {
    return { Err: { InvalidResponse: { reason: 'the transform output is not JSON' } } };
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    if ('ok' in parsed) return { Ok: canonicalJson(parsed.ok) };
    const { error, invalid } = parsed;
    if (
      typeof error === 'object' &&
      error !== null &&
      !Array.isArray(error) &&
      typeof error.code === 'bigint' &&
      typeof error.message === 'string'
    ) {
      return { Err: { JsonRpcError: { code: error.code, message: error.message } } };
    }
    if (typeof invalid === 'string') return { Err: { InvalidResponse: { reason: invalid } } };
  }
  return { Err: { InvalidResponse: { reason: 'the transform output has no ok, error or invalid field' } } };
}

/** The typed value of an agreed canonical text, through the projection's decoder. */
export function decodeAgreed<T>({ projection, text }: { projection: ProjectionName; text: string }): T {
  return PROJECTIONS[projection].decode(parseJson(text)) as T;
}

/**
 * A rejected outcall as a provider error: the IC rejects a response over `max_response_bytes`
 * before the transform runs ("Http body exceeds size limit of N bytes."); anything else
 * (unreachable host, TLS, timeout, no replica consensus) is `Unreachable` with the IC's words.
 */
export function rejectionToProviderError({
  rejectCode,
  rejectMessage,
  maxResponseBytes,
}: {
  rejectCode: number;
  rejectMessage: string;
  maxResponseBytes: bigint;
}): RpcProviderError {
  if (/size limit/i.test(rejectMessage)) return { ResponseTooLarge: { max_response_bytes: maxResponseBytes } };
  return { Unreachable: { reject_code: rejectCode, reject_message: rejectMessage.slice(0, MAX_MESSAGE_LENGTH) } };
}

/** A JSON-RPC 2.0 request body (the `id` is fixed: one request per outcall, and the transform drops it). */
export function jsonRpcBody({ method, params }: { method: string; params: unknown[] }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
}
