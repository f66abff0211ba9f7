import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { getCreateAccountInstruction } from '@solana-program/system';
import {
  findAssociatedTokenPda,
  getCreateAssociatedTokenInstruction,
  getInitializeMint2Instruction,
  getMintToInstruction,
  getTransferCheckedInstruction,
  TOKEN_PROGRAM_ADDRESS,
} from '@solana-program/token';
import { getAddressEncoder, lamports, type Address, type KeyPairSigner } from '@solana/kit';

import { startSolanaNode, type SolanaNode } from './index.ts';
import type { Json } from './json.ts';
import { rpcCall, rpcResult, seededSigner, signedTransaction, waitForStatus } from './solana-test-utils.ts';

const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const PAYER = 'AKnL4NNf3DGWZJS6cPknBuEGnVsV4A4m5tgebLHaRSZ9'; // ed25519 key of seed 0x01 x 32
const RECIPIENT = '9hSR6S7WPtxmTojgo6GG3k4yDPecgJY292j7xrsUGWBu'; // of seed 0x02 x 32
const MINT = 'EdmxWPmx2WH6WgFfTdu9xfkYf3k1g5wD1zccTVySEEh1'; // of seed 0x04 x 32
const MINT_RENT = 1_461_600; // (128 + 82) x 6,960
const TOKEN_ACCOUNT_RENT = 2_039_280; // (128 + 165) x 6,960

function errorOf(response: Json): Json {
  return (response as { error: Json }).error;
}

function tokenAmount(amount: string, uiAmount: number, uiAmountString: string): Json {
  return { amount, decimals: 6, uiAmount, uiAmountString };
}

describe('SPL Token on the local Solana node', () => {
  let node: SolanaNode;
  let url: string;
  let payer: KeyPairSigner;
  let payerAta: Address;
  let recipientAta: Address;
  let transferSignature: string;
  const call = (method: string, params?: Json): Promise<Json> => rpcCall({ url, method, params });
  const result = (method: string, params?: Json): Promise<Json> => rpcResult({ url, method, params });
  const latestBlockhash = async (): Promise<string> =>
    ((await result('getLatestBlockhash')) as { value: { blockhash: string } }).value.blockhash;

  before(async () => {
    node = await startSolanaNode();
    url = node.url;
    payer = await seededSigner(1);
    [payerAta] = await findAssociatedTokenPda({ owner: PAYER as Address, mint: MINT as Address, tokenProgram: TOKEN_PROGRAM_ADDRESS });
    [recipientAta] = await findAssociatedTokenPda({
      owner: RECIPIENT as Address,
      mint: MINT as Address,
      tokenProgram: TOKEN_PROGRAM_ADDRESS,
    });
  });
  after(async () => {
    await node?.stop();
  });

  test('creates a mint and two associated token accounts, mints and transfers with TransferChecked', async () => {
    const mint = await seededSigner(4);
    assert.equal(mint.address, MINT);
    assert.equal(await result('getMinimumBalanceForRentExemption', [82]), MINT_RENT);
    await waitForStatus({ url, signature: (await result('requestAirdrop', [PAYER, 10_000_000_000])) as string });

    const setup = await signedTransaction({
      feePayer: payer,
      blockhash: await latestBlockhash(),
      instructions: [
        getCreateAccountInstruction({
          payer,
          newAccount: mint,
          lamports: lamports(BigInt(MINT_RENT)),
          space: 82,
          programAddress: TOKEN_PROGRAM_ADDRESS,
        }),
        getInitializeMint2Instruction({ mint: mint.address, decimals: 6, mintAuthority: payer.address }),
        getCreateAssociatedTokenInstruction({ payer, ata: payerAta, owner: payer.address, mint: mint.address }),
        getCreateAssociatedTokenInstruction({ payer, ata: recipientAta, owner: RECIPIENT as Address, mint: mint.address }),
        getMintToInstruction({ mint: mint.address, token: payerAta, mintAuthority: payer, amount: 1_000_000_000n }),
      ],
    });
    assert.equal(await result('sendTransaction', [setup.base64, { encoding: 'base64' }]), setup.signature);
    assert.equal(((await waitForStatus({ url, signature: setup.signature })) as { err: Json }).err, null);

    const transfer = await signedTransaction({
      feePayer: payer,
      blockhash: await latestBlockhash(),
      instructions: [
        getTransferCheckedInstruction({
          source: payerAta,
          mint: MINT as Address,
          destination: recipientAta,
          authority: payer,
          amount: 2_500_000n,
          decimals: 6,
        }),
      ],
    });
    transferSignature = transfer.signature;
    assert.equal(await result('sendTransaction', [transfer.base64, { encoding: 'base64' }]), transfer.signature);
    assert.equal(((await waitForStatus({ url, signature: transfer.signature })) as { err: Json }).err, null);

    assert.deepEqual(
      ((await result('getTokenAccountBalance', [recipientAta])) as { value: Json }).value,
      tokenAmount('2500000', 2.5, '2.5'),
    );
    assert.deepEqual(
      ((await result('getTokenAccountBalance', [payerAta])) as { value: Json }).value,
      tokenAmount('997500000', 997.5, '997.5'),
    );
  });

  test('getTransaction reports the token balances before and after', async () => {
    const landed = (await result('getTransaction', [transferSignature, { maxSupportedTransactionVersion: 0 }])) as {
      meta: { [key: string]: Json };
      transaction: { message: { accountKeys: Json } };
    };
    // Keys: payer (fee payer, signer), the two token accounts, then the mint and the program.
    assert.deepEqual(landed.transaction.message.accountKeys, [PAYER, payerAta, recipientAta, MINT, TOKEN_PROGRAM]);
    assert.deepEqual(landed.meta.preTokenBalances, [
      { accountIndex: 1, mint: MINT, owner: PAYER, programId: TOKEN_PROGRAM, uiTokenAmount: tokenAmount('1000000000', 1000, '1000') },
      { accountIndex: 2, mint: MINT, owner: RECIPIENT, programId: TOKEN_PROGRAM, uiTokenAmount: tokenAmount('0', 0, '0') },
    ]);
    assert.deepEqual(landed.meta.postTokenBalances, [
      { accountIndex: 1, mint: MINT, owner: PAYER, programId: TOKEN_PROGRAM, uiTokenAmount: tokenAmount('997500000', 997.5, '997.5') },
      { accountIndex: 2, mint: MINT, owner: RECIPIENT, programId: TOKEN_PROGRAM, uiTokenAmount: tokenAmount('2500000', 2.5, '2.5') },
    ]);
    // The SPL Token build litesvm ships logs no instruction name (as p-token does).
    assert.deepEqual(landed.meta.logMessages, [
      `Program ${TOKEN_PROGRAM} invoke [1]`,
      `Program ${TOKEN_PROGRAM} consumed 105 of 200000 compute units`,
      `Program ${TOKEN_PROGRAM} success`,
    ]);
    assert.equal(landed.meta.computeUnitsConsumed, 105);
    assert.equal(landed.meta.fee, 5_000);
  });

  test('getTokenAccountsByOwner finds the account by mint and by program, parsed or raw', async () => {
    const byMint = (await result('getTokenAccountsByOwner', [RECIPIENT, { mint: MINT }, { encoding: 'jsonParsed' }])) as {
      value: Json;
    };
    assert.deepEqual(byMint.value, [
      {
        account: {
          data: {
            parsed: {
              info: {
                isNative: false,
                mint: MINT,
                owner: RECIPIENT,
                state: 'initialized',
                tokenAmount: tokenAmount('2500000', 2.5, '2.5'),
              },
              type: 'account',
            },
            program: 'spl-token',
            space: 165,
          },
          executable: false,
          lamports: TOKEN_ACCOUNT_RENT,
          owner: TOKEN_PROGRAM,
          rentEpoch: 18_446_744_073_709_551_615n,
          space: 165,
        },
        pubkey: recipientAta,
      },
    ]);
    const byProgram = (await result('getTokenAccountsByOwner', [
      RECIPIENT,
      { programId: TOKEN_PROGRAM },
      { encoding: 'base64', dataSlice: { offset: 32, length: 32 } },
    ])) as { value: { pubkey: Json; account: { data: [string, string] } }[] };
    assert.equal(byProgram.value.length, 1);
    assert.equal(byProgram.value[0]?.pubkey, recipientAta);
    // Bytes 32..64 of a token account hold its owner.
    const owner = Uint8Array.from(atob(byProgram.value[0]?.account.data[0] ?? ''), (c) => c.charCodeAt(0));
    assert.deepEqual(owner, Uint8Array.from(getAddressEncoder().encode(RECIPIENT as Address)));
    assert.deepEqual(
      (
        (await result('getTokenAccountsByOwner', [PAYER, { mint: MINT }, { encoding: 'base64' }])) as { value: { pubkey: Json }[] }
      ).value.map((entry) => entry.pubkey),
      [payerAta],
    );

    const mintInfo = (await result('getAccountInfo', [MINT, { encoding: 'jsonParsed' }])) as { value: { data: Json } };
    assert.deepEqual(mintInfo.value.data, {
      parsed: {
        info: { decimals: 6, freezeAuthority: null, isInitialized: true, mintAuthority: PAYER, supply: '1000000000' },
        type: 'mint',
      },
      program: 'spl-token',
      space: 82,
    });
  });

  test('rejects an overdraft in preflight with the token program logs', async () => {
    const overdraft = await signedTransaction({
      feePayer: payer,
      blockhash: await latestBlockhash(),
      instructions: [
        getTransferCheckedInstruction({
          source: payerAta,
          mint: MINT as Address,
          destination: recipientAta,
          authority: payer,
          amount: 2_000_000_000n,
          decimals: 6,
        }),
      ],
    });
    const error = errorOf(await call('sendTransaction', [overdraft.base64, { encoding: 'base64' }])) as {
      code: Json;
      message: Json;
      data: { err: Json; logs: string[] };
    };
    assert.equal(error.code, -32002);
    // spl-token TokenError::InsufficientFunds = 1
    assert.equal(error.message, 'Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1');
    assert.deepEqual(error.data.err, { InstructionError: [0, { Custom: 1 }] });
    assert.deepEqual(error.data.logs, [
      `Program ${TOKEN_PROGRAM} invoke [1]`,
      'Program log: Error: insufficient funds',
      `Program ${TOKEN_PROGRAM} consumed 193 of 200000 compute units`,
      `Program ${TOKEN_PROGRAM} failed: custom program error: 0x1`,
    ]);
  });

  test('answers token queries on the wrong accounts with the real errors', async () => {
    assert.deepEqual(errorOf(await call('getTokenAccountBalance', [PAYER])), {
      code: -32602,
      message: 'Invalid param: not a Token account',
    });
    assert.deepEqual(errorOf(await call('getTokenAccountBalance', [RECIPIENT])), {
      code: -32602,
      message: 'Invalid param: could not find account',
    });
    assert.deepEqual(errorOf(await call('getTokenAccountsByOwner', [RECIPIENT, { mint: PAYER }])), {
      code: -32602,
      message: 'Invalid param: not a Token mint',
    });
    assert.deepEqual(errorOf(await call('getTokenAccountsByOwner', [RECIPIENT, { mint: RECIPIENT }])), {
      code: -32602,
      message: 'Invalid param: could not find mint',
    });
    assert.deepEqual(errorOf(await call('getTokenAccountsByOwner', [RECIPIENT, { programId: '11111111111111111111111111111111' }])), {
      code: -32602,
      message: 'Invalid param: unrecognized Token program id',
    });
    assert.deepEqual(errorOf(await call('getTokenAccountsByOwner', [RECIPIENT, { owner: MINT }])), {
      code: -32602,
      message: 'Invalid params: unknown variant `owner`, expected `mint` or `programId`.',
    });
    // The default encoding is base58, which 165-byte token accounts exceed.
    assert.deepEqual(errorOf(await call('getTokenAccountsByOwner', [RECIPIENT, { mint: MINT }])), {
      code: -32600,
      message: 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.',
    });
  });
});
