/**
 * The `addresses` endpoint's inner function: a principal's BTC (P2WPKH), ETH and SOL addresses,
 * from its keys at the paths of src/lib/derivation.ts, under the configured key names.
 */
import * as btc from '../../../src/chains/btc/index.ts';
import * as eth from '../../../src/chains/eth/index.ts';
import * as sol from '../../../src/chains/sol/index.ts';
import { btcDerivationPath, ethDerivationPath, solDerivationPath, type PrincipalLike } from '../../../src/lib/derivation.ts';
import type { AddressesResult, BitcoinNetwork, WalletConfig } from './candid.ts';
import { ecdsaPublicKey, schnorrPublicKey } from './management.ts';

/**
 * The caller must not be anonymous (the endpoint's guard refuses it first; the derivation
 * functions throw for it). The three public-key calls run concurrently. A rejected call is
 * returned as its `Err`; a key the chain code refuses would be a broken IC invariant and traps.
 */
export async function addressesOf({ principal, config }: { principal: PrincipalLike; config: WalletConfig }): Promise<AddressesResult> {
  const [btcKey, ethKey, solKey] = await Promise.all([
    ecdsaPublicKey({ keyName: config.ecdsa_key_name, derivationPath: btcDerivationPath({ principal }) }),
    ecdsaPublicKey({ keyName: config.ecdsa_key_name, derivationPath: ethDerivationPath({ principal }) }),
    schnorrPublicKey({ keyName: config.schnorr_key_name, algorithm: 'ed25519', derivationPath: solDerivationPath({ principal }) }),
  ]);
  if ('Err' in btcKey) return btcKey;
  if ('Err' in ethKey) return ethKey;
  if ('Err' in solKey) return solKey;
  return {
    Ok: {
      btc_p2wpkh: btc.p2wpkhAddress({ publicKey: btcKey.Ok, network: bitcoinNetworkName(config.bitcoin_network) }),
      eth: eth.publicKeyToAddress(ethKey.Ok),
      sol: sol.publicKeyToAddress(solKey.Ok),
    },
  };
}

function bitcoinNetworkName(network: BitcoinNetwork): btc.BitcoinNetwork {
  if ('mainnet' in network) return 'mainnet';
  if ('testnet' in network) return 'testnet';
  return 'regtest';
}
