/**
 * The devnet as one object: the PocketIC-compatible server with the devnet's system services
 * (threshold keys in the management canister, …). `devnet/bin/pocket-ic` runs it as a process;
 * `npm start` runs it with the local chains; tests may also start it in-process.
 */
import { hexToBytes } from '@noble/hashes/utils.js';
import { DevnetServer, type DevnetOptions } from './server/server.ts';
import { ThresholdKeys } from './services/threshold/index.ts';
import { startLocalChains, type LocalChains } from './chains/index.ts';
import {
  BITCOIN_MAINNET_CANISTER_ID,
  BITCOIN_TESTNET_CANISTER_ID,
  BitcoinCanister,
  handleAdminRequest,
  RegtestChain,
} from './services/bitcoin/index.ts';
import type { Instance } from './ic/instance.ts';

/**
 * The seed of the devnet's threshold master keys. Fixed so addresses are reproducible across runs
 * and machines (this is a devnet: these keys protect nothing); DEVNET_THRESHOLD_SEED (64 hex
 * characters) chooses another.
 */
export const DEFAULT_THRESHOLD_SEED = hexToBytes('6465766e65742d7468726573686f6c642d6b6579732d763100000000000000aa');

/** A live instance: rounds run on their own, time follows the wall clock, and agents and browsers reach it. */
export interface LiveInstance {
  /** The PocketIC instance id (for the REST routes, e.g. the Bitcoin admin routes under /instances/{id}/devnet). */
  instanceId: number;
  /** The IC HTTP interface, for agents: `HttpAgent.create({ host: httpInterfaceUrl, shouldFetchRootKey: true })`. */
  httpInterfaceUrl: string;
  /** The HTTP gateway, same port: `gatewayUrl(canisterId)` is `http://<canister-id>.localhost:<port>/`. */
  gatewayUrl(canisterId: string): string;
  /** DER of the instance's BLS root key, what `fetchRootKey()` returns. */
  rootKey: Uint8Array;
}

/** The subnets of a live instance unless given: an NNS (root) subnet and an application subnet, as on mainnet. */
export const DEFAULT_LIVE_SUBNETS = {
  nns: { state_config: 'New', instruction_config: 'Production' },
  application: [{ state_config: 'New', instruction_config: 'Production' }],
};

export interface Devnet {
  url: string;
  port: number;
  server: DevnetServer;
  chains: LocalChains | null;
  /** With `live`, the instance created live (an NNS and an application subnet unless `live.subnets` says otherwise). */
  live: LiveInstance | null;
  idleSeconds(): number;
  describe(): string[];
  stop(): Promise<void>;
}

export function thresholdSeed(): Uint8Array {
  const hex = process.env.DEVNET_THRESHOLD_SEED;
  if (hex === undefined || hex === '') return DEFAULT_THRESHOLD_SEED;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`DEVNET_THRESHOLD_SEED must be 64 hex characters, got ${hex.length}`);
  return hexToBytes(hex);
}

export async function startDevnet(
  args: {
    port?: number;
    host?: string;
    log?: (line: string) => void;
    withChains?: boolean;
    /** Create one instance live, with its IC HTTP interface and HTTP gateway (as `pic.makeLive()`). */
    live?: boolean | { subnets?: unknown };
  } = {},
): Promise<Devnet> {
  const seed = thresholdSeed();
  // Each instance has its own regtest chain, behind both Bitcoin canister ids (PocketIC runs its
  // Bitcoin canister configured for regtest the same way).
  const bitcoinChains = new Map<number, RegtestChain>();
  const options: DevnetOptions = {
    log: args.log,
    onInstanceCreated: (instance: Instance) => {
      const chain = new RegtestChain({ now: () => instance.timeNs });
      bitcoinChains.set(instance.id, chain);
      instance.systemCanisters.set(BITCOIN_MAINNET_CANISTER_ID, new BitcoinCanister({ chain, canisterNetwork: 'mainnet' }));
      instance.systemCanisters.set(BITCOIN_TESTNET_CANISTER_ID, new BitcoinCanister({ chain, canisterNetwork: 'testnet' }));
    },
    extraRoutes: async ({ method, path, body }) => {
      const m = path.match(/^\/instances\/(\d+)(\/devnet\/bitcoin\/.*)$/);
      if (!m) return null;
      const chain = bitcoinChains.get(Number(m[1]));
      if (!chain) return { status: 404, json: { message: `Instance ${m[1]} not found` } };
      return handleAdminRequest({ chain, method, path: m[2], body: body.length ? new TextDecoder().decode(body) : undefined });
    },
    threshold: () => {
      const keys = new ThresholdKeys({ seed });
      return {
        handle: (a) => keys.handle(a),
        signatureFee: ({ keyName }) => keys.signatureFee(keyName),
      };
    },
  };
  const server = new DevnetServer(options);
  const port = await server.listen({ port: args.port ?? 0, host: args.host });
  const host = args.host && args.host !== '::1' ? args.host : '127.0.0.1';
  let chains: LocalChains | null = null;
  if (args.withChains) {
    try {
      chains = await startLocalChains();
    } catch (e) {
      await server.close();
      throw e;
    }
  }
  const url = `http://${host}:${port}`;
  let live: LiveInstance | null = null;
  if (args.live) {
    const subnets = typeof args.live === 'object' && args.live.subnets ? args.live.subnets : DEFAULT_LIVE_SUBNETS;
    try {
      const made = await server.createLiveInstance(subnets);
      live = {
        instanceId: made.instanceId,
        httpInterfaceUrl: `http://${host}:${made.gatewayPort}`,
        gatewayUrl: (canisterId) => `http://${canisterId}.localhost:${made.gatewayPort}/`,
        rootKey: made.rootKey,
      };
    } catch (e) {
      await Promise.allSettled([server.close(), chains?.stop()]);
      throw e;
    }
  }
  return {
    url,
    port,
    server,
    chains,
    live,
    idleSeconds: () => (Date.now() - server.lastActivity) / 1000,
    describe: () => [
      `PocketIC-compatible IC at ${url}`,
      ...(live ? [`IC HTTP interface (agents) and HTTP gateway (http://<canister-id>.localhost:…/) at ${live.httpInterfaceUrl}`] : []),
      ...(chains ? [`EVM (chain id ${chains.evm.chainId}) JSON-RPC at ${chains.evm.url}`, `Solana JSON-RPC at ${chains.solana.url}`] : []),
    ],
    stop: async () => {
      await Promise.allSettled([server.close(), chains?.stop()]);
    },
  };
}
