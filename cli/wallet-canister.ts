/**
 * The wallet canister as the CLI calls it: an @icp-sdk/core actor over the IC HTTP interface,
 * typed by the clients' interface of src/lib/wallet-candid.ts (checked against wallet.did).
 * Every call failure becomes a 'canister' CliError, and every wallet error its sentence.
 */
import { Actor, HttpAgent, type SignIdentity } from '@icp-sdk/core/agent';
import type { Principal } from '@icp-sdk/core/principal';
import { walletIdlFactory, type WalletService } from '../src/lib/wallet-candid.ts';
import { describeWalletError } from '../src/lib/wallet-errors.ts';
import { CliError } from './exit-codes.ts';

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
}): Promise<WalletService> {
  const agent = await HttpAgent.create({ host, identity, rootKey, shouldFetchRootKey: false });
  const actor = Actor.createActor<WalletService>(walletIdlFactory, { agent, canisterId });
  // Each method: the same call, with transport and certificate failures named.
  return new Proxy(actor, {
    get(target, method: string) {
      const fn = (target as unknown as Record<string, unknown>)[method];
      if (typeof fn !== 'function') return fn;
      return async (...args: unknown[]) => {
        try {
          return await (fn as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          // An older wallet without this endpoint: the replica's "has no query method" / "has no update method".
          if (/has no (query|update) method/.test((error as Error).message)) {
            throw new CliError('unavailable', `wallet ${canisterId.toText()} has no ${method} endpoint: it is older than this command`, {
              cause: error,
            });
          }
          throw new CliError(
            'canister',
            `calling ${method} on wallet ${canisterId.toText()} at ${host} failed: ${(error as Error).message}`,
            {
              cause: error,
            },
          );
        }
      };
    },
  });
}

/** The `Ok` of a wallet result, or a 'canister' CliError with the error's sentence. */
export function okOrThrow<T>(result: { Ok: T } | { Err: unknown }): T {
  if ('Err' in result) throw new CliError('canister', describeWalletError(result.Err));
  return result.Ok;
}
