// SPL Token account and mint state (spl-token's `Account` and `Mint` Pack
// layouts) and their RPC forms: `UiTokenAmount` and the `jsonParsed` account
// data of solana-account-decoder's parse_token.

import type { Json } from './json.ts';
import { toBase58 } from './encoding.ts';

export const TOKEN_PROGRAM_ID = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM_ID = 'TokenzQdBNbLqP5VEhdkAS6EHFLC1PHnBqCXEpPxuEb';
export const TOKEN_ACCOUNT_SIZE = 165;
export const MINT_SIZE = 82;
// Token-2022 appends an AccountType byte after the base account: 1 mint, 2 account.
const ACCOUNT_TYPE_OFFSET = 165;

export function isTokenProgram(owner: string): boolean {
  return owner === TOKEN_PROGRAM_ID || owner === TOKEN_2022_PROGRAM_ID;
}

export interface TokenAccountState {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  state: 'initialized' | 'frozen';
  /** The rent-exempt reserve of a wrapped-SOL account, else null. */
  isNative: bigint | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}

export interface MintState {
  mintAuthority: string | null;
  supply: bigint;
  decimals: number;
  freezeAuthority: string | null;
}

/**
 * Unpacks an initialized token account (165 bytes: mint, owner, amount,
 * COption delegate, state, COption is_native, delegated_amount, COption
 * close_authority); null when the data is not one.
 */
export function parseTokenAccount({ data, program }: { data: Uint8Array; program: string }): TokenAccountState | null {
  if (!hasLayout({ data, program, size: TOKEN_ACCOUNT_SIZE, accountType: 2 })) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const delegate = readOptionalKey(data, view, 72);
  const state = data[108];
  const nativeTag = view.getUint32(109, true);
  const closeAuthority = readOptionalKey(data, view, 129);
  // AccountState: 0 uninitialized (not unpackable), 1 initialized, 2 frozen.
  if (delegate === undefined || closeAuthority === undefined || nativeTag > 1 || (state !== 1 && state !== 2)) {
    return null;
  }
  return {
    mint: toBase58(data.subarray(0, 32)),
    owner: toBase58(data.subarray(32, 64)),
    amount: view.getBigUint64(64, true),
    delegate,
    state: state === 1 ? 'initialized' : 'frozen',
    isNative: nativeTag === 1 ? view.getBigUint64(113, true) : null,
    delegatedAmount: view.getBigUint64(121, true),
    closeAuthority,
  };
}

/** Unpacks an initialized mint (82 bytes); null when the data is not one. */
export function parseMint({ data, program }: { data: Uint8Array; program: string }): MintState | null {
  if (!hasLayout({ data, program, size: MINT_SIZE, accountType: 1 })) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const mintAuthority = readOptionalKey(data, view, 0);
  const freezeAuthority = readOptionalKey(data, view, 46);
  if (mintAuthority === undefined || freezeAuthority === undefined || data[45] !== 1) return null;
  return { mintAuthority, supply: view.getBigUint64(36, true), decimals: data[44] as number, freezeAuthority };
}

function hasLayout({
  data,
  program,
  size,
  accountType,
}: {
  data: Uint8Array;
  program: string;
  size: number;
  accountType: number;
}): boolean {
  if (program === TOKEN_PROGRAM_ID) return data.length === size;
  if (program !== TOKEN_2022_PROGRAM_ID) return false;
  if (data.length === size) return true;
  // Token-2022 with extensions: padded to 165 bytes, then the AccountType byte.
  return data.length > ACCOUNT_TYPE_OFFSET && data[ACCOUNT_TYPE_OFFSET] === accountType;
}

/** COption<Pubkey>: u32 tag (0 none, 1 some) then 32 bytes; undefined if the tag is bad. */
function readOptionalKey(data: Uint8Array, view: DataView, offset: number): string | null | undefined {
  const tag = view.getUint32(offset, true);
  if (tag === 0) return null;
  if (tag !== 1) return undefined;
  return toBase58(data.subarray(offset + 4, offset + 36));
}

export interface UiTokenAmount {
  amount: string;
  decimals: number;
  uiAmount: number | null;
  uiAmountString: string;
}

/**
 * `token_amount_to_ui_amount_v3` without extensions: `uiAmount` is the f64
 * quotient (null when 10^decimals overflows a u64), `uiAmountString` the exact
 * decimal text with trailing zeros trimmed.
 *
 * @example
 * uiTokenAmount({ amount: 1_500_000n, decimals: 6 }) // { amount: '1500000', decimals: 6, uiAmount: 1.5, uiAmountString: '1.5' }
 */
export function uiTokenAmount({ amount, decimals }: { amount: bigint; decimals: number }): UiTokenAmount {
  const divisor = 10n ** BigInt(decimals);
  const uiAmount = divisor < 1n << 64n ? Number(amount) / Number(divisor) : null;
  return { amount: amount.toString(), decimals, uiAmount, uiAmountString: realNumberStringTrimmed({ amount, decimals }) };
}

function realNumberStringTrimmed({ amount, decimals }: { amount: bigint; decimals: number }): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** `jsonParsed` data of a token account (`UiTokenAccount`, type "account"). */
export function parsedTokenAccountJson({ account, decimals }: { account: TokenAccountState; decimals: number }): Json {
  const info: { [key: string]: Json } = {
    isNative: account.isNative !== null,
    mint: account.mint,
    owner: account.owner,
    state: account.state,
    tokenAmount: { ...uiTokenAmount({ amount: account.amount, decimals }) },
  };
  if (account.delegate !== null) {
    info.delegate = account.delegate;
    info.delegatedAmount = { ...uiTokenAmount({ amount: account.delegatedAmount, decimals }) };
  }
  if (account.isNative !== null) info.rentExemptReserve = { ...uiTokenAmount({ amount: account.isNative, decimals }) };
  if (account.closeAuthority !== null) info.closeAuthority = account.closeAuthority;
  return { info, type: 'account' };
}

/** `jsonParsed` data of a mint (`UiMint`, type "mint"). */
export function parsedMintJson(mint: MintState): Json {
  return {
    info: {
      decimals: mint.decimals,
      freezeAuthority: mint.freezeAuthority,
      isInitialized: true,
      mintAuthority: mint.mintAuthority,
      supply: mint.supply.toString(),
    },
    type: 'mint',
  };
}
