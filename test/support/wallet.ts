/**
 * The wallet canister under test: its build (once per test process), an install on a PocketIC
 * instance with a devnet configuration, the callers the tests use, and what an auditor derives
 * offline from the master public keys (@dfinity/ic-pub-key, then src/chains).
 */
import { type Actor, type PocketIc } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import type { Principal } from '@icp-sdk/core/principal';
import { secp256k1 as icSecp256k1 } from '@dfinity/ic-pub-key/ecdsa';
import { ed25519 as icEd25519 } from '@dfinity/ic-pub-key/schnorr';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { buildWallet, type WalletBuild } from '../../scripts/build.ts';
import { DEFAULT_THRESHOLD_SEED } from '../../devnet/src/devnet.ts';
import { ThresholdKeys } from '../../devnet/src/services/threshold/index.ts';
import { btcDerivationPath, btcTaprootDerivationPath, ethDerivationPath, solDerivationPath } from '../../src/lib/derivation.ts';
import { walletIdlFactory, walletInit, type Addresses, type WalletConfig, type WalletService } from '../../src/lib/wallet-candid.ts';
import * as btc from '../../src/chains/btc/index.ts';
import * as eth from '../../src/chains/eth/index.ts';
import * as sol from '../../src/chains/sol/index.ts';

export type WalletActor = Actor<WalletService>;

/** The devnet's local keys, Bitcoin on regtest, no EVM or Solana providers. */
export const DEVNET_CONFIG: WalletConfig = {
  ecdsa_key_name: 'dfx_test_key',
  schnorr_key_name: 'dfx_test_key',
  bitcoin_network: { regtest: null },
  evm_chains: [{ chain_id: 31337n, name: 'Devnet EVM', rpc_urls: [] }],
  solana: { cluster: { localnet: null }, rpc_urls: [] },
};

export const configArg = (config: WalletConfig): Uint8Array => new Uint8Array(IDL.encode(walletInit({ IDL }), [config]));

/** Fixed callers, so addresses are reproducible. */
export const identity = (n: number) => Ed25519KeyIdentity.generate(new Uint8Array(32).fill(n));
export const ALICE = identity(1);
export const BOB = identity(2);
/** The controller of every wallet these tests install. */
export const OPERATOR = identity(200);

let build: WalletBuild | undefined;
export function walletBuild(): WalletBuild {
  build ??= buildWallet();
  return build;
}

/**
 * A fresh wallet on `pic`, controlled by OPERATOR, with enough cycles for many signatures (each
 * `dfx_test_key` signature costs 10B cycles; the default cycles floor is 1T).
 */
export async function installWallet({
  pic,
  config = DEVNET_CONFIG,
  cycles = 100_000_000_000_000n,
}: {
  pic: PocketIc;
  config?: WalletConfig;
  cycles?: bigint;
}): Promise<{ actor: WalletActor; canisterId: Principal }> {
  // Build before the first request: a build takes seconds, and an idle keep-alive connection to
  // the server may be closed meanwhile.
  const { wasm } = walletBuild();
  const canisterId = await pic.createCanister({ cycles, controllers: [OPERATOR.getPrincipal()] });
  await pic.installCode({ canisterId, wasm, arg: configArg(config), sender: OPERATOR.getPrincipal() });
  const actor = pic.createActor<WalletService>(walletIdlFactory, canisterId);
  return { actor, canisterId };
}

const keys = new ThresholdKeys({ seed: DEFAULT_THRESHOLD_SEED });

/** A principal's secp256k1 key at `path` under the devnet's master key `keyType`, derived offline. */
export function offlineSecp256k1Key({
  keyType,
  canisterId,
  path,
}: {
  keyType: 'ecdsa_secp256k1' | 'schnorr_bip340secp256k1';
  canisterId: Principal;
  path: Uint8Array[];
}): Uint8Array {
  const master = keys.masterPublicKey({ keyType, keyName: DEVNET_CONFIG.ecdsa_key_name });
  return hexToBytes(
    icSecp256k1.PublicKeyWithChainCode.fromHex({ public_key: bytesToHex(master.publicKey), chain_code: bytesToHex(master.chainCode) })
      .deriveSubkeyWithChainCode(new icSecp256k1.DerivationPath([canisterId.toUint8Array(), ...path]))
      .toHex().public_key,
  );
}

export function offlineEd25519Key({ canisterId, path }: { canisterId: Principal; path: Uint8Array[] }): Uint8Array {
  const master = keys.masterPublicKey({ keyType: 'schnorr_ed25519', keyName: DEVNET_CONFIG.schnorr_key_name });
  return hexToBytes(
    icEd25519.PublicKeyWithChainCode.fromHex(bytesToHex(master.publicKey), bytesToHex(master.chainCode))
      .deriveSubkeyWithChainCode(new icEd25519.DerivationPath([canisterId.toUint8Array(), ...path]))
      .public_key.toHex(),
  );
}

/** What an auditor computes with no canister at all: master key → ic-pub-key derivation → address. */
export function offlineAddresses({ canisterId, principal }: { canisterId: Principal; principal: Principal }): Addresses {
  return {
    btc_p2wpkh: btc.p2wpkhAddress({
      publicKey: offlineSecp256k1Key({ keyType: 'ecdsa_secp256k1', canisterId, path: btcDerivationPath({ principal }) }),
      network: 'regtest',
    }),
    btc_p2tr: btc.p2trAddress({
      publicKey: offlineSecp256k1Key({ keyType: 'schnorr_bip340secp256k1', canisterId, path: btcTaprootDerivationPath({ principal }) }),
      network: 'regtest',
    }),
    eth: eth.publicKeyToAddress(offlineSecp256k1Key({ keyType: 'ecdsa_secp256k1', canisterId, path: ethDerivationPath({ principal }) })),
    sol: sol.publicKeyToAddress(offlineEd25519Key({ canisterId, path: solDerivationPath({ principal }) })),
  };
}

/** Unwraps `{ Ok }`, failing the test with the whole `Err` otherwise. */
export function ok<T>(result: { Ok: T } | { Err: unknown }): T {
  if ('Err' in result) throw new Error(`expected Ok, got ${JSON.stringify(result, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`);
  return result.Ok;
}
