/**
 * Attaching the IC's Ed25519 signature (`sign_with_schnorr`, algorithm `ed25519`, 64 bytes)
 * to compiled message bytes, and the encodings a node and an explorer expect: the wire
 * transaction in base64 (`sendTransaction` with `encoding: "base64"`) and the transaction
 * signature in base58 (the transaction id).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58, base64 } from '@scure/base';
import { getCompiledTransactionMessageDecoder, getTransactionEncoder } from '@solana/kit';
import type { SignatureBytes, Transaction, TransactionMessageBytes } from '@solana/kit';
import { addressToBytes } from './address.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import type { InvalidArgumentError } from '../../lib/errors.ts';
import { InvalidSignatureError, InvalidTransactionError } from './errors.ts';
import { MAX_TRANSACTION_SIZE } from './transaction.ts';

export type SignedSolTransaction = {
  /** The signed transaction as sent on the wire: compact-u16 signature count ‖ signature ‖ message. */
  transactionBytes: Uint8Array;
  /** `transactionBytes` in base64, for `sendTransaction(…, { encoding: 'base64' })`. */
  wireTransaction: string;
  /** The fee payer's signature in base58: the transaction id explorers and `getSignatureStatuses` use. */
  signature: string;
};

export type AttachSignatureErrorType = InvalidSignatureError | InvalidTransactionError | InvalidArgumentError;

/**
 * Attaches the fee payer's 64-byte Ed25519 signature of `messageBytes`, after checking it:
 * the message must need exactly one signature (the fee payer's, the first static account)
 * and the signature must verify over the message for that key (RFC 8032 strict verification,
 * as the Solana runtime's `verify_strict`).
 *
 * @throws {InvalidTransactionError} when `messageBytes` is not a compiled message needing one signer.
 * @throws {InvalidSignatureError} when the signature is not 64 bytes or does not verify.
 *
 * @example
 * const { signature } = await signWithSchnorr({ message: messageBytes, ... });
 * const { wireTransaction } = attachSignature({ messageBytes, signature });
 */
export function attachSignature(args: {
  messageBytes: Uint8Array;
  signature: Uint8Array;
  /**
   * `false` skips the Ed25519 verification (the message and the signature's format are still
   * checked): for a signer whose transactions the cluster verifies anyway, such as the wallet
   * canister, where a verification costs hundreds of millions of instructions (CONTRIBUTING.md:
   * spend a verification only where the chain could not reject a bad signature itself).
   * Default `true`.
   */
  verifySignature?: boolean;
}): SignedSolTransaction {
  assertParameterObject(args, 'attachSignature');
  const { messageBytes, signature } = args;
  const verify = args.verifySignature !== false;
  if (!(messageBytes instanceof Uint8Array)) {
    throw new InvalidTransactionError({ field: 'messageBytes', value: describeValue(messageBytes), details: 'expected a Uint8Array' });
  }
  let compiled;
  try {
    compiled = getCompiledTransactionMessageDecoder().decode(messageBytes);
  } catch (cause) {
    throw new InvalidTransactionError({
      field: 'messageBytes',
      value: bytesToHex(messageBytes),
      details: 'not a compiled transaction message',
      cause,
    });
  }
  if (compiled.header.numSignerAccounts !== 1 || compiled.staticAccounts.length === 0) {
    throw new InvalidTransactionError({
      field: 'messageBytes',
      value: bytesToHex(messageBytes),
      details: `expected exactly one required signature, the message asks for ${compiled.header.numSignerAccounts}`,
    });
  }
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    const shown = signature instanceof Uint8Array ? bytesToHex(signature) : describeValue(signature);
    throw new InvalidSignatureError(
      shown,
      `expected 64 bytes, got ${signature instanceof Uint8Array ? signature.length : typeof signature}`,
    );
  }
  const feePayer = compiled.staticAccounts[0];
  if (verify && !ed25519.verify(signature, messageBytes, addressToBytes(feePayer), { zip215: false })) {
    throw new InvalidSignatureError(bytesToHex(signature), `does not verify over the message for fee payer ${feePayer}`);
  }
  const transaction: Transaction = {
    messageBytes: messageBytes as unknown as TransactionMessageBytes,
    signatures: { [feePayer]: signature as unknown as SignatureBytes },
  };
  const transactionBytes = Uint8Array.from(getTransactionEncoder().encode(transaction));
  if (transactionBytes.length > MAX_TRANSACTION_SIZE) {
    throw new InvalidTransactionError({
      field: 'messageBytes',
      value: `${messageBytes.length} bytes`,
      details: `signed transaction is ${transactionBytes.length} bytes, the limit is ${MAX_TRANSACTION_SIZE}`,
    });
  }
  return {
    transactionBytes,
    wireTransaction: base64.encode(transactionBytes),
    signature: base58.encode(signature),
  };
}
