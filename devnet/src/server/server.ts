/**
 * The devnet's HTTP server: the PocketIC server's REST protocol, as `@dfinity/pic` speaks it
 * (instances, ingress submit/await/status, queries, time, cycles, stable memory with the blob
 * store, topology, HTTPS outcall mocking, auto progress). Every operation completes within its
 * request, so replies are 200 with the result (the protocol's 202 polling is never needed).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { Certifier } from '../ic/certification.ts';
import { IcError } from '../ic/errors.ts';
import { Instance, icErrorResult, type CallResult } from '../ic/instance.ts';
import { HttpOutcalls, httpRequestFee, type OutcallResponse } from '../ic/http-outcalls.ts';
import { defaultIngressAllowed, type ManagementServices, type ThresholdService } from '../ic/management.ts';
import { canisterIdFromIndex } from '../ic/ids.ts';
import { parseInstanceConfig } from './instance-config.ts';
import { BadRequest, parse, stringify, toBigInt } from './json.ts';
import { GatewayServer } from '../http/gateway-server.ts';
import { refuseAdminRequest } from '../http/guard.ts';

export interface DevnetOptions {
  /** Where canister debug_print lines go (PocketIC prints them to stderr). */
  log?: (line: string) => void;
  /** Builds the threshold-key service for an instance (devnet system services). */
  threshold?: () => ThresholdService & { signatureFee(args: { kind: 'ecdsa' | 'schnorr'; keyName: string }): bigint | null };
  /** Installs the devnet's system canisters (Bitcoin, …) into a new instance. */
  onInstanceCreated?: (instance: Instance) => void;
  /** Caps on what a client may make the server hold (defaults: `DEFAULT_CAPS`). */
  caps?: Partial<typeof DEFAULT_CAPS>;
  /** Extra routes (admin interfaces of system services), tried before the PocketIC routes. */
  extraRoutes?: (req: { method: string; path: string; body: Uint8Array }) => Promise<{ status: number; json: unknown } | null>;
}

/** Caps on request bodies (as sent, and once decompressed) and on the blob store's total size. */
export const DEFAULT_CAPS = { maxBodyBytes: 512 * 1024 * 1024, maxBlobStoreBytes: 1024 * 1024 * 1024 };

interface Live {
  timer: NodeJS.Timeout;
  busy: boolean;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const unb64 = (s: unknown, what: string): Uint8Array => {
  if (typeof s !== 'string') throw new BadRequest(`${what}: expected base64 text`);
  return new Uint8Array(Buffer.from(s, 'base64'));
};
const principalOf = (s: unknown, what: string): Principal => {
  const bytes = unb64(s, what);
  if (bytes.length > 29) throw new BadRequest(`${what}: not a principal (${bytes.length} bytes)`);
  return Principal.fromUint8Array(bytes);
};

export class DevnetServer {
  private readonly instances = new Map<number, Instance | null>();
  private readonly live = new Map<number, Live>();
  private readonly blobs = new Map<string, Uint8Array>();
  /** Instances that used a blob: it is freed with the last of them. */
  private readonly blobUsers = new Map<string, Set<number>>();
  private blobBytes = 0;
  private readonly caps: typeof DEFAULT_CAPS;
  private readonly outcalls = new HttpOutcalls();
  private nextInstance = 0;
  /** HTTP gateways (IC HTTP interface + canister gateway) started by POST /http_gateway. */
  private readonly gateways = new Map<number, GatewayServer | null>();
  private server: Server | null = null;
  private port = 0;
  private readonly options: DevnetOptions;
  /** Last time a request arrived, for the TTL. */
  lastActivity = Date.now();

  constructor(options: DevnetOptions = {}) {
    this.options = options;
    this.caps = { ...DEFAULT_CAPS, ...options.caps };
  }

  async listen(args: { port: number; host?: string }): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    // Long enough that clients (undici closes an idle socket 1 s before the server's hint) always
    // close idle connections first: a message that runs for seconds blocks this process, and a
    // server-side idle timer firing late would reset a socket the client has just written to.
    this.server.keepAliveTimeout = 120_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(args.port, args.host ?? '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    if (!addr || typeof addr === 'string') throw new Error('invariant: server has no TCP address');
    this.port = addr.port;
    return addr.port;
  }

  async close(): Promise<void> {
    for (const l of this.live.values()) clearInterval(l.timer);
    this.live.clear();
    await Promise.all([...this.gateways.values()].map((g) => g?.close()));
    this.gateways.clear();
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  instance(id: number): Instance {
    const inst = this.instances.get(id);
    if (inst === undefined) throw new BadRequest(`Instance ${id} not found`, 404);
    if (inst === null) throw new BadRequest(`Instance ${id} was deleted`, 410);
    return inst;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.lastActivity = Date.now();
    const refusal = refuseAdminRequest(req.headers, this.port);
    if (refusal) {
      req.resume();
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(stringify({ message: refusal }));
      return;
    }
    try {
      const max = this.caps.maxBodyBytes;
      const tooLarge = () => new BadRequest(`Request body exceeds the devnet's limit of ${max} bytes`, 413);
      if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req) {
        size += (c as Buffer).length;
        if (size > max) throw tooLarge();
        chunks.push(c as Buffer);
      }
      let body = new Uint8Array(Buffer.concat(chunks));
      if (req.headers['content-encoding'] === 'gzip') {
        try {
          body = new Uint8Array(gunzipSync(body, { maxOutputLength: max }));
        } catch (e) {
          if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
          throw new BadRequest(`Malformed gzip body: ${(e as Error).message}`);
        }
      }
      const path = (req.url ?? '/').split('?')[0];
      const method = req.method ?? 'GET';
      const extra = this.options.extraRoutes ? await this.options.extraRoutes({ method, path, body }) : null;
      const out: RouteResult = extra ?? (await this.route({ method, path, body }));
      if (out.raw !== undefined) {
        res.writeHead(out.status, { 'content-type': 'text/plain' });
        res.end(out.raw);
        return;
      }
      const text = out.json === undefined ? '' : stringify(out.json);
      res.writeHead(out.status, { 'content-type': 'application/json' });
      res.end(text);
    } catch (e) {
      const status = e instanceof BadRequest ? e.status : 500;
      const message = e instanceof Error ? e.message : String(e);
      if (!(e instanceof BadRequest)) this.log(`devnet: internal error: ${(e as Error)?.stack ?? message}`);
      // A refused body may not have been read to its end: close the connection after answering.
      res.writeHead(status, { 'content-type': 'application/json', ...(status === 413 ? { connection: 'close' } : {}) });
      res.end(stringify({ message }));
    }
  }

  /** Blobs an instance used are freed with it, unless another live instance used them too. */
  private freeBlobsOf(instanceId: number): void {
    for (const [blobId, users] of this.blobUsers) {
      users.delete(instanceId);
      if (users.size > 0) continue;
      this.blobUsers.delete(blobId);
      this.blobBytes -= this.blobs.get(blobId)?.length ?? 0;
      this.blobs.delete(blobId);
    }
  }

  /** Bytes the blob store holds (devnet-only, for tests of its cap). */
  get blobStoreBytes(): number {
    return this.blobBytes;
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(line);
  }

  private json(body: Uint8Array): any {
    if (body.length === 0) return null;
    try {
      return parse(new TextDecoder().decode(body));
    } catch (e) {
      throw new BadRequest(`Malformed JSON body: ${(e as Error).message}`);
    }
  }

  private async route(r: { method: string; path: string; body: Uint8Array }): Promise<RouteResult> {
    const { method, path } = r;
    if (path === '/status' || path === '/') return { status: 200, json: { devnet: true } };
    if (path === '/blobstore' && method === 'POST') {
      const id = bytesToHex(sha256(r.body));
      if (!this.blobs.has(id)) {
        if (this.blobBytes + r.body.length > this.caps.maxBlobStoreBytes) {
          throw new BadRequest(
            `The blob store is full (${this.blobBytes} of ${this.caps.maxBlobStoreBytes} bytes): delete instances to free their blobs`,
            413,
          );
        }
        this.blobs.set(id, r.body);
        this.blobBytes += r.body.length;
      }
      return { status: 200, raw: id };
    }
    const blob = path.match(/^\/blobstore\/([0-9a-f]+)$/);
    if (blob && method === 'GET') {
      const data = this.blobs.get(blob[1]);
      if (!data) throw new BadRequest(`Blob ${blob[1]} not found`, 404);
      return { status: 200, raw: Buffer.from(data).toString('latin1') };
    }
    if (path === '/instances' && method === 'POST') return { status: 201, json: this.createInstance(this.json(r.body)) };
    if (path === '/instances' && method === 'GET') {
      return { status: 200, json: [...this.instances.entries()].map(([, i]) => (i ? 'Available' : 'Deleted')) };
    }
    if (path === '/http_gateway' && method === 'POST') return { status: 200, json: await this.startGateway(this.json(r.body)) };
    const gw = path.match(/^\/http_gateway\/(\d+)\/stop$/);
    if (gw && method === 'POST') {
      const g = this.gateways.get(Number(gw[1]));
      if (g === undefined) throw new BadRequest(`HTTP gateway ${gw[1]} not found`, 404);
      await g?.close();
      this.gateways.set(Number(gw[1]), null);
      return { status: 200 };
    }
    const m = path.match(/^\/instances\/(\d+)(\/.*)?$/);
    if (!m) throw new BadRequest(`No route ${method} ${path}`, 404);
    const id = Number(m[1]);
    const sub = m[2] ?? '';
    if (sub === '' && method === 'DELETE') {
      this.instance(id);
      const l = this.live.get(id);
      if (l) clearInterval(l.timer);
      this.live.delete(id);
      for (const [gid, g] of this.gateways) {
        if (g?.instance.id !== id) continue;
        await g.close();
        this.gateways.set(gid, null);
      }
      this.instances.set(id, null);
      this.freeBlobsOf(id);
      return { status: 200 };
    }
    const inst = this.instance(id);
    // An empty POST body reads as {}, so a missing field is refused by name, not by a TypeError.
    const body = method === 'POST' ? (this.json(r.body) ?? {}) : null;
    if (method === 'POST' && (typeof body !== 'object' || Array.isArray(body))) {
      throw new BadRequest(`${path}: expected a JSON object body`);
    }
    return { status: 200, json: await this.instanceRoute(inst, method, sub, body) };
  }

  /**
   * What `pic.makeLive()` does, in-process: create an instance from a PocketIC subnet config set,
   * let its rounds and time run on their own, and start its HTTP gateway. For startDevnet({ live }).
   */
  async createLiveInstance(subnetConfigSet: unknown): Promise<{ instanceId: number; gatewayPort: number; rootKey: Uint8Array }> {
    const created = this.createInstance({ subnet_config_set: subnetConfigSet }) as {
      Created?: { instance_id: number };
      Error?: { message: string };
    };
    if (!created.Created) throw new Error(created.Error?.message ?? 'instance creation failed');
    const inst = this.instance(created.Created.instance_id);
    this.startLive(inst, 0);
    const gw = (await this.startGateway({ forward_to: { PocketIcInstance: inst.id } })) as {
      Created?: { port: number };
      Error?: { message: string };
    };
    if (!gw.Created) throw new Error(gw.Error?.message ?? 'HTTP gateway start failed');
    return { instanceId: inst.id, gatewayPort: gw.Created.port, rootKey: inst.rootKey() };
  }

  /**
   * POST /http_gateway: an HTTP server on its own loopback port for one instance, with the IC HTTP
   * interface and the canister gateway (PocketIC's HttpGatewayConfig: forward_to, ip_addr, port).
   */
  private async startGateway(req: any): Promise<unknown> {
    const target = req?.forward_to?.PocketIcInstance;
    if (target === undefined) {
      return { Error: { message: 'The devnet HTTP gateway forwards to a PocketIc instance only (forward_to.PocketIcInstance)' } };
    }
    if (req.https_config) return { Error: { message: 'The devnet HTTP gateway serves plain HTTP only (no https_config)' } };
    const ip = req.ip_addr ?? '127.0.0.1';
    if (!/^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(String(ip))) {
      return { Error: { message: `The devnet HTTP gateway binds to loopback only, not ${ip}` } };
    }
    const inst = this.instance(Number(target));
    const gateway = new GatewayServer({
      instance: inst,
      isLive: () => this.live.has(inst.id),
      // Agents and browsers using the gateway keep the devnet alive (the --ttl counts from the last request).
      touch: () => (this.lastActivity = Date.now()),
    });
    const port = await gateway.listen({ port: req.port === undefined || req.port === null ? 0 : Number(req.port), host: String(ip) });
    const id = this.gateways.size;
    this.gateways.set(id, gateway);
    return { Created: { instance_id: id, port } };
  }

  private createInstance(req: unknown): unknown {
    const config = parseInstanceConfig(req);
    const id = this.nextInstance++;
    const threshold = this.options.threshold?.() ?? null;
    const services: ManagementServices = {
      ingressAllowed: defaultIngressAllowed,
      signatureFee: (a) => threshold?.signatureFee(a) ?? null,
      httpRequestFee,
      threshold,
      outcalls: this.outcalls,
      signingRounds: 2,
    };
    const inst = new Instance({
      id,
      subnets: config.subnets,
      certifier: new Certifier(),
      services,
      log: (l) => this.log(l),
      timeNs: config.initialTimeNs ?? undefined,
    });
    this.options.onInstanceCreated?.(inst);
    this.instances.set(id, inst);
    if (config.autoProgressDelayMs !== null) this.startLive(inst, config.autoProgressDelayMs);
    return { Created: { instance_id: id, topology: this.topology(inst) } };
  }

  private topology(inst: Instance): unknown {
    const subnet_configs: Record<string, unknown> = {};
    for (const s of inst.subnets) {
      subnet_configs[s.id.toText()] = {
        subnet_kind: s.kind,
        size: s.size,
        canister_ranges: [
          {
            start: { canister_id: b64(canisterIdFromIndex(s.start).toUint8Array()) },
            end: { canister_id: b64(canisterIdFromIndex(s.end).toUint8Array()) },
          },
        ],
        node_ids: [],
      };
    }
    const def = inst.defaultSubnet();
    return { subnet_configs, default_effective_canister_id: { canister_id: b64(canisterIdFromIndex(def.start).toUint8Array()) } };
  }

  private effectiveSubnet(inst: Instance, ep: any) {
    if (ep && typeof ep === 'object' && 'SubnetId' in ep) {
      const s = inst.subnetById(principalOf(ep.SubnetId, 'effective_principal'));
      if (!s) throw new BadRequest('The effective subnet does not exist in this instance');
      return s;
    }
    if (ep && typeof ep === 'object' && 'CanisterId' in ep) return inst.subnetOfId(principalOf(ep.CanisterId, 'effective_principal'));
    return null;
  }

  private async instanceRoute(inst: Instance, method: string, sub: string, body: any): Promise<unknown> {
    const canister = (field = 'canister_id') => {
      const id = principalOf(body?.[field], field);
      const c = inst.getCanister(id);
      if (!c) throw new BadRequest(`CanisterNotFound(${id.toText()})`, 400);
      return c;
    };
    switch (`${method} ${sub}`) {
      case 'POST /update/submit_ingress_message': {
        const sender = principalOf(body.sender, 'sender');
        const canisterId = principalOf(body.canister_id, 'canister_id');
        try {
          const id = inst.submitIngress({
            sender,
            canisterId,
            method: String(body.method),
            arg: unb64(body.payload, 'payload'),
            effectiveSubnet: this.effectiveSubnet(inst, body.effective_principal),
          });
          return { Ok: { effective_principal: body.effective_principal ?? 'None', message_id: Array.from(hexToBytes(id)) } };
        } catch (e) {
          if (e instanceof IcError) return encodeResult(icErrorResult(e));
          throw e;
        }
      }
      case 'POST /update/await_ingress_message': {
        const id = messageId(body.message_id);
        // Live instances progress on their own (rounds, outcalls forwarded for real): wait for them.
        if (this.live.has(inst.id)) return encodeResult(await this.awaitLive(inst, id));
        return encodeResult(inst.awaitIngress(id));
      }
      case 'POST /read/ingress_status': {
        const r = inst.ingressStatus(messageId(body.raw_message_id?.message_id));
        return r ? encodeResult(r) : null;
      }
      case 'POST /read/query': {
        const result = inst.query({
          sender: principalOf(body.sender, 'sender'),
          canisterId: principalOf(body.canister_id, 'canister_id'),
          method: String(body.method),
          arg: unb64(body.payload, 'payload'),
        });
        return encodeResult(result);
      }
      case 'POST /update/tick':
        inst.tick();
        return undefined;
      case 'GET /read/get_time':
        return { nanos_since_epoch: inst.timeNs };
      case 'POST /update/set_time':
      case 'POST /update/set_certified_time': {
        const t = toBigInt(body?.nanos_since_epoch, 'nanos_since_epoch');
        if (t < inst.timeNs) throw new BadRequest(`Time cannot go backwards: ${t} < ${inst.timeNs}`);
        if (sub === '/update/set_time') inst.setTime(t);
        else inst.setCertifiedTime(t);
        return undefined;
      }
      case 'POST /read/get_controllers':
        return canister().settings.controllers.map((p) => ({ principal_id: b64(p.toUint8Array()) }));
      case 'POST /read/pub_key': {
        const s = inst.subnetById(principalOf(body.subnet_id, 'subnet_id'));
        if (!s) throw new BadRequest('Subnet not found');
        return Array.from(s.certifier.rootKeyDer);
      }
      case 'POST /read/get_subnet': {
        const id = principalOf(body.canister_id, 'canister_id');
        const c = inst.getCanister(id);
        const s = c ? inst.subnets[c.subnetIndex] : inst.subnetOfId(id);
        return s ? { subnet_id: b64(s.id.toUint8Array()) } : null;
      }
      case 'POST /read/get_cycles':
        return { cycles: canister().cycles };
      case 'POST /update/add_cycles': {
        const c = canister();
        c.cycles += toBigInt(body.amount, 'amount');
        return { cycles: c.cycles };
      }
      case 'POST /read/get_stable_memory':
        return { blob: b64(canister().getStableMemory()) };
      case 'POST /update/set_stable_memory': {
        const c = canister();
        const blobId = bytesToHex(unb64(body.blob_id, 'blob_id'));
        const blob = this.blobs.get(blobId);
        if (!blob) throw new BadRequest(`Blob ${blobId} not found`, 404);
        c.setStableMemory(blob);
        this.blobUsers.set(blobId, (this.blobUsers.get(blobId) ?? new Set()).add(inst.id));
        return undefined;
      }
      case 'GET /_/topology':
        return this.topology(inst);
      case 'GET /devnet/stats':
        // Devnet-only: where time goes, per canister (for the benchmarks).
        return [...inst.canisters.values()].map((c) => ({
          canister_id: c.idText,
          updates: c.stats.updates,
          queries: c.stats.queries,
          instructions: c.stats.instructions,
          wasm_ms: c.stats.wasmMs,
        }));
      case 'GET /read/get_canister_http':
        return this.outcalls.list(inst.id).map((o) => ({
          subnet_id: { subnet_id: b64(o.subnetId.toUint8Array()) },
          request_id: o.requestId,
          http_method: o.method,
          url: o.url,
          headers: o.headers,
          body: b64(o.body),
          max_response_bytes: o.maxResponseBytes === null ? undefined : Number(o.maxResponseBytes),
        }));
      case 'POST /update/mock_canister_http': {
        const decode = (r: any): OutcallResponse => {
          if (r?.CanisterHttpReply) {
            const reply = r.CanisterHttpReply;
            return { kind: 'reply', status: Number(reply.status), headers: reply.headers ?? [], body: unb64(reply.body, 'body') };
          }
          if (r?.CanisterHttpReject)
            return { kind: 'reject', code: Number(r.CanisterHttpReject.reject_code), message: String(r.CanisterHttpReject.message) };
          throw new BadRequest('mock_canister_http: response must be CanisterHttpReply or CanisterHttpReject');
        };
        try {
          this.outcalls.complete({
            instance: inst,
            requestId: Number(body.request_id),
            responses: [decode(body.response), ...(body.additional_responses ?? []).map(decode)],
          });
        } catch (e) {
          throw new BadRequest((e as Error).message);
        }
        return undefined;
      }
      case 'POST /auto_progress':
        this.startLive(inst, Number(body?.artificial_delay_ms ?? 0));
        return undefined;
      case 'GET /auto_progress':
        return this.live.has(inst.id);
      case 'POST /stop_progress': {
        const l = this.live.get(inst.id);
        if (l) clearInterval(l.timer);
        this.live.delete(inst.id);
        return undefined;
      }
      default:
        throw new BadRequest(`No route ${method} /instances/${inst.id}${sub}`, 404);
    }
  }

  private async awaitLive(inst: Instance, id: string): Promise<CallResult> {
    const deadline = Date.now() + LIVE_AWAIT_MS;
    for (;;) {
      const r = inst.ingressStatus(id);
      if (r) return r;
      if (!this.live.has(inst.id)) return inst.awaitIngress(id);
      if (Date.now() > deadline) throw new BadRequest(`ingress message ${id} did not complete within ${LIVE_AWAIT_MS} ms`, 504);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Auto progress: rounds run on their own, time follows the wall clock, outcalls go out for real. */
  private startLive(inst: Instance, delayMs: number): void {
    if (this.live.has(inst.id)) return;
    const round = () => {
      if (l.busy) return;
      l.busy = true;
      const now = BigInt(Date.now()) * 1_000_000n;
      if (now > inst.timeNs) inst.timeNs = now;
      try {
        inst.tick();
      } catch (e) {
        this.log(`devnet: live round failed: ${(e as Error).stack}`);
      }
      this.outcalls
        .forwardLive(inst)
        .catch((e) => this.log(`devnet: outcall forwarding failed: ${(e as Error).message}`))
        .finally(() => (l.busy = false));
    };
    const l: Live = { busy: false, timer: setInterval(round, Math.max(10, delayMs)) };
    this.live.set(inst.id, l);
    // A first round now, so the instance's (certified) time is the wall clock as soon as it is live.
    round();
  }
}

type RouteResult = { status: number; json?: unknown; raw?: string };

/** How long an await on a live instance waits before giving up (outcalls time out at 30 s). */
const LIVE_AWAIT_MS = 120_000;

function messageId(v: unknown): string {
  if (Array.isArray(v)) return bytesToHex(Uint8Array.from(v as number[]));
  if (typeof v === 'string') return bytesToHex(new Uint8Array(Buffer.from(v, 'base64')));
  if (v && typeof v === 'object') return bytesToHex(Uint8Array.from(Object.values(v as Record<string, number>)));
  throw new BadRequest('message_id: expected bytes');
}

function encodeResult(r: CallResult): unknown {
  if (r.kind === 'reply') return { Ok: b64(r.bytes) };
  return { Err: { reject_code: r.code, reject_message: r.message, error_code: r.errorCode, certified: true } };
}
