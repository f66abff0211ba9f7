/**
 * Turning the IC's 64-byte signatures into witnesses, and the witnesses into the final
 * transaction. Every signature is verified against its input's key and sighash before it is
 * used: a wrong signature is a typed error, never a transaction the network would reject.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import { OutScript, p2wpkh } from '@scure/btc-signer';
import { assertCompressedPublicKey, taprootOutputKey } from './address.ts';
import {
  InputKeyMismatchError,
  InsufficientFundsError,
  InvalidPublicKeyError,
  InvalidSignatureError,
  SignatureCountError,
  UnsupportedInputError,
} from './errors.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import type { InvalidArgumentError } from '../../lib/errors.ts';
import type { MalformedTransactionError } from './errors.ts';
import {
  encodeValidatedTransaction,
  inputTypeOf,
  validatedSighasher,
  validateTransaction,
  type UnsignedTransaction,
} from './transaction.ts';

/** secp256k1's group order n. */
const CURVE_ORDER = secp256k1.Point.CURVE().n;

/** SIGHASH_ALL, appended to every ECDSA signature (BIP143 inputs sign with SIGHASH_ALL). */
const SIGHASH_ALL = 0x01;

/** One signature per input, with the public key the IC signed with. */
export type InputSignature = {
  /** 64 bytes: r‖s from `sign_with_ecdsa`, or the BIP340 signature from `sign_with_schnorr`. */
  signature: Uint8Array;
  /**
   * 33 bytes as the IC returns them: from `ecdsa_public_key` for a P2WPKH input, from
   * `schnorr_public_key` (the BIP341 internal key) for a P2TR input.
   */
  publicKey: Uint8Array;
};

export type SignedTransaction = {
  /** The network serialization with witnesses (BIP144), for `bitcoin_send_transaction`. */
  bytes: Uint8Array;
  hex: string;
  /** Hex, display order: reversed double SHA-256 of the serialization without witnesses. */
  txid: string;
  /** Hex, display order: reversed double SHA-256 of the serialization with witnesses. */
  wtxid: string;
  weight: number;
  vsize: number;
};

export type EncodeDerSignatureErrorType = InvalidSignatureError;
export type P2wpkhWitnessErrorType = InvalidSignatureError | InvalidPublicKeyError | InvalidArgumentError;
export type P2trKeyPathWitnessErrorType = InvalidSignatureError | InvalidPublicKeyError | InvalidArgumentError;
export type FinalizeTransactionErrorType =
  | InvalidArgumentError
  | MalformedTransactionError
  | SignatureCountError
  | InsufficientFundsError
  | UnsupportedInputError
  | InvalidPublicKeyError
  | InputKeyMismatchError
  | InvalidSignatureError;

function describe(value: unknown): string {
  return value instanceof Uint8Array ? hex.encode(value) : describeValue(value);
}

/** The input index of an error message, when it is one. */
function inputIndex(index: unknown): number | undefined {
  return typeof index === 'number' && Number.isSafeInteger(index) ? index : undefined;
}

/** Throws unless `sighash` is the 32-byte digest both signature algorithms sign here. */
function assertSighash({ sighash, signature, index }: { sighash: unknown; signature: unknown; index: number | undefined }): void {
  if (!(sighash instanceof Uint8Array) || sighash.length !== 32) {
    throw new InvalidSignatureError({
      index,
      signature: describe(signature),
      details: `the sighash must be 32 bytes, got ${describe(sighash)}`,
    });
  }
}

/** Splits a 64-byte r‖s signature and checks 1 <= r, s < n. */
function parseCompactSignature({ signature, index }: { signature: unknown; index?: number }): { r: bigint; s: bigint } {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw new InvalidSignatureError({ index, signature: describe(signature), details: 'expected 64 bytes r‖s' });
  }
  const r = bytesToNumberBE(signature.subarray(0, 32));
  const s = bytesToNumberBE(signature.subarray(32, 64));
  if (r === 0n || r >= CURVE_ORDER || s === 0n || s >= CURVE_ORDER) {
    throw new InvalidSignatureError({ index, signature: hex.encode(signature), details: 'r and s must be in 1..n-1' });
  }
  return { r, s };
}

/**
 * The low-S form of a 64-byte r‖s signature: (r, s) and (r, n − s) are both valid ECDSA
 * signatures, but Bitcoin's standardness rules (BIP62 LOW_S, enforced for segwit v0 by
 * BIP146's policy) relay only s <= n/2.
 */
function lowS({ r, s }: { r: bigint; s: bigint }): { r: bigint; s: bigint } {
  return { r, s: s > CURVE_ORDER >> 1n ? CURVE_ORDER - s : s };
}

/**
 * DER encoding (BIP66 strict DER) of the low-S form of a 64-byte r‖s ECDSA signature, as the
 * IC's `sign_with_ecdsa` returns it, without the sighash byte.
 *   0x30 len 0x02 len(r) r 0x02 len(s) s
 * with r and s as minimal big-endian integers (a 0x00 prepended when the top bit is set).
 *
 * @throws {InvalidSignatureError} when the input is not 64 bytes with 1 <= r, s < n.
 *
 * @example
 * encodeDerSignature(sig64); // Uint8Array [0x30, 0x44, 0x02, 0x20, ...]
 */
export function encodeDerSignature(signature: Uint8Array): Uint8Array {
  const { r, s } = lowS(parseCompactSignature({ signature }));
  return new secp256k1.Signature(r, s).toBytes('der');
}

/**
 * The P2WPKH witness for an input (BIP141): [DER signature ‖ SIGHASH_ALL, 33-byte key], after
 * verifying the signature (low-S) over `sighash` with `publicKey`.
 *
 * @throws {InvalidSignatureError} when the signature is malformed or does not verify.
 * @throws {InvalidPublicKeyError}
 */
export function p2wpkhWitness(args: {
  signature: Uint8Array;
  publicKey: Uint8Array;
  sighash: Uint8Array;
  /** Input index, for error messages. */
  index?: number;
}): Uint8Array[] {
  assertParameterObject(args, 'p2wpkhWitness');
  const { signature, publicKey, sighash } = args;
  const index = inputIndex(args.index);
  assertCompressedPublicKey(publicKey);
  assertSighash({ sighash, signature, index });
  return ecdsaWitness({ signature, publicKey, sighash, index, verify: true });
}

/** The P2WPKH witness of a checked signature; `verify: false` skips the curve arithmetic. */
function ecdsaWitness({
  signature,
  publicKey,
  sighash,
  index,
  verify,
}: {
  signature: Uint8Array;
  publicKey: Uint8Array;
  sighash: Uint8Array;
  index: number | undefined;
  verify: boolean;
}): Uint8Array[] {
  const { r, s } = lowS(parseCompactSignature({ signature, index }));
  const normalized = new secp256k1.Signature(r, s);
  // prehash: false — sighash is already the 32-byte digest that ECDSA signs.
  if (verify && !secp256k1.verify(normalized.toBytes('compact'), sighash, publicKey, { prehash: false, lowS: true })) {
    throw new InvalidSignatureError({
      index,
      signature: hex.encode(signature),
      details: `does not verify for sighash ${hex.encode(sighash)} and key ${hex.encode(publicKey)}`,
    });
  }
  const der = normalized.toBytes('der');
  return [Uint8Array.of(...der, SIGHASH_ALL), publicKey.slice()];
}

/**
 * The P2TR key-path witness (BIP341): [64-byte BIP340 signature] — SIGHASH_DEFAULT, so no
 * sighash byte — after verifying it over `sighash` against the BIP86 output key of
 * `publicKey` (the IC tweaks the key itself when `sign_with_schnorr` gets
 * `aux = bip341 { merkle_root_hash = empty }`).
 *
 * @throws {InvalidSignatureError} when the signature is not 64 bytes or does not verify.
 * @throws {InvalidPublicKeyError}
 */
export function p2trKeyPathWitness(args: {
  signature: Uint8Array;
  publicKey: Uint8Array;
  sighash: Uint8Array;
  /** Input index, for error messages. */
  index?: number;
}): Uint8Array[] {
  assertParameterObject(args, 'p2trKeyPathWitness');
  const { signature, publicKey, sighash } = args;
  const index = inputIndex(args.index);
  const outputKey = taprootOutputKey(publicKey);
  assertSighash({ sighash, signature, index });
  return verifiedKeyPathWitness({ signature, outputKey, sighash, index });
}

/** `p2trKeyPathWitness` once the output key is known (the tweak is a scalar multiplication: done once per input). */
function verifiedKeyPathWitness({
  signature,
  outputKey,
  sighash,
  index,
  verify = true,
}: {
  signature: Uint8Array;
  outputKey: Uint8Array;
  sighash: Uint8Array;
  index?: number;
  verify?: boolean;
}): Uint8Array[] {
  if (!(signature instanceof Uint8Array) || signature.length !== 64) {
    throw new InvalidSignatureError({ index, signature: describe(signature), details: 'expected a 64-byte BIP340 signature' });
  }
  if (!verify) return [signature.slice()];
  let valid: boolean;
  try {
    valid = schnorr.verify(signature, sighash, outputKey);
  } catch {
    valid = false; // malformed r or s: same outcome as a wrong signature
  }
  if (!valid) {
    throw new InvalidSignatureError({
      index,
      signature: hex.encode(signature),
      details: `does not verify for sighash ${hex.encode(sighash)} and taproot output key ${hex.encode(outputKey)}`,
    });
  }
  return [signature.slice()];
}

/** Double SHA-256, reversed, as hex: how txids and wtxids are displayed. */
function displayHash(bytes: Uint8Array): string {
  return hex.encode(sha256(sha256(bytes)).reverse());
}

/**
 * Attaches one IC signature per input and returns the signed transaction.
 * The transaction is checked first by `validateTransaction`, the same check as
 * `serializeTransaction` and `getSighashes` (so, e.g., `outputs: []` is refused).
 * For each input, in order:
 *   1. the public key must own it: the input's scriptPubKey must be the P2WPKH script of the
 *      ECDSA key, or the P2TR script of the BIP86-tweaked BIP340 key;
 *   2. its sighash is recomputed from `transaction` (BIP143 or BIP341, as `getSighashes`);
 *   3. the signature is verified and turned into the witness (`p2wpkhWitness`,
 *      `p2trKeyPathWitness`).
 *
 * @throws {MalformedTransactionError} see `validateTransaction`.
 * @throws {SignatureCountError} unless there is exactly one signature per input.
 * @throws {InsufficientFundsError} when the outputs exceed the inputs.
 * @throws {UnsupportedInputError} for an input that is neither P2WPKH nor P2TR.
 * @throws {InvalidPublicKeyError}
 * @throws {InputKeyMismatchError} when a key does not own its input.
 * @throws {InvalidSignatureError} when a signature (or its `{ signature, publicKey }` entry) is
 *   malformed or does not verify.
 * @throws {InvalidArgumentError} when the argument is not an object.
 *
 * @example
 * const sighashes = getSighashes(transaction);
 * // ...ask the IC to sign each sighash...
 * const { hex, txid } = finalizeTransaction({ transaction, signatures: [{ signature, publicKey }] });
 */
export function finalizeTransaction(args: {
  transaction: UnsignedTransaction;
  signatures: readonly InputSignature[];
  /**
   * `false` skips verifying each signature (format, low-S and key ownership are still checked):
   * for a signer whose transactions every node verifies anyway, such as the wallet canister,
   * where one secp256k1 verification costs hundreds of millions of instructions
   * (CONTRIBUTING.md: spend a verification only where the chain could not reject a bad
   * signature itself). Default `true`.
   */
  verifySignatures?: boolean;
}): SignedTransaction {
  assertParameterObject(args, 'finalizeTransaction');
  const transaction = validateTransaction(args.transaction);
  const { signatures } = args;
  const verify = args.verifySignatures !== false;
  // The BIP86 tweak is a scalar multiplication: once per distinct key, not once per input.
  const outputKeys = new Map<string, Uint8Array>();
  if (!Array.isArray(signatures) || signatures.length !== transaction.inputs.length) {
    throw new SignatureCountError({
      expected: transaction.inputs.length,
      actual: Array.isArray(signatures) ? signatures.length : 0,
    });
  }
  // A transaction spending less than it pays is invalid whatever its signatures.
  const inputTotal = transaction.inputs.reduce((sum, input) => sum + input.value, 0n);
  const outputTotal = transaction.outputs.reduce((sum, output) => sum + output.value, 0n);
  if (inputTotal < outputTotal) {
    throw new InsufficientFundsError({ required: outputTotal, available: inputTotal });
  }
  const sighashOf = validatedSighasher(transaction);
  const witnesses = transaction.inputs.map((input, index) => {
    const entry: unknown = signatures[index];
    if (typeof entry !== 'object' || entry === null) {
      throw new InvalidSignatureError({ index, signature: describe(entry), details: 'expected { signature, publicKey }' });
    }
    const { signature, publicKey } = entry as InputSignature;
    const type = inputTypeOf(input.scriptPubKey);
    if (type === undefined) {
      throw new UnsupportedInputError({ index, scriptPubKey: hex.encode(input.scriptPubKey) });
    }
    assertCompressedPublicKey(publicKey);
    // The BIP86 output key, computed once: it both proves ownership and verifies the signature.
    let outputKey: Uint8Array | undefined;
    if (type === 'p2tr') {
      const keyHex = hex.encode(publicKey);
      outputKey = outputKeys.get(keyHex) ?? taprootOutputKey(publicKey);
      outputKeys.set(keyHex, outputKey);
    }
    const ownScript = outputKey === undefined ? p2wpkh(publicKey).script : OutScript.encode({ type: 'tr', pubkey: outputKey });
    if (hex.encode(ownScript) !== hex.encode(input.scriptPubKey)) {
      throw new InputKeyMismatchError({
        index,
        publicKey: hex.encode(publicKey),
        details: `the input pays to ${hex.encode(input.scriptPubKey)}, the key's ${type.toUpperCase()} script is ${hex.encode(ownScript)}`,
      });
    }
    const sighash = sighashOf(index);
    if (outputKey !== undefined) return verifiedKeyPathWitness({ signature, outputKey, sighash, index, verify });
    return ecdsaWitness({ signature, publicKey, sighash, index, verify });
  });
  const bytes = encodeValidatedTransaction({ transaction, witnesses });
  const base = encodeValidatedTransaction({ transaction });
  // BIP141: weight = 3 × size without witnesses + size with them; vsize = ceil(weight / 4).
  const weight = 3 * base.length + bytes.length;
  return {
    bytes,
    hex: hex.encode(bytes),
    txid: displayHash(base),
    wtxid: displayHash(bytes),
    weight,
    vsize: Math.ceil(weight / 4),
  };
}
