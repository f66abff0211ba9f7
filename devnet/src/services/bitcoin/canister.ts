/**
 * The Bitcoin canister (dfinity/bitcoin-canister), emulated over a `RegtestChain`: the same Candid
 * methods, checks in the same order, the same reject codes and texts, the same cycles charges.
 *
 * Behaviour copied from the canister's source (release of 2026-07, commit d20252b7):
 * - Errors the canister returns go out as `msg_reject` (reject code 4) with its
 *   `format!("<endpoint> failed: {:?}", error)` text, e.g.
 *   `get_utxos failed: MinConfirmationsTooLarge { given: 7, max: 6 }`. Cycles accepted before the
 *   error stay accepted.
 * - Panics (wrong network, too few cycles) trap with `Panicked at '<msg>', <file>:<line>:<col>`
 *   (the canister's panic hook), which the replica reports as reject code 5; trapping refunds all
 *   attached cycles.
 * - The canister keeps the last `stability_threshold` blocks "unstable": `min_confirmations` may be
 *   at most the length of that chain (anchor to tip), pages stay valid while their tip block is in
 *   it, and fee percentiles cover its transactions (at most 10,000).
 * - `bitcoin_get_utxos` pages at 1,000 UTXOs, ordered by height descending, then txid (internal
 *   byte order) and vout ascending; `next_page` is the canister's 72-byte page: tip block hash ‖
 *   height (big-endian, bits inverted) ‖ txid ‖ vout (little-endian) of the first UTXO not returned.
 * - Outpoint txids and block hashes are in Bitcoin's internal byte order (the reverse of what
 *   explorers display), as the canister returns them.
 */
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { addressToScript } from './address.ts';
import { bytesToHex, compareBytes } from './bytes.ts';
import { encodeGetUtxosResponse, METHODS, networkOf, type BitcoinMethod, type GetUtxosResponseValue } from './candid.ts';
import type { RegtestChain, Utxo } from './chain.ts';
import { InvalidAddressError, MalformedTransactionError, TransactionRejectedError } from './errors.ts';
import {
  estimateGetBlockHeadersInstructions,
  estimateGetUtxosInstructions,
  instructionFee,
  MAINNET_FEES,
  TESTNET_FEES,
  type BitcoinFees,
} from './fees.ts';

import type { ServiceResult } from '../../ic/errors.ts';
export type { RejectCode, ServiceResult } from '../../ic/errors.ts';

export const BITCOIN_MAINNET_CANISTER_ID = 'ghsi2-tqaaa-aaaan-aaaca-cai';
export const BITCOIN_TESTNET_CANISTER_ID = 'g4xu7-jiaaa-aaaan-aaaaq-cai';

/** UTXOs per `get_utxos` response (the canister's `MAX_UTXOS_PER_RESPONSE`). */
export const MAX_UTXOS_PER_RESPONSE = 1_000;
/** Headers per `get_block_headers` response (`MAX_BLOCK_HEADERS_PER_RESPONSE`). */
export const MAX_BLOCK_HEADERS_PER_RESPONSE = 100;
/** Transactions fee percentiles are computed over (`NUM_TRANSACTIONS`). */
export const FEE_PERCENTILES_TRANSACTIONS = 10_000;
/** The canister's default stability threshold (`DEFAULT_STABILITY_THRESHOLD`), also the IC testnet canister's. */
export const DEFAULT_STABILITY_THRESHOLD = 144;
/**
 * Devnet fallback when no transaction fee is known: every percentile 2,000 msat/vB (2 sat/vB,
 * twice the minimum relay fee, the value DFINITY's basic_bitcoin example falls back to on regtest).
 * The real canister returns an empty vector then.
 */
export const DEVNET_FALLBACK_FEE_RATE_MSAT_PER_VBYTE = 2_000n;
/** Length of the canister's page token (`EXPECTED_PAGE_LENGTH`). */
export const PAGE_LENGTH = 72;

/**
 * Where the canister's panics happen in its source (the panic hook prints file:line:col);
 * `canister/src/lib.rs` at the release the devnet follows.
 */
const PANIC_AT = {
  verifyHasEnoughCycles: 'canister/src/lib.rs:326:9',
  verifyNetwork: 'canister/src/lib.rs:338:13',
} as const;

export interface BitcoinCanisterOptions {
  chain: RegtestChain;
  /**
   * Which canister id this answers as. Both ids are backed by the regtest chain and expect
   * `network = regtest`, as under PocketIC/dfx, where the canister at the testnet id runs with
   * `network = regtest` against a local bitcoind.
   */
  canisterNetwork: 'mainnet' | 'testnet';
  /** Defaults to the real fees of that canister id (testnet = 0.4 × mainnet). */
  fees?: BitcoinFees;
  stabilityThreshold?: number;
  /** `devnet-fallback` (default): 101 × 2,000 msat/vB when no fee is known; `empty`: `[]` like the real canister. */
  emptyFeePercentiles?: 'devnet-fallback' | 'empty';
}

class Trap extends Error {
  override name = 'Trap';
}

class Reject extends Error {
  override name = 'Reject';
}

/** The canister's `panic!`, as its panic hook turns it into a trap message. */
function panic(message: string, at: string): never {
  throw new Trap(`Panicked at '${message}', ${at}`);
}

/** Cycles of one call: what was attached and what the canister accepted so far. */
interface Cycles {
  attached: bigint;
  accepted: bigint;
}

export class BitcoinCanister {
  readonly canisterId: string;
  readonly chain: RegtestChain;
  readonly fees: BitcoinFees;
  readonly stabilityThreshold: number;
  private readonly emptyFeePercentiles: 'devnet-fallback' | 'empty';
  private feePercentilesCache: { tipHash: string; percentiles: bigint[] } | null = null;

  constructor(args: BitcoinCanisterOptions) {
    this.chain = args.chain;
    this.canisterId = args.canisterNetwork === 'mainnet' ? BITCOIN_MAINNET_CANISTER_ID : BITCOIN_TESTNET_CANISTER_ID;
    this.fees = args.fees ?? (args.canisterNetwork === 'mainnet' ? MAINNET_FEES : TESTNET_FEES);
    this.stabilityThreshold = args.stabilityThreshold ?? DEFAULT_STABILITY_THRESHOLD;
    this.emptyFeePercentiles = args.emptyFeePercentiles ?? 'devnet-fallback';
  }

  /**
   * Executes one call to the canister: `arg` is the Candid-encoded argument, `isQuery` whether it
   * arrives as a (non-replicated) query. The result carries the Candid reply or the reject, and the
   * cycles the canister kept out of `cyclesAttached`.
   */
  handle(args: { method: string; arg: Uint8Array; cyclesAttached: bigint; isQuery: boolean }): ServiceResult {
    const cycles: Cycles = { attached: args.isQuery ? 0n : args.cyclesAttached, accepted: 0n };
    const spec = (METHODS as Record<string, (typeof METHODS)[BitcoinMethod]>)[args.method];
    if (!spec || (args.isQuery && !spec.query)) {
      return {
        kind: 'reject',
        code: 5,
        message: `Error from Canister ${this.canisterId}: Canister has no ${args.isQuery ? 'query' : 'update'} method '${args.method}'.`,
        cyclesCharged: 0n,
      };
    }
    try {
      let decoded: unknown[];
      try {
        decoded = IDL.decode([...spec.arg], args.arg);
      } catch (e) {
        throw new Trap(`failed to decode call arguments: ${(e as Error).message}`);
      }
      const result = this.dispatch({ method: args.method as BitcoinMethod, request: decoded[0], cycles, isQuery: args.isQuery });
      // get_utxos replies hold up to 1,000 records: encoded by hand, an order of magnitude faster.
      const reply =
        args.method === 'bitcoin_get_utxos' || args.method === 'bitcoin_get_utxos_query'
          ? encodeGetUtxosResponse(result[0] as GetUtxosResponseValue)
          : new Uint8Array(IDL.encode([...spec.ret], result));
      return { kind: 'reply', reply, cyclesCharged: cycles.accepted };
    } catch (e) {
      if (e instanceof Reject) return { kind: 'reject', code: 4, message: e.message, cyclesCharged: cycles.accepted };
      if (e instanceof Trap) {
        return {
          kind: 'reject',
          code: 5,
          message: `Error from Canister ${this.canisterId}: Canister called \`ic0.trap\` with message: '${e.message}'.`,
          cyclesCharged: 0n,
        };
      }
      throw e;
    }
  }

  private dispatch(args: { method: BitcoinMethod; request: any; cycles: Cycles; isQuery: boolean }): unknown[] {
    const { request, cycles } = args;
    switch (args.method) {
      case 'bitcoin_get_utxos':
        return [this.getUtxos({ request, cycles, endpoint: 'get_utxos', charge: true })];
      case 'bitcoin_get_utxos_query':
        this.requireNonReplicated({ isQuery: args.isQuery, endpoint: 'get_utxos_query' });
        return [this.getUtxos({ request, cycles, endpoint: 'get_utxos_query', charge: false })];
      case 'bitcoin_get_balance':
        return [this.getBalance({ request, cycles, endpoint: 'get_balance', charge: true })];
      case 'bitcoin_get_balance_query':
        this.requireNonReplicated({ isQuery: args.isQuery, endpoint: 'get_balance_query' });
        return [this.getBalance({ request, cycles, endpoint: 'get_balance_query', charge: false })];
      case 'bitcoin_get_current_fee_percentiles':
        return [this.getCurrentFeePercentiles({ request, cycles })];
      case 'bitcoin_get_block_headers':
        return [this.getBlockHeaders({ request, cycles })];
      case 'bitcoin_send_transaction':
        this.sendTransaction({ request, cycles });
        return [];
      case 'get_config':
        return [this.getConfig()];
      case 'get_blockchain_info':
        return [this.getBlockchainInfo()];
    }
  }

  // ---------------------------------------------------------------- endpoints

  private getUtxos(args: { request: any; cycles: Cycles; endpoint: string; charge: boolean }): unknown {
    const { request, cycles, endpoint } = args;
    this.verifyNetwork(request.network);
    if (args.charge) {
      verifyHasEnoughCycles({ cycles, amount: this.fees.getUtxosMaximum });
      chargeCycles({ cycles, amount: this.fees.getUtxosBase });
    }
    const fail = (debug: string): never => {
      throw new Reject(`${endpoint} failed: ${debug}`);
    };
    const filter = request.filter[0] as Record<string, unknown> | undefined;
    // UtxosFilterInRequest: `min_confirmations`/`MinConfirmations` and `page`/`Page`.
    const filterTag = filter ? Object.keys(filter)[0]! : null;
    const filterKind = filterTag === null ? null : filterTag === 'page' || filterTag === 'Page' ? 'page' : 'min_confirmations';
    let viewHeight: number;
    let offset: { height: number; txid: Uint8Array; vout: number } | null = null;
    let script: Uint8Array;
    if (filterKind === 'page') {
      const page = Object.values(filter!)[0] as Uint8Array;
      if (page.length !== PAGE_LENGTH) {
        fail(
          `MalformedPage { err: ${rustString(`Could not parse the page, the length is ${page.length}, but the expected length is ${PAGE_LENGTH}.`)} }`,
        );
      }
      const tipHash = page.subarray(0, 32);
      const block = this.chain.blockByHash(tipHash);
      if (!block || block.height < this.anchorHeight()) fail(`UnknownTipBlockHash { tip_block_hash: ${rustBytes(tipHash)} }`);
      viewHeight = block!.height;
      const height = ~new DataView(page.buffer, page.byteOffset + 32, 4).getUint32(0, false) >>> 0;
      offset = { height, txid: page.slice(36, 68), vout: new DataView(page.buffer, page.byteOffset + 68, 4).getUint32(0, true) };
      script = this.parseAddress({ address: request.address, fail });
    } else {
      const minConfirmations = filterKind === 'min_confirmations' ? (Object.values(filter!)[0] as number) : 0;
      script = this.parseAddress({ address: request.address, fail });
      viewHeight = this.viewHeight({ minConfirmations, fail });
    }
    const all = this.chain.utxos({ script, atHeight: viewHeight });
    const start = offset ? lowerBound(all, offset) : 0;
    const utxos = all.slice(start, start + MAX_UTXOS_PER_RESPONSE);
    const next = all[start + MAX_UTXOS_PER_RESPONSE];
    const viewBlock = this.chain.block(viewHeight)!;
    if (args.charge) {
      const fee = instructionFee({
        instructions: estimateGetUtxosInstructions(utxos.length),
        perTen: this.fees.getUtxosCyclesPerTenInstructions,
        base: this.fees.getUtxosBase,
        maximum: this.fees.getUtxosMaximum,
      });
      chargeCycles({ cycles, amount: fee });
    }
    return {
      utxos: utxos.map((u) => ({ outpoint: { txid: u.txid, vout: u.vout }, value: u.value, height: u.height })),
      tip_block_hash: viewBlock.hash,
      tip_height: viewHeight,
      next_page: next ? [encodePage({ tipHash: viewBlock.hash, utxo: next })] : [],
    };
  }

  private getBalance(args: { request: any; cycles: Cycles; endpoint: string; charge: boolean }): bigint {
    const { request, cycles, endpoint } = args;
    this.verifyNetwork(request.network);
    if (args.charge) {
      verifyHasEnoughCycles({ cycles, amount: this.fees.getBalanceMaximum });
      chargeCycles({ cycles, amount: this.fees.getBalance });
    }
    const fail = (debug: string): never => {
      throw new Reject(`${endpoint} failed: ${debug}`);
    };
    const script = this.parseAddress({ address: request.address, fail });
    const minConfirmations = (request.min_confirmations[0] as number | undefined) ?? 0;
    const atHeight = this.viewHeight({ minConfirmations, fail });
    return this.chain.utxos({ script, atHeight }).reduce((sum, u) => sum + u.value, 0n);
  }

  private getCurrentFeePercentiles(args: { request: any; cycles: Cycles }): bigint[] {
    const { request, cycles } = args;
    this.verifyNetwork(request.network);
    verifyHasEnoughCycles({ cycles, amount: this.fees.getCurrentFeePercentilesMaximum });
    chargeCycles({ cycles, amount: this.fees.getCurrentFeePercentiles });
    const percentiles = this.currentFeePercentiles();
    if (percentiles.length === 0 && this.emptyFeePercentiles === 'devnet-fallback') {
      return new Array<bigint>(101).fill(DEVNET_FALLBACK_FEE_RATE_MSAT_PER_VBYTE);
    }
    return percentiles;
  }

  /**
   * The canister's `get_current_fee_percentiles_with_number_of_transactions`: fee rates of the
   * newest 10,000 transactions of the unstable chain, cached per tip; when that chain has none, the
   * previous result is kept.
   */
  private currentFeePercentiles(): bigint[] {
    const tip = this.chain.tip();
    const tipHash = bytesToHex(tip.hash);
    if (this.feePercentilesCache?.tipHash === tipHash) return this.feePercentilesCache.percentiles;
    const rates: bigint[] = [];
    for (let h = tip.height; h >= this.anchorHeight() && rates.length < FEE_PERCENTILES_TRANSACTIONS; h--) {
      for (const rate of this.chain.block(h)!.feeRates) {
        if (rates.length >= FEE_PERCENTILES_TRANSACTIONS) break;
        rates.push(rate);
      }
    }
    if (rates.length === 0 && this.feePercentilesCache) return this.feePercentilesCache.percentiles;
    const percentiles = feePercentiles(rates);
    this.feePercentilesCache = { tipHash, percentiles };
    return percentiles;
  }

  private getBlockHeaders(args: { request: any; cycles: Cycles }): unknown {
    const { request, cycles } = args;
    this.verifyNetwork(request.network);
    verifyHasEnoughCycles({ cycles, amount: this.fees.getBlockHeadersMaximum });
    chargeCycles({ cycles, amount: this.fees.getBlockHeadersBase });
    const fail = (debug: string): never => {
      throw new Reject(`get_block_headers failed: ${debug}`);
    };
    const chainHeight = this.chain.tipHeight();
    const start = request.start_height as number;
    const requestedEnd = request.end_height[0] as number | undefined;
    if (start > chainHeight) fail(`StartHeightDoesNotExist { requested: ${start}, chain_height: ${chainHeight} }`);
    if (requestedEnd !== undefined && requestedEnd < start) {
      fail(`StartHeightLargerThanEndHeight { start_height: ${start}, end_height: ${requestedEnd} }`);
    }
    if (requestedEnd !== undefined && requestedEnd > chainHeight) {
      fail(`EndHeightDoesNotExist { requested: ${requestedEnd}, chain_height: ${chainHeight} }`);
    }
    const end = Math.min(requestedEnd ?? chainHeight, start + MAX_BLOCK_HEADERS_PER_RESPONSE - 1);
    const headers: Uint8Array[] = [];
    for (let h = start; h <= end; h++) headers.push(this.chain.block(h)!.headerBytes);
    chargeCycles({
      cycles,
      amount: instructionFee({
        instructions: estimateGetBlockHeadersInstructions(headers.length),
        perTen: this.fees.getBlockHeadersCyclesPerTenInstructions,
        base: this.fees.getBlockHeadersBase,
        maximum: this.fees.getBlockHeadersMaximum,
      }),
    });
    // The canister reports the end of the returned range as `tip_height`, not the chain's tip.
    return { tip_height: end, block_headers: headers };
  }

  private sendTransaction(args: { request: any; cycles: Cycles }): void {
    const { request, cycles } = args;
    this.verifyNetwork(request.network);
    const transaction = request.transaction as Uint8Array;
    chargeCycles({ cycles, amount: this.fees.sendTransactionBase + this.fees.sendTransactionPerByte * BigInt(transaction.length) });
    try {
      this.chain.sendRawTransaction(transaction);
    } catch (e) {
      if (e instanceof MalformedTransactionError) throw new Reject('send_transaction failed: MalformedTransaction');
      // Deviation: a real node drops an invalid transaction silently after the canister replied;
      // the devnet rejects the call so that tests see why.
      if (e instanceof TransactionRejectedError) {
        throw new Reject(
          `send_transaction failed: RejectedByDevnetNode { txid: ${rustString(e.txid)}, reason: ${rustString(e.reason)}, details: ${rustString(e.details ?? '')} }`,
        );
      }
      throw e;
    }
  }

  private getConfig(): unknown {
    const f = this.fees;
    return {
      stability_threshold: BigInt(this.stabilityThreshold),
      network: { regtest: null },
      blocks_source: Principal.fromText('aaaaa-aa'),
      syncing: { enabled: null },
      fees: {
        get_utxos_base: f.getUtxosBase,
        get_utxos_cycles_per_ten_instructions: f.getUtxosCyclesPerTenInstructions,
        get_utxos_maximum: f.getUtxosMaximum,
        get_balance: f.getBalance,
        get_balance_maximum: f.getBalanceMaximum,
        get_current_fee_percentiles: f.getCurrentFeePercentiles,
        get_current_fee_percentiles_maximum: f.getCurrentFeePercentilesMaximum,
        send_transaction_base: f.sendTransactionBase,
        send_transaction_per_byte: f.sendTransactionPerByte,
        get_block_headers_base: f.getBlockHeadersBase,
        get_block_headers_cycles_per_ten_instructions: f.getBlockHeadersCyclesPerTenInstructions,
        get_block_headers_maximum: f.getBlockHeadersMaximum,
      },
      api_access: { enabled: null },
      disable_api_if_not_fully_synced: { disabled: null },
      watchdog_canister: [],
      burn_cycles: { disabled: null },
      lazily_evaluate_fee_percentiles: { disabled: null },
    };
  }

  private getBlockchainInfo(): unknown {
    const tip = this.chain.tip();
    return {
      height: tip.height,
      block_hash: tip.hash,
      timestamp: tip.header.time,
      // Regtest blocks sit at the proof-of-work limit: difficulty 1.
      difficulty: 1n,
      utxos_length: BigInt(this.chain.utxoSetSize()),
    };
  }

  // ---------------------------------------------------------------- checks

  /** `verify_network`: the canister serves one network (regtest here) and panics on any other. */
  private verifyNetwork(variant: Record<string, null>): void {
    const network = networkOf(variant);
    if (network !== 'regtest') panic(`Network must be regtest. Found ${network}`, PANIC_AT.verifyNetwork);
  }

  private requireNonReplicated(args: { isQuery: boolean; endpoint: string }): void {
    if (!args.isQuery) throw new Reject(`${args.endpoint} cannot be called in replicated mode`);
  }

  private parseAddress(args: { address: string; fail: (debug: string) => never }): Uint8Array {
    try {
      return addressToScript({ address: args.address, network: 'regtest' });
    } catch (e) {
      if (e instanceof InvalidAddressError) {
        return args.fail(e.kind === 'malformed' ? 'MalformedAddress' : 'AddressForWrongNetwork { expected: Regtest }');
      }
      throw e;
    }
  }

  /** Height of the oldest block the canister still holds as unstable (its anchor). */
  private anchorHeight(): number {
    const tip = this.chain.tipHeight();
    return Math.max(0, tip - Math.max(this.stabilityThreshold, 1) + 1);
  }

  /**
   * The block a view with `minConfirmations` ends at: the tip for 0 or 1, `tip − c + 1` for c,
   * refused beyond the unstable chain's length as the canister does.
   */
  private viewHeight(args: { minConfirmations: number; fail: (debug: string) => never }): number {
    const tip = this.chain.tipHeight();
    const max = tip - this.anchorHeight() + 1;
    const c = args.minConfirmations;
    if (c > max) args.fail(`MinConfirmationsTooLarge { given: ${c}, max: ${max} }`);
    return c === 0 ? tip : tip - c + 1;
  }
}

/** The canister's `verify_has_enough_cycles`: panics unless `amount` cycles are still available. */
function verifyHasEnoughCycles(args: { cycles: Cycles; amount: bigint }): void {
  const available = args.cycles.attached - args.cycles.accepted;
  if (available < args.amount) {
    panic(`Received ${available} cycles. ${args.amount} cycles are required.`, PANIC_AT.verifyHasEnoughCycles);
  }
}

/** `charge_cycles`: verify, then accept. */
function chargeCycles(args: { cycles: Cycles; amount: bigint }): void {
  verifyHasEnoughCycles(args);
  args.cycles.accepted += args.amount;
}

/**
 * Percentiles 0..100 by the nearest-rank method, inclusive, with a 0th percentile (the canister's
 * `percentiles`): percentile p is the value of rank ⌈p·n/100⌉ (rank 1 for p = 0).
 */
export function feePercentiles(values: bigint[]): bigint[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: bigint[] = [];
  for (let p = 0; p <= 100; p++) {
    const rank = Math.ceil((p * sorted.length) / 100);
    out.push(sorted[Math.max(0, rank - 1)]!);
  }
  return out;
}

/** The canister's page token for the first UTXO of the next page. */
export function encodePage(args: { tipHash: Uint8Array; utxo: Pick<Utxo, 'height' | 'txid' | 'vout'> }): Uint8Array {
  const page = new Uint8Array(PAGE_LENGTH);
  const view = new DataView(page.buffer);
  page.set(args.tipHash, 0);
  // Heights are stored inverted so that byte order sorts them descending.
  view.setUint32(32, ~args.utxo.height >>> 0, false);
  page.set(args.utxo.txid, 36);
  view.setUint32(68, args.utxo.vout, true);
  return page;
}

/** Index of the first UTXO at or after `offset` in the canister's order. */
function lowerBound(utxos: Utxo[], offset: { height: number; txid: Uint8Array; vout: number }): number {
  let lo = 0;
  let hi = utxos.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const u = utxos[mid]!;
    const cmp = offset.height - u.height || compareBytes(u.txid, offset.txid) || u.vout - offset.vout;
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Rust's `{:?}` of a `String`. */
function rustString(s: string): string {
  return JSON.stringify(s);
}

/** Rust's `{:?}` of a `Vec<u8>`. */
function rustBytes(b: Uint8Array): string {
  return `[${Array.from(b).join(', ')}]`;
}
