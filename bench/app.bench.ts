/**
 * The web app: its initial JavaScript, gzipped (what a first visit downloads before the app runs;
 * target ≤ 250 KB), and the time from navigation to the four addresses visible in headless
 * Chromium, through the devnet's HTTP gateway (certification verified), for a first visit (sign-in
 * clicked as soon as it shows; the wallet derives the addresses) and for returning visits (the
 * local identity is stored, the addresses come from cached_addresses). Target ≤ 1.5 s.
 */
import { buildApp, initialJs } from '../scripts/build-app.ts';
import { launchChromium, startE2eDevnet } from '../test/e2e/support.ts';

export async function runAppBench(out: (line: string) => void): Promise<void> {
  buildApp();
  const js = initialJs();
  for (const f of js.files) out(`initial JS ${f.path}: ${(f.bytes / 1024).toFixed(1)} KiB, ${(f.gzipBytes / 1024).toFixed(1)} KiB gzipped`);
  out(`initial JS total: ${(js.gzipBytes / 1024).toFixed(1)} KiB gzipped (target ≤ 250 KB)`);

  const env = await startE2eDevnet();
  const browser = await launchChromium();
  try {
    const times: { first: number[]; returning: number[] } = { first: [], returning: [] };
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      let started = performance.now();
      await page.goto(env.appUrl);
      await page.click('[data-tid="sign-in-local"]');
      await page.waitForSelector('[data-tid="address-sol-value"]', { timeout: 300_000 });
      times.first.push(performance.now() - started);
      for (let again = 0; again < 3; again++) {
        started = performance.now();
        await page.goto(env.appUrl);
        await page.waitForSelector('[data-tid="address-sol-value"]', { timeout: 300_000 });
        times.returning.push(performance.now() - started);
      }
      await context.close();
    }
    const summary = (ms: number[]) => {
      const sorted = [...ms].sort((a, b) => a - b);
      return `median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms, min ${sorted[0].toFixed(0)} ms, max ${sorted[sorted.length - 1].toFixed(0)} ms (${ms.length} runs)`;
    };
    out(`navigation to addresses visible, first visit (new identity, sign-in clicked): ${summary(times.first)}`);
    out(`navigation to addresses visible, returning visit (stored identity): ${summary(times.returning)} (target ≤ 1.5 s)`);
  } finally {
    await browser.close();
    await env.stop();
  }
}

if (import.meta.main) await runAppBench((line) => process.stdout.write(`${line}\n`));
