/**
 * The only module that talks to the wallet canister (CONTRIBUTING.md convention 10): an
 * @icp-sdk/core HttpAgent and actor over src/lib/wallet-candid.ts. Every call either returns its
 * `Ok` value or throws a WalletCallError whose message is the human sentence of
 * src/lib/wallet-errors.ts (or the agent's own failure, said plainly); nothing fails silently.
 */
import { Actor, HttpAgent, type ActorSubclass } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import {
  auditEntryType,
  walletIdlFactory,
  type Addresses,
  type AuditEntry,
  type AuditHead,
  type BtcAddressType,
  type BtcSendResponse,
  type Transaction,
  type WalletConfig,
  type WalletService,
} from '../../../../../src/lib/wallet-candid.ts';
import type { EthSendResponse, SolSendResponse, TokensResponse } from '../../../../../src/lib/wallet-rpc-candid.ts';
import { describeWalletError } from '../../../../../src/lib/wallet-errors.ts';
import { TRANSACTIONS_PAGE_SIZE } from '../../../../../src/lib/transaction-pages.ts';
import { leafHash, verifyInclusion } from '../../../../../src/lib/audit/index.ts';
import { verifyAuditHead } from '../../../../../src/lib/audit/verify-audit-head.ts';
import type { AppEnv } from '../config/app-env.config.ts';
import { assertSessionLive, SessionExpiredError, type Session } from '../auth/auth.services.ts';
import { bytesToHex, hexToBytes } from '../utils/bytes.utils.ts';

export class WalletCallError extends Error {
  override name = 'WalletCallError';
  /** The Candid error variant's name, when the canister returned one. */
  readonly variant: string | null;
  constructor(message: string, variant: string | null) {
    super(message);
    this.variant = variant;
  }
}

export type { Addresses, AuditEntry, BtcAddressType, BtcSendResponse, EthSendResponse, SolSendResponse, Transaction, WalletConfig };

export interface Balance {
  chain: 'btc' | 'eth' | 'sol';
  /** What the balance is of: "BTC (P2WPKH)", "ETH (Devnet EVM)", a token symbol... */
  label: string;
  asset: string;
  balance: bigint;
  decimals: number;
}

export interface VerifiedAuditEntry {
  entry: AuditEntry;
  /** The inclusion proof checked against the head that the certificate certifies. */
  included: boolean;
  problem: string | null;
}

export interface AuditView {
  length: bigint;
  headHashHex: string;
  headCertified: boolean;
  headProblem: string | null;
  total: bigint;
  entries: VerifiedAuditEntry[];
}

const unwrap = <T>(result: { Ok: T } | { Err: unknown }): T => {
  if ('Ok' in result) return result.Ok;
  const variant = typeof result.Err === 'object' && result.Err !== null ? (Object.keys(result.Err)[0] ?? null) : null;
  throw new WalletCallError(describeWalletError(result.Err), variant);
};

/** An agent or network failure as a sentence (an expired delegation becomes SessionExpiredError). */
function agentFailure(error: unknown): Error {
  if (error instanceof WalletCallError || error instanceof SessionExpiredError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/delegation/i.test(message) && /expir/i.test(message)) return new SessionExpiredError();
  return new WalletCallError(`The wallet canister could not be reached or refused the call: ${message.split('\n')[0]}`, null);
}

export class WalletApi {
  readonly canisterId: Principal;
  readonly #actor: ActorSubclass<WalletService>;
  readonly #agent: HttpAgent;
  readonly #session: Session;

  private constructor(args: { agent: HttpAgent; canisterId: Principal; session: Session }) {
    this.#agent = args.agent;
    this.canisterId = args.canisterId;
    this.#session = args.session;
    this.#actor = Actor.createActor<WalletService>(walletIdlFactory, { agent: args.agent, canisterId: args.canisterId });
  }

  static async connect({ env, session }: { env: AppEnv; session: Session }): Promise<WalletApi> {
    const agent = await HttpAgent.create({
      host: env.host,
      identity: session.identity,
      ...(env.rootKey !== undefined ? { rootKey: hexToBytes(env.rootKey) } : {}),
    });
    return new WalletApi({ agent, canisterId: Principal.fromText(env.walletCanisterId), session });
  }

  get principal(): string {
    return this.#session.identity.getPrincipal().toText();
  }

  async #call<T>(run: (actor: ActorSubclass<WalletService>) => Promise<T>): Promise<T> {
    assertSessionLive(this.#session);
    try {
      return await run(this.#actor);
    } catch (error) {
      throw agentFailure(error);
    }
  }

  config(): Promise<WalletConfig> {
    return this.#call((a) => a.config());
  }

  /** The caller's addresses: the cached ones by query when the wallet has derived them before, else derived now (an update). */
  async addresses(): Promise<Addresses> {
    const cached = await this.#call((a) => a.cached_addresses());
    if ('Ok' in cached) return cached.Ok;
    if (!('NotYetDerived' in cached.Err)) return unwrap(cached);
    return unwrap(await this.#call((a) => a.addresses()));
  }

  async tokens(): Promise<TokensResponse> {
    return this.#call((a) => a.tokens());
  }

  /** Every balance the wallet can read for this user: BTC per address type, native ETH per EVM chain, SOL, listed tokens. */
  async balances(config: WalletConfig): Promise<Balance[]> {
    const tokens = await this.tokens();
    const jobs: Promise<Balance>[] = [];
    for (const [type, name] of [
      [{ p2wpkh: null }, 'P2WPKH'],
      [{ p2tr: null }, 'P2TR'],
    ] as const) {
      jobs.push(
        this.#call((a) => a.btc_balance({ address_type: type, min_confirmations: [] })).then((r) => ({
          chain: 'btc' as const,
          label: `BTC (${name})`,
          asset: 'BTC',
          balance: unwrap(r),
          decimals: 8,
        })),
      );
    }
    for (const chain of config.evm_chains) {
      jobs.push(
        this.#call((a) => a.eth_balance({ chain_id: chain.chain_id, token: [] })).then((r) => ({
          chain: 'eth' as const,
          label: `ETH (${chain.name})`,
          asset: 'ETH',
          balance: unwrap(r).balance,
          decimals: 18,
        })),
      );
      for (const token of tokens.evm.filter((t) => t.chain_id === chain.chain_id)) {
        jobs.push(
          this.#call((a) => a.eth_balance({ chain_id: chain.chain_id, token: [token.address] })).then((r) => ({
            chain: 'eth' as const,
            label: `${token.symbol} (${chain.name})`,
            asset: token.address,
            balance: unwrap(r).balance,
            decimals: token.decimals,
          })),
        );
      }
    }
    jobs.push(
      this.#call((a) => a.sol_balance({ mint: [] })).then((r) => ({
        chain: 'sol' as const,
        label: 'SOL',
        asset: 'SOL',
        balance: unwrap(r).balance,
        decimals: 9,
      })),
    );
    for (const token of tokens.spl) {
      jobs.push(
        this.#call((a) => a.sol_balance({ mint: [token.mint] })).then((r) => ({
          chain: 'sol' as const,
          label: token.symbol,
          asset: token.mint,
          balance: unwrap(r).balance,
          decimals: token.decimals,
        })),
      );
    }
    return Promise.all(jobs);
  }

  async btcSend(request: {
    to: string;
    amountSats: bigint;
    addressType: BtcAddressType;
    feeRateMsatPerVb: bigint;
  }): Promise<BtcSendResponse> {
    return unwrap(
      await this.#call((a) =>
        a.btc_send({
          to: request.to,
          amount_sats: request.amountSats,
          address_type: request.addressType,
          fee_rate_msat_per_vb: [request.feeRateMsatPerVb],
        }),
      ),
    );
  }

  async ethSend(request: { chainId: bigint; to: string; amount: bigint; token: string | null }): Promise<EthSendResponse> {
    return unwrap(
      await this.#call((a) =>
        a.eth_send({
          chain_id: request.chainId,
          to: request.to,
          amount: request.amount,
          token: request.token === null ? [] : [request.token],
        }),
      ),
    );
  }

  async solSend(request: { to: string; amount: bigint; mint: string | null }): Promise<SolSendResponse> {
    return unwrap(
      await this.#call((a) =>
        a.sol_send({ to: request.to, amount: request.amount, mint: request.mint === null ? [] : [request.mint], recent_blockhash: [] }),
      ),
    );
  }

  /** The caller's sends, newest first, from `start`: at most TRANSACTIONS_PAGE_SIZE per call, the wallet's cap. */
  async transactions({ start = 0n, limit = TRANSACTIONS_PAGE_SIZE }: { start?: bigint; limit?: number } = {}): Promise<{
    total: bigint;
    transactions: Transaction[];
  }> {
    return unwrap(await this.#call((a) => a.transactions({ start, limit })));
  }

  /**
   * The user's own signature-log entries, each checked here: the head's certificate against the
   * root key (verifyAuditHead), and each entry's inclusion proof against that head (RFC 9162).
   * The entry shown is the one decoded from the proven leaf bytes, not the canister's side copy.
   */
  async audit({ start = 0n, limit = 100 }: { start?: bigint; limit?: number } = {}): Promise<AuditView> {
    const page = unwrap(await this.#call((a) => a.audit_my_entries({ start, limit })));
    const head: AuditHead = page.head;
    let headCertified = false;
    let headProblem: string | null = null;
    const rootKey = this.#agent.rootKey;
    if (head.certificate.length === 0)
      headProblem = 'The wallet returned its head without a certificate (an update call cannot carry one).';
    else if (rootKey === null) headProblem = 'The agent has no root key to check the certificate with.';
    else {
      try {
        await verifyAuditHead({
          certificate: head.certificate[0],
          canisterId: this.canisterId,
          rootKey,
          length: head.length,
          rootHash: head.head_hash,
        });
        headCertified = true;
      } catch (error) {
        headProblem = error instanceof Error ? error.message : String(error);
      }
    }
    const entryType = auditEntryType(IDL);
    const entries = page.entries.map((proven): VerifiedAuditEntry => {
      let entry = proven.entry;
      try {
        [entry] = IDL.decode([entryType], proven.leaf) as unknown as [AuditEntry];
        verifyInclusion({
          leafHash: leafHash(proven.leaf),
          index: entry.index,
          size: head.length,
          proof: proven.inclusion_proof,
          rootHash: head.head_hash,
        });
        return { entry, included: headCertified, problem: headCertified ? null : 'the head it is proven against is not certified' };
      } catch (error) {
        return { entry, included: false, problem: error instanceof Error ? error.message : String(error) };
      }
    });
    return { length: head.length, headHashHex: bytesToHex(head.head_hash), headCertified, headProblem, total: page.total, entries };
  }
}
