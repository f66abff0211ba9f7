// Hardhat 2 loads its config with `require`, so in this ESM package the file
// must be CommonJS. It is only loaded by `hardhat node`, spawned by
// ./evm-node.ts, which passes every value through the environment so that the
// chain id, mnemonic and balances have one source of truth: ./evm-accounts.ts.
'use strict';

function requireEnv(name) {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`"${name}" expected to be set by devnet/src/chains/evm/evm-node.ts, got nothing`);
  }
  return value;
}

const chainId = Number(requireEnv('DEVNET_EVM_CHAIN_ID'));
if (!Number.isSafeInteger(chainId) || chainId <= 0) {
  throw new Error(`"DEVNET_EVM_CHAIN_ID" expected a positive integer, got ${process.env.DEVNET_EVM_CHAIN_ID}`);
}

/** @type {import('hardhat/config').HardhatUserConfig} */
module.exports = {
  defaultNetwork: 'hardhat',
  networks: {
    hardhat: {
      chainId,
      // BIP-39 mnemonic, accounts m/44'/60'/0'/0/{0..count-1}.
      accounts: {
        mnemonic: requireEnv('DEVNET_EVM_MNEMONIC'),
        path: "m/44'/60'/0'/0",
        count: Number(requireEnv('DEVNET_EVM_ACCOUNT_COUNT')),
        accountsBalance: requireEnv('DEVNET_EVM_ACCOUNT_BALANCE_WEI'),
      },
      // Automine: every transaction is mined in its own block as it arrives.
      mining: { auto: true, interval: 0 },
      // `hardhat node` would otherwise print every JSON-RPC call to stdout.
      loggingEnabled: false,
    },
  },
};
