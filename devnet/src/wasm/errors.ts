import { WalletError } from '../../../src/lib/errors.ts';

/**
 * A Wasm binary the devnet cannot decode or instrument: malformed bytes, a truncated section,
 * an instruction outside the supported feature set. `offset` is the byte offset in the input.
 *
 * @example
 * throw new InvalidWasmError({ message: 'unknown opcode 0x06', offset: 1234 });
 * // message: "Invalid Wasm: unknown opcode 0x06 at byte offset 1234"
 */
export class InvalidWasmError extends WalletError {
  override name = 'InvalidWasmError';
  /** Byte offset in the module where decoding failed. */
  readonly offset: number;

  constructor(args: { message: string; offset: number; cause?: unknown }) {
    super(`Invalid Wasm: ${args.message} at byte offset ${args.offset}`, { cause: args.cause });
    this.offset = args.offset;
  }
}

export type InstrumentErrorType = InvalidWasmError;
