/**
 * `pocket-ic` command line, as the PocketIC server binary accepts it:
 *   --port-file FILE   write the port there once listening (several clients of one parent
 *                      process share one server: if FILE names a live server, this exits at once)
 *   --port N           listen on N (default: any free port)
 *   --ip-addr ADDR     listen address (default 127.0.0.1; only loopback is accepted)
 *   --ttl SECONDS      exit after this long without requests (default 60, as PocketIC)
 *   --live             also create one instance live (NNS + application subnet), with the IC HTTP
 *                      interface and HTTP gateway on their own port, printed on stdout
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { startDevnet } from './devnet.ts';

interface Args {
  portFile: string | null;
  port: number;
  ip: string;
  ttl: number;
  live: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { portFile: null, port: 0, ip: '127.0.0.1', ttl: 60, live: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const need = () => {
      if (value === undefined) fail(`${flag} needs a value`);
      i++;
      return value!;
    };
    switch (flag) {
      case '--port-file':
        args.portFile = need();
        break;
      case '--port':
      case '-p':
        args.port = intArg(flag, need());
        break;
      case '--ip-addr':
        args.ip = need();
        if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(args.ip)) fail(`--ip-addr ${args.ip}: the devnet binds to loopback only`);
        break;
      case '--ttl':
        args.ttl = intArg(flag, need());
        break;
      case '--live':
        args.live = true;
        break;
      case '--version':
      case '-V':
        process.stdout.write('pocket-ic-server 10.0.0 (devnet)\n');
        process.exit(0);
        break;
      case '--help':
      case '-h':
        process.stdout.write('usage: pocket-ic [--port-file FILE] [--port N] [--ip-addr ADDR] [--ttl SECONDS] [--live]\n');
        process.exit(0);
        break;
      default:
        fail(`unknown argument ${flag}`);
    }
  }
  return args;
}

function intArg(flag: string, v: string): number {
  if (!/^\d+$/.test(v)) fail(`${flag} expects a non-negative integer, got ${v}`);
  return Number(v);
}

function fail(message: string): never {
  process.stderr.write(`pocket-ic (devnet): ${message}\n`);
  process.exit(2);
}

/** Does a devnet already answer on the port written in `file`? */
async function liveServerIn(file: string): Promise<boolean> {
  let port: number;
  try {
    port = Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return false;
  }
  if (!Number.isInteger(port) || port <= 0) return false;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.portFile && (await liveServerIn(args.portFile))) return;
  const devnet = await startDevnet({ port: args.port, host: args.ip, live: args.live });
  let ownsPortFile = false;
  if (args.portFile) {
    if (await liveServerIn(args.portFile)) {
      await devnet.stop();
      return;
    }
    rmSync(args.portFile, { force: true });
    // Write the port then the newline only once complete, so a reader never sees half a number.
    const fd = openSync(args.portFile, 'wx');
    writeSync(fd, `${devnet.port}\n`);
    closeSync(fd);
    ownsPortFile = true;
  } else {
    process.stdout.write(`${devnet.url}\n`);
  }
  if (devnet.live) process.stdout.write(`live instance ${devnet.live.instanceId}: ${devnet.live.httpInterfaceUrl}\n`);
  const shutdown = async () => {
    if (ownsPortFile && args.portFile) rmSync(args.portFile, { force: true });
    await devnet.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  setInterval(() => {
    if (devnet.idleSeconds() > args.ttl) void shutdown();
  }, 1000).unref();
}

void main().catch((e) => {
  process.stderr.write(`pocket-ic (devnet): ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
