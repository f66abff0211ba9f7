/**
 * CLIENTS ONLY (Node, browser, the CLI): checks the certificate `audit_head` returns against the
 * IC's root key. It imports @icp-sdk/core's agent, which the canister must not bundle; the
 * canister-side code of the log is everything else in this folder (see index.ts).
 */
import { AgentError, Certificate, CertificateTimeErrorCode, LookupPathStatus } from '@icp-sdk/core/agent';
import type { Principal } from '@icp-sdk/core/principal';
import { auditHeadDigest } from './audit-head-digest.ts';
import { AuditHeadVerificationError } from './errors.ts';
import { equalHashes } from './tree-bounds.ts';

/** A head the IC certified: `length` entries with Merkle root `rootHash`, as of `certificateTimeNanos`. */
export type CertifiedAuditHead = { length: bigint; rootHash: Uint8Array; certificateTimeNanos: bigint };

/**
 * Verifies that `certificate` (CBOR, from `audit_head`) is signed under `rootKey` (DER, the IC's
 * or the devnet's) and certifies `auditHeadDigest({ length, rootHash })` as the certified data
 * of `canisterId` (path `/canister/<canister id>/certified_data`, IC interface spec,
 * "Certified data").
 *
 * `maxAgeInMinutes` bounds how old the certificate may be (as `Certificate.create` checks it,
 * which also refuses one more than 5 minutes in the future); `null` skips the time check, for
 * inspecting a head saved earlier.
 *
 * @throws {AuditHeadVerificationError} with `reason` 'bad-certificate', 'stale-certificate',
 * 'no-certified-data' or 'head-mismatch'.
 * @throws {InvalidAuditHeadError} for a malformed length or root.
 */
export async function verifyAuditHead({
  certificate,
  canisterId,
  rootKey,
  length,
  rootHash,
  maxAgeInMinutes = 5,
}: {
  certificate: Uint8Array;
  canisterId: Principal;
  rootKey: Uint8Array;
  length: bigint;
  rootHash: Uint8Array;
  maxAgeInMinutes?: number | null;
}): Promise<CertifiedAuditHead> {
  const expected = auditHeadDigest({ length, rootHash });
  let verified: Certificate;
  try {
    verified = await Certificate.create({
      certificate,
      rootKey,
      principal: { canisterId },
      ...(maxAgeInMinutes === null ? { disableTimeVerification: true } : { maxAgeInMinutes }),
    });
  } catch (error) {
    const stale = error instanceof AgentError && error.hasCode(CertificateTimeErrorCode);
    throw new AuditHeadVerificationError({
      reason: stale ? 'stale-certificate' : 'bad-certificate',
      details: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
  const data = verified.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']);
  if (data.status !== LookupPathStatus.Found) {
    throw new AuditHeadVerificationError({
      reason: 'no-certified-data',
      details: `the certificate has no certified data for ${canisterId.toText()} (${data.status})`,
    });
  }
  if (!equalHashes(data.value, expected)) {
    throw new AuditHeadVerificationError({
      reason: 'head-mismatch',
      details: `certified data ${hex(data.value)} is not the digest ${hex(expected)} of length ${length} and the given root`,
    });
  }
  const time = verified.lookup_path(['time']);
  // Certificate.create has already refused a certificate without a time.
  const certificateTimeNanos = time.status === LookupPathStatus.Found ? decodeLeb128(time.value) : 0n;
  return { length, rootHash, certificateTimeNanos };
}

function decodeLeb128(bytes: Uint8Array): bigint {
  let value = 0n;
  let shift = 0n;
  for (const byte of bytes) {
    value |= BigInt(byte & 0x7f) << shift;
    shift += 7n;
  }
  return value;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
