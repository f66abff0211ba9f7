/**
 * Outpoints spent by BTC sends in flight. A send reserves the coins it selected before its first
 * await, so a concurrent send (whose messages interleave at every await) never selects them; a
 * reservation ends when the coin leaves the UTXO set (its spend is in a block), when the send
 * fails before broadcast, or after the controllers' timeout.
 */
import { IDL, StableBTreeMap, time, type Principal } from 'azle';
import { MEMORY } from '../memory.ts';
import { loadSettings } from '../settings.ts';
import { candidValue, textKey } from '../stable.ts';

type Reservation = { owner: string; reserved_at_ns: bigint };
const StoredReservation = IDL.Record({ owner: IDL.Text, reserved_at_ns: IDL.Nat64 });
const reservations = new StableBTreeMap<string, Reservation>(MEMORY.btcReservations, textKey, candidValue<Reservation>(StoredReservation));

const keyOf = ({ txid, vout }: { txid: string; vout: number }) => `${txid}:${vout}`;

/** Whether the outpoint is held by a send in flight that has not timed out. */
export function isReserved(outpoint: { txid: string; vout: number }): boolean {
  const reservation = reservations.get(keyOf(outpoint));
  if (reservation === undefined) return false;
  const timeoutNs = BigInt(loadSettings().limits.reservation_timeout_seconds) * 1_000_000_000n;
  return time() - reservation.reserved_at_ns < timeoutNs;
}

export function reserve({ owner, outpoints }: { owner: Principal; outpoints: { txid: string; vout: number }[] }): void {
  const now = time();
  for (const outpoint of outpoints) reservations.insert(keyOf(outpoint), { owner: owner.toText(), reserved_at_ns: now });
}

export function release(outpoints: { txid: string; vout: number }[]): void {
  for (const outpoint of outpoints) reservations.remove(keyOf(outpoint));
}

/**
 * Ends the reservations of `owner` whose coins are no longer in `utxoSet` (spent in a block), or
 * that timed out. `fetchedAtNs` is when the set was asked for: a reservation made after that was
 * made from a newer set, which this one cannot speak for.
 */
export function releaseSpent({ owner, utxoSet, fetchedAtNs }: { owner: Principal; utxoSet: Set<string>; fetchedAtNs: bigint }): void {
  const ownerText = owner.toText();
  for (const [key, reservation] of reservations.items()) {
    if (reservation.owner !== ownerText) continue;
    const spent = !utxoSet.has(key) && reservation.reserved_at_ns < fetchedAtNs;
    if (spent || !isReserved(parseKey(key))) reservations.remove(key);
  }
}

function parseKey(key: string): { txid: string; vout: number } {
  const [txid, vout] = key.split(':');
  return { txid, vout: Number(vout) };
}

export { keyOf as outpointKey };
