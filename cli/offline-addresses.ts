/**
 * A user's wallet addresses re-derived with no canister at all, the way an auditor checks them:
 * master public key → @dfinity/ic-pub-key derivation over [wallet canister id, ...path of
 * src/lib/derivation.ts] (the IC prefixes the calling canister's id) → src/chains address.
 *
 * Master keys: mainnet's are published (ic-pub-key's `forMainnetKey`); the devnet's are its own,
 * recorded by `npm start` in the deployment file (or passed with --master-keys).
 */
import { secp256k1 as icSecp256k1 } from '@dfinity/ic-pub-key/ecdsa';
import { bip340secp256k1 as icBip340, ed25519 as icEd25519 } from '@dfinity/ic-pub-key/schnorr';
import type { Principal } from '@icp-sdk/core/principal';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import * as btc from '../src/chains/btc/index.ts';
import * as eth from '../src/chains/eth/index.ts';
import * as sol from '../src/chains/sol/index.ts';
import type { MasterKeyRecord, MasterKeyType } from '../src/lib/deployment.ts';
import { btcDerivationPath, btcTaprootDerivationPath, ethDerivationPath, solDerivationPath } from '../src/lib/derivation.ts';
import { CliError } from './exit-codes.ts';

export type MasterKey = { keyName: string; publicKey: Uint8Array; chainCode: Uint8Array };
/** The three master keys a wallet's addresses come from. */
export type MasterKeys = Record<MasterKeyType, MasterKey>;

/** Every address the wallet gives a principal, named as the canister's `addresses` response names them. */
export type WalletAddresses = { btc_p2wpkh: string; btc_p2tr: string; eth: string; sol: string };
export const ADDRESS_FIELDS: readonly (keyof WalletAddresses)[] = ['btc_p2wpkh', 'btc_p2tr', 'eth', 'sol'];

/** The key names the wallet is configured with (its init `WalletConfig`). */
export type KeyNames = { ecdsaKeyName: string; schnorrKeyName: string };

/**
 * Mainnet's published master keys (`key_1`, `test_key_1`).
 * @throws {CliError} 'usage' for a key name mainnet does not have.
 */
export function mainnetMasterKeys({ ecdsaKeyName, schnorrKeyName }: KeyNames): MasterKeys {
  const known = (fn: () => { public_key: unknown; chain_code: { bytes: Uint8Array } }, keyName: string) => {
    try {
      return fn();
    } catch (error) {
      throw new CliError('usage', `mainnet has no published master key named "${keyName}" (it has key_1 and test_key_1)`, { cause: error });
    }
  };
  const ecdsa = known(
    () => icSecp256k1.PublicKeyWithChainCode.forMainnetKey(ecdsaKeyName),
    ecdsaKeyName,
  ) as icSecp256k1.PublicKeyWithChainCode;
  const bip340 = known(
    () => icBip340.PublicKeyWithChainCode.forMainnetKey(schnorrKeyName),
    schnorrKeyName,
  ) as icBip340.PublicKeyWithChainCode;
  const ed25519 = known(
    () => icEd25519.PublicKeyWithChainCode.forMainnetKey(schnorrKeyName),
    schnorrKeyName,
  ) as icEd25519.PublicKeyWithChainCode;
  return {
    ecdsa_secp256k1: { keyName: ecdsaKeyName, publicKey: ecdsa.public_key.bytes, chainCode: ecdsa.chain_code.bytes },
    schnorr_bip340secp256k1: { keyName: schnorrKeyName, publicKey: bip340.public_key.bytes, chainCode: bip340.chain_code.bytes },
    schnorr_ed25519: { keyName: schnorrKeyName, publicKey: hexToBytes(ed25519.public_key.toHex()), chainCode: ed25519.chain_code.bytes },
  };
}

/**
 * The master keys named `keyNames` among recorded ones (the deployment file's `masterKeys`).
 * @throws {CliError} 'config' when one is missing.
 */
export function masterKeysFromRecords({
  records,
  keyNames,
  source,
}: {
  records: readonly MasterKeyRecord[];
  keyNames: KeyNames;
  source: string;
}): MasterKeys {
  const find = (keyType: MasterKeyType, keyName: string): MasterKey => {
    const record = records.find((r) => r.keyType === keyType && r.keyName === keyName);
    if (!record) throw new CliError('config', `${source} has no ${keyType} master key named "${keyName}"`);
    return { keyName, publicKey: hexToBytes(record.publicKeyHex), chainCode: hexToBytes(record.chainCodeHex) };
  };
  return {
    ecdsa_secp256k1: find('ecdsa_secp256k1', keyNames.ecdsaKeyName),
    schnorr_bip340secp256k1: find('schnorr_bip340secp256k1', keyNames.schnorrKeyName),
    schnorr_ed25519: find('schnorr_ed25519', keyNames.schnorrKeyName),
  };
}

/** The addresses of `principal` in the wallet `canisterId`, from the master keys alone. */
export function deriveAddresses({
  masterKeys,
  canisterId,
  principal,
  bitcoinNetwork,
}: {
  masterKeys: MasterKeys;
  canisterId: Principal;
  principal: Principal;
  bitcoinNetwork: btc.BitcoinNetwork;
}): WalletAddresses {
  const canister = canisterId.toUint8Array();
  const secp256k1Key = (master: MasterKey, path: Uint8Array[]) =>
    icSecp256k1.PublicKeyWithChainCode.fromHex({
      public_key: bytesToHex(master.publicKey),
      chain_code: bytesToHex(master.chainCode),
    }).deriveSubkeyWithChainCode(new icSecp256k1.DerivationPath([canister, ...path])).public_key.bytes;
  const bip340Key = (master: MasterKey, path: Uint8Array[]) =>
    icBip340.PublicKeyWithChainCode.fromHex({
      public_key: bytesToHex(master.publicKey),
      chain_code: bytesToHex(master.chainCode),
    }).deriveSubkeyWithChainCode(new icBip340.DerivationPath([canister, ...path])).public_key.bytes;
  const ed25519Key = (master: MasterKey, path: Uint8Array[]) =>
    hexToBytes(
      icEd25519.PublicKeyWithChainCode.fromHex(bytesToHex(master.publicKey), bytesToHex(master.chainCode))
        .deriveSubkeyWithChainCode(new icEd25519.DerivationPath([canister, ...path]))
        .public_key.toHex(),
    );
  return {
    btc_p2wpkh: btc.p2wpkhAddress({
      publicKey: secp256k1Key(masterKeys.ecdsa_secp256k1, btcDerivationPath({ principal })),
      network: bitcoinNetwork,
    }),
    btc_p2tr: btc.p2trAddress({
      publicKey: bip340Key(masterKeys.schnorr_bip340secp256k1, btcTaprootDerivationPath({ principal })),
      network: bitcoinNetwork,
    }),
    eth: eth.publicKeyToAddress(secp256k1Key(masterKeys.ecdsa_secp256k1, ethDerivationPath({ principal }))),
    sol: sol.publicKeyToAddress(ed25519Key(masterKeys.schnorr_ed25519, solDerivationPath({ principal }))),
  };
}

/** One address that differs between the re-derivation and the canister's answer. */
export type AddressMismatch = { field: keyof WalletAddresses; derived: string; answered: string };

/**
 * Compares the canister's answer with the re-derivation, field by field. Fields the canister did
 * not answer are listed as `unanswered` (an older wallet has no `btc_p2tr` yet), not as mismatches.
 */
export function compareAddresses({ derived, answered }: { derived: WalletAddresses; answered: Partial<Record<string, unknown>> }): {
  mismatches: AddressMismatch[];
  unanswered: (keyof WalletAddresses)[];
} {
  const mismatches: AddressMismatch[] = [];
  const unanswered: (keyof WalletAddresses)[] = [];
  for (const field of ADDRESS_FIELDS) {
    const value = answered[field];
    if (value === undefined) unanswered.push(field);
    else if (value !== derived[field]) mismatches.push({ field, derived: derived[field], answered: String(value) });
  }
  return { mismatches, unanswered };
}
