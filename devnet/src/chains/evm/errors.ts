import { WalletError } from '../../../../src/lib/errors.ts';

/** The local EVM node could not be started or did not answer as expected. */
export class EvmNodeError extends WalletError {
  override name = 'EvmNodeError';
}

/** Every error `startEvmNode` and `EvmNode.stop` throw. */
export type EvmNodeErrorType = EvmNodeError;
