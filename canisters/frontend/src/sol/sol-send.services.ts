/** Solana sends from the app: the address checked as typed (src/chains/sol), the review, sol_send. */
import { parseAddress } from '../../../../src/chains/sol/address.ts';
import type { WalletApi } from '../lib/api/wallet.api.ts';
import { formatAmount } from '../lib/utils/amount.utils.ts';
import { solExplorerUrl } from '../lib/utils/explorer.utils.ts';
import type { ReviewField, SendOutcome } from '../lib/utils/send.utils.ts';

/** Solana's fee per signature; a transfer from the wallet has one signer. */
export const LAMPORTS_PER_SIGNATURE = 5_000n;

export function validateSolAddress(address: string): string | null {
  try {
    parseAddress(address.trim());
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export interface SolSendPlan {
  cluster: string;
  to: string;
  amount: bigint;
  /** null for SOL, else the SPL mint. */
  mint: string | null;
  symbol: string;
  decimals: number;
}

export function solReview(plan: SolSendPlan): ReviewField[] {
  return [
    { label: 'Method', value: 'sol_send' },
    { label: 'Cluster', value: plan.cluster },
    { label: 'to', value: plan.to.trim() },
    { label: 'amount', value: `${plan.amount} base units (${formatAmount(plan.amount, plan.decimals)} ${plan.symbol})` },
    { label: 'mint', value: plan.mint ?? 'none (native SOL)' },
    {
      label: 'Fee estimate',
      value:
        plan.mint === null
          ? `${LAMPORTS_PER_SIGNATURE} lamports (${formatAmount(LAMPORTS_PER_SIGNATURE, 9)} SOL)`
          : `${LAMPORTS_PER_SIGNATURE} lamports, plus the rent of the recipient's token account if the wallet must create it`,
    },
  ];
}

export async function solSend(api: WalletApi, plan: SolSendPlan): Promise<SendOutcome> {
  const sent = await api.solSend({ to: plan.to.trim(), amount: plan.amount, mint: plan.mint });
  return {
    txid: sent.signature,
    explorerUrl: solExplorerUrl(plan.cluster, sent.signature),
    signed: [
      { label: 'signature', value: sent.signature },
      { label: 'created_recipient_account', value: sent.created_recipient_account ? 'yes' : 'no' },
      { label: 'transaction', value: sent.transaction },
    ],
  };
}
