/**
 * The wallet's Candid types shared by several endpoints (CONTRIBUTING.md convention 5): the
 * configuration, keys and addresses, and the error cases the endpoints' `XxxError` variants are
 * built from. canisters/wallet/wallet.did spells the same types with their names;
 * test/wallet/candid.test.ts and `npm run build` check it against the build.
 */
import { IDL, type Principal } from 'azle';

export type Result<T, E> = { Ok: T } | { Err: E };

/** The networks of the IC's Bitcoin canister. */
export const BitcoinNetwork = IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null });
export type BitcoinNetwork = { mainnet: null } | { testnet: null } | { regtest: null };

/** An EVM chain the wallet signs for; an empty `rpc_urls` signs but cannot read or broadcast. */
export const EvmChain = IDL.Record({ chain_id: IDL.Nat64, name: IDL.Text, rpc_urls: IDL.Vec(IDL.Text) });
export type EvmChain = { chain_id: bigint; name: string; rpc_urls: string[] };

export const SolanaCluster = IDL.Variant({ mainnet: IDL.Null, devnet: IDL.Null, testnet: IDL.Null, localnet: IDL.Null });
export type SolanaCluster = { mainnet: null } | { devnet: null } | { testnet: null } | { localnet: null };

export const SolanaConfig = IDL.Record({ cluster: SolanaCluster, rpc_urls: IDL.Vec(IDL.Text) });
export type SolanaConfig = { cluster: SolanaCluster; rpc_urls: string[] };

/**
 * The init argument. The key names and the Bitcoin network are fixed at install (they determine
 * every address); `evm_chains` and `solana` may be changed later by controllers, each change logged.
 */
export const WalletConfig = IDL.Record({
  ecdsa_key_name: IDL.Text,
  schnorr_key_name: IDL.Text,
  bitcoin_network: BitcoinNetwork,
  evm_chains: IDL.Vec(EvmChain),
  solana: SolanaConfig,
});
export type WalletConfig = {
  ecdsa_key_name: string;
  schnorr_key_name: string;
  bitcoin_network: BitcoinNetwork;
  evm_chains: EvmChain[];
  solana: SolanaConfig;
};

export const Addresses = IDL.Record({ btc_p2wpkh: IDL.Text, btc_p2tr: IDL.Text, eth: IDL.Text, sol: IDL.Text });
export type Addresses = { btc_p2wpkh: string; btc_p2tr: string; eth: string; sol: string };

export const KeyAt = IDL.Record({ public_key: IDL.Vec(IDL.Nat8), derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)) });
export type KeyAt = { public_key: Uint8Array; derivation_path: Uint8Array[] };

export const PublicKeys = IDL.Record({
  canister_id: IDL.Principal,
  ecdsa_key_name: IDL.Text,
  schnorr_key_name: IDL.Text,
  btc_ecdsa: KeyAt,
  btc_bip340: KeyAt,
  eth_ecdsa: KeyAt,
  sol_ed25519: KeyAt,
});
export type PublicKeys = {
  canister_id: Principal;
  ecdsa_key_name: string;
  schnorr_key_name: string;
  btc_ecdsa: KeyAt;
  btc_bip340: KeyAt;
  eth_ecdsa: KeyAt;
  sol_ed25519: KeyAt;
};

export const BtcAddressType = IDL.Variant({ p2wpkh: IDL.Null, p2tr: IDL.Null });
export type BtcAddressType = { p2wpkh: null } | { p2tr: null };

// ---------------------------------------------------------------------------------------------
// Error cases. Each endpoint's `XxxError` variant is a set of these (wallet.did names each set).
// ---------------------------------------------------------------------------------------------

/** A call was rejected (IC interface spec, "Reject codes"): by the management canister or another. */
export const CallRejection = IDL.Record({ method: IDL.Text, reject_code: IDL.Nat32, reject_message: IDL.Text });
export type CallRejection = { method: string; reject_code: number; reject_message: string };

/** A request field the wallet refuses: which field, the refusing check's name, and why. */
export const InvalidRequest = IDL.Record({ field: IDL.Text, error: IDL.Text, message: IDL.Text });
export type InvalidRequest = { field: string; error: string; message: string };

/** Reading the caller's keys: the guard and the management canister. */
export const KEY_ERRORS = {
  AnonymousCaller: IDL.Null,
  ManagementCallRejected: CallRejection,
  /** `ic0.call_perform` failed: the call was never sent (e.g. a full output queue); retrying may succeed. */
  ManagementCallNotSent: IDL.Record({ method: IDL.Text }),
};
export type KeyError =
  { AnonymousCaller: null } | { ManagementCallRejected: CallRejection } | { ManagementCallNotSent: { method: string } };

/** The signing guards of signing.ts, in the order they are checked. */
export const SIGNING_GUARD_ERRORS = {
  SigningPaused: IDL.Record({ reason: IDL.Text }),
  RateLimited: IDL.Record({ limit: IDL.Nat32, window_seconds: IDL.Nat32, retry_after_seconds: IDL.Nat32 }),
  DailyQuotaExceeded: IDL.Record({ quota: IDL.Nat32 }),
  TooManySignaturesInFlight: IDL.Record({ limit: IDL.Nat32 }),
  CyclesBelowFloor: IDL.Record({ balance: IDL.Nat, required: IDL.Nat }),
};
export type SigningGuardError =
  | { SigningPaused: { reason: string } }
  | { RateLimited: { limit: number; window_seconds: number; retry_after_seconds: number } }
  | { DailyQuotaExceeded: { quota: number } }
  | { TooManySignaturesInFlight: { limit: number } }
  | { CyclesBelowFloor: { balance: bigint; required: bigint } };

/** Refusals of a request's content, mapped from src/chains' typed errors by errors.ts. */
export const REQUEST_ERRORS = {
  InvalidRequest,
  InvalidAddress: IDL.Record({ field: IDL.Text, address: IDL.Text, message: IDL.Text }),
  WrongNetwork: IDL.Record({ field: IDL.Text, address: IDL.Text, expected: IDL.Text, actual: IDL.Text }),
  InvalidAmount: IDL.Record({ field: IDL.Text, message: IDL.Text }),
  UnknownChain: IDL.Record({ chain_id: IDL.Nat64 }),
};
export type RequestError =
  | { InvalidRequest: InvalidRequest }
  | { InvalidAddress: { field: string; address: string; message: string } }
  | { WrongNetwork: { field: string; address: string; expected: string; actual: string } }
  | { InvalidAmount: { field: string; message: string } }
  | { UnknownChain: { chain_id: bigint } };

/** Everything a sign-only endpoint can end in. */
export const SIGN_ERRORS = { ...KEY_ERRORS, ...SIGNING_GUARD_ERRORS, ...REQUEST_ERRORS };
export type SignError = KeyError | SigningGuardError | RequestError;
export const SignError = IDL.Variant(SIGN_ERRORS);

/** Controller-only methods and audit reads. */
export const ACCESS_ERRORS = { AnonymousCaller: IDL.Null, NotAuthorized: IDL.Record({ required: IDL.Text }) };
export type AccessError = { AnonymousCaller: null } | { NotAuthorized: { required: string } };

export const AddressesResult = IDL.Variant({ Ok: Addresses, Err: IDL.Variant(KEY_ERRORS) });
export type AddressesResult = Result<Addresses, KeyError>;

export const CachedAddressesResult = IDL.Variant({
  Ok: Addresses,
  Err: IDL.Variant({ AnonymousCaller: IDL.Null, NotYetDerived: IDL.Null }),
});
export type CachedAddressesResult = Result<Addresses, { AnonymousCaller: null } | { NotYetDerived: null }>;

export const PublicKeysResult = IDL.Variant({ Ok: PublicKeys, Err: IDL.Variant(KEY_ERRORS) });
export type PublicKeysResult = Result<PublicKeys, KeyError>;
