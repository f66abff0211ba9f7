/**
 * The wallet canister's cost per method on the devnet: instructions the canister executed (all
 * its messages for the call: the method and every callback, read from the devnet's per-canister
 * counters) and wall time through @dfinity/pic. For each method that obtains signatures, the
 * canister's own instructions per signature beside what that signature's `key_1` fee would buy:
 * the target is at most 0.1 % of the fee, 26,153,846 cycles, which pays for 65,384,615
 * instructions at the 0.4 cycles per instruction of a 13-node subnet.
 *
 * Run with `npm run bench` (all benchmarks) or `node bench/wallet.bench.ts`.
 */
import { PocketIc } from '@dfinity/pic';
import { createBitcoinAdminClient } from '../devnet/src/services/bitcoin/index.ts';
import { startServer } from '../test/support/pic.ts';
import { ALICE, installWallet, ok, OPERATOR, walletBuild } from '../test/support/wallet.ts';
import { feeShare, fmt, TARGET_INSTRUCTIONS_PER_SIGNATURE, walletMeter } from './wallet-meter.ts';

export async function runWalletBench(out: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): Promise<void> {
  walletBuild();
  const server = await startServer();
  const pic = await PocketIc.create(server.getUrl());
  try {
    const instance = (pic as unknown as { client: { instanceId: number } }).client.instanceId;
    const { actor, canisterId } = await installWallet({ pic });
    const meter = walletMeter({ instanceUrl: `${server.getUrl()}/instances/${instance}`, canisterId: canisterId.toText() });
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
      const { instructions, ms } = await meter({ runs, call });
      const perSignature = signatures > 0 ? instructions / signatures : 0;
      const budget =
        signatures > 0
          ? `   per signature ${fmt(perSignature)} = ${feeShare(perSignature)} % of the key_1 fee (target ≤ 0.1 % = ${fmt(TARGET_INSTRUCTIONS_PER_SIGNATURE)})`
          : '';
      out(`${name.padEnd(44)} ${fmt(instructions).padStart(14)} instructions  ${ms.toFixed(1).padStart(8)} ms${budget}`);
    };

    out('## wallet canister (devnet; instructions per call, all of its messages; wall time through @dfinity/pic)');
    actor.setIdentity(ALICE);
    await measure({ name: 'addresses (first call: 4 public-key calls)', runs: 1, signatures: 0, call: () => actor.addresses() });
    await measure({ name: 'addresses (cached, update)', runs: 10, signatures: 0, call: () => actor.addresses() });
    await measure({ name: 'cached_addresses (query)', runs: 10, signatures: 0, call: () => actor.cached_addresses() });
    await measure({ name: 'public_keys (cached)', runs: 10, signatures: 0, call: () => actor.public_keys() });
    const addresses = ok(await actor.addresses());
    await measure({
      name: 'sol_sign_transfer (1 Ed25519 signature)',
      runs: 5,
      signatures: 1,
      call: () =>
        actor.sol_sign_transfer({
          to: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM',
          lamports: 1_000n,
          recent_blockhash: 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k',
        }),
    });
    await measure({
      name: 'eth_sign_transaction (1 ECDSA signature)',
      runs: 5,
      signatures: 1,
      call: () =>
        actor.eth_sign_transaction({
          chain_id: 31337n,
          nonce: 0n,
          to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
          value: 1n,
          data: [],
          gas_limit: 21_000n,
          max_fee_per_gas: 2n,
          max_priority_fee_per_gas: 1n,
        }),
    });
    const admin = createBitcoinAdminClient({ baseUrl: `${server.getUrl()}/instances/${instance}` });
    const utxos: { txid: string; vout: number }[] = [];
    for (let i = 0; i < 10; i++) utxos.push(await admin.fund({ address: addresses.btc_p2wpkh, amountSats: 50_000n }));
    for (let i = 0; i < 10; i++) await admin.fund({ address: addresses.btc_p2tr, amountSats: 50_000n });
    await admin.mine({ blocks: 1 });
    for (const type of ['p2wpkh', 'p2tr'] as const) {
      await measure({
        name: `btc_sign_transaction (${type}, 1 input)`,
        runs: 3,
        signatures: 1,
        call: () =>
          actor.btc_sign_transaction({
            utxos: [{ txid: utxos[0].txid, vout: utxos[0].vout, value_sats: 50_000n }],
            outputs: [{ address: addresses.btc_p2tr, amount_sats: 10_000n }],
            fee_sats: 1_000n,
            address_type: type === 'p2wpkh' ? { p2wpkh: null } : { p2tr: null },
          }),
      });
      await measure({
        name: `btc_send (${type}, 1 input, broadcast)`,
        runs: 3,
        signatures: 1,
        call: () =>
          actor.btc_send({
            to: addresses.btc_p2wpkh,
            amount_sats: 10_000n,
            address_type: type === 'p2wpkh' ? { p2wpkh: null } : { p2tr: null },
            fee_rate_msat_per_vb: [1_000n],
          }),
      });
    }
    await measure({
      name: 'btc_balance',
      runs: 5,
      signatures: 0,
      call: () => actor.btc_balance({ address_type: { p2wpkh: null }, min_confirmations: [] }),
    });
    await measure({ name: 'audit_head (query)', runs: 10, signatures: 0, call: () => actor.audit_head() });
    await measure({
      name: 'audit_my_entries (10 entries with proofs, query)',
      runs: 5,
      signatures: 0,
      call: () => actor.audit_my_entries({ start: 0n, limit: 10 }),
    });
    await measure({
      name: 'transactions_query (6 sends)',
      runs: 5,
      signatures: 0,
      call: () => actor.transactions_query({ start: 0n, limit: 10 }),
    });
    actor.setIdentity(OPERATOR);
    const settings = await actor.settings();
    await measure({
      name: 'admin_set_limits (one logged admin entry)',
      runs: 10,
      signatures: 0,
      call: () => actor.admin_set_limits(settings.limits),
    });
  } finally {
    await pic.tearDown();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runWalletBench();
