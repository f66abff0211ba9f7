/**
 * The wallet canister's interface for clients (tests, the `wallet` command line, the web app):
 * an `IDL.InterfaceFactory` for @icp-sdk/core actors and @dfinity/pic, and the TypeScript types of
 * its values. It spells canisters/wallet/wallet.did; test/wallet/candid.test.ts checks the two
 * against each other, so a client built on this file speaks exactly the canister's interface.
 */
import type { IDL as IDLType } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { walletErrorCases, walletRpcMethods, type WalletRpcService } from './wallet-rpc-candid.ts';

export type Result<T, E> = { Ok: T } | { Err: E };

/** The `IDL` an interface factory receives. */
type IdlBuilder = Parameters<IDLType.InterfaceFactory>[0]['IDL'];

export type BitcoinNetwork = { mainnet: null } | { testnet: null } | { regtest: null };
export type EvmChain = { chain_id: bigint; name: string; rpc_urls: string[] };
export type SolanaCluster = { mainnet: null } | { devnet: null } | { testnet: null } | { localnet: null };
export type SolanaConfig = { cluster: SolanaCluster; rpc_urls: string[] };
export type WalletConfig = {
  ecdsa_key_name: string;
  schnorr_key_name: string;
  bitcoin_network: BitcoinNetwork;
  evm_chains: EvmChain[];
  solana: SolanaConfig;
};
export type Addresses = { btc_p2wpkh: string; btc_p2tr: string; eth: string; sol: string };
export type KeyAt = { public_key: Uint8Array; derivation_path: Uint8Array[] };
export type PublicKeys = {
  canister_id: Principal;
  ecdsa_key_name: string;
  schnorr_key_name: string;
  btc_ecdsa: KeyAt;
  btc_bip340: KeyAt;
  eth_ecdsa: KeyAt;
  sol_ed25519: KeyAt;
};
export type BtcAddressType = { p2wpkh: null } | { p2tr: null };
export type CallRejection = { method: string; reject_code: number; reject_message: string };
export type InvalidRequest = { field: string; error: string; message: string };

export type KeyError =
  { AnonymousCaller: null } | { ManagementCallRejected: CallRejection } | { ManagementCallNotSent: { method: string } };
export type SigningGuardError =
  | { SigningPaused: { reason: string } }
  | { RateLimited: { limit: number; window_seconds: number; retry_after_seconds: number } }
  | { DailyQuotaExceeded: { quota: number } }
  | { TooManySignaturesInFlight: { limit: number } }
  | { CyclesBelowFloor: { balance: bigint; required: bigint } };
export type RequestError =
  | { InvalidRequest: InvalidRequest }
  | { InvalidAddress: { field: string; address: string; message: string } }
  | { WrongNetwork: { field: string; address: string; expected: string; actual: string } }
  | { InvalidAmount: { field: string; message: string } }
  | { UnknownChain: { chain_id: bigint } };
export type SignError = KeyError | SigningGuardError | RequestError;
export type InsufficientFunds = { InsufficientFunds: { required_sats: bigint; available_sats: bigint } };
export type BitcoinCallError = { BitcoinCallRejected: CallRejection } | { BitcoinCallNotSent: { method: string } };
export type BtcSignTransactionError = SignError | InsufficientFunds;
export type BtcBalanceError = KeyError | BitcoinCallError;
export type BtcSendError =
  | SignError
  | InsufficientFunds
  | BitcoinCallError
  | { FundsReservedByPendingSends: { pending_sends: number; available_sats: bigint; reserved_sats: bigint } }
  | { TooManyInputs: { count: number; max: number } };

export type Utxo = { txid: string; vout: number; value_sats: bigint };
export type BtcSignTransactionRequest = {
  utxos: Utxo[];
  outputs: { address: string; amount_sats: bigint }[];
  fee_sats: bigint;
  address_type: BtcAddressType;
};
export type BtcSignTransactionResponse = { raw_transaction: string; txid: string; vsize: number };
export type BtcBalanceRequest = { address_type: BtcAddressType; min_confirmations: [] | [number] };
export type BtcSendRequest = { to: string; amount_sats: bigint; address_type: BtcAddressType; fee_rate_msat_per_vb: [] | [bigint] };
export type BtcSendResponse = { txid: string; raw_transaction: string; fee_sats: bigint };
export type EthSignTransactionRequest = {
  chain_id: bigint;
  nonce: bigint;
  to: string;
  value: bigint;
  data: [] | [Uint8Array];
  gas_limit: bigint;
  max_fee_per_gas: bigint;
  max_priority_fee_per_gas: bigint;
};
export type EthSignTransactionResponse = { raw_transaction: string; tx_hash: string };
export type SolSignTransferRequest = { to: string; lamports: bigint; recent_blockhash: string };
export type SolSignTransferResponse = { transaction: string; signature: string };

export type TxStatus = { pending: null } | { confirmed: null } | { failed: string };
export type Transaction = {
  id: bigint;
  chain: { btc: null } | { eth: null } | { sol: null };
  network: string;
  asset: string;
  to: string;
  amount: bigint;
  fee: bigint;
  txid: string;
  status: TxStatus;
  created_at_ns: bigint;
  updated_at_ns: bigint;
  details: string;
};
export type TransactionsRequest = { start: bigint; limit: number };
export type TransactionsResponse = { total: bigint; transactions: Transaction[] };

export type SignatureEvent = {
  chain: string;
  method: string;
  key_name: string;
  algorithm: string;
  derivation_path: Uint8Array[];
  message: Uint8Array;
  transaction: string;
  txid: string;
};
export type AdminEvent = { method: string; before: string; after: string };
export type AuditEvent = { signature: SignatureEvent } | { admin: AdminEvent };
export type AuditEntry = { index: bigint; time_ns: bigint; caller: Principal; event: AuditEvent };
export type AuditHead = { length: bigint; head_hash: Uint8Array; certificate: [] | [Uint8Array] };
export type AuditPageRequest = { start: bigint; limit: number };
export type ProvenEntry = { leaf: Uint8Array; entry: AuditEntry; inclusion_proof: Uint8Array[] };
export type AuditMyEntriesResponse = { head: AuditHead; total: bigint; entries: ProvenEntry[] };
export type AuditEntriesResponse = { head: AuditHead; entries: { leaf: Uint8Array; entry: AuditEntry }[] };
export type AuditConsistencyRequest = { from_length: bigint; to_length: bigint };
export type AuditConsistencyResponse = { from_head_hash: Uint8Array; to_head_hash: Uint8Array; proof: Uint8Array[] };
export type AccessError = { AnonymousCaller: null } | { NotAuthorized: { required: string } };
export type AuditReadError = AccessError | { InvalidRange: { message: string } };

export type Limits = {
  rate_limit: number;
  rate_window_seconds: number;
  daily_quota: number;
  max_in_flight: number;
  cycles_floor: bigint;
  reservation_timeout_seconds: number;
};
export type Settings = { limits: Limits; paused: [] | [{ reason: string; since_ns: bigint }]; auditors: Principal[] };
export type AdminError = AccessError | { InvalidRequest: InvalidRequest };
export type AdminResult = Result<null, AdminError>;
export type WalletStatus = { audit_length: bigint; signatures_in_flight: number; cycles: bigint; signing_paused: boolean };

/** The wallet canister's methods, as an @icp-sdk/core actor or a @dfinity/pic actor exposes them. */
export interface WalletService extends WalletRpcService {
  addresses(): Promise<Result<Addresses, KeyError>>;
  cached_addresses(): Promise<Result<Addresses, { AnonymousCaller: null } | { NotYetDerived: null }>>;
  public_keys(): Promise<Result<PublicKeys, KeyError>>;
  btc_sign_transaction(request: BtcSignTransactionRequest): Promise<Result<BtcSignTransactionResponse, BtcSignTransactionError>>;
  btc_balance(request: BtcBalanceRequest): Promise<Result<bigint, BtcBalanceError>>;
  btc_send(request: BtcSendRequest): Promise<Result<BtcSendResponse, BtcSendError>>;
  eth_sign_transaction(request: EthSignTransactionRequest): Promise<Result<EthSignTransactionResponse, SignError>>;
  sol_sign_transfer(request: SolSignTransferRequest): Promise<Result<SolSignTransferResponse, SignError>>;
  transactions(request: TransactionsRequest): Promise<Result<TransactionsResponse, { AnonymousCaller: null }>>;
  transactions_query(request: TransactionsRequest): Promise<Result<TransactionsResponse, { AnonymousCaller: null }>>;
  audit_head(): Promise<AuditHead>;
  audit_my_entries(request: AuditPageRequest): Promise<Result<AuditMyEntriesResponse, AuditReadError>>;
  audit_entries(request: AuditPageRequest): Promise<Result<AuditEntriesResponse, AuditReadError>>;
  audit_consistency(request: AuditConsistencyRequest): Promise<Result<AuditConsistencyResponse, AuditReadError>>;
  admin_set_evm_chains(chains: EvmChain[]): Promise<AdminResult>;
  admin_set_solana(solana: SolanaConfig): Promise<AdminResult>;
  admin_set_limits(limits: Limits): Promise<AdminResult>;
  admin_pause_signing(reason: string): Promise<AdminResult>;
  admin_resume_signing(): Promise<AdminResult>;
  admin_set_auditors(auditors: Principal[]): Promise<AdminResult>;
  config(): Promise<WalletConfig>;
  settings(): Promise<Settings>;
  status(): Promise<WalletStatus>;
}

/** The init (and upgrade) argument's type, for encoding `WalletConfig` outside an actor. */
export const walletInit = ({ IDL }: { IDL: IdlBuilder }): IDLType.Type[] => [walletTypes(IDL).WalletConfig];

export const walletIdlFactory: IDLType.InterfaceFactory = ({ IDL }) => {
  const t = walletTypes(IDL);
  const result = (ok: IDLType.Type, err: IDLType.Type): [IDLType.Type] => [IDL.Variant({ Ok: ok, Err: err })];
  return IDL.Service({
    addresses: IDL.Func([], result(t.Addresses, t.KeyError), []),
    cached_addresses: IDL.Func([], result(t.Addresses, IDL.Variant({ AnonymousCaller: IDL.Null, NotYetDerived: IDL.Null })), ['query']),
    public_keys: IDL.Func([], result(t.PublicKeys, t.KeyError), []),
    btc_sign_transaction: IDL.Func(
      [t.BtcSignTransactionRequest],
      result(IDL.Record({ raw_transaction: IDL.Text, txid: IDL.Text, vsize: IDL.Nat32 }), t.BtcSignTransactionError),
      [],
    ),
    btc_balance: IDL.Func(
      [IDL.Record({ address_type: t.BtcAddressType, min_confirmations: IDL.Opt(IDL.Nat32) })],
      result(IDL.Nat64, t.BtcBalanceError),
      [],
    ),
    btc_send: IDL.Func(
      [IDL.Record({ to: IDL.Text, amount_sats: IDL.Nat64, address_type: t.BtcAddressType, fee_rate_msat_per_vb: IDL.Opt(IDL.Nat64) })],
      result(IDL.Record({ txid: IDL.Text, raw_transaction: IDL.Text, fee_sats: IDL.Nat64 }), t.BtcSendError),
      [],
    ),
    eth_sign_transaction: IDL.Func(
      [
        IDL.Record({
          chain_id: IDL.Nat64,
          nonce: IDL.Nat,
          to: IDL.Text,
          value: IDL.Nat,
          data: IDL.Opt(IDL.Vec(IDL.Nat8)),
          gas_limit: IDL.Nat,
          max_fee_per_gas: IDL.Nat,
          max_priority_fee_per_gas: IDL.Nat,
        }),
      ],
      result(IDL.Record({ raw_transaction: IDL.Text, tx_hash: IDL.Text }), t.SignError),
      [],
    ),
    sol_sign_transfer: IDL.Func(
      [IDL.Record({ to: IDL.Text, lamports: IDL.Nat64, recent_blockhash: IDL.Text })],
      result(IDL.Record({ transaction: IDL.Text, signature: IDL.Text }), t.SignError),
      [],
    ),
    transactions: IDL.Func([t.TransactionsRequest], result(t.TransactionsResponse, IDL.Variant({ AnonymousCaller: IDL.Null })), []),
    transactions_query: IDL.Func([t.TransactionsRequest], result(t.TransactionsResponse, IDL.Variant({ AnonymousCaller: IDL.Null })), [
      'query',
    ]),
    audit_head: IDL.Func([], [t.AuditHead], ['query']),
    audit_my_entries: IDL.Func(
      [t.AuditPageRequest],
      result(IDL.Record({ head: t.AuditHead, total: IDL.Nat64, entries: IDL.Vec(t.ProvenEntry) }), t.AuditReadError),
      ['query'],
    ),
    audit_entries: IDL.Func(
      [t.AuditPageRequest],
      result(
        IDL.Record({ head: t.AuditHead, entries: IDL.Vec(IDL.Record({ leaf: IDL.Vec(IDL.Nat8), entry: t.AuditEntry })) }),
        t.AuditReadError,
      ),
      ['query'],
    ),
    audit_consistency: IDL.Func(
      [IDL.Record({ from_length: IDL.Nat64, to_length: IDL.Nat64 })],
      result(
        IDL.Record({ from_head_hash: IDL.Vec(IDL.Nat8), to_head_hash: IDL.Vec(IDL.Nat8), proof: IDL.Vec(IDL.Vec(IDL.Nat8)) }),
        t.AuditReadError,
      ),
      ['query'],
    ),
    admin_set_evm_chains: IDL.Func([IDL.Vec(t.EvmChain)], [t.AdminResult], []),
    admin_set_solana: IDL.Func([t.SolanaConfig], [t.AdminResult], []),
    admin_set_limits: IDL.Func([t.Limits], [t.AdminResult], []),
    admin_pause_signing: IDL.Func([IDL.Text], [t.AdminResult], []),
    admin_resume_signing: IDL.Func([], [t.AdminResult], []),
    admin_set_auditors: IDL.Func([IDL.Vec(IDL.Principal)], [t.AdminResult], []),
    ...walletRpcMethods(IDL),
    config: IDL.Func([], [t.WalletConfig], ['query']),
    settings: IDL.Func([], [t.Settings], ['query']),
    status: IDL.Func(
      [],
      [IDL.Record({ audit_length: IDL.Nat64, signatures_in_flight: IDL.Nat32, cycles: IDL.Nat, signing_paused: IDL.Bool })],
      ['query'],
    ),
  });
};

/** The named types of wallet.did, built with the IDL of whoever asks (actor or encoder). */
function walletTypes(IDL: IdlBuilder) {
  const Blob = IDL.Vec(IDL.Nat8);
  const BitcoinNetwork = IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null });
  const EvmChain = IDL.Record({ chain_id: IDL.Nat64, name: IDL.Text, rpc_urls: IDL.Vec(IDL.Text) });
  const SolanaConfig = IDL.Record({
    cluster: IDL.Variant({ mainnet: IDL.Null, devnet: IDL.Null, testnet: IDL.Null, localnet: IDL.Null }),
    rpc_urls: IDL.Vec(IDL.Text),
  });
  const WalletConfig = IDL.Record({
    ecdsa_key_name: IDL.Text,
    schnorr_key_name: IDL.Text,
    bitcoin_network: BitcoinNetwork,
    evm_chains: IDL.Vec(EvmChain),
    solana: SolanaConfig,
  });
  const Addresses = IDL.Record({ btc_p2wpkh: IDL.Text, btc_p2tr: IDL.Text, eth: IDL.Text, sol: IDL.Text });
  const KeyAt = IDL.Record({ public_key: Blob, derivation_path: IDL.Vec(Blob) });
  const PublicKeys = IDL.Record({
    canister_id: IDL.Principal,
    ecdsa_key_name: IDL.Text,
    schnorr_key_name: IDL.Text,
    btc_ecdsa: KeyAt,
    btc_bip340: KeyAt,
    eth_ecdsa: KeyAt,
    sol_ed25519: KeyAt,
  });
  const BtcAddressType = IDL.Variant({ p2wpkh: IDL.Null, p2tr: IDL.Null });
  const { CallRejection, keyErrors, signErrors } = walletErrorCases(IDL);
  const InvalidRequest = signErrors.InvalidRequest;
  const insufficient = { InsufficientFunds: IDL.Record({ required_sats: IDL.Nat64, available_sats: IDL.Nat64 }) };
  const bitcoinCall = { BitcoinCallRejected: CallRejection, BitcoinCallNotSent: IDL.Record({ method: IDL.Text }) };
  const Utxo = IDL.Record({ txid: IDL.Text, vout: IDL.Nat32, value_sats: IDL.Nat64 });
  const AuditEvent = IDL.Variant({
    signature: IDL.Record({
      chain: IDL.Text,
      method: IDL.Text,
      key_name: IDL.Text,
      algorithm: IDL.Text,
      derivation_path: IDL.Vec(Blob),
      message: Blob,
      transaction: IDL.Text,
      txid: IDL.Text,
    }),
    admin: IDL.Record({ method: IDL.Text, before: IDL.Text, after: IDL.Text }),
  });
  const AuditEntry = IDL.Record({ index: IDL.Nat64, time_ns: IDL.Nat64, caller: IDL.Principal, event: AuditEvent });
  const AuditHead = IDL.Record({ length: IDL.Nat64, head_hash: Blob, certificate: IDL.Opt(Blob) });
  const accessErrors = { AnonymousCaller: IDL.Null, NotAuthorized: IDL.Record({ required: IDL.Text }) };
  const Limits = IDL.Record({
    rate_limit: IDL.Nat32,
    rate_window_seconds: IDL.Nat32,
    daily_quota: IDL.Nat32,
    max_in_flight: IDL.Nat32,
    cycles_floor: IDL.Nat,
    reservation_timeout_seconds: IDL.Nat32,
  });
  const Transaction = IDL.Record({
    id: IDL.Nat64,
    chain: IDL.Variant({ btc: IDL.Null, eth: IDL.Null, sol: IDL.Null }),
    network: IDL.Text,
    asset: IDL.Text,
    to: IDL.Text,
    amount: IDL.Nat,
    fee: IDL.Nat,
    txid: IDL.Text,
    status: IDL.Variant({ pending: IDL.Null, confirmed: IDL.Null, failed: IDL.Text }),
    created_at_ns: IDL.Nat64,
    updated_at_ns: IDL.Nat64,
    details: IDL.Text,
  });
  return {
    WalletConfig,
    EvmChain,
    SolanaConfig,
    Addresses,
    PublicKeys,
    BtcAddressType,
    KeyError: IDL.Variant(keyErrors),
    SignError: IDL.Variant(signErrors),
    BtcSignTransactionError: IDL.Variant({ ...signErrors, ...insufficient }),
    BtcBalanceError: IDL.Variant({ ...keyErrors, ...bitcoinCall }),
    BtcSendError: IDL.Variant({
      ...signErrors,
      ...insufficient,
      ...bitcoinCall,
      FundsReservedByPendingSends: IDL.Record({ pending_sends: IDL.Nat32, available_sats: IDL.Nat64, reserved_sats: IDL.Nat64 }),
      TooManyInputs: IDL.Record({ count: IDL.Nat32, max: IDL.Nat32 }),
    }),
    BtcSignTransactionRequest: IDL.Record({
      utxos: IDL.Vec(Utxo),
      outputs: IDL.Vec(IDL.Record({ address: IDL.Text, amount_sats: IDL.Nat64 })),
      fee_sats: IDL.Nat64,
      address_type: BtcAddressType,
    }),
    TransactionsRequest: IDL.Record({ start: IDL.Nat64, limit: IDL.Nat32 }),
    TransactionsResponse: IDL.Record({ total: IDL.Nat64, transactions: IDL.Vec(Transaction) }),
    AuditEntry,
    AuditHead,
    AuditPageRequest: IDL.Record({ start: IDL.Nat64, limit: IDL.Nat32 }),
    ProvenEntry: IDL.Record({ leaf: Blob, entry: AuditEntry, inclusion_proof: IDL.Vec(Blob) }),
    AuditReadError: IDL.Variant({ ...accessErrors, InvalidRange: IDL.Record({ message: IDL.Text }) }),
    Limits,
    Settings: IDL.Record({
      limits: Limits,
      paused: IDL.Opt(IDL.Record({ reason: IDL.Text, since_ns: IDL.Nat64 })),
      auditors: IDL.Vec(IDL.Principal),
    }),
    AdminResult: IDL.Variant({ Ok: IDL.Null, Err: IDL.Variant({ ...accessErrors, InvalidRequest }) }),
  };
}

/** The audit entry's Candid type, to decode a leaf's bytes exactly as the canister encoded them. */
export function auditEntryType(IDL: IdlBuilder): IDLType.Type {
  return walletTypes(IDL).AuditEntry;
}
