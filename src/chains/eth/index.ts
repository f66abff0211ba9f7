/**
 * Ethereum: addresses, EIP-1559 transactions, signature completion, ERC-20 call data and
 * amounts, as pure functions over bytes (Node, browser and Azle canister alike).
 * Import as a namespace next to the other chains: `import * as eth from './chains/eth/index.ts'`.
 */
export { isAddress, parseAddress, publicKeyToAddress, uncompressedPublicKey } from './address.ts';
export type { Address, ParseAddressErrorType, PublicKeyToAddressErrorType } from './address.ts';
export { ETH_DECIMALS, formatErc20Amount, formatEther, parseErc20Amount, parseEther } from './amount.ts';
export { decodeErc20Transfer, encodeErc20Transfer, ERC20_TRANSFER_SELECTOR } from './erc20.ts';
export type { EncodeErc20TransferErrorType } from './erc20.ts';
export {
  EthError,
  InvalidAddressError,
  InvalidCallDataError,
  InvalidMessageError,
  InvalidPublicKeyError,
  InvalidSignatureError,
  InvalidTransactionError,
} from './errors.ts';
export {
  assertRecoverableSignature,
  hashPersonalMessage,
  personalSignature,
  serializeSignature,
  toRecoverableSignature,
} from './signature.ts';
export type { RecoverableSignature, ToRecoverableSignatureErrorType } from './signature.ts';
export {
  assembleSignedTransaction,
  EIP1559_TRANSACTION_TYPE,
  serializeSignedTransaction,
  serializeUnsignedTransaction,
  transactionHash,
  transactionSigningHash,
  validateTransaction,
} from './transaction.ts';
export type {
  AssembleSignedTransactionErrorType,
  Eip1559Transaction,
  SignedTransaction,
  ValidatedEip1559Transaction,
  ValidateTransactionErrorType,
} from './transaction.ts';
