import { expect, test } from 'vitest';
import { fireEvent, render } from '@testing-library/svelte';
import SettingsScreen from './SettingsScreen.svelte';

test('the theme choice sets the document theme and is kept in localStorage', async () => {
  render(SettingsScreen, {
    props: {
      config: {
        ecdsa_key_name: 'k',
        schnorr_key_name: 'k',
        bitcoin_network: { regtest: null },
        evm_chains: [{ chain_id: 31337n, name: 'Devnet EVM', rpc_urls: [] }],
        solana: { cluster: { localnet: null }, rpc_urls: [] },
      },
      env: { network: 'local', host: 'http://127.0.0.1:4943', walletCanisterId: 'lxzze-o7777-77777-aaaaa-cai', rootKey: 'ab' },
      evmChainId: 31337n,
    },
  });
  await fireEvent.click(document.querySelector('[data-tid="theme-dark"]')!);
  expect(document.documentElement.dataset.theme).toBe('dark');
  expect(localStorage.getItem('icp-wallet.theme')).toBe('dark');
  await fireEvent.click(document.querySelector('[data-tid="theme-light"]')!);
  expect(document.documentElement.dataset.theme).toBe('light');
  await fireEvent.click(document.querySelector('[data-tid="theme-system"]')!);
  expect(document.documentElement.dataset.theme).toBeUndefined();
  expect(localStorage.getItem('icp-wallet.theme')).toBeNull();
});
