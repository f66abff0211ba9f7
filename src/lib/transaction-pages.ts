/**
 * Pages of a user's sends. The wallet's `transactions` lists them newest first and answers at most
 * TRANSACTIONS_PAGE_SIZE per call; the web app's History screen and `wallet history` ask for them
 * page after page with these functions.
 */

/** Sends per `transactions` call: the wallet answers at most this many, whatever the request asks. */
export const TRANSACTIONS_PAGE_SIZE = 50;

/**
 * The request for the sends older than the `shown` newest ones (at most `limit`, the page size by
 * default), or null when all `total` are shown.
 */
export function olderPageRequest(shown: number, total: bigint, limit = TRANSACTIONS_PAGE_SIZE): { start: bigint; limit: number } | null {
  return BigInt(shown) < total ? { start: BigInt(shown), limit: Math.min(limit, TRANSACTIONS_PAGE_SIZE) } : null;
}

/**
 * `older` after `shown`, leaving out the sends already shown: every send made since the first
 * page moves the offsets by one, so a later page can begin with the end of the one before.
 */
export function appendOlder<T extends { id: bigint }>(shown: readonly T[], older: readonly T[]): T[] {
  const ids = new Set(shown.map((t) => t.id));
  return [...shown, ...older.filter((t) => !ids.has(t.id))];
}
