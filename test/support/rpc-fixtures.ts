/**
 * Chain-side setup for the wallet's EVM and Solana tests and benchmarks: raw JSON-RPC to the
 * devnet's local nodes, the test ERC-20 deployed on the EVM node, and an SPL mint with tokens in
 * an owner's associated account on the Solana node.
 */
import { readFileSync } from 'node:fs';
import { getCreateAccountInstruction } from '@solana-program/system';
import {
  getCreateAssociatedTokenInstruction,
  getInitializeMint2Instruction,
  getMintToInstruction,
  TOKEN_PROGRAM_ADDRESS,
} from '@solana-program/token';
import { lamports, type Address } from '@solana/kit';
import { encodeAbiParameters, getAddress, type Hex } from 'viem';
import { rpcResult, seededSigner, signedTransaction, waitForStatus } from '../../devnet/src/chains/solana/solana-test-utils.ts';
import type { Json } from '../../devnet/src/chains/solana/json.ts';
import * as sol from '../../src/chains/sol/index.ts';

/** test/vectors/eth/test-token: a minimal ERC-20, compiled once with solc-js. */
const TEST_TOKEN = JSON.parse(readFileSync(new URL('../vectors/eth/test-token/TestToken.json', import.meta.url), 'utf8')) as {
  bytecode: Hex;
};

/** One JSON-RPC call to an EVM node; a JSON-RPC error throws. */
export async function evmRpc({ url, method, params }: { url: string; method: string; params: unknown[] }): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const answer = (await response.json()) as { result?: unknown; error?: unknown };
  if (answer.error !== undefined) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

/** Deploys TestToken (6 decimals) from the node's unlocked `funder` with `supply` to `holder`; its EIP-55 address. */
export async function deployTestToken({
  url,
  funder,
  holder,
  supply,
}: {
  url: string;
  funder: string;
  holder: string;
  supply: bigint;
}): Promise<string> {
  const args = encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [holder as Hex, supply]).slice(2);
  const hash = await evmRpc({ url, method: 'eth_sendTransaction', params: [{ from: funder, data: `${TEST_TOKEN.bytecode}${args}` }] });
  return getAddress((await evmRpc({ url, method: 'eth_getTransactionReceipt', params: [hash] })).contractAddress);
}

/**
 * A new SPL mint (6 decimals; authority and mint keys from fixed seeds `seed` and `seed + 1`)
 * with `amount` base units in `owner`'s associated token account; the mint's address.
 */
export async function createSplMint({
  url,
  owner,
  amount,
  seed,
}: {
  url: string;
  owner: string;
  amount: bigint;
  seed: number;
}): Promise<string> {
  const call = (method: string, params?: Json) => rpcResult({ url, method, params });
  const authority = await seededSigner(seed);
  const mint = await seededSigner(seed + 1);
  await waitForStatus({ url, signature: (await call('requestAirdrop', [authority.address, 1_000_000_000])) as string });
  const ownerAccount = sol.findAssociatedTokenAddress({ owner, mint: mint.address }) as string as Address;
  const setup = await signedTransaction({
    feePayer: authority,
    blockhash: ((await call('getLatestBlockhash')) as { value: { blockhash: string } }).value.blockhash,
    instructions: [
      // 82-byte mint account, rent-exempt: (128 + 82) × 6,960 lamports.
      getCreateAccountInstruction({
        payer: authority,
        newAccount: mint,
        lamports: lamports(1_461_600n),
        space: 82,
        programAddress: TOKEN_PROGRAM_ADDRESS,
      }),
      getInitializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: authority.address }),
      getCreateAssociatedTokenInstruction({ payer: authority, ata: ownerAccount, owner: owner as Address, mint: mint.address }),
      getMintToInstruction({ mint: mint.address, token: ownerAccount, mintAuthority: authority, amount }),
    ],
  });
  await call('sendTransaction', [setup.base64, { encoding: 'base64' }]);
  const status = (await waitForStatus({ url, signature: setup.signature })) as { err: Json };
  if (status.err !== null) throw new Error(`createSplMint: ${JSON.stringify(status.err)}`);
  return mint.address;
}
