/**
 * Starts a PocketIC server for a test file with the standard `@dfinity/pic` client. It is the
 * devnet (devnet/bin/pocket-ic) unless POCKET_IC_BIN already names another binary, such as a real
 * PocketIC server: the same test file then runs unchanged against it.
 */
import { after, before } from 'node:test';
import { join } from 'node:path';
import { PocketIc, PocketIcServer } from '@dfinity/pic';
import { ROOT } from '../fixtures/build.ts';

export const DEVNET_BIN = join(ROOT, 'devnet', 'bin', 'pocket-ic');

/** True when the tests run against the devnet rather than a real PocketIC binary. */
export const onDevnet = !process.env.POCKET_IC_BIN || process.env.POCKET_IC_BIN === DEVNET_BIN;

export async function startServer(): Promise<PocketIcServer> {
  return PocketIcServer.start({ binPath: process.env.POCKET_IC_BIN ?? DEVNET_BIN, ttl: 60 });
}

/** A server (`startServer`) with one PocketIC instance on it: what most test files start before their tests. */
export async function startInstance(): Promise<{ server: PocketIcServer; pic: PocketIc }> {
  const server = await startServer();
  return { server, pic: await PocketIc.create(server.getUrl()) };
}

/** Tears down what `startInstance` started; either may be missing when the start failed. */
export async function stopInstance({ server, pic }: { server?: PocketIcServer; pic?: PocketIc }): Promise<void> {
  await pic?.tearDown();
  await server?.stop();
}

/**
 * For a test file whose tests each create instances of their own: registers the hooks that start a
 * server before the tests and, after them, tear down every instance `newPic` made and the server.
 */
export function serverForInstances(): {
  url: () => string;
  newPic: (options?: Parameters<typeof PocketIc.create>[1]) => Promise<PocketIc>;
} {
  let server: PocketIcServer | undefined;
  const instances: PocketIc[] = [];
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    for (const p of instances) await p.tearDown();
    await server?.stop();
  });
  const url = () => {
    if (!server) throw new Error('invariant: the server starts before the tests');
    return server.getUrl();
  };
  return {
    url,
    newPic: async (options) => {
      const p = await PocketIc.create(url(), options);
      instances.push(p);
      return p;
    },
  };
}
