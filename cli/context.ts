/**
 * What every command receives: the parsed flags and the places the CLI reads state from.
 */
import { Principal } from '@icp-sdk/core/principal';
import { IC_ROOT_KEY } from '@icp-sdk/core/agent';
import { hexToBytes } from '@noble/hashes/utils.js';
import type { Deployment, Network } from '../src/lib/deployment.ts';
import { readSettings } from './config-dir.ts';
import { readDeploymentFile } from './deployment-file.ts';
import { CliError } from './exit-codes.ts';
import { loadSignIdentity } from './identity-store.ts';
import { connectWallet, okOrThrow } from './wallet-canister.ts';
import type { Result, WalletService } from '../src/lib/wallet-candid.ts';

export type OptionValues = Record<string, string | boolean | undefined>;

export type Context = {
  /** Command positionals (after the command words). */
  args: string[];
  options: OptionValues;
  network: Network;
  json: boolean;
  configDir: string;
  deploymentPath: string;
};

/** What a command produced: the `--json` value, and the lines a person reads. */
export type CommandResult = { json: unknown; text: string; exitCode?: number };

export const MAINNET_HOST = 'https://icp-api.io';

export function stringOption(ctx: Context, name: string): string | undefined {
  const value = ctx.options[name];
  return typeof value === 'string' ? value : undefined;
}

/** The deployment record when the network is local; `undefined` on mainnet or when there is none. */
export function localDeployment(ctx: Context): Deployment | undefined {
  if (ctx.network !== 'local') return undefined;
  return readDeploymentFile(ctx.deploymentPath);
}

/** --canister, else the local deployment's wallet. @throws {CliError} 'usage' or 'config'. */
export function walletCanisterId(ctx: Context, fallback?: Principal): Principal {
  const text = stringOption(ctx, 'canister');
  if (text !== undefined) return parsePrincipal(text, '--canister');
  if (fallback) return fallback;
  const deployment = localDeployment(ctx);
  if (deployment) return parsePrincipal(deployment.canisters.wallet, `${ctx.deploymentPath} canisters.wallet`);
  throw new CliError(
    ctx.network === 'ic' ? 'usage' : 'config',
    ctx.network === 'ic'
      ? 'name the wallet canister with --canister <id>'
      : `no wallet canister: pass --canister <id>, or run npm start (it writes ${ctx.deploymentPath})`,
  );
}

/** The root key certificates must verify against: --root-key, else mainnet's, else the local deployment's. */
export function rootKey(ctx: Context): Uint8Array {
  const hex = stringOption(ctx, 'root-key');
  if (hex !== undefined) {
    if (!/^(?:[0-9a-f]{2})+$/.test(hex)) throw new CliError('usage', '--root-key must be the DER root key in lowercase hex');
    return hexToBytes(hex);
  }
  if (ctx.network === 'ic') return hexToBytes(IC_ROOT_KEY);
  const deployment = localDeployment(ctx);
  if (deployment) return hexToBytes(deployment.rootKeyHex);
  throw new CliError(
    'config',
    `no root key for the local network: pass --root-key <hex>, or run npm start (it writes ${ctx.deploymentPath})`,
  );
}

/** The IC HTTP interface to call. */
export function host(ctx: Context): string {
  if (ctx.network === 'ic') return MAINNET_HOST;
  const deployment = localDeployment(ctx);
  if (deployment) return deployment.host;
  throw new CliError('config', `no local devnet: run npm start (it writes ${ctx.deploymentPath})`);
}

/** --identity, else the selected one. @throws {CliError} 'config' when there is neither. */
export function identityName(ctx: Context): string {
  const flag = stringOption(ctx, 'identity');
  if (flag !== undefined) return flag;
  const selected = readSettings(ctx.configDir).identity;
  if (selected !== undefined) return selected;
  throw new CliError(
    'config',
    'no identity selected: create one with "wallet identity new <name>" or pick one with "wallet identity use <name>"',
  );
}

export function parsePrincipal(text: string, what: string): Principal {
  try {
    return Principal.fromText(text);
  } catch {
    throw new CliError('usage', `${what}: "${text}" is not a principal`);
  }
}

/** The wallet as a command calls it: the actor (failures already CliErrors) and its `Ok`-or-sentence helper. */
export type WalletClient = {
  actor: WalletService;
  canisterId: Principal;
  principal: Principal;
  /** One call (transport and certificate failures are CliErrors naming the method). */
  call<T>(method: string, run: (actor: WalletService) => Promise<T>): Promise<T>;
  /** As `call`, and an `Err` becomes a CliError 'canister' with the error's sentence. */
  ok<T>(method: string, run: (actor: WalletService) => Promise<Result<T, unknown>>): Promise<T>;
  config(): ReturnType<WalletService['config']>;
};

/**
 * The wallet as the selected identity, through the network's IC HTTP interface; certificates are
 * checked against the root key of `rootKey(ctx)` (the devnet's is the one npm start fetched and
 * recorded; mainnet's is built in, never fetched).
 */
export async function openWallet(ctx: Context): Promise<WalletClient> {
  const canisterId = walletCanisterId(ctx);
  const identity = loadSignIdentity({ configDir: ctx.configDir, name: identityName(ctx) });
  const actor = await connectWallet({ host: host(ctx), rootKey: rootKey(ctx), identity, canisterId });
  return {
    actor,
    canisterId,
    principal: identity.getPrincipal(),
    call: (_method, run) => run(actor),
    ok: async (_method, run) => okOrThrow(await run(actor)),
    config: () => actor.config(),
  };
}
