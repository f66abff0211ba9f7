/**
 * The guards in front of every endpoint and every signature (CONTRIBUTING.md convention 4):
 * who may call, and how many signatures a user and the canister may ask for.
 *
 * Signing admission checks, in order: paused, the user's sliding-window rate limit, the user's
 * daily quota, the global number of signatures in flight, and the cycles floor. Admission counts
 * the signatures asked for at once (a BTC send of n inputs asks for n), so a send is either
 * admitted whole or refused before anything is signed.
 */
import { canisterCycleBalance, IDL, isController, StableBTreeMap, time, type Principal } from 'azle';
import type { AccessError, SigningGuardError } from './candid.ts';
import { loadConfig } from './config.ts';
import { signatureFee } from './fees.ts';
import { MEMORY } from './memory.ts';
import { candidValue, textKey } from './stable.ts';
import { isAuditor, loadSettings } from './settings.ts';

const NS_PER_SECOND = 1_000_000_000n;
const NS_PER_DAY = 86_400n * NS_PER_SECOND;

/** Per user: the times of the signatures in the current window, and the day's count. */
type Usage = { recent_ns: bigint[]; day: bigint; day_count: number };
const StoredUsage = IDL.Record({ recent_ns: IDL.Vec(IDL.Nat64), day: IDL.Nat64, day_count: IDL.Nat32 });
const usage = new StableBTreeMap<string, Usage>(MEMORY.usage, textKey, candidValue<Usage>(StoredUsage));

/** Signatures asked of the management canister and not yet answered (heap: no call outlives an upgrade). */
let inFlight = 0;

export function isAnonymous(principal: Principal): boolean {
  return principal.isAnonymous();
}

/** Controllers only. */
export function requireController(caller: Principal): AccessError | undefined {
  if (caller.isAnonymous()) return { AnonymousCaller: null };
  if (!isController(caller)) return { NotAuthorized: { required: 'a controller of the wallet canister' } };
  return undefined;
}

/** Controllers and the auditors they named. */
export function requireAuditor(caller: Principal): AccessError | undefined {
  if (caller.isAnonymous()) return { AnonymousCaller: null };
  if (!isController(caller) && !isAuditor(caller)) {
    return { NotAuthorized: { required: 'a controller or an auditor named by the controllers' } };
  }
  return undefined;
}

/**
 * Admits `count` signatures for `caller`, recording them against the user's limits at once (a
 * refused or failed request still counts: the limits bound what is asked, not what succeeds).
 * Returns a release function to call when the signature requests are over, or the refusal.
 */
export function admitSignatures({ caller, count }: { caller: Principal; count: number }): { Ok: () => void } | { Err: SigningGuardError } {
  const { limits, paused } = loadSettings();
  const [pause] = paused;
  if (pause !== undefined) return { Err: { SigningPaused: { reason: pause.reason } } };

  const now = time();
  const key = caller.toText();
  const stored = usage.get(key);
  const windowNs = BigInt(limits.rate_window_seconds) * NS_PER_SECOND;
  const recent = (stored?.recent_ns ?? []).filter((t) => now - t < windowNs);
  if (recent.length + count > limits.rate_limit) {
    // The oldest signatures leave the window first; wait until enough of them have.
    const mustLeave = recent.length + count - limits.rate_limit;
    const freeAt = mustLeave <= recent.length ? (recent[mustLeave - 1] ?? now) + windowNs : now + windowNs;
    const retry = Number((freeAt - now + NS_PER_SECOND - 1n) / NS_PER_SECOND);
    return { Err: { RateLimited: { limit: limits.rate_limit, window_seconds: limits.rate_window_seconds, retry_after_seconds: retry } } };
  }
  const day = now / NS_PER_DAY;
  const dayCount = stored !== undefined && stored.day === day ? stored.day_count : 0;
  if (dayCount + count > limits.daily_quota) return { Err: { DailyQuotaExceeded: { quota: limits.daily_quota } } };
  if (inFlight + count > limits.max_in_flight) return { Err: { TooManySignaturesInFlight: { limit: limits.max_in_flight } } };

  // Every signature in flight may still charge its fee: keep the floor above all of them.
  const config = loadConfig();
  const [ecdsaFee, schnorrFee] = [signatureFee(config.ecdsa_key_name), signatureFee(config.schnorr_key_name)];
  const fee = ecdsaFee > schnorrFee ? ecdsaFee : schnorrFee;
  const required = limits.cycles_floor + fee * BigInt(inFlight + count);
  const balance = canisterCycleBalance();
  if (balance < required) return { Err: { CyclesBelowFloor: { balance, required } } };

  usage.insert(key, { recent_ns: [...recent, ...Array<bigint>(count).fill(now)], day, day_count: dayCount + count });
  inFlight += count;
  let released = false;
  return {
    Ok: () => {
      if (released) return;
      released = true;
      inFlight -= count;
    },
  };
}

/** For `wallet_status`: the signatures awaiting the management canister now. */
export function signaturesInFlight(): number {
  return inFlight;
}
