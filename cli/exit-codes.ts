/**
 * The `wallet` command's exit codes. Scripts may rely on them; `wallet --help` lists them.
 */
import { WalletError } from '../src/lib/errors.ts';

export const EXIT = Object.freeze({
  /** Done; for a check, everything verified. */
  ok: 0,
  /** A check failed: an address, a proof, a certificate or a log that does not verify. */
  verificationFailed: 1,
  /** The command line is wrong: unknown command or flag, missing or malformed argument. */
  usage: 2,
  /** Local state is missing or unusable: no such identity, no deployment file, an unreadable or refused key file. */
  config: 3,
  /** The wallet canister or the network failed, or the wallet answered with an error. */
  canister: 4,
  /** The wallet canister does not offer what this command needs yet. */
  unavailable: 5,
} as const);

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Kinds of failure, named in `--json` error output. */
export type CliErrorKind = keyof typeof EXIT;

/** An error the CLI reports as one sentence and an exit code. */
export class CliError extends WalletError {
  override name = 'CliError';
  readonly kind: Exclude<CliErrorKind, 'ok'>;
  constructor(kind: Exclude<CliErrorKind, 'ok'>, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.kind = kind;
  }
  get exitCode(): ExitCode {
    return EXIT[this.kind];
  }
}
