/**
 * Errors of the devnet's Bitcoin service. The chain throws them; the canister maps them to the
 * Bitcoin canister's reject messages and the admin routes to HTTP statuses.
 */
import { WalletError } from '../../../../src/lib/errors.ts';

/**
 * The bytes are not a transaction by the Bitcoin canister's own decoder (rust-bitcoin's
 * `consensus_decode`), so the canister answers `MalformedTransaction`.
 */
export class MalformedTransactionError extends WalletError {
  override name = 'MalformedTransactionError';
  constructor(details: string, options: { cause?: unknown } = {}) {
    super('Malformed Bitcoin transaction', { details, cause: options.cause });
  }
}

/**
 * What the regtest node refused the transaction for. `reason` is Bitcoin Core's reject reason
 * (`bad-txns-inputs-missingorspent`, `txn-mempool-conflict`, `dust`, ...) so that the text
 * matches what `sendrawtransaction` prints; `details` names the input, output or amount at fault.
 */
export class TransactionRejectedError extends WalletError {
  override name = 'TransactionRejectedError';
  readonly txid: string;
  readonly reason: string;
  constructor(args: { txid: string; reason: string; details: string }) {
    super(`Transaction ${args.txid} rejected: ${args.reason}`, { details: args.details });
    this.txid = args.txid;
    this.reason = args.reason;
  }
}

/** An address the regtest chain cannot use, named with why. */
export class InvalidAddressError extends WalletError {
  override name = 'InvalidAddressError';
  readonly kind: 'malformed' | 'wrong-network';
  constructor(args: { address: string; kind: 'malformed' | 'wrong-network'; details: string }) {
    super(`Invalid regtest address "${args.address}"`, { details: args.details });
    this.kind = args.kind;
  }
}

/** A bad argument to an admin operation (fund, mine): the value and what was expected. */
export class InvalidAdminArgumentError extends WalletError {
  override name = 'InvalidAdminArgumentError';
  constructor(details: string) {
    super('Invalid argument', { details });
  }
}
