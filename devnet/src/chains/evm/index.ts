export { startEvmNode, type EvmNode, type StartEvmNodeArgs } from './evm-node.ts';
export {
  deriveEvmTestAccounts,
  EVM_ACCOUNT_BALANCE_WEI,
  EVM_ACCOUNT_COUNT,
  EVM_DEFAULT_CHAIN_ID,
  EVM_TEST_MNEMONIC,
  type EvmAccount,
} from './evm-accounts.ts';
export { EvmNodeError, type EvmNodeErrorType } from './errors.ts';
