/**
 * The wallet's configuration (key names and Bitcoin network), set once at install and kept in
 * stable memory: azle's JavaScript heap is rebuilt on every upgrade, stable memory is not.
 * It is stored Candid-encoded with its own Candid type, so a later version that adds `opt`
 * fields still reads what an earlier one wrote.
 */
import { IDL, StableBTreeMap, stableJson, trap } from 'azle';
import { WalletConfig } from './candid.ts';

/** Stable memory id 0 of azle's `StableBTreeMap`s: the wallet's configuration. Never reuse it. */
const CONFIG_MEMORY_ID = 0;
const CONFIG_KEY = 'config';

const candidWalletConfig = {
  toBytes: (config: WalletConfig): Uint8Array => new Uint8Array(IDL.encode([WalletConfig], [config])),
  fromBytes: (bytes: Uint8Array): WalletConfig => IDL.decode([WalletConfig], bytes)[0] as unknown as WalletConfig,
};

const store = new StableBTreeMap<string, WalletConfig>(CONFIG_MEMORY_ID, stableJson, candidWalletConfig);

/** The stored configuration; install always stores one, so its absence is a broken invariant. */
export function loadConfig(): WalletConfig {
  const config = store.get(CONFIG_KEY);
  if (config === undefined) trap('wallet: no configuration in stable memory (was init skipped?)');
  return config;
}

/** Validates and stores the init argument; traps on an unusable one, which refuses the install. */
export function initConfig(config: WalletConfig): void {
  for (const field of ['ecdsa_key_name', 'schnorr_key_name'] as const) {
    if (config[field] === '') trap(`wallet init: "${field}" expected a threshold key name such as "key_1", got ""`);
  }
  store.insert(CONFIG_KEY, config);
}

/**
 * post_upgrade: keeps the stored configuration. An upgrade may pass no argument, or the stored
 * configuration again; a different one traps, which rolls the upgrade back: changing a key name
 * or the network would change every user's address and strand their funds.
 */
export function keepConfigOnUpgrade(arg: Uint8Array): void {
  const stored = loadConfig();
  if (isEmptyArgument(arg)) return;
  const [requested] = IDL.decode([WalletConfig], arg) as unknown as [WalletConfig];
  if (describe(requested) !== describe(stored)) {
    trap(`wallet post_upgrade: the configuration is fixed at install: stored ${describe(stored)}, got ${describe(requested)}`);
  }
}

/** No argument at all, or the Candid encoding of `()`: `DIDL`, 0 types, 0 values. */
function isEmptyArgument(arg: Uint8Array): boolean {
  const EMPTY = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x00];
  return arg.length === 0 || (arg.length === EMPTY.length && EMPTY.every((byte, i) => arg[i] === byte));
}

/** A canonical one-line form (fields in a fixed order) for comparisons and messages. */
function describe(config: WalletConfig): string {
  const network = Object.keys(config.bitcoin_network)[0];
  return JSON.stringify({ ecdsa_key_name: config.ecdsa_key_name, schnorr_key_name: config.schnorr_key_name, bitcoin_network: network });
}
