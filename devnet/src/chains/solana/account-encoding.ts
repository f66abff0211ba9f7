// `UiAccount`, the account form of getAccountInfo and friends
// (solana-account-decoder's encode_ui_account and agave rpc.rs encode_account).

import { zstdCompressSync } from 'node:zlib';

import { toBase58, toBase64 } from './encoding.ts';
import type { Json } from './json.ts';
import { SolanaRpcError, INVALID_REQUEST } from './rpc-error.ts';
import { isTokenProgram, parsedMintJson, parsedTokenAccountJson, parseMint, parseTokenAccount, TOKEN_PROGRAM_ID } from './token.ts';

/** serde names of `UiAccountEncoding`, in declaration order (for error messages). */
export const ACCOUNT_ENCODINGS = ['binary', 'base58', 'base64', 'jsonParsed', 'base64+zstd'] as const;
export type AccountEncoding = (typeof ACCOUNT_ENCODINGS)[number];

/** Largest data the base58 encodings accept (MAX_BASE58_BYTES). */
const MAX_BASE58_BYTES = 128;
/** Modern accounts are rent exempt, marked by rent_epoch = u64::MAX. */
const RENT_EXEMPT_RENT_EPOCH = (1n << 64n) - 1n;

export interface AccountState {
  lamports: bigint;
  data: Uint8Array;
  owner: string;
  executable: boolean;
}

export interface DataSlice {
  offset: bigint;
  length: bigint;
}

/**
 * Encodes an account as the RPC's `UiAccount`. Base58 encodings of more than
 * 128 bytes are refused as the real node refuses them; `jsonParsed` parses SPL
 * Token accounts and mints and falls back to base64 for anything else.
 */
export function encodeUiAccount({
  account,
  encoding,
  dataSlice,
  mintDecimals,
}: {
  account: AccountState;
  encoding: AccountEncoding;
  dataSlice?: DataSlice | undefined;
  /** Decimals of a mint, for parsing token accounts; undefined if unknown. */
  mintDecimals: (mint: string) => number | undefined;
}): Json {
  const sliced = slice(account.data, dataSlice);
  if ((encoding === 'binary' || encoding === 'base58') && sliced.length > MAX_BASE58_BYTES) {
    throw new SolanaRpcError({
      code: INVALID_REQUEST,
      message: `Encoded binary (base 58) data should be less than ${MAX_BASE58_BYTES} bytes, please use Base64 encoding.`,
    });
  }
  let data: Json;
  if (encoding === 'binary') data = toBase58(sliced);
  else if (encoding === 'base58') data = [toBase58(sliced), 'base58'];
  else if (encoding === 'base64') data = [toBase64(sliced), 'base64'];
  else if (encoding === 'base64+zstd') data = [toBase64(new Uint8Array(zstdCompressSync(sliced))), 'base64+zstd'];
  else data = parsedData({ account, mintDecimals }) ?? [toBase64(sliced), 'base64'];
  return {
    data,
    executable: account.executable,
    lamports: account.lamports,
    owner: account.owner,
    rentEpoch: RENT_EXEMPT_RENT_EPOCH,
    space: account.data.length,
  };
}

function slice(data: Uint8Array, dataSlice: DataSlice | undefined): Uint8Array {
  if (!dataSlice) return data;
  const start = dataSlice.offset > BigInt(data.length) ? data.length : Number(dataSlice.offset);
  const end = BigInt(start) + dataSlice.length > BigInt(data.length) ? data.length : start + Number(dataSlice.length);
  return data.subarray(start, end);
}

function parsedData({
  account,
  mintDecimals,
}: {
  account: AccountState;
  mintDecimals: (mint: string) => number | undefined;
}): Json | undefined {
  if (!isTokenProgram(account.owner)) return undefined;
  const program = account.owner;
  const tokenAccount = parseTokenAccount({ data: account.data, program });
  let parsed: Json | undefined;
  if (tokenAccount) {
    const decimals = mintDecimals(tokenAccount.mint);
    if (decimals !== undefined) parsed = parsedTokenAccountJson({ account: tokenAccount, decimals });
  } else {
    const mint = parseMint({ data: account.data, program });
    if (mint) parsed = parsedMintJson(mint);
  }
  if (parsed === undefined) return undefined;
  const name = program === TOKEN_PROGRAM_ID ? 'spl-token' : 'spl-token-2022';
  return { parsed, program: name, space: account.data.length };
}
