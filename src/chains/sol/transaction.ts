/**
 * Solana transaction messages (legacy format) for SOL and SPL token transfers, compiled by
 * @solana/kit, with the fee payer as the only signer. The output is the exact message bytes
 * to pass to `sign_with_schnorr` (algorithm `ed25519`); see `attachSignature` for the rest.
 *
 * Legacy rather than v0: these transfers need no address lookup tables, and every RPC node,
 * explorer and wallet understands legacy messages.
 */
import {
  appendTransactionMessageInstructions,
  compileTransaction,
  createNoopSigner,
  createTransactionMessage,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
} from '@solana/kit';
import type { Address, Blockhash, Instruction } from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import { getCreateAssociatedTokenIdempotentInstruction, getTransferCheckedInstruction } from '@solana-program/token';
import { findAssociatedTokenAddress, isOnCurveAddress, parseAddress, parseTokenProgram, TOKEN_PROGRAM_ADDRESS } from './address.ts';
import { MAX_U64 } from './amount.ts';
import { assertParameterObject, describeValue } from '../../lib/errors.ts';
import type { InvalidArgumentError } from '../../lib/errors.ts';
import { InvalidAddressError, InvalidTransactionError } from './errors.ts';
import { withAddressCollator } from './intl-collator.ts';

/** A legacy transaction may be at most 1232 bytes on the wire (IPv6 MTU minus headers). */
export const MAX_TRANSACTION_SIZE = 1232;
/** One signature: compact-u16 count (1 byte) + 64 bytes. */
const ONE_SIGNATURE_SIZE = 1 + 64;

export type CompileTransactionMessageErrorType = InvalidTransactionError | InvalidAddressError | InvalidArgumentError;

function parseField({ field, value }: { field: string; value: string }): Address {
  try {
    return parseAddress(value);
  } catch (cause) {
    if (cause instanceof InvalidAddressError) {
      throw new InvalidTransactionError({ field, value: describeValue(value), details: cause.details ?? cause.shortMessage, cause });
    }
    throw cause;
  }
}

function checkAmount({ field, value }: { field: string; value: unknown }): bigint {
  if (typeof value !== 'bigint' || value < 1n || value > MAX_U64) {
    throw new InvalidTransactionError({ field, value: describeValue(value), details: `expected a bigint in 1..${MAX_U64}` });
  }
  return value;
}

/** An optional flag: absent means `fallback`; anything but a boolean is refused, so that a string "false" cannot mean true. */
function checkFlag({ field, value, fallback }: { field: string; value: unknown; fallback: boolean }): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new InvalidTransactionError({ field, value: describeValue(value), details: 'expected true, false or undefined' });
  }
  return value;
}

/**
 * Compiles instructions into legacy message bytes with `feePayer` as the only signer.
 * Works without `Intl` (see `intl-collator.ts`).
 *
 * @param feePayer - pays the fee and must be the only account that signs any instruction.
 * @param recentBlockhash - base58 blockhash from `getLatestBlockhash`; the message is valid
 *   for about 150 blocks after it.
 * @throws {InvalidTransactionError} for a bad fee payer or blockhash, more than one signer,
 *   too many accounts, or a transaction that would exceed 1232 bytes once signed.
 *
 * @example
 * compileTransactionMessage({
 *   feePayer: from,
 *   recentBlockhash,
 *   instructions: [getTransferSolInstruction({ source: createNoopSigner(from), destination: to, amount: 1n })],
 * });
 */
export function compileTransactionMessage(args: {
  feePayer: string;
  recentBlockhash: string;
  instructions: readonly Instruction[];
}): Uint8Array {
  assertParameterObject(args, 'compileTransactionMessage');
  const { feePayer, recentBlockhash, instructions } = args;
  const payer = parseField({ field: 'feePayer', value: feePayer });
  const blockhash = parseField({ field: 'recentBlockhash', value: recentBlockhash }) as string as Blockhash;
  if (!Array.isArray(instructions)) {
    throw new InvalidTransactionError({
      field: 'instructions',
      value: describeValue(instructions),
      details: 'expected an array of instructions',
    });
  }
  let compiled;
  try {
    // Building the message reads the caller's instruction objects, so kit's errors about them
    // (a missing programAddress, a malformed account...) surface here too.
    const message = pipe(
      createTransactionMessage({ version: 'legacy' }),
      (m) => setTransactionMessageFeePayer(payer, m),
      // lastValidBlockHeight is kit's bookkeeping for confirmation; it is not part of the
      // message bytes (compileTransactionMessage reads only the blockhash).
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash, lastValidBlockHeight: MAX_U64 }, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    );
    compiled = withAddressCollator(() => compileTransaction(message));
  } catch (cause) {
    throw new InvalidTransactionError({
      field: 'instructions',
      value: `${instructions.length} instruction(s)`,
      details: `kit refused to compile the message: ${cause instanceof Error ? cause.message : describeValue(cause)}`,
      cause,
    });
  }
  const signers = Object.keys(compiled.signatures);
  if (signers.length !== 1) {
    throw new InvalidTransactionError({
      field: 'instructions',
      value: signers.join(','),
      details: `only the fee payer may sign, got ${signers.length} signers`,
    });
  }
  const size = compiled.messageBytes.length + ONE_SIGNATURE_SIZE;
  if (size > MAX_TRANSACTION_SIZE) {
    throw new InvalidTransactionError({
      field: 'instructions',
      value: `${instructions.length} instruction(s)`,
      details: `signed transaction would be ${size} bytes, the limit is ${MAX_TRANSACTION_SIZE}`,
    });
  }
  return Uint8Array.from(compiled.messageBytes);
}

/**
 * Message bytes of a System Program transfer of `lamports` from `from` (also the fee
 * payer and only signer) to `to`.
 *
 * @throws {InvalidTransactionError} naming the bad parameter (address, blockhash, or
 *   lamports outside 1..u64::MAX).
 *
 * @example
 * const messageBytes = compileSolTransferMessage({ from, to, lamports: parseSol('0.1'), recentBlockhash });
 */
export function compileSolTransferMessage(args: { from: string; to: string; lamports: bigint; recentBlockhash: string }): Uint8Array {
  assertParameterObject(args, 'compileSolTransferMessage');
  const { from, to, lamports, recentBlockhash } = args;
  const source = parseField({ field: 'from', value: from });
  const destination = parseField({ field: 'to', value: to });
  const amount = checkAmount({ field: 'lamports', value: lamports });
  return compileTransactionMessage({
    feePayer: source,
    recentBlockhash,
    instructions: [getTransferSolInstruction({ source: createNoopSigner(source), destination, amount })],
  });
}

/**
 * Message bytes of an SPL token transfer: `TransferChecked` of `amount` base units of `mint`
 * from `from`'s associated token account to `to`'s, signed by `from` (also the fee payer).
 * With `createRecipientAccount`, it first creates `to`'s associated token account with
 * `CreateIdempotent` (a no-op if it exists; `from` pays its rent).
 *
 * `to` is the recipient's wallet address. Unless `allowOwnerOffCurve`, it must be the
 * canonical encoding of an Ed25519 point (`isOnCurveAddress`, the check spl-token's
 * `getAssociatedTokenAddressSync` makes): an off-curve `to` is usually a token account or PDA
 * pasted by mistake, and a non-canonical one (y ≥ p) can never be a key pair's, so tokens
 * sent to its associated account could be lost.
 *
 * @throws {InvalidTransactionError} naming the bad parameter: addresses, amount outside
 *   1..u64::MAX, decimals outside 0..255, unsupported token program, off-curve or
 *   non-canonical recipient (field `to`), `createRecipientAccount` or `allowOwnerOffCurve`
 *   that is not a boolean.
 *
 * @example
 * const messageBytes = compileSplTransferMessage({
 *   from, to, mint: 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', amount: 1_500_000n, decimals: 6,
 *   recentBlockhash, createRecipientAccount: true,
 * });
 */
export function compileSplTransferMessage(args: {
  from: string;
  to: string;
  mint: string;
  amount: bigint;
  decimals: number;
  recentBlockhash: string;
  createRecipientAccount?: boolean;
  tokenProgram?: string;
  allowOwnerOffCurve?: boolean;
}): Uint8Array {
  assertParameterObject(args, 'compileSplTransferMessage');
  const { from, to, mint, amount, decimals, recentBlockhash, tokenProgram = TOKEN_PROGRAM_ADDRESS } = args;
  const createRecipientAccount = checkFlag({ field: 'createRecipientAccount', value: args.createRecipientAccount, fallback: false });
  const allowOwnerOffCurve = checkFlag({ field: 'allowOwnerOffCurve', value: args.allowOwnerOffCurve, fallback: false });
  const owner = parseField({ field: 'from', value: from });
  const recipient = parseField({ field: 'to', value: to });
  const mintAddress = parseField({ field: 'mint', value: mint });
  const units = checkAmount({ field: 'amount', value: amount });
  if (typeof decimals !== 'number' || !Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new InvalidTransactionError({ field: 'decimals', value: describeValue(decimals), details: 'expected an integer in 0..255 (u8)' });
  }
  let program;
  try {
    program = parseTokenProgram(tokenProgram);
  } catch (cause) {
    throw new InvalidTransactionError({
      field: 'tokenProgram',
      value: describeValue(tokenProgram),
      details: 'not the Token or Token-2022 program',
      cause,
    });
  }
  if (!allowOwnerOffCurve && !isOnCurveAddress(recipient)) {
    throw new InvalidTransactionError({
      field: 'to',
      value: recipient,
      details:
        'not a wallet address (off the Ed25519 curve, or not its canonical encoding: a token account or PDA?); set allowOwnerOffCurve to send to a program-owned wallet',
    });
  }
  const signer = createNoopSigner(owner);
  const sourceAccount = findAssociatedTokenAddress({ owner, mint: mintAddress, tokenProgram: program });
  const destinationAccount = findAssociatedTokenAddress({ owner: recipient, mint: mintAddress, tokenProgram: program });
  const instructions: Instruction[] = [];
  if (createRecipientAccount) {
    instructions.push(
      getCreateAssociatedTokenIdempotentInstruction({
        payer: signer,
        ata: destinationAccount,
        owner: recipient,
        mint: mintAddress,
        tokenProgram: program,
      }),
    );
  }
  instructions.push(
    getTransferCheckedInstruction(
      { source: sourceAccount, mint: mintAddress, destination: destinationAccount, authority: signer, amount: units, decimals },
      { programAddress: program },
    ),
  );
  return compileTransactionMessage({ feePayer: owner, recentBlockhash, instructions });
}
