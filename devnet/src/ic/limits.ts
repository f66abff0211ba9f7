/**
 * Execution limits and fees of a 13-node application subnet, as the IC charges them
 * (IC docs "Cycles cost formulas" and the replica's SubnetConfig). One table, with the why.
 */
export const limits = {
  /** Instructions a single update message may execute (DTS slices add up to this). */
  updateInstructions: 40_000_000_000n,
  /** A query or composite-query method. */
  queryInstructions: 5_000_000_000n,
  /** canister_init, pre_upgrade + post_upgrade together, as install_code does. */
  installInstructions: 300_000_000_000n,
  /** Largest reply / argument (2 MiB payloads, IC spec "Message size"). */
  maxPayloadBytes: 2 * 1024 * 1024 + 1024,
  /** Largest Wasm module install_code accepts directly. */
  maxWasmBytes: 100 * 1024 * 1024,
  /** Chunk store: 1 MiB per chunk. */
  maxChunkBytes: 1024 * 1024,
  /** Stable memory: 500 GiB on the IC; the devnet holds it in RAM, so it caps it lower. */
  maxStablePages: 65536n * 4n, // 16 GiB of 64 KiB pages
  /**
   * Instructions a round executes before it ends: the replica's MAX_INSTRUCTIONS_PER_ROUND
   * (dfinity/ic rs/config/src/subnet_config.rs). The scheduler keeps delivering messages within a
   * round until this is used up or nothing is left (rs/execution_environment/src/scheduler.rs
   * `inner_round`).
   */
  roundInstructions: 4_000_000_000n,
  /** Rounds await_ingress_message runs before giving up on a message that never completes. */
  maxAwaitRounds: 5000,
} as const;

export const fees = {
  /** Base fee of executing any update message. */
  updateMessageExecution: 5_000_000n,
  /** Per 10 instructions executed in replicated mode. */
  tenUpdateInstructions: 4n,
  /** Per inter-canister call, and per byte of its argument/reply. */
  xnetCall: 260_000n,
  xnetByte: 1_000n,
  /** Ingress induction, charged to the receiving canister. */
  ingressMessage: 1_200_000n,
  ingressByte: 2_000n,
  /** Storage, per GiB per second (IC docs "Cycles cost formulas", 13-node subnet). */
  gibStoragePerSecond: 127_000n,
  /** create_canister through the management canister (provisional creation is free). */
  canisterCreation: 500_000_000_000n,
} as const;
