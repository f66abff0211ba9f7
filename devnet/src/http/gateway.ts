/**
 * The HTTP gateway (HTTP Gateway Protocol specification, dfinity/interface-spec
 * spec/http-gateway-protocol-spec.md): a browser request for `http://<canister-id>.localhost:<port>/…`
 * (or any host with `?canisterId=<id>`) becomes a call of the canister's `http_request` query, and
 * of `http_request_update` when the canister answers `upgrade = opt true`. A streamed body is
 * fetched through its callback until the token runs out. Responses of `http_request` are verified
 * with `@dfinity/response-verification` (certification versions 1 and 2) against the instance's
 * root key, and refused with 503 when uncertified or wrongly certified, as the IC's gateways do;
 * responses of `http_request_update` went through consensus and are not checked again.
 * `Content-Encoding` is passed through when the client accepts it and decoded otherwise.
 */
import { gunzipSync, inflateSync, brotliDecompressSync } from 'node:zlib';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { verifyRequestResponsePair } from '@dfinity/response-verification';
import type { CallResult, Instance } from '../ic/instance.ts';

const HeaderField = IDL.Tuple(IDL.Text, IDL.Text);
const HttpRequest = IDL.Record({
  method: IDL.Text,
  url: IDL.Text,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  certificate_version: IDL.Opt(IDL.Nat16),
});
const HttpUpdateRequest = IDL.Record({ method: IDL.Text, url: IDL.Text, headers: IDL.Vec(HeaderField), body: IDL.Vec(IDL.Nat8) });
// The streaming token as the asset canister defines it, the token every gateway knows how to pass back.
const Token = IDL.Record({ key: IDL.Text, content_encoding: IDL.Text, index: IDL.Nat, sha256: IDL.Opt(IDL.Vec(IDL.Nat8)) });
const StreamingCallbackHttpResponse = IDL.Record({ body: IDL.Vec(IDL.Nat8), token: IDL.Opt(Token) });
const StreamingStrategy = IDL.Variant({
  Callback: IDL.Record({ callback: IDL.Func([Token], [StreamingCallbackHttpResponse], ['query']), token: Token }),
});
const HttpResponse = IDL.Record({
  status_code: IDL.Nat16,
  headers: IDL.Vec(HeaderField),
  body: IDL.Vec(IDL.Nat8),
  upgrade: IDL.Opt(IDL.Bool),
  streaming_strategy: IDL.Opt(StreamingStrategy),
});

type TokenValue = { key: string; content_encoding: string; index: bigint; sha256: [] | [Uint8Array] };
interface HttpResponseValue {
  status_code: number;
  headers: [string, string][];
  body: Uint8Array;
  upgrade: [] | [boolean];
  streaming_strategy: [] | [{ Callback: { callback: [Principal, string]; token: TokenValue } }];
}

/** Body size the gateway assembles from streaming callbacks at most. */
const MAX_STREAMED_BYTES = 64 * 1024 * 1024;
/** Certificates older than this are refused (the IC's gateways allow 5 minutes). */
const MAX_CERT_TIME_OFFSET_NS = 300_000_000_000n;
/** The highest certification version the gateway asks for. */
const CERTIFICATE_VERSION = 2;

export interface GatewayRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  host: string;
  headers: [string, string][];
  body: Uint8Array;
}

export interface GatewayResponse {
  status: number;
  headers: [string, string][];
  body: Uint8Array;
}

/** Runs an update call to completion (on a live instance, rounds run on their own). */
export type RunUpdate = (args: { canisterId: Principal; method: string; arg: Uint8Array }) => Promise<CallResult>;

const text = (status: number, message: string): GatewayResponse => ({
  status,
  headers: [['content-type', 'text/plain; charset=utf-8']],
  body: new TextEncoder().encode(`${message}\n`),
});

/** The canister a request is for: the `<id>.localhost` host, else the `canisterId` query parameter. */
export function canisterIdOf(req: { host: string; url: string }): Principal | null {
  const host = req.host.replace(/:\d+$/, '').toLowerCase();
  const sub = host.match(/^([a-z0-9-]+)\.localhost$/);
  const candidates = [sub?.[1], new URL(req.url, 'http://localhost').searchParams.get('canisterId') ?? undefined];
  for (const c of candidates) {
    if (!c) continue;
    try {
      return Principal.fromText(c);
    } catch {
      // not a principal: try the next source
    }
  }
  return null;
}

export async function serveGateway(args: { instance: Instance; request: GatewayRequest; runUpdate: RunUpdate }): Promise<GatewayResponse> {
  const { instance, request } = args;
  const canisterId = canisterIdOf(request);
  if (!canisterId) {
    return text(400, 'Could not find a canister id to forward to: use http://<canister-id>.localhost:<port>/ or ?canisterId=<canister-id>');
  }
  if (!instance.getCanister(canisterId)) return text(404, `Canister ${canisterId.toText()} not found`);
  const headers = request.headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()));
  const arg = IDL.encode(
    [HttpRequest],
    [{ method: request.method, url: request.url, headers, body: request.body, certificate_version: [CERTIFICATE_VERSION] }],
  );
  const result = instance.query({ sender: Principal.anonymous(), canisterId, method: 'http_request', arg });
  if (result.kind === 'reject') return text(502, `The canister rejected http_request (code ${result.code}): ${result.message}`);
  let response: HttpResponseValue;
  try {
    response = IDL.decode([HttpResponse], result.bytes)[0] as unknown as HttpResponseValue;
  } catch (e) {
    return text(502, `The canister's http_request reply is not an HttpResponse: ${(e as Error).message}`);
  }
  let verify = true;
  if (response.upgrade[0] === true) {
    const updateArg = IDL.encode([HttpUpdateRequest], [{ method: request.method, url: request.url, headers, body: request.body }]);
    const updated = await args.runUpdate({ canisterId, method: 'http_request_update', arg: updateArg });
    if (updated.kind === 'reject') return text(502, `The canister rejected http_request_update (code ${updated.code}): ${updated.message}`);
    try {
      response = IDL.decode([HttpResponse], updated.bytes)[0] as unknown as HttpResponseValue;
    } catch (e) {
      return text(502, `The canister's http_request_update reply is not an HttpResponse: ${(e as Error).message}`);
    }
    verify = false;
  }
  let body: Uint8Array = new Uint8Array(response.body);
  if (response.streaming_strategy.length) {
    const streamed = streamBody({ instance, first: body, strategy: response.streaming_strategy[0].Callback });
    if ('error' in streamed) return text(502, streamed.error);
    body = streamed.body;
  }
  if (verify) {
    const problem = verifyResponse({ instance, canisterId, request, headers, response: { ...response, body } });
    if (problem) return text(503, `Response verification failed: ${problem}`);
  }
  return decodeForClient({
    status: response.status_code,
    headers: response.headers.filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && name.toLowerCase() !== 'content-length'),
    body,
    acceptEncoding: request.headers.find(([n]) => n.toLowerCase() === 'accept-encoding')?.[1] ?? '',
  });
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

function streamBody(args: {
  instance: Instance;
  first: Uint8Array;
  strategy: { callback: [Principal, string]; token: TokenValue };
}): { body: Uint8Array } | { error: string } {
  const chunks = [args.first];
  let total = args.first.length;
  let token: TokenValue | undefined = args.strategy.token;
  const [callee, method] = args.strategy.callback;
  while (token) {
    const r = args.instance.query({ sender: Principal.anonymous(), canisterId: callee, method, arg: IDL.encode([Token], [token]) });
    if (r.kind === 'reject') return { error: `The streaming callback ${method} rejected (code ${r.code}): ${r.message}` };
    let next: { body: Uint8Array; token: [] | [TokenValue] };
    try {
      next = IDL.decode([StreamingCallbackHttpResponse], r.bytes)[0] as unknown as typeof next;
    } catch (e) {
      return { error: `The streaming callback's reply is not a StreamingCallbackHttpResponse: ${(e as Error).message}` };
    }
    chunks.push(new Uint8Array(next.body));
    total += next.body.length;
    if (total > MAX_STREAMED_BYTES) return { error: `The streamed body exceeds ${MAX_STREAMED_BYTES} bytes` };
    token = next.token[0];
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return { body };
}

function verifyResponse(args: {
  instance: Instance;
  canisterId: Principal;
  request: GatewayRequest;
  headers: [string, string][];
  response: { status_code: number; headers: [string, string][]; body: Uint8Array };
}): string | null {
  try {
    verifyRequestResponsePair(
      {
        url: args.request.url,
        method: args.request.method,
        body: args.request.body,
        headers: args.headers,
        certificate_version: [CERTIFICATE_VERSION],
      },
      { status_code: args.response.status_code, headers: args.response.headers, body: args.response.body },
      args.canisterId.toUint8Array(),
      BigInt(Date.now()) * 1_000_000n,
      MAX_CERT_TIME_OFFSET_NS,
      args.instance.rootKey(),
      1,
    );
    return null;
  } catch (e) {
    const err = e as { message?: string; code?: number };
    return err.message ?? String(e);
  }
}

/** Pass the body encoded when the client accepts its encoding; decode it otherwise. */
function decodeForClient(args: { status: number; headers: [string, string][]; body: Uint8Array; acceptEncoding: string }): GatewayResponse {
  const encoding = args.headers
    .find(([n]) => n.toLowerCase() === 'content-encoding')?.[1]
    .trim()
    .toLowerCase();
  if (!encoding || encoding === 'identity') return { status: args.status, headers: args.headers, body: args.body };
  const accepted = args.acceptEncoding
    .split(',')
    .map((e) => e.split(';')[0].trim().toLowerCase())
    .some((e) => e === encoding || e === '*');
  if (accepted) return { status: args.status, headers: args.headers, body: args.body };
  let decoded: Uint8Array;
  try {
    if (encoding === 'gzip' || encoding === 'x-gzip') decoded = gunzipSync(args.body);
    else if (encoding === 'deflate') decoded = inflateSync(args.body);
    else if (encoding === 'br') decoded = brotliDecompressSync(args.body);
    else
      return text(
        502,
        `The canister's response has Content-Encoding ${encoding}, which the client does not accept and the gateway cannot decode`,
      );
  } catch (e) {
    return text(502, `The canister's ${encoding} body does not decode: ${(e as Error).message}`);
  }
  return {
    status: args.status,
    headers: args.headers.filter(([n]) => n.toLowerCase() !== 'content-encoding'),
    body: new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength),
  };
}
