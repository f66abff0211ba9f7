/**
 * The wallet canister as the CLI calls it: one small interface, and its implementation over
 * @icp-sdk/core's HttpAgent. Endpoints the wallet does not have yet (the signature log's, issue 7)
 * are behind `AuditLogSource` (audit-source.ts) and get wired there when they land.
 */
import { Actor, HttpAgent, type SignIdentity } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { describeWalletError } from '../src/lib/wallet-errors.ts';
import { CliError } from './exit-codes.ts';

export type BitcoinNetworkVariant = { mainnet: null } | { testnet: null } | { regtest: null };
export type WalletConfigAnswer = { ecdsa_key_name: string; schnorr_key_name: string; bitcoin_network: BitcoinNetworkVariant };

/** What the CLI asks the wallet canister. */
export interface WalletCanister {
  /** The wallet's init configuration (query). */
  config(): Promise<WalletConfigAnswer>;
  /** The caller's addresses, as the canister names them. @throws {CliError} 'canister' with the error's sentence. */
  addresses(): Promise<Record<string, string>>;
}

// The client's view of canisters/wallet/wallet.did. A record decodes with fields the canister
// adds later ignored, so this lists only the fields the committed interface has.
const walletIdl: IDL.InterfaceFactory = ({ IDL }) => {
  const BitcoinNetwork = IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null });
  const WalletConfig = IDL.Record({ ecdsa_key_name: IDL.Text, schnorr_key_name: IDL.Text, bitcoin_network: BitcoinNetwork });
  const AddressesResponse = IDL.Record({ btc_p2wpkh: IDL.Text, eth: IDL.Text, sol: IDL.Text });
  const AddressesError = IDL.Variant({
    AnonymousCaller: IDL.Null,
    ManagementCallRejected: IDL.Record({ method: IDL.Text, reject_code: IDL.Nat32, reject_message: IDL.Text }),
    ManagementCallNotSent: IDL.Record({ method: IDL.Text }),
  });
  return IDL.Service({
    addresses: IDL.Func([], [IDL.Variant({ Ok: AddressesResponse, Err: AddressesError })], []),
    config: IDL.Func([], [WalletConfig], ['query']),
  });
};

type WalletActor = {
  addresses(): Promise<{ Ok: Record<string, string> } | { Err: unknown }>;
  config(): Promise<WalletConfigAnswer>;
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
}): Promise<WalletCanister> {
  const agent = await HttpAgent.create({ host, identity, rootKey, shouldFetchRootKey: false });
  const actor = Actor.createActor<WalletActor>(walletIdl, { agent, canisterId });
  const call = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      throw new CliError('canister', `calling ${method} on wallet ${canisterId.toText()} at ${host} failed: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  return {
    config: () => call('config', () => actor.config()),
    addresses: async () => {
      const result = await call('addresses', () => actor.addresses());
      if ('Err' in result) throw new CliError('canister', describeWalletError(result.Err));
      return result.Ok;
    },
  };
}
