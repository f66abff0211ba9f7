import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Transaction } from './wallet-candid.ts';
import { appendOlder, olderPageRequest, TRANSACTIONS_PAGE_SIZE } from './transaction-pages.ts';

const tx = (id: number): Transaction => ({
  id: BigInt(id),
  chain: { btc: null },
  network: 'bitcoin:regtest',
  asset: 'BTC',
  to: 'bcrt1qn454ga9rqwkx6ax309knw5hs0z2erz7j2ulcnh',
  amount: 20_000n,
  fee: 423n,
  txid: id.toString(16).padStart(64, '0'),
  status: { pending: null },
  created_at_ns: BigInt(id) * 1_000_000_000n,
  updated_at_ns: BigInt(id) * 1_000_000_000n,
  details: '',
});
/** Sends `from` down to `to`, newest first, as the wallet pages them. */
const range = (from: number, to: number) => Array.from({ length: from - to + 1 }, (_, i) => tx(from - i));

describe('transaction pages', () => {
  test('asks for the next 50 sends after those shown, and for nothing once all are shown', () => {
    assert.equal(TRANSACTIONS_PAGE_SIZE, 50);
    assert.deepEqual(olderPageRequest(50, 120n), { start: 50n, limit: 50 });
    assert.deepEqual(olderPageRequest(100, 120n), { start: 100n, limit: 50 });
    assert.equal(olderPageRequest(120, 120n), null);
    assert.equal(olderPageRequest(0, 0n), null);
  });

  test('a smaller limit is asked for as it is; a larger one is capped at the page size', () => {
    assert.deepEqual(olderPageRequest(3, 10n, 2), { start: 3n, limit: 2 });
    assert.deepEqual(olderPageRequest(0, 500n, 200), { start: 0n, limit: 50 });
  });

  test('an older page that repeats sends already shown (two sends made since the first page) adds only the new ones, in order', () => {
    const first = range(120, 71); // ids 120..71 of 120 sends
    // Two sends later (ids 121, 122), offset 50 starts at id 72: ids 72 and 71 are already shown.
    const older = range(72, 23);
    const merged = appendOlder(first, older);
    assert.deepEqual(
      merged.map((t) => Number(t.id)),
      range(120, 23).map((t) => Number(t.id)),
    );
    assert.deepEqual(olderPageRequest(merged.length, 122n), { start: 98n, limit: 50 });
  });
});
