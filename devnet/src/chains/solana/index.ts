export { startSolanaNode, SolanaNodeError, type SolanaNode, type SolanaNodeErrorType, type StartSolanaNodeArgs } from './solana-node.ts';
export { SolanaChain, FAUCET_LAMPORTS, MAX_PROCESSING_AGE, type LandedTransaction } from './solana-chain.ts';
export { handleSolanaRpc, SOLANA_CORE_VERSION } from './solana-rpc.ts';
export { SolanaRpcError } from './rpc-error.ts';
