import { bytesToHex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';

/** A pre-funded account of the local EVM chain. */
export interface EvmAccount {
  address: `0x${string}`;
  privateKey: `0x${string}`;
}

/**
 * Hardhat's public test mnemonic (BIP-39). Its keys are published in Hardhat's
 * documentation: never send real funds to them.
 */
export const EVM_TEST_MNEMONIC = 'test test test test test test test test test test test junk';

/** Chain id of the local EVM chain unless told otherwise: Hardhat's default. */
export const EVM_DEFAULT_CHAIN_ID = 31337;

/** How many accounts the node pre-funds, at m/44'/60'/0'/0/{0..9}. */
export const EVM_ACCOUNT_COUNT = 10;

/** Balance of every pre-funded account at genesis: 10,000 ETH. */
export const EVM_ACCOUNT_BALANCE_WEI = 10_000n * 10n ** 18n;

/**
 * Derives the pre-funded accounts from {@link EVM_TEST_MNEMONIC} along the
 * BIP-44 Ethereum path m/44'/60'/0'/0/i, as Hardhat does.
 *
 * @example
 * deriveEvmTestAccounts({ count: 1 })[0].address // '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
 */
export function deriveEvmTestAccounts({ count = EVM_ACCOUNT_COUNT }: { count?: number } = {}): EvmAccount[] {
  const accounts: EvmAccount[] = [];
  for (let addressIndex = 0; addressIndex < count; addressIndex++) {
    const account = mnemonicToAccount(EVM_TEST_MNEMONIC, { addressIndex });
    const privateKey = account.getHdKey().privateKey;
    if (privateKey === null) {
      throw new Error(`deriveEvmTestAccounts: no private key at m/44'/60'/0'/0/${addressIndex}`);
    }
    accounts.push({ address: account.address, privateKey: bytesToHex(privateKey) });
  }
  return accounts;
}
