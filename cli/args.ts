/**
 * The command line parser: command words first or anywhere among flags, `--flag value` or
 * `--flag=value`, `-h` for `--help`, and `--` ending the flags. A flag unknown to the command is
 * a usage error, never ignored.
 */
import { COMMANDS, GLOBAL_OPTIONS, GROUPS, type CommandSpec, type OptionSpec } from './commands.ts';
import type { OptionValues } from './context.ts';
import { CliError } from './exit-codes.ts';

export type Parsed =
  { kind: 'run'; command: CommandSpec; args: string[]; options: OptionValues } | { kind: 'help'; text: string; options: OptionValues };

/** Every flag any command has, so a flag's value is consumed before the command is known. */
function allOptions(): Record<string, OptionSpec> {
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const command of COMMANDS) Object.assign(all, command.options);
  return all;
}

export function parseArgs(argv: readonly string[]): Parsed {
  const known = allOptions();
  const options: OptionValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (token === '-h') {
      options.help = true;
      continue;
    }
    if (!token.startsWith('--') || token === '--') {
      if (token.startsWith('-') && token.length > 1) throw new CliError('usage', `unknown flag ${token} (see wallet --help)`);
      positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.slice(2) : token.slice(2, eq);
    const spec = known[name];
    if (!spec) throw new CliError('usage', `unknown flag --${name} (see wallet --help)`);
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new CliError('usage', `--${name} takes no value`);
      options[name] = true;
    } else {
      const value = eq !== -1 ? token.slice(eq + 1) : argv[++i];
      if (value === undefined || (eq === -1 && value.startsWith('--')))
        throw new CliError('usage', `--${name} needs a value (<${spec.value}>)`);
      options[name] = value;
    }
  }

  const command = COMMANDS.find((c) => c.words.every((w, i) => positionals[i] === w));
  if (!command) {
    if (positionals.length === 0 || positionals[0] === 'help') {
      const topic = positionals.slice(positionals[0] === 'help' ? 1 : 0);
      return { kind: 'help', text: helpFor(topic), options };
    }
    if (positionals[0] in GROUPS) {
      if (options.help || positionals.length === 1) return { kind: 'help', text: groupHelp(positionals[0]), options };
      throw new CliError('usage', `unknown command "wallet ${positionals[0]} ${positionals[1]}" (see wallet ${positionals[0]} --help)`);
    }
    throw new CliError('usage', `unknown command "${positionals[0]}" (see wallet --help)`);
  }
  if (options.help) return { kind: 'help', text: commandHelp(command), options };

  for (const name of Object.keys(options)) {
    if (!(name in GLOBAL_OPTIONS) && !(name in command.options)) {
      throw new CliError(
        'usage',
        `--${name} is not a flag of wallet ${command.words.join(' ')} (see wallet ${command.words.join(' ')} --help)`,
      );
    }
  }
  const args = positionals.slice(command.words.length);
  // An argument written "[…]" or "<a> … | <b> …" takes a variable number of words; the command checks them.
  const variadic = command.args.some((a) => a.startsWith('[') || a.includes('|'));
  if (variadic ? args.length > 8 : args.length !== command.args.length) {
    throw new CliError('usage', `usage: ${usageLine(command)} (see wallet ${command.words.join(' ')} --help)`);
  }
  return { kind: 'run', command, args, options };
}

function usageLine(command: CommandSpec): string {
  return ['wallet', ...command.words, ...command.args, '[flags]'].join(' ');
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`--${name}${o.value ? ` <${o.value}>` : ''}`, o.help]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, help]) => `  ${flag.padEnd(width)}  ${help}`);
}

export function commandHelp(command: CommandSpec): string {
  const lines = [`usage: ${usageLine(command)}`, '', `${command.summary[0].toUpperCase()}${command.summary.slice(1)}.`];
  if (command.details) lines.push('', command.details);
  if (Object.keys(command.options).length > 0) lines.push('', 'flags:', ...optionLines(command.options));
  lines.push('', 'global flags:', ...optionLines(GLOBAL_OPTIONS));
  return lines.join('\n');
}

function groupHelp(group: string): string {
  const commands = COMMANDS.filter((c) => c.words[0] === group);
  const width = Math.max(...commands.map((c) => [...c.words, ...c.args].join(' ').length));
  return [
    `usage: wallet ${group} <command> [flags]`,
    '',
    `${GROUPS[group][0].toUpperCase()}${GROUPS[group].slice(1)}:`,
    ...commands.map((c) => `  ${[...c.words, ...c.args].join(' ').padEnd(width)}  ${c.summary}`),
    '',
    `Run "wallet ${group} <command> --help" for a command's flags.`,
  ].join('\n');
}

function helpFor(topic: string[]): string {
  if (topic.length === 0) return mainHelp();
  const command = COMMANDS.find((c) => c.words.length === topic.length && c.words.every((w, i) => topic[i] === w));
  if (command) return commandHelp(command);
  if (topic.length === 1 && topic[0] in GROUPS) return groupHelp(topic[0]);
  throw new CliError('usage', `no help for "${topic.join(' ')}" (see wallet --help)`);
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => [...c.words, ...c.args].join(' ').length));
  return [
    'usage: wallet <command> [flags]',
    '',
    'A command line for the ICP multi-chain wallet canister.',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${[...c.words, ...c.args].join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'global flags:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'exit codes:',
    '  0  done (a check: everything verified)',
    '  1  a check failed (an address, proof, certificate or log that does not verify)',
    '  2  wrong command line',
    '  3  missing or unusable local state (identity, deployment record, key or input file)',
    '  4  the wallet canister or the network failed, or the wallet returned an error',
    '  5  the wallet canister does not offer this yet',
    '',
    'Identities live in $XDG_CONFIG_HOME/icp-wallet (default ~/.config/icp-wallet).',
    'Run "wallet <command> --help" for a command\'s flags.',
  ].join('\n');
}
