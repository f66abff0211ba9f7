/** Bitcoin sends from the app: the address checked as typed (src/chains/btc), the review, btc_send. */
import { parseAddress, type BitcoinNetwork } from '../../../../src/chains/btc/address.ts';
import type { BtcAddressType, WalletApi } from '../lib/api/wallet.api.ts';
import { formatAmount } from '../lib/utils/amount.utils.ts';
import { btcExplorerUrl } from '../lib/utils/explorer.utils.ts';
import type { ReviewField, SendOutcome } from '../lib/utils/send.utils.ts';

/** A P2WPKH spend of one input with a payment and a change output: 10.5 + 68 + 2 × 31 vbytes, rounded up. */
export const TYPICAL_BTC_SEND_VBYTES = 141n;

export function btcNetworkOf(variant: Record<string, null>): BitcoinNetwork {
  return Object.keys(variant)[0] as BitcoinNetwork;
}

/** null when `address` is a Bitcoin address of `network`, else why not. */
export function validateBtcAddress(address: string, network: BitcoinNetwork): string | null {
  try {
    parseAddress({ address: address.trim(), network });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export interface BtcSendPlan {
  network: BitcoinNetwork;
  to: string;
  amountSats: bigint;
  addressType: BtcAddressType;
  feeRateSatPerVb: bigint;
}

export function btcFeeEstimateSats(plan: Pick<BtcSendPlan, 'feeRateSatPerVb'>): bigint {
  return plan.feeRateSatPerVb * TYPICAL_BTC_SEND_VBYTES;
}

/** What btc_send receives: the canister selects the coins and signs exactly these fields. */
export function btcReview(plan: BtcSendPlan): ReviewField[] {
  return [
    { label: 'Method', value: 'btc_send' },
    { label: 'Network', value: `Bitcoin ${plan.network}` },
    { label: 'From (address type)', value: 'p2wpkh' in plan.addressType ? 'P2WPKH' : 'P2TR' },
    { label: 'to', value: plan.to },
    { label: 'amount_sats', value: `${plan.amountSats} sats (${formatAmount(plan.amountSats, 8)} BTC)` },
    { label: 'fee_rate_msat_per_vb', value: `${plan.feeRateSatPerVb * 1000n} (${plan.feeRateSatPerVb} sat/vB)` },
    {
      label: 'Fee estimate',
      value: `about ${btcFeeEstimateSats(plan)} sats for a one-input payment; the exact fee depends on the coins selected`,
    },
  ];
}

export async function btcSend(api: WalletApi, plan: BtcSendPlan): Promise<SendOutcome> {
  const sent = await api.btcSend({
    to: plan.to,
    amountSats: plan.amountSats,
    addressType: plan.addressType,
    feeRateMsatPerVb: plan.feeRateSatPerVb * 1000n,
  });
  return {
    txid: sent.txid,
    explorerUrl: btcExplorerUrl(plan.network, sent.txid),
    signed: [
      { label: 'txid', value: sent.txid },
      { label: 'fee_sats', value: `${sent.fee_sats} sats` },
      { label: 'raw_transaction', value: sent.raw_transaction },
    ],
  };
}
