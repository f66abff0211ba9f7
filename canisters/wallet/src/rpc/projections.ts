/**
 * What the wallet keeps of each JSON-RPC `result`: one projection per kind of answer, named in
 * the outcall's transform context. A projection validates the result and reduces it to a
 * canonical JSON value (integers as decimal strings, hex lowercased, everything the wallet does
 * not read dropped), so that every replica, and every provider that agrees, yields the same bytes.
 * Each has a `decode` back to the typed value the wallet uses. Pure (no azle import).
 */
import { canonicalJson, type Json } from './json.ts';

/** The result is not what the method answers (garbage from the provider's side). */
export class ProjectionError extends Error {
  override name = 'ProjectionError';
}

export type Projection<T> = {
  /** Validates a JSON-RPC `result` and keeps its deterministic part. @throws {ProjectionError} */
  project(result: Json): Json;
  /** The projected value (as parsed back from the transformed body) as the wallet's type. */
  decode(value: Json): T;
};

const fail = (message: string): never => {
  throw new ProjectionError(message);
};
const show = (value: Json): string => {
  const text = canonicalJson(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
};
const isObject = (value: Json): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);
const field = (value: Json, key: string): Json =>
  isObject(value) && key in value ? value[key] : fail(`expected a field "${key}" in ${show(value)}`);

/** An EVM quantity ("0x1a"): hex, at most 256 bits. */
function quantity(value: Json): bigint {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) fail(`expected a hex quantity, got ${show(value)}`);
  return BigInt(value as string);
}
/** A JSON integer that fits a u64 (Solana's lamports, heights, slots). */
function u64(value: Json): bigint {
  if (typeof value !== 'bigint' || value < 0n || value >= 1n << 64n) fail(`expected a u64, got ${show(value)}`);
  return value as bigint;
}
const decimal = (value: Json): bigint =>
  typeof value === 'string' && /^[0-9]+$/.test(value) ? BigInt(value) : fail(`expected a decimal string, got ${show(value)}`);
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;

/** EVM quantities (eth_getTransactionCount, eth_estimateGas, eth_maxPriorityFeePerGas, eth_getBalance, eth_chainId). */
export const QUANTITY: Projection<bigint> = {
  project: (result) => quantity(result).toString(),
  decode: decimal,
};

/** eth_call returning one ABI word (ERC-20 balanceOf): exactly 32 bytes; "0x" means no contract there. */
export const UINT256_WORD: Projection<bigint> = {
  project: (result) => {
    if (result === '0x') fail('empty return data: no contract at this address');
    if (typeof result !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(result)) fail(`expected one 32-byte ABI word, got ${show(result)}`);
    return BigInt(result as string).toString();
  },
  decode: decimal,
};

/** eth_feeHistory: the last `baseFeePerGas` entry, which is the base fee of the next block. */
export const NEXT_BASE_FEE: Projection<bigint> = {
  project: (result) => {
    const fees = field(result, 'baseFeePerGas');
    if (!Array.isArray(fees) || fees.length === 0) fail(`expected a non-empty baseFeePerGas, got ${show(fees)}`);
    return quantity((fees as Json[])[(fees as Json[]).length - 1]).toString();
  },
  decode: decimal,
};

/** eth_sendRawTransaction: the transaction hash, lowercase. */
export const TX_HASH: Projection<string> = {
  project: (result) => {
    if (typeof result !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(result)) fail(`expected a 32-byte transaction hash, got ${show(result)}`);
    return (result as string).toLowerCase();
  },
  decode: (value) => String(value),
};

export type Receipt = { succeeded: boolean; blockNumber: bigint } | null;
/** eth_getTransactionReceipt: null while pending; else the status (EIP-658) and block; logs and gas are dropped. */
export const RECEIPT: Projection<Receipt> = {
  project: (result) => {
    if (result === null) return null;
    const status = quantity(field(result, 'status'));
    if (status > 1n) fail(`expected status 0x0 or 0x1, got ${show(field(result, 'status'))}`);
    return { block: quantity(field(result, 'blockNumber')).toString(), succeeded: status === 1n };
  },
  decode: (value) =>
    value === null ? null : { succeeded: field(value, 'succeeded') === true, blockNumber: decimal(field(value, 'block')) },
};

/** Solana `{ context, value: u64 }` (getBalance): the value; the context's slot differs between replicas and is dropped. */
export const SOL_U64_VALUE: Projection<bigint> = {
  project: (result) => u64(field(result, 'value')).toString(),
  decode: decimal,
};

/** Solana `{ context, value: bool }` (isBlockhashValid). */
export const SOL_BOOL_VALUE: Projection<boolean> = {
  project: (result) => {
    const value = field(result, 'value');
    return typeof value === 'boolean' ? value : fail(`expected a boolean value, got ${show(value)}`);
  },
  decode: (value) => value === true,
};

const blockhash = (value: Json): string =>
  typeof value === 'string' && value.length >= 32 && value.length <= 44 && BASE58.test(value)
    ? value
    : fail(`expected a base58 hash, got ${show(value)}`);

/** getLatestBlockhash: the blockhash and the last block height it is valid at. */
export const SOL_BLOCKHASH: Projection<{ blockhash: string; lastValidBlockHeight: bigint }> = {
  project: (result) => {
    const value = field(result, 'value');
    return { blockhash: blockhash(field(value, 'blockhash')), lastValidBlockHeight: u64(field(value, 'lastValidBlockHeight')).toString() };
  },
  decode: (value) => ({
    blockhash: String(field(value, 'blockhash')),
    lastValidBlockHeight: decimal(field(value, 'lastValidBlockHeight')),
  }),
};

/** getTokenAccountBalance: the raw amount (a u64 as a decimal string) and the mint's decimals. */
export const SOL_TOKEN_AMOUNT: Projection<{ amount: bigint; decimals: number }> = {
  project: (result) => {
    const value = field(result, 'value');
    const amount = decimal(field(value, 'amount'));
    if (amount >= 1n << 64n) fail(`expected a u64 amount, got ${amount}`);
    const decimals = field(value, 'decimals');
    if (typeof decimals !== 'bigint' || decimals > 255n || decimals < 0n) fail(`expected decimals in 0..255, got ${show(decimals)}`);
    return { amount: amount.toString(), decimals: (decimals as bigint).toString() };
  },
  decode: (value) => ({ amount: decimal(field(value, 'amount')), decimals: Number(decimal(field(value, 'decimals'))) }),
};

/** getAccountInfo: whether the account exists (value null or not); its data is not read. */
export const SOL_ACCOUNT_EXISTS: Projection<boolean> = {
  project: (result) => {
    const value = field(result, 'value');
    if (value !== null && !isObject(value)) fail(`expected an account or null, got ${show(value)}`);
    return value !== null;
  },
  decode: (value) => value === true,
};

/** sendTransaction: the transaction's first signature, base58. */
export const SOL_SIGNATURE: Projection<string> = {
  project: (result) =>
    typeof result === 'string' && result.length >= 64 && result.length <= 88 && BASE58.test(result)
      ? result
      : fail(`expected a base58 signature, got ${show(result)}`),
  decode: (value) => String(value),
};

export type SignatureStatus = { state: 'unknown' } | { state: 'processed' } | { state: 'confirmed' } | { state: 'failed'; error: string };
/**
 * getSignatureStatuses for one signature: unknown (null), processed, confirmed (confirmed or
 * finalized), or failed with the transaction's error as canonical text; slot and confirmations drop.
 */
export const SOL_SIGNATURE_STATUS: Projection<SignatureStatus> = {
  project: (result): Json => {
    const value = field(result, 'value');
    if (!Array.isArray(value) || value.length !== 1) fail(`expected one status, got ${show(value)}`);
    const status = (value as Json[])[0];
    if (status === null) return { state: 'unknown' };
    const error = field(status, 'err');
    if (error !== null) return { state: 'failed', error: show(error) };
    const level = isObject(status) ? status.confirmationStatus : undefined;
    if (level === 'confirmed' || level === 'finalized') return { state: 'confirmed' };
    if (level === 'processed' || level === null || level === undefined) return { state: 'processed' };
    return fail(`expected a confirmationStatus, got ${show(level)}`);
  },
  decode: (value) => {
    const state = field(value, 'state');
    if (state === 'failed') return { state, error: String(field(value, 'error')) };
    return { state: state === 'processed' || state === 'confirmed' ? state : 'unknown' };
  },
};

/** Every projection, by the name the transform context carries. */
export const PROJECTIONS = {
  quantity: QUANTITY,
  uint256Word: UINT256_WORD,
  nextBaseFee: NEXT_BASE_FEE,
  txHash: TX_HASH,
  receipt: RECEIPT,
  solU64Value: SOL_U64_VALUE,
  solBoolValue: SOL_BOOL_VALUE,
  solBlockhash: SOL_BLOCKHASH,
  solTokenAmount: SOL_TOKEN_AMOUNT,
  solAccountExists: SOL_ACCOUNT_EXISTS,
  solSignature: SOL_SIGNATURE,
  solSignatureStatus: SOL_SIGNATURE_STATUS,
} as const;
export type ProjectionName = keyof typeof PROJECTIONS;

export function isProjectionName(name: string): name is ProjectionName {
  return Object.prototype.hasOwnProperty.call(PROJECTIONS, name);
}
