import { expect, test } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import QRCode from 'qrcode';
import AddressCard from './AddressCard.svelte';

const ADDRESS = 'bcrt1qn454ga9rqwkx6ax309knw5hs0z2erz7j2ulcnh';

test('shows the address, a labelled copy button and the QR code of exactly that address', async () => {
  render(AddressCard, { props: { label: 'Bitcoin (P2WPKH)', address: ADDRESS, tid: 'btc' } });
  expect(document.querySelector('[data-tid="address-btc-value"]')?.textContent).toBe(ADDRESS);
  expect(screen.getByRole('button', { name: 'Copy the Bitcoin (P2WPKH) address' })).toBeTruthy();
  const img = (await screen.findByAltText('QR code of the Bitcoin (P2WPKH) address')) as HTMLImageElement;
  const svg = decodeURIComponent(img.src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''));
  expect(svg).toBe(await QRCode.toString(ADDRESS, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }));
});
