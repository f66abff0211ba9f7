/**
 * Solana addresses: the base58 encoding of a 32-byte Ed25519 public key (or of a program
 * derived address, which is deliberately off the curve), and associated token accounts.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import { getAddressDecoder, isOffCurveAddress } from '@solana/kit';
import type { Address } from '@solana/kit';
import { ASSOCIATED_TOKEN_PROGRAM_ADDRESS, TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import { InvalidAddressError, InvalidPublicKeyError } from './errors.ts';

export type { Address } from '@solana/kit';
export type PublicKeyToAddressErrorType = InvalidPublicKeyError;
export type ParseAddressErrorType = InvalidAddressError;

/** The SPL Token program (`@solana-program/token`'s default). */
export { TOKEN_PROGRAM_ADDRESS } from '@solana-program/token';
/** The Token-2022 program; TransferChecked has the same layout there (extensions that need extra accounts, such as transfer hooks, are not supported). */
export const TOKEN_2022_PROGRAM_ADDRESS =
  'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb' as Address<'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb'>;
export type TokenProgramAddress = typeof TOKEN_PROGRAM_ADDRESS | typeof TOKEN_2022_PROGRAM_ADDRESS;

const addressDecoder = getAddressDecoder();
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]+$/;
/** solana-program `Pubkey::find_program_address`: the PDA marker appended to the seeds. */
const PDA_MARKER = new TextEncoder().encode('ProgramDerivedAddress');

/**
 * The address of an Ed25519 public key (32 bytes, as `schnorr_public_key` with `ed25519`
 * returns it): its base58 encoding. The key must be a canonical, non-small-order curve point,
 * otherwise nobody (or everybody) could sign for it.
 *
 * @throws {InvalidPublicKeyError} naming the key.
 *
 * @example
 * // RFC 8032 test 1 public key
 * publicKeyToAddress(hexToBytes('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'));
 * // 'FVen3X669xLzsi6N2V91DoiyzHzg1uAgqiT8jZ9nS96Z'
 */
export function publicKeyToAddress(publicKey: Uint8Array): Address {
  if (!(publicKey instanceof Uint8Array)) {
    throw new InvalidPublicKeyError(describeValue(publicKey), 'expected a Uint8Array');
  }
  if (publicKey.length !== 32) {
    throw new InvalidPublicKeyError(bytesToHex(publicKey), `expected 32 bytes, got ${publicKey.length}`);
  }
  let point;
  try {
    point = ed25519.Point.fromBytes(publicKey);
  } catch (cause) {
    throw new InvalidPublicKeyError(bytesToHex(publicKey), 'not the canonical encoding of an Ed25519 point', cause);
  }
  if (point.isSmallOrder()) {
    throw new InvalidPublicKeyError(bytesToHex(publicKey), 'small-order point');
  }
  return addressDecoder.decode(publicKey);
}

/**
 * Validates a user-entered address: base58 (Bitcoin alphabet) of exactly 32 bytes.
 * Off-curve addresses (PDAs, token accounts) are valid addresses and are accepted here;
 * transfers decide what they allow.
 *
 * @throws {InvalidAddressError} naming the input and the problem.
 *
 * @example
 * parseAddress('11111111111111111111111111111111'); // the System Program
 */
export function parseAddress(input: string): Address {
  if (typeof input !== 'string') {
    throw new InvalidAddressError(describeValue(input), 'expected a string');
  }
  if (input.length < 32 || input.length > 44) {
    throw new InvalidAddressError(input, `expected 32 to 44 base58 characters, got ${input.length}`);
  }
  if (!BASE58.test(input)) {
    throw new InvalidAddressError(input, 'contains a character outside the base58 alphabet');
  }
  const bytes = base58.decode(input);
  if (bytes.length !== 32) {
    throw new InvalidAddressError(input, `decodes to ${bytes.length} bytes, expected 32`);
  }
  return input as Address;
}

/**
 * Whether `input` passes {@link parseAddress}.
 * @example isAddress('0x70997970C51812dc3A010C7d01b50e0d17dc79C8'); // false
 */
export function isAddress(input: string): boolean {
  try {
    parseAddress(input);
    return true;
  } catch (error) {
    if (error instanceof InvalidAddressError) return false;
    throw error;
  }
}

/**
 * The 32 bytes behind an address.
 * @throws {InvalidAddressError}
 * @example addressToBytes('11111111111111111111111111111111'); // 32 zero bytes
 */
export function addressToBytes(address: string): Uint8Array {
  return base58.decode(parseAddress(address));
}

/**
 * Whether the address is the canonical encoding of an Ed25519 curve point, i.e. could belong
 * to a key pair (a wallet), as opposed to a program derived address.
 *
 * RFC 8032 §5.1.3 decoding, strict: y must be below p = 2^255 - 19. The 19 encodings with
 * y ≥ p (such as 32 bytes of 0xff, 'JEKNVnkbo3jma5nREBBJCDoXFVeKkD56V3xKrvRmWxFG') are
 * off-curve here, as in @solana/web3.js's `PublicKey.isOnCurve`, which spl-token's
 * `getAssociatedTokenAddressSync` uses to refuse an off-curve owner: no key pair has such a
 * public key (a signer's key is always encoded canonically), so nobody could ever move tokens
 * sent to its associated account. kit's `isOffCurveAddress` reduces y mod p and calls them
 * on-curve; it stays the check of PDA derivation, where it mirrors the runtime's
 * `create_program_address`.
 * @throws {InvalidAddressError}
 */
export function isOnCurveAddress(address: string): boolean {
  const bytes = addressToBytes(address);
  try {
    ed25519.Point.fromBytes(bytes); // zip215 = false: RFC 8032 strict, y < p
    return true;
  } catch {
    return false;
  }
}

/**
 * solana-program `Pubkey::find_program_address`: the first bump from 255 down to 1 for which
 * sha256(seeds ‖ [bump] ‖ programId ‖ "ProgramDerivedAddress") is off the curve.
 * Written out here because kit's version hashes with `crypto.subtle`, which Azle lacks.
 */
function findProgramAddress({ seeds, programAddress }: { seeds: Uint8Array[]; programAddress: Address }): Address {
  const program = base58.decode(programAddress);
  for (let bump = 255; bump > 0; bump--) {
    const candidate = addressDecoder.decode(sha256(concat([...seeds, new Uint8Array([bump]), program, PDA_MARKER])));
    if (isOffCurveAddress(candidate)) return candidate;
  }
  // Probability 2^-255; the runtime would fail the same way.
  throw new InvalidAddressError(programAddress, 'no off-curve program address for these seeds');
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** @throws {InvalidAddressError} unless `tokenProgram` is the Token or Token-2022 program. */
export function parseTokenProgram(tokenProgram: string): TokenProgramAddress {
  if (tokenProgram !== TOKEN_PROGRAM_ADDRESS && tokenProgram !== TOKEN_2022_PROGRAM_ADDRESS) {
    throw new InvalidAddressError(
      describeValue(tokenProgram),
      `not a supported token program (expected ${TOKEN_PROGRAM_ADDRESS} or ${TOKEN_2022_PROGRAM_ADDRESS})`,
    );
  }
  return tokenProgram;
}

/**
 * The associated token account of `owner` for `mint` (SPL Associated Token Account program):
 * the PDA of seeds [owner, tokenProgram, mint] under the ATA program.
 *
 * @throws {InvalidAddressError} when an input is not an address or the token program is unknown.
 *
 * @example
 * findAssociatedTokenAddress({ owner, mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v' });
 */
export function findAssociatedTokenAddress(args: { owner: string; mint: string; tokenProgram?: string }): Address {
  assertParameterObject(args, 'findAssociatedTokenAddress');
  const { owner, mint, tokenProgram = TOKEN_PROGRAM_ADDRESS } = args;
  const program = parseTokenProgram(tokenProgram);
  return findProgramAddress({
    seeds: [addressToBytes(owner), base58.decode(program), addressToBytes(mint)],
    programAddress: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  });
}
