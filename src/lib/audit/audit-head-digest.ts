import { sha256 } from '@noble/hashes/sha2.js';
import { InvalidAuditHeadError } from './errors.ts';
import { HASH_LENGTH, isHash, isTreeSize } from './tree-bounds.ts';

/**
 * The domain separator of the audit head, in the IC's own style (one length byte, then the
 * ASCII label, as `\x0Aic-request`): 0x15 ‖ "icp-wallet-audit-head". It keeps this digest from
 * ever equalling another 32-byte value the canister might certify.
 */
export const AUDIT_HEAD_DOMAIN = new TextEncoder().encode('\x15icp-wallet-audit-head');

/**
 * The 32 bytes the wallet canister sets as its certified data (`ic0.certified_data_set`) for a
 * log of `length` entries with Merkle root `rootHash`:
 *
 *   SHA-256( 0x15 ‖ "icp-wallet-audit-head" ‖ length as 8-byte big-endian ‖ rootHash )
 *
 * Certified data holds only 32 bytes, so it carries a digest of the head, and `audit_head`
 * returns the length and root beside the certificate for the client to recompute it. The length
 * is in the digest because a root alone does not fix the size a proof is checked against.
 *
 * @throws {InvalidAuditHeadError} for a length outside u64 or a root that is not 32 bytes.
 */
export function auditHeadDigest({ length, rootHash }: { length: bigint; rootHash: Uint8Array }): Uint8Array {
  if (!isTreeSize(length)) throw new InvalidAuditHeadError(`length ${length} is not a u64`);
  if (!isHash(rootHash)) throw new InvalidAuditHeadError(`the root must be ${HASH_LENGTH} bytes`);
  const message = new Uint8Array(AUDIT_HEAD_DOMAIN.length + 8 + HASH_LENGTH);
  message.set(AUDIT_HEAD_DOMAIN, 0);
  new DataView(message.buffer).setBigUint64(AUDIT_HEAD_DOMAIN.length, length, false);
  message.set(rootHash, AUDIT_HEAD_DOMAIN.length + 8);
  return sha256(message);
}
