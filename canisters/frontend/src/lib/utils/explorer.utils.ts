/**
 * Explorer links for a transaction, where the network has a public explorer (none for regtest,
 * the devnet's EVM chain or a local Solana validator). Links are navigations the user chooses;
 * the app itself never requests them (CSP connect-src is the IC host only).
 */
export function btcExplorerUrl(network: string, txid: string): string | null {
  if (network === 'mainnet') return `https://mempool.space/tx/${txid}`;
  if (network === 'testnet') return `https://mempool.space/testnet4/tx/${txid}`;
  return null;
}

const ETH_EXPLORERS: Record<string, string> = {
  '1': 'https://etherscan.io/tx/',
  '11155111': 'https://sepolia.etherscan.io/tx/',
  '8453': 'https://basescan.org/tx/',
  '10': 'https://optimistic.etherscan.io/tx/',
  '42161': 'https://arbiscan.io/tx/',
};

export function ethExplorerUrl(chainId: bigint, txHash: string): string | null {
  const base = ETH_EXPLORERS[chainId.toString()];
  return base === undefined ? null : `${base}${txHash}`;
}

export function solExplorerUrl(cluster: string, signature: string): string | null {
  if (cluster === 'mainnet') return `https://explorer.solana.com/tx/${signature}`;
  if (cluster === 'devnet' || cluster === 'testnet') return `https://explorer.solana.com/tx/${signature}?cluster=${cluster}`;
  return null;
}
