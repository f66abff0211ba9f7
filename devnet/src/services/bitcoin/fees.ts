/**
 * What the Bitcoin canisters charge, in cycles, in one table.
 *
 * Mainnet and testnet figures: dfinity/bitcoin-canister `interface/src/lib.rs` (`Fees::mainnet()`,
 * `Fees::testnet()`), also the IC docs ("Bitcoin API fees and pricing"): the testnet canister
 * (g4xu7-jiaaa-aaaan-aaaaq-cai) charges 0.4 × each mainnet figure. A canister initialised for
 * regtest without `fees` charges nothing (`Fees::default()`); dfx ≥ 0.28 sets the mainnet figures
 * for its regtest canister.
 *
 * Each endpoint first requires `*_maximum` cycles to be attached (trapping otherwise) and then
 * accepts the fee; `get_utxos` and `get_block_headers` add `cycles_per_ten_instructions` for the
 * instructions the call used, capped at `maximum − base`. The devnet does not run the canister's
 * Wasm, so that instruction count is estimated (`estimate*Instructions`).
 */

export interface BitcoinFees {
  getUtxosBase: bigint;
  getUtxosCyclesPerTenInstructions: bigint;
  getUtxosMaximum: bigint;
  getBalance: bigint;
  getBalanceMaximum: bigint;
  getCurrentFeePercentiles: bigint;
  getCurrentFeePercentilesMaximum: bigint;
  sendTransactionBase: bigint;
  sendTransactionPerByte: bigint;
  getBlockHeadersBase: bigint;
  getBlockHeadersCyclesPerTenInstructions: bigint;
  getBlockHeadersMaximum: bigint;
}

export const MAINNET_FEES: BitcoinFees = {
  getUtxosBase: 50_000_000n,
  getUtxosCyclesPerTenInstructions: 10n,
  getUtxosMaximum: 10_000_000_000n,
  getBalance: 10_000_000n,
  getBalanceMaximum: 100_000_000n,
  getCurrentFeePercentiles: 10_000_000n,
  getCurrentFeePercentilesMaximum: 100_000_000n,
  sendTransactionBase: 5_000_000_000n,
  sendTransactionPerByte: 20_000_000n,
  getBlockHeadersBase: 50_000_000n,
  getBlockHeadersCyclesPerTenInstructions: 10n,
  getBlockHeadersMaximum: 10_000_000_000n,
};

/** The testnet canister's fees: each mainnet figure × 0.4. */
export const TESTNET_FEES: BitcoinFees = {
  getUtxosBase: 20_000_000n, // 0.4 × 50M
  getUtxosCyclesPerTenInstructions: 4n, // 0.4 × 10
  getUtxosMaximum: 4_000_000_000n, // 0.4 × 10B
  getBalance: 4_000_000n, // 0.4 × 10M
  getBalanceMaximum: 40_000_000n, // 0.4 × 100M
  getCurrentFeePercentiles: 4_000_000n, // 0.4 × 10M
  getCurrentFeePercentilesMaximum: 40_000_000n, // 0.4 × 100M
  sendTransactionBase: 2_000_000_000n, // 0.4 × 5B
  sendTransactionPerByte: 8_000_000n, // 0.4 × 20M
  getBlockHeadersBase: 20_000_000n, // 0.4 × 50M
  getBlockHeadersCyclesPerTenInstructions: 4n, // 0.4 × 10
  getBlockHeadersMaximum: 4_000_000_000n, // 0.4 × 10B
};

/** What a regtest canister initialised without `fees` charges: nothing (`Fees::default()`). */
export const UNSET_REGTEST_FEES: BitcoinFees = {
  getUtxosBase: 0n,
  getUtxosCyclesPerTenInstructions: 0n,
  getUtxosMaximum: 0n,
  getBalance: 0n,
  getBalanceMaximum: 0n,
  getCurrentFeePercentiles: 0n,
  getCurrentFeePercentilesMaximum: 0n,
  sendTransactionBase: 0n,
  sendTransactionPerByte: 0n,
  getBlockHeadersBase: 0n,
  getBlockHeadersCyclesPerTenInstructions: 0n,
  getBlockHeadersMaximum: 0n,
};

/**
 * Instructions the canister would spend on a `get_utxos` page. Calibrated on the canister's own
 * canbench results (`bitcoin_get_utxos_baseline`: 7.8M instructions for 300 UTXOs): a fixed part
 * for the lookup and encoding plus a per-UTXO part.
 */
export function estimateGetUtxosInstructions(utxosReturned: number): bigint {
  return 5_000_000n + 10_000n * BigInt(utxosReturned);
}

/** Instructions for `get_block_headers` (canbench `bitcoin_get_block_headers_baseline`: 0.37M). */
export function estimateGetBlockHeadersInstructions(headersReturned: number): bigint {
  return 300_000n + 20_000n * BigInt(headersReturned);
}

/** The instruction-based part of a fee: `(instructions / 10) × per-ten`, capped at `maximum − base`. */
export function instructionFee(args: { instructions: bigint; perTen: bigint; base: bigint; maximum: bigint }): bigint {
  const fee = (args.instructions / 10n) * args.perTen;
  const cap = args.maximum - args.base;
  return fee < cap ? fee : cap;
}
