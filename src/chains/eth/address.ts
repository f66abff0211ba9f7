/**
 * Ethereum addresses: derivation from the IC's secp256k1 public key and validation of
 * user-entered addresses (EIP-55 mixed-case checksum, https://eips.ethereum.org/EIPS/eip-55).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, checksumAddress } from 'viem';
import type { Address } from 'viem';
import { describeValue } from '../../lib/errors.ts';
import { InvalidAddressError, InvalidPublicKeyError } from './errors.ts';

export type { Address } from 'viem';
export type PublicKeyToAddressErrorType = InvalidPublicKeyError;
export type ParseAddressErrorType = InvalidAddressError;

/**
 * Decodes a SEC1 secp256k1 public key (33-byte compressed, as `ecdsa_public_key` returns it,
 * or 65-byte uncompressed) into its 65-byte uncompressed form `0x04 ‖ X ‖ Y`, checking that
 * the point is on the curve.
 */
export function uncompressedPublicKey(publicKey: Uint8Array): Uint8Array {
  if (!(publicKey instanceof Uint8Array)) {
    throw new InvalidPublicKeyError(describeValue(publicKey), 'expected a Uint8Array');
  }
  if (publicKey.length !== 33 && publicKey.length !== 65) {
    throw new InvalidPublicKeyError(bytesToHex(publicKey), `expected 33 (compressed) or 65 (uncompressed) bytes, got ${publicKey.length}`);
  }
  try {
    return secp256k1.Point.fromBytes(publicKey).toBytes(false);
  } catch (cause) {
    throw new InvalidPublicKeyError(bytesToHex(publicKey), 'not a point on secp256k1', cause);
  }
}

/**
 * The EIP-55 checksummed address of a secp256k1 public key: the last 20 bytes of
 * keccak256 of the 64-byte uncompressed key body `X ‖ Y` (Yellow Paper, eq. 284).
 *
 * @throws {InvalidPublicKeyError} when the key is not a valid SEC1 point.
 *
 * @example
 * publicKeyToAddress(hexToBytes('0x0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798'));
 * // '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf' (the key of secret 1)
 */
export function publicKeyToAddress(publicKey: Uint8Array): Address {
  const body = uncompressedPublicKey(publicKey).subarray(1);
  const hash = keccak_256(body);
  return checksumAddress(bytesToHex(hash.subarray(12)));
}

const HEX_40 = /^[0-9a-fA-F]{40}$/;

/**
 * Validates a user-entered address and returns it EIP-55 checksummed.
 * Accepts `0x` + 40 hex digits; all-lowercase and all-uppercase digits carry no checksum and
 * are accepted as such, mixed case must match the EIP-55 checksum exactly.
 *
 * @throws {InvalidAddressError} naming the input and what is wrong with it. A checksum
 *   mismatch does not reveal the "corrected" address: it means the address has a typo.
 *
 * @example
 * parseAddress('0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359'); // '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'
 */
export function parseAddress(input: string): Address {
  if (typeof input !== 'string') {
    throw new InvalidAddressError(describeValue(input), 'expected a string');
  }
  if (!input.startsWith('0x')) {
    throw new InvalidAddressError(input, 'expected a "0x" prefix');
  }
  const digits = input.slice(2);
  if (digits.length !== 40) {
    throw new InvalidAddressError(input, `expected 40 hex digits after "0x", got ${digits.length}`);
  }
  if (!HEX_40.test(digits)) {
    throw new InvalidAddressError(input, 'contains a character that is not a hex digit');
  }
  const checksummed = checksumAddress(`0x${digits.toLowerCase()}`);
  const isSingleCase = digits === digits.toLowerCase() || digits === digits.toUpperCase();
  if (!isSingleCase && checksummed !== input) {
    throw new InvalidAddressError(input, 'EIP-55 checksum mismatch (mixed case that is not the checksum)');
  }
  return checksummed;
}

/**
 * Whether `input` passes {@link parseAddress}.
 * @example isAddress('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'); // false (checksum typo)
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
