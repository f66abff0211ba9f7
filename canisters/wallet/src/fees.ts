/**
 * Every fee the wallet pays, in cycles, in one table, each number derived in its comment.
 * Sources: the IC docs' "Threshold signatures: fees" and "Bitcoin API fees and pricing", and
 * dfinity/bitcoin-canister `interface/src/lib.rs` (`Fees::mainnet()`, `Fees::testnet()`).
 */
import type * as btc from '../../../src/chains/btc/index.ts';

/**
 * The fee of one `sign_with_ecdsa` / `sign_with_schnorr` call. `key_1` runs on the 34-node
 * fiduciary subnet: 26,153,846,153 cycles (≈ 0.0035 USD per signature at the XDR rate the docs
 * use); `test_key_1` on a 13-node subnet: 10,000,000,000. Local keys (`dfx_test_key`) are priced
 * like `test_key_1` by PocketIC and the devnet. The same for ECDSA and both Schnorr algorithms.
 */
export function signatureFee(keyName: string): bigint {
  return keyName === 'key_1' ? 26_153_846_153n : 10_000_000_000n;
}

/** What the Bitcoin canister requires attached per call; it accepts its fee and refunds the rest. */
export type BitcoinCallCycles = {
  /** `bitcoin_get_utxos`: `get_utxos_maximum` (mainnet 10B; fee 50M + 10 cycles per 10 instructions). */
  getUtxos: bigint;
  /** `bitcoin_get_balance`: `get_balance_maximum` (mainnet 100M; fee 10M). */
  getBalance: bigint;
  /** `bitcoin_get_current_fee_percentiles`: its maximum (mainnet 100M; fee 10M). */
  getFeePercentiles: bigint;
  /** `bitcoin_send_transaction`: base (mainnet 5B) + per byte (mainnet 20M) × the transaction's bytes. */
  sendTransaction: (bytes: number) => bigint;
};

/** Mainnet figures; the testnet canister (which also serves regtest) charges 0.4 × each. */
export function bitcoinCallCycles(network: btc.BitcoinNetwork): BitcoinCallCycles {
  const scale = (mainnet: bigint) => (network === 'mainnet' ? mainnet : (mainnet * 4n) / 10n);
  return {
    getUtxos: scale(10_000_000_000n),
    getBalance: scale(100_000_000n),
    getFeePercentiles: scale(100_000_000n),
    sendTransaction: (bytes) => scale(5_000_000_000n + 20_000_000n * BigInt(bytes)),
  };
}
