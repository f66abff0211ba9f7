/**
 * Each user's sends, in stable memory: chain, asset, recipient, amount, fee, txid, status and
 * times. `transactions` pages them newest first and refreshes the status of pending ones from
 * their chain (a refresher per chain registers here).
 */
import { IDL, StableBTreeMap, time, type Principal } from 'azle';
import { MEMORY } from './memory.ts';
import { candidValue, textKey, u64Key } from './stable.ts';

export const TxStatus = IDL.Variant({ pending: IDL.Null, confirmed: IDL.Null, failed: IDL.Text });
export type TxStatus = { pending: null } | { confirmed: null } | { failed: string };

export const Chain = IDL.Variant({ btc: IDL.Null, eth: IDL.Null, sol: IDL.Null });
export type Chain = { btc: null } | { eth: null } | { sol: null };

export const Transaction = IDL.Record({
  id: IDL.Nat64,
  chain: Chain,
  /** `regtest`, `mainnet`, an EVM chain id, a Solana cluster. */
  network: IDL.Text,
  /** `BTC`, `ETH`, `SOL`, or the token's contract / mint address. */
  asset: IDL.Text,
  to: IDL.Text,
  /** In the asset's base units (satoshi, wei, lamports, token units). */
  amount: IDL.Nat,
  /** In the chain's base units; for EVM the maximum the transaction may pay. */
  fee: IDL.Nat,
  txid: IDL.Text,
  status: TxStatus,
  created_at_ns: IDL.Nat64,
  updated_at_ns: IDL.Nat64,
  /** Chain-specific facts a status refresher needs (BTC: the spent outpoints), as JSON. */
  details: IDL.Text,
});
export type Transaction = {
  id: bigint;
  chain: Chain;
  network: string;
  asset: string;
  to: string;
  amount: bigint;
  fee: bigint;
  txid: string;
  status: TxStatus;
  created_at_ns: bigint;
  updated_at_ns: bigint;
  details: string;
};

const sends = new StableBTreeMap<string, Transaction>(MEMORY.history, textKey, candidValue<Transaction>(Transaction));
const counts = new StableBTreeMap<string, bigint>(MEMORY.historyCounts, textKey, u64Key);

export function sendCountOf(owner: Principal): bigint {
  return counts.get(owner.toText()) ?? 0n;
}

/** Records a new send of `owner` and returns its id (0, 1, … per user). */
export function recordSend({
  owner,
  ...fields
}: { owner: Principal } & Omit<Transaction, 'id' | 'created_at_ns' | 'updated_at_ns'>): bigint {
  const id = sendCountOf(owner);
  const now = time();
  sends.insert(`${owner.toText()}#${id}`, { ...fields, id, created_at_ns: now, updated_at_ns: now });
  counts.insert(owner.toText(), id + 1n);
  return id;
}

export function getSend({ owner, id }: { owner: Principal; id: bigint }): Transaction | undefined {
  return sends.get(`${owner.toText()}#${id}`);
}

export function setStatus({ owner, id, status }: { owner: Principal; id: bigint; status: TxStatus }): void {
  const tx = getSend({ owner, id });
  if (tx === undefined) return;
  sends.insert(`${owner.toText()}#${id}`, { ...tx, status, updated_at_ns: time() });
}

/** Newest first: `start` counts from the newest send. */
export function pageOf({ owner, start, limit }: { owner: Principal; start: bigint; limit: number }): Transaction[] {
  const total = sendCountOf(owner);
  const page: Transaction[] = [];
  for (let i = start; i < total && page.length < limit; i++) {
    const tx = getSend({ owner, id: total - 1n - i });
    if (tx !== undefined) page.push(tx);
  }
  return page;
}

/** Looks up the chain status of pending sends; each chain module registers one. */
export type StatusRefresher = (args: { owner: Principal; pending: Transaction[] }) => Promise<void>;
export type ChainName = 'btc' | 'eth' | 'sol';
const refreshers = new Map<ChainName, StatusRefresher>();

export function registerStatusRefresher({ chain, refresher }: { chain: ChainName; refresher: StatusRefresher }): void {
  refreshers.set(chain, refresher);
}

/** Refreshes the pending sends among `transactions` (each chain's refresher decides how). */
export async function refreshStatuses({ owner, transactions }: { owner: Principal; transactions: Transaction[] }): Promise<void> {
  for (const [chain, refresher] of refreshers) {
    const pending = transactions.filter((tx) => chain in tx.chain && 'pending' in tx.status);
    if (pending.length > 0) await refresher({ owner, pending });
  }
}
