// How TestToken.json was made (not run by the tests): copy this file and TestToken.sol into a scratch folder,
// `npm install solc@0.8.30` there, then `node compile.mjs > TestToken.json`.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const solc = createRequire(import.meta.url)('solc');
const input = {
  language: 'Solidity',
  sources: { 'TestToken.sol': { content: readFileSync(new URL('./TestToken.sol', import.meta.url), 'utf8') } },
  settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'cancun', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));
for (const e of output.errors ?? []) if (e.severity === 'error') throw new Error(e.formattedMessage);
const contract = output.contracts['TestToken.sol'].TestToken;
process.stdout.write(
  JSON.stringify({ compiler: `solc-js ${solc.version()}`, abi: contract.abi, bytecode: `0x${contract.evm.bytecode.object}` }, null, 2) + '\n',
);
