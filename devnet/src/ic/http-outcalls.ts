/**
 * HTTPS outcalls (management `http_request`): validated and charged as on the IC, then held
 * pending until a test mocks them through PocketIC's `mock_canister_http`, or, in live mode,
 * forwarded for real to loopback addresses only. The canister's transform runs on every response
 * (and every additional replica response), and replicas must agree, as on the IC.
 */
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Canister, Origin } from './canister.ts';
import { IcError, RejectCode } from './errors.ts';
import type { CallResult, Instance } from './instance.ts';
import { http_request_args, http_request_result, transform_args } from './management-idl.ts';
import type { ManagementOutcome } from './management.ts';

/** IC interface spec: max_response_bytes is at most 2 MB, the default when unset. */
export const MAX_RESPONSE_BYTES = 2_000_000n;
const MAX_URL_LENGTH = 8192;

export interface PendingOutcall {
  requestId: number;
  subnetId: Principal;
  url: string;
  method: 'GET' | 'POST' | 'HEAD';
  headers: { name: string; value: string }[];
  body: Uint8Array;
  maxResponseBytes: bigint | null;
  transform: { canister: Principal; method: string; context: Uint8Array } | null;
  origin: Origin;
  caller: Principal;
  instanceId: number;
}

export type OutcallResponse =
  | { kind: 'reply'; status: number; headers: { name: string; value: string }[]; body: Uint8Array }
  | { kind: 'reject'; code: number; message: string };

/** Cycles an outcall costs on an n-node subnet (IC docs "HTTPS outcalls" cost formula). */
export function httpRequestFee(args: { requestBytes: bigint; maxResponseBytes: bigint; subnetSize: number }): bigint {
  const n = BigInt(args.subnetSize);
  return (3_000_000n + 60_000n * n) * n + 400n * n * args.requestBytes + 800n * n * args.maxResponseBytes;
}

export class HttpOutcalls {
  readonly pending = new Map<number, PendingOutcall>();
  private nextId = 0;

  request(args: { instance: Instance; caller: Canister; arg: Uint8Array; cycles: bigint; origin: Origin }): ManagementOutcome {
    const { instance, caller } = args;
    let req: any;
    try {
      req = IDL.decode([http_request_args], args.arg)[0];
    } catch (e) {
      throw new IcError({
        errorCode: 'InvalidManagementPayload',
        rejectCode: RejectCode.CanisterReject,
        message: `Error decoding candid: ${(e as Error).message}`,
      });
    }
    const reject = (message: string): never => {
      throw new IcError({ errorCode: 'CanisterRejectedMessage', rejectCode: RejectCode.CanisterReject, message });
    };
    if (req.url.length > MAX_URL_LENGTH) reject(`url too long: ${req.url.length} > ${MAX_URL_LENGTH}`);
    if (!/^https?:\/\//i.test(req.url)) reject(`Invalid URL ${req.url}: only http and https are supported`);
    const max: bigint | null = req.max_response_bytes[0] ?? null;
    if (max !== null && max > MAX_RESPONSE_BYTES) {
      reject(`max_response_bytes expected to be in the range [0..${MAX_RESPONSE_BYTES}], got ${max}`);
    }
    const body: Uint8Array = req.body[0] ?? new Uint8Array(0);
    const requestBytes = BigInt(
      req.url.length +
        body.length +
        req.headers.reduce((n: number, h: { name: string; value: string }) => n + h.name.length + h.value.length, 0),
    );
    const fee = instance.httpRequestFee({ requestBytes, maxResponseBytes: max ?? MAX_RESPONSE_BYTES });
    if (args.cycles < fee) reject(`http_request request sent with ${args.cycles} cycles, but ${fee} cycles are required.`);
    let transform: PendingOutcall['transform'] = null;
    if (req.transform[0]) {
      const [principal, method] = req.transform[0].function as [Principal, string];
      if (principal.toText() !== caller.idText) {
        reject(`transform function must be exported by the calling canister ${caller.idText}, not ${principal.toText()}`);
      }
      transform = { canister: principal, method, context: req.transform[0].context };
    }
    const requestId = this.nextId++;
    this.pending.set(requestId, {
      requestId,
      subnetId: instance.subnets[caller.subnetIndex].id,
      url: req.url,
      method: 'get' in req.method ? 'GET' : 'post' in req.method ? 'POST' : 'HEAD',
      headers: req.headers,
      body,
      maxResponseBytes: max,
      transform,
      origin: args.origin,
      caller: caller.id,
      instanceId: instance.id,
    });
    // The fee is kept; the rest of the attached cycles goes back with the response.
    this.refunds.set(requestId, args.cycles - fee);
    return { kind: 'deferred' };
  }

  private refunds = new Map<number, bigint>();

  list(instanceId: number): PendingOutcall[] {
    return [...this.pending.values()].filter((p) => p.instanceId === instanceId);
  }

  /** Answer a pending outcall with the response of every replica (the first, then additional ones). */
  complete(args: { instance: Instance; requestId: number; responses: OutcallResponse[] }): void {
    const outcall = this.pending.get(args.requestId);
    if (!outcall || outcall.instanceId !== args.instance.id) {
      throw new Error(`No pending HTTPS outcall with request id ${args.requestId}`);
    }
    this.pending.delete(args.requestId);
    const refund = this.refunds.get(args.requestId) ?? 0n;
    this.refunds.delete(args.requestId);
    const results = args.responses.map((r) => this.finalize(args.instance, outcall, r));
    let result = results[0];
    if (results.length > 1) {
      const key = (r: CallResult) => (r.kind === 'reply' ? `reply:${bytesToHex(r.bytes)}` : `reject:${r.code}:${r.message}`);
      const first = key(results[0]);
      if (!results.every((r) => key(r) === first)) {
        result = {
          kind: 'reject',
          code: RejectCode.SysTransient,
          message: `No consensus could be reached. Replicas had different responses. Details: request_id: ${outcall.requestId}, url: ${outcall.url}`,
          errorCode: 'CanisterRejectedMessage',
        };
      }
    }
    args.instance.respond(outcall.origin, result, refund);
  }

  /** One replica's response, size-checked and transformed as the IC does. */
  private finalize(instance: Instance, outcall: PendingOutcall, response: OutcallResponse): CallResult {
    if (response.kind === 'reject') {
      return { kind: 'reject', code: response.code as RejectCode, message: response.message, errorCode: 'CanisterRejectedMessage' };
    }
    const limit = outcall.maxResponseBytes ?? MAX_RESPONSE_BYTES;
    const size = BigInt(response.body.length + response.headers.reduce((n, h) => n + h.name.length + h.value.length, 0));
    if (size > limit) {
      return {
        kind: 'reject',
        code: RejectCode.SysFatal,
        message: `Http body exceeds size limit of ${limit} bytes.`,
        errorCode: 'CanisterRejectedMessage',
      };
    }
    const value = { status: BigInt(response.status), headers: response.headers, body: response.body };
    if (!outcall.transform) return { kind: 'reply', bytes: new Uint8Array(IDL.encode([http_request_result], [value])) };
    const arg = new Uint8Array(IDL.encode([transform_args], [{ response: value, context: outcall.transform.context }]));
    const transformed = instance.runTransform({ canisterId: outcall.transform.canister, method: outcall.transform.method, arg });
    if (transformed.kind === 'reject') {
      return {
        kind: 'reject',
        code: RejectCode.SysFatal,
        message: `Transform function failed: ${transformed.message}`,
        errorCode: 'CanisterRejectedMessage',
      };
    }
    return transformed;
  }

  /**
   * Live mode: perform every pending outcall of this instance for real, to loopback addresses only,
   * and answer it. Anything else is rejected: the devnet never reaches outside this machine.
   */
  async forwardLive(instance: Instance): Promise<void> {
    const work = this.list(instance.id).map(async (o) => {
      let response: OutcallResponse;
      if (!isLoopbackUrl(o.url)) {
        response = {
          kind: 'reject',
          code: RejectCode.SysFatal,
          message: `The devnet forwards HTTPS outcalls only to loopback addresses, not to ${o.url}`,
        };
      } else {
        try {
          const res = await fetch(o.url, {
            method: o.method,
            headers: o.headers.map((h) => [h.name, h.value] as [string, string]),
            body: o.method === 'POST' ? (o.body as Uint8Array<ArrayBuffer>) : undefined,
            redirect: 'manual',
            signal: AbortSignal.timeout(30_000),
          });
          const body = new Uint8Array(await res.arrayBuffer());
          const headers: { name: string; value: string }[] = [];
          res.headers.forEach((value, name) => headers.push({ name, value }));
          response = { kind: 'reply', status: res.status, headers, body };
        } catch (e) {
          response = { kind: 'reject', code: RejectCode.SysTransient, message: `Connecting to ${o.url} failed: ${(e as Error).message}` };
        }
      }
      if (this.pending.has(o.requestId)) this.complete({ instance, requestId: o.requestId, responses: [response] });
    });
    await Promise.all(work);
  }
}

export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
