import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base58 } from '@scure/base';
import {
  AccountRole,
  address,
  createNoopSigner,
  decompileTransactionMessage,
  getCompiledTransactionMessageDecoder,
  getTransactionDecoder,
  lamports,
} from '@solana/kit';
import type { Address } from '@solana/kit';
import { getTransferSolInstruction, SYSTEM_PROGRAM_ADDRESS } from '@solana-program/system';
import {
  AccountState,
  ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
  getMintEncoder,
  getTokenDecoder,
  getTokenEncoder,
  getTransferCheckedInstruction,
  TOKEN_PROGRAM_ADDRESS,
} from '@solana-program/token';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import type { InstructionErrorCustom, TransactionErrorInstructionError } from 'litesvm/dist/internal.js';
import { addressToBytes, findAssociatedTokenAddress, publicKeyToAddress, TOKEN_2022_PROGRAM_ADDRESS } from './address.ts';
import { InvalidTransactionError } from './errors.ts';
import { attachSignature } from './signature.ts';
import { compileSolTransferMessage, compileSplTransferMessage, compileTransactionMessage } from './transaction.ts';

const trust = JSON.parse(readFileSync(new URL('../../../test/vectors/sol/trustwallet-transactions.json', import.meta.url), 'utf8')) as {
  transferMessageData: { from: string; to: string; lamports: string; recentBlockhash: string; messageHex: string };
  transferTokenTransaction3vZ67C: {
    signer: string;
    mint: string;
    senderTokenAddress: string;
    recipientTokenAddress: string;
    amount: string;
    decimals: number;
    recentBlockhash: string;
    transactionBase58: string;
  };
};

// Fixed keys standing in for the IC's Ed25519 keys (the IC signs with a derived scalar; the
// signature format is the same 64-byte RFC 8032 signature).
const SEED = new Uint8Array(32).fill(7);
const FROM = publicKeyToAddress(ed25519.getPublicKey(SEED));
const TO = publicKeyToAddress(ed25519.getPublicKey(new Uint8Array(32).fill(9)));
const BLOCKHASH = 'EkSnNWid2cvwEVnVx9aBqawnmiCNiDgp3gUdkDPTKN1N';
const USDC = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
const SOURCE_ATA = findAssociatedTokenAddress({ owner: FROM, mint: USDC });
const DESTINATION_ATA = findAssociatedTokenAddress({ owner: TO, mint: USDC });

function concat(...parts: Array<Uint8Array | number[]>): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]));
}
function u64le(value: bigint): number[] {
  return Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn));
}
const key = (value: string) => addressToBytes(value);

/** The parts of a decompiled instruction the tests compare, in plain types. */
type PlainInstruction = {
  programAddress: string;
  accounts?: ReadonlyArray<{ address: string; role: number }>;
  data?: ArrayLike<number>;
};
function shape(instructions: readonly PlainInstruction[]) {
  return instructions.map(({ programAddress, accounts, data }) => ({
    programAddress,
    accounts: accounts?.map(({ address: account, role }) => [account, role]),
    data: data && bytesToHex(Uint8Array.from(data)),
  }));
}
/** A compiled legacy message, in plain types. */
type PlainCompiledMessage = {
  staticAccounts: string[];
  instructions: Array<{ programAddressIndex: number; accountIndices?: number[] }>;
};

describe('SOL transfer message', () => {
  test('Trust Wallet TransferMessageData vector, byte for byte', () => {
    const vector = trust.transferMessageData;
    const message = compileSolTransferMessage({
      from: vector.from,
      to: vector.to,
      lamports: BigInt(vector.lamports),
      recentBlockhash: vector.recentBlockhash,
    });
    assert.equal(bytesToHex(message), vector.messageHex);
  });

  test('exact bytes from the message format', () => {
    assert.equal(FROM, 'GmaDrppBC7P5ARKV8g3djiwP89vz1jLK23V2GBjuAEGB');
    assert.equal(TO, 'J2xccRtuG43drESLYznHhLhQkLTdfepcKYbiQ9BsJVaf');
    const expected = concat(
      [1, 0, 1], // header: 1 signature, 0 read-only signed, 1 read-only unsigned (the program)
      [3],
      key(FROM),
      key(TO),
      key(SYSTEM_PROGRAM_ADDRESS), // fee payer, writable recipient, program
      key(BLOCKHASH),
      [1], // one instruction
      [2, 2, 0, 1], // program index 2, accounts [0, 1]
      [12, 2, 0, 0, 0, ...u64le(1_234_567n)], // data: System Transfer (index 2 as u32) + lamports
    );
    assert.equal(
      bytesToHex(compileSolTransferMessage({ from: FROM, to: TO, lamports: 1_234_567n, recentBlockhash: BLOCKHASH })),
      bytesToHex(expected),
    );
  });

  test('refuses bad parameters, naming them', () => {
    const good = { from: FROM, to: TO, lamports: 1n, recentBlockhash: BLOCKHASH };
    const cases: ReadonlyArray<[Record<string, unknown>, string, string]> = [
      [{ lamports: 0n }, 'lamports', '0'],
      [{ lamports: 1n << 64n }, 'lamports', '18446744073709551616'],
      [{ lamports: 5 }, 'lamports', '5'],
      [{ to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }, 'to', '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'],
      [{ from: 'short' }, 'from', 'short'],
      [{ recentBlockhash: 'not-a-blockhash-but-long-enough-000' }, 'recentBlockhash', 'not-a-blockhash-but-long-enough-000'],
    ];
    for (const [override, field, value] of cases) {
      assert.throws(
        () => compileSolTransferMessage({ ...good, ...override } as typeof good),
        (error: unknown) => error instanceof InvalidTransactionError && error.field === field && error.value === value,
        field,
      );
    }
  });
});

describe('SPL transfer message', () => {
  test('exact bytes: TransferChecked between the two associated token accounts', () => {
    assert.equal(SOURCE_ATA, '7woc3ajaGMMXczFYjxon4aQoHH3j126fMUR9c58eHRsK');
    assert.equal(DESTINATION_ATA, '7RP22uEk2BNSbZaQDPAXEqFzcqgoo7qiDiM3VwpgwXc1');
    const expected = concat(
      [1, 0, 2], // 1 signature; mint and token program are read-only unsigned
      // Fee payer, then writable accounts, then read-only ones; kit orders ties by address
      // (its collator: "7RP…" before "7wo…", "EPj…" before "Tok…").
      [5],
      key(FROM),
      key(DESTINATION_ATA),
      key(SOURCE_ATA),
      key(USDC),
      key(TOKEN_PROGRAM_ADDRESS),
      key(BLOCKHASH),
      [1],
      [4, 4, 2, 3, 1, 0], // token program; source, mint, destination, authority
      [10, 12, ...u64le(2_500_000n), 6], // TransferChecked = 12, amount u64, decimals u8
    );
    const message = compileSplTransferMessage({
      from: FROM,
      to: TO,
      mint: USDC,
      amount: 2_500_000n,
      decimals: 6,
      recentBlockhash: BLOCKHASH,
    });
    assert.equal(bytesToHex(message), bytesToHex(expected));
  });

  test('with createRecipientAccount: CreateIdempotent first, and the message decompiles to both instructions', () => {
    const message = compileSplTransferMessage({
      from: FROM,
      to: TO,
      mint: USDC,
      amount: 2_500_000n,
      decimals: 6,
      recentBlockhash: BLOCKHASH,
      createRecipientAccount: true,
    });
    const compiled = getCompiledTransactionMessageDecoder().decode(message);
    assert.deepEqual(compiled.header, { numSignerAccounts: 1, numReadonlySignerAccounts: 0, numReadonlyNonSignerAccounts: 5 });
    assert.deepEqual(compiled.staticAccounts, [
      FROM,
      DESTINATION_ATA,
      SOURCE_ATA,
      SYSTEM_PROGRAM_ADDRESS,
      ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
      USDC,
      TO,
      TOKEN_PROGRAM_ADDRESS,
    ]);
    const decompiled = decompileTransactionMessage(compiled);
    assert.equal(decompiled.feePayer.address, FROM);
    assert.deepEqual(shape(decompiled.instructions as readonly PlainInstruction[]), [
      {
        programAddress: ASSOCIATED_TOKEN_PROGRAM_ADDRESS,
        accounts: [
          [FROM, AccountRole.WRITABLE_SIGNER], // payer
          [DESTINATION_ATA, AccountRole.WRITABLE], // the account to create
          [TO, AccountRole.READONLY], // its owner
          [USDC, AccountRole.READONLY],
          [SYSTEM_PROGRAM_ADDRESS, AccountRole.READONLY],
          [TOKEN_PROGRAM_ADDRESS, AccountRole.READONLY],
        ],
        data: '01', // CreateIdempotent
      },
      {
        programAddress: TOKEN_PROGRAM_ADDRESS,
        accounts: [
          [SOURCE_ATA, AccountRole.WRITABLE],
          [USDC, AccountRole.READONLY],
          [DESTINATION_ATA, AccountRole.WRITABLE],
          [FROM, AccountRole.WRITABLE_SIGNER], // authority (merged with the fee payer's role)
        ],
        data: `0c${bytesToHex(Uint8Array.from(u64le(2_500_000n)))}06`,
      },
    ]);
  });

  test('Token-2022: program id in the instructions and in the account derivation', () => {
    const message = compileSplTransferMessage({
      from: FROM,
      to: TO,
      mint: USDC,
      amount: 1n,
      decimals: 0,
      recentBlockhash: BLOCKHASH,
      tokenProgram: TOKEN_2022_PROGRAM_ADDRESS,
    });
    const compiled = getCompiledTransactionMessageDecoder().decode(message) as unknown as PlainCompiledMessage;
    const source = findAssociatedTokenAddress({ owner: FROM, mint: USDC, tokenProgram: TOKEN_2022_PROGRAM_ADDRESS });
    const destination = findAssociatedTokenAddress({ owner: TO, mint: USDC, tokenProgram: TOKEN_2022_PROGRAM_ADDRESS });
    assert.notEqual(source, SOURCE_ATA);
    const instruction = compiled.instructions[0];
    assert.equal(compiled.staticAccounts[instruction.programAddressIndex], TOKEN_2022_PROGRAM_ADDRESS);
    assert.deepEqual(
      instruction.accountIndices?.map((index) => compiled.staticAccounts[index]),
      [source, USDC, destination, FROM],
    );
  });

  test('the mainnet transfer 3vZ67C… has the same TransferChecked instruction as ours', () => {
    // That transaction (made by the Rust spl-token CLI) orders its two writable token accounts
    // differently from kit, so the bytes differ; the instruction must not.
    const vector = trust.transferTokenTransaction3vZ67C;
    const mainnet = getTransactionDecoder().decode(base58.decode(vector.transactionBase58));
    const theirs = decompileTransactionMessage(getCompiledTransactionMessageDecoder().decode(mainnet.messageBytes));
    const ours = decompileTransactionMessage(
      getCompiledTransactionMessageDecoder().decode(
        compileTransactionMessage({
          feePayer: vector.signer,
          recentBlockhash: vector.recentBlockhash,
          instructions: [
            getTransferCheckedInstruction({
              source: address(vector.senderTokenAddress),
              mint: address(vector.mint),
              destination: address(vector.recipientTokenAddress),
              authority: createNoopSigner(address(vector.signer)),
              amount: BigInt(vector.amount),
              decimals: vector.decimals,
            }),
          ],
        }),
      ),
    );
    const plainOurs = shape(ours.instructions as readonly PlainInstruction[]);
    assert.deepEqual(plainOurs, shape(theirs.instructions as readonly PlainInstruction[]));
    assert.equal(ours.feePayer.address, theirs.feePayer.address);
    assert.equal(plainOurs[0].data, '0ca00f00000000000006');
  });

  test('refuses bad parameters, naming them', () => {
    const good = { from: FROM, to: TO, mint: USDC, amount: 1n, decimals: 6, recentBlockhash: BLOCKHASH };
    const cases: ReadonlyArray<[Record<string, unknown>, string]> = [
      [{ amount: 0n }, 'amount'],
      [{ amount: 1n << 64n }, 'amount'],
      [{ decimals: 256 }, 'decimals'],
      [{ decimals: 1.5 }, 'decimals'],
      [{ decimals: -1 }, 'decimals'],
      [{ mint: 'nope' }, 'mint'],
      [{ tokenProgram: SYSTEM_PROGRAM_ADDRESS }, 'tokenProgram'],
      // A token account pasted as the recipient: off the curve, refused unless explicitly allowed.
      [{ to: DESTINATION_ATA }, 'to'],
    ];
    for (const [override, field] of cases) {
      assert.throws(
        () => compileSplTransferMessage({ ...good, ...override } as typeof good),
        (error: unknown) => error instanceof InvalidTransactionError && error.field === field,
        field,
      );
    }
    // Explicitly allowed: the recipient's associated account is then derived from the PDA.
    const message = compileSplTransferMessage({ ...good, to: DESTINATION_ATA, allowOwnerOffCurve: true });
    const compiled = getCompiledTransactionMessageDecoder().decode(message);
    assert.ok(compiled.staticAccounts.includes(findAssociatedTokenAddress({ owner: DESTINATION_ATA, mint: USDC })));
  });
});

describe('compileTransactionMessage', () => {
  test('refuses a second signer', () => {
    const other = createNoopSigner(TO);
    assert.throws(
      () =>
        compileTransactionMessage({
          feePayer: FROM,
          recentBlockhash: BLOCKHASH,
          instructions: [getTransferSolInstruction({ source: other, destination: FROM, amount: 1n })],
        }),
      (error: unknown) => error instanceof InvalidTransactionError && error.details === 'only the fee payer may sign, got 2 signers',
    );
  });

  test('refuses a message that would not fit in 1232 bytes once signed', () => {
    const source = createNoopSigner(FROM);
    const transfers = (count: number) =>
      Array.from({ length: count }, (_, i) =>
        getTransferSolInstruction({
          source,
          destination: publicKeyToAddress(ed25519.getPublicKey(new Uint8Array(32).fill(i + 10))),
          amount: 1n,
        }),
      );
    // Each transfer adds a 32-byte account and a 17-byte instruction: 21 fit (1130 + 65), 22 do not.
    assert.equal(compileTransactionMessage({ feePayer: FROM, recentBlockhash: BLOCKHASH, instructions: transfers(21) }).length, 1130);
    assert.throws(
      () => compileTransactionMessage({ feePayer: FROM, recentBlockhash: BLOCKHASH, instructions: transfers(22) }),
      (error: unknown) =>
        error instanceof InvalidTransactionError &&
        error.field === 'instructions' &&
        error.details === 'signed transaction would be 1244 bytes, the limit is 1232',
    );
  });
});

describe('executed by the Solana runtime (LiteSVM)', () => {
  const sign = (messageBytes: Uint8Array) => attachSignature({ messageBytes, signature: ed25519.sign(messageBytes, SEED) });
  const send = (svm: LiteSVM, transactionBytes: Uint8Array) => svm.sendTransaction(getTransactionDecoder().decode(transactionBytes));

  function setUpToken(svm: LiteSVM, { mint, balance }: { mint: Address; balance: bigint }) {
    svm.setAccount({
      address: mint,
      executable: false,
      lamports: lamports(1_461_600n),
      programAddress: TOKEN_PROGRAM_ADDRESS,
      space: 82n,
      data: Uint8Array.from(
        getMintEncoder().encode({ mintAuthority: FROM, supply: balance, decimals: 6, isInitialized: true, freezeAuthority: null }),
      ),
    });
    svm.setAccount({
      address: findAssociatedTokenAddress({ owner: FROM, mint }),
      executable: false,
      lamports: lamports(2_039_280n),
      programAddress: TOKEN_PROGRAM_ADDRESS,
      space: 165n,
      data: Uint8Array.from(
        getTokenEncoder().encode({
          mint,
          owner: FROM,
          amount: balance,
          delegate: null,
          state: AccountState.Initialized,
          isNative: null,
          delegatedAmount: 0n,
          closeAuthority: null,
        }),
      ),
    });
  }
  const tokenBalance = (svm: LiteSVM, account: Address) => {
    const info = svm.getAccount(account);
    return info.exists ? getTokenDecoder().decode(info.data).amount : undefined;
  };

  test('SOL transfer', () => {
    const svm = new LiteSVM();
    svm.airdrop(FROM, lamports(2_000_000_000n));
    const signed = sign(compileSolTransferMessage({ from: FROM, to: TO, lamports: 1_234_567n, recentBlockhash: svm.latestBlockhash() }));
    const result = send(svm, signed.transactionBytes);
    assert.ok(!(result instanceof FailedTransactionMetadata), String(result));
    assert.equal(svm.getBalance(TO), 1_234_567n);
    assert.equal(svm.getBalance(FROM), 2_000_000_000n - 1_234_567n - 5_000n); // one signature: 5000 lamports
  });

  test('SPL transfer creating the recipient account, then one to the existing account', () => {
    const svm = new LiteSVM();
    const mint = address(USDC);
    svm.airdrop(FROM, lamports(2_000_000_000n));
    setUpToken(svm, { mint, balance: 10_000_000n });
    const first = sign(
      compileSplTransferMessage({
        from: FROM,
        to: TO,
        mint,
        amount: 2_500_000n,
        decimals: 6,
        recentBlockhash: svm.latestBlockhash(),
        createRecipientAccount: true,
      }),
    );
    const result = send(svm, first.transactionBytes);
    assert.ok(!(result instanceof FailedTransactionMetadata), String(result));
    assert.equal(tokenBalance(svm, DESTINATION_ATA), 2_500_000n);
    assert.equal(tokenBalance(svm, SOURCE_ATA), 7_500_000n);

    svm.expireBlockhash();
    const second = sign(
      compileSplTransferMessage({ from: FROM, to: TO, mint, amount: 500_000n, decimals: 6, recentBlockhash: svm.latestBlockhash() }),
    );
    const again = send(svm, second.transactionBytes);
    assert.ok(!(again instanceof FailedTransactionMetadata), String(again));
    assert.equal(tokenBalance(svm, DESTINATION_ATA), 3_000_000n);
  });

  test('the runtime refuses what it must: missing recipient account, wrong decimals, tampered bytes', () => {
    const svm = new LiteSVM();
    const mint = address(USDC);
    svm.airdrop(FROM, lamports(2_000_000_000n));
    setUpToken(svm, { mint, balance: 10_000_000n });
    const recentBlockhash = svm.latestBlockhash();

    // Without createRecipientAccount the destination must exist.
    const noAccount = send(
      svm,
      sign(compileSplTransferMessage({ from: FROM, to: TO, mint, amount: 1n, decimals: 6, recentBlockhash })).transactionBytes,
    );
    assert.ok(noAccount instanceof FailedTransactionMetadata);
    const noAccountError = noAccount.err() as TransactionErrorInstructionError;
    assert.equal(noAccountError.index, 0);

    // TransferChecked makes the program compare decimals with the mint's (TokenError::MintDecimalsMismatch = 18).
    const wrongDecimals = send(
      svm,
      sign(compileSplTransferMessage({ from: FROM, to: TO, mint, amount: 1n, decimals: 9, recentBlockhash, createRecipientAccount: true }))
        .transactionBytes,
    );
    assert.ok(wrongDecimals instanceof FailedTransactionMetadata);
    const decimalsError = wrongDecimals.err() as TransactionErrorInstructionError;
    assert.equal(decimalsError.index, 1);
    assert.equal((decimalsError.err() as InstructionErrorCustom).code, 18);

    // One flipped bit in the signed bytes: the runtime's signature check fails.
    const good = sign(compileSolTransferMessage({ from: FROM, to: TO, lamports: 1_000n, recentBlockhash }));
    const tampered = Uint8Array.from(good.transactionBytes);
    tampered[tampered.length - 1] ^= 1; // the lamports' top byte
    const rejected = send(svm, tampered);
    assert.ok(rejected instanceof FailedTransactionMetadata);
    assert.equal(rejected.err(), 11); // litesvm's const enum TransactionErrorFieldless.SignatureFailure
    assert.equal(svm.getBalance(TO), null);
  });
});
