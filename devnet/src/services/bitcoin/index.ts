/**
 * The devnet's Bitcoin: an in-memory regtest chain and the IC's Bitcoin canister answering over it
 * at both Bitcoin canister ids. See README.md in this folder for behaviour and deviations.
 */
export {
  BitcoinCanister,
  BITCOIN_MAINNET_CANISTER_ID,
  BITCOIN_TESTNET_CANISTER_ID,
  DEFAULT_STABILITY_THRESHOLD,
  DEVNET_FALLBACK_FEE_RATE_MSAT_PER_VBYTE,
  encodePage,
  FEE_PERCENTILES_TRANSACTIONS,
  feePercentiles,
  MAX_BLOCK_HEADERS_PER_RESPONSE,
  MAX_UTXOS_PER_RESPONSE,
  PAGE_LENGTH,
  type BitcoinCanisterOptions,
  type RejectCode,
  type ServiceResult,
} from './canister.ts';
export {
  COINBASE_MATURITY,
  DEVNET_MINER_ADDRESS,
  DEVNET_MINER_SCRIPT,
  FAUCET_TXID,
  feeRateMsatPerVbyte,
  MAX_BLOCKS_PER_MINE,
  RegtestChain,
  type BlockInfo,
  type Coin,
  type RegtestChainOptions,
  type Utxo,
} from './chain.ts';
export { MAINNET_FEES, TESTNET_FEES, UNSET_REGTEST_FEES, type BitcoinFees } from './fees.ts';
export { addressToScript, scriptToAddress, type BitcoinNetwork } from './address.ts';
export { InvalidAddressError, InvalidAdminArgumentError, MalformedTransactionError, TransactionRejectedError } from './errors.ts';
export { handleAdminRequest, ADMIN_ROUTE_PREFIX, type AdminResponse } from './admin-routes.ts';
export { createBitcoinAdminClient, BitcoinAdminError, type BitcoinAdminClient } from './admin-client.ts';
