/**
 * Candid types of the JSON-RPC layer, shared by the endpoints that read or broadcast on EVM chains
 * and Solana (their `Rpc` error variant) and by the `rpc_transform` query. The TypeScript types
 * are the ones of the pure files (transform.ts, consensus.ts); wallet.did spells the same.
 */
import { IDL } from 'azle';
import { http_request_result, http_transform_args } from 'azle/canisters/management/idl';

/** What one provider answered that the wallet cannot use. */
export const RpcProviderError = IDL.Variant({
  /** The provider answered with an HTTP status other than 200. */
  HttpStatus: IDL.Record({ status: IDL.Nat }),
  /** Not JSON, not a JSON-RPC response, or a result of the wrong shape (garbage). */
  InvalidResponse: IDL.Record({ reason: IDL.Text }),
  /** A JSON-RPC error object: code and message (`data` is dropped by the transform). */
  JsonRpcError: IDL.Record({ code: IDL.Int64, message: IDL.Text }),
  /** The response exceeded the method's `max_response_bytes`; the IC refused it. */
  ResponseTooLarge: IDL.Record({ max_response_bytes: IDL.Nat64 }),
  /** The outcall was rejected (unreachable host, timeout, replicas disagreeing on the answer). */
  Unreachable: IDL.Record({ reject_code: IDL.Nat32, reject_message: IDL.Text }),
});

const ProviderResponse = IDL.Record({ url: IDL.Text, result: IDL.Variant({ Ok: IDL.Text, Err: RpcProviderError }) });

/** The multi-provider layer's errors; provider URLs are shown as scheme://host:port only. */
export const RpcError = IDL.Variant({
  /** The chain has no `rpc_urls` in the configuration: it can sign but not read or broadcast. */
  NoProviders: IDL.Record({ chain: IDL.Text }),
  /** Every provider failed (for a broadcast: none accepted the transaction). */
  ProvidersFailed: IDL.Record({ method: IDL.Text, failures: IDL.Vec(IDL.Record({ url: IDL.Text, error: RpcProviderError })) }),
  /** No strict majority of the providers returned the same result; each one's answer, normalized. */
  ProvidersDisagree: IDL.Record({ method: IDL.Text, required: IDL.Nat32, responses: IDL.Vec(ProviderResponse) }),
});

/** `rpc_transform`'s argument and result: the management canister's own types. */
export const RpcTransformRequest = http_transform_args;
export const RpcTransformResponse = http_request_result;
