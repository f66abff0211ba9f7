/**
 * The wallet canister as the CLI calls it: an @icp-sdk/core actor over the IC HTTP interface with
 * the project's one client interface (src/lib/wallet-candid.ts), every call's transport failure
 * and every `Err` turned into a CliError with the error's human sentence (src/lib/wallet-errors.ts).
 */
import { Actor, HttpAgent, type SignIdentity } from '@icp-sdk/core/agent';
import type { Principal } from '@icp-sdk/core/principal';
import { describeWalletError } from '../src/lib/wallet-errors.ts';
import { walletIdlFactory, type Result, type WalletConfig, type WalletService } from '../src/lib/wallet-candid.ts';
import { CliError } from './exit-codes.ts';

export type BitcoinNetworkVariant = WalletConfig['bitcoin_network'];
export type WalletConfigAnswer = WalletConfig;

export type WalletClient = {
  actor: WalletService;
  agent: HttpAgent;
  canisterId: Principal;
  /** Runs one call; a transport or certificate failure becomes a CliError 'canister' naming the method. */
  call<T>(method: string, run: (actor: WalletService) => Promise<T>): Promise<T>;
  /** As `call`, and an `Err` becomes a CliError 'canister' with the error's sentence. */
  ok<T>(method: string, run: (actor: WalletService) => Promise<Result<T, unknown>>): Promise<T>;
  /** The wallet's init configuration (query). */
  config(): Promise<WalletConfig>;
  /** The caller's addresses. */
  addresses(): Promise<Record<string, string>>;
};

/** The wallet at `canisterId` through the IC HTTP interface at `host`, as `identity`, trusting `rootKey`. */
export async function connectWallet({
  host,
  rootKey,
  identity,
  canisterId,
}: {
  host: string;
  rootKey: Uint8Array;
  identity: SignIdentity;
  canisterId: Principal;
}): Promise<WalletClient> {
  const agent = await HttpAgent.create({ host, identity, rootKey, shouldFetchRootKey: false, retryTimes: 1 });
  const actor = Actor.createActor<WalletService>(walletIdlFactory, { agent, canisterId });
  const call = async <T>(method: string, run: (a: WalletService) => Promise<T>): Promise<T> => {
    try {
      return await run(actor);
    } catch (error) {
      throw new CliError('canister', `calling ${method} on wallet ${canisterId.toText()} at ${host} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  const ok = async <T>(method: string, run: (a: WalletService) => Promise<Result<T, unknown>>): Promise<T> => {
    const result = await call(method, run);
    if ('Err' in result) throw new CliError('canister', describeWalletError(result.Err));
    return result.Ok;
  };
  return {
    actor,
    agent,
    canisterId,
    call,
    ok,
    config: () => call('config', (a) => a.config()),
    addresses: async () => ({ ...(await ok('addresses', (a) => a.addresses())) }),
  };
}
