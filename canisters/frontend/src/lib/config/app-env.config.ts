/**
 * Where the app learns which wallet canister to talk to: `/env.json`, a file the deploy uploads
 * with the built assets (scripts/frontend-env.ts writes it; the frontend canister serves and
 * certifies it like any other asset, with `no-cache`, so a redeploy takes effect on reload).
 * The build itself stays the same for every network.
 */
export type AppNetwork = 'local' | 'ic';

export interface AppEnv {
  /** 'local': the devnet (local identity, root key below); 'ic': mainnet (Internet Identity). */
  network: AppNetwork;
  /** The IC HTTP interface the agent calls, e.g. http://127.0.0.1:4943 or https://icp-api.io (also in the CSP's connect-src). */
  host: string;
  walletCanisterId: string;
  /** Local only: the devnet's root key (DER, hex), so the agent never trusts a key fetched at run time. */
  rootKey?: string;
  /** IC only: the Internet Identity provider URL. */
  identityProvider?: string;
}

export class AppEnvError extends Error {
  override name = 'AppEnvError';
}

const PRINCIPAL_TEXT = /^[a-z0-9]{5}(-[a-z0-9]{1,5})+$/;

/** Checks a parsed env.json; throws AppEnvError naming the bad field. */
export function parseAppEnv(value: unknown): AppEnv {
  if (typeof value !== 'object' || value === null) throw new AppEnvError('env.json is not a JSON object');
  const v = value as Record<string, unknown>;
  if (v.network !== 'local' && v.network !== 'ic')
    throw new AppEnvError(`env.json: network must be "local" or "ic", got ${String(v.network)}`);
  if (typeof v.host !== 'string' || !/^https?:\/\/[^/\s]+$/.test(v.host))
    throw new AppEnvError('env.json: host must be an origin such as https://icp-api.io');
  if (typeof v.walletCanisterId !== 'string' || !PRINCIPAL_TEXT.test(v.walletCanisterId))
    throw new AppEnvError('env.json: walletCanisterId must be a canister id in text form');
  if (v.rootKey !== undefined && (typeof v.rootKey !== 'string' || !/^([0-9a-f]{2})+$/.test(v.rootKey)))
    throw new AppEnvError('env.json: rootKey must be hex');
  if (v.network === 'local' && v.rootKey === undefined) throw new AppEnvError('env.json: a local network needs its rootKey');
  if (v.identityProvider !== undefined && (typeof v.identityProvider !== 'string' || !/^https:\/\/[^\s]+$/.test(v.identityProvider)))
    throw new AppEnvError('env.json: identityProvider must be an https URL');
  return {
    network: v.network,
    host: v.host,
    walletCanisterId: v.walletCanisterId,
    ...(v.rootKey !== undefined ? { rootKey: v.rootKey as string } : {}),
    ...(v.identityProvider !== undefined ? { identityProvider: v.identityProvider as string } : {}),
  };
}

/** Fetches /env.json from the app's own origin. */
export async function loadAppEnv(): Promise<AppEnv> {
  const response = await fetch('/env.json', { cache: 'no-cache' });
  if (!response.ok) throw new AppEnvError(`/env.json answered HTTP ${response.status}: the app was deployed without its configuration`);
  return parseAppEnv(await response.json());
}
