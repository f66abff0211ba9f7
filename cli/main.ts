/**
 * `wallet`: the wallet's command line (issue 8, item 6). Run through cli/bin/wallet.
 * Prints a result (text, or one JSON object with --json) on stdout, one error sentence on stderr,
 * and exits with a code of cli/exit-codes.ts.
 */
import { resolve } from 'node:path';
import { NETWORKS, type Network } from '../src/lib/deployment.ts';
import { WalletError } from '../src/lib/errors.ts';
import { parseArgs } from './args.ts';
import { configDir } from './config-dir.ts';
import type { Context, OptionValues } from './context.ts';
import { DEFAULT_DEPLOYMENT_PATH } from './deployment-file.ts';
import { CliError, EXIT, type CliErrorKind } from './exit-codes.ts';
import { toJson } from './json.ts';

const stdout = (text: string) => process.stdout.write(`${text}\n`);
const stderr = (text: string) => process.stderr.write(`${text}\n`);

function reportError(error: unknown, json: boolean): number {
  let kind: Exclude<CliErrorKind, 'ok'>;
  let message: string;
  if (error instanceof CliError) {
    kind = error.kind;
    message = error.message;
  } else if (error instanceof WalletError) {
    // A typed error of the project's libraries reached here: bad input the command passed on.
    kind = 'usage';
    message = error.message;
  } else {
    kind = 'canister';
    message = `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (json) stderr(toJson({ error: { kind, exitCode: EXIT[kind], message } }));
  else stderr(`wallet: ${message}`);
  return EXIT[kind];
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  try {
    const parsed = parseArgs(argv);
    if (parsed.kind === 'help') {
      stdout(parsed.text);
      return EXIT.ok;
    }
    const ctx = contextOf(parsed.options, parsed.args);
    const result = await parsed.command.run(ctx);
    stdout(ctx.json ? toJson(result.json) : result.text);
    return result.exitCode ?? EXIT.ok;
  } catch (error) {
    return reportError(error, json);
  }
}

function contextOf(options: OptionValues, args: string[]): Context {
  const network = (options.network ?? 'local') as string;
  if (!NETWORKS.includes(network as Network)) throw new CliError('usage', `--network must be local or ic, got "${network}"`);
  return {
    args,
    options,
    network: network as Network,
    json: options.json === true,
    configDir: configDir(),
    deploymentPath: typeof options.deployment === 'string' ? resolve(options.deployment) : DEFAULT_DEPLOYMENT_PATH,
  };
}

process.exitCode = await main(process.argv.slice(2));
