/**
 * The signature log's Merkle tree (RFC 9162), for the canister and its clients alike: no azle
 * import, no Buffer, Intl, URL or fetch. `verify-audit-head.ts` is not re-exported here because
 * it needs @icp-sdk/core's agent; clients import it directly.
 */
export { appendLeaf } from './append-leaf.ts';
export { AUDIT_HEAD_DOMAIN, auditHeadDigest } from './audit-head-digest.ts';
export { consistencyProof } from './consistency-proof.ts';
export { emptyRootHash } from './empty-root-hash.ts';
export {
  AuditHeadVerificationError,
  ConsistencyProofError,
  InclusionProofError,
  InvalidAuditHeadError,
  MerkleTreeRangeError,
  MissingMerkleNodeError,
} from './errors.ts';
export type { AuditHeadFailure, MerkleProofFailure } from './errors.ts';
export { inclusionProof } from './inclusion-proof.ts';
export { leafHash } from './leaf-hash.ts';
export { MemoryMerkleNodeStore } from './merkle-node-store.ts';
export type { MerkleNodeStore } from './merkle-node-store.ts';
export { merkleTreeHash } from './merkle-tree-hash.ts';
export { nodeHash } from './node-hash.ts';
export { rootHash } from './root-hash.ts';
export { MAX_TREE_SIZE } from './tree-bounds.ts';
export { verifyConsistency } from './verify-consistency.ts';
export type { VerifiedConsistency } from './verify-consistency.ts';
export { verifyInclusion } from './verify-inclusion.ts';
export type { VerifiedInclusion } from './verify-inclusion.ts';
