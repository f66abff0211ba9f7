/**
 * `wallet identity new|import|list|use`: keys in the config directory, never printed.
 */
import { readSettings, writeSettings } from '../config-dir.ts';
import type { CommandResult, Context } from '../context.ts';
import { stringOption } from '../context.ts';
import { CliError } from '../exit-codes.ts';
import { createIdentity, identityInfo, importIdentity, KEY_TYPES, listIdentities, type KeyType } from '../identity-store.ts';

/** The first identity becomes the selected one, so a new user can call the wallet right away. */
function selectIfNone(ctx: Context, name: string): boolean {
  if (readSettings(ctx.configDir).identity !== undefined) return false;
  writeSettings(ctx.configDir, { ...readSettings(ctx.configDir), identity: name });
  return true;
}

export async function identityNew(ctx: Context): Promise<CommandResult> {
  const [name] = ctx.args;
  const type = stringOption(ctx, 'type') ?? 'ed25519';
  if (!(KEY_TYPES as readonly string[]).includes(type))
    throw new CliError('usage', `--type must be ${KEY_TYPES.join(' or ')}, got "${type}"`);
  const info = createIdentity({ configDir: ctx.configDir, name, type: type as KeyType });
  const selected = selectIfNone(ctx, name);
  return {
    json: { ...info, selected },
    text: `Created identity ${name} (${info.type}), principal ${info.principal}.${selected ? ' It is now the selected identity.' : ''}`,
  };
}

export async function identityImport(ctx: Context): Promise<CommandResult> {
  const [name, file] = ctx.args;
  const info = importIdentity({ configDir: ctx.configDir, name, file });
  const selected = selectIfNone(ctx, name);
  return {
    json: { ...info, selected },
    text: `Imported identity ${name} (${info.type}), principal ${info.principal}.${selected ? ' It is now the selected identity.' : ''}`,
  };
}

export async function identityList(ctx: Context): Promise<CommandResult> {
  const selected = readSettings(ctx.configDir).identity;
  const identities = listIdentities(ctx.configDir).map((i) => ({ ...i, selected: i.name === selected }));
  const width = Math.max(0, ...identities.map((i) => i.name.length));
  return {
    json: { identities },
    text:
      identities.length === 0
        ? 'No identities yet: create one with "wallet identity new <name>".'
        : identities.map((i) => `${i.selected ? '*' : ' '} ${i.name.padEnd(width)}  ${i.type.padEnd(9)}  ${i.principal}`).join('\n'),
  };
}

export async function identityUse(ctx: Context): Promise<CommandResult> {
  const [name] = ctx.args;
  const info = identityInfo({ configDir: ctx.configDir, name });
  writeSettings(ctx.configDir, { ...readSettings(ctx.configDir), identity: name });
  return { json: { ...info, selected: true }, text: `Selected identity ${name}, principal ${info.principal}.` };
}
