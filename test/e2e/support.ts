/**
 * The end-to-end setting: a devnet with its local chains, one instance live, the wallet and the
 * frontend canister installed on it, the built app uploaded with its /env.json, and Debian's
 * Chromium driven by playwright-core. Helpers fund the wallet's addresses on each chain.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { PocketIc, SubnetStateType } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import type { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import { chromium, type Browser } from 'playwright-core';
import { startDevnet, type Devnet } from '../../devnet/src/devnet.ts';
import { createBitcoinAdminClient, type BitcoinAdminClient } from '../../devnet/src/services/bitcoin/index.ts';
import { buildFrontend } from '../../scripts/build.ts';
import { buildApp, APP_DIST } from '../../scripts/build-app.ts';
import { frontendIdlFactory, frontendInitArg, prepareAssets, uploadAssets, type FrontendService } from '../../scripts/frontend-assets.ts';
import { envAsset } from '../../scripts/frontend-env.ts';
import { configArg, DEVNET_CONFIG, OPERATOR, walletBuild } from '../support/wallet.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
/** Screenshots of every screen (git-ignored; docs/screenshots holds the committed ones). */
export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'tmp', 'screenshots');

export interface E2eDevnet {
  devnet: Devnet;
  pic: PocketIc;
  port: number;
  walletId: Principal;
  frontendId: Principal;
  appUrl: string;
  bitcoin: BitcoinAdminClient;
  evmUrl: string;
  solanaUrl: string;
  stop(): Promise<void>;
}

export async function startE2eDevnet(): Promise<E2eDevnet> {
  // Builds first: azle takes a while, and the devnet's connections should not idle meanwhile.
  const wallet = walletBuild();
  const frontend = buildFrontend();
  buildApp();
  const devnet = await startDevnet({ withChains: true, log: () => {} });
  const chains = devnet.chains!;
  const pic = await PocketIc.create(devnet.url, {
    nns: { state: { type: SubnetStateType.New } },
    application: [{ state: { type: SubnetStateType.New } }],
  });
  const port = await pic.makeLive();
  const host = `http://127.0.0.1:${port}`;
  const nns = await pic.getNnsSubnet();
  const rootKey = new Uint8Array(await pic.getPubKey(nns!.id));

  const walletId = await pic.createCanister({
    cycles: 100_000_000_000_000n,
    controllers: [OPERATOR.getPrincipal()],
    sender: OPERATOR.getPrincipal(),
  });
  await pic.installCode({
    canisterId: walletId,
    wasm: wallet.wasm,
    sender: OPERATOR.getPrincipal(),
    arg: configArg({
      ...DEVNET_CONFIG,
      evm_chains: [{ chain_id: BigInt(chains.evm.chainId), name: 'Devnet EVM', rpc_urls: [chains.evm.url] }],
      solana: { cluster: { localnet: null }, rpc_urls: [chains.solana.url] },
    }),
  });

  const frontendId = await pic.createCanister({
    cycles: 100_000_000_000_000n,
    controllers: [OPERATOR.getPrincipal()],
    sender: OPERATOR.getPrincipal(),
  });
  await pic.installCode({
    canisterId: frontendId,
    wasm: frontend.wasm,
    sender: OPERATOR.getPrincipal(),
    arg: frontendInitArg(IDL, { connect_src: [host] }),
  });
  const actor = pic.createActor<FrontendService>(frontendIdlFactory, frontendId);
  actor.setIdentity(OPERATOR);
  await uploadAssets({
    actor,
    assets: [
      ...prepareAssets(APP_DIST),
      envAsset({ network: 'local', host, walletCanisterId: walletId.toText(), rootKey: bytesToHex(rootKey) }),
    ],
  });

  const instanceId = (pic as unknown as { client: { instanceId: number } }).client.instanceId;
  const bitcoin = createBitcoinAdminClient({ baseUrl: `${devnet.url}/instances/${instanceId}` });
  return {
    devnet,
    pic,
    port,
    walletId,
    frontendId,
    appUrl: `http://${frontendId.toText()}.localhost:${port}/`,
    bitcoin,
    evmUrl: chains.evm.url,
    solanaUrl: chains.solana.url,
    stop: async () => {
      await pic.stopLive().catch(() => {});
      await pic.tearDown().catch(() => {});
      await devnet.stop();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium (.ci/run does it)`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A JSON-RPC 2.0 call (Hardhat's EVM node, the LiteSVM Solana server). */
export async function rpc(url: string, method: string, params: unknown[]): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const json = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (json.error) throw new Error(`${method}: ${json.error.message}`);
  return json.result;
}

/** GET through the gateway as a browser would for `<canister>.localhost`, without decoding: status and body. */
export function gatewayGet(args: {
  port: number;
  canisterId: string;
  path: string;
  acceptEncoding: string;
}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: args.port,
        path: args.path,
        headers: { host: `${args.canisterId}.localhost:${args.port}`, 'accept-encoding': args.acceptEncoding },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
