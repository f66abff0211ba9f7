/**
 * `wallet verify-addresses <principal>`: re-derive the principal's addresses offline from the
 * master public keys and compare them with the wallet canister's answer.
 *
 * The canister's answer comes from --answer <file> (a JSON object with the address fields, as the
 * canister's `addresses` response or `wallet addresses --json` gives them), or, when <principal>
 * is the identity's own, from calling the canister's `addresses` (the wallet tells each caller only
 * its own addresses). --offline only derives.
 */
import { readFileSync } from 'node:fs';
import type { BitcoinNetwork } from '../../src/chains/btc/index.ts';
import { BITCOIN_NETWORKS } from '../../src/chains/btc/index.ts';
import {
  type CommandResult,
  type Context,
  host,
  identityName,
  localDeployment,
  parsePrincipal,
  rootKey,
  stringOption,
  walletCanisterId,
} from '../context.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { loadSignIdentity } from '../identity-store.ts';
import {
  ADDRESS_FIELDS,
  compareAddresses,
  deriveAddresses,
  mainnetMasterKeys,
  masterKeysFromRecords,
  type KeyNames,
  type MasterKeys,
} from '../offline-addresses.ts';
import { parseMasterKeyRecords } from '../../src/lib/deployment.ts';
import type { WalletConfig } from '../../src/lib/wallet-candid.ts';
import { connectWallet, okOrThrow } from '../wallet-canister.ts';

/** What `npm start` configures the devnet wallet with (scripts/start.ts), and mainnet's production keys. */
const DEFAULTS = {
  local: { ecdsaKeyName: 'dfx_test_key', schnorrKeyName: 'dfx_test_key', bitcoinNetwork: 'regtest' },
  ic: { ecdsaKeyName: 'key_1', schnorrKeyName: 'key_1', bitcoinNetwork: 'mainnet' },
} as const;

function readJsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError('config', `cannot read ${what} ${path} (${(error as Error).message})`, { cause: error });
  }
}

function masterKeysFor(ctx: Context, keyNames: KeyNames): MasterKeys {
  const file = stringOption(ctx, 'master-keys');
  if (file !== undefined) {
    const json = readJsonFile(file, 'the master keys file');
    // The deployment file's "masterKeys" records, alone or inside a deployment record.
    const records = Array.isArray(json) ? json : (json as { masterKeys?: unknown })?.masterKeys;
    let parsed;
    try {
      parsed = parseMasterKeyRecords(records);
    } catch (error) {
      throw new CliError('config', `${file}: ${(error as Error).message}`, { cause: error });
    }
    return masterKeysFromRecords({ records: parsed, keyNames, source: file });
  }
  if (ctx.network === 'ic') return mainnetMasterKeys(keyNames);
  const deployment = localDeployment(ctx);
  if (!deployment)
    throw new CliError('config', `no devnet master keys: pass --master-keys <file>, or run npm start (it writes ${ctx.deploymentPath})`);
  return masterKeysFromRecords({ records: deployment.masterKeys, keyNames, source: ctx.deploymentPath });
}

function bitcoinNetworkName(variant: WalletConfig['bitcoin_network']): BitcoinNetwork {
  if ('mainnet' in variant) return 'mainnet';
  if ('testnet' in variant) return 'testnet';
  return 'regtest';
}

export async function verifyAddresses(ctx: Context): Promise<CommandResult> {
  const principal = parsePrincipal(ctx.args[0], '<principal>');
  const canisterId = walletCanisterId(ctx);
  const answerFile = stringOption(ctx, 'answer');
  const offline = ctx.options.offline === true;
  if (offline && answerFile !== undefined) throw new CliError('usage', '--offline and --answer exclude each other');

  let answered: Partial<Record<string, unknown>> | undefined;
  let config: WalletConfig | undefined;
  let answerSource = 'none';
  if (answerFile !== undefined) {
    const json = readJsonFile(answerFile, 'the answer file');
    const ok = (json as { Ok?: unknown })?.Ok ?? json;
    if (typeof ok !== 'object' || ok === null || Array.isArray(ok))
      throw new CliError('config', `${answerFile} must hold a JSON object of addresses`);
    answered = ok as Record<string, unknown>;
    answerSource = answerFile;
  } else if (!offline) {
    const name = identityName(ctx);
    const identity = loadSignIdentity({ configDir: ctx.configDir, name });
    if (identity.getPrincipal().toText() !== principal.toText()) {
      throw new CliError(
        'usage',
        `the wallet tells each caller only its own addresses, and identity ${name} is ${identity.getPrincipal().toText()}: pass --answer <file> with the addresses to check, use that principal's identity, or --offline`,
      );
    }
    const wallet = await connectWallet({ host: host(ctx), rootKey: rootKey(ctx), identity, canisterId });
    config = await wallet.config();
    answered = okOrThrow(await wallet.addresses());
    answerSource = `canister ${canisterId.toText()}`;
  }

  const defaults = DEFAULTS[ctx.network];
  const keyNames: KeyNames = {
    ecdsaKeyName: stringOption(ctx, 'ecdsa-key-name') ?? config?.ecdsa_key_name ?? defaults.ecdsaKeyName,
    schnorrKeyName: stringOption(ctx, 'schnorr-key-name') ?? config?.schnorr_key_name ?? defaults.schnorrKeyName,
  };
  const bitcoinNetwork =
    stringOption(ctx, 'bitcoin-network') ?? (config ? bitcoinNetworkName(config.bitcoin_network) : defaults.bitcoinNetwork);
  if (!(BITCOIN_NETWORKS as readonly string[]).includes(bitcoinNetwork)) {
    throw new CliError('usage', `--bitcoin-network must be one of ${BITCOIN_NETWORKS.join(', ')}, got "${bitcoinNetwork}"`);
  }
  const derived = deriveAddresses({
    masterKeys: masterKeysFor(ctx, keyNames),
    canisterId,
    principal,
    bitcoinNetwork: bitcoinNetwork as BitcoinNetwork,
  });

  const base = {
    principal: principal.toText(),
    canister: canisterId.toText(),
    network: ctx.network,
    keyNames: { ecdsa: keyNames.ecdsaKeyName, schnorr: keyNames.schnorrKeyName },
    bitcoinNetwork,
    derived,
  };
  const lines = [`Addresses of ${principal.toText()} in wallet ${canisterId.toText()}, re-derived from the ${ctx.network} master keys:`];
  if (answered === undefined) {
    for (const field of ADDRESS_FIELDS) lines.push(`  ${field.padEnd(10)} ${derived[field]}`);
    return { json: { ...base, answerSource, verified: null }, text: lines.join('\n') };
  }
  const { mismatches, unanswered } = compareAddresses({ derived, answered });
  for (const field of ADDRESS_FIELDS) {
    const mismatch = mismatches.find((m) => m.field === field);
    if (mismatch) lines.push(`  ✗ ${field.padEnd(10)} derived ${mismatch.derived}, but ${answerSource} answered ${mismatch.answered}`);
    else if (unanswered.includes(field)) lines.push(`  - ${field.padEnd(10)} ${derived[field]} (not in the answer)`);
    else lines.push(`  ✓ ${field.padEnd(10)} ${derived[field]}`);
  }
  const verified = mismatches.length === 0 && unanswered.length < ADDRESS_FIELDS.length;
  lines.push(
    verified
      ? `Every answered address matches (${answerSource}).`
      : mismatches.length > 0
        ? `${mismatches.length} address(es) differ from the re-derivation: do not use them.`
        : `The answer holds none of the addresses (${ADDRESS_FIELDS.join(', ')}).`,
  );
  return {
    json: { ...base, answerSource, answered, verified, mismatches, unanswered },
    text: lines.join('\n'),
    exitCode: verified ? EXIT.ok : EXIT.verificationFailed,
  };
}
