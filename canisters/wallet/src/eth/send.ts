/**
 * `eth_send`: one call that builds, signs and broadcasts a native transfer or an ERC-20
 * `transfer` from the caller's own ETH address on a configured EVM chain.
 *
 * 1. Validation before anything else: the chain is configured, the token is on the token list
 *    (tokens.ts), the amount is not zero and fits a uint256, the recipient is an EIP-55 address.
 * 2. Reads through the chain's providers (rpc/, strict majority): the pending transaction count,
 *    the gas estimate, the priority fee and the next block's base fee. Any failure returns the
 *    typed `Rpc` error and nothing is signed.
 * 3. The nonce is allocated synchronously (eth/nonces.ts): sends in flight together never share one.
 * 4. Signed by eth/sign-transaction.ts's `signEthTransaction` (signing.ts: guards, audit log).
 * 5. Broadcast to every provider; recorded in the caller's history (pending, or failed).
 */
import { IDL, type Principal } from 'azle';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as eth from '../../../../src/chains/eth/index.ts';
import { KEY_ERRORS, REQUEST_ERRORS, SIGNING_GUARD_ERRORS, type KeyError, type Result, type SignError } from '../candid.ts';
import { evmChain } from '../config.ts';
import { validated } from '../errors.ts';
import { recordSend } from '../history.ts';
import { keysOf } from '../keys.ts';
import { rpcBroadcast, rpcRead } from '../rpc/client.ts';
import { RpcError as RpcErrorIdl } from '../rpc/candid.ts';
import { evmAlreadyKnown, type RpcError } from '../rpc/consensus.ts';
import { evm } from '../rpc/methods.ts';
import { findEvmToken } from '../tokens.ts';
import { finishNonce, markNonceRead, takeNonce } from './nonces.ts';
import { signEthTransaction } from './sign-transaction.ts';

export const EthSendRequest = IDL.Record({
  chain_id: IDL.Nat64,
  to: IDL.Text,
  /** Wei, or the token's base units. */
  amount: IDL.Nat,
  /** An ERC-20 contract on the token list; none sends the chain's native currency. */
  token: IDL.Opt(IDL.Text),
});
export type EthSendRequest = { chain_id: bigint; to: string; amount: bigint; token: [] | [string] };
export const EthSendResponse = IDL.Record({
  tx_hash: IDL.Text,
  raw_transaction: IDL.Text,
  nonce: IDL.Nat,
  gas_limit: IDL.Nat,
  max_fee_per_gas: IDL.Nat,
  max_priority_fee_per_gas: IDL.Nat,
  /** The send's id in `transactions`. */
  transaction_id: IDL.Nat64,
});
export type EthSendResponse = {
  tx_hash: string;
  raw_transaction: string;
  nonce: bigint;
  gas_limit: bigint;
  max_fee_per_gas: bigint;
  max_priority_fee_per_gas: bigint;
  transaction_id: bigint;
};
/** Errors shared by the EVM endpoints that read through providers. */
export const EVM_RPC_ERRORS = {
  UnknownToken: IDL.Record({ chain_id: IDL.Nat64, token: IDL.Text }),
  Rpc: RpcErrorIdl,
};
export type EvmRpcError = { UnknownToken: { chain_id: bigint; token: string } } | { Rpc: RpcError };
export const EthSendError = IDL.Variant({
  ...KEY_ERRORS,
  ...SIGNING_GUARD_ERRORS,
  ...REQUEST_ERRORS,
  ...EVM_RPC_ERRORS,
  /** Signed (and logged) but no provider accepted it; recorded in history as failed. */
  BroadcastFailed: IDL.Record({ tx_hash: IDL.Text, raw_transaction: IDL.Text, error: RpcErrorIdl }),
});
export type EthSendError = SignError | EvmRpcError | { BroadcastFailed: { tx_hash: string; raw_transaction: string; error: RpcError } };
export const EthSendResult = IDL.Variant({ Ok: EthSendResponse, Err: EthSendError });
export type EthSendResult = Result<EthSendResponse, EthSendError>;

const MAX_UINT256 = (1n << 256n) - 1n;

/** The checks every EVM endpoint with an optional token makes first. */
export function evmTarget({
  chainId,
  token,
}: {
  chainId: bigint;
  token: [] | [string];
}):
  | { Ok: { urls: string[]; token: ReturnType<typeof findEvmToken> } }
  | { Err: { UnknownChain: { chain_id: bigint } } | { UnknownToken: { chain_id: bigint; token: string } } } {
  const chain = evmChain(chainId);
  if (chain === undefined) return { Err: { UnknownChain: { chain_id: chainId } } };
  if (token[0] === undefined) return { Ok: { urls: chain.rpc_urls, token: undefined } };
  const listed = findEvmToken({ chainId, address: token[0] });
  if (listed === undefined) return { Err: { UnknownToken: { chain_id: chainId, token: token[0] } } };
  return { Ok: { urls: chain.rpc_urls, token: listed } };
}

export async function ethSend({ caller, request }: { caller: Principal; request: EthSendRequest }): Promise<EthSendResult> {
  const target = evmTarget({ chainId: request.chain_id, token: request.token });
  if ('Err' in target) return target;
  if (request.amount === 0n) return { Err: { InvalidAmount: { field: 'amount', message: 'a transfer of 0' } } };
  if (request.amount > MAX_UINT256) return { Err: { InvalidAmount: { field: 'amount', message: 'above 2^256 - 1' } } };
  const to = validated({ field: 'to', body: () => eth.parseAddress(request.to) });
  if ('Err' in to) return to;
  const keys: Result<{ addresses: { eth: string } }, KeyError> = await keysOf(caller);
  if ('Err' in keys) return keys;
  const from = keys.Ok.addresses.eth;
  const { urls, token } = target.Ok;
  const chainId = request.chain_id;
  const chain = `evm:${chainId}`;
  const callee = token === undefined ? to.Ok : token.address;
  const value = token === undefined ? request.amount : 0n;
  const data = token === undefined ? new Uint8Array(0) : eth.encodeErc20Transfer({ to: to.Ok, amount: request.amount });

  const mark = markNonceRead({ chainId, address: from });
  const [count, estimate, tip, baseFee] = await Promise.all([
    rpcRead({ chain, urls, call: evm.transactionCount({ address: from }) }),
    rpcRead({ chain, urls, call: evm.estimateGas({ from, to: callee, value, data: `0x${bytesToHex(data)}` }) }),
    rpcRead({ chain, urls, call: evm.maxPriorityFeePerGas() }),
    rpcRead({ chain, urls, call: evm.nextBaseFee() }),
  ]);
  if ('Err' in count) return { Err: { Rpc: count.Err } };
  if ('Err' in estimate) return { Err: { Rpc: estimate.Err } };
  if ('Err' in tip) return { Err: { Rpc: tip.Err } };
  if ('Err' in baseFee) return { Err: { Rpc: baseFee.Err } };
  // State can change between the estimate and inclusion (a token balance slot going from zero to
  // non-zero costs more), and nodes round estimates up: a 20% margin; unused gas is not paid.
  const gas = estimate.Ok + estimate.Ok / 5n;
  // The usual EIP-1559 ceiling: room for the base fee to double before inclusion.
  const maxPriorityFeePerGas = tip.Ok;
  const maxFeePerGas = 2n * baseFee.Ok + tip.Ok;

  const nonce = takeNonce({ chainId, address: from, pendingCount: count.Ok, mark });
  let release = true;
  try {
    const signed = await signEthTransaction({
      caller,
      method: 'eth_send',
      transaction: { chainId, nonce, to: callee, value, data, gas, maxFeePerGas, maxPriorityFeePerGas },
    });
    if ('Err' in signed) return signed;
    release = false;
    const { rawTransaction, hash } = signed.Ok;
    const broadcast = await rpcBroadcast({
      chain,
      urls,
      call: evm.sendRawTransaction({ raw: rawTransaction }),
      expected: hash,
      alreadyKnown: evmAlreadyKnown,
    });
    // Every provider refused it outright: the nonce was never used on the chain, give it back.
    release = 'Err' in broadcast && definitiveRefusal(broadcast.Err);
    const transactionId = recordSend({
      owner: caller,
      chain: { eth: null },
      network: chainId.toString(),
      asset: token === undefined ? 'ETH' : token.address,
      to: to.Ok,
      amount: request.amount,
      fee: gas * maxFeePerGas,
      txid: hash,
      status: 'Err' in broadcast ? { failed: 'no provider accepted the transaction' } : { pending: null },
      details: '',
    });
    if ('Err' in broadcast) return { Err: { BroadcastFailed: { tx_hash: hash, raw_transaction: rawTransaction, error: broadcast.Err } } };
    return {
      Ok: {
        tx_hash: hash,
        raw_transaction: rawTransaction,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: maxFeePerGas,
        max_priority_fee_per_gas: maxPriorityFeePerGas,
        transaction_id: transactionId,
      },
    };
  } finally {
    finishNonce({ chainId, address: from, nonce, release });
  }
}

/** Every provider answered, and each with a JSON-RPC error: nobody holds the transaction. */
function definitiveRefusal(error: RpcError): boolean {
  return 'ProvidersFailed' in error && error.ProvidersFailed.failures.every(({ error }) => 'JsonRpcError' in error);
}
