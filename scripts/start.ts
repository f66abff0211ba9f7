/**
 * `npm start`: builds what exists, starts the devnet (PocketIC-compatible server and its system
 * services) on loopback, prints where everything is, and runs until Ctrl-C.
 */
import { startDevnet } from '../devnet/src/devnet.ts';

const port = Number(process.env.DEVNET_PORT ?? 4943);
const devnet = await startDevnet({ port, withChains: true });
process.stdout.write(`devnet: PocketIC-compatible server at ${devnet.url}\n`);
for (const line of devnet.describe()) process.stdout.write(`devnet: ${line}\n`);
process.stdout.write('devnet: use it with @dfinity/pic: PocketIc.create(url); Ctrl-C stops everything\n');

const stop = async () => {
  await devnet.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
