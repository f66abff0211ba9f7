/**
 * An in-memory Bitcoin regtest chain: blocks with real headers (double SHA-256, merkle roots,
 * regtest proof of work), a UTXO set indexed by scriptPubKey, a mempool that accepts what Bitcoin
 * Core would (see `sendRawTransaction`), a transaction index and per-block fee rates.
 *
 * Funding: `fund` puts a "faucet" transaction into the mempool. Its single input spends a virtual
 * faucet outpoint (txid = SHA256d("icp-devnet bitcoin faucet"), a fresh vout each time, witness
 * `[OP_TRUE]` as for a P2WSH(OP_TRUE) output) that exists in no block, so the devnet can mint
 * coins without 100 blocks of coinbase maturity. Faucet transactions pay no fee, bypass the
 * relay checks and are left out of fee percentiles; everything else about them is ordinary
 * (they are mined by `mine`, their outputs are UTXOs like any other).
 */
import { addressToScript, scriptToAddress } from './address.ts';
import {
  BLOCK_VERSION,
  blockSubsidy,
  buildCoinbase,
  encodeBlock,
  encodeHeader,
  MAX_MONEY,
  merkleRoot,
  mineHeader,
  REGTEST_BITS,
  regtestGenesis,
  type BlockHeader,
} from './block.ts';
import { bytesToHex, compareBytes, sha256, sha256d, toDisplayHex, utf8 } from './bytes.ts';
import { InvalidAdminArgumentError, TransactionRejectedError } from './errors.ts';
import {
  checkInputsStandard,
  checkStandard,
  checkTransaction,
  DEFAULT_MIN_RELAY_FEE_SAT_PER_KVB,
  isFinal,
  outpointKeyOf,
  sequenceLocksSatisfied,
} from './policy.ts';
import { witnessScript } from './script.ts';
import { decodeTransaction, encodeTransaction, type DecodedTransaction, type Transaction, type TxOutput } from './transaction.ts';
import { SighashCache } from './sighash.ts';
import { verifyInput } from './verify-input.ts';

/** Regtest's coinbase maturity (consensus `COINBASE_MATURITY`). */
export const COINBASE_MATURITY = 100;
/** Blocks one `mine` call may create, to keep the devnet responsive. */
export const MAX_BLOCKS_PER_MINE = 10_000;

/** `OP_TRUE`: the witness script of the devnet's anyone-can-spend P2WSH outputs. */
const OP_TRUE_SCRIPT = Uint8Array.of(0x51);
/** P2WSH(OP_TRUE): where coinbases pay when `mine` is given no address. */
export const DEVNET_MINER_SCRIPT = witnessScript(0, sha256(OP_TRUE_SCRIPT));
/** The regtest address of `DEVNET_MINER_SCRIPT`. */
export const DEVNET_MINER_ADDRESS = scriptToAddress({ script: DEVNET_MINER_SCRIPT, network: 'regtest' })!;
/** Internal-order txid of the virtual faucet outputs that `fund` spends. */
export const FAUCET_TXID = sha256d(utf8('icp-devnet bitcoin faucet'));

export type TransactionKind = 'coinbase' | 'faucet' | 'regular';

/** An output of a confirmed or mempool transaction. */
export interface Coin {
  /** Internal byte order. */
  txid: Uint8Array;
  vout: number;
  value: bigint;
  script: Uint8Array;
  /** Height of the block holding it, null while in the mempool. */
  height: number | null;
  coinbase: boolean;
  /** Height of the block that spent it, null while unspent (or spent only in the mempool). */
  spentHeight: number | null;
}

/** A UTXO as the Bitcoin canister reports it. */
export interface Utxo {
  /** Internal byte order, as the canister's `outpoint.txid`. */
  txid: Uint8Array;
  vout: number;
  value: bigint;
  height: number;
}

export interface BlockInfo {
  height: number;
  /** Internal byte order. */
  hash: Uint8Array;
  header: BlockHeader;
  headerBytes: Uint8Array;
  /** Display-order txids, coinbase first. */
  txids: string[];
  /** Fee rates (millisatoshi per vbyte) of the block's non-coinbase, non-faucet transactions, in block order. */
  feeRates: bigint[];
}

interface TxEntry {
  txid: string;
  decoded: DecodedTransaction;
  kind: TransactionKind;
  fee: bigint | null;
  feeRate: bigint | null;
  blockHeight: number | null;
}

export interface RegtestChainOptions {
  network?: 'regtest';
  /** Blocks before a coinbase output can be spent; regtest's consensus value is 100. */
  coinbaseMaturity?: number;
  /** Current time in nanoseconds since the UNIX epoch (the IC's time unit); block times are its seconds. */
  now?: () => bigint;
  /** Minimum relay fee in satoshi per 1000 vbytes; Bitcoin Core's long-standing default 1000 (1 sat/vB). */
  minRelayFeeSatPerKvB?: bigint;
}

export class RegtestChain {
  readonly network = 'regtest' as const;
  readonly coinbaseMaturity: number;
  readonly minRelayFeeSatPerKvB: bigint;
  private readonly now: () => bigint;
  private readonly blocks: BlockInfo[] = [];
  private readonly heightByHash = new Map<string, number>();
  private readonly txs = new Map<string, TxEntry>();
  /** Every output of every known transaction, by `txid:vout` (display-order txid). */
  private readonly coins = new Map<string, Coin>();
  /** Confirmed unspent outputs by scriptPubKey hex. */
  private readonly unspentByScript = new Map<string, Map<string, Coin>>();
  /** Confirmed outputs spent in a block, by scriptPubKey hex: the UTXO set at an earlier height needs them. */
  private readonly spentByScript = new Map<string, Coin[]>();
  /** Mempool transactions in arrival order (parents always precede children). */
  private readonly mempool = new Map<string, TxEntry>();
  /** `txid:vout` → txid of the mempool transaction spending it. */
  private readonly mempoolSpends = new Map<string, string>();
  private unspentCount = 0;
  private faucetIndex = 0;

  constructor(args: RegtestChainOptions = {}) {
    if (args.network !== undefined && args.network !== 'regtest') {
      throw new InvalidAdminArgumentError(`"network" must be "regtest", got ${JSON.stringify(args.network)}`);
    }
    this.coinbaseMaturity = args.coinbaseMaturity ?? COINBASE_MATURITY;
    if (!Number.isInteger(this.coinbaseMaturity) || this.coinbaseMaturity < 0) {
      throw new InvalidAdminArgumentError(`"coinbaseMaturity" must be a non-negative integer, got ${args.coinbaseMaturity}`);
    }
    this.minRelayFeeSatPerKvB = args.minRelayFeeSatPerKvB ?? DEFAULT_MIN_RELAY_FEE_SAT_PER_KVB;
    this.now = args.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    const genesis = regtestGenesis();
    const decoded = decodeTransaction(encodeTransaction(genesis.coinbase));
    const txid = toDisplayHex(decoded.txid);
    // The genesis coinbase is not spendable (Core never adds it to the UTXO set); index it only.
    this.txs.set(txid, { txid, decoded, kind: 'coinbase', fee: null, feeRate: null, blockHeight: 0 });
    this.appendBlock({ header: genesis.header, hash: genesis.hash, txids: [txid], feeRates: [] });
  }

  // ---------------------------------------------------------------- admin

  /**
   * Sends `amountSats` to `address` in a new faucet transaction (see the module comment) placed
   * in the mempool; `mine` confirms it. Returns its display-order txid and the output index.
   *
   * @example
   * const { txid, vout } = chain.fund({ address: 'bcrt1q...', amountSats: 100_000n });
   * chain.mine({ blocks: 1 });
   */
  fund(args: { address: string; amountSats: bigint }): { txid: string; vout: number } {
    const script = addressToScript({ address: args.address, network: 'regtest' });
    const amount = args.amountSats;
    if (typeof amount !== 'bigint' || amount < 1n || amount > MAX_MONEY) {
      throw new InvalidAdminArgumentError(`"amountSats" must be a bigint from 1 to ${MAX_MONEY}, got ${String(amount)}`);
    }
    const tx: Transaction = {
      version: 2,
      inputs: [
        {
          prevTxid: FAUCET_TXID,
          prevVout: this.faucetIndex++,
          scriptSig: new Uint8Array(0),
          sequence: 0xfffffffd,
          witness: [OP_TRUE_SCRIPT],
        },
      ],
      outputs: [{ value: amount, script }],
      lockTime: 0,
    };
    const decoded = decodeTransaction(encodeTransaction(tx));
    const txid = toDisplayHex(decoded.txid);
    this.addToMempool({ txid, decoded, kind: 'faucet', fee: 0n, feeRate: null, blockHeight: null });
    return { txid, vout: 0 };
  }

  /**
   * Mines `blocks` blocks on the tip. The first confirms the whole mempool; every coinbase pays the
   * subsidy (50 BTC halving every 150 blocks) plus the fees to `coinbaseAddress`, or to
   * `DEVNET_MINER_ADDRESS`. Returns the display-order block hashes and the new tip height.
   */
  mine(args: { blocks: number; coinbaseAddress?: string }): { hashes: string[]; height: number } {
    const { blocks } = args;
    if (!Number.isInteger(blocks) || blocks < 1 || blocks > MAX_BLOCKS_PER_MINE) {
      throw new InvalidAdminArgumentError(`"blocks" must be an integer from 1 to ${MAX_BLOCKS_PER_MINE}, got ${String(blocks)}`);
    }
    const script =
      args.coinbaseAddress === undefined ? DEVNET_MINER_SCRIPT : addressToScript({ address: args.coinbaseAddress, network: 'regtest' });
    const hashes: string[] = [];
    for (let b = 0; b < blocks; b++) hashes.push(toDisplayHex(this.mineBlock(script)));
    return { hashes, height: this.tipHeight() };
  }

  /** A transaction by display-order txid, from a block or the mempool; null when unknown. */
  getTransaction(
    txid: string,
  ): { hex: string; txid: string; confirmations: number; blockHeight: number | null; fee: bigint | null } | null {
    if (!/^[0-9a-fA-F]{64}$/.test(txid))
      throw new InvalidAdminArgumentError(`"txid" must be 64 hex characters, got ${JSON.stringify(txid)}`);
    const entry = this.txs.get(txid.toLowerCase());
    if (!entry) return null;
    return {
      hex: bytesToHex(entry.decoded.raw),
      txid: entry.txid,
      confirmations: entry.blockHeight === null ? 0 : this.tipHeight() - entry.blockHeight + 1,
      blockHeight: entry.blockHeight,
      fee: entry.fee,
    };
  }

  tipHeight(): number {
    return this.blocks.length - 1;
  }

  // ---------------------------------------------------------------- chain queries

  tip(): BlockInfo {
    return this.blocks[this.blocks.length - 1]!;
  }

  block(height: number): BlockInfo | null {
    return this.blocks[height] ?? null;
  }

  /** The main-chain block with this internal-order hash, or null. */
  blockByHash(hash: Uint8Array): BlockInfo | null {
    const height = this.heightByHash.get(bytesToHex(hash));
    return height === undefined ? null : this.blocks[height]!;
  }

  /** The serialized block at `height` (header, transactions with witness), as `getblock <hash> 0` prints it. */
  rawBlock(height: number): Uint8Array | null {
    const block = this.blocks[height];
    if (!block) return null;
    return encodeBlock({ header: block.header, transactions: block.txids.map((txid) => this.txs.get(txid)!.decoded.tx) });
  }

  /** Median of the last 11 block times up to `height` (BIP113). */
  medianTimePast(height: number): number {
    const times: number[] = [];
    for (let h = height; h >= 0 && h > height - 11; h--) times.push(this.blocks[h]!.header.time);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)]!;
  }

  /** Number of confirmed unspent outputs (the canister's `utxos_length`). */
  utxoSetSize(): number {
    return this.unspentCount;
  }

  /** Display-order txids in the mempool, in arrival order. */
  mempoolTxids(): string[] {
    return [...this.mempool.keys()];
  }

  /** The output `txid:vout` (display-order txid) of a known transaction, spent or not. */
  coin(args: { txid: string; vout: number }): Coin | null {
    return this.coins.get(`${args.txid.toLowerCase()}:${args.vout}`) ?? null;
  }

  /**
   * The UTXOs paying `script` as of block `atHeight` (outputs confirmed at or below it and not spent
   * at or below it), ordered as the Bitcoin canister orders them: height descending, then txid
   * (internal byte order) and vout ascending.
   */
  utxos(args: { script: Uint8Array; atHeight: number }): Utxo[] {
    const key = bytesToHex(args.script);
    const { atHeight } = args;
    const out: Utxo[] = [];
    const unspent = this.unspentByScript.get(key);
    if (unspent) {
      for (const c of unspent.values())
        if (c.height! <= atHeight) out.push({ txid: c.txid, vout: c.vout, value: c.value, height: c.height! });
    }
    if (atHeight < this.tipHeight()) {
      for (const c of this.spentByScript.get(key) ?? []) {
        if (c.height! <= atHeight && c.spentHeight! > atHeight) out.push({ txid: c.txid, vout: c.vout, value: c.value, height: c.height! });
      }
    }
    return out.sort(compareUtxos);
  }

  // ---------------------------------------------------------------- mempool

  /**
   * Accepts a raw transaction into the mempool after the checks Bitcoin Core's
   * `AcceptToMemoryPool` makes, in its order: `CheckTransaction`, standardness (version, size,
   * scripts, dust), finality, duplicates and mempool conflicts (no replacement), missing or spent
   * inputs, BIP68 sequence locks, coinbase maturity, amounts (`bad-txns-in-belowout`), input
   * standardness, the minimum relay fee and finally every input's signature (P2WPKH, P2TR key
   * path, P2PKH, P2SH-P2WPKH). Throws `MalformedTransactionError` for undecodable bytes and
   * `TransactionRejectedError` (Core's reason) otherwise.
   */
  sendRawTransaction(raw: Uint8Array): { txid: string; fee: bigint; vsize: number } {
    const decoded = decodeTransaction(raw);
    const { tx } = decoded;
    const txid = toDisplayHex(decoded.txid);
    const reject = (reason: string, details: string): never => {
      throw new TransactionRejectedError({ txid, reason, details });
    };
    if (decoded.trailingBytes > 0) reject('TX decode failed', `${decoded.trailingBytes} bytes follow the transaction`);
    const context = checkTransaction(decoded) ?? checkStandard(decoded);
    if (context) reject(context.reason, context.details);
    const nextHeight = this.tipHeight() + 1;
    if (!isFinal({ tx, nextHeight, medianTimePast: this.medianTimePast(this.tipHeight()) })) {
      reject('non-final', `lock time ${tx.lockTime} is not reached by block ${nextHeight}`);
    }
    if (this.mempool.has(txid)) reject('txn-already-in-mempool', `${txid} is already in the mempool`);
    if (this.txs.has(txid)) reject('txn-already-known', `${txid} is already in block ${this.txs.get(txid)!.blockHeight}`);
    for (const [i, input] of tx.inputs.entries()) {
      const key = outpointKeyOf(input);
      const spender = this.mempoolSpends.get(key);
      if (spender) reject('txn-mempool-conflict', `input ${i} spends ${key}, already spent by mempool transaction ${spender}`);
    }
    const spent: Coin[] = [];
    for (const [i, input] of tx.inputs.entries()) {
      const key = outpointKeyOf(input);
      const coin = this.coins.get(key);
      if (!coin || coin.spentHeight !== null) {
        reject('bad-txns-inputs-missingorspent', `input ${i} spends ${key}, which is not in the UTXO set or the mempool`);
      }
      spent.push(coin!);
    }
    const coinHeights = spent.map((c) => c.height ?? nextHeight);
    if (
      !sequenceLocksSatisfied({ tx, coinHeights, nextHeight, medianTimePastAt: (h) => this.medianTimePast(Math.min(h, this.tipHeight())) })
    ) {
      reject('non-BIP68-final', `a relative lock time is not reached by block ${nextHeight}`);
    }
    let valueIn = 0n;
    for (const [i, coin] of spent.entries()) {
      if (coin.coinbase && nextHeight - coin.height! < this.coinbaseMaturity) {
        reject(
          'bad-txns-premature-spend-of-coinbase',
          `tried to spend coinbase at depth ${nextHeight - coin.height!} (input ${i}; maturity is ${this.coinbaseMaturity})`,
        );
      }
      valueIn += coin.value;
      if (coin.value > MAX_MONEY || valueIn > MAX_MONEY) reject('bad-txns-inputvalues-outofrange', `inputs total ${valueIn} sat`);
    }
    const valueOut = tx.outputs.reduce((sum, o) => sum + o.value, 0n);
    if (valueIn < valueOut) reject('bad-txns-in-belowout', `value in (${valueIn} sat) < value out (${valueOut} sat)`);
    const prevouts: TxOutput[] = spent.map((c) => ({ value: c.value, script: c.script }));
    const inputs = checkInputsStandard({ tx, prevouts });
    if (inputs) reject(inputs.reason, inputs.details);
    const fee = valueIn - valueOut;
    const minFee = (BigInt(decoded.vsize) * this.minRelayFeeSatPerKvB) / 1000n;
    if (fee < minFee) reject('min relay fee not met', `${fee} < ${minFee} (fee in sat for ${decoded.vsize} vbytes)`);
    const cache = new SighashCache(tx);
    for (let i = 0; i < tx.inputs.length; i++) {
      const verdict = verifyInput({ tx, inputIndex: i, prevouts, cache });
      if (!verdict.ok) reject(verdict.reason, verdict.details);
    }
    this.addToMempool({
      txid,
      decoded,
      kind: 'regular',
      fee,
      feeRate: feeRateMsatPerVbyte({ fee, vsize: decoded.vsize }),
      blockHeight: null,
    });
    return { txid, fee, vsize: decoded.vsize };
  }

  // ---------------------------------------------------------------- internals

  private addToMempool(entry: TxEntry): void {
    const { tx } = entry.decoded;
    if (entry.kind !== 'faucet') {
      for (const input of tx.inputs) this.mempoolSpends.set(outpointKeyOf(input), entry.txid);
    }
    for (const [vout, o] of tx.outputs.entries()) {
      this.coins.set(`${entry.txid}:${vout}`, {
        txid: entry.decoded.txid,
        vout,
        value: o.value,
        script: o.script,
        height: null,
        coinbase: false,
        spentHeight: null,
      });
    }
    this.mempool.set(entry.txid, entry);
    this.txs.set(entry.txid, entry);
  }

  private mineBlock(coinbaseScript: Uint8Array): Uint8Array {
    const height = this.tipHeight() + 1;
    const included = [...this.mempool.values()];
    const fees = included.reduce((sum, e) => sum + (e.fee ?? 0n), 0n);
    const coinbaseTx = buildCoinbase({
      height,
      value: blockSubsidy(height) + fees,
      script: coinbaseScript,
      otherWtxids: included.map((e) => e.decoded.wtxid),
    });
    const coinbase = decodeTransaction(encodeTransaction(coinbaseTx));
    const coinbaseTxid = toDisplayHex(coinbase.txid);
    const prev = this.tip();
    // Block times strictly above the median time past (BIP113), from the injected clock.
    const time = Math.max(Number(this.now() / 1_000_000_000n), this.medianTimePast(prev.height) + 1);
    const { header, hash } = mineHeader({
      version: BLOCK_VERSION,
      prevHash: prev.hash,
      merkleRoot: merkleRoot([coinbase.txid, ...included.map((e) => e.decoded.txid)]),
      time,
      bits: REGTEST_BITS,
    });

    const coinbaseEntry: TxEntry = {
      txid: coinbaseTxid,
      decoded: coinbase,
      kind: 'coinbase',
      fee: null,
      feeRate: null,
      blockHeight: height,
    };
    this.txs.set(coinbaseTxid, coinbaseEntry);
    for (const [vout, o] of coinbaseTx.outputs.entries()) {
      // OP_RETURN outputs (the witness commitment) are unspendable and never enter the UTXO set.
      if (o.script[0] === 0x6a) continue;
      const coin: Coin = { txid: coinbase.txid, vout, value: o.value, script: o.script, height, coinbase: true, spentHeight: null };
      this.coins.set(`${coinbaseTxid}:${vout}`, coin);
      this.confirmCoin(coin);
    }
    for (const entry of included) {
      entry.blockHeight = height;
      for (const input of entry.decoded.tx.inputs) {
        const key = outpointKeyOf(input);
        this.mempoolSpends.delete(key);
        const coin = this.coins.get(key);
        // Faucet inputs spend virtual outputs that are not in the UTXO set.
        if (coin) this.spendCoin(coin, height);
      }
      for (const [vout, o] of entry.decoded.tx.outputs.entries()) {
        const coin = this.coins.get(`${entry.txid}:${vout}`)!;
        coin.height = height;
        if (o.script[0] !== 0x6a) this.confirmCoin(coin);
      }
    }
    this.mempool.clear();
    this.appendBlock({
      header,
      hash,
      txids: [coinbaseTxid, ...included.map((e) => e.txid)],
      feeRates: included.flatMap((e) => (e.feeRate === null ? [] : [e.feeRate])),
    });
    return hash;
  }

  private confirmCoin(coin: Coin): void {
    const key = bytesToHex(coin.script);
    let set = this.unspentByScript.get(key);
    if (!set) this.unspentByScript.set(key, (set = new Map()));
    set.set(`${toDisplayHex(coin.txid)}:${coin.vout}`, coin);
    this.unspentCount++;
  }

  private spendCoin(coin: Coin, height: number): void {
    coin.spentHeight = height;
    if (coin.height === null) return;
    const key = bytesToHex(coin.script);
    const set = this.unspentByScript.get(key);
    if (set?.delete(`${toDisplayHex(coin.txid)}:${coin.vout}`)) this.unspentCount--;
    if (set && set.size === 0) this.unspentByScript.delete(key);
    let spent = this.spentByScript.get(key);
    if (!spent) this.spentByScript.set(key, (spent = []));
    spent.push(coin);
  }

  private appendBlock(args: { header: BlockHeader; hash: Uint8Array; txids: string[]; feeRates: bigint[] }): void {
    const height = this.blocks.length;
    this.blocks.push({
      height,
      hash: args.hash,
      header: args.header,
      headerBytes: encodeHeader(args.header),
      txids: args.txids,
      feeRates: args.feeRates,
    });
    this.heightByHash.set(bytesToHex(args.hash), height);
  }
}

/** The canister's fee rate: `1000 × fee / vsize`, rounded down (millisatoshi per vbyte). */
export function feeRateMsatPerVbyte(args: { fee: bigint; vsize: number }): bigint {
  return (1000n * args.fee) / BigInt(args.vsize);
}

function compareUtxos(a: Utxo, b: Utxo): number {
  return b.height - a.height || compareBytes(a.txid, b.txid) || a.vout - b.vout;
}
