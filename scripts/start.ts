/**
 * `npm start`: checks its environment, builds the canisters, starts the devnet live (the IC with
 * its HTTP interface and gateway, Bitcoin regtest, a Hardhat EVM node and a LiteSVM Solana node),
 * deploys the wallet (and the frontend when its app is built) through an agent, as `wallet deploy`
 * does, records what it deployed in `.devnet/deployment.json`, prints one line per service, and
 * runs until Ctrl-C.
 *
 * Environment: DEVNET_PORT (the PocketIC REST port, default 4943; 0 picks a free one),
 * DEVNET_DIR (where the deployment record and the pid file go, default .devnet),
 * DEVNET_THRESHOLD_SEED (devnet/src/devnet.ts). The controller is the `wallet` CLI's selected
 * identity; a first start creates one named "default".
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Actor, HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { bytesToHex } from '@noble/hashes/utils.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = (line: string) => process.stdout.write(`${line}\n`);
const fail = (line: string, code = 1): never => {
  process.stderr.write(`npm start: ${line}\n`);
  process.exit(code);
};

// 1. The environment, before anything slow.
const portText = process.env.DEVNET_PORT ?? '4943';
if (!/^(0|[1-9][0-9]{0,4})$/.test(portText) || Number(portText) > 65535) {
  fail(`DEVNET_PORT must be a port number from 0 to 65535, got "${portText}"`, 2);
}
const port = Number(portText);
const seedText = process.env.DEVNET_THRESHOLD_SEED;
if (seedText !== undefined && seedText !== '' && !/^[0-9a-fA-F]{64}$/.test(seedText)) {
  fail(`DEVNET_THRESHOLD_SEED must be 64 hex characters, got ${seedText.length} characters`, 2);
}
const stateDir = resolve(ROOT, process.env.DEVNET_DIR || '.devnet');
const pidFile = join(stateDir, 'start.pid');
const deploymentPath = join(stateDir, 'deployment.json');
const frontendDist = join(ROOT, 'canisters', 'frontend', 'dist');

// 2. A previous `npm start` in this project is replaced cleanly: asked to stop, waited for.
async function replacePrevious(): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  let alive: boolean;
  try {
    alive = Number.isInteger(pid) && pid > 0 && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('scripts/start.ts');
  } catch {
    alive = false;
  }
  if (!alive) return;
  out(`npm start: stopping the devnet already running from this project (pid ${pid})`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail(`the previous npm start (pid ${pid}) did not stop within 20 s; stop it and start again`);
}

function portFree(p: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen({ port: p, host: '127.0.0.1', exclusive: true }, () => probe.close(() => done(true)));
  });
}

await replacePrevious();
if (port !== 0 && !(await portFree(port))) {
  fail(`DEVNET_PORT ${port} is in use: stop what listens there, or run with DEVNET_PORT=<free port>`);
}

try {
  await run();
} catch (error) {
  const e = error as Error & { details?: string };
  fail(`${e.message}${e.details ? `\n${e.details}` : ''}`);
}

async function run(): Promise<void> {
  // Loaded here so the environment checks above answer at once.
  const { buildFrontend, buildWallet } = await import('./build.ts');
  const { startDevnet, thresholdSeed } = await import('../devnet/src/devnet.ts');
  const { ThresholdKeys } = await import('../devnet/src/services/threshold/index.ts');
  const { configDir, readSettings, writeSettings } = await import('../cli/config-dir.ts');
  const { createIdentity, listIdentities, loadSignIdentity } = await import('../cli/identity-store.ts');
  const { createWalletCanister, devnetConfig, installModule, installWallet } = await import('../cli/deploy.ts');
  const { writeDeploymentFile } = await import('../cli/deployment-file.ts');
  const { frontendIdlFactory, frontendInitArg, prepareAssets, uploadAssets } = await import('./frontend-assets.ts');
  const { envAsset } = await import('./frontend-env.ts');
  type MasterKeyType = import('../src/lib/deployment.ts').MasterKeyType;

  out('build: wallet canister');
  const wallet = buildWallet();
  out('build: web app (canisters/frontend/dist)');
  const { buildApp } = await import('./build-app.ts');
  buildApp();
  out('build: frontend canister');
  const frontend = buildFrontend();

  const devnet = await startDevnet({ port, withChains: true, live: true, log: () => {} });
  const live = devnet.live!;
  const chains = devnet.chains!;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    out(`npm start: ${signal}, stopping`);
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    await devnet.stop();
    rmSync(pidFile, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // The controller: the CLI's selected identity (created as "default" on a first start).
  const dir = configDir();
  let name = readSettings(dir).identity;
  if (name === undefined) {
    name = listIdentities(dir)[0]?.name;
    if (name === undefined) {
      createIdentity({ configDir: dir, name: 'default', type: 'ed25519' });
      name = 'default';
      out(`identity: created "default" in ${dir} (the wallet's controller)`);
    }
    writeSettings(dir, { ...readSettings(dir), identity: name });
  }
  const identity = loadSignIdentity({ configDir: dir, name });
  const agent = await HttpAgent.create({ host: live.httpInterfaceUrl, identity, rootKey: live.rootKey, shouldFetchRootKey: false });

  const walletId = await createWalletCanister({ agent, network: 'local', controllers: [identity.getPrincipal()] });
  await installWallet({
    agent,
    canisterId: walletId,
    wasm: wallet.wasm,
    config: devnetConfig({ evmUrl: chains.evm.url, solanaUrl: chains.solana.url }),
  });

  const frontendId = await createWalletCanister({ agent, network: 'local', controllers: [identity.getPrincipal()] });
  await installModule({
    agent,
    canisterId: frontendId,
    wasm: frontend.wasm,
    arg: frontendInitArg(IDL, { connect_src: [live.httpInterfaceUrl] }),
    mode: 'install',
  });
  const actor = Actor.createActor(frontendIdlFactory, { agent, canisterId: frontendId });
  // The app's /env.json tells it where the wallet is and which root key the devnet signs with.
  const env = {
    network: 'local' as const,
    host: live.httpInterfaceUrl,
    walletCanisterId: walletId.toText(),
    rootKey: bytesToHex(live.rootKey),
  };
  const report = await uploadAssets({ actor: actor as never, assets: [...prepareAssets(frontendDist), envAsset(env)] });
  out(`frontend: uploaded ${report.uploaded.length} assets from canisters/frontend/dist`);

  const keys = new ThresholdKeys({ seed: thresholdSeed() });
  const masterKeys = (['ecdsa_secp256k1', 'schnorr_bip340secp256k1', 'schnorr_ed25519'] as MasterKeyType[]).map((keyType) => {
    const { publicKey, chainCode } = keys.masterPublicKey({ keyType, keyName: 'dfx_test_key' });
    return { keyType, keyName: 'dfx_test_key', publicKeyHex: bytesToHex(publicKey), chainCodeHex: bytesToHex(chainCode) };
  });
  mkdirSync(stateDir, { recursive: true });
  writeDeploymentFile(
    {
      network: 'local',
      host: live.httpInterfaceUrl,
      rootKeyHex: bytesToHex(live.rootKey),
      canisters: { wallet: walletId.toText(), frontend: frontendId.toText() },
      masterKeys,
    },
    deploymentPath,
  );
  writeFileSync(pidFile, `${process.pid}\n`);

  const bitcoinAdmin = `${devnet.url}/instances/${live.instanceId}/devnet/bitcoin`;
  out(`frontend: ${live.gatewayUrl(frontendId.toText())}`);
  out(`wallet: ${walletId.toText()} at ${live.httpInterfaceUrl} (npx wallet --help; controller: identity "${name}")`);
  out(`IC HTTP interface: ${live.httpInterfaceUrl}`);
  out(`EVM: ${chains.evm.url} (chain id ${chains.evm.chainId})`);
  out(`Solana: ${chains.solana.url}`);
  out(`bitcoin admin: ${bitcoinAdmin}/ (POST fund, mine; README "Funding and mining")`);
  out(`PocketIC REST: ${devnet.url} (instance ${live.instanceId})`);
  out(`deployment: ${deploymentPath}`);
  out('ready: Ctrl-C stops everything');
}
