/**
 * The wallet's Candid types, one set per endpoint (CONTRIBUTING.md convention 5). canisters/wallet/wallet.did
 * spells the same types with their names; test/wallet/candid.test.ts checks it against the build.
 */
import { IDL } from 'azle';

/** The networks of the IC's Bitcoin canister. */
export const BitcoinNetwork = IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null });
export type BitcoinNetwork = { mainnet: null } | { testnet: null } | { regtest: null };

/** The init argument: fixed at install, since the key names and the network determine every address. */
export const WalletConfig = IDL.Record({
  ecdsa_key_name: IDL.Text,
  schnorr_key_name: IDL.Text,
  bitcoin_network: BitcoinNetwork,
});
export type WalletConfig = { ecdsa_key_name: string; schnorr_key_name: string; bitcoin_network: BitcoinNetwork };

/** The management canister (or the system) rejected a call: the IC reject code and message. */
export const ManagementCallRejection = IDL.Record({ method: IDL.Text, reject_code: IDL.Nat32, reject_message: IDL.Text });
export type ManagementCallRejection = { method: string; reject_code: number; reject_message: string };

export const AddressesResponse = IDL.Record({ btc_p2wpkh: IDL.Text, eth: IDL.Text, sol: IDL.Text });
export type AddressesResponse = { btc_p2wpkh: string; eth: string; sol: string };

export const AddressesError = IDL.Variant({
  AnonymousCaller: IDL.Null,
  ManagementCallRejected: ManagementCallRejection,
  /** `ic0.call_perform` failed: the call was never sent (e.g. a full output queue); retrying may succeed. */
  ManagementCallNotSent: IDL.Record({ method: IDL.Text }),
});
export type AddressesError =
  { AnonymousCaller: null } | { ManagementCallRejected: ManagementCallRejection } | { ManagementCallNotSent: { method: string } };

export type Result<T, E> = { Ok: T } | { Err: E };
export const AddressesResult = IDL.Variant({ Ok: AddressesResponse, Err: AddressesError });
export type AddressesResult = Result<AddressesResponse, AddressesError>;
