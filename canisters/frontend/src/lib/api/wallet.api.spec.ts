import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { expect, test } from 'vitest';
import { SessionExpiredError, type Session } from '../auth/auth.services.ts';
import { WalletApi, WalletCallError } from './wallet.api.ts';

// Nothing listens on port 9 (discard): a call that reached the network would fail as unreachable.
const ENV = { network: 'ic' as const, host: 'http://127.0.0.1:9', walletCanisterId: 'lxzze-o7777-77777-aaaaa-cai' };
const identity = Ed25519KeyIdentity.generate(new Uint8Array(32).fill(1));

test('a call with an expired Internet Identity session is refused before any request, with SessionExpiredError', async () => {
  const session: Session = { identity, kind: 'internet-identity', expiresAtMs: Date.now() - 1 };
  const api = await WalletApi.connect({ env: ENV, session });
  const failure = await api.config().catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(SessionExpiredError);
  expect((failure as Error).message).toBe('Your sign-in has expired: sign in again to continue.');
});

test('a live session reaches the network, and an unreachable host is said plainly, not swallowed', async () => {
  const session: Session = { identity, kind: 'internet-identity', expiresAtMs: Date.now() + 60_000 };
  const api = await WalletApi.connect({ env: ENV, session });
  const failure = await api.config().catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(WalletCallError);
  expect((failure as Error).message).toMatch(/^The wallet canister could not be reached or refused the call: /);
});
