/**
 * The wallet's EVM and Solana endpoints on the devnet, with the local Hardhat and Solana nodes
 * behind real forwarded HTTPS outcalls (live mode): instructions the canister executed per call
 * (all of its messages: the method, its callbacks and every `rpc_transform` run, from the
 * devnet's per-canister counters) and wall time through @dfinity/pic. Then the cycles each
 * outcall attaches (the IC formula on 13 nodes, per method), and `rpc_transform` alone.
 *
 * Run with `npm run bench` (all benchmarks) or `node bench/wallet-rpc.bench.ts`.
 */
import { PocketIc } from '@dfinity/pic';
import { startLocalChains } from '../devnet/src/chains/index.ts';
import { rpcResult, seededSigner, waitForStatus } from '../devnet/src/chains/solana/solana-test-utils.ts';
import { outcallCycles, requestBytes } from '../canisters/wallet/src/rpc/cost.ts';
import { evm, solana, type RpcCall } from '../canisters/wallet/src/rpc/methods.ts';
import { jsonRpcBody, TRANSFORM_METHOD } from '../canisters/wallet/src/rpc/transform.ts';
import { startServer } from '../test/support/pic.ts';
import { startMisbehavingProviders } from '../test/support/providers.ts';
import { createSplMint, deployTestToken, evmRpc } from '../test/support/rpc-fixtures.ts';
import { ALICE, DEVNET_CONFIG, installWallet, ok, OPERATOR, walletBuild } from '../test/support/wallet.ts';
import { feeShare, fmt, walletMeter } from './wallet-meter.ts';

const CHAIN_ID = 31337n;

export async function runWalletRpcBench(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  walletBuild();
  const [chains, providers, server] = await Promise.all([startLocalChains(), startMisbehavingProviders(), startServer()]);
  const pic = await PocketIc.create(server.getUrl());
  const instance = (pic as unknown as { client: { instanceId: number } }).client.instanceId;
  const base = `${server.getUrl()}/instances/${instance}`;
  const post = (path: string) => fetch(`${base}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  try {
    const { actor, canisterId } = await installWallet({
      pic,
      config: {
        ...DEVNET_CONFIG,
        evm_chains: [{ chain_id: CHAIN_ID, name: 'Hardhat', rpc_urls: [chains.evm.url] }],
        solana: { cluster: { localnet: null }, rpc_urls: [chains.solana.url] },
      },
    });
    await post('auto_progress');
    const meter = walletMeter({ instanceUrl: base, canisterId: canisterId.toText() });
    const measure = async ({
      name,
      runs,
      signatures,
      call,
    }: {
      name: string;
      runs: number;
      signatures: number;
      call: () => Promise<unknown>;
    }) => {
      const { instructions, ms } = await meter({ runs, call: async () => ok((await call()) as { Ok: unknown }) });
      const share = signatures > 0 ? `   ${feeShare(instructions)} % of a key_1 signature fee` : '';
      out(`${name.padEnd(52)} ${fmt(instructions).padStart(13)} instructions ${ms.toFixed(0).padStart(6)} ms${share}`);
    };

    actor.setIdentity(ALICE);
    const addresses = ok(await actor.addresses());
    const funder = chains.evm.accounts[0].address;
    const recipient = chains.evm.accounts[1].address;
    await evmRpc({
      url: chains.evm.url,
      method: 'eth_sendTransaction',
      params: [{ from: funder, to: addresses.eth, value: '0x8ac7230489e80000' }],
    });
    const token = await deployTestToken({ url: chains.evm.url, funder, holder: addresses.eth, supply: 10n ** 12n });
    await waitForStatus({
      url: chains.solana.url,
      signature: (await rpcResult({ url: chains.solana.url, method: 'requestAirdrop', params: [addresses.sol, 10_000_000_000] })) as string,
    });
    const mint = await createSplMint({ url: chains.solana.url, owner: addresses.sol, amount: 10n ** 12n, seed: 20 });
    const solRecipient = (await seededSigner(21)).address;
    actor.setIdentity(OPERATOR);
    ok(await actor.admin_add_token({ evm: { chain_id: CHAIN_ID, address: token, symbol: 'TST', decimals: 6 } }));
    ok(await actor.admin_add_token({ spl: { mint, symbol: 'TSPL', decimals: 6 } }));
    actor.setIdentity(ALICE);
    // The recipient's token account exists from here on, so the SPL sends below are plain TransferChecked.
    ok(await actor.sol_send({ to: solRecipient, amount: 1n, mint: [mint], recent_blockhash: [] }));

    out('## wallet EVM and Solana endpoints (devnet live mode, 1 provider each; instructions of all the canister’s messages per call)');
    // Baselines: one update message that reads the cached keys, and one query; a read adds an
    // outcall, its callback and one rpc_transform run per provider.
    await measure({ name: 'addresses (cached; baseline update)', runs: 5, signatures: 0, call: () => actor.addresses() });
    await measure({ name: 'cached_addresses (baseline query)', runs: 5, signatures: 0, call: () => actor.cached_addresses() });
    await measure({
      name: 'eth_balance (ETH: 1 read)',
      runs: 5,
      signatures: 0,
      call: () => actor.eth_balance({ chain_id: CHAIN_ID, token: [] }),
    });
    await measure({
      name: 'eth_balance (ERC-20: 1 read)',
      runs: 5,
      signatures: 0,
      call: () => actor.eth_balance({ chain_id: CHAIN_ID, token: [token] }),
    });
    await measure({
      name: 'eth_send (ETH: 4 reads, 1 ECDSA signature, 1 broadcast)',
      runs: 5,
      signatures: 1,
      call: () => actor.eth_send({ chain_id: CHAIN_ID, to: recipient, amount: 1n, token: [] }),
    });
    await measure({
      name: 'eth_send (ERC-20: same)',
      runs: 5,
      signatures: 1,
      call: () => actor.eth_send({ chain_id: CHAIN_ID, to: recipient, amount: 1n, token: [token] }),
    });
    await measure({ name: 'sol_balance (SOL: 1 read)', runs: 5, signatures: 0, call: () => actor.sol_balance({ mint: [] }) });
    await measure({ name: 'sol_balance (SPL: 2 reads)', runs: 5, signatures: 0, call: () => actor.sol_balance({ mint: [mint] }) });
    await measure({
      name: 'sol_send (SOL: 1 read, 1 Ed25519 signature, 1 broadcast)',
      runs: 5,
      signatures: 1,
      call: () => actor.sol_send({ to: solRecipient, amount: 1_000_000n, mint: [], recent_blockhash: [] }),
    });
    await measure({
      name: 'sol_send (SPL: 2 reads, 1 signature, 1 broadcast)',
      runs: 5,
      signatures: 1,
      call: () => actor.sol_send({ to: solRecipient, amount: 1n, mint: [mint], recent_blockhash: [] }),
    });
    await measure({
      name: 'transactions (10 pending refreshed)',
      runs: 1,
      signatures: 0,
      call: () => actor.transactions({ start: 0n, limit: 50 }),
    });

    actor.setIdentity(OPERATOR);
    const proxy = (n: number) => `${providers.url}/proxy/${encodeURIComponent(chains.evm.url)}?${n}`;
    ok(await actor.admin_set_evm_chains([{ chain_id: CHAIN_ID, name: 'Hardhat', rpc_urls: [chains.evm.url, proxy(1), proxy(2)] }]));
    actor.setIdentity(ALICE);
    await measure({
      name: 'eth_balance (ETH, 3 providers)',
      runs: 5,
      signatures: 0,
      call: () => actor.eth_balance({ chain_id: CHAIN_ID, token: [] }),
    });
    await measure({
      name: 'eth_send (ETH, 3 providers: 12 reads, 3 broadcasts)',
      runs: 3,
      signatures: 1,
      call: () => actor.eth_send({ chain_id: CHAIN_ID, to: recipient, amount: 1n, token: [] }),
    });

    out('\n## rpc_transform alone (query; instructions per call)');
    const transformOf = async (name: string, body: string, context: string) => {
      const { instructions } = await meter({
        runs: 10,
        call: () =>
          actor.rpc_transform({
            response: {
              status: 200n,
              headers: [{ name: 'content-type', value: 'application/json' }],
              body: new TextEncoder().encode(body),
            },
            context: new TextEncoder().encode(context),
          }),
      });
      out(`${name.padEnd(52)} ${fmt(instructions).padStart(13)} instructions`);
    };
    await transformOf('eth_getTransactionCount answer', '{"jsonrpc":"2.0","id":1,"result":"0x1a"}', 'quantity');
    const receipt = await evmRpc({
      url: chains.evm.url,
      method: 'eth_getTransactionReceipt',
      params: [(await evmRpc({ url: chains.evm.url, method: 'eth_getBlockByNumber', params: ['latest', false] })).transactions[0]],
    });
    const receiptBody = JSON.stringify({ jsonrpc: '2.0', id: 1, result: receipt });
    await transformOf(`eth_getTransactionReceipt answer (${receiptBody.length} bytes)`, receiptBody, 'receipt');
    await transformOf(
      'getLatestBlockhash answer',
      '{"jsonrpc":"2.0","result":{"context":{"apiVersion":"4.3.0","slot":341},"value":{"blockhash":"EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N","lastValidBlockHeight":491}},"id":1}',
      'solBlockhash',
    );

    out('\n## cycles attached per outcall (13-node subnet; the unused part is refunded)');
    const url = 'https://eth-mainnet.example.com/v2/0123456789abcdef0123456789abcdef';
    const perCall = (call: RpcCall) =>
      outcallCycles({
        requestBytes: requestBytes({
          url,
          headers: [{ name: 'Content-Type', value: 'application/json' }],
          body: jsonRpcBody({ method: call.method, params: call.params }),
          transformMethod: TRANSFORM_METHOD,
          transformContext: new TextEncoder().encode(call.projection),
        }),
        maxResponseBytes: call.maxResponseBytes,
      });
    const address = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';
    const rows: [string, RpcCall][] = [
      ['eth_getTransactionCount', evm.transactionCount({ address })],
      ['eth_estimateGas', evm.estimateGas({ from: address, to: address, value: 1n, data: '0x' })],
      ['eth_maxPriorityFeePerGas', evm.maxPriorityFeePerGas()],
      ['eth_feeHistory', evm.nextBaseFee()],
      ['eth_sendRawTransaction (110-byte transaction)', evm.sendRawTransaction({ raw: `0x${'00'.repeat(110)}` })],
      ['eth_getTransactionReceipt', evm.transactionReceipt({ hash: `0x${'00'.repeat(32)}` })],
      ['getLatestBlockhash', solana.latestBlockhash()],
      ['sendTransaction (300-byte transaction)', solana.sendTransaction({ wire: 'A'.repeat(400) })],
    ];
    let ethSend = 0n;
    for (const [name, call] of rows) {
      const cycles = perCall(call);
      if (name.startsWith('eth_') && !name.includes('Receipt')) ethSend += cycles;
      out(`${name.padEnd(52)} max_response_bytes ${String(call.maxResponseBytes).padStart(6)}  ${fmt(cycles).padStart(12)} cycles`);
    }
    out(`${'eth_send, one provider (4 reads + 1 broadcast)'.padEnd(52)} ${' '.repeat(25)} ${fmt(ethSend).padStart(12)} cycles`);
  } finally {
    await post('stop_progress').catch(() => undefined);
    await pic.tearDown();
    await server.stop();
    await providers.close();
    await chains.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runWalletRpcBench();
