/**
 * Solana: addresses, SOL and SPL transfer messages, signature attachment and amounts, as pure
 * functions over bytes (Node, browser and Azle canister alike; see `intl-collator.ts` for the
 * one thing kit needs that the canister lacks).
 * Import as a namespace next to the other chains: `import * as sol from './chains/sol/index.ts'`.
 */
export {
  addressToBytes,
  findAssociatedTokenAddress,
  isAddress,
  isOnCurveAddress,
  parseAddress,
  parseTokenProgram,
  publicKeyToAddress,
  TOKEN_2022_PROGRAM_ADDRESS,
  TOKEN_PROGRAM_ADDRESS,
} from './address.ts';
export type { Address, ParseAddressErrorType, PublicKeyToAddressErrorType, TokenProgramAddress } from './address.ts';
export { formatSol, formatSplAmount, MAX_U64, parseSol, parseSplAmount, SOL_DECIMALS } from './amount.ts';
export { InvalidAddressError, InvalidPublicKeyError, InvalidSignatureError, InvalidTransactionError, SolError } from './errors.ts';
export { compareAddresses, withAddressCollator } from './intl-collator.ts';
export { attachSignature } from './signature.ts';
export type { AttachSignatureErrorType, SignedSolTransaction } from './signature.ts';
export { compileSolTransferMessage, compileSplTransferMessage, compileTransactionMessage, MAX_TRANSACTION_SIZE } from './transaction.ts';
export type { CompileTransactionMessageErrorType } from './transaction.ts';
