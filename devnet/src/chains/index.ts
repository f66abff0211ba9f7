import { startEvmNode, type EvmNode, type StartEvmNodeArgs } from './evm/index.ts';
import { startSolanaNode, type SolanaNode, type StartSolanaNodeArgs } from './solana/index.ts';

export * from './evm/index.ts';
export * from './solana/index.ts';

/** The local blockchains the devnet's live mode runs beside the IC. */
export interface LocalChains {
  evm: EvmNode;
  solana: SolanaNode;
  /** Stops both chains; rejects with the first failure after trying both. */
  stop(): Promise<void>;
}

/**
 * Starts the local EVM and Solana chains in parallel, both on 127.0.0.1. If
 * one fails to start, the other is stopped before the error is rethrown.
 *
 * @example
 * const chains = await startLocalChains();
 * try {
 *   // chains.evm.url, chains.solana.url
 * } finally {
 *   await chains.stop();
 * }
 */
export async function startLocalChains({
  evm: evmArgs,
  solana: solanaArgs,
}: { evm?: StartEvmNodeArgs; solana?: StartSolanaNodeArgs } = {}): Promise<LocalChains> {
  const [evm, solana] = await Promise.allSettled([startEvmNode(evmArgs), startSolanaNode(solanaArgs)]);
  if (evm.status === 'rejected' || solana.status === 'rejected') {
    await Promise.allSettled([
      evm.status === 'fulfilled' ? evm.value.stop() : undefined,
      solana.status === 'fulfilled' ? solana.value.stop() : undefined,
    ]);
    throw evm.status === 'rejected' ? evm.reason : (solana as PromiseRejectedResult).reason;
  }
  const stop = async (): Promise<void> => {
    const results = await Promise.allSettled([evm.value.stop(), solana.value.stop()]);
    const failure = results.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  };
  return { evm: evm.value, solana: solana.value, stop };
}
