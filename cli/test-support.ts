/**
 * Runs the `wallet` command line as a user does: cli/bin/wallet as a child process, with its own
 * config directory. For the CLI's tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WALLET_BIN = join(dirname(fileURLToPath(import.meta.url)), 'bin', 'wallet');

export type Run = { status: number | null; stdout: string; stderr: string };

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** `wallet ...args` with XDG_CONFIG_HOME = `configHome`, HOME pointed at it too, so nothing of the real user is touched. */
export function wallet(args: string[], { configHome, cwd }: { configHome: string; cwd?: string }): Run {
  const r = spawnSync(WALLET_BIN, args, {
    encoding: 'utf8',
    cwd,
    env: { PATH: process.env.PATH, XDG_CONFIG_HOME: configHome, HOME: configHome },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * `wallet` without blocking this process: for a devnet running in this same process, which must
 * keep answering the child's requests while it runs.
 */
export function walletAsync(args: string[], { configHome }: { configHome: string }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(WALLET_BIN, args, { env: { PATH: process.env.PATH, XDG_CONFIG_HOME: configHome, HOME: configHome } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill(), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
