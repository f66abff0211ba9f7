/**
 * What controllers tune at run time (admin.ts): the signing limits, the pause switch and the
 * auditors. Kept in stable memory; every change is an audit-log entry.
 */
import { IDL, StableBTreeMap, type Principal } from 'azle';
import { MEMORY } from './memory.ts';
import { candidValue, textKey } from './stable.ts';

export const Limits = IDL.Record({
  /** Per user: at most this many signatures in any window of `rate_window_seconds`. */
  rate_limit: IDL.Nat32,
  rate_window_seconds: IDL.Nat32,
  /** Per user: at most this many signatures per UTC day. */
  daily_quota: IDL.Nat32,
  /** All users together: at most this many signature requests awaiting the management canister. */
  max_in_flight: IDL.Nat32,
  /** Signing stops while the balance minus the fees asked for would fall below this. */
  cycles_floor: IDL.Nat,
  /** A BTC send's inputs stay reserved until spent on chain, or this long. */
  reservation_timeout_seconds: IDL.Nat32,
});
export type Limits = {
  rate_limit: number;
  rate_window_seconds: number;
  daily_quota: number;
  max_in_flight: number;
  cycles_floor: bigint;
  reservation_timeout_seconds: number;
};

export const Settings = IDL.Record({
  limits: Limits,
  paused: IDL.Opt(IDL.Record({ reason: IDL.Text, since_ns: IDL.Nat64 })),
  auditors: IDL.Vec(IDL.Principal),
});
export type Settings = {
  limits: Limits;
  paused: [] | [{ reason: string; since_ns: bigint }];
  auditors: Principal[];
};

/**
 * Defaults for a new install: 60 signatures a minute and 1,000 a day per user (a BTC send of n
 * inputs takes n); 100 signatures in flight overall; a floor of 1T cycles, above the freezing
 * threshold of a canister of this size (30 days × its idle burn is far below 1T); reservations
 * for an hour, after which an unconfirmed send's coins may be spent again.
 */
export const DEFAULT_LIMITS: Limits = {
  rate_limit: 60,
  rate_window_seconds: 60,
  daily_quota: 1000,
  max_in_flight: 100,
  cycles_floor: 1_000_000_000_000n,
  reservation_timeout_seconds: 3600,
};

const KEY = 'settings';
const store = new StableBTreeMap<string, Settings>(MEMORY.settings, textKey, candidValue<Settings>(Settings));
let cached: Settings | undefined;

export function loadSettings(): Settings {
  if (cached === undefined) cached = store.get(KEY) ?? { limits: DEFAULT_LIMITS, paused: [], auditors: [] };
  return cached;
}

export function saveSettings(settings: Settings): void {
  store.insert(KEY, settings);
  cached = settings;
}

export function isAuditor(principal: Principal): boolean {
  const text = principal.toText();
  return loadSettings().auditors.some((auditor) => auditor.toText() === text);
}
