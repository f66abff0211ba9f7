/**
 * The wallet's sign-only ETH and SOL endpoints and the signing guards, on the devnet through
 * @dfinity/pic: every ETH transaction recovers (viem) to the caller's address, every SOL
 * signature verifies (@noble/curves) over the message for the caller's key; unknown chains and
 * bad fields are typed errors; rate limits, the daily quota, the pause switch and the cycles floor
 * refuse before anything is signed; admin methods are for controllers only, and each is logged.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { Principal } from '@icp-sdk/core/principal';
import { recoverTransactionAddress, parseTransaction, type TransactionSerialized } from 'viem';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58, base64, hex } from '@scure/base';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import { ALICE, BOB, DEVNET_CONFIG, identity, installWallet, ok, OPERATOR, walletBuild, type WalletActor } from '../support/wallet.ts';
import type { Limits } from '../../src/lib/wallet-candid.ts';

let server: PocketIcServer;
let pic: PocketIc;
let actor: WalletActor;

before(async () => {
  if (!onDevnet) return;
  walletBuild();
  ({ server, pic } = await startInstance());
  ({ actor } = await installWallet({ pic }));
});
after(() => stopInstance({ server, pic }));

const ethRequest = {
  chain_id: 31337n,
  nonce: 7n,
  to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  value: 1_000_000_000_000_000n,
  data: [] as [] | [Uint8Array],
  gas_limit: 21_000n,
  max_fee_per_gas: 30_000_000_000n,
  max_priority_fee_per_gas: 1_000_000_000n,
};
const BLOCKHASH = 'EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k';

describe('eth_sign_transaction', { skip: !onDevnet }, () => {
  test('signs the EIP-1559 fields it is given; viem recovers the caller and reads the same fields', async () => {
    actor.setIdentity(ALICE);
    const { eth } = ok(await actor.addresses());
    const data = hex.decode('a9059cbb');
    const signed = ok(await actor.eth_sign_transaction({ ...ethRequest, data: [data] }));
    const raw = signed.raw_transaction as TransactionSerialized;
    assert.equal(await recoverTransactionAddress({ serializedTransaction: raw }), eth);
    const parsed = parseTransaction(raw);
    assert.deepEqual(
      {
        type: parsed.type,
        chainId: parsed.chainId,
        nonce: parsed.nonce,
        to: parsed.to,
        value: parsed.value,
        data: parsed.data,
        gas: parsed.gas,
        maxFeePerGas: parsed.maxFeePerGas,
        maxPriorityFeePerGas: parsed.maxPriorityFeePerGas,
      },
      {
        type: 'eip1559',
        chainId: 31337,
        nonce: 7,
        to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
        value: 1_000_000_000_000_000n,
        data: '0xa9059cbb',
        gas: 21_000n,
        maxFeePerGas: 30_000_000_000n,
        maxPriorityFeePerGas: 1_000_000_000n,
      },
    );
    const { keccak256 } = await import('viem');
    assert.equal(signed.tx_hash, keccak256(raw));
  });

  test('an unknown chain id, a bad address and inverted fees are typed errors that sign nothing', async () => {
    actor.setIdentity(ALICE);
    const before = (await actor.status()).audit_length;
    assert.deepEqual(await actor.eth_sign_transaction({ ...ethRequest, chain_id: 1n }), { Err: { UnknownChain: { chain_id: 1n } } });
    const bad = await actor.eth_sign_transaction({ ...ethRequest, to: '0x1234' });
    assert.ok('Err' in bad && 'InvalidAddress' in bad.Err && bad.Err.InvalidAddress.field === 'transaction', JSON.stringify(bad));
    assert.deepEqual(await actor.eth_sign_transaction({ ...ethRequest, max_priority_fee_per_gas: 40_000_000_000n }), {
      Err: {
        InvalidRequest: {
          field: 'transaction',
          error: 'InvalidTransactionError',
          message: 'Invalid transaction field maxPriorityFeePerGas = 40000000000: must not exceed maxFeePerGas 30000000000',
        },
      },
    });
    assert.equal((await actor.status()).audit_length, before);
  });
});

describe('sol_sign_transfer', { skip: !onDevnet }, () => {
  test('the signature verifies over the wire message for the caller key, and is the transaction id', async () => {
    actor.setIdentity(BOB);
    const { sol } = ok(await actor.addresses());
    const signed = ok(
      await actor.sol_sign_transfer({
        to: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM',
        lamports: 5_000_000n,
        recent_blockhash: BLOCKHASH,
      }),
    );
    const wire = base64.decode(signed.transaction);
    // Wire format: compact-u16 signature count (1), the 64-byte signature, then the message.
    assert.equal(wire[0], 1);
    const signature = wire.subarray(1, 65);
    const message = wire.subarray(65);
    assert.equal(signed.signature, base58.encode(signature));
    assert.ok(ed25519.verify(signature, message, base58.decode(sol)));
    // The message names the caller as fee payer (first account key) and carries the blockhash.
    assert.equal(base58.encode(message.subarray(4, 36)), sol);
    assert.ok(Buffer.from(message).includes(Buffer.from(base58.decode(BLOCKHASH))));
  });

  test('a zero amount, a malformed address and a malformed blockhash are typed errors', async () => {
    actor.setIdentity(BOB);
    const before = (await actor.status()).audit_length;
    assert.deepEqual(
      await actor.sol_sign_transfer({ to: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM', lamports: 0n, recent_blockhash: BLOCKHASH }),
      {
        Err: { InvalidAmount: { field: 'lamports', message: 'a transfer of 0 lamports' } },
      },
    );
    const badTo = await actor.sol_sign_transfer({ to: 'not-base58-0OIl', lamports: 1n, recent_blockhash: BLOCKHASH });
    assert.ok('Err' in badTo && 'InvalidAddress' in badTo.Err && badTo.Err.InvalidAddress.field === 'to', JSON.stringify(badTo));
    const badHash = await actor.sol_sign_transfer({
      to: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM',
      lamports: 1n,
      recent_blockhash: 'xyz',
    });
    assert.ok(
      'Err' in badHash && 'InvalidRequest' in badHash.Err && badHash.Err.InvalidRequest.field === 'recent_blockhash',
      JSON.stringify(badHash),
    );
    assert.equal((await actor.status()).audit_length, before);
  });
});

describe('signing guards', { skip: !onDevnet }, () => {
  const DEFAULTS: Limits = {
    rate_limit: 60,
    rate_window_seconds: 60,
    daily_quota: 1000,
    max_in_flight: 100,
    cycles_floor: 1_000_000_000_000n,
    reservation_timeout_seconds: 3600,
  };
  const setLimits = async (limits: Partial<Limits>) => {
    actor.setIdentity(OPERATOR);
    assert.deepEqual(await actor.admin_set_limits({ ...DEFAULTS, ...limits }), { Ok: null });
  };
  const signSol = () =>
    actor.sol_sign_transfer({ to: '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM', lamports: 1n, recent_blockhash: BLOCKHASH });

  test('a sliding-window rate limit per user: the third signature in the window waits, another user does not', async () => {
    await setLimits({ rate_limit: 2, rate_window_seconds: 600 });
    const frank = identity(6);
    actor.setIdentity(frank);
    ok(await signSol());
    ok(await signSol());
    assert.deepEqual(await signSol(), { Err: { RateLimited: { limit: 2, window_seconds: 600, retry_after_seconds: 600 } } });
    actor.setIdentity(identity(7));
    ok(await signSol());
    // Once the window has moved past the first two signatures, the user may sign again.
    await pic.advanceTime(601_000);
    await pic.tick();
    actor.setIdentity(frank);
    ok(await signSol());
    await setLimits({});
  });

  test('a daily quota per user', async () => {
    await setLimits({ daily_quota: 1 });
    const grace = identity(8);
    actor.setIdentity(grace);
    ok(await signSol());
    assert.deepEqual(await signSol(), { Err: { DailyQuotaExceeded: { quota: 1 } } });
    await setLimits({});
  });

  test('paused signing refuses every signature with the reason until resumed; both changes are logged', async () => {
    actor.setIdentity(OPERATOR);
    assert.deepEqual(await actor.admin_pause_signing('key rotation drill'), { Ok: null });
    assert.equal((await actor.status()).signing_paused, true);
    actor.setIdentity(ALICE);
    assert.deepEqual(await signSol(), { Err: { SigningPaused: { reason: 'key rotation drill' } } });
    assert.deepEqual(await actor.eth_sign_transaction(ethRequest), { Err: { SigningPaused: { reason: 'key rotation drill' } } });
    actor.setIdentity(OPERATOR);
    assert.deepEqual(await actor.admin_resume_signing(), { Ok: null });
    actor.setIdentity(ALICE);
    ok(await signSol());
  });

  test('the cycles floor stops signing before the balance would fall below it', async () => {
    await setLimits({ cycles_floor: 1_000_000_000_000_000_000n });
    actor.setIdentity(ALICE);
    const refused = await signSol();
    assert.ok(
      'Err' in refused && 'CyclesBelowFloor' in refused.Err,
      JSON.stringify(refused, (_k, v) => (typeof v === 'bigint' ? `${v}` : v)),
    );
    assert.equal(refused.Err.CyclesBelowFloor.required, 1_000_000_000_000_000_000n + 10_000_000_000n);
    await setLimits({});
  });

  test('admin methods: refused for non-controllers (inspect_message and the method itself), invalid limits refused', async () => {
    actor.setIdentity(ALICE);
    await assert.rejects(actor.admin_pause_signing('not mine to pause'), /Canister rejected the message/);
    actor.setIdentity(OPERATOR);
    assert.deepEqual(await actor.admin_set_limits({ ...DEFAULTS, rate_limit: 0 }), {
      Err: { InvalidRequest: { field: 'limits', error: 'InvalidLimits', message: 'limits must be positive; pause signing to stop it' } },
    });
    assert.deepEqual(await actor.admin_set_evm_chains([{ chain_id: 0n, name: 'zero', rpc_urls: [] }]), {
      Err: { InvalidRequest: { field: 'evm_chains', error: 'InvalidConfig', message: 'evm_chains: chain_id 0 is not a chain' } },
    });
    const chains = [...DEVNET_CONFIG.evm_chains, { chain_id: 11155111n, name: 'Sepolia', rpc_urls: ['https://rpc.sepolia.example'] }];
    assert.deepEqual(await actor.admin_set_evm_chains(chains), { Ok: null });
    assert.deepEqual((await actor.config()).evm_chains, chains);
    assert.deepEqual(await actor.admin_set_auditors([Principal.anonymous()]), {
      Err: { InvalidRequest: { field: 'auditors', error: 'AnonymousAuditor', message: 'the anonymous principal cannot audit' } },
    });
  });
});
