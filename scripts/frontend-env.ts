/**
 * The app's configuration file, `/env.json`, as a deploy uploads it beside the built assets
 * (canisters/frontend/src/lib/config/app-env.config.ts reads and checks it in the browser).
 * Pass the result with the prepared assets to uploadAssets (scripts/frontend-assets.ts):
 *
 *   uploadAssets({ actor, assets: [...prepareAssets(APP_DIST), envAsset(env)] })
 *
 * and install the frontend canister with `connect_src: [env.host]` so the CSP lets the app reach
 * the IC host and nothing else.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { parseAppEnv, type AppEnv } from '../canisters/frontend/src/lib/config/app-env.config.ts';
import type { PreparedAsset } from './frontend-assets.ts';

export type { AppEnv };

export function envAsset(env: AppEnv): PreparedAsset {
  const content = new TextEncoder().encode(`${JSON.stringify(parseAppEnv(env), null, 2)}\n`);
  return { path: '/env.json', contentType: 'application/json', encodings: [{ encoding: 'identity', content, sha256: sha256(content) }] };
}
