/**
 * Sign-in. On the devnet, which has no Internet Identity, a "local identity": an Ed25519 key
 * generated in the browser and kept in localStorage (anyone with access to this browser profile
 * holds it; for the devnet only). On mainnet, Internet Identity through @icp-sdk/auth, loaded only
 * when used so the devnet build does not carry it in its first script.
 */
import type { Identity } from '@icp-sdk/core/agent';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import type { AppEnv } from '../config/app-env.config.ts';

export const LOCAL_IDENTITY_KEY = 'icp-wallet.local-identity';
/** Internet Identity delegations last 8 hours (@icp-sdk/auth's default), then a new sign-in is needed. */
const II_SESSION_NANOS = 8n * 3_600n * 1_000_000_000n;

export interface Session {
  identity: Identity;
  kind: 'local' | 'internet-identity';
  /** When the delegation expires (ms since the epoch), for Internet Identity; null for a local key. */
  expiresAtMs: number | null;
}

export class SessionExpiredError extends Error {
  override name = 'SessionExpiredError';
  constructor() {
    super('Your sign-in has expired: sign in again to continue.');
  }
}

function storage(): Storage {
  return globalThis.localStorage;
}

/** The local identity kept in this browser, or null. */
export function storedLocalIdentity(): Ed25519KeyIdentity | null {
  const json = storage().getItem(LOCAL_IDENTITY_KEY);
  if (json === null) return null;
  try {
    return Ed25519KeyIdentity.fromJSON(json);
  } catch {
    return null;
  }
}

/** The stored local identity, or a new one saved for next time. */
export function signInLocal(): Session {
  let identity = storedLocalIdentity();
  if (identity === null) {
    identity = Ed25519KeyIdentity.generate();
    storage().setItem(LOCAL_IDENTITY_KEY, JSON.stringify(identity.toJSON()));
  }
  return { identity, kind: 'local', expiresAtMs: null };
}

/** Opens Internet Identity (the provider URL from env.json) and returns its delegation. */
export async function signInInternetIdentity(env: AppEnv): Promise<Session> {
  const { AuthClient } = await import('@icp-sdk/auth/client');
  const client = new AuthClient({ identityProvider: env.identityProvider, idleOptions: { disableDefaultIdleCallback: true } });
  const identity = await client.signIn({ maxTimeToLive: II_SESSION_NANOS });
  return { identity, kind: 'internet-identity', expiresAtMs: Date.now() + Number(II_SESSION_NANOS / 1_000_000n) };
}

/** Throws SessionExpiredError when the session's delegation has expired. */
export function assertSessionLive(session: Session): void {
  if (session.expiresAtMs !== null && Date.now() >= session.expiresAtMs) throw new SessionExpiredError();
}

/** Forgets the local identity (its addresses stay in the wallet, reachable only with that key). */
export function forgetLocalIdentity(): void {
  storage().removeItem(LOCAL_IDENTITY_KEY);
}
