// Solana's transaction wire format (bincode with compact-u16 lengths), read
// the way the RPC node reads `sendTransaction` data, and the sanitize checks
// it runs before anything else. Layout: solana-transaction's
// VersionedTransaction and solana-message's legacy and v0 Message;
// checks: Message::sanitize, v0::Message::sanitize, VersionedTransaction::sanitize.

import { WalletError } from '../../../../src/lib/errors.ts';

export interface MessageHeader {
  numRequiredSignatures: number;
  numReadonlySignedAccounts: number;
  numReadonlyUnsignedAccounts: number;
}

export interface CompiledInstruction {
  programIdIndex: number;
  accounts: number[];
  data: Uint8Array;
}

export interface AddressTableLookup {
  accountKey: Uint8Array;
  writableIndexes: number[];
  readonlyIndexes: number[];
}

export interface Message {
  version: 'legacy' | 0;
  header: MessageHeader;
  staticAccountKeys: Uint8Array[];
  recentBlockhash: Uint8Array;
  /** Where the 32 blockhash bytes start inside the serialized message. */
  recentBlockhashOffset: number;
  instructions: CompiledInstruction[];
  addressTableLookups: AddressTableLookup[];
}

export interface WireTransaction {
  /** Exactly the bytes that were read (bincode allows trailing bytes). */
  bytes: Uint8Array;
  signatures: Uint8Array[];
  messageBytes: Uint8Array;
  message: Message;
}

/** The bytes are not a transaction or message; `reason` is bincode's wording. */
export class WireFormatError extends WalletError {
  override name = 'WireFormatError';
  readonly reason: string;

  constructor(reason: string) {
    super('Malformed Solana transaction', { details: reason });
    this.reason = reason;
  }
}

const EOF = 'io error: unexpected end of file';

class Reader {
  readonly bytes: Uint8Array;
  offset = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  u8(): number {
    const value = this.bytes[this.offset];
    if (value === undefined) throw new WireFormatError(EOF);
    this.offset += 1;
    return value;
  }

  take(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw new WireFormatError(EOF);
    const slice = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return slice;
  }

  /** A compact-u16 ("short_vec") length: 7 bits a byte, at most 3 bytes, canonical. */
  shortVecLength(): number {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const byte = this.u8();
      value |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0) throw new WireFormatError('invalid value: compact-u16 alias');
        if (value > 0xffff) throw new WireFormatError('invalid value: compact-u16 overflow');
        return value;
      }
    }
    throw new WireFormatError('invalid value: compact-u16 overflow');
  }

  byteList(): number[] {
    return Array.from(this.take(this.shortVecLength()));
  }
}

/**
 * Reads a serialized `VersionedTransaction`: compact-u16 signature count,
 * 64-byte signatures, then the legacy or v0 message.
 *
 * @example
 * decodeTransaction(getTransactionEncoder().encode(signedTransaction)).message.version // 0
 */
export function decodeTransaction(bytes: Uint8Array): WireTransaction {
  const reader = new Reader(bytes);
  const count = reader.shortVecLength();
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < count; i++) signatures.push(reader.take(64));
  const messageStart = reader.offset;
  const message = readMessage(reader);
  return {
    bytes: bytes.slice(0, reader.offset),
    signatures,
    messageBytes: bytes.slice(messageStart, reader.offset),
    message,
  };
}

/** Reads a serialized `VersionedMessage`, as `getFeeForMessage` receives it. */
export function decodeMessage(bytes: Uint8Array): { message: Message; messageBytes: Uint8Array } {
  const reader = new Reader(bytes);
  const message = readMessage(reader);
  return { message, messageBytes: bytes.slice(0, reader.offset) };
}

function readMessage(reader: Reader): Message {
  const start = reader.offset;
  const first = reader.u8();
  let version: 'legacy' | 0 = 'legacy';
  let numRequiredSignatures = first;
  // A set high bit marks a versioned message; only version 0 exists.
  if (first & 0x80) {
    const number = first & 0x7f;
    if (number !== 0) {
      throw new WireFormatError(`invalid value: integer \`${number}\`, expected a valid transaction message version`);
    }
    version = 0;
    numRequiredSignatures = reader.u8();
  }
  const header = {
    numRequiredSignatures,
    numReadonlySignedAccounts: reader.u8(),
    numReadonlyUnsignedAccounts: reader.u8(),
  };
  const keyCount = reader.shortVecLength();
  const staticAccountKeys: Uint8Array[] = [];
  for (let i = 0; i < keyCount; i++) staticAccountKeys.push(reader.take(32));
  const recentBlockhashOffset = reader.offset - start;
  const recentBlockhash = reader.take(32);
  const instructionCount = reader.shortVecLength();
  const instructions: CompiledInstruction[] = [];
  for (let i = 0; i < instructionCount; i++) {
    const programIdIndex = reader.u8();
    const accounts = reader.byteList();
    const data = reader.take(reader.shortVecLength());
    instructions.push({ programIdIndex, accounts, data });
  }
  const addressTableLookups: AddressTableLookup[] = [];
  if (version === 0) {
    const lookupCount = reader.shortVecLength();
    for (let i = 0; i < lookupCount; i++) {
      addressTableLookups.push({
        accountKey: reader.take(32),
        writableIndexes: reader.byteList(),
        readonlyIndexes: reader.byteList(),
      });
    }
  }
  return { version, header, staticAccountKeys, recentBlockhash, recentBlockhashOffset, instructions, addressTableLookups };
}

/** solana-sanitize's `SanitizeError`, by its Display text. */
export type SanitizeError = 'index out of bounds' | 'value out of bounds' | 'invalid value';

/** `Message::sanitize` (legacy) or `v0::Message::sanitize`; `undefined` when sound. */
export function sanitizeMessage(message: Message): SanitizeError | undefined {
  const { header, staticAccountKeys, instructions, addressTableLookups } = message;
  const staticCount = staticAccountKeys.length;
  if (header.numRequiredSignatures + header.numReadonlyUnsignedAccounts > staticCount) return 'index out of bounds';
  // The fee payer is a writable signer, so some signer must be writable.
  if (header.numReadonlySignedAccounts >= header.numRequiredSignatures) {
    return message.version === 0 ? 'invalid value' : 'index out of bounds';
  }
  let loadedCount = 0;
  for (const lookup of addressTableLookups) {
    if (lookup.writableIndexes.length === 0 && lookup.readonlyIndexes.length === 0) return 'invalid value';
    loadedCount += lookup.writableIndexes.length + lookup.readonlyIndexes.length;
  }
  const totalCount = staticCount + loadedCount;
  if (totalCount > 256) return 'index out of bounds';
  for (const instruction of instructions) {
    // Programs come from the static keys only, and never the fee payer.
    if (instruction.programIdIndex === 0 || instruction.programIdIndex >= staticCount) return 'index out of bounds';
    if (instruction.accounts.some((index) => index >= totalCount)) return 'index out of bounds';
  }
  return undefined;
}

/** `VersionedTransaction::sanitize`: the message, then the signature count. */
export function sanitizeTransaction(transaction: WireTransaction): SanitizeError | undefined {
  const messageError = sanitizeMessage(transaction.message);
  if (messageError) return messageError;
  const required = transaction.message.header.numRequiredSignatures;
  const given = transaction.signatures.length;
  if (required > given) return 'index out of bounds';
  if (required < given) return 'invalid value';
  if (given > transaction.message.staticAccountKeys.length) return 'index out of bounds';
  return undefined;
}

/** Index of the first account key that appears twice, if any. */
export function findDuplicateKey(keys: readonly Uint8Array[]): number | undefined {
  const seen = new Set<string>();
  for (const [index, key] of keys.entries()) {
    const text = key.join(',');
    if (seen.has(text)) return index;
    seen.add(text);
  }
  return undefined;
}
