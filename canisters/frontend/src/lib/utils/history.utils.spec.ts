import { describe, expect, test } from 'vitest';
import type { Transaction } from '../api/wallet.api.ts';
import { appendOlder, HISTORY_PAGE_SIZE, olderPageRequest } from './history.utils.ts';

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

describe('history pages', () => {
  test('asks for the next 50 sends after those shown, and for nothing once all are shown', () => {
    expect(HISTORY_PAGE_SIZE).toBe(50);
    expect(olderPageRequest(50, 120n)).toEqual({ start: 50n, limit: 50 });
    expect(olderPageRequest(100, 120n)).toEqual({ start: 100n, limit: 50 });
    expect(olderPageRequest(120, 120n)).toBeNull();
    expect(olderPageRequest(0, 0n)).toBeNull();
  });

  test('an older page that repeats sends already shown (two sends made since the first page) adds only the new ones, in order', () => {
    const first = range(120, 71); // ids 120..71 of 120 sends
    // Two sends later (ids 121, 122), offset 50 starts at id 72: ids 72 and 71 are already shown.
    const older = range(72, 23);
    const merged = appendOlder(first, older);
    expect(merged.map((t) => Number(t.id))).toEqual(range(120, 23).map((t) => Number(t.id)));
    expect(olderPageRequest(merged.length, 122n)).toEqual({ start: 98n, limit: 50 });
  });
});
