/**
 * The wallet canister: each caller's BTC, ETH and SOL addresses from the IC's threshold keys,
 * transactions built from structured fields and signed by the management canister, sends,
 * balances, history, and a certified, tamper-evident log of every signature.
 *
 * Every endpoint follows CONTRIBUTING.md convention 4: the guard first (anonymous callers are
 * refused here and, earlier, in `inspect_message`), then validation, then an inner function
 * returning a `Result`, the Candid `variant { Ok; Err }` at the boundary. The paths that reach
 * `sign_with_*` are listed in canisters/wallet/README.md; all of them go through signing.ts.
 * The Candid interface is canisters/wallet/wallet.did.
 */
import {
  IDL,
  init,
  inspectMessage,
  isController,
  msgArgData,
  msgCaller,
  msgReply,
  msgMethodName,
  postUpgrade,
  query,
  update,
  type Principal,
} from 'azle';
import {
  AddressesResult,
  CachedAddressesResult,
  PublicKeysResult,
  WalletConfig,
  type CachedAddressesResult as CachedAddressesResultT,
  type KeyError,
  type Result,
  type WalletConfig as WalletConfigT,
  type Addresses,
  type PublicKeys,
} from './candid.ts';
import { initConfig, keepConfigOnUpgrade, loadConfig, describeChains } from './config.ts';
import { cachedAddressesReply, keysOf, publicKeysOf } from './keys.ts';
import { appendAdminEntry, recertifyHead } from './audit/log.ts';
import {
  AuditConsistencyRequest,
  AuditConsistencyResult,
  AuditEntriesResult,
  AuditHead,
  AuditMyEntriesResult,
  AuditPageRequest,
  auditConsistency,
  auditEntries,
  auditHead,
  auditMyEntries,
  type AuditConsistencyRequest as AuditConsistencyRequestT,
  type AuditPageRequest as AuditPageRequestT,
} from './audit/read.ts';
import {
  AdminResult,
  EvmChain,
  Limits,
  SolanaConfig,
  adminPauseSigning,
  adminResumeSigning,
  adminSetAuditors,
  adminSetEvmChains,
  adminSetLimits,
  adminSetSolana,
  type AdminResult as AdminResultT,
} from './admin.ts';
import {
  BtcBalanceRequest,
  BtcBalanceResult,
  BtcSendRequest,
  BtcSendResult,
  BtcSignTransactionRequest,
  BtcSignTransactionResult,
} from './btc/candid.ts';
import type {
  BtcBalanceError,
  BtcBalanceRequest as BtcBalanceRequestT,
  BtcSendError,
  BtcSendRequest as BtcSendRequestT,
  BtcSendResponse,
  BtcSignTransactionError,
  BtcSignTransactionRequest as BtcSignTransactionRequestT,
  BtcSignTransactionResponse,
} from './btc/candid.ts';
import { btcBalance, btcSend } from './btc/send.ts';
import { btcSignTransaction } from './btc/sign-transaction.ts';
import {
  EthSignTransactionRequest,
  EthSignTransactionResult,
  ethSignTransaction,
  type EthSignTransactionRequest as EthSignTransactionRequestT,
  type EthSignTransactionResponse,
} from './eth/sign-transaction.ts';
import {
  SolSignTransferRequest,
  SolSignTransferResult,
  solSignTransfer,
  type SolSignTransferRequest as SolSignTransferRequestT,
  type SolSignTransferResponse,
} from './sol/sign-transfer.ts';
import type { SignError } from './candid.ts';
import {
  TransactionsRequest,
  TransactionsResult,
  transactions,
  transactionsQuery,
  type TransactionsRequest as TransactionsRequestT,
  type TransactionsResult as TransactionsResultT,
} from './transactions.ts';
import { Settings, loadSettings, type Settings as SettingsT } from './settings.ts';
import { WalletStatus, walletStatus, type WalletStatus as WalletStatusT } from './status.ts';
import {
  EthBalanceRequest,
  EthBalanceResult,
  ethBalance,
  type EthBalanceRequest as EthBalanceRequestT,
  type EthBalanceResult as EthBalanceResultT,
  type EthBalanceError,
} from './eth/balance.ts';
import {
  EthSendRequest,
  EthSendResult,
  ethSend,
  type EthSendRequest as EthSendRequestT,
  type EthSendResult as EthSendResultT,
  type EthSendError,
} from './eth/send.ts';
import './eth/status.ts';
import {
  SolBalanceRequest,
  SolBalanceResult,
  solBalance,
  type SolBalanceRequest as SolBalanceRequestT,
  type SolBalanceResult as SolBalanceResultT,
  type SolBalanceError,
} from './sol/balance.ts';
import {
  SolSendRequest,
  SolSendResult,
  solSend,
  type SolSendRequest as SolSendRequestT,
  type SolSendResult as SolSendResultT,
  type SolSendError,
} from './sol/send.ts';
import './sol/status.ts';
import { RpcTransformRequest, RpcTransformResponse } from './rpc/candid.ts';
import { transformResponse } from './rpc/transform.ts';
import type { http_request_result as HttpRequestResult, http_transform_args as HttpTransformArgs } from 'azle/canisters/management/idl';
import {
  AdminAddTokenRequest,
  AdminRemoveTokenRequest,
  AdminTokenResult,
  TokensResponse,
  adminAddToken,
  adminRemoveToken,
  listTokens,
  type AdminAddTokenRequest as AdminAddTokenRequestT,
  type AdminRemoveTokenRequest as AdminRemoveTokenRequestT,
  type AdminTokenResult as AdminTokenResultT,
  type TokensResponse as TokensResponseT,
} from './tokens.ts';

/** Methods only controllers may call: refused in `inspect_message` before they cost anything. */
const CONTROLLER_METHODS = new Set([
  'admin_set_evm_chains',
  'admin_set_solana',
  'admin_set_limits',
  'admin_pause_signing',
  'admin_resume_signing',
  'admin_set_auditors',
  'admin_add_token',
  'admin_remove_token',
]);

const anonymous = <E>(caller: Principal): { Err: E } | undefined =>
  caller.isAnonymous() ? { Err: { AnonymousCaller: null } as E } : undefined;

export default class {
  @init([WalletConfig])
  init(config: WalletConfigT): void {
    initConfig(config);
    recertifyHead();
  }

  /** Manual: the argument is optional on upgrade (see `keepConfigOnUpgrade`); the Candid type stays `(WalletConfig)`. */
  @postUpgrade([WalletConfig], { manual: true })
  postUpgrade(): void {
    const changed = keepConfigOnUpgrade(msgArgData());
    if (changed !== undefined) {
      appendAdminEntry({
        caller: msgCaller(),
        method: 'upgrade',
        before: describeChains(changed.previous),
        after: describeChains(changed.current),
      });
    }
    // Certified data does not survive an upgrade: certify the stored log's head again.
    recertifyHead();
  }

  /**
   * Ingress only (inter-canister calls skip it): anonymous callers are refused for every method,
   * and non-controllers for the admin methods, before the call is accepted or paid for. The
   * endpoints check again: `inspect_message` is an optimisation, not a guard (IC interface spec).
   */
  @inspectMessage({ manual: true })
  inspectMessage(): boolean {
    const caller = msgCaller();
    if (caller.isAnonymous()) return false;
    if (CONTROLLER_METHODS.has(msgMethodName())) return isController(caller);
    return true;
  }

  /** The caller's addresses: derived on the first call (an update: it asks the management canister), then cached. */
  @update([], AddressesResult)
  async addresses(): Promise<Result<Addresses, KeyError>> {
    const caller = msgCaller();
    const refused = anonymous<KeyError>(caller);
    if (refused) return refused;
    const keys = await keysOf(caller);
    return 'Err' in keys ? keys : { Ok: keys.Ok.addresses };
  }

  /** The query twin of `addresses`: answers from the cache, without the management canister. */
  @query([], CachedAddressesResult, { manual: true })
  cached_addresses(): void {
    const caller = msgCaller();
    const reply = caller.isAnonymous() ? undefined : cachedAddressesReply(caller);
    if (reply !== undefined) return msgReply(reply);
    const answer: CachedAddressesResultT = caller.isAnonymous() ? { Err: { AnonymousCaller: null } } : { Err: { NotYetDerived: null } };
    msgReply(new Uint8Array(IDL.encode([CachedAddressesResult], [answer])));
  }

  /** The caller's public keys with their derivation paths: what an auditor needs to re-derive every address. */
  @update([], PublicKeysResult)
  async public_keys(): Promise<Result<PublicKeys, KeyError>> {
    const caller = msgCaller();
    const refused = anonymous<KeyError>(caller);
    if (refused) return refused;
    const keys = await keysOf(caller);
    return 'Err' in keys ? keys : { Ok: publicKeysOf({ principal: caller, keys: keys.Ok }) };
  }

  @update([BtcSignTransactionRequest], BtcSignTransactionResult)
  async btc_sign_transaction(request: BtcSignTransactionRequestT): Promise<Result<BtcSignTransactionResponse, BtcSignTransactionError>> {
    const caller = msgCaller();
    return anonymous<BtcSignTransactionError>(caller) ?? (await btcSignTransaction({ caller, request }));
  }

  @update([BtcBalanceRequest], BtcBalanceResult)
  async btc_balance(request: BtcBalanceRequestT): Promise<Result<bigint, BtcBalanceError>> {
    const caller = msgCaller();
    return anonymous<BtcBalanceError>(caller) ?? (await btcBalance({ caller, request }));
  }

  @update([BtcSendRequest], BtcSendResult)
  async btc_send(request: BtcSendRequestT): Promise<Result<BtcSendResponse, BtcSendError>> {
    const caller = msgCaller();
    return anonymous<BtcSendError>(caller) ?? (await btcSend({ caller, request }));
  }

  @update([EthSignTransactionRequest], EthSignTransactionResult)
  async eth_sign_transaction(request: EthSignTransactionRequestT): Promise<Result<EthSignTransactionResponse, SignError>> {
    const caller = msgCaller();
    return anonymous<SignError>(caller) ?? (await ethSignTransaction({ caller, request }));
  }

  @update([SolSignTransferRequest], SolSignTransferResult)
  async sol_sign_transfer(request: SolSignTransferRequestT): Promise<Result<SolSignTransferResponse, SignError>> {
    const caller = msgCaller();
    return anonymous<SignError>(caller) ?? (await solSignTransfer({ caller, request }));
  }

  /** The caller's sends, newest first, with the status of pending ones refreshed from their chains. */
  @update([TransactionsRequest], TransactionsResult)
  async transactions(request: TransactionsRequestT): Promise<TransactionsResultT> {
    return await transactions({ caller: msgCaller(), request });
  }

  /** The query twin of `transactions`: the stored statuses, without asking the chains. */
  @query([TransactionsRequest], TransactionsResult)
  transactions_query(request: TransactionsRequestT): TransactionsResultT {
    return transactionsQuery({ caller: msgCaller(), request });
  }

  /** The signature log's head: its length, root hash and the IC's certificate over their digest. */
  @query([], AuditHead)
  audit_head(): AuditHead {
    return auditHead();
  }

  @query([AuditPageRequest], AuditMyEntriesResult)
  audit_my_entries(request: AuditPageRequestT): ReturnType<typeof auditMyEntries> {
    return auditMyEntries({ caller: msgCaller(), request });
  }

  @query([AuditPageRequest], AuditEntriesResult)
  audit_entries(request: AuditPageRequestT): ReturnType<typeof auditEntries> {
    return auditEntries({ caller: msgCaller(), request });
  }

  @query([AuditConsistencyRequest], AuditConsistencyResult)
  audit_consistency(request: AuditConsistencyRequestT): ReturnType<typeof auditConsistency> {
    return auditConsistency({ caller: msgCaller(), request });
  }

  @update([IDL.Vec(EvmChain)], AdminResult)
  admin_set_evm_chains(chains: Parameters<typeof adminSetEvmChains>[0]['chains']): AdminResultT {
    return adminSetEvmChains({ caller: msgCaller(), chains });
  }

  @update([SolanaConfig], AdminResult)
  admin_set_solana(solana: Parameters<typeof adminSetSolana>[0]['solana']): AdminResultT {
    return adminSetSolana({ caller: msgCaller(), solana });
  }

  @update([Limits], AdminResult)
  admin_set_limits(limits: Parameters<typeof adminSetLimits>[0]['limits']): AdminResultT {
    return adminSetLimits({ caller: msgCaller(), limits });
  }

  @update([IDL.Text], AdminResult)
  admin_pause_signing(reason: string): AdminResultT {
    return adminPauseSigning({ caller: msgCaller(), reason });
  }

  @update([], AdminResult)
  admin_resume_signing(): AdminResultT {
    return adminResumeSigning({ caller: msgCaller() });
  }

  @update([IDL.Vec(IDL.Principal)], AdminResult)
  admin_set_auditors(auditors: Principal[]): AdminResultT {
    return adminSetAuditors({ caller: msgCaller(), auditors });
  }

  /** Sends ETH or a listed ERC-20 from the caller's address: reads, signs and broadcasts through the chain's providers. */
  @update([EthSendRequest], EthSendResult)
  async eth_send(request: EthSendRequestT): Promise<EthSendResultT> {
    const caller = msgCaller();
    return anonymous<EthSendError>(caller) ?? (await ethSend({ caller, request }));
  }

  /** The caller's balance of ETH or a listed ERC-20, agreed by the chain's providers. */
  @update([EthBalanceRequest], EthBalanceResult)
  async eth_balance(request: EthBalanceRequestT): Promise<EthBalanceResultT> {
    const caller = msgCaller();
    return anonymous<EthBalanceError>(caller) ?? (await ethBalance({ caller, request }));
  }

  /** Sends SOL or a listed SPL token from the caller's address, creating the recipient's token account when missing. */
  @update([SolSendRequest], SolSendResult)
  async sol_send(request: SolSendRequestT): Promise<SolSendResultT> {
    const caller = msgCaller();
    return anonymous<SolSendError>(caller) ?? (await solSend({ caller, request }));
  }

  /** The caller's lamports or balance of a listed SPL token, agreed by the cluster's providers. */
  @update([SolBalanceRequest], SolBalanceResult)
  async sol_balance(request: SolBalanceRequestT): Promise<SolBalanceResultT> {
    const caller = msgCaller();
    return anonymous<SolBalanceError>(caller) ?? (await solBalance({ caller, request }));
  }

  @update([AdminAddTokenRequest], AdminTokenResult)
  admin_add_token(request: AdminAddTokenRequestT): AdminTokenResultT {
    return adminAddToken({ caller: msgCaller(), request });
  }

  @update([AdminRemoveTokenRequest], AdminTokenResult)
  admin_remove_token(request: AdminRemoveTokenRequestT): AdminTokenResultT {
    return adminRemoveToken({ caller: msgCaller(), request });
  }

  /** The token list: the ERC-20s and SPL mints `eth_send`, `sol_send` and the balances accept. */
  @query([], TokensResponse)
  tokens(): TokensResponseT {
    return listTokens();
  }

  /**
   * The HTTPS outcalls' transform (rpc/transform.ts): keeps the status and the projected JSON-RPC
   * result or error, so every replica's response is identical. A pure function of its argument:
   * the IC calls it; anyone else calling it learns nothing.
   */
  @query([RpcTransformRequest], RpcTransformResponse)
  rpc_transform(args: HttpTransformArgs): HttpRequestResult {
    return transformResponse({
      response: { status: BigInt(args.response.status), headers: args.response.headers, body: Uint8Array.from(args.response.body) },
      context: Uint8Array.from(args.context),
    });
  }

  @query([], WalletConfig)
  config(): WalletConfigT {
    return loadConfig();
  }

  @query([], Settings)
  settings(): SettingsT {
    return loadSettings();
  }

  @query([], WalletStatus)
  status(): WalletStatusT {
    return walletStatus();
  }
}
