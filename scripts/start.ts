/**
 * `npm start`: builds the wallet canister, starts the devnet (PocketIC-compatible IC with threshold
 * keys, HTTPS outcalls and a Bitcoin regtest canister, plus local EVM and Solana chains), deploys
 * the wallet on it, prints where everything is, and runs until Ctrl-C.
 */
import { PocketIc } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { startDevnet } from '../devnet/src/devnet.ts';
import { buildWallet } from './build.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const port = Number(process.env.DEVNET_PORT ?? 4943);

out('wallet: building the canister');
const wallet = buildWallet();
const devnet = await startDevnet({ port, withChains: true });
for (const line of devnet.describe()) out(`devnet: ${line}`);

// The wallet's init config: the devnet's local key names, Bitcoin on regtest.
const WalletConfig = IDL.Record({
  ecdsa_key_name: IDL.Text,
  schnorr_key_name: IDL.Text,
  bitcoin_network: IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null }),
});
const pic = await PocketIc.create(devnet.url);
const canisterId = await pic.createCanister({ cycles: 100_000_000_000_000n });
await pic.installCode({
  canisterId,
  wasm: wallet.wasm,
  arg: new Uint8Array(
    IDL.encode([WalletConfig], [{ ecdsa_key_name: 'dfx_test_key', schnorr_key_name: 'dfx_test_key', bitcoin_network: { regtest: null } }]),
  ),
});
const instance = (pic as unknown as { client: { instanceId: number } }).client.instanceId;
out(`wallet: canister ${canisterId.toText()} on devnet instance ${instance} (${(wallet.wasm.length / 1e6).toFixed(2)} MB)`);
out(
  `wallet: interface canisters/wallet/wallet.did; call it through the PocketIC REST API on instance ${instance} (${devnet.url}/instances/${instance}/update/submit_ingress_message)`,
);
out(
  `devnet: fund a regtest address: curl -X POST ${devnet.url}/instances/${instance}/devnet/bitcoin/fund -d '{"address":"bcrt1…","amountSats":"100000"}'`,
);
out('devnet: Ctrl-C stops everything');

const stop = async () => {
  await devnet.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
