/**
 * The wallet canister: each caller's BTC, ETH and SOL addresses, derived from the IC's threshold
 * keys. Endpoints follow CONTRIBUTING.md convention 4: guard (no anonymous callers), then an inner function
 * returning a `Result`, which is the Candid `variant { Ok; Err }` at the boundary.
 * The Candid interface is canisters/wallet/wallet.did.
 */
import { init, msgArgData, msgCaller, postUpgrade, query, update } from 'azle';
import { addressesOf } from './addresses.ts';
import { AddressesResult, WalletConfig } from './candid.ts';
import { initConfig, keepConfigOnUpgrade, loadConfig } from './config.ts';

export default class {
  @init([WalletConfig])
  init(config: WalletConfig): void {
    initConfig(config);
  }

  /** Manual: the argument is optional on upgrade (see `keepConfigOnUpgrade`); the Candid type stays `(WalletConfig)`. */
  @postUpgrade([WalletConfig], { manual: true })
  postUpgrade(): void {
    keepConfigOnUpgrade(msgArgData());
  }

  /** The caller's addresses (an update: it calls the management canister). */
  @update([], AddressesResult)
  async addresses(): Promise<AddressesResult> {
    const caller = msgCaller();
    if (caller.isAnonymous()) return { Err: { AnonymousCaller: null } };
    return await addressesOf({ principal: caller, config: loadConfig() });
  }

  @query([], WalletConfig)
  config(): WalletConfig {
    return loadConfig();
  }
}
