/**
 * The tokens the wallet sends and reads: a controller-managed list of ERC-20 contracts per EVM
 * chain and of SPL mints, in stable memory. A send or balance of a token not on the list is the
 * typed error `UnknownToken`: the list is where decimals and symbols come from (the canister
 * never trusts a contract's own `decimals()`), and it keeps users from sending through arbitrary
 * contracts with the wallet's gas estimates. Only the Token program's mints (not Token-2022).
 */
import { IDL, StableBTreeMap, stableJson, type Principal } from 'azle';
import { appendAdminEntry } from './audit/log.ts';
import { ACCESS_ERRORS, type AccessError, type Result } from './candid.ts';
import { loadConfig } from './config.ts';
import { requireController } from './guards.ts';
import { MEMORY } from './memory.ts';
import * as eth from '../../../src/chains/eth/index.ts';
import * as sol from '../../../src/chains/sol/index.ts';

export const EvmToken = IDL.Record({ chain_id: IDL.Nat64, address: IDL.Text, symbol: IDL.Text, decimals: IDL.Nat8 });
export type EvmToken = { chain_id: bigint; address: string; symbol: string; decimals: number };
export const SplToken = IDL.Record({ mint: IDL.Text, symbol: IDL.Text, decimals: IDL.Nat8 });
export type SplToken = { mint: string; symbol: string; decimals: number };

export const AdminAddTokenRequest = IDL.Variant({ evm: EvmToken, spl: SplToken });
export type AdminAddTokenRequest = { evm: EvmToken } | { spl: SplToken };
export const AdminRemoveTokenRequest = IDL.Variant({
  evm: IDL.Record({ chain_id: IDL.Nat64, address: IDL.Text }),
  spl: IDL.Record({ mint: IDL.Text }),
});
export type AdminRemoveTokenRequest = { evm: { chain_id: bigint; address: string } } | { spl: { mint: string } };
export const TokensResponse = IDL.Record({ evm: IDL.Vec(EvmToken), spl: IDL.Vec(SplToken) });
export type TokensResponse = { evm: EvmToken[]; spl: SplToken[] };

/** Why a token list change was refused (the admin guard's errors come first, in index.ts). */
const TOKEN_LIST_ERRORS = {
  UnknownChain: IDL.Record({ chain_id: IDL.Nat64 }),
  InvalidAddress: IDL.Record({ address: IDL.Text, reason: IDL.Text }),
  InvalidSymbol: IDL.Record({ symbol: IDL.Text }),
  InvalidDecimals: IDL.Record({ decimals: IDL.Nat8 }),
  UnknownToken: IDL.Record({ token: IDL.Text }),
};
export type TokenListError =
  | { UnknownChain: { chain_id: bigint } }
  | { InvalidAddress: { address: string; reason: string } }
  | { InvalidSymbol: { symbol: string } }
  | { InvalidDecimals: { decimals: number } }
  | { UnknownToken: { token: string } };

type Stored = { evm: EvmToken } | { spl: SplToken };
const store = new StableBTreeMap<string, Stored>(MEMORY.tokens, stableJson, stableJson);
const evmKey = ({ chainId, address }: { chainId: bigint; address: string }) => `evm:${chainId}:${address.toLowerCase()}`;
const splKey = (mint: string) => `spl:${mint}`;

/** The ERC-20 at `address` on `chainId`, if listed. `address` is compared case-insensitively. */
export function findEvmToken({ chainId, address }: { chainId: bigint; address: string }): EvmToken | undefined {
  const entry = store.get(evmKey({ chainId, address }));
  return entry !== undefined && 'evm' in entry ? entry.evm : undefined;
}

export function findSplToken(mint: string): SplToken | undefined {
  const entry = store.get(splKey(mint));
  return entry !== undefined && 'spl' in entry ? entry.spl : undefined;
}

export function listTokens(): TokensResponse {
  const result: TokensResponse = { evm: [], spl: [] };
  for (const entry of store.values()) {
    if ('evm' in entry) result.evm.push(entry.evm);
    else result.spl.push(entry.spl);
  }
  return result;
}

const SYMBOL = /^[A-Za-z0-9.\-_$]{1,16}$/;

/** Validates and stores a token (replacing one at the same address); `chainIds` are the configured EVM chains. */
function addToken({ request, chainIds }: { request: AdminAddTokenRequest; chainIds: bigint[] }): { Ok: null } | { Err: TokenListError } {
  const { symbol, decimals } = 'evm' in request ? request.evm : request.spl;
  if (!SYMBOL.test(symbol)) return { Err: { InvalidSymbol: { symbol } } };
  if ('evm' in request) {
    const { chain_id, address } = request.evm;
    if (!chainIds.includes(chain_id)) return { Err: { UnknownChain: { chain_id } } };
    // ERC-20 amounts are uint256: 77 decimal digits at most.
    if (decimals > 77) return { Err: { InvalidDecimals: { decimals } } };
    let checksummed: string;
    try {
      checksummed = eth.parseAddress(address);
    } catch (error) {
      return { Err: { InvalidAddress: { address, reason: error instanceof Error ? error.message : String(error) } } };
    }
    store.insert(evmKey({ chainId: chain_id, address: checksummed }), { evm: { chain_id, address: checksummed, symbol, decimals } });
    return { Ok: null };
  }
  const { mint } = request.spl;
  try {
    sol.parseAddress(mint);
  } catch (error) {
    return { Err: { InvalidAddress: { address: mint, reason: error instanceof Error ? error.message : String(error) } } };
  }
  store.insert(splKey(mint), { spl: { mint, symbol, decimals } });
  return { Ok: null };
}

function removeToken(request: AdminRemoveTokenRequest): { Ok: null } | { Err: TokenListError } {
  const key = 'evm' in request ? evmKey({ chainId: request.evm.chain_id, address: request.evm.address }) : splKey(request.spl.mint);
  if (store.remove(key) === undefined)
    return { Err: { UnknownToken: { token: 'evm' in request ? request.evm.address : request.spl.mint } } };
  return { Ok: null };
}

export const AdminTokenError = IDL.Variant({ ...ACCESS_ERRORS, ...TOKEN_LIST_ERRORS });
export type AdminTokenError = AccessError | TokenListError;
export const AdminTokenResult = IDL.Variant({ Ok: IDL.Null, Err: AdminTokenError });
export type AdminTokenResult = Result<null, AdminTokenError>;

/** The token list as one line of JSON, for the admin entries' before and after. */
function describeTokens(): string {
  const { evm, spl } = listTokens();
  return JSON.stringify({
    evm: evm.map((t) => ({ ...t, chain_id: t.chain_id.toString() })),
    spl,
  });
}

/** Controller only; logged like every admin change (the list before and after). */
export function adminAddToken({ caller, request }: { caller: Principal; request: AdminAddTokenRequest }): AdminTokenResult {
  const refused = requireController(caller);
  if (refused !== undefined) return { Err: refused };
  const before = describeTokens();
  const added = addToken({ request, chainIds: loadConfig().evm_chains.map((c) => c.chain_id) });
  if ('Err' in added) return added;
  appendAdminEntry({ caller, method: 'admin_add_token', before, after: describeTokens() });
  return { Ok: null };
}

export function adminRemoveToken({ caller, request }: { caller: Principal; request: AdminRemoveTokenRequest }): AdminTokenResult {
  const refused = requireController(caller);
  if (refused !== undefined) return { Err: refused };
  const before = describeTokens();
  const removed = removeToken(request);
  if ('Err' in removed) return removed;
  appendAdminEntry({ caller, method: 'admin_remove_token', before, after: describeTokens() });
  return { Ok: null };
}
