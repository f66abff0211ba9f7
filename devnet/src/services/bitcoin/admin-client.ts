/**
 * A typed client of the devnet's Bitcoin admin routes (see admin-routes.ts), for tests and
 * scripts: fund an address, mine blocks, read a transaction, read the tip, broadcast a raw
 * transaction.
 */
import { WalletError } from '../../../../src/lib/errors.ts';
import { ADMIN_ROUTE_PREFIX } from './admin-routes.ts';

/** A non-2xx answer of the admin routes: the HTTP status, the server's message and, for rejected transactions, Core's reason. */
export class BitcoinAdminError extends WalletError {
  override name = 'BitcoinAdminError';
  readonly status: number;
  readonly reason: string | undefined;
  constructor(args: { status: number; message: string; reason?: string; url: string }) {
    super(`Bitcoin admin request failed with status ${args.status}`, { details: `${args.url}: ${args.message}` });
    this.status = args.status;
    this.reason = args.reason;
  }
}

export interface BitcoinAdminClient {
  fund(args: { address: string; amountSats: bigint }): Promise<{ txid: string; vout: number }>;
  mine(args: { blocks: number; coinbaseAddress?: string }): Promise<{ hashes: string[]; height: number }>;
  /** Null when the chain and the mempool do not know `txid`. */
  getTransaction(
    txid: string,
  ): Promise<{ hex: string; txid: string; confirmations: number; blockHeight: number | null; fee: bigint | null } | null>;
  tip(): Promise<{ height: number; hash: string }>;
  sendRawTransaction(hex: string): Promise<{ txid: string; fee: bigint; vsize: number }>;
}

/**
 * @example
 * const btc = createBitcoinAdminClient({ baseUrl: 'http://127.0.0.1:8080' });
 * const { txid } = await btc.fund({ address: 'bcrt1q…', amountSats: 50_000n });
 * await btc.mine({ blocks: 1 });
 */
export function createBitcoinAdminClient(args: { baseUrl: string; fetch?: typeof fetch }): BitcoinAdminClient {
  const doFetch = args.fetch ?? fetch;
  const base = args.baseUrl.replace(/\/+$/, '') + ADMIN_ROUTE_PREFIX;

  async function request(opts: { method: 'GET' | 'POST'; route: string; body?: unknown; allow404?: boolean }): Promise<any> {
    const url = `${base}/${opts.route}`;
    const response = await doFetch(url, {
      method: opts.method,
      ...(opts.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(opts.body) }),
    });
    const json = (await response.json().catch(() => null)) as any;
    // Only the transaction route's own 404 means "unknown"; an unknown route is an error.
    if (response.status === 404 && opts.allow404 && json?.error?.name === 'TransactionNotFound') return null;
    if (!response.ok) {
      throw new BitcoinAdminError({
        status: response.status,
        message: json?.error?.message ?? response.statusText,
        ...(json?.error?.reason ? { reason: json.error.reason as string } : {}),
        url,
      });
    }
    return json;
  }

  return {
    fund: async ({ address, amountSats }) =>
      request({ method: 'POST', route: 'fund', body: { address, amountSats: amountSats.toString() } }),
    mine: async ({ blocks, coinbaseAddress }) =>
      request({ method: 'POST', route: 'mine', body: { blocks, ...(coinbaseAddress === undefined ? {} : { coinbaseAddress }) } }),
    getTransaction: async (txid) => {
      const json = await request({ method: 'GET', route: `tx/${encodeURIComponent(txid)}`, allow404: true });
      return json === null ? null : { ...json, fee: json.fee === null ? null : BigInt(json.fee) };
    },
    tip: async () => request({ method: 'GET', route: 'tip' }),
    sendRawTransaction: async (hex) => {
      const json = await request({ method: 'POST', route: 'send', body: { hex } });
      return { txid: json.txid, fee: BigInt(json.fee), vsize: json.vsize };
    },
  };
}
