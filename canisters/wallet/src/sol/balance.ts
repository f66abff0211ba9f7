/**
 * `sol_balance`: the caller's lamports (getBalance) or, for a mint on the token list, the amount
 * in their associated token account (0 when the account does not exist), agreed by a strict
 * majority of the cluster's providers at finalized commitment.
 */
import { IDL, type Principal } from 'azle';
import * as sol from '../../../../src/chains/sol/index.ts';
import { KEY_ERRORS, type KeyError, type Result } from '../candid.ts';
import { loadConfig } from '../config.ts';
import { keysOf } from '../keys.ts';
import { rpcRead } from '../rpc/client.ts';
import { solana } from '../rpc/methods.ts';
import { SOL_RPC_ERRORS, splTarget, type SolRpcError } from './send.ts';

export const SolBalanceRequest = IDL.Record({ mint: IDL.Opt(IDL.Text) });
export type SolBalanceRequest = { mint: [] | [string] };
export const SolBalanceResponse = IDL.Record({
  address: IDL.Text,
  /** Lamports, or the token's base units. */
  balance: IDL.Nat64,
  /** 9 for SOL; the token list's decimals for a mint. */
  decimals: IDL.Nat8,
});
export type SolBalanceResponse = { address: string; balance: bigint; decimals: number };
export const SolBalanceError = IDL.Variant({ ...KEY_ERRORS, ...SOL_RPC_ERRORS });
export type SolBalanceError = KeyError | SolRpcError;
export const SolBalanceResult = IDL.Variant({ Ok: SolBalanceResponse, Err: SolBalanceError });
export type SolBalanceResult = Result<SolBalanceResponse, SolBalanceError>;

export async function solBalance({ caller, request }: { caller: Principal; request: SolBalanceRequest }): Promise<SolBalanceResult> {
  const token = splTarget(request.mint);
  if ('Err' in token) return token;
  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const address = keys.Ok.addresses.sol;
  const urls = loadConfig().solana.rpc_urls;
  const chain = 'solana';
  if (token.Ok === undefined) {
    const lamports = await rpcRead({ chain, urls, call: solana.balance({ address }) });
    if ('Err' in lamports) return { Err: { Rpc: lamports.Err } };
    return { Ok: { address, balance: lamports.Ok, decimals: sol.SOL_DECIMALS } };
  }
  const account = sol.findAssociatedTokenAddress({ owner: address, mint: token.Ok.mint });
  const exists = await rpcRead({ chain, urls, call: solana.accountExists({ address: account }) });
  if ('Err' in exists) return { Err: { Rpc: exists.Err } };
  if (!exists.Ok) return { Ok: { address, balance: 0n, decimals: token.Ok.decimals } };
  const amount = await rpcRead({ chain, urls, call: solana.tokenAccountBalance({ account }) });
  if ('Err' in amount) return { Err: { Rpc: amount.Err } };
  return { Ok: { address, balance: amount.Ok.amount, decimals: token.Ok.decimals } };
}
