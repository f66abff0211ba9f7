/**
 * Every JSON-RPC request the wallet sends: method, params, the projection its transform applies,
 * and its `max_response_bytes`. Pure (no azle import).
 *
 * `max_response_bytes` counts the headers too, and it is paid for whether used or not (800·n
 * cycles a byte), so each limit is the largest body the wallet expects from that method plus
 * {@link HEADER_ALLOWANCE}. A larger answer is refused by the IC and becomes `ResponseTooLarge`.
 */
import type { ProjectionName } from './projections.ts';

export type RpcCall<P extends ProjectionName = ProjectionName> = {
  method: string;
  params: unknown[];
  projection: P;
  maxResponseBytes: bigint;
};

/** Room for a provider's response headers (CDNs add a dozen). */
export const HEADER_ALLOWANCE = 2048n;

function call<P extends ProjectionName>(method: string, params: unknown[], projection: P, maxBodyBytes: number): RpcCall<P> {
  return { method, params, projection, maxResponseBytes: BigInt(maxBodyBytes) + HEADER_ALLOWANCE };
}

/** A quantity answer is `{"jsonrpc":"2.0","id":1,"result":"0x…"}`: at most 64 hex digits, under 128 bytes. */
const SMALL = 256;

export const evm = {
  /** The next nonce counting the provider's pending pool. */
  transactionCount: ({ address }: { address: string }) => call('eth_getTransactionCount', [address, 'pending'], 'quantity', SMALL),
  balance: ({ address }: { address: string }) => call('eth_getBalance', [address, 'latest'], 'quantity', SMALL),
  /** ERC-20 `balanceOf(owner)`: selector 0x70a08231 and the owner as one ABI word. */
  erc20Balance: ({ token, owner }: { token: string; owner: string }) =>
    call('eth_call', [{ to: token, data: `0x70a08231${owner.slice(2).toLowerCase().padStart(64, '0')}` }, 'latest'], 'uint256Word', SMALL),
  estimateGas: ({ from, to, value, data }: { from: string; to: string; value: bigint; data: string }) =>
    call('eth_estimateGas', [{ from, to, value: `0x${value.toString(16)}`, data }], 'quantity', 1024),
  maxPriorityFeePerGas: () => call('eth_maxPriorityFeePerGas', [], 'quantity', SMALL),
  /** One block, no reward percentiles: `baseFeePerGas` then holds the latest and the next block's base fee. */
  nextBaseFee: () => call('eth_feeHistory', ['0x1', 'latest', []], 'nextBaseFee', 512),
  /** Error messages can be long (reverts); the body of a success is a hash. */
  sendRawTransaction: ({ raw }: { raw: string }) => call('eth_sendRawTransaction', [raw], 'txHash', 1024),
  /** A receipt with a few logs and the 256-byte bloom; the wallet's own transfers emit at most one log. */
  transactionReceipt: ({ hash }: { hash: string }) => call('eth_getTransactionReceipt', [hash], 'receipt', 4096),
};

/** Finalized state everywhere: providers at different tips still agree on it. */
const FINALIZED = { commitment: 'finalized' };

export const solana = {
  balance: ({ address }: { address: string }) => call('getBalance', [address, FINALIZED], 'solU64Value', 512),
  tokenAccountBalance: ({ account }: { account: string }) => call('getTokenAccountBalance', [account, FINALIZED], 'solTokenAmount', 512),
  /** Existence only: a zero-length data slice keeps the answer small whatever the account holds. */
  accountExists: ({ address }: { address: string }) =>
    call('getAccountInfo', [address, { ...FINALIZED, encoding: 'base64', dataSlice: { offset: 0, length: 0 } }], 'solAccountExists', 512),
  latestBlockhash: () => call('getLatestBlockhash', [FINALIZED], 'solBlockhash', 512),
  isBlockhashValid: ({ blockhash }: { blockhash: string }) => call('isBlockhashValid', [blockhash, FINALIZED], 'solBoolValue', 512),
  /** Preflight failures carry the simulation's logs in `error.data`, a few kilobytes. */
  sendTransaction: ({ wire }: { wire: string }) =>
    call('sendTransaction', [wire, { encoding: 'base64', preflightCommitment: 'finalized' }], 'solSignature', 8192),
  signatureStatus: ({ signature }: { signature: string }) =>
    call('getSignatureStatuses', [[signature], { searchTransactionHistory: true }], 'solSignatureStatus', 512),
};
