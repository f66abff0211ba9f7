/**
 * Starts a PocketIC server for a test file with the standard `@dfinity/pic` client. It is the
 * devnet (devnet/bin/pocket-ic) unless POCKET_IC_BIN already names another binary, such as a real
 * PocketIC server: the same test file then runs unchanged against it.
 */
import { join } from 'node:path';
import { PocketIcServer } from '@dfinity/pic';
import { ROOT } from '../fixtures/build.ts';

export const DEVNET_BIN = join(ROOT, 'devnet', 'bin', 'pocket-ic');

/** True when the tests run against the devnet rather than a real PocketIC binary. */
export const onDevnet = !process.env.POCKET_IC_BIN || process.env.POCKET_IC_BIN === DEVNET_BIN;

export async function startServer(): Promise<PocketIcServer> {
  return PocketIcServer.start({ binPath: process.env.POCKET_IC_BIN ?? DEVNET_BIN, ttl: 60 });
}
