/**
 * Reads and writes the deployment record `npm start` leaves at `.devnet/deployment.json`
 * (format: src/lib/deployment.ts). `writeDeploymentFile` is what `npm start` calls after deploying.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEPLOYMENT_FILE, InvalidDeploymentError, parseDeployment, type Deployment } from '../src/lib/deployment.ts';
import { CliError } from './exit-codes.ts';

/** The project's deployment file: `.devnet/deployment.json` beside package.json. */
export const DEFAULT_DEPLOYMENT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', DEPLOYMENT_FILE);

/** The deployment at `path`, or `undefined` if there is none. @throws {CliError} 'config' for a broken file. */
export function readDeploymentFile(path: string = DEFAULT_DEPLOYMENT_PATH): Deployment | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return parseDeployment(JSON.parse(readFileSync(path, 'utf8')));
  } catch (error) {
    const why = error instanceof InvalidDeploymentError ? error.details : (error as Error).message;
    throw new CliError('config', `${path} is not a valid deployment record (${why}); run npm start again`, { cause: error });
  }
}

/** Writes (atomically replaces) the deployment record. */
export function writeDeploymentFile(deployment: Deployment, path: string = DEFAULT_DEPLOYMENT_PATH): void {
  const checked = parseDeployment(deployment);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(checked, null, 2)}\n`);
  renameSync(temporary, path);
}
