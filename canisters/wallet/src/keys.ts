/**
 * Each principal's public keys and addresses, derived on the first call and then kept in stable
 * memory: later calls (and the `cached_addresses` query) answer without the management canister.
 * A key never changes for a given canister, key name and path, so the cache is never stale.
 */
import { canisterSelf, IDL, StableBTreeMap, type Principal } from 'azle';
import * as btc from '../../../src/chains/btc/index.ts';
import * as eth from '../../../src/chains/eth/index.ts';
import * as sol from '../../../src/chains/sol/index.ts';
import { Addresses, CachedAddressesResult, type KeyError, type PublicKeys, type Result } from './candid.ts';
import { bitcoinNetworkName, loadConfig } from './config.ts';
import { ecdsaPublicKey, schnorrPublicKey } from './management.ts';
import { MEMORY } from './memory.ts';
import { candidValue, rawBytes, textKey } from './stable.ts';
import { derivationPathOf } from './signing.ts';

export type UserKeys = {
  btc_ecdsa: Uint8Array;
  btc_bip340: Uint8Array;
  eth_ecdsa: Uint8Array;
  sol_ed25519: Uint8Array;
  addresses: Addresses;
};

const Blob = IDL.Vec(IDL.Nat8);
const StoredKeys = IDL.Record({ btc_ecdsa: Blob, btc_bip340: Blob, eth_ecdsa: Blob, sol_ed25519: Blob, addresses: Addresses });
const store = new StableBTreeMap<string, UserKeys>(MEMORY.keys, textKey, candidValue<UserKeys>(StoredKeys));
/**
 * `cached_addresses` replies, encoded when the keys are derived: the query then copies bytes out
 * of stable memory instead of decoding the keys and encoding the addresses again (22 M
 * instructions in QuickJS down to a few M).
 */
const replies = new StableBTreeMap<string, Uint8Array>(MEMORY.addressReplies, textKey, rawBytes);

/** The Candid-encoded `cached_addresses` reply of `principal`, or undefined before its first `addresses`. */
export function cachedAddressesReply(principal: Principal): Uint8Array | undefined {
  return replies.get(principal.toText());
}

/** The cached keys of `principal`, if it called `addresses` (or any signing endpoint) before. */
function cachedKeys(principal: Principal): UserKeys | undefined {
  return store.get(principal.toText());
}

/**
 * The keys and addresses of `principal`: from the cache, or derived with four public-key calls
 * (run concurrently) and cached. A rejected call is returned as its `Err`; a key the chain code
 * refuses would be a broken IC invariant and traps.
 */
export async function keysOf(principal: Principal): Promise<Result<UserKeys, KeyError>> {
  const cached = cachedKeys(principal);
  if (cached !== undefined) return { Ok: cached };
  const config = loadConfig();
  const [btcKey, taprootKey, ethKey, solKey] = await Promise.all([
    ecdsaPublicKey({ keyName: config.ecdsa_key_name, derivationPath: derivationPathOf({ caller: principal, key: 'btc_ecdsa' }) }),
    schnorrPublicKey({
      keyName: config.schnorr_key_name,
      algorithm: 'bip340secp256k1',
      derivationPath: derivationPathOf({ caller: principal, key: 'btc_bip340' }),
    }),
    ecdsaPublicKey({ keyName: config.ecdsa_key_name, derivationPath: derivationPathOf({ caller: principal, key: 'eth_ecdsa' }) }),
    schnorrPublicKey({
      keyName: config.schnorr_key_name,
      algorithm: 'ed25519',
      derivationPath: derivationPathOf({ caller: principal, key: 'sol_ed25519' }),
    }),
  ]);
  if ('Err' in btcKey) return btcKey;
  if ('Err' in taprootKey) return taprootKey;
  if ('Err' in ethKey) return ethKey;
  if ('Err' in solKey) return solKey;
  // Another call for the same principal may have finished first; both derived the same keys.
  const raced = cachedKeys(principal);
  if (raced !== undefined) return { Ok: raced };
  const network = bitcoinNetworkName();
  const keys: UserKeys = {
    btc_ecdsa: btcKey.Ok,
    btc_bip340: taprootKey.Ok,
    eth_ecdsa: ethKey.Ok,
    sol_ed25519: solKey.Ok,
    addresses: {
      btc_p2wpkh: btc.p2wpkhAddress({ publicKey: btcKey.Ok, network }),
      btc_p2tr: btc.p2trAddress({ publicKey: taprootKey.Ok, network }),
      eth: eth.publicKeyToAddress(ethKey.Ok),
      sol: sol.publicKeyToAddress(solKey.Ok),
    },
  };
  store.insert(principal.toText(), keys);
  replies.insert(principal.toText(), new Uint8Array(IDL.encode([CachedAddressesResult], [{ Ok: keys.addresses }])));
  return { Ok: keys };
}

/** The `public_keys` answer: every key with the derivation path it was derived at. */
export function publicKeysOf({ principal, keys }: { principal: Principal; keys: UserKeys }): PublicKeys {
  const config = loadConfig();
  const at = (key: 'btc_ecdsa' | 'btc_bip340' | 'eth_ecdsa' | 'sol_ed25519') => ({
    public_key: keys[key],
    derivation_path: derivationPathOf({ caller: principal, key }),
  });
  return {
    canister_id: canisterSelf(),
    ecdsa_key_name: config.ecdsa_key_name,
    schnorr_key_name: config.schnorr_key_name,
    btc_ecdsa: at('btc_ecdsa'),
    btc_bip340: at('btc_bip340'),
    eth_ecdsa: at('eth_ecdsa'),
    sol_ed25519: at('sol_ed25519'),
  };
}
