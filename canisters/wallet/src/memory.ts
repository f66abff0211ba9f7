/**
 * The stable-memory ids of the wallet's `StableBTreeMap`s, in one table: azle gives each map its
 * own virtual memory by id (0..253), and reusing an id would make two maps read each other's
 * bytes. An id is never renumbered or reused once released.
 */
export const MEMORY = Object.freeze({
  /** config.ts: the configuration. */
  config: 0,
  /** keys.ts: each principal's public keys and addresses. */
  keys: 1,
  /** audit/log.ts: entry index → the entry's Candid bytes (the Merkle leaf). */
  auditLeaves: 2,
  /** audit/log.ts: the hashes of the complete subtrees of the Merkle tree. */
  auditNodes: 3,
  /** audit/log.ts: `principal#n` → the log index of that principal's n-th entry. */
  auditByCaller: 4,
  /** audit/log.ts: the tree size; per principal, the number of entries. */
  auditCounts: 5,
  /** history.ts: `principal#n` → the principal's n-th send. */
  history: 6,
  /** history.ts: per principal, the number of sends. */
  historyCounts: 7,
  /** btc/reservations.ts: outpoints of sends in flight. */
  btcReservations: 8,
  /** settings.ts: limits, pause, auditors. */
  settings: 9,
  /** guards.ts: each principal's recent signature times and daily count. */
  usage: 10,
  /** keys.ts: each principal's `cached_addresses` reply, Candid-encoded once. */
  addressReplies: 11,
  // 20..29: EVM and Solana state.
  /** eth/nonces.ts: the local nonce per (chain id, address). */
  evmNonces: 20,
  /** tokens.ts: the ERC-20 and SPL token list. */
  tokens: 21,
} as const);
