/**
 * Differential fuzzing of src/chains/sol against @solana/web3.js 1.x and @solana/spl-token
 * (issue 11): keys and addresses made with Node-independent Ed25519 (@noble/curves), random
 * 32-byte strings (about half off the curve), the 19 non-canonical encodings with y ≥ p,
 * mutations and hostile values. Every exported function either gives the reference's result
 * (message bytes, addresses, the signed wire transaction) or refuses with a SolError (or the
 * shared InvalidArgumentError / amount errors), never an untyped error.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58, base64 } from '@scure/base';
import { Message, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import {
  createAssociatedTokenAccountIdempotentInstruction,
  createTransferCheckedInstruction,
  getAssociatedTokenAddressSync,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
  TokenOwnerOffCurveError,
} from '@solana/spl-token';
import * as sol from '../../src/chains/sol/index.ts';
import {
  agrees,
  bothAccept,
  hostile,
  mutateBytes,
  mutateField,
  mutateString,
  ours,
  params,
  reference,
  refused,
  seeds,
  toHex,
} from './support.ts';

const P = 2n ** 255n - 19n;

/** 48 Ed25519 key pairs, made once (see `seeds`). */
const keyPair = fc.constantFrom(...seeds(48).map((secret) => ({ secret, publicKey: ed25519.getPublicKey(secret) })));
/** The little-endian encoding of y = p + k (k in 0..18), with or without the sign bit: never canonical. */
const nonCanonical = fc.record({ k: fc.integer({ min: 0, max: 18 }), sign: fc.boolean() }).map(({ k, sign }) => {
  let y = P + BigInt(k);
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) {
    bytes[i] = Number(y & 0xffn);
    y >>= 8n;
  }
  if (sign) bytes[31] |= 0x80;
  return bytes;
});
const anyBytes32 = fc.oneof(
  keyPair.map((k) => k.publicKey),
  fc.uint8Array({ minLength: 32, maxLength: 32 }),
  nonCanonical,
);
const anyAddress = anyBytes32.map((bytes) => base58.encode(bytes));
const blockhash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => base58.encode(bytes));
const u64 = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n });

describe('sol differential fuzz: addresses', () => {
  test('isOnCurveAddress equals web3.js PublicKey.isOnCurve, non-canonical encodings included', () => {
    fc.assert(
      fc.property(anyBytes32, (bytes) => {
        const address = base58.encode(bytes);
        bothAccept(
          ours(() => sol.isOnCurveAddress(address)),
          reference(() => PublicKey.isOnCurve(bytes)),
          (a, b) => assert.equal(a, b),
        );
      }),
      params(200),
    );
  });

  test('publicKeyToAddress equals web3.js for canonical, non-small-order points and refuses typed the rest', () => {
    fc.assert(
      fc.property(fc.oneof(anyBytes32, hostile), (bytes) => {
        const mine = ours(() => sol.publicKeyToAddress(bytes as never));
        if (
          bytes instanceof Uint8Array &&
          bytes.length === 32 &&
          PublicKey.isOnCurve(bytes) &&
          !ed25519.Point.fromBytes(bytes).isSmallOrder()
        ) {
          bothAccept(
            mine,
            reference(() => new PublicKey(bytes).toBase58()),
            (a, b) => assert.equal(a, b),
          );
        } else {
          // Documented stricter than web3.js (which takes any 32 bytes): not a key anybody holds.
          refused(mine, sol.InvalidPublicKeyError);
        }
      }),
      params(200),
    );
  });

  test('parseAddress, isAddress and addressToBytes agree with web3.js new PublicKey on addresses and their mutations; hostile values typed', () => {
    fc.assert(
      fc.property(
        anyAddress.chain((a) => fc.oneof(fc.constant(a), mutateString(a))),
        (input) => {
          const mine = ours(() => sol.parseAddress(input));
          const theirs = reference(() => new PublicKey(input));
          agrees(mine, theirs, (a, b) => assert.equal(a, b.toBase58()));
          assert.equal(mine.ok, theirs.ok && theirs.value.toBase58() === input);
          assert.deepEqual(
            ours(() => sol.isAddress(input)),
            { ok: true, value: mine.ok },
          );
          agrees(
            ours(() => sol.addressToBytes(input)),
            theirs,
            (a, b) => assert.equal(toHex(a), toHex(b.toBytes())),
          );
        },
      ),
      params(200),
    );
    fc.assert(
      fc.property(hostile, (input) => {
        refused(
          ours(() => sol.parseAddress(input as never)),
          sol.InvalidAddressError,
        );
        assert.deepEqual(
          ours(() => sol.isAddress(input as never)),
          { ok: true, value: false },
        );
        refused(
          ours(() => sol.addressToBytes(input as never)),
          sol.InvalidAddressError,
        );
        refused(
          ours(() => sol.isOnCurveAddress(input as never)),
          sol.InvalidAddressError,
        );
        refused(
          ours(() => sol.parseTokenProgram(input as never)),
          sol.InvalidAddressError,
        );
      }),
      params(150),
    );
  });

  test('findAssociatedTokenAddress equals spl-token getAssociatedTokenAddressSync for both token programs; hostile values typed', () => {
    fc.assert(
      fc.property(anyAddress, anyAddress, fc.boolean(), (owner, mint, is2022) => {
        const program = is2022 ? TOKEN_2022_PROGRAM_ID : TOKEN_PROGRAM_ID;
        bothAccept(
          ours(() => sol.findAssociatedTokenAddress({ owner, mint, tokenProgram: program.toBase58() })),
          reference(() => getAssociatedTokenAddressSync(new PublicKey(mint), new PublicKey(owner), true, program)),
          (a, b) => assert.equal(a, b.toBase58()),
        );
      }),
      params(100),
    );
    fc.assert(
      fc.property(
        fc
          .record({ owner: anyAddress, mint: anyAddress, tokenProgram: fc.constant(sol.TOKEN_PROGRAM_ADDRESS as string) })
          .chain((args) => fc.oneof(mutateField(args), hostile)),
        (args) => {
          ours(() => sol.findAssociatedTokenAddress(args as never));
        },
      ),
      params(150),
    );
  });

  test("compareAddresses has the sign of Intl.Collator with kit's options on base58 strings; anything else is a SolError", () => {
    const collator = new Intl.Collator('en', {
      caseFirst: 'lower',
      ignorePunctuation: false,
      localeMatcher: 'best fit',
      numeric: false,
      sensitivity: 'variant',
      usage: 'sort',
    });
    fc.assert(
      fc.property(
        fc.oneof(anyAddress, fc.string({ unit: fc.constantFrom(...'aAbBzZ019') })),
        fc.oneof(anyAddress, fc.string({ unit: fc.constantFrom(...'aAbBzZ019') })),
        (left, right) => {
          assert.equal(sol.compareAddresses(left, right), Math.sign(collator.compare(left, right)));
        },
      ),
      params(150),
    );
    fc.assert(
      fc.property(hostile, fc.oneof(hostile, anyAddress), (left, right) => {
        const mine = ours(() => sol.compareAddresses(left as never, right as never));
        if (mine.ok) assert.ok(typeof left === 'string' && typeof right === 'string');
        ours(() => sol.withAddressCollator(left as never));
      }),
      params(150),
    );
  });
});

describe('sol differential fuzz: transfer messages', () => {
  test('compileSolTransferMessage equals web3.js SystemProgram.transfer compiled by Transaction; hostile and mutated parameters typed', () => {
    fc.assert(
      fc.property(keyPair, anyAddress, u64, blockhash, (from, to, lamports, recentBlockhash) => {
        const fromAddress = base58.encode(from.publicKey);
        bothAccept(
          ours(() => sol.compileSolTransferMessage({ from: fromAddress, to, lamports, recentBlockhash })),
          reference(() =>
            new Transaction({ feePayer: new PublicKey(fromAddress), recentBlockhash })
              .add(SystemProgram.transfer({ fromPubkey: new PublicKey(fromAddress), toPubkey: new PublicKey(to), lamports }))
              .serializeMessage(),
          ),
          (a, b) => assert.equal(toHex(a), toHex(b)),
        );
      }),
      params(150),
    );
    fc.assert(
      fc.property(
        fc
          .record({ from: anyAddress, to: anyAddress, lamports: u64, recentBlockhash: blockhash })
          .chain((args) => fc.oneof(mutateField(args), hostile)),
        (args) => {
          const mine = ours(() => sol.compileSolTransferMessage(args as never));
          if (mine.ok) {
            const { from, to, lamports, recentBlockhash } = args as { from: string; to: string; lamports: bigint; recentBlockhash: string };
            const theirs = new Transaction({ feePayer: new PublicKey(from), recentBlockhash })
              .add(SystemProgram.transfer({ fromPubkey: new PublicKey(from), toPubkey: new PublicKey(to), lamports }))
              .serializeMessage();
            assert.equal(toHex(mine.value), toHex(theirs));
          }
        },
      ),
      params(150),
    );
  });

  const splArgs = fc.record({
    from: keyPair.map((k) => base58.encode(k.publicKey)),
    to: anyAddress,
    mint: anyAddress,
    amount: u64,
    decimals: fc.integer({ min: 0, max: 255 }),
    recentBlockhash: blockhash,
    createRecipientAccount: fc.boolean(),
    tokenProgram: fc.constantFrom(sol.TOKEN_PROGRAM_ADDRESS as string, sol.TOKEN_2022_PROGRAM_ADDRESS as string),
    allowOwnerOffCurve: fc.boolean(),
  });
  type SplArgs = typeof splArgs extends fc.Arbitrary<infer T> ? T : never;

  function web3Spl(args: SplArgs): Uint8Array {
    const program = new PublicKey(args.tokenProgram);
    const mint = new PublicKey(args.mint);
    const from = new PublicKey(args.from);
    const to = new PublicKey(args.to);
    const source = getAssociatedTokenAddressSync(mint, from, true, program);
    // Throws TokenOwnerOffCurveError for an off-curve (or non-canonical) owner unless allowed.
    const destination = getAssociatedTokenAddressSync(mint, to, args.allowOwnerOffCurve, program);
    const tx = new Transaction({ feePayer: from, recentBlockhash: args.recentBlockhash });
    if (args.createRecipientAccount) tx.add(createAssociatedTokenAccountIdempotentInstruction(from, destination, to, mint, program));
    tx.add(createTransferCheckedInstruction(source, mint, destination, from, args.amount, args.decimals, [], program));
    return tx.serializeMessage();
  }

  test('compileSplTransferMessage equals spl-token instructions compiled by web3.js, and refuses on "to" exactly where spl-token throws TokenOwnerOffCurveError', () => {
    fc.assert(
      fc.property(splArgs, (args) => {
        const mine = ours(() => sol.compileSplTransferMessage(args));
        const theirs = reference(() => web3Spl(args));
        if (!theirs.ok && theirs.error instanceof TokenOwnerOffCurveError) {
          refused(mine, sol.InvalidTransactionError);
          assert.equal((mine as { error: sol.InvalidTransactionError }).error.field, 'to');
          return;
        }
        bothAccept(mine, theirs, (a, b) => assert.equal(toHex(a), toHex(b)));
      }),
      params(75),
    );
  });

  test('compileSplTransferMessage and compileTransactionMessage: mutated and hostile parameters agree with spl-token or are refused typed', () => {
    fc.assert(
      fc.property(
        splArgs.chain((args) => fc.oneof(mutateField(args), fc.constant({ ...args, allowOwnerOffCurve: 'false' }), hostile)),
        hostile,
        (args, junk) => {
          const mine = ours(() => sol.compileSplTransferMessage(args as never));
          if (mine.ok) {
            const a = args as SplArgs;
            const full = {
              ...a,
              createRecipientAccount: a.createRecipientAccount ?? false,
              tokenProgram: a.tokenProgram ?? sol.TOKEN_PROGRAM_ADDRESS,
              allowOwnerOffCurve: a.allowOwnerOffCurve ?? false,
            };
            assert.equal(typeof full.allowOwnerOffCurve, 'boolean');
            agrees(
              mine,
              reference(() => web3Spl(full)),
              (x, y) => assert.equal(toHex(x), toHex(y)),
            );
          }
          ours(() =>
            sol.compileTransactionMessage({
              feePayer: base58.encode(new Uint8Array(32).fill(1)),
              recentBlockhash: base58.encode(new Uint8Array(32).fill(2)),
              instructions: junk,
            } as never),
          );
          ours(() =>
            sol.compileTransactionMessage({
              feePayer: base58.encode(new Uint8Array(32).fill(1)),
              recentBlockhash: base58.encode(new Uint8Array(32).fill(2)),
              instructions: [junk],
            } as never),
          );
          ours(() => sol.compileTransactionMessage(junk as never));
        },
      ),
      params(100),
    );
  });
});

describe('sol differential fuzz: signatures', () => {
  test('attachSignature equals web3.js Transaction.populate + serialize; mutated signatures and messages are refused typed', () => {
    fc.assert(
      fc.property(keyPair, anyAddress, u64, blockhash, (from, to, lamports, recentBlockhash) => {
        const messageBytes = sol.compileSolTransferMessage({ from: base58.encode(from.publicKey), to, lamports, recentBlockhash });
        const signature = ed25519.sign(messageBytes, from.secret);
        const mine = sol.attachSignature({ messageBytes, signature });
        const theirs = Transaction.populate(Message.from(messageBytes), [base58.encode(signature)]);
        assert.equal(mine.wireTransaction, theirs.serialize().toString('base64'));
        assert.equal(mine.signature, base58.encode(signature));
        assert.equal(base64.encode(mine.transactionBytes), mine.wireTransaction);
      }),
      params(50),
    );
    fc.assert(
      fc.property(
        fc.tuple(keyPair, anyAddress, u64, blockhash).chain(([from, to, lamports, recentBlockhash]) => {
          const messageBytes = sol.compileSolTransferMessage({ from: base58.encode(from.publicKey), to, lamports, recentBlockhash });
          const signature = ed25519.sign(messageBytes, from.secret);
          return fc.record({
            messageBytes: fc.oneof(fc.constant(messageBytes), mutateBytes(messageBytes), hostile),
            signature: fc.oneof(mutateBytes(signature), hostile),
          });
        }),
        hostile,
        (args, junk) => {
          const mine = ours(() => sol.attachSignature(args as never));
          if (mine.ok) {
            const { messageBytes, signature } = args as { messageBytes: Uint8Array; signature: Uint8Array };
            const theirs = Transaction.populate(Message.from(messageBytes), [base58.encode(signature)]);
            assert.equal(mine.value.wireTransaction, theirs.serialize().toString('base64'));
          }
          ours(() => sol.attachSignature(junk as never));
        },
      ),
      params(100),
    );
  });
});
