/**
 * EIP-1559 (type 2) transactions: validation, serialization, the hash the IC signs, and the
 * signed raw transaction. Spec: https://eips.ethereum.org/EIPS/eip-1559 and EIP-2718.
 *
 *   unsigned = 0x02 ‖ rlp([chain_id, nonce, max_priority_fee_per_gas, max_fee_per_gas,
 *                          gas_limit, destination, amount, data, access_list])
 *   signing hash = keccak256(unsigned)
 *   signed   = 0x02 ‖ rlp([...the nine fields, signature_y_parity, signature_r, signature_s])
 *   transaction hash = keccak256(signed)
 *
 * The RLP is built here from viem's `toRlp`, not with viem's `serializeTransaction`, so that
 * viem's serializer and parser stay an independent check in the tests.
 */
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, hexToBytes, toRlp } from 'viem';
import type { Address, Hex } from 'viem';
import { parseAddress, publicKeyToAddress } from './address.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import type { InvalidArgumentError } from '../../lib/errors.ts';
import { InvalidTransactionError } from './errors.ts';
import type { InvalidAddressError, InvalidPublicKeyError, InvalidSignatureError } from './errors.ts';
import { assertRecoverableSignature, toRecoverableSignature } from './signature.ts';
import type { RecoverableSignature } from './signature.ts';

/** An EIP-1559 transfer or contract call (contract creation and access lists are not offered). */
export type Eip1559Transaction = {
  /** EIP-155 chain id: 1 for mainnet, 11155111 for Sepolia, 31337 for a local node, ... */
  chainId: bigint;
  /** The sender's account nonce. */
  nonce: bigint;
  /** The recipient (or token contract), as entered: validated by `parseAddress`. */
  to: string;
  /** Wei sent along. */
  value: bigint;
  /** Call data, e.g. `encodeErc20Transfer(...)`; empty when omitted. */
  data?: Uint8Array | undefined;
  /** Gas limit. */
  gas: bigint;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
};

/** A transaction that passed {@link validateTransaction}: `to` checksummed, `data` present. */
export type ValidatedEip1559Transaction = Required<Omit<Eip1559Transaction, 'to'>> & { to: Address };

export type ValidateTransactionErrorType = InvalidTransactionError | InvalidAddressError;

/** EIP-2718 type byte of EIP-1559 transactions. */
export const EIP1559_TRANSACTION_TYPE = 0x02;
const MAX_UINT256 = (1n << 256n) - 1n;
/** EIP-2681: a nonce of 2^64 - 1 or more can never be valid. */
const MAX_NONCE = (1n << 64n) - 2n;
/** Clients keep the gas limit in a uint64. */
const MAX_GAS = (1n << 64n) - 1n;
/** Yellow Paper G_transaction: no transaction can run on less gas than this. */
const INTRINSIC_GAS = 21_000n;

function checkInteger({ field, value, min, max }: { field: string; value: unknown; min: bigint; max: bigint }): bigint {
  if (typeof value !== 'bigint') {
    throw new InvalidTransactionError({ field, value: describeValue(value), details: `expected a bigint, got ${typeof value}` });
  }
  if (value < min || value > max) {
    throw new InvalidTransactionError({ field, value: value.toString(), details: `must be in ${min}..${max}` });
  }
  return value;
}

/**
 * Checks every field against EIP-1559 and client limits and normalizes `to` and `data`.
 *
 * Rules: chainId ≥ 1 and < 2^256; nonce < 2^64 - 1 (EIP-2681); value and both fees < 2^256;
 * 21000 ≤ gas < 2^64; maxPriorityFeePerGas ≤ maxFeePerGas (EIP-1559 validity assertion);
 * `to` passes `parseAddress` (EIP-55); `data` is a Uint8Array or absent (`undefined`; `null`
 * is refused, as ethers and viem refuse it).
 *
 * @throws {InvalidTransactionError} naming the field and value.
 * @throws {InvalidAddressError} when `to` is not a valid address.
 */
export function validateTransaction(transaction: Eip1559Transaction): ValidatedEip1559Transaction {
  if (typeof transaction !== 'object' || transaction === null) {
    throw new InvalidTransactionError({ field: 'transaction', value: describeValue(transaction), details: 'expected an object' });
  }
  const chainId = checkInteger({ field: 'chainId', value: transaction.chainId, min: 1n, max: MAX_UINT256 });
  const nonce = checkInteger({ field: 'nonce', value: transaction.nonce, min: 0n, max: MAX_NONCE });
  const value = checkInteger({ field: 'value', value: transaction.value, min: 0n, max: MAX_UINT256 });
  const gas = checkInteger({ field: 'gas', value: transaction.gas, min: INTRINSIC_GAS, max: MAX_GAS });
  const maxFeePerGas = checkInteger({ field: 'maxFeePerGas', value: transaction.maxFeePerGas, min: 0n, max: MAX_UINT256 });
  const maxPriorityFeePerGas = checkInteger({
    field: 'maxPriorityFeePerGas',
    value: transaction.maxPriorityFeePerGas,
    min: 0n,
    max: MAX_UINT256,
  });
  if (maxPriorityFeePerGas > maxFeePerGas) {
    throw new InvalidTransactionError({
      field: 'maxPriorityFeePerGas',
      value: maxPriorityFeePerGas.toString(),
      details: `must not exceed maxFeePerGas ${maxFeePerGas}`,
    });
  }
  const data = transaction.data === undefined ? new Uint8Array(0) : transaction.data;
  if (!(data instanceof Uint8Array)) {
    throw new InvalidTransactionError({ field: 'data', value: describeValue(data), details: 'expected a Uint8Array' });
  }
  const to = parseAddress(transaction.to);
  return { chainId, nonce, to, value, data: data.slice(), gas, maxFeePerGas, maxPriorityFeePerGas };
}

/** RLP scalar: big-endian without leading zeros; zero is the empty string (Yellow Paper, Appendix B). */
function scalar(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const hex = value.toString(16);
  return hexToBytes(`0x${hex.length % 2 === 0 ? hex : `0${hex}`}`);
}

function payloadFields(transaction: ValidatedEip1559Transaction): Uint8Array[] {
  return [
    scalar(transaction.chainId),
    scalar(transaction.nonce),
    scalar(transaction.maxPriorityFeePerGas),
    scalar(transaction.maxFeePerGas),
    scalar(transaction.gas),
    hexToBytes(transaction.to),
    scalar(transaction.value),
    transaction.data,
  ];
}

function typed(rlp: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + rlp.length);
  out[0] = EIP1559_TRANSACTION_TYPE;
  out.set(rlp, 1);
  return out;
}

/**
 * `0x02 ‖ rlp([chainId, nonce, maxPriorityFeePerGas, maxFeePerGas, gas, to, value, data, []])`.
 * @throws {InvalidTransactionError} or {InvalidAddressError}, see {@link validateTransaction}.
 */
export function serializeUnsignedTransaction(transaction: Eip1559Transaction): Uint8Array {
  const validated = validateTransaction(transaction);
  // The empty list is the access list, which this wallet never sets.
  return typed(toRlp([...payloadFields(validated), []], 'bytes'));
}

/**
 * The 32-byte hash to pass to `sign_with_ecdsa` as `message_hash`:
 * keccak256 of the unsigned serialization (EIP-1559 "signature_y_parity, signature_r,
 * signature_s ... over keccak256(0x02 || rlp([...]))").
 */
export function transactionSigningHash(transaction: Eip1559Transaction): Uint8Array {
  return keccak_256(serializeUnsignedTransaction(transaction));
}

/**
 * `0x02 ‖ rlp([...nine fields, yParity, r, s])`: the raw transaction for
 * `eth_sendRawTransaction`.
 * @throws {InvalidSignatureError} when the signature is not low-s or out of range.
 */
export function serializeSignedTransaction(args: { transaction: Eip1559Transaction; signature: RecoverableSignature }): Uint8Array {
  assertParameterObject(args, 'serializeSignedTransaction');
  const { transaction, signature } = args;
  const validated = validateTransaction(transaction);
  assertRecoverableSignature(signature);
  return typed(
    toRlp([...payloadFields(validated), [], scalar(BigInt(signature.yParity)), scalar(signature.r), scalar(signature.s)], 'bytes'),
  );
}

/**
 * The transaction hash (what explorers show): keccak256 of the signed raw transaction.
 * @throws {InvalidTransactionError} when `rawTransaction` is not a Uint8Array.
 * @example transactionHash(serializeSignedTransaction({ transaction, signature })); // '0x32fc…96a4'
 */
export function transactionHash(rawTransaction: Uint8Array): Hex {
  if (!(rawTransaction instanceof Uint8Array)) {
    throw new InvalidTransactionError({ field: 'rawTransaction', value: describeValue(rawTransaction), details: 'expected a Uint8Array' });
  }
  return bytesToHex(keccak_256(rawTransaction));
}

export type SignedTransaction = {
  /** Hex of the signed raw transaction, ready for `eth_sendRawTransaction`. */
  rawTransaction: Hex;
  /** keccak256 of the raw transaction. */
  hash: Hex;
  /** The sender, derived from `publicKey`. */
  from: Address;
  signature: RecoverableSignature;
};

export type AssembleSignedTransactionErrorType =
  ValidateTransactionErrorType | InvalidSignatureError | InvalidPublicKeyError | InvalidArgumentError;

/**
 * Completes a transaction with the IC's 64-byte `r ‖ s` signature of
 * {@link transactionSigningHash}: normalizes s, recovers yParity against `publicKey`,
 * serializes and hashes.
 *
 * @example
 * const hash = transactionSigningHash(tx);
 * const { signature } = await signWithEcdsa({ message_hash: hash, ... });
 * const { rawTransaction } = assembleSignedTransaction({ transaction: tx, signature, publicKey });
 */
export function assembleSignedTransaction(args: {
  transaction: Eip1559Transaction;
  signature: Uint8Array;
  publicKey: Uint8Array;
}): SignedTransaction {
  assertParameterObject(args, 'assembleSignedTransaction');
  const { transaction, signature, publicKey } = args;
  const recoverable = toRecoverableSignature({ hash: transactionSigningHash(transaction), signature, publicKey });
  const raw = serializeSignedTransaction({ transaction, signature: recoverable });
  return {
    rawTransaction: bytesToHex(raw),
    hash: transactionHash(raw),
    from: publicKeyToAddress(publicKey),
    signature: recoverable,
  };
}
