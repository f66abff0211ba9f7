/**
 * Bitcoin for the wallet canister: addresses from the IC's threshold keys, address parsing,
 * transaction building, sighashes for the IC to sign, and assembly of its signatures.
 * Pure functions over bytes: no `azle` import, no Buffer, Intl, fetch, URL or timers, so the
 * same code runs in Node, a browser and an Azle (QuickJS) canister.
 *
 * Why @scure/btc-signer (with @noble/curves, @noble/hashes, @scure/base) is THE implementation:
 * - Uint8Array-native: no Buffer polyfill, which Azle's runtime does not have;
 * - small and audited, with few dependencies, all by the same author as our crypto libraries
 *   (@noble/curves and @noble/hashes are already the project's secp256k1 and SHA-2), so one
 *   audited code base covers keys, hashing and transactions;
 * - pure JavaScript secp256k1 (no WASM or native addon), which works under QuickJS.
 * The one exception is the sighash digests (BIP143, BIP341), written in transaction.ts: the
 * library recomputes the hashes over all inputs and outputs for every input, quadratic in the
 * inputs, which a canister's instruction limit cannot afford.
 * bitcoinjs-lib@7 with @bitcoinerlab/secp256k1 is kept as the independent second
 * implementation: tests only, cross-checking every address, transaction, sighash and txid.
 *
 * Flow in the canister:
 *   1. `p2wpkhAddress` / `p2trAddress` from `ecdsa_public_key` / `schnorr_public_key`;
 *   2. `buildTransaction` from `bitcoin_get_utxos` and the fee percentiles;
 *   3. `getSighashes`, then `sign_with_ecdsa` (P2WPKH) or `sign_with_schnorr` with
 *      `aux = bip341 { merkle_root_hash = empty }` (P2TR) for each;
 *   4. `finalizeTransaction`, then `bitcoin_send_transaction` with its `bytes`.
 */
export {
  assertCompressedPublicKey,
  assertNetwork,
  BITCOIN_NETWORKS,
  p2trAddress,
  p2wpkhAddress,
  parseAddress,
  taprootOutputKey,
} from './address.ts';
export type {
  AddressType,
  AssertCompressedPublicKeyErrorType,
  AssertNetworkErrorType,
  BitcoinNetwork,
  P2trAddressErrorType,
  P2wpkhAddressErrorType,
  ParseAddressErrorType,
  ParsedAddress,
  TaprootOutputKeyErrorType,
} from './address.ts';
export { assertSatoshis, BTC_DECIMALS, formatBtc, MAX_MONEY, parseBtc, SATOSHIS_PER_BTC } from './amount.ts';
export type { FormatBtcErrorType, ParseBtcErrorType } from './amount.ts';
export {
  buildTransaction,
  DUST_THRESHOLDS,
  estimateFee,
  estimateVsize,
  getSighash,
  getSighashes,
  inputTypeOf,
  MAX_FEE_RATE_SAT_PER_VBYTE,
  MAX_INPUTS,
  MAX_STANDARD_TX_WEIGHT,
  MIN_RELAY_FEE_MILLISAT_PER_VBYTE,
  RBF_SEQUENCE,
  serializeTransaction,
  TX_VERSION,
  validateTransaction,
} from './transaction.ts';
export type {
  BuildTransactionErrorType,
  BuiltTransaction,
  EstimateFeeErrorType,
  EstimateVsizeErrorType,
  FeeRate,
  GetSighashErrorType,
  InputType,
  Payment,
  SerializeTransactionErrorType,
  TxInput,
  TxOutput,
  UnsignedTransaction,
  Utxo,
  ValidatedTransaction,
  ValidateTransactionErrorType,
} from './transaction.ts';
export { encodeDerSignature, finalizeTransaction, p2trKeyPathWitness, p2wpkhWitness } from './signature.ts';
export type {
  EncodeDerSignatureErrorType,
  FinalizeTransactionErrorType,
  InputSignature,
  P2trKeyPathWitnessErrorType,
  P2wpkhWitnessErrorType,
  SignedTransaction,
} from './signature.ts';
export * from './errors.ts';
