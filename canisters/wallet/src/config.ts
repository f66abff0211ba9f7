/**
 * The wallet's configuration, set at install and kept in stable memory: azle's JavaScript heap is
 * rebuilt on every upgrade, stable memory is not. It is stored Candid-encoded with its own
 * Candid type, so a later version that adds `opt` fields still reads what an earlier one wrote.
 *
 * The key names and the Bitcoin network are fixed: changing either would change every user's
 * address and strand their funds. `evm_chains` and `solana` may change (admin.ts, logged).
 */
import { IDL, StableBTreeMap, stableJson, trap } from 'azle';
import { WalletConfig, type EvmChain, type SolanaConfig } from './candid.ts';
import { MEMORY } from './memory.ts';
import { candidValue } from './stable.ts';
import type * as btc from '../../../src/chains/btc/index.ts';

const CONFIG_KEY = 'config';

const store = new StableBTreeMap<string, WalletConfig>(MEMORY.config, stableJson, candidValue<WalletConfig>(WalletConfig));

/** Heap copy of the stored configuration: decoded once per message batch, not per call. */
let cached: WalletConfig | undefined;

/** The stored configuration; install always stores one, so its absence is a broken invariant. */
export function loadConfig(): WalletConfig {
  if (cached !== undefined) return cached;
  const config = store.get(CONFIG_KEY);
  if (config === undefined) trap('wallet: no configuration in stable memory (was init skipped?)');
  cached = config;
  return config;
}

function save(config: WalletConfig): void {
  store.insert(CONFIG_KEY, config);
  cached = config;
}

/** Validates and stores the init argument; traps on an unusable one, which refuses the install. */
export function initConfig(config: WalletConfig): void {
  for (const field of ['ecdsa_key_name', 'schnorr_key_name'] as const) {
    if (config[field] === '') trap(`wallet init: "${field}" expected a threshold key name such as "key_1", got ""`);
  }
  const problem = evmChainsProblem(config.evm_chains) ?? solanaProblem(config.solana);
  if (problem !== undefined) trap(`wallet init: ${problem}`);
  save(config);
}

/**
 * post_upgrade: keeps the stored configuration. An upgrade may pass no argument, or a
 * configuration with the same key names and network, whose chain settings then replace the
 * stored ones (returned, so the caller logs the change). A different key name or network traps,
 * which rolls the upgrade back.
 */
export function keepConfigOnUpgrade(arg: Uint8Array): { previous: WalletConfig; current: WalletConfig } | undefined {
  const stored = loadConfig();
  if (isEmptyArgument(arg)) return undefined;
  const [requested] = IDL.decode([WalletConfig], arg) as unknown as [WalletConfig];
  if (describeFixed(requested) !== describeFixed(stored)) {
    trap(
      `wallet post_upgrade: the key names and network are fixed at install: stored ${describeFixed(stored)}, got ${describeFixed(requested)}`,
    );
  }
  const problem = evmChainsProblem(requested.evm_chains) ?? solanaProblem(requested.solana);
  if (problem !== undefined) trap(`wallet post_upgrade: ${problem}`);
  if (describeChains(requested) === describeChains(stored)) return undefined;
  save({ ...stored, evm_chains: requested.evm_chains, solana: requested.solana });
  return { previous: stored, current: loadConfig() };
}

/** Replaces the EVM chains (admin.ts validated the caller); returns a refusal or undefined. */
export function setEvmChains(chains: EvmChain[]): string | undefined {
  const problem = evmChainsProblem(chains);
  if (problem === undefined) save({ ...loadConfig(), evm_chains: chains });
  return problem;
}

/** Replaces the Solana settings (admin.ts validated the caller); returns a refusal or undefined. */
export function setSolana(solana: SolanaConfig): string | undefined {
  const problem = solanaProblem(solana);
  if (problem === undefined) save({ ...loadConfig(), solana });
  return problem;
}

/** The configured EVM chain with `chainId`, if any. */
export function evmChain(chainId: bigint): EvmChain | undefined {
  return loadConfig().evm_chains.find((chain) => chain.chain_id === chainId);
}

/** The src/chains name of the configured Bitcoin network. */
export function bitcoinNetworkName(): btc.BitcoinNetwork {
  const network = loadConfig().bitcoin_network;
  if ('mainnet' in network) return 'mainnet';
  if ('testnet' in network) return 'testnet';
  return 'regtest';
}

/** At most this many providers per chain: every read is an outcall to each of them. */
export const MAX_RPC_URLS = 5;
const MAX_URL_LENGTH = 2048;

function rpcUrlsProblem({ where, urls }: { where: string; urls: string[] }): string | undefined {
  if (urls.length > MAX_RPC_URLS) return `${where}: at most ${MAX_RPC_URLS} rpc_urls, got ${urls.length}`;
  for (const url of urls) {
    // HTTPS outcalls only reach https:// on the IC; the devnet forwards http:// to loopback.
    if (!/^https?:\/\/[^\s/]+/.test(url) || url.length > MAX_URL_LENGTH) {
      return `${where}: rpc_urls expected http(s) URLs of at most ${MAX_URL_LENGTH} characters, got "${url.slice(0, 100)}"`;
    }
  }
  if (new Set(urls).size !== urls.length) return `${where}: rpc_urls lists a URL twice`;
  return undefined;
}

function evmChainsProblem(chains: EvmChain[]): string | undefined {
  const ids = new Set<bigint>();
  for (const chain of chains) {
    // EIP-155 chain ids are positive; the wallet refuses 0 since no network uses it.
    if (chain.chain_id === 0n) return 'evm_chains: chain_id 0 is not a chain';
    if (ids.has(chain.chain_id)) return `evm_chains: chain_id ${chain.chain_id} appears twice`;
    ids.add(chain.chain_id);
    if (chain.name.length === 0 || chain.name.length > 64) return `evm_chains: chain ${chain.chain_id} needs a name of 1 to 64 characters`;
    const problem = rpcUrlsProblem({ where: `evm_chains[${chain.chain_id}]`, urls: chain.rpc_urls });
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function solanaProblem(solana: SolanaConfig): string | undefined {
  return rpcUrlsProblem({ where: 'solana', urls: solana.rpc_urls });
}

/** No argument at all, or the Candid encoding of `()`: `DIDL`, 0 types, 0 values. */
function isEmptyArgument(arg: Uint8Array): boolean {
  const EMPTY = [0x44, 0x49, 0x44, 0x4c, 0x00, 0x00];
  return arg.length === 0 || (arg.length === EMPTY.length && EMPTY.every((byte, i) => arg[i] === byte));
}

/** A canonical one-line form of the fixed part (fields in a fixed order) for comparisons and messages. */
function describeFixed(config: WalletConfig): string {
  const network = Object.keys(config.bitcoin_network)[0];
  return JSON.stringify({ ecdsa_key_name: config.ecdsa_key_name, schnorr_key_name: config.schnorr_key_name, bitcoin_network: network });
}

/** A canonical one-line form of the chain settings, for the audit log and comparisons. */
export function describeChains(config: Pick<WalletConfig, 'evm_chains' | 'solana'>): string {
  return JSON.stringify({
    evm_chains: config.evm_chains.map((chain) => ({ chain_id: chain.chain_id.toString(), name: chain.name, rpc_urls: chain.rpc_urls })),
    solana: { cluster: Object.keys(config.solana.cluster)[0], rpc_urls: config.solana.rpc_urls },
  });
}
