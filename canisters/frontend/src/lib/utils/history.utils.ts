/**
 * History pages. The wallet lists a user's sends newest first and answers at most
 * MAX_TRANSACTIONS_PAGE (50) of them per call (canisters/wallet/src/transactions.ts), so the
 * History screen shows the newest page and loads older ones on request.
 */
import type { Transaction } from '../api/wallet.api.ts';

/** The wallet's page cap; asking for more returns this many. */
export const HISTORY_PAGE_SIZE = 50;

/** The request for the sends older than the `shown` newest ones, or null when all `total` are shown. */
export function olderPageRequest(shown: number, total: bigint): { start: bigint; limit: number } | null {
  return BigInt(shown) < total ? { start: BigInt(shown), limit: HISTORY_PAGE_SIZE } : null;
}

/**
 * `older` after `shown`, leaving out the sends already shown: every send made since the first
 * page moves the offsets by one, so a later page can begin with the end of the one before.
 */
export function appendOlder(shown: readonly Transaction[], older: readonly Transaction[]): Transaction[] {
  const ids = new Set(shown.map((t) => t.id));
  return [...shown, ...older.filter((t) => !ids.has(t.id))];
}
