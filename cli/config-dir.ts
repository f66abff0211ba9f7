/**
 * Where the CLI keeps its state: $XDG_CONFIG_HOME/icp-wallet, or ~/.config/icp-wallet when
 * XDG_CONFIG_HOME is unset, empty or relative (XDG Base Directory Specification). Identities are
 * PEM files in `identities/` (mode 0600, directories 0700); `config.json` names the selected one.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CliError } from './exit-codes.ts';

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'icp-wallet');
}

/** Creates `dir` (and parents) if needed; the directories this CLI owns are 0700. */
export function ensurePrivateDir(dir: string): void {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** The CLI's settings file. */
export type Settings = { identity?: string };

export function readSettings(dir: string): Settings {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new CliError('config', `${path} is not valid JSON; fix or delete it`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new CliError('config', `${path} is not a JSON object; fix or delete it`);
  const identity = (parsed as Record<string, unknown>).identity;
  return typeof identity === 'string' ? { identity } : {};
}

export function writeSettings(dir: string, settings: Settings): void {
  ensurePrivateDir(dir);
  const path = join(dir, 'config.json');
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
