/**
 * Refreshes pending EVM sends from their receipts (eth_getTransactionReceipt, agreed by the
 * chain's providers) when the caller reads `transactions`: no receipt yet stays pending; status
 * 1 is confirmed; status 0 is failed. A provider failure leaves the send pending.
 */
import { evmChain } from '../config.ts';
import { registerStatusRefresher, setStatus } from '../history.ts';
import { rpcRead } from '../rpc/client.ts';
import { evm } from '../rpc/methods.ts';

/** Each pending send costs one outcall per provider: at most this many per read. */
export const MAX_REFRESHED_PER_READ = 10;

registerStatusRefresher({
  chain: 'eth',
  refresher: async ({ owner, pending }) => {
    await Promise.all(
      pending.slice(0, MAX_REFRESHED_PER_READ).map(async (tx) => {
        const chain = /^[0-9]+$/.test(tx.network) ? evmChain(BigInt(tx.network)) : undefined;
        if (chain === undefined) return;
        const receipt = await rpcRead({
          chain: `evm:${chain.chain_id}`,
          urls: chain.rpc_urls,
          call: evm.transactionReceipt({ hash: tx.txid }),
        });
        if ('Err' in receipt || receipt.Ok === null) return;
        setStatus({
          owner,
          id: tx.id,
          status: receipt.Ok.succeeded ? { confirmed: null } : { failed: `reverted in block ${receipt.Ok.blockNumber}` },
        });
      }),
    );
  },
});
