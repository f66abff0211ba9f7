/**
 * `eth_balance`: the caller's balance on a configured EVM chain, native (eth_getBalance) or of an
 * ERC-20 on the token list (`balanceOf` through eth_call), agreed by a strict majority of the
 * chain's providers at the `latest` block.
 */
import { IDL, type Principal } from 'azle';
import { KEY_ERRORS, type KeyError, type Result } from '../candid.ts';
import { keysOf } from '../keys.ts';
import { rpcRead } from '../rpc/client.ts';
import { evm } from '../rpc/methods.ts';
import { EVM_RPC_ERRORS, evmTarget, type EvmRpcError } from './send.ts';

export const EthBalanceRequest = IDL.Record({ chain_id: IDL.Nat64, token: IDL.Opt(IDL.Text) });
export type EthBalanceRequest = { chain_id: bigint; token: [] | [string] };
export const EthBalanceResponse = IDL.Record({
  address: IDL.Text,
  /** Wei, or the token's base units. */
  balance: IDL.Nat,
  /** 18 for the native currency; the token list's decimals for a token. */
  decimals: IDL.Nat8,
});
export type EthBalanceResponse = { address: string; balance: bigint; decimals: number };
export const EthBalanceError = IDL.Variant({ ...KEY_ERRORS, UnknownChain: IDL.Record({ chain_id: IDL.Nat64 }), ...EVM_RPC_ERRORS });
export type EthBalanceError = KeyError | { UnknownChain: { chain_id: bigint } } | EvmRpcError;
export const EthBalanceResult = IDL.Variant({ Ok: EthBalanceResponse, Err: EthBalanceError });
export type EthBalanceResult = Result<EthBalanceResponse, EthBalanceError>;

export async function ethBalance({ caller, request }: { caller: Principal; request: EthBalanceRequest }): Promise<EthBalanceResult> {
  const target = evmTarget({ chainId: request.chain_id, token: request.token });
  if ('Err' in target) return target;
  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const address = keys.Ok.addresses.eth;
  const { urls, token } = target.Ok;
  const chain = `evm:${request.chain_id}`;
  const balance = await rpcRead({
    chain,
    urls,
    call: token === undefined ? evm.balance({ address }) : evm.erc20Balance({ token: token.address, owner: address }),
  });
  if ('Err' in balance) return { Err: { Rpc: balance.Err } };
  return { Ok: { address, balance: balance.Ok, decimals: token === undefined ? 18 : token.decimals } };
}
