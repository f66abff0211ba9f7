/**
 * The wallet's EVM and Solana endpoints for clients (wallet-candid.ts spreads them into the
 * service): sends and balances through JSON-RPC providers, the token list, and the outcall
 * transform. Spells the same part of canisters/wallet/wallet.did.
 */
import type { IDL as IDLType } from '@icp-sdk/core/candid';

type IdlBuilder = Parameters<IDLType.InterfaceFactory>[0]['IDL'];
type Result<T, E> = { Ok: T } | { Err: E };
type CallRejection = { method: string; reject_code: number; reject_message: string };
type SignError =
  | { AnonymousCaller: null }
  | { ManagementCallRejected: CallRejection }
  | { ManagementCallNotSent: { method: string } }
  | { SigningPaused: { reason: string } }
  | { RateLimited: { limit: number; window_seconds: number; retry_after_seconds: number } }
  | { DailyQuotaExceeded: { quota: number } }
  | { TooManySignaturesInFlight: { limit: number } }
  | { CyclesBelowFloor: { balance: bigint; required: bigint } }
  | { InvalidRequest: { field: string; error: string; message: string } }
  | { InvalidAddress: { field: string; address: string; message: string } }
  | { WrongNetwork: { field: string; address: string; expected: string; actual: string } }
  | { InvalidAmount: { field: string; message: string } }
  | { UnknownChain: { chain_id: bigint } };
type KeyError = { AnonymousCaller: null } | { ManagementCallRejected: CallRejection } | { ManagementCallNotSent: { method: string } };

export type RpcProviderError =
  | { HttpStatus: { status: bigint } }
  | { InvalidResponse: { reason: string } }
  | { JsonRpcError: { code: bigint; message: string } }
  | { ResponseTooLarge: { max_response_bytes: bigint } }
  | { Unreachable: { reject_code: number; reject_message: string } };
export type RpcError =
  | { NoProviders: { chain: string } }
  | { ProvidersFailed: { method: string; failures: { url: string; error: RpcProviderError }[] } }
  | { ProvidersDisagree: { method: string; required: number; responses: { url: string; result: Result<string, RpcProviderError> }[] } };

export type EvmToken = { chain_id: bigint; address: string; symbol: string; decimals: number };
export type SplToken = { mint: string; symbol: string; decimals: number };
export type AdminAddTokenRequest = { evm: EvmToken } | { spl: SplToken };
export type AdminRemoveTokenRequest = { evm: { chain_id: bigint; address: string } } | { spl: { mint: string } };
export type AdminTokenError =
  | { AnonymousCaller: null }
  | { NotAuthorized: { required: string } }
  | { UnknownChain: { chain_id: bigint } }
  | { InvalidAddress: { address: string; reason: string } }
  | { InvalidSymbol: { symbol: string } }
  | { InvalidDecimals: { decimals: number } }
  | { UnknownToken: { token: string } };
export type TokensResponse = { evm: EvmToken[]; spl: SplToken[] };

export type EthSendRequest = { chain_id: bigint; to: string; amount: bigint; token: [] | [string] };
export type EthSendResponse = {
  tx_hash: string;
  raw_transaction: string;
  nonce: bigint;
  gas_limit: bigint;
  max_fee_per_gas: bigint;
  max_priority_fee_per_gas: bigint;
  transaction_id: bigint;
};
export type EthSendError =
  | SignError
  | { UnknownToken: { chain_id: bigint; token: string } }
  | { Rpc: RpcError }
  | { BroadcastFailed: { tx_hash: string; raw_transaction: string; error: RpcError } };
export type EthBalanceRequest = { chain_id: bigint; token: [] | [string] };
export type EthBalanceResponse = { address: string; balance: bigint; decimals: number };
export type EthBalanceError =
  KeyError | { UnknownChain: { chain_id: bigint } } | { UnknownToken: { chain_id: bigint; token: string } } | { Rpc: RpcError };

export type SolSendRequest = { to: string; amount: bigint; mint: [] | [string]; recent_blockhash: [] | [string] };
export type SolSendResponse = { signature: string; transaction: string; created_recipient_account: boolean; transaction_id: bigint };
export type SolSendError =
  | SignError
  | { UnknownToken: { mint: string } }
  | { Rpc: RpcError }
  | { StaleBlockhash: { blockhash: string } }
  | { BroadcastFailed: { signature: string; transaction: string; error: RpcError } };
export type SolBalanceRequest = { mint: [] | [string] };
export type SolBalanceResponse = { address: string; balance: bigint; decimals: number };
export type SolBalanceError = KeyError | { UnknownToken: { mint: string } } | { Rpc: RpcError };

export type HttpResponse = { status: bigint; headers: { name: string; value: string }[]; body: Uint8Array };

export interface WalletRpcService {
  eth_send(request: EthSendRequest): Promise<Result<EthSendResponse, EthSendError>>;
  eth_balance(request: EthBalanceRequest): Promise<Result<EthBalanceResponse, EthBalanceError>>;
  sol_send(request: SolSendRequest): Promise<Result<SolSendResponse, SolSendError>>;
  sol_balance(request: SolBalanceRequest): Promise<Result<SolBalanceResponse, SolBalanceError>>;
  admin_add_token(request: AdminAddTokenRequest): Promise<Result<null, AdminTokenError>>;
  admin_remove_token(request: AdminRemoveTokenRequest): Promise<Result<null, AdminTokenError>>;
  tokens(): Promise<TokensResponse>;
  rpc_transform(request: { response: HttpResponse; context: Uint8Array }): Promise<HttpResponse>;
}

/**
 * The error cases the wallet's endpoints share (wallet.did's `KeyError` and `SignError`), built
 * once for both client interface files.
 */
export function walletErrorCases(IDL: IdlBuilder) {
  const CallRejection = IDL.Record({ method: IDL.Text, reject_code: IDL.Nat32, reject_message: IDL.Text });
  const keyErrors = {
    AnonymousCaller: IDL.Null,
    ManagementCallRejected: CallRejection,
    ManagementCallNotSent: IDL.Record({ method: IDL.Text }),
  };
  const signErrors = {
    ...keyErrors,
    SigningPaused: IDL.Record({ reason: IDL.Text }),
    RateLimited: IDL.Record({ limit: IDL.Nat32, window_seconds: IDL.Nat32, retry_after_seconds: IDL.Nat32 }),
    DailyQuotaExceeded: IDL.Record({ quota: IDL.Nat32 }),
    TooManySignaturesInFlight: IDL.Record({ limit: IDL.Nat32 }),
    CyclesBelowFloor: IDL.Record({ balance: IDL.Nat, required: IDL.Nat }),
    InvalidRequest: IDL.Record({ field: IDL.Text, error: IDL.Text, message: IDL.Text }),
    InvalidAddress: IDL.Record({ field: IDL.Text, address: IDL.Text, message: IDL.Text }),
    WrongNetwork: IDL.Record({ field: IDL.Text, address: IDL.Text, expected: IDL.Text, actual: IDL.Text }),
    InvalidAmount: IDL.Record({ field: IDL.Text, message: IDL.Text }),
    UnknownChain: IDL.Record({ chain_id: IDL.Nat64 }),
  };
  return { CallRejection, keyErrors, signErrors };
}

/** The methods of {@link WalletRpcService}, for `IDL.Service`. */
export function walletRpcMethods(IDL: IdlBuilder): Record<keyof WalletRpcService, IDLType.FuncClass> {
  const result = (ok: IDLType.Type, err: IDLType.Type): [IDLType.Type] => [IDL.Variant({ Ok: ok, Err: err })];
  const { keyErrors, signErrors } = walletErrorCases(IDL);
  const RpcProviderError = IDL.Variant({
    HttpStatus: IDL.Record({ status: IDL.Nat }),
    InvalidResponse: IDL.Record({ reason: IDL.Text }),
    JsonRpcError: IDL.Record({ code: IDL.Int64, message: IDL.Text }),
    ResponseTooLarge: IDL.Record({ max_response_bytes: IDL.Nat64 }),
    Unreachable: IDL.Record({ reject_code: IDL.Nat32, reject_message: IDL.Text }),
  });
  const RpcError = IDL.Variant({
    NoProviders: IDL.Record({ chain: IDL.Text }),
    ProvidersFailed: IDL.Record({ method: IDL.Text, failures: IDL.Vec(IDL.Record({ url: IDL.Text, error: RpcProviderError })) }),
    ProvidersDisagree: IDL.Record({
      method: IDL.Text,
      required: IDL.Nat32,
      responses: IDL.Vec(IDL.Record({ url: IDL.Text, result: IDL.Variant({ Ok: IDL.Text, Err: RpcProviderError }) })),
    }),
  });
  const EvmToken = IDL.Record({ chain_id: IDL.Nat64, address: IDL.Text, symbol: IDL.Text, decimals: IDL.Nat8 });
  const SplToken = IDL.Record({ mint: IDL.Text, symbol: IDL.Text, decimals: IDL.Nat8 });
  const AdminTokenError = IDL.Variant({
    AnonymousCaller: IDL.Null,
    NotAuthorized: IDL.Record({ required: IDL.Text }),
    UnknownChain: IDL.Record({ chain_id: IDL.Nat64 }),
    InvalidAddress: IDL.Record({ address: IDL.Text, reason: IDL.Text }),
    InvalidSymbol: IDL.Record({ symbol: IDL.Text }),
    InvalidDecimals: IDL.Record({ decimals: IDL.Nat8 }),
    UnknownToken: IDL.Record({ token: IDL.Text }),
  });
  const HttpResponse = IDL.Record({
    status: IDL.Nat,
    headers: IDL.Vec(IDL.Record({ name: IDL.Text, value: IDL.Text })),
    body: IDL.Vec(IDL.Nat8),
  });
  const evmErrors = { UnknownToken: IDL.Record({ chain_id: IDL.Nat64, token: IDL.Text }), Rpc: RpcError };
  const solErrors = { UnknownToken: IDL.Record({ mint: IDL.Text }), Rpc: RpcError };
  return {
    eth_send: IDL.Func(
      [IDL.Record({ chain_id: IDL.Nat64, to: IDL.Text, amount: IDL.Nat, token: IDL.Opt(IDL.Text) })],
      result(
        IDL.Record({
          tx_hash: IDL.Text,
          raw_transaction: IDL.Text,
          nonce: IDL.Nat,
          gas_limit: IDL.Nat,
          max_fee_per_gas: IDL.Nat,
          max_priority_fee_per_gas: IDL.Nat,
          transaction_id: IDL.Nat64,
        }),
        IDL.Variant({
          ...signErrors,
          ...evmErrors,
          BroadcastFailed: IDL.Record({ tx_hash: IDL.Text, raw_transaction: IDL.Text, error: RpcError }),
        }),
      ),
      [],
    ),
    eth_balance: IDL.Func(
      [IDL.Record({ chain_id: IDL.Nat64, token: IDL.Opt(IDL.Text) })],
      result(
        IDL.Record({ address: IDL.Text, balance: IDL.Nat, decimals: IDL.Nat8 }),
        IDL.Variant({ ...keyErrors, UnknownChain: IDL.Record({ chain_id: IDL.Nat64 }), ...evmErrors }),
      ),
      [],
    ),
    sol_send: IDL.Func(
      [IDL.Record({ to: IDL.Text, amount: IDL.Nat64, mint: IDL.Opt(IDL.Text), recent_blockhash: IDL.Opt(IDL.Text) })],
      result(
        IDL.Record({ signature: IDL.Text, transaction: IDL.Text, created_recipient_account: IDL.Bool, transaction_id: IDL.Nat64 }),
        IDL.Variant({
          ...signErrors,
          ...solErrors,
          StaleBlockhash: IDL.Record({ blockhash: IDL.Text }),
          BroadcastFailed: IDL.Record({ signature: IDL.Text, transaction: IDL.Text, error: RpcError }),
        }),
      ),
      [],
    ),
    sol_balance: IDL.Func(
      [IDL.Record({ mint: IDL.Opt(IDL.Text) })],
      result(IDL.Record({ address: IDL.Text, balance: IDL.Nat64, decimals: IDL.Nat8 }), IDL.Variant({ ...keyErrors, ...solErrors })),
      [],
    ),
    admin_add_token: IDL.Func([IDL.Variant({ evm: EvmToken, spl: SplToken })], result(IDL.Null, AdminTokenError), []),
    admin_remove_token: IDL.Func(
      [IDL.Variant({ evm: IDL.Record({ chain_id: IDL.Nat64, address: IDL.Text }), spl: IDL.Record({ mint: IDL.Text }) })],
      result(IDL.Null, AdminTokenError),
      [],
    ),
    tokens: IDL.Func([], [IDL.Record({ evm: IDL.Vec(EvmToken), spl: IDL.Vec(SplToken) })], ['query']),
    rpc_transform: IDL.Func([IDL.Record({ response: HttpResponse, context: IDL.Vec(IDL.Nat8) })], [HttpResponse], ['query']),
  };
}
