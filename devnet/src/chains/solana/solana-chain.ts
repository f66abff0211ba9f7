// The local Solana chain behind the RPC: a LiteSVM instance plus what a
// validator adds around its bank — slots, a recent-blockhash queue, landed
// transactions with their status metadata, and a faucet.
//
// Time model: one landed transaction per slot. The chain starts at slot 0
// (block height = slot, no skipped slots); every transaction that lands
// (including an airdrop) is executed in the current slot, then the slot
// advances by one and a new blockhash is issued. A blockhash issued at block
// height h is valid while the block height is at most h + 150
// (MAX_PROCESSING_AGE), i.e. for the next 150 landed transactions, and that is
// its `lastValidBlockHeight`; a simulation (and so preflight) accepts it for 6
// blocks less, as agave does to leave time for forwarding to the leader.
// Landed transactions are final at once.

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { getTransactionDecoder, lamports, type Address, type Signature } from '@solana/kit';
import { FailedTransactionMetadata, FeatureSet, LiteSVM, type TransactionMetadata } from 'litesvm';

import type { AccountState } from './account-encoding.ts';
import {
  ADDRESS_LOOKUP_TABLE_PROGRAM_ID,
  BPF_LOADER_UPGRADEABLE_ID,
  fromBase58,
  SYSTEM_PROGRAM_ID,
  toBase58,
  toBase64,
} from './encoding.ts';
import type { Json } from './json.ts';
import { isTokenProgram, parseMint, parseTokenAccount, uiTokenAmount } from './token.ts';
import { chargesFee, transactionErrorFromLiteSvm, type TransactionErrorJson } from './transaction-error.ts';
import { decodeTransaction, type Message, type WireTransaction } from './wire.ts';

/** Blocks a blockhash stays valid for (solana-clock MAX_PROCESSING_AGE). */
export const MAX_PROCESSING_AGE = 150n;
/**
 * Age a simulation accepts: MAX_PROCESSING_AGE - MAX_TRANSACTION_FORWARDING_DELAY
 * (agave runtime Bank::simulate_transaction_unchecked).
 */
export const MAX_SIMULATION_AGE = MAX_PROCESSING_AGE - 6n;
/** Blockhashes remembered at most (MAX_RECENT_BLOCKHASHES). */
const MAX_RECENT_BLOCKHASHES = 300;
/** Lamports the faucet starts with: 10^9 SOL. */
export const FAUCET_LAMPORTS = 10n ** 18n;
// The faucet's ed25519 secret key: SHA-256 of a fixed label, so its address is
// stable across runs (it pays the 5,000-lamport fee of every airdrop).
const FAUCET_SECRET_KEY = sha256(new TextEncoder().encode('icp-chain-wallet devnet solana faucet v1'));
// Every key of an account is charged this on top of its data when a
// transaction loads it (solana-svm TRANSACTION_ACCOUNT_BASE_SIZE).
const TRANSACTION_ACCOUNT_BASE_SIZE = 64;
const LOOKUP_TABLE_META_SIZE = 56;
const MINIMUM_SLOTS_PER_EPOCH = 32n;

/** Accounts a v0 message loads from address lookup tables. */
export interface LoadedAddresses {
  writable: Uint8Array[];
  readonly: Uint8Array[];
}

/** What a transaction did, in the RPC's `UiTransactionStatusMeta` terms. */
export interface ExecutionOutcome {
  err: TransactionErrorJson | null;
  logs: string[];
  unitsConsumed: bigint;
  loadedAccountsDataSize: number;
  /** `UiTransactionReturnData`, or null when the program returned nothing. */
  returnData: Json;
  /** `UiInnerInstructions[]`, one entry per top-level instruction that made CPIs. */
  innerInstructions: Json[];
}

export interface Simulation extends ExecutionOutcome {
  /** Accounts as the transaction would leave them (only when it succeeds). */
  postAccounts: Map<string, AccountState>;
  loaded: LoadedAddresses;
  /** The fee it would be charged; null when it would be dropped instead. */
  fee: bigint | null;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokenBalances: Json[];
  postTokenBalances: Json[];
}

export interface LandedTransaction {
  signature: string;
  slot: bigint;
  blockTime: bigint;
  transaction: WireTransaction;
  loaded: LoadedAddresses;
  outcome: ExecutionOutcome;
  fee: bigint;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokenBalances: Json[];
  postTokenBalances: Json[];
}

/** A v0 message names a lookup table that cannot be used. */
export class AddressLoadError extends Error {
  override name = 'AddressLoadError';
  readonly transactionError: TransactionErrorJson;

  constructor(transactionError: TransactionErrorJson) {
    super(`address lookup failed: ${String(transactionError)}`);
    this.transactionError = transactionError;
  }
}

export class SolanaChain {
  /** The LiteSVM bank; tests may read and set accounts through it. */
  readonly svm: LiteSVM;
  readonly genesisHash: string;
  readonly faucetAddress: string;
  /** `feature-set` of getVersion: the first 4 bytes (LE) of the feature-set id. */
  readonly featureSetId: number;
  #slot = 0n;
  #unixTimestamp = 0n;
  /** Recent blockhashes and the block height each was issued at. */
  readonly #blockhashes = new Map<string, bigint>();
  readonly #landed = new Map<string, LandedTransaction>();
  readonly #faucetPublicKey: Uint8Array;

  constructor() {
    // The RPC layer keeps its own blockhash queue (litesvm only knows the
    // latest one) and verifies signatures itself before litesvm does.
    this.svm = new LiteSVM().withBlockhashCheck(false).withNativeMints();
    this.#faucetPublicKey = ed25519.getPublicKey(FAUCET_SECRET_KEY);
    this.faucetAddress = toBase58(this.#faucetPublicKey);
    this.svm.setAccount({
      address: this.faucetAddress as Address,
      lamports: lamports(FAUCET_LAMPORTS),
      data: new Uint8Array(),
      programAddress: SYSTEM_PROGRAM_ID as Address,
      executable: false,
      space: 0n,
    });
    this.#setClock();
    this.genesisHash = this.svm.latestBlockhash();
    this.#registerBlockhash(this.genesisHash);
    this.featureSetId = featureSetId();
  }

  get slot(): bigint {
    return this.#slot;
  }

  /** Equal to the slot: no slot is ever skipped. */
  get blockHeight(): bigint {
    return this.#slot;
  }

  get transactionCount(): bigint {
    return BigInt(this.#landed.size);
  }

  latestBlockhash(): { blockhash: string; lastValidBlockHeight: bigint } {
    const blockhash = this.svm.latestBlockhash();
    return { blockhash, lastValidBlockHeight: (this.#blockhashes.get(blockhash) as bigint) + MAX_PROCESSING_AGE };
  }

  /** Whether `blockhash` was issued at most `maxAge` blocks ago (the runtime's check_age). */
  isBlockhashValid(blockhash: string, maxAge: bigint = MAX_PROCESSING_AGE): boolean {
    const issuedAt = this.#blockhashes.get(blockhash);
    return issuedAt !== undefined && this.blockHeight - issuedAt <= maxAge;
  }

  account(address: string): AccountState | undefined {
    const account = this.svm.getAccount(address as Address);
    // Accounts drained to 0 lamports are deleted by the runtime.
    if (!account.exists || account.lamports === 0n) return undefined;
    return {
      lamports: account.lamports,
      data: account.data,
      owner: account.programAddress,
      executable: account.executable,
    };
  }

  balance(address: string): bigint {
    return this.account(address)?.lamports ?? 0n;
  }

  mintDecimals(mint: string): number | undefined {
    const account = this.account(mint);
    return account ? parseMint({ data: account.data, program: account.owner })?.decimals : undefined;
  }

  /**
   * Epoch of the current slot under the bank's EpochSchedule, warmup included
   * (solana-epoch-schedule get_epoch_and_slot_index: epochs of 32, 64, 128...
   * slots until `firstNormalSlot`).
   */
  epoch(): { epoch: bigint; slotIndex: bigint; slotsInEpoch: bigint } {
    const schedule = this.svm.getEpochSchedule();
    if (schedule.warmup && this.#slot < schedule.firstNormalSlot) {
      // log2(next_power_of_two(slot + 32 + 1)) is the bit length of slot + 32.
      const log2 = BigInt((this.#slot + MINIMUM_SLOTS_PER_EPOCH).toString(2).length);
      const epoch = log2 - 5n - 1n; // - log2(MINIMUM_SLOTS_PER_EPOCH) - 1
      const firstSlot = ((1n << epoch) - 1n) * MINIMUM_SLOTS_PER_EPOCH;
      return { epoch, slotIndex: this.#slot - firstSlot, slotsInEpoch: MINIMUM_SLOTS_PER_EPOCH << epoch };
    }
    const normal = this.#slot - schedule.firstNormalSlot;
    return {
      epoch: schedule.firstNormalEpoch + normal / schedule.slotsPerEpoch,
      slotIndex: normal % schedule.slotsPerEpoch,
      slotsInEpoch: schedule.slotsPerEpoch,
    };
  }

  landedTransaction(signature: string): LandedTransaction | undefined {
    return this.#landed.get(signature);
  }

  /**
   * Resolves a v0 message's lookup tables (writable indexes of every table,
   * then readonly ones), failing as the runtime's address loader does.
   */
  loadAddresses(message: Message): LoadedAddresses {
    const loaded: LoadedAddresses = { writable: [], readonly: [] };
    for (const lookup of message.addressTableLookups) {
      const table = this.account(toBase58(lookup.accountKey));
      if (!table) throw new AddressLoadError('AddressLookupTableNotFound');
      if (table.owner !== ADDRESS_LOOKUP_TABLE_PROGRAM_ID) throw new AddressLoadError('InvalidAddressLookupTableOwner');
      const view = new DataView(table.data.buffer, table.data.byteOffset, table.data.byteLength);
      // ProgramState::LookupTable (discriminant 1), then 32-byte addresses.
      const length = table.data.length - LOOKUP_TABLE_META_SIZE;
      if (length < 0 || length % 32 !== 0 || view.getUint32(0, true) !== 1) {
        throw new AddressLoadError('InvalidAddressLookupTableData');
      }
      const address = (index: number): Uint8Array => {
        if (index >= length / 32) throw new AddressLoadError('InvalidAddressLookupTableIndex');
        const start = LOOKUP_TABLE_META_SIZE + index * 32;
        return table.data.slice(start, start + 32);
      };
      loaded.writable.push(...lookup.writableIndexes.map(address));
      loaded.readonly.push(...lookup.readonlyIndexes.map(address));
    }
    return loaded;
  }

  /** Checks every required ed25519 signature over the message bytes. */
  verifySignatures(transaction: WireTransaction): boolean {
    const { message, messageBytes, signatures } = transaction;
    return signatures.every((signature, index) => {
      const key = message.staticAccountKeys[index];
      try {
        return key !== undefined && ed25519.verify(signature, messageBytes, key, { zip215: false });
      } catch {
        return false;
      }
    });
  }

  /**
   * Runs a transaction against the current state without committing it, as
   * preflight and simulateTransaction do. Signatures are not checked here.
   */
  simulate(transaction: WireTransaction): Simulation {
    const loaded = this.loadAddresses(transaction.message);
    const keys = this.#accountKeys(transaction, loaded);
    const preBalances = keys.map((key) => this.balance(key));
    const preTokenBalances = this.#tokenBalances(keys);
    const unchanged = { loaded, preBalances, postBalances: preBalances, preTokenBalances, postTokenBalances: preTokenBalances };
    const notExecuted = (err: TransactionErrorJson): Simulation => ({
      ...NOT_EXECUTED,
      ...unchanged,
      err,
      fee: null,
      postAccounts: new Map(),
    });
    if (!this.isBlockhashValid(toBase58(transaction.message.recentBlockhash), MAX_SIMULATION_AGE)) {
      return notExecuted('BlockhashNotFound');
    }
    // The status cache: a signature that landed is not run again.
    if (this.#landed.has(toBase58(transaction.signatures[0] as Uint8Array))) return notExecuted('AlreadyProcessed');
    this.svm.withSigverify(false);
    let result;
    try {
      result = this.svm.simulateTransaction(decodeKitTransaction(transaction));
    } finally {
      this.svm.withSigverify(true);
    }
    if (result instanceof FailedTransactionMetadata) {
      const meta = result.meta();
      const outcome = this.#outcome({ meta, keys, err: transactionErrorFromLiteSvm(result.err()) });
      if (!chargesFee(outcome.err)) return { ...notExecuted(outcome.err as TransactionErrorJson), ...outcome, fee: null };
      // Failed in execution: everything rolls back but the fee payer's fee.
      const fee = chargedFee(meta);
      const postBalances = preBalances.map((balance, index) => (index === 0 ? balance - fee : balance));
      return { ...outcome, ...unchanged, postBalances, fee, postAccounts: new Map() };
    }
    const postAccounts = new Map<string, AccountState>();
    for (const account of result.postAccounts()) {
      postAccounts.set(account.address, {
        lamports: account.lamports,
        data: Uint8Array.from(account.data),
        owner: account.programAddress,
        executable: account.executable,
      });
    }
    const after = (key: string): AccountState | undefined => (postAccounts.has(key) ? postAccounts.get(key) : this.account(key));
    const meta = result.meta();
    return {
      ...this.#outcome({ meta, keys, err: null }),
      ...unchanged,
      postBalances: keys.map((key) => after(key)?.lamports ?? 0n),
      postTokenBalances: this.#tokenBalances(keys, after),
      fee: chargedFee(meta),
      postAccounts,
    };
  }

  /**
   * Hands a transaction to the bank, as the leader does with what the RPC
   * forwards. It lands (fee charged, status recorded, slot advanced) or is
   * dropped without a trace, as a real cluster drops a transaction whose
   * blockhash is unknown, whose signatures fail, that was already processed
   * or whose fee payer cannot pay.
   */
  process(transaction: WireTransaction): LandedTransaction | undefined {
    const signature = toBase58(transaction.signatures[0] as Uint8Array);
    if (this.#landed.has(signature)) return undefined;
    if (!this.isBlockhashValid(toBase58(transaction.message.recentBlockhash))) return undefined;
    if (!this.verifySignatures(transaction)) return undefined;
    let loaded: LoadedAddresses;
    try {
      loaded = this.loadAddresses(transaction.message);
    } catch {
      return undefined;
    }
    const keys = this.#accountKeys(transaction, loaded);
    const preBalances = keys.map((key) => this.balance(key));
    const preTokenBalances = this.#tokenBalances(keys);
    const result = this.svm.sendTransaction(decodeKitTransaction(transaction));
    if (this.svm.getTransaction(signature as Signature) === null) return undefined;
    const failed = result instanceof FailedTransactionMetadata;
    const meta = failed ? result.meta() : result;
    const record: LandedTransaction = {
      signature,
      slot: this.#slot,
      blockTime: this.#unixTimestamp,
      transaction,
      loaded,
      outcome: this.#outcome({ meta, keys, err: failed ? transactionErrorFromLiteSvm(result.err()) : null }),
      fee: chargedFee(meta),
      preBalances,
      postBalances: keys.map((key) => this.balance(key)),
      preTokenBalances,
      postTokenBalances: this.#tokenBalances(keys),
    };
    this.#landed.set(signature, record);
    this.#advanceSlot();
    return record;
  }

  /**
   * Sends `lamports` from the faucet with a real signed system transfer, as
   * the test validator's faucet does; undefined if it did not land.
   */
  airdrop({ to, lamports }: { to: Uint8Array; lamports: bigint }): LandedTransaction | undefined {
    const systemProgram = new Uint8Array(32);
    const data = new Uint8Array(12);
    const view = new DataView(data.buffer);
    view.setUint32(0, 2, true); // SystemInstruction::Transfer
    view.setBigUint64(4, lamports, true);
    const messageBytes = concat([
      Uint8Array.of(1, 0, 1, 3), // header: 1 signer, 0 readonly signed, 1 readonly unsigned; 3 keys
      this.#faucetPublicKey,
      to,
      systemProgram,
      fromBase58(this.svm.latestBlockhash()),
      Uint8Array.of(1, 2, 2, 0, 1, data.length), // 1 instruction: program 2, accounts [0, 1], data length
      data,
    ]);
    const signature = ed25519.sign(messageBytes, FAUCET_SECRET_KEY);
    return this.process(decodeTransaction(concat([Uint8Array.of(1), signature, messageBytes])));
  }

  #accountKeys(transaction: WireTransaction, loaded?: LoadedAddresses): string[] {
    const { writable, readonly } = loaded ?? this.loadAddresses(transaction.message);
    return [...transaction.message.staticAccountKeys, ...writable, ...readonly].map(toBase58);
  }

  #outcome({ meta, keys, err }: { meta: TransactionMetadata; keys: string[]; err: TransactionErrorJson | null }): ExecutionOutcome {
    const logs = meta.logs();
    const unitsConsumed = meta.computeUnitsConsumed();
    const returned = meta.returnData();
    const returnData =
      returned.data().length === 0 ? null : { data: [toBase64(returned.data()), 'base64'], programId: toBase58(returned.programId()) };
    const innerInstructions: Json[] = [];
    for (const [index, instructions] of meta.innerInstructions().entries()) {
      if (instructions.length === 0) continue;
      innerInstructions.push({
        index,
        instructions: instructions.map((inner) => {
          const compiled = inner.instruction();
          return {
            accounts: Array.from(compiled.accounts()),
            data: toBase58(compiled.data()),
            programIdIndex: compiled.programIdIndex(),
            stackHeight: inner.stackHeight(),
          };
        }),
      });
    }
    return {
      err,
      logs,
      unitsConsumed,
      // Dropped before loading (e.g. an unpayable fee): nothing was loaded.
      loadedAccountsDataSize: chargesFee(err) ? this.#loadedAccountsDataSize(keys) : 0,
      returnData,
      innerInstructions,
    };
  }

  /** Bytes a transaction loads: each account's data plus 64, and an upgradeable program's data account. */
  #loadedAccountsDataSize(keys: string[]): number {
    let size = 0;
    for (const key of keys) {
      const account = this.account(key);
      if (!account) continue;
      size += account.data.length + TRANSACTION_ACCOUNT_BASE_SIZE;
      // UpgradeableLoaderState::Program { programdata_address } (tag 2).
      if (account.owner === BPF_LOADER_UPGRADEABLE_ID && account.executable && account.data[0] === 2) {
        const programData = this.account(toBase58(account.data.subarray(4, 36)));
        if (programData) size += programData.data.length + TRANSACTION_ACCOUNT_BASE_SIZE;
      }
    }
    return size;
  }

  /** `UiTransactionTokenBalance` of every token account among `keys`, read through `accountAt`. */
  #tokenBalances(keys: string[], accountAt = (key: string) => this.account(key)): Json[] {
    const balances: Json[] = [];
    for (const [accountIndex, key] of keys.entries()) {
      const account = accountAt(key);
      if (!account || !isTokenProgram(account.owner)) continue;
      const token = parseTokenAccount({ data: account.data, program: account.owner });
      const mint = token ? accountAt(token.mint) : undefined;
      const decimals = mint ? parseMint({ data: mint.data, program: mint.owner })?.decimals : undefined;
      if (!token || decimals === undefined) continue;
      balances.push({
        accountIndex,
        mint: token.mint,
        owner: token.owner,
        programId: account.owner,
        uiTokenAmount: { ...uiTokenAmount({ amount: token.amount, decimals }) },
      });
    }
    return balances;
  }

  #advanceSlot(): void {
    this.#slot += 1n;
    this.#setClock();
    this.svm.expireBlockhash();
    this.#registerBlockhash(this.svm.latestBlockhash());
  }

  #setClock(): void {
    this.#unixTimestamp = BigInt(Math.floor(Date.now() / 1000));
    const clock = this.svm.getClock();
    clock.slot = this.#slot;
    clock.epoch = this.epoch().epoch;
    clock.unixTimestamp = this.#unixTimestamp;
    this.svm.setClock(clock);
  }

  #registerBlockhash(blockhash: string): void {
    this.#blockhashes.set(blockhash, this.blockHeight);
    if (this.#blockhashes.size > MAX_RECENT_BLOCKHASHES) {
      const oldest = this.#blockhashes.keys().next().value as string;
      this.#blockhashes.delete(oldest);
    }
  }
}

const NOT_EXECUTED: ExecutionOutcome = {
  err: null,
  logs: [],
  unitsConsumed: 0n,
  loadedAccountsDataSize: 0,
  returnData: null,
  innerInstructions: [],
};

function decodeKitTransaction(transaction: WireTransaction): ReturnType<ReturnType<typeof getTransactionDecoder>['decode']> {
  return getTransactionDecoder().decode(transaction.bytes);
}

// litesvm reports the fee only in the Debug text of its metadata
// ("TransactionMetadata { ..., fee: 5000 }"); litesvm is pinned, and a change
// of that text fails loudly here rather than reporting a wrong fee.
function chargedFee(meta: TransactionMetadata): bigint {
  const match = /\bfee: (\d+) \}\)?$/.exec(meta.toString());
  if (!match) throw new Error(`chargedFee: no fee in litesvm metadata ${meta.toString().slice(-80)}`);
  return BigInt(match[1] as string);
}

/** The agave feature-set id: SHA-256 over the sorted feature ids; getVersion shows its first 4 bytes. */
function featureSetId(): number {
  const features = FeatureSet.allEnabled()
    .getActiveFeatures()
    .map((id) => Uint8Array.from(id)) // Node Buffers at the native boundary
    .sort(compareBytes);
  const id = sha256(concat(features));
  return new DataView(id.buffer, id.byteOffset).getUint32(0, true);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  }
  return a.length - b.length;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
