import { describe, expect, test } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import SendScreen from './SendScreen.svelte';
import { WalletApi, type WalletConfig } from '../lib/api/wallet.api.ts';

const config: WalletConfig = {
  ecdsa_key_name: 'dfx_test_key',
  schnorr_key_name: 'dfx_test_key',
  bitcoin_network: { regtest: null },
  evm_chains: [{ chain_id: 31337n, name: 'Devnet EVM', rpc_urls: [] }],
  solana: { cluster: { localnet: null }, rpc_urls: [] },
};
// A wallet API whose host nothing listens on (port 9, discard): every call fails for real.
const ROOT_KEY_HEX = '308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100' + 'ab'.repeat(96);
const unreachable = () =>
  WalletApi.connect({
    env: { network: 'local', host: 'http://127.0.0.1:9', walletCanisterId: 'lxzze-o7777-77777-aaaaa-cai', rootKey: ROOT_KEY_HEX },
    session: { identity: Ed25519KeyIdentity.generate(new Uint8Array(32).fill(3)), kind: 'local', expiresAtMs: null },
  });
/** P2WPKH of the secp256k1 key with secret 0x05…05 on regtest (src/chains/btc p2wpkhAddress). */
const VALID_REGTEST = 'bcrt1qn454ga9rqwkx6ax309knw5hs0z2erz7j2ulcnh';
const BAD_CHECKSUM = 'bcrt1qn454ga9rqwkx6ax309knw5hs0z2erz7j2ulcnj';
const byTid = (tid: string) => document.querySelector(`[data-tid="${tid}"]`) as HTMLElement;

async function renderSend() {
  const errors: unknown[] = [];
  render(SendScreen, { props: { api: await unreachable(), config, evmChainId: 31337n, onerror: (e: unknown) => errors.push(e) } });
  return errors;
}

describe('SendScreen', () => {
  test('refuses a Bitcoin address with a bad checksum as it is typed, and a mainnet address on regtest', async () => {
    await renderSend();
    await fireEvent.input(byTid('send-amount'), { target: { value: '0.0002' } });
    await fireEvent.input(byTid('send-to'), { target: { value: BAD_CHECKSUM } });
    expect(byTid('send-to-error').textContent).toMatch(/checksum/i);
    expect((byTid('send-review') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byTid('send-to'), { target: { value: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4' } });
    expect(byTid('send-to-error').textContent).toMatch(/regtest/);
    expect((byTid('send-review') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byTid('send-to'), { target: { value: VALID_REGTEST } });
    expect(byTid('send-to-error').textContent?.trim()).toBe('A valid address for this network.');
    expect((byTid('send-review') as HTMLButtonElement).disabled).toBe(false);
  });

  test('shows base units as the amount is typed, and the exact btc_send fields in the review', async () => {
    await renderSend();
    await fireEvent.input(byTid('send-to'), { target: { value: VALID_REGTEST } });
    await fireEvent.input(byTid('send-amount'), { target: { value: '0.00020001' } });
    expect(byTid('send-amount-base').textContent?.trim()).toBe('20001 base units');
    await fireEvent.input(byTid('send-amount'), { target: { value: '0.000000001' } });
    expect(byTid('send-amount-base').textContent).toMatch(/at most 8 decimals/);
    await fireEvent.input(byTid('send-amount'), { target: { value: '0.0002' } });
    await fireEvent.input(byTid('send-fee-rate'), { target: { value: '3' } });
    expect(byTid('send-fee-estimate').textContent?.trim()).toBe('Fee estimate: about 423 sats');
    await fireEvent.click(byTid('send-review'));
    expect(byTid('review-to').textContent).toBe(VALID_REGTEST);
    expect(byTid('review-amount_sats').textContent).toBe('20000 sats (0.0002 BTC)');
    expect(byTid('review-fee_rate_msat_per_vb').textContent).toBe('3000 (3 sat/vB)');
    expect(byTid('review-Method').textContent).toBe('btc_send');
  });

  test('a call that fails is shown with its reason, never silently, and an unanswered send points to History instead of a resend', async () => {
    const errors = await renderSend();
    await fireEvent.input(byTid('send-to'), { target: { value: VALID_REGTEST } });
    await fireEvent.input(byTid('send-amount'), { target: { value: '0.0002' } });
    await fireEvent.click(byTid('send-review'));
    await fireEvent.click(byTid('send-confirm'));
    const alert = await screen.findByRole('alert', {}, { timeout: 10_000 });
    expect(alert.textContent).toMatch(/^The wallet canister could not be reached or refused the call: /);
    // Reported to the app too (the listed tokens' read failed the same way on mount).
    expect(errors.map((e) => (e as Error).message)).toContain(alert.textContent);
    // No answer from the canister: the send may have gone through, so the screen points to History
    // and offers no way straight back to "Sign and send".
    expect(byTid('send-outcome-unknown').textContent).toMatch(
      /may have been signed and broadcast\. Check History before you send\s+again\./,
    );
    expect(screen.queryByRole('button', { name: 'Back to the review' })).toBeNull();
  });

  test('refuses an EIP-55 checksum typo and accepts the checksummed address', async () => {
    await renderSend();
    const select = byTid('send-chain') as HTMLSelectElement;
    select.value = 'eth';
    await fireEvent.change(select);
    await fireEvent.input(byTid('send-amount'), { target: { value: '0.25' } });
    expect(byTid('send-amount-base').textContent?.trim()).toBe('250000000000000000 base units');
    await fireEvent.input(byTid('send-to'), { target: { value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' } });
    expect(byTid('send-to-error').textContent).toMatch(/checksum/);
    expect((byTid('send-review') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(byTid('send-to'), { target: { value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' } });
    expect(byTid('send-to-error').textContent?.trim()).toBe('A valid address for this network.');
    expect((byTid('send-review') as HTMLButtonElement).disabled).toBe(false);
  });
});
