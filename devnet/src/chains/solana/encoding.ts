import { base58, base64 } from '@scure/base';

export const SYSTEM_PROGRAM_ID = '11111111111111111111111111111111';
export const COMPUTE_BUDGET_PROGRAM_ID = 'ComputeBudget111111111111111111111111111111';
export const ADDRESS_LOOKUP_TABLE_PROGRAM_ID = 'AddressLookupTab1e1111111111111111111111111';
export const BPF_LOADER_UPGRADEABLE_ID = 'BPFLoaderUpgradeab1e11111111111111111111111';

export function toBase58(bytes: Uint8Array): string {
  return base58.encode(bytes);
}

export function fromBase58(text: string): Uint8Array {
  return base58.decode(text);
}

export function toBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

/** Base58 text of a fixed size: `Pubkey`, `Hash` (32 bytes) or `Signature` (64). */
export type FixedBase58 = { bytes: Uint8Array } | { error: 'Invalid' | 'WrongSize' };

/**
 * Parses base58 text as solana-pubkey's / solana-signature's `FromStr` do:
 * too long a text or a wrong decoded length is `WrongSize`, a bad character
 * `Invalid` (the RPC reports them as "Invalid param: {error:?}").
 *
 * @example
 * parseFixedBase58({ text: '0OIl', size: 32 }) // { error: 'Invalid' }
 */
export function parseFixedBase58({ text, size }: { text: string; size: 32 | 64 }): FixedBase58 {
  // MAX_BASE58_LEN (44) for 32 bytes, MAX_BASE58_SIGNATURE_LEN (88) for 64.
  if (text.length > (size === 32 ? 44 : 88)) return { error: 'WrongSize' };
  let bytes: Uint8Array;
  try {
    bytes = base58.decode(text);
  } catch {
    return { error: 'Invalid' };
  }
  return bytes.length === size ? { bytes } : { error: 'WrongSize' };
}

/** `bs58::decode::Error`'s Debug form for the first character outside the alphabet. */
export function base58ErrorDetail(text: string): string {
  const alphabet = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
  const index = [...text].findIndex((character) => !alphabet.includes(character));
  return index === -1 ? 'BufferTooSmall' : `InvalidCharacter { character: '${[...text][index]}', index: ${index} }`;
}

/** Strict, padded RFC 4648 base64 (the `base64` crate's STANDARD engine). */
export function decodeBase64(text: string): { bytes: Uint8Array } | { error: string } {
  const alphabet = /^[A-Za-z0-9+/]*={0,2}$/;
  if (!alphabet.test(text)) {
    const index = [...text].findIndex((character) => !/[A-Za-z0-9+/=]/.test(character));
    const at = index === -1 ? text.indexOf('=') : index;
    return { error: `InvalidByte(${at}, ${text.charCodeAt(at)})` };
  }
  if (text.length % 4 !== 0) return { error: 'InvalidPadding' };
  try {
    return { bytes: base64.decode(text) };
  } catch {
    return { error: 'InvalidLastSymbol' };
  }
}
