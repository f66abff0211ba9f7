/**
 * The IC HTTP interface of one instance (IC interface spec, "HTTPS Interface"), as agents call it:
 *   GET  /api/v2/status                                   CBOR { root_key, impl_version, replica_health_status }
 *   POST /api/v2/canister/<ecid>/call                     202 accepted, or 200 with a non-replicated reject
 *   POST /api/v3|v4/canister/<ecid>/call                  200 { status: "replied", certificate } once done
 *   POST /api/v2|v3/canister/<ecid>/query                 200 { status, reply | reject, signatures }
 *   POST /api/v2|v3/canister/<ecid>/read_state            200 { certificate }
 *   POST /api/v2|v3/subnet/<subnet_id>/read_state         200 { certificate }
 * Every request is authenticated (./auth.ts); certificates are signed by the subnet's BLS key, with
 * the subnet delegation off the root subnet; query responses are signed by the subnet's node.
 * CORS as the IC answers it: any origin, preflight allowed.
 */
import { Cbor } from '@icp-sdk/core/agent';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { IcError } from '../ic/errors.ts';
import { icErrorResult, type CallResult, type Instance, type Subnet } from '../ic/instance.ts';
import { authenticate, AuthError, checkTargets, type Envelope } from './auth.ts';
import { hashMap } from './request-id.ts';
import { icErrorCode, stateTree, subnetNode, witness, type TrackedRequest } from './state-tree.ts';

export interface HttpReply {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

const RESPONSE_DOMAIN = new TextEncoder().encode('\x0Bic-response');
/** How long a synchronous call waits before answering 202 (the replica waits about 10 s). */
const SYNC_CALL_WAIT_MS = 10_000;
const MAX_READ_STATE_PATHS = 1000;
/** Request statuses kept for read_state (oldest dropped first). */
const MAX_TRACKED_REQUESTS = 100_000;
const MAX_PATH_LABELS = 127;

/** The CORS headers the IC's HTTP endpoint sends. */
export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, HEAD, OPTIONS',
  'access-control-allow-headers': 'DNT,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Cookie',
  'access-control-expose-headers': 'Content-Length,Content-Range',
  'access-control-max-age': '7200',
};

class HttpFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class IcHttpInterface {
  private readonly requests = new Map<string, TrackedRequest>();
  private readonly instance: Instance;

  constructor(instance: Instance) {
    this.instance = instance;
  }

  /** Does this path belong to the HTTP interface? */
  static handles(path: string): boolean {
    return path.startsWith('/api/');
  }

  async handle(req: { method: string; path: string; body: Uint8Array; contentType?: string }): Promise<HttpReply> {
    if (req.method === 'OPTIONS') return { status: 204, headers: { ...CORS_HEADERS }, body: '' };
    try {
      if (req.method === 'POST' && req.contentType?.split(';')[0].trim().toLowerCase() !== 'application/cbor') {
        throw new HttpFailure(400, 'Unexpected content-type, expected application/cbor.');
      }
      const out = await this.route(req);
      return { ...out, headers: { ...CORS_HEADERS, ...out.headers } };
    } catch (e) {
      if (e instanceof HttpFailure || e instanceof AuthError) {
        const status = e instanceof HttpFailure ? e.status : 400;
        return { status, headers: { ...CORS_HEADERS, 'content-type': 'text/plain; charset=utf-8' }, body: e.message };
      }
      throw e;
    }
  }

  private async route(req: {
    method: string;
    path: string;
    body: Uint8Array;
  }): Promise<Omit<HttpReply, 'headers'> & { headers?: Record<string, string> }> {
    if (req.path === '/api/v2/status') {
      if (req.method !== 'GET') throw new HttpFailure(405, `Method ${req.method} not allowed on /api/v2/status`);
      return cbor(200, {
        root_key: this.instance.rootKey(),
        impl_version: 'devnet',
        impl_hash: 'devnet',
        replica_health_status: 'healthy',
      });
    }
    const m = req.path.match(/^\/api\/(v[234])\/(canister|subnet)\/([^/]+)\/(call|query|read_state)$/);
    if (!m) throw new HttpFailure(404, `No route ${req.method} ${req.path}`);
    const [, version, scope, idText, endpoint] = m;
    const supported = scope === 'subnet' ? endpoint === 'read_state' && version !== 'v4' : endpoint === 'call' ? true : version !== 'v4';
    if (!supported) throw new HttpFailure(404, `No route ${req.method} ${req.path}`);
    if (req.method !== 'POST') throw new HttpFailure(405, `Method ${req.method} not allowed on ${req.path}`);
    let principal: Principal;
    try {
      principal = Principal.fromText(idText);
    } catch {
      throw new HttpFailure(400, `Could not parse ${scope} id '${idText}'`);
    }
    const envelope = decodeEnvelope(req.body);
    if (scope === 'subnet') {
      const subnet = this.instance.subnetById(principal);
      if (!subnet) throw new HttpFailure(404, `Subnet ${idText} not found`);
      return this.readState({ envelope, subnet, ecid: null });
    }
    const subnet = this.subnetFor(principal);
    switch (endpoint) {
      case 'call':
        return this.call({ envelope, ecid: principal, subnet, sync: version !== 'v2' });
      case 'query':
        return this.query({ envelope, ecid: principal, subnet });
      default:
        return this.readState({ envelope, subnet, ecid: principal });
    }
  }

  private subnetFor(ecid: Principal): Subnet {
    const c = this.instance.getCanister(ecid);
    const s = c ? this.instance.subnets[c.subnetIndex] : this.instance.subnetOfId(ecid);
    if (!s) throw new HttpFailure(400, `Canister ${ecid.toText()} does not belong to any subnet.`);
    return s;
  }

  private checkContent(envelope: Envelope, type: string, ecid: Principal): { canisterId: Principal; method: string; arg: Uint8Array } {
    const c = envelope.content;
    if (c.request_type !== type)
      throw new HttpFailure(400, `Invalid request: request_type must be "${type}", got ${JSON.stringify(c.request_type)}`);
    if (!(c.canister_id instanceof Uint8Array) || c.canister_id.length > 29)
      throw new HttpFailure(400, 'Invalid request: canister_id must be a principal');
    if (typeof c.method_name !== 'string') throw new HttpFailure(400, 'Invalid request: method_name must be text');
    if (!(c.arg instanceof Uint8Array)) throw new HttpFailure(400, 'Invalid request: arg must be a blob');
    const canisterId = Principal.fromUint8Array(c.canister_id);
    // The management canister is addressed through the canister it acts on (spec "Effective canister id").
    if (canisterId.toText() !== 'aaaaa-aa' && canisterId.compareTo(ecid) !== 'eq') {
      throw new HttpFailure(
        400,
        `Specified CanisterId ${canisterId.toText()} does not match effective canister id in URL ${ecid.toText()}`,
      );
    }
    return { canisterId, method: c.method_name, arg: c.arg };
  }

  private async call(args: { envelope: Envelope; ecid: Principal; subnet: Subnet; sync: boolean }) {
    const { canisterId, method, arg } = this.checkContent(args.envelope, 'call', args.ecid);
    const auth = authenticate({ envelope: args.envelope, nowNs: this.instance.timeNs });
    checkTargets(auth, canisterId);
    const key = bytesToHex(auth.requestId);
    let tracked = this.requests.get(key);
    if (!tracked) {
      let ingressId: string;
      try {
        // A management call is routed by its effective canister id, as on the IC (e.g. the subnet a canister is created on).
        const effectiveSubnet = canisterId.toText() === 'aaaaa-aa' ? args.subnet : null;
        ingressId = this.instance.submitIngress({ sender: auth.sender, canisterId, method, arg, effectiveSubnet });
      } catch (e) {
        if (!(e instanceof IcError)) throw e;
        const r = icErrorResult(e) as Extract<CallResult, { kind: 'reject' }>;
        const body = { reject_code: r.code, reject_message: r.message, error_code: icErrorCode(r.errorCode) };
        return cbor(200, args.sync ? { status: 'non_replicated_rejection', ...body } : body);
      }
      tracked = { ingressId, sender: auth.sender, subnet: args.subnet };
      this.requests.set(key, tracked);
      // The IC forgets request statuses after the ingress expiry; keep the newest ones only.
      if (this.requests.size > MAX_TRACKED_REQUESTS) this.requests.delete(this.requests.keys().next().value!);
    }
    if (!args.sync) return { status: 202, body: '' };
    const deadline = Date.now() + SYNC_CALL_WAIT_MS;
    while (this.instance.ingressStatus(tracked.ingressId) === null && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    if (this.instance.ingressStatus(tracked.ingressId) === null) return { status: 202, body: '' };
    const certificate = this.certificate(args.subnet, [[enc('request_status'), auth.requestId], [enc('time')]], [auth.requestId]);
    return cbor(200, { status: 'replied', certificate });
  }

  private query(args: { envelope: Envelope; ecid: Principal; subnet: Subnet }) {
    const { canisterId, method, arg } = this.checkContent(args.envelope, 'query', args.ecid);
    const auth = authenticate({ envelope: args.envelope, nowNs: this.instance.timeNs });
    checkTargets(auth, canisterId);
    // The management canister answers its one query, fetch_canister_logs (queries.ts).
    const result: CallResult = this.instance.query({ sender: auth.sender, canisterId, method, arg });
    const timestamp = this.instance.certifiedTimeNs;
    const node = subnetNode(args.subnet);
    const body: Record<string, unknown> =
      result.kind === 'reply'
        ? { status: 'replied', reply: { arg: result.bytes } }
        : { status: 'rejected', reject_code: result.code, reject_message: result.message, error_code: icErrorCode(result.errorCode) };
    // Spec "Query call": each node signs `\x0Bic-response ‖ hash_of_map(response ∪ {timestamp, request_id})`.
    const signed = hashMap({ ...body, timestamp, request_id: auth.requestId });
    const signature = node.sign(concatBytes(RESPONSE_DOMAIN, signed));
    return cbor(200, { ...body, signatures: [{ timestamp, signature, identity: node.id.toUint8Array() }] });
  }

  private readState(args: { envelope: Envelope; subnet: Subnet; ecid: Principal | null }) {
    const c = args.envelope.content;
    if (c.request_type !== 'read_state') throw new HttpFailure(400, `Invalid request: request_type must be "read_state"`);
    const paths = c.paths;
    if (!Array.isArray(paths) || paths.some((p) => !Array.isArray(p) || p.some((l: unknown) => !(l instanceof Uint8Array)))) {
      throw new HttpFailure(400, 'Invalid request: paths must be a list of paths of blobs');
    }
    const auth = authenticate({ envelope: args.envelope, nowNs: this.instance.timeNs });
    if (paths.length > MAX_READ_STATE_PATHS) {
      throw new HttpFailure(
        400,
        `Too many paths in read state request: got ${paths.length} paths, but at most ${MAX_READ_STATE_PATHS} are allowed.`,
      );
    }
    const requestIds: Uint8Array[] = [];
    for (const path of paths as Uint8Array[][]) {
      if (path.length > MAX_PATH_LABELS) {
        throw new HttpFailure(
          400,
          `At least one path in read state request is too deep: got ${path.length} labels, but at most ${MAX_PATH_LABELS} are allowed.`,
        );
      }
      const head = path.length ? new TextDecoder().decode(path[0]) : '';
      switch (head) {
        case 'time':
        case 'subnet':
        case 'canister_ranges':
          break;
        case 'canister': {
          if (args.ecid === null) throw new HttpFailure(404, 'Canister paths are not served by a subnet read_state');
          if (path.length < 3) throw new HttpFailure(404, 'Invalid path: canister paths need a canister id and a field');
          const id = Principal.fromUint8Array(path[1]);
          if (id.compareTo(args.ecid) !== 'eq') {
            throw new HttpFailure(
              400,
              `Effective principal id in URL ${args.ecid.toText()} does not match requested canister id: ${id.toText()}.`,
            );
          }
          checkTargets(auth, id);
          break;
        }
        case 'request_status': {
          if (args.ecid === null) throw new HttpFailure(404, 'Request status paths are not served by a subnet read_state');
          if (path.length < 2) throw new HttpFailure(404, 'Invalid path: request_status needs a request id');
          const tracked = this.requests.get(bytesToHex(path[1]));
          // Spec "Request: Read state": only the sender of a request may read its status.
          if (tracked && tracked.sender.compareTo(auth.sender) !== 'eq') {
            throw new HttpFailure(403, `Request IDs must be for requests signed by the caller: ${bytesToHex(path[1])}`);
          }
          requestIds.push(path[1]);
          break;
        }
        default:
          throw new HttpFailure(404, `Invalid path requested: ${head}`);
      }
    }
    return cbor(200, { certificate: this.certificate(args.subnet, paths as Uint8Array[][], requestIds) });
  }

  private certificate(subnet: Subnet, paths: Uint8Array[][], requestIds: Uint8Array[]): Uint8Array {
    const tree = stateTree({ instance: this.instance, subnet, requests: this.requests, requestIds });
    return this.instance.certify(subnet, witness(tree, [...paths, [enc('time')]]));
  }
}

const enc = (s: string) => new TextEncoder().encode(s);

function cbor(status: number, value: unknown) {
  return { status, headers: { 'content-type': 'application/cbor' }, body: Cbor.encode(value) };
}

function decodeEnvelope(body: Uint8Array): Envelope {
  let v: unknown;
  try {
    v = Cbor.decode(body);
  } catch (e) {
    throw new HttpFailure(400, `Could not parse body as CBOR: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || !('content' in v) || !(v as Envelope).content || typeof (v as Envelope).content !== 'object') {
    throw new HttpFailure(400, 'Could not parse body as a request envelope: missing content');
  }
  return v as Envelope;
}
