/**
 * JSON-RPC over the configured providers: reads that need a strict majority to agree, and
 * broadcasts that go to every provider. The policy is consensus.ts (pure); this file only fans
 * the outcalls out. An empty provider list is `NoProviders`: the chain can sign but not read.
 */
import { agree, broadcastOutcome, type ProviderOutcome, providerName, type RpcError } from './consensus.ts';
import type { ProjectionName, PROJECTIONS } from './projections.ts';
import { postJsonRpc } from './outcall.ts';
import { decodeAgreed, jsonRpcBody } from './transform.ts';
import type { RpcCall } from './methods.ts';

type Decoded<P extends ProjectionName> = ReturnType<(typeof PROJECTIONS)[P]['decode']>;

async function fanOut({ urls, call }: { urls: string[]; call: RpcCall }): Promise<ProviderOutcome[]> {
  const body = jsonRpcBody({ method: call.method, params: call.params });
  return await Promise.all(
    urls.map(async (url) => ({
      url: providerName(url),
      result: await postJsonRpc({ url, body, projection: call.projection, maxResponseBytes: call.maxResponseBytes }),
    })),
  );
}

/** One read, agreed by a strict majority of `urls`. */
export async function rpcRead<C extends RpcCall>({
  chain,
  urls,
  call,
}: {
  chain: string;
  urls: string[];
  call: C;
}): Promise<{ Ok: Decoded<C['projection']> } | { Err: RpcError }> {
  if (urls.length === 0) return { Err: { NoProviders: { chain } } };
  const agreed = agree({ method: call.method, outcomes: await fanOut({ urls, call }) });
  if ('Err' in agreed) return agreed;
  return { Ok: decodeAgreed<Decoded<C['projection']>>({ projection: call.projection, text: agreed.Ok }) };
}

/** One signed transaction to every provider; out when one accepted it or already had it. */
export async function rpcBroadcast({
  chain,
  urls,
  call,
  expected,
  alreadyKnown,
}: {
  chain: string;
  urls: string[];
  call: RpcCall;
  expected: string;
  alreadyKnown: (error: { code: bigint; message: string }) => boolean;
}): Promise<{ Ok: null } | { Err: RpcError }> {
  if (urls.length === 0) return { Err: { NoProviders: { chain } } };
  return broadcastOutcome({ method: call.method, outcomes: await fanOut({ urls, call }), expected, alreadyKnown });
}
