/**
 * `wallet deploy --network local|ic`: creates the wallet canister (provisionally on the devnet,
 * through the cycles ledger on mainnet), then installs or upgrades it in chunks (cli/deploy.ts).
 * An upgrade keeps the installed EVM and Solana providers unless --evm-rpc / --solana-rpc name
 * others, and is refused if the key configuration would change.
 */
import { readFileSync } from 'node:fs';
import { HttpAgent } from '@icp-sdk/core/agent';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { WalletConfig } from '../../src/lib/wallet-candid.ts';
import {
  type CommandResult,
  type Context,
  identityName,
  localDeployment,
  parsePrincipal,
  rootKey,
  stringOption,
  host,
} from '../context.ts';
import {
  createWalletCanister,
  cyclesLedgerCreateCall,
  devnetConfig,
  installCalls,
  installedConfig,
  installWallet,
  MAINNET_CONFIG,
  walletArg,
} from '../deploy.ts';
import { writeDeploymentFile } from '../deployment-file.ts';
import { CliError } from '../exit-codes.ts';
import { loadSignIdentity } from '../identity-store.ts';

function wasmOf(ctx: Context): Promise<Uint8Array> | Uint8Array {
  const file = stringOption(ctx, 'wasm');
  if (file !== undefined) {
    try {
      return new Uint8Array(readFileSync(file));
    } catch (error) {
      throw new CliError('config', `cannot read the Wasm module ${file} (${(error as Error).message})`, { cause: error });
    }
  }
  return import('../../scripts/build.ts').then((m) => m.buildWallet().wasm);
}

function urls(ctx: Context, name: string): string[] | undefined {
  const text = stringOption(ctx, name);
  if (text === undefined) return undefined;
  const list = text.split(',').filter((u) => u !== '');
  for (const u of list) if (!/^https?:\/\/\S+$/.test(u)) throw new CliError('usage', `--${name}: "${u}" is not an http(s) URL`);
  return list;
}

export async function deploy(ctx: Context): Promise<CommandResult> {
  const target = stringOption(ctx, 'host') ?? host(ctx);
  const identity = loadSignIdentity({ configDir: ctx.configDir, name: identityName(ctx) });
  const canisterText = stringOption(ctx, 'canister');
  const dryRun = ctx.options['dry-run'] === true;
  const wasm = await wasmOf(ctx);

  const evm = urls(ctx, 'evm-rpc');
  const solana = urls(ctx, 'solana-rpc');
  let config: WalletConfig =
    ctx.network === 'ic' ? structuredClone(MAINNET_CONFIG) : devnetConfig({ evmUrl: evm?.[0] ?? '', solanaUrl: solana?.[0] ?? '' });
  if (ctx.network === 'local') {
    config.evm_chains[0].rpc_urls = evm ?? [];
    config.solana.rpc_urls = solana ?? [];
  } else {
    if (evm) config.evm_chains[0].rpc_urls = evm;
    if (solana) config.solana.rpc_urls = solana;
  }

  if (dryRun) {
    // What would be sent, without sending: the exact arguments, for review before a mainnet deploy.
    const canisterId = canisterText === undefined ? undefined : parsePrincipal(canisterText, '--canister');
    const create =
      canisterId === undefined
        ? cyclesLedgerCreateCall({ controllers: [identity.getPrincipal()], createdAtTimeNs: BigInt(Date.now()) * 1_000_000n })
        : null;
    const plan = canisterId ? installCalls({ canisterId, wasm, arg: walletArg(config), mode: 'install' }) : null;
    const show = (c: { canister: string; method: string; arg: Uint8Array }) => ({
      canister: c.canister,
      method: c.method,
      argHex: bytesToHex(c.arg),
    });
    const calls = [...(create ? [show(create)] : []), ...(plan ? [...plan.chunks, plan.install, plan.clear].map(show) : [])];
    return {
      json: { network: ctx.network, host: target, dryRun: true, initArgHex: bytesToHex(walletArg(config)), calls },
      text: [
        `Would send to ${target} as ${identity.getPrincipal().toText()}:`,
        ...calls.map((c) => `  ${c.canister} ${c.method} (${c.argHex.length / 2} bytes)`),
        ...(canisterId ? [] : ['  then upload_chunk …, install_chunked_code, clear_chunk_store on the new canister']),
      ].join('\n'),
    };
  }

  // The devnet's root key is fetched (local only); mainnet's is built in.
  const agent = await HttpAgent.create({
    host: target,
    identity,
    ...(ctx.network === 'ic' || stringOption(ctx, 'root-key') !== undefined || localDeployment(ctx)
      ? { rootKey: rootKey(ctx), shouldFetchRootKey: false }
      : { shouldFetchRootKey: true }),
  });
  const canisterId =
    canisterText !== undefined
      ? parsePrincipal(canisterText, '--canister')
      : await createWalletCanister({ agent, network: ctx.network, controllers: [identity.getPrincipal()] });
  const installed = await installedConfig(agent, canisterId);
  if (installed) {
    // Providers not named on the command line stay as they are.
    if (!evm) config = { ...config, evm_chains: installed.evm_chains };
    if (!solana) config = { ...config, solana: installed.solana };
  }
  const progress = (line: string) => {
    if (!ctx.json) process.stderr.write(`${line}\n`);
  };
  const report = await installWallet({ agent, canisterId, wasm, config, onProgress: progress });

  const deployment = localDeployment(ctx);
  if (ctx.network === 'local' && deployment && stringOption(ctx, 'host') === undefined) {
    writeDeploymentFile({ ...deployment, canisters: { ...deployment.canisters, wallet: canisterId.toText() } }, ctx.deploymentPath);
  }
  return {
    json: {
      network: ctx.network,
      host: target,
      ...report,
      ecdsaKeyName: config.ecdsa_key_name,
      bitcoinNetwork: Object.keys(config.bitcoin_network)[0],
    },
    text: `${report.mode === 'install' ? 'Installed' : 'Upgraded'} the wallet on ${canisterId.toText()} (${ctx.network}, ${report.chunks} chunk(s), module sha256 ${report.wasmSha256}).`,
  };
}
