/**
 * JSON-RPC providers that misbehave, for the wallet's multi-provider tests: a real HTTP server on
 * 127.0.0.1 (the devnet forwards outcalls to loopback only) whose paths answer
 *   /garbage/...       200 with an HTML page, as a provider's error page or captive portal would;
 *   /huge/...          200 with a valid JSON-RPC answer padded to 100 kB;
 *   /skew/<url>        the request forwarded to <url>, every hex quantity in the result plus one
 *                      (a provider that is one block ahead, or lying);
 *   /proxy/<url>       the request forwarded to <url> unchanged.
 */
import { createServer, type Server } from 'node:http';

export interface MisbehavingProviders {
  url: string;
  /** Requests each path kind received. */
  hits: Record<'garbage' | 'huge' | 'skew' | 'proxy', number>;
  close(): Promise<void>;
}

function skew(value: unknown): unknown {
  if (typeof value === 'string' && /^0x[0-9a-f]{1,16}$/i.test(value)) return `0x${(BigInt(value) + 1n).toString(16)}`;
  if (Array.isArray(value)) return value.map(skew);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, skew(v)]));
  return value;
}

export async function startMisbehavingProviders(): Promise<MisbehavingProviders> {
  const hits = { garbage: 0, huge: 0, skew: 0, proxy: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '/';
        const kind = path.split('/')[1] as keyof typeof hits;
        if (kind in hits) hits[kind]++;
        if (kind === 'garbage') {
          res.writeHead(200, { 'content-type': 'text/html' });
          res.end('<html><body>502 Bad Gateway</body></html>');
          return;
        }
        if (kind === 'huge') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ jsonrpc: '2.0', id: 1, result: '0x1', padding: 'x'.repeat(100_000) }));
          return;
        }
        if (kind === 'skew' || kind === 'proxy') {
          const target = decodeURIComponent(path.slice(kind.length + 2));
          const upstream = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const answer = (await upstream.json()) as { result?: unknown };
          if (kind === 'skew' && 'result' in answer) answer.result = skew(answer.result);
          res.writeHead(upstream.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(answer));
          return;
        }
        res.writeHead(404);
        res.end();
      })().catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
