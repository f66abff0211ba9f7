/**
 * Authentication of HTTP interface requests (IC interface spec, "Authentication"): the envelope's
 * signature over `\x0Aic-request ‖ request_id` by `sender_pubkey`, or by the last key of a chain of
 * at most 20 delegations each signed over `\x1Aic-request-auth-delegation ‖ hash_of_map(delegation)`
 * by the key before it; the sender is the self-authenticating principal of `sender_pubkey`
 * (or anonymous, unsigned); delegations unexpired and their `targets` containing the canister;
 * `ingress_expiry` within [now, now + 5 min + 30 s drift] as the replica's validator checks it.
 * Refusals carry the replica's messages (ic `validator` crate, `RequestValidationError`).
 *
 * Supported sender keys: Ed25519, ECDSA P-256 and ECDSA secp256k1 in DER (SubjectPublicKeyInfo).
 * Canister signatures and WebAuthn keys are refused with a message naming them.
 */
import { Principal } from '@icp-sdk/core/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { hashMap } from './request-id.ts';

const enc = new TextEncoder();
const REQUEST_DOMAIN = enc.encode('\x0Aic-request');
const DELEGATION_DOMAIN = enc.encode('\x1Aic-request-auth-delegation');

/** ic_limits: MAX_INGRESS_TTL (5 minutes) and PERMITTED_DRIFT_AT_VALIDATOR (30 seconds). */
export const MAX_INGRESS_TTL_NS = 300_000_000_000n;
export const PERMITTED_DRIFT_NS = 30_000_000_000n;
const MAX_DELEGATIONS = 20;
const MAX_TARGETS = 1000;
const MAX_NONCE_BYTES = 32;

/** A request the devnet refuses before it reaches a canister: 400 with this text. */
export class AuthError extends Error {}

export interface Envelope {
  content: Record<string, unknown>;
  sender_pubkey?: Uint8Array;
  sender_sig?: Uint8Array;
  sender_delegation?: { delegation: { pubkey: Uint8Array; expiration: bigint | number; targets?: Uint8Array[] }; signature: Uint8Array }[];
}

export interface Authenticated {
  requestId: Uint8Array;
  sender: Principal;
  /** Canisters the delegations allow, or null for any. */
  targets: Set<string> | null;
}

/** Read the envelope's authentication and check it; `content` has been shape-checked by the caller. */
export function authenticate(args: { envelope: Envelope; nowNs: bigint }): Authenticated {
  const { envelope, nowNs } = args;
  const content = envelope.content;
  const requestId = hashMap(content);
  const fail = (message: string): never => {
    throw new AuthError(`Failed to authenticate request 0x${bytesToHex(requestId)} due to: ${message}`);
  };
  const nonce = content.nonce;
  if (nonce instanceof Uint8Array && nonce.length > MAX_NONCE_BYTES) {
    fail(`Nonce in request is too big: got ${nonce.length} bytes, but at most ${MAX_NONCE_BYTES} are allowed.`);
  }
  const expiry = toNat(content.ingress_expiry);
  if (expiry === null) throw new AuthError('Invalid request: ingress_expiry must be a natural number');
  const maxExpiry = nowNs + MAX_INGRESS_TTL_NS + PERMITTED_DRIFT_NS;
  if (expiry < nowNs || expiry > maxExpiry) {
    fail(
      `Invalid request expiry: Specified ingress_expiry not within expected range: Minimum allowed expiry: ${formatTime(nowNs)}, ` +
        `Maximum allowed expiry: ${formatTime(maxExpiry)}, Provided expiry:        ${formatTime(expiry)}`,
    );
  }
  if (!(content.sender instanceof Uint8Array) || content.sender.length > 29)
    throw new AuthError('Invalid request: sender must be a principal');
  const sender = Principal.fromUint8Array(content.sender);
  const pubkey = envelope.sender_pubkey;
  const sig = envelope.sender_sig;
  if (sender.isAnonymous()) {
    if (pubkey !== undefined || sig !== undefined || envelope.sender_delegation !== undefined) {
      fail('Signature is not allowed for the anonymous user.');
    }
    return { requestId, sender, targets: null };
  }
  if (!(pubkey instanceof Uint8Array) || !(sig instanceof Uint8Array)) fail(`Missing signature from user: ${sender.toText()}`);
  if (Principal.selfAuthenticating(pubkey!).compareTo(sender) !== 'eq') {
    fail(`The user id '${sender.toText()}' does not match the public key '${bytesToHex(pubkey!)}'`);
  }
  const delegations = envelope.sender_delegation ?? [];
  if (!Array.isArray(delegations)) throw new AuthError('Invalid request: sender_delegation must be an array');
  if (delegations.length > MAX_DELEGATIONS) {
    fail(
      `Invalid delegation: Chain of delegations is too long: got ${delegations.length} delegations, but at most ${MAX_DELEGATIONS} are allowed.`,
    );
  }
  for (const d of delegations) {
    const exp = toNat(d?.delegation?.expiration);
    if (exp === null) throw new AuthError('Invalid request: delegation expiration must be a natural number');
    if (exp < nowNs) {
      fail(
        `Invalid delegation expiry: Specified sender delegation has expired:\nProvided expiry:    ${formatTime(exp)}\nLocal replica time: ${formatTime(nowNs)}`,
      );
    }
  }
  let key = pubkey!;
  const seen = new Set<string>([bytesToHex(key)]);
  let targets: Set<string> | null = null;
  for (const d of delegations) {
    const { delegation, signature } = d;
    if (!(delegation?.pubkey instanceof Uint8Array) || !(signature instanceof Uint8Array)) {
      throw new AuthError('Invalid request: a delegation needs pubkey and signature');
    }
    const msg = concatBytes(DELEGATION_DOMAIN, hashMap(delegation as unknown as Record<string, unknown>));
    const problem = verifySignature({ der: key, message: msg, signature });
    if (problem) fail(`Invalid delegation: ${problem}`);
    const next = bytesToHex(delegation.pubkey);
    if (seen.has(next))
      fail(`Invalid delegation: Chain of delegations contains at least one cycle: first repeating public key encountered ${next}`);
    seen.add(next);
    if (delegation.targets !== undefined) {
      if (!Array.isArray(delegation.targets) || delegation.targets.length > MAX_TARGETS) {
        fail(`Invalid delegation: Delegation target error: expected at most ${MAX_TARGETS} targets`);
      }
      const these = new Set<string>((delegation.targets as Uint8Array[]).map((t) => Principal.fromUint8Array(t).toText()));
      const before = targets as Set<string> | null;
      targets = before === null ? these : new Set([...before].filter((t) => these.has(t)));
    }
    key = delegation.pubkey;
  }
  const problem = verifySignature({ der: key, message: concatBytes(REQUEST_DOMAIN, requestId), signature: sig! });
  if (problem) fail(`Invalid signature: ${problem}`);
  return { requestId, sender, targets };
}

/** The refusal for a canister outside the delegations' targets. */
export function checkTargets(auth: Authenticated, canisterId: Principal): void {
  if (auth.targets !== null && !auth.targets.has(canisterId.toText())) {
    throw new AuthError(
      `Failed to authenticate request 0x${bytesToHex(auth.requestId)} due to: Canister '${canisterId.toText()}' is not one of the delegation targets.`,
    );
  }
}

type KeyKind = 'ed25519' | 'p256' | 'secp256k1';

const OID = {
  ed25519: '2b6570',
  ecPublicKey: '2a8648ce3d0201',
  p256: '2a8648ce3d030107',
  secp256k1: '2b8104000a',
  canisterSig: '2b0601040183b8430102',
  cose: '2b0601040183b8430101',
};

/** Verify a basic signature; returns the replica-style reason when it does not verify. */
export function verifySignature(args: { der: Uint8Array; message: Uint8Array; signature: Uint8Array }): string | null {
  let key: { kind: KeyKind; raw: Uint8Array };
  try {
    key = parseSpki(args.der);
  } catch (e) {
    return `Invalid public key: ${(e as Error).message}`;
  }
  let ok = false;
  try {
    switch (key.kind) {
      case 'ed25519':
        ok = args.signature.length === 64 && ed25519.verify(args.signature, args.message, key.raw);
        break;
      case 'p256':
        // WebCrypto signs P-256 without normalizing s; the IC accepts both halves for P-256.
        ok = args.signature.length === 64 && p256.verify(args.signature, args.message, key.raw, { lowS: false });
        break;
      case 'secp256k1':
        ok = args.signature.length === 64 && secp256k1.verify(args.signature, args.message, key.raw, { lowS: false });
        break;
    }
  } catch {
    ok = false;
  }
  if (ok) return null;
  const name = { ed25519: 'Ed25519', p256: 'ECDSA P-256', secp256k1: 'ECDSA secp256k1' }[key.kind];
  return `Invalid basic signature: ${name} signature could not be verified: public key ${bytesToHex(key.raw)}, signature ${bytesToHex(args.signature)}`;
}

/** SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { OID, params? }, BIT STRING } (RFC 5280 §4.1). */
export function parseSpki(der: Uint8Array): { kind: KeyKind; raw: Uint8Array } {
  const outer = tlv(der, 0, 0x30);
  if (outer.end !== der.length) throw new Error('trailing bytes after the key');
  const alg = tlv(der, outer.start, 0x30);
  const oid = tlv(der, alg.start, 0x06);
  const algOid = bytesToHex(der.subarray(oid.start, oid.end));
  let paramOid: string | null = null;
  if (oid.end < alg.end) {
    const p = tlv(der, oid.end, der[oid.end]);
    if (der[oid.end] === 0x06) paramOid = bytesToHex(der.subarray(p.start, p.end));
  }
  const bits = tlv(der, alg.end, 0x03);
  if (bits.end !== outer.end || der[bits.start] !== 0) throw new Error('malformed BIT STRING');
  const raw = der.slice(bits.start + 1, bits.end);
  if (algOid === OID.ed25519) {
    if (raw.length !== 32) throw new Error(`Ed25519 key of ${raw.length} bytes`);
    return { kind: 'ed25519', raw };
  }
  if (algOid === OID.ecPublicKey && paramOid === OID.p256) return { kind: 'p256', raw };
  if (algOid === OID.ecPublicKey && paramOid === OID.secp256k1) return { kind: 'secp256k1', raw };
  if (algOid === OID.canisterSig) throw new Error('canister signatures are not supported by the devnet');
  if (algOid === OID.cose) throw new Error('WebAuthn (COSE) keys are not supported by the devnet');
  throw new Error(`unsupported key algorithm OID ${algOid}${paramOid ? ` with curve ${paramOid}` : ''}`);
}

function tlv(b: Uint8Array, at: number, tag: number): { start: number; end: number } {
  if (b[at] !== tag) throw new Error(`expected DER tag 0x${tag.toString(16)} at ${at}`);
  let len = b[at + 1];
  let start = at + 2;
  if (len === undefined) throw new Error('truncated DER');
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 2) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | b[start + i];
    start += n;
  }
  const end = start + len;
  if (end > b.length) throw new Error('truncated DER');
  return { start, end };
}

function toNat(v: unknown): bigint | null {
  if (typeof v === 'bigint') return v >= 0n ? v : null;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return null;
}

/** The replica prints times as RFC 3339 with nanoseconds. */
export function formatTime(ns: bigint): string {
  const ms = ns / 1_000_000n;
  if (ms > 8_640_000_000_000_000n) return `${ns} ns`;
  const iso = new Date(Number(ms)).toISOString().slice(0, 19);
  return `${iso}.${(ns % 1_000_000_000n).toString().padStart(9, '0')} UTC`;
}
