/**
 * What PocketIC's `POST /http_gateway` starts: an HTTP server on its own loopback port for one
 * instance, serving the IC HTTP interface under `/api/` (what agents call, e.g. `HttpAgent` with
 * `host: http://127.0.0.1:<port>`) and the HTTP gateway for everything else
 * (`http://<canister-id>.localhost:<port>/…`, or `?canisterId=`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Principal } from '@icp-sdk/core/principal';
import { IcError } from '../ic/errors.ts';
import { icErrorResult, type CallResult, type Instance } from '../ic/instance.ts';
import { serveGateway } from './gateway.ts';
import { isLoopbackHost } from './guard.ts';
import { IcHttpInterface } from './interface.ts';

/** Largest request body the gateway and the HTTP interface read (the IC's ingress limit is 2 MiB, plus envelope). */
const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** How long a gateway update call (http_request_update) may take on a live instance. */
const UPDATE_TIMEOUT_MS = 60_000;

export class GatewayServer {
  readonly instance: Instance;
  readonly api: IcHttpInterface;
  private server: Server | null = null;
  private readonly isLive: () => boolean;
  private readonly touch: () => void;
  port = 0;

  constructor(args: { instance: Instance; isLive: () => boolean; touch?: () => void }) {
    this.instance = args.instance;
    this.isLive = args.isLive;
    this.touch = args.touch ?? (() => {});
    this.api = new IcHttpInterface(args.instance);
  }

  async listen(args: { port?: number; host?: string } = {}): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    // Longer than clients keep idle sockets (undici: 4 s), so a client never sends on a socket the
    // server is closing at that moment (a "fetch failed" under load).
    this.server.keepAliveTimeout = 65_000;
    this.server.headersTimeout = 66_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(args.port ?? 0, args.host ?? '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('invariant: gateway server has no TCP address');
    this.port = addr.port;
    return this.port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeIdleConnections();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = null;
  }

  /** Submit an update call and wait for its result; a live instance runs rounds on its own. */
  runUpdate = async (args: { sender?: Principal; canisterId: Principal; method: string; arg: Uint8Array }): Promise<CallResult> => {
    let id: string;
    try {
      id = this.instance.submitIngress({
        sender: args.sender ?? Principal.anonymous(),
        canisterId: args.canisterId,
        method: args.method,
        arg: args.arg,
        effectiveSubnet: null,
      });
    } catch (e) {
      if (e instanceof IcError) return icErrorResult(e);
      throw e;
    }
    if (!this.isLive()) return this.instance.awaitIngress(id);
    const deadline = Date.now() + UPDATE_TIMEOUT_MS;
    for (;;) {
      const r = this.instance.ingressStatus(id);
      if (r) return r;
      if (Date.now() > deadline) {
        return {
          kind: 'reject',
          code: 2,
          message: `http_request_update did not complete within ${UPDATE_TIMEOUT_MS} ms`,
          errorCode: 'IngressHistoryFull',
        };
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  };

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.touch();
    try {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > MAX_REQUEST_BYTES) {
          res.writeHead(413, { 'content-type': 'text/plain' });
          res.end(`Request body exceeds ${MAX_REQUEST_BYTES} bytes\n`);
          return;
        }
        chunks.push(c as Buffer);
      }
      const body = new Uint8Array(Buffer.concat(chunks));
      const url = req.url ?? '/';
      const path = url.split('?')[0];
      const method = req.method ?? 'GET';
      if (IcHttpInterface.handles(path)) {
        const out = await this.api.handle({ method, path, body, contentType: req.headers['content-type'] });
        res.writeHead(out.status, out.headers);
        res.end(out.body);
        return;
      }
      // A page served to a browser: refuse names that could have been rebound to 127.0.0.1.
      if (!isLoopbackHost(req.headers.host, { allowSubdomains: true })) {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end(`Host ${JSON.stringify(req.headers.host ?? '')} is not served: use http://<canister-id>.localhost:${this.port}/\n`);
        return;
      }
      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
      const out = await serveGateway({
        instance: this.instance,
        request: { method, url, host: req.headers.host ?? '', headers, body },
        runUpdate: (a) => this.runUpdate(a),
      });
      const outHeaders: [string, string][] = [...out.headers, ['content-length', String(out.body.length)]];
      res.writeHead(out.status, outHeaders.flat());
      res.end(method === 'HEAD' ? undefined : out.body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`devnet gateway: internal error: ${(e as Error).message}\n`);
    }
  }
}
