/**
 * Blocks of the regtest chain: 80-byte headers, merkle roots, the BIP141 witness commitment,
 * coinbases with BIP34 heights, regtest's genesis block and proof of work at regtest difficulty.
 */
import { ByteWriter, concatBytes, hexToBytes, sha256d } from './bytes.ts';
import { OP_0, OP_RETURN, pushScriptNumber } from './script.ts';
import { computeTxid, encodeTransaction, type Transaction } from './transaction.ts';

export interface BlockHeader {
  version: number;
  /** Internal byte order. */
  prevHash: Uint8Array;
  merkleRoot: Uint8Array;
  time: number;
  bits: number;
  nonce: number;
}

/** Regtest's proof-of-work limit in compact form (chainparams `powLimit`), never retargeted. */
export const REGTEST_BITS = 0x207fffff;
/** Regtest halves the subsidy every 150 blocks (chainparams `nSubsidyHalvingInterval`). */
export const REGTEST_HALVING_INTERVAL = 150;
export const COIN = 100_000_000n;
/** Consensus maximum of any amount: 21 million BTC (`MAX_MONEY`). */
export const MAX_MONEY = 21_000_000n * COIN;
/** Version bits with no deployment signalled (BIP9's top bits 001). */
export const BLOCK_VERSION = 0x20000000;

export function encodeHeader(h: BlockHeader): Uint8Array {
  return new ByteWriter().u32(h.version).bytes(h.prevHash).bytes(h.merkleRoot).u32(h.time).u32(h.bits).u32(h.nonce).finish();
}

/** Block hash: double SHA-256 of the header, internal byte order. */
export function headerHash(h: BlockHeader): Uint8Array {
  return sha256d(encodeHeader(h));
}

/** The target a compact `bits` value encodes (mantissa × 256^(exponent−3)). */
export function targetFromBits(bits: number): bigint {
  const exponent = bits >>> 24;
  const mantissa = BigInt(bits & 0x007fffff);
  return exponent <= 3 ? mantissa >> BigInt(8 * (3 - exponent)) : mantissa << BigInt(8 * (exponent - 3));
}

/** A hash read as the little-endian 256-bit number proof of work compares with the target. */
export function hashToBigint(hash: Uint8Array): bigint {
  let v = 0n;
  for (let i = hash.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(hash[i]!);
  return v;
}

/** Searches nonces until the header's hash is at most the target (about two tries on regtest). */
export function mineHeader(h: Omit<BlockHeader, 'nonce'>): { header: BlockHeader; hash: Uint8Array } {
  const target = targetFromBits(h.bits);
  for (let nonce = 0; nonce <= 0xffffffff; nonce++) {
    const header = { ...h, nonce };
    const hash = headerHash(header);
    if (hashToBigint(hash) <= target) return { header, hash };
  }
  throw new Error(`mineHeader: no nonce satisfies bits 0x${h.bits.toString(16)}`);
}

/** Merkle root of txids (or wtxids), duplicating the last node of odd levels. */
export function merkleRoot(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) throw new Error('merkleRoot: no hashes');
  let level = hashes;
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      next.push(sha256d(concatBytes(level[i]!, level[i + 1] ?? level[i]!)));
    }
    level = next;
  }
  return level[0]!;
}

/** Block subsidy at `height` on regtest: 50 BTC halved every 150 blocks. */
export function blockSubsidy(height: number): bigint {
  const halvings = Math.floor(height / REGTEST_HALVING_INTERVAL);
  return halvings >= 64 ? 0n : (50n * COIN) >> BigInt(halvings);
}

/**
 * A coinbase as Bitcoin Core's miner builds it: scriptSig `<height> OP_0` (BIP34 plus the extra
 * byte that keeps it at least 2 bytes), one output paying `value` to `script`, and the BIP141
 * witness commitment `OP_RETURN 0xaa21a9ed ‖ SHA256d(witness root ‖ reserved)` with the 32-byte
 * zero reserved value as the coinbase's witness.
 */
export function buildCoinbase(args: { height: number; value: bigint; script: Uint8Array; otherWtxids: Uint8Array[] }): Transaction {
  const reserved = new Uint8Array(32);
  // BIP141: the coinbase's wtxid counts as 32 zero bytes in the witness merkle tree.
  const witnessRoot = merkleRoot([new Uint8Array(32), ...args.otherWtxids]);
  const commitment = sha256d(concatBytes(witnessRoot, reserved));
  return {
    version: 2,
    inputs: [
      {
        prevTxid: new Uint8Array(32),
        prevVout: 0xffffffff,
        scriptSig: concatBytes(pushScriptNumber(args.height), Uint8Array.of(OP_0)),
        sequence: 0xffffffff,
        witness: [reserved],
      },
    ],
    outputs: [
      { value: args.value, script: args.script },
      { value: 0n, script: concatBytes(Uint8Array.of(OP_RETURN, 0x24, 0xaa, 0x21, 0xa9, 0xed), commitment) },
    ],
    lockTime: 0,
  };
}

/**
 * Regtest's genesis block (chainparams `CreateGenesisBlock(1296688602, 2, 0x207fffff, 1, 50 BTC)`):
 * the well-known coinbase with "The Times 03/Jan/2009 ..." paying 50 BTC to Satoshi's key.
 */
export function regtestGenesis(): { header: BlockHeader; hash: Uint8Array; coinbase: Transaction } {
  const coinbase: Transaction = {
    version: 1,
    inputs: [
      {
        prevTxid: new Uint8Array(32),
        prevVout: 0xffffffff,
        scriptSig: hexToBytes(
          '04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73',
        ),
        sequence: 0xffffffff,
        witness: [],
      },
    ],
    outputs: [
      {
        value: 50n * COIN,
        script: hexToBytes(
          '4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac',
        ),
      },
    ],
    lockTime: 0,
  };
  const header: BlockHeader = {
    version: 1,
    prevHash: new Uint8Array(32),
    merkleRoot: computeTxid(coinbase),
    time: 1296688602,
    bits: REGTEST_BITS,
    nonce: 2,
  };
  return { header, hash: headerHash(header), coinbase };
}

/** A whole block's serialization (header, transaction count, transactions with witness). */
export function encodeBlock(args: { header: BlockHeader; transactions: Transaction[] }): Uint8Array {
  const w = new ByteWriter().bytes(encodeHeader(args.header)).compactSize(args.transactions.length);
  for (const tx of args.transactions) w.bytes(encodeTransaction(tx));
  return w.finish();
}
