/**
 * src/chains' typed errors as the wallet's Candid request errors: the one mapping, so every
 * endpoint reports a bad field the same way. Anything that is not a `WalletError` is a bug and
 * is rethrown (it traps, rolling the message back).
 */
import { WalletError } from '../../../src/lib/errors.ts';
import type { RequestError } from './candid.ts';

/** Runs `body`; a `WalletError` it throws becomes the `RequestError` of `field`. */
export function validated<T>({ field, body }: { field: string; body: () => T }): { Ok: T } | { Err: RequestError } {
  try {
    return { Ok: body() };
  } catch (error) {
    return { Err: requestErrorOf({ field, error }) };
  }
}

export function requestErrorOf({ field, error }: { field: string; error: unknown }): RequestError {
  if (!(error instanceof WalletError)) throw error;
  const fields = error as WalletError & { address?: unknown; expected?: unknown; actual?: unknown };
  switch (error.name) {
    case 'InvalidAddressError':
      return { InvalidAddress: { field, address: String(fields.address ?? ''), message: error.message } };
    case 'WrongNetworkError':
      return {
        WrongNetwork: { field, address: String(fields.address ?? ''), expected: String(fields.expected), actual: String(fields.actual) },
      };
    case 'InvalidAmountError':
    case 'DustOutputError':
      return { InvalidAmount: { field, message: error.message } };
    default:
      return { InvalidRequest: { field, error: error.name, message: error.message } };
  }
}

/** A field the wallet itself refuses (not through src/chains). */
export function invalid({ field, error, message }: { field: string; error: string; message: string }): {
  InvalidRequest: { field: string; error: string; message: string };
} {
  return { InvalidRequest: { field, error, message } };
}
