/**
 * The web app end to end, in Debian's Chromium (playwright-core), loaded from the frontend canister
 * through the devnet's HTTP gateway, which verifies response certification: sign in with a local
 * identity, see the four addresses, fund them on the devnet's chains, send on each chain through
 * the review step, and see balances and history change; a bad address is refused in the form, no
 * request leaves for another host, and a tampered asset is refused by the gateway. Elements are selected by data-tid (CONTRIBUTING.md
 * convention 7). Screenshots of each screen, desktop and phone, go to tmp/screenshots.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58 } from '@scure/base';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, gatewayGet, rpc, SCREENSHOTS, startE2eDevnet, type E2eDevnet } from './support.ts';
import { initialJs } from '../../scripts/build-app.ts';

let env: E2eDevnet;
let browser: Browser;
let page: Page;
/** Every URL the app's page requested, from the first navigation on. */
const requested: string[] = [];

before(async () => {
  env = await startE2eDevnet();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('request', (request) => requested.push(request.url()));
});

after(async () => {
  await browser?.close();
  await env?.stop();
});

const tid = (name: string) => `[data-tid="${name}"]`;
const text = async (name: string) => (await page.locator(tid(name)).first().textContent())?.trim() ?? '';
const addresses: Record<'btc_p2wpkh' | 'btc_p2tr' | 'eth' | 'sol', string> = { btc_p2wpkh: '', btc_p2tr: '', eth: '', sol: '' };

/**
 * The base units shown for one balance row after pressing Refresh: waits for a read that began after
 * the press (the balances element's data-read-from), not for the displayed time to change, which has
 * one-second resolution and may not change at all when a refresh completes within the same second.
 */
async function balance(row: string): Promise<bigint> {
  await page.click(tid('nav-overview'));
  const pressedAt = await page.evaluate(() => Date.now());
  await page.click(tid('refresh-balances'));
  await page.waitForFunction(
    ([sel, since, err]) => {
      const el = document.querySelector<HTMLElement>(sel);
      return document.querySelector(err) !== null || (el !== null && Number(el.dataset.readFrom || '0') >= since);
    },
    [tid('balances-updated'), pressedAt, tid('balances-error')] as const,
    { timeout: 300_000 },
  );
  // allTextContents does not wait: no error element is an empty list (textContent would wait 30 s for one).
  assert.deepEqual(await page.locator(tid('balances-error')).allTextContents(), [], 'the balances were read without an error');
  return BigInt((await page.locator(`${tid(row)} ${tid('balance-base')}`).textContent())!.trim());
}

async function send(args: { chain: 'btc' | 'eth' | 'sol'; to: string; amount: string; screenshot?: string }): Promise<string> {
  await page.click(tid('nav-send'));
  await page.selectOption(tid('send-chain'), args.chain);
  await page.fill(tid('send-to'), args.to);
  await page.fill(tid('send-amount'), args.amount);
  await page.click(tid('send-review'));
  await page.waitForSelector(tid('send-confirm'));
  if (args.screenshot) await page.screenshot({ path: join(SCREENSHOTS, args.screenshot), fullPage: true });
  const review = await page.locator(tid('send-review-panel')).textContent();
  assert.ok(review?.includes(args.to), `the review shows the recipient ${args.to}`);
  await page.click(tid('send-confirm'));
  await page.waitForSelector(`${tid('send-txid')}, ${tid('send-error')}`, { timeout: 300_000 });
  const error = await page.locator(tid('send-error')).count();
  assert.equal(error, 0, `send failed: ${error ? await text('send-error') : ''}`);
  return text('send-txid');
}

test('the app, served certified through the gateway, signs in with a local identity and shows four addresses', async () => {
  const response = await page.goto(env.appUrl);
  assert.equal(response?.status(), 200);
  assert.ok(initialJs().gzipBytes <= 250 * 1024, 'initial JS within 250 KiB gzipped');
  await page.waitForSelector(tid('sign-in-local'));
  assert.match((await page.textContent('main')) ?? '', /Local identity \(devnet only\)/);
  await page.screenshot({ path: join(SCREENSHOTS, 'sign-in-desktop.png') });
  await page.click(tid('sign-in-local'));
  await page.waitForSelector(tid('address-sol-value'), { timeout: 300_000 });
  addresses.btc_p2wpkh = await text('address-btc-p2wpkh-value');
  addresses.btc_p2tr = await text('address-btc-p2tr-value');
  addresses.eth = await text('address-eth-value');
  addresses.sol = await text('address-sol-value');
  assert.match(addresses.btc_p2wpkh, /^bcrt1q[02-9ac-hj-np-z]{38}$/);
  assert.match(addresses.btc_p2tr, /^bcrt1p[02-9ac-hj-np-z]{58}$/);
  assert.match(addresses.eth, /^0x[0-9a-fA-F]{40}$/);
  assert.match(addresses.sol, /^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
  assert.equal(await page.locator('[data-tid^="qr-"]').count(), 4, 'a QR code per address');
  // The local identity persists: a reload signs in again as the same principal.
  const principal = await text('principal');
  await page.reload();
  await page.waitForSelector(tid('address-sol-value'), { timeout: 300_000 });
  assert.equal(await text('principal'), principal);
  assert.equal(await text('address-eth-value'), addresses.eth);
});

test('funded on the devnet chains, the balances show the funds', async () => {
  await env.bitcoin.fund({ address: addresses.btc_p2wpkh, amountSats: 100_000n });
  await env.bitcoin.mine({ blocks: 1 });
  const [hardhat0] = (await rpc(env.evmUrl, 'eth_accounts', [])) as string[];
  await rpc(env.evmUrl, 'eth_sendTransaction', [{ from: hardhat0, to: addresses.eth, value: '0xde0b6b3a7640000' }]);
  await rpc(env.solanaUrl, 'requestAirdrop', [addresses.sol, 2_000_000_000]);
  assert.equal(await balance('balance-btc-BTC'), 100_000n);
  assert.equal(await balance('balance-eth-ETH'), 10n ** 18n);
  assert.equal(await balance('balance-sol-SOL'), 2_000_000_000n);
  await page.screenshot({ path: join(SCREENSHOTS, 'overview-desktop.png'), fullPage: true });
});

test('a bad address is refused in the form, as it is typed', async () => {
  await page.click(tid('nav-send'));
  await page.selectOption(tid('send-chain'), 'btc');
  await page.fill(tid('send-amount'), '0.0001');
  await page.fill(tid('send-to'), addresses.btc_p2wpkh.slice(0, -1) + (addresses.btc_p2wpkh.endsWith('q') ? 'p' : 'q'));
  assert.match(await text('send-to-error'), /checksum|Invalid/i);
  assert.equal(await page.locator(tid('send-review')).isDisabled(), true);
  await page.fill(tid('send-to'), 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq'); // a mainnet address on regtest
  assert.notEqual(await text('send-to-error'), 'A valid address for this network.');
  assert.equal(await page.locator(tid('send-review')).isDisabled(), true);
  await page.selectOption(tid('send-chain'), 'eth');
  await page.fill(tid('send-to'), '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'); // EIP-55 checksum typo
  assert.match(await text('send-to-error'), /checksum/i);
  assert.equal(await page.locator(tid('send-review')).isDisabled(), true);
  await page.fill(tid('send-to'), '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
  assert.equal(await text('send-to-error'), 'A valid address for this network.');
  assert.equal(await page.locator(tid('send-review')).isDisabled(), false);
  await page.screenshot({ path: join(SCREENSHOTS, 'send-desktop.png'), fullPage: true });
});

test('sends BTC, ETH and SOL through the review, and the balances and history change', async () => {
  // BTC: 20,000 sats from the P2WPKH address to the user's own Taproot address.
  const btcTxid = await send({ chain: 'btc', to: addresses.btc_p2tr, amount: '0.0002', screenshot: 'review-desktop.png' });
  assert.match(btcTxid, /^[0-9a-f]{64}$/);
  await page.screenshot({ path: join(SCREENSHOTS, 'sent-desktop.png'), fullPage: true });
  assert.notEqual(await env.bitcoin.getTransaction(btcTxid), null, 'the regtest chain has the transaction');
  await env.bitcoin.mine({ blocks: 1 });
  assert.equal(await balance('balance-btc-BTC-p2tr'), 20_000n);
  const btcLeft = await balance('balance-btc-BTC');
  assert.ok(btcLeft < 80_000n && btcLeft > 70_000n, `P2WPKH keeps 80,000 sats less the fee, got ${btcLeft}`);

  // ETH: 0.25 ETH to Hardhat's account #1.
  const hardhat1 = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
  const before1 = BigInt(await rpc(env.evmUrl, 'eth_getBalance', [hardhat1, 'latest']));
  const ethTx = await send({ chain: 'eth', to: hardhat1, amount: '0.25' });
  assert.match(ethTx, /^0x[0-9a-f]{64}$/);
  const receipt = await rpc(env.evmUrl, 'eth_getTransactionReceipt', [ethTx]);
  assert.equal(receipt.status, '0x1');
  assert.equal(BigInt(await rpc(env.evmUrl, 'eth_getBalance', [hardhat1, 'latest'])) - before1, 25n * 10n ** 16n);
  assert.equal(await balance('balance-eth-ETH'), BigInt(await rpc(env.evmUrl, 'eth_getBalance', [addresses.eth, 'latest'])));

  // SOL: 0.5 SOL to a fresh address.
  const recipient = base58.encode(ed25519.getPublicKey(new Uint8Array(32).fill(7)));
  const solSig = await send({ chain: 'sol', to: recipient, amount: '0.5' });
  assert.match(solSig, /^[1-9A-HJ-NP-Za-km-z]{64,88}$/);
  assert.equal((await rpc(env.solanaUrl, 'getBalance', [recipient])).value, 500_000_000);
  assert.equal(await balance('balance-sol-SOL'), 2_000_000_000n - 500_000_000n - 5_000n);

  await page.click(tid('nav-history'));
  await page.waitForSelector(tid('history-table'), { timeout: 300_000 });
  const txids = await page.locator(tid('history-txid')).allTextContents();
  for (const id of [btcTxid, ethTx, solSig])
    assert.ok(
      txids.some((t) => t.trim() === id),
      `history lists ${id}`,
    );
  assert.equal(await page.locator(tid('history-row-btc')).count(), 1);
  assert.equal(await page.locator(tid('history-row-eth')).count(), 1);
  assert.equal(await page.locator(tid('history-row-sol')).count(), 1);
  assert.equal((await page.locator(tid('history-total')).textContent())?.trim(), '3 transactions');
  assert.equal(await page.locator(tid('history-older')).count(), 0, 'all three are shown: nothing older to load');
  await page.screenshot({ path: join(SCREENSHOTS, 'history-desktop.png'), fullPage: true });
});

test('the audit screen proves each of the user’s signatures against the certified head', async () => {
  await page.click(tid('nav-audit'));
  await page.waitForSelector(tid('audit-head'), { timeout: 300_000 });
  assert.match(await text('audit-head'), /^Certified head: \d+ entries$/);
  const statuses = await page.locator(tid('audit-entry-status')).allTextContents();
  assert.ok(statuses.length >= 3, `at least the three sends' signatures, got ${statuses.length}`);
  assert.deepEqual(new Set(statuses.map((s) => s.trim())), new Set(['proven']));
  await page.screenshot({ path: join(SCREENSHOTS, 'audit-desktop.png'), fullPage: true });
});

test('every screen at phone width, in the dark theme', async () => {
  await page.click(tid('nav-settings'));
  await page.check(tid('theme-dark'));
  await page.screenshot({ path: join(SCREENSHOTS, 'settings-desktop.png'), fullPage: true });
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  await page.setViewportSize({ width: 390, height: 844 });
  for (const screen of ['overview', 'receive', 'send', 'history', 'audit', 'settings']) {
    await page.click(tid(`nav-${screen}`));
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${screen} fits a 390 px wide screen (overflow ${overflow} px)`);
    await page.screenshot({ path: join(SCREENSHOTS, `${screen}-phone.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.check(tid('theme-light'));
});

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

test("every screen passes axe-core's WCAG 2.1 A and AA rules, in the light and the dark theme", async () => {
  // The app's CSP rightly refuses the injected axe script: a second page, with the same stored local
  // identity, bypasses CSP for the audit only.
  const context = await browser.newContext({ bypassCSP: true, storageState: await page.context().storageState() });
  const audited = await context.newPage();
  const problems: string[] = [];
  try {
    await audited.goto(env.appUrl);
    await audited.waitForSelector(tid('address-sol-value'), { timeout: 300_000 });
    await audited.addScriptTag({ path: AXE });
    for (const theme of ['light', 'dark'] as const) {
      await audited.click(tid('nav-settings'));
      await audited.check(tid(`theme-${theme}`));
      for (const screen of ['overview', 'receive', 'send', 'history', 'audit', 'settings']) {
        await audited.click(tid(`nav-${screen}`));
        await audited.waitForTimeout(500);
        const violations = await audited.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> };
            }
          ).axe;
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        problems.push(...violations.map((v) => `${screen} (${theme}): ${v}`));
      }
    }
  } finally {
    await context.close();
  }
  assert.deepEqual(problems, []);
});

test('no request left for a third-party host: every one went to the devnet on this machine', async () => {
  const hosts = new Set(requested.filter((url) => /^https?:/.test(url)).map((url) => new URL(url).host));
  assert.ok(requested.length > 20, `the app made its requests (${requested.length})`);
  assert.ok(hosts.has(new URL(env.appUrl).host), 'the app came from the gateway');
  for (const host of hosts) assert.match(host, /^(127\.0\.0\.1|([a-z0-9-]+\.)?localhost):[0-9]+$/, `${host} is the devnet`);
});

test('a tampered asset is refused by the gateway', async () => {
  const script = initialJs().files[0].path;
  const canisterId = env.frontendId.toText();
  const good = await gatewayGet({ port: env.port, canisterId, path: script, acceptEncoding: 'identity' });
  assert.equal(good.status, 200);
  // Flip one byte of the stored identity encoding in the canister's stable memory: the certified
  // tree still commits to the original hash.
  const marker = new TextEncoder().encode('Sign in with a local identity');
  const memory = await env.pic.getStableMemory(env.frontendId);
  // Every stored copy (the committed encoding, and any staging the store keeps).
  let copies = 0;
  for (let i = 0; i + marker.length <= memory.length; i++) {
    if (memory[i] === marker[0] && marker.every((b, j) => memory[i + j] === b)) {
      memory[i] = 's'.charCodeAt(0);
      copies++;
    }
  }
  assert.ok(copies > 0, 'the script is in stable memory');
  await env.pic.setStableMemory(env.frontendId, memory);
  const bad = await gatewayGet({ port: env.port, canisterId, path: script, acceptEncoding: 'identity' });
  assert.equal(bad.status, 503, `the gateway refuses the tampered script (${bad.body.slice(0, 200)})`);
  // The gzip encoding, stored apart and untouched, is still served: the refusal is the tamper's.
  assert.equal((await gatewayGet({ port: env.port, canisterId, path: script, acceptEncoding: 'gzip' })).status, 200);
});
