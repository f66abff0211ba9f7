/** Candid types of the Bitcoin endpoints (CONTRIBUTING.md convention 5). */
import { IDL } from 'azle';
import {
  BtcAddressType,
  KEY_ERRORS,
  REQUEST_ERRORS,
  SIGNING_GUARD_ERRORS,
  type BtcAddressType as BtcAddressTypeT,
  type KeyError,
  type RequestError,
  type SigningGuardError,
} from '../candid.ts';

/** A UTXO as explorers show it: txid in display order. */
export const Utxo = IDL.Record({ txid: IDL.Text, vout: IDL.Nat32, value_sats: IDL.Nat64 });
export type Utxo = { txid: string; vout: number; value_sats: bigint };

export const BtcSignTransactionRequest = IDL.Record({
  utxos: IDL.Vec(Utxo),
  outputs: IDL.Vec(IDL.Record({ address: IDL.Text, amount_sats: IDL.Nat64 })),
  fee_sats: IDL.Nat64,
  address_type: BtcAddressType,
});
export type BtcSignTransactionRequest = {
  utxos: Utxo[];
  outputs: { address: string; amount_sats: bigint }[];
  fee_sats: bigint;
  address_type: BtcAddressTypeT;
};
export const BtcSignTransactionResponse = IDL.Record({ raw_transaction: IDL.Text, txid: IDL.Text, vsize: IDL.Nat32 });
export type BtcSignTransactionResponse = { raw_transaction: string; txid: string; vsize: number };

const FUNDS_ERRORS = {
  InsufficientFunds: IDL.Record({ required_sats: IDL.Nat64, available_sats: IDL.Nat64 }),
};
type FundsError = { InsufficientFunds: { required_sats: bigint; available_sats: bigint } };

export const BtcSignTransactionError = IDL.Variant({ ...KEY_ERRORS, ...SIGNING_GUARD_ERRORS, ...REQUEST_ERRORS, ...FUNDS_ERRORS });
export type BtcSignTransactionError = KeyError | SigningGuardError | RequestError | FundsError;
export const BtcSignTransactionResult = IDL.Variant({ Ok: BtcSignTransactionResponse, Err: BtcSignTransactionError });

const BITCOIN_CALL_ERRORS = {
  BitcoinCallRejected: IDL.Record({ method: IDL.Text, reject_code: IDL.Nat32, reject_message: IDL.Text }),
  BitcoinCallNotSent: IDL.Record({ method: IDL.Text }),
};
type BitcoinCallErrorT =
  { BitcoinCallRejected: { method: string; reject_code: number; reject_message: string } } | { BitcoinCallNotSent: { method: string } };

export const BtcBalanceRequest = IDL.Record({ address_type: BtcAddressType, min_confirmations: IDL.Opt(IDL.Nat32) });
export type BtcBalanceRequest = { address_type: BtcAddressTypeT; min_confirmations: [] | [number] };
export const BtcBalanceError = IDL.Variant({ ...KEY_ERRORS, ...BITCOIN_CALL_ERRORS });
export type BtcBalanceError = KeyError | BitcoinCallErrorT;
export const BtcBalanceResult = IDL.Variant({ Ok: IDL.Nat64, Err: BtcBalanceError });

export const BtcSendRequest = IDL.Record({
  to: IDL.Text,
  amount_sats: IDL.Nat64,
  address_type: BtcAddressType,
  fee_rate_msat_per_vb: IDL.Opt(IDL.Nat64),
});
export type BtcSendRequest = { to: string; amount_sats: bigint; address_type: BtcAddressTypeT; fee_rate_msat_per_vb: [] | [bigint] };
export const BtcSendResponse = IDL.Record({ txid: IDL.Text, raw_transaction: IDL.Text, fee_sats: IDL.Nat64 });
export type BtcSendResponse = { txid: string; raw_transaction: string; fee_sats: bigint };
export const BtcSendError = IDL.Variant({
  ...KEY_ERRORS,
  ...SIGNING_GUARD_ERRORS,
  ...REQUEST_ERRORS,
  ...FUNDS_ERRORS,
  ...BITCOIN_CALL_ERRORS,
  /** Enough coins exist, but sends still in flight hold some of them until they confirm. */
  FundsReservedByPendingSends: IDL.Record({ pending_sends: IDL.Nat32, available_sats: IDL.Nat64, reserved_sats: IDL.Nat64 }),
  /** Paying would take more inputs than one transaction may have. */
  TooManyInputs: IDL.Record({ count: IDL.Nat32, max: IDL.Nat32 }),
});
export type BtcSendError =
  | KeyError
  | SigningGuardError
  | RequestError
  | FundsError
  | BitcoinCallErrorT
  | { FundsReservedByPendingSends: { pending_sends: number; available_sats: bigint; reserved_sats: bigint } }
  | { TooManyInputs: { count: number; max: number } };
export const BtcSendResult = IDL.Variant({ Ok: BtcSendResponse, Err: BtcSendError });
