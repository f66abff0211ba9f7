/** EVM sends from the app: the address checked as typed (src/chains/eth), the review, eth_send. */
import { parseAddress } from '../../../../src/chains/eth/address.ts';
import type { WalletApi } from '../lib/api/wallet.api.ts';
import { formatAmount } from '../lib/utils/amount.utils.ts';
import { ethExplorerUrl } from '../lib/utils/explorer.utils.ts';
import type { ReviewField, SendOutcome } from '../lib/utils/send.utils.ts';

/** The gas of a plain value transfer (Ethereum yellow paper, G_transaction). */
export const NATIVE_TRANSFER_GAS = 21_000n;

export function validateEthAddress(address: string): string | null {
  try {
    parseAddress(address.trim());
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export interface EthSendPlan {
  chainId: bigint;
  chainName: string;
  to: string;
  amount: bigint;
  /** null for the chain's native ETH, else the ERC-20 contract. */
  token: string | null;
  symbol: string;
  decimals: number;
}

export function ethReview(plan: EthSendPlan): ReviewField[] {
  return [
    { label: 'Method', value: 'eth_send' },
    { label: 'chain_id', value: `${plan.chainId} (${plan.chainName})` },
    { label: 'to', value: parseAddress(plan.to.trim()) },
    { label: 'amount', value: `${plan.amount} base units (${formatAmount(plan.amount, plan.decimals)} ${plan.symbol})` },
    { label: 'token', value: plan.token ?? 'none (native ETH)' },
    {
      label: 'Fee estimate',
      value:
        plan.token === null
          ? `${NATIVE_TRANSFER_GAS} gas × the max fee per gas the wallet reads from its providers at signing (shown after sending)`
          : 'the gas the wallet estimates with its providers × their max fee per gas (shown after sending)',
    },
  ];
}

export async function ethSend(api: WalletApi, plan: EthSendPlan): Promise<SendOutcome> {
  const sent = await api.ethSend({ chainId: plan.chainId, to: plan.to.trim(), amount: plan.amount, token: plan.token });
  return {
    txid: sent.tx_hash,
    explorerUrl: ethExplorerUrl(plan.chainId, sent.tx_hash),
    signed: [
      { label: 'tx_hash', value: sent.tx_hash },
      { label: 'nonce', value: sent.nonce.toString() },
      { label: 'gas_limit', value: sent.gas_limit.toString() },
      { label: 'max_fee_per_gas', value: `${sent.max_fee_per_gas} wei` },
      { label: 'max_priority_fee_per_gas', value: `${sent.max_priority_fee_per_gas} wei` },
      { label: 'Maximum fee', value: `${formatAmount(sent.gas_limit * sent.max_fee_per_gas, 18)} ETH` },
      { label: 'raw_transaction', value: sent.raw_transaction },
    ],
  };
}
