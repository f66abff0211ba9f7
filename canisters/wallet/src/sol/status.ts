/**
 * Refreshes pending Solana sends with getSignatureStatuses (agreed by the cluster's providers)
 * when the caller reads `transactions`: confirmed or finalized is confirmed; an error is failed;
 * unknown or processed stays pending. A provider failure leaves the send pending.
 */
import { loadConfig } from '../config.ts';
import { registerStatusRefresher, setStatus } from '../history.ts';
import { rpcRead } from '../rpc/client.ts';
import { solana } from '../rpc/methods.ts';

/** Each pending send costs one outcall per provider: at most this many per read. */
export const MAX_REFRESHED_PER_READ = 10;

registerStatusRefresher({
  chain: 'sol',
  refresher: async ({ owner, pending }) => {
    const urls = loadConfig().solana.rpc_urls;
    await Promise.all(
      pending.slice(0, MAX_REFRESHED_PER_READ).map(async (tx) => {
        const status = await rpcRead({ chain: 'solana', urls, call: solana.signatureStatus({ signature: tx.txid }) });
        if ('Err' in status) return;
        if (status.Ok.state === 'confirmed') setStatus({ owner, id: tx.id, status: { confirmed: null } });
        if (status.Ok.state === 'failed') setStatus({ owner, id: tx.id, status: { failed: status.Ok.error } });
      }),
    );
  },
});
