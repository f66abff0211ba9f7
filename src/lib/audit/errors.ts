/**
 * Errors of the signature log (issue 7, "Signature log"). Every one extends the project's one
 * `WalletError` base (CONTRIBUTING.md, "Style") and quotes the value it refuses.
 */
import { WalletError } from '../errors.ts';

/** Why a proof was refused; stable strings a caller may switch on (the CLI prints them). */
export type MerkleProofFailure =
  /** A hash (leaf, root or proof element) that is not 32 bytes. */
  | 'bad-hash-length'
  /** The leaf index is not below the tree size, or size1 > size2, or a size beyond 2^64 - 1. */
  | 'bad-position'
  /** The proof has more or fewer hashes than the tree shape calls for. */
  | 'bad-proof-length'
  /** The proof recomputes a root other than the one claimed. */
  | 'root-mismatch';

/** A Merkle inclusion proof (RFC 9162 §2.1.3.2) that does not prove what it claims. */
export class InclusionProofError extends WalletError {
  override name = 'InclusionProofError';
  readonly reason: MerkleProofFailure;
  constructor({ reason, index, size, details }: { reason: MerkleProofFailure; index: bigint; size: bigint; details: string }) {
    super(`Inclusion proof of leaf ${index} in a tree of size ${size} refused (${reason})`, { details });
    this.reason = reason;
  }
}

/** A Merkle consistency proof (RFC 9162 §2.1.4.2) that does not prove what it claims. */
export class ConsistencyProofError extends WalletError {
  override name = 'ConsistencyProofError';
  readonly reason: MerkleProofFailure;
  constructor({ reason, size1, size2, details }: { reason: MerkleProofFailure; size1: bigint; size2: bigint; details: string }) {
    super(`Consistency proof from size ${size1} to size ${size2} refused (${reason})`, { details });
    this.reason = reason;
  }
}

/** A tree operation asked about a position the tree does not have (an index or size out of range). */
export class MerkleTreeRangeError extends WalletError {
  override name = 'MerkleTreeRangeError';
  constructor(what: string, details: string) {
    super(`Merkle tree position out of range: ${what}`, { details });
  }
}

/**
 * The node store lacks a hash the tree's size says it must hold: the store and the size the
 * caller passed disagree. In the canister this is a broken invariant, not bad user input.
 */
export class MissingMerkleNodeError extends WalletError {
  override name = 'MissingMerkleNodeError';
  constructor({ level, index }: { level: number; index: bigint }) {
    super(`Merkle node store has no hash at level ${level}, index ${index}`);
  }
}

/** A malformed audit head (a length beyond 64 bits, or a root that is not 32 bytes). */
export class InvalidAuditHeadError extends WalletError {
  override name = 'InvalidAuditHeadError';
  constructor(details: string) {
    super('Invalid audit head', { details });
  }
}

/** Why a certified audit head was refused. */
export type AuditHeadFailure =
  /** The certificate does not verify against the root key (or is malformed). */
  | 'bad-certificate'
  /** The certificate has no `certified_data` for this canister. */
  | 'no-certified-data'
  /** The certified data is not the digest of the claimed length and root. */
  | 'head-mismatch'
  /** The certificate's time is older than the caller allows. */
  | 'stale-certificate';

/** A certificate that does not certify the claimed audit head. */
export class AuditHeadVerificationError extends WalletError {
  override name = 'AuditHeadVerificationError';
  readonly reason: AuditHeadFailure;
  constructor({ reason, details, cause }: { reason: AuditHeadFailure; details: string; cause?: unknown }) {
    super(`Audit head refused (${reason})`, { details, cause });
    this.reason = reason;
  }
}
