/**
 * The Bitcoin canister, called directly (the management canister's Bitcoin API is deprecated):
 * mainnet `ghsi2-tqaaa-aaaan-aaaca-cai`; testnet and regtest `g4xu7-jiaaa-aaaan-aaaaq-cai`.
 * Interface: dfinity/bitcoin-canister `canister/candid.did` (the same record shapes as the
 * management canister's `bitcoin_*` types azle ships). Cycles per call come from fees.ts.
 */
import { Principal } from 'azle';
import {
  bitcoin_get_balance_args,
  bitcoin_get_balance_result,
  bitcoin_get_current_fee_percentiles_args,
  bitcoin_get_current_fee_percentiles_result,
  bitcoin_get_utxos_args,
  bitcoin_get_utxos_result,
  bitcoin_send_transaction_args,
  type bitcoin_get_utxos_result as GetUtxosResult,
} from 'azle/canisters/management/idl';
import type { IDL } from 'azle';
import { hex } from '@scure/base';
import type { BitcoinNetwork, Result } from '../candid.ts';
import { bitcoinNetworkName, loadConfig } from '../config.ts';
import { bitcoinCallCycles } from '../fees.ts';
import { callCanister } from '../management.ts';

const MAINNET_BITCOIN_CANISTER = 'ghsi2-tqaaa-aaaan-aaaca-cai';
const TESTNET_BITCOIN_CANISTER = 'g4xu7-jiaaa-aaaan-aaaaq-cai';

export type BitcoinCallError =
  { BitcoinCallRejected: { method: string; reject_code: number; reject_message: string } } | { BitcoinCallNotSent: { method: string } };

/** An unspent output with its txid in display order (the reverse of the canister's bytes). */
export type ChainUtxo = { txid: string; vout: number; value: bigint; height: number };

function bitcoinCanister(network: BitcoinNetwork): Principal {
  return Principal.fromText('mainnet' in network ? MAINNET_BITCOIN_CANISTER : TESTNET_BITCOIN_CANISTER);
}

async function callBitcoin<T>({
  method,
  argType,
  resultType,
  arg,
  cycles,
}: {
  method: string;
  argType: IDL.Type;
  resultType: IDL.Type | undefined;
  arg: unknown;
  cycles: bigint;
}): Promise<Result<T, BitcoinCallError>> {
  const reply = await callCanister<T>({
    canister: bitcoinCanister(loadConfig().bitcoin_network),
    method,
    argType,
    resultType,
    arg,
    cycles,
  });
  if ('Ok' in reply) return reply;
  return 'CallRejected' in reply.Err
    ? { Err: { BitcoinCallRejected: reply.Err.CallRejected } }
    : { Err: { BitcoinCallNotSent: reply.Err.CallNotSent } };
}

/**
 * Every UTXO of `address` the Bitcoin canister knows (all pages), with the tip height: the
 * caller filters by confirmations, and the full set also tells which reserved coins were spent.
 */
export async function getAllUtxos(address: string): Promise<Result<{ utxos: ChainUtxo[]; tipHeight: number }, BitcoinCallError>> {
  const network = loadConfig().bitcoin_network;
  const cycles = bitcoinCallCycles(bitcoinNetworkName()).getUtxos;
  const utxos: ChainUtxo[] = [];
  let page: [] | [Uint8Array] = [];
  let tipHeight = 0;
  // The Bitcoin canister pages at about 1,000 UTXOs; 100 pages bound a pathological address.
  for (let pages = 0; pages < 100; pages++) {
    const reply: Result<GetUtxosResult, BitcoinCallError> = await callBitcoin<GetUtxosResult>({
      method: 'bitcoin_get_utxos',
      argType: bitcoin_get_utxos_args,
      resultType: bitcoin_get_utxos_result,
      arg: { network, address, filter: page.length === 0 ? [] : [{ page: page[0] }] },
      cycles,
    });
    if ('Err' in reply) return reply;
    if (pages === 0) tipHeight = reply.Ok.tip_height;
    for (const utxo of reply.Ok.utxos) {
      utxos.push({
        txid: hex.encode(Uint8Array.from(utxo.outpoint.txid).reverse()),
        vout: utxo.outpoint.vout,
        value: utxo.value,
        height: utxo.height,
      });
    }
    if (reply.Ok.next_page.length === 0) break;
    page = [Uint8Array.from(reply.Ok.next_page[0])];
  }
  return { Ok: { utxos, tipHeight } };
}

export async function getBalance({
  address,
  minConfirmations,
}: {
  address: string;
  minConfirmations: number | undefined;
}): Promise<Result<bigint, BitcoinCallError>> {
  return await callBitcoin<bigint>({
    method: 'bitcoin_get_balance',
    argType: bitcoin_get_balance_args,
    resultType: bitcoin_get_balance_result,
    arg: { network: loadConfig().bitcoin_network, address, min_confirmations: minConfirmations === undefined ? [] : [minConfirmations] },
    cycles: bitcoinCallCycles(bitcoinNetworkName()).getBalance,
  });
}

/** Fee percentiles in millisatoshi per vbyte, 101 values (0th..100th) or none on a quiet chain. */
export async function getFeePercentiles(): Promise<Result<bigint[], BitcoinCallError>> {
  const reply = await callBitcoin<BigUint64Array | bigint[]>({
    method: 'bitcoin_get_current_fee_percentiles',
    argType: bitcoin_get_current_fee_percentiles_args,
    resultType: bitcoin_get_current_fee_percentiles_result,
    arg: { network: loadConfig().bitcoin_network },
    cycles: bitcoinCallCycles(bitcoinNetworkName()).getFeePercentiles,
  });
  return 'Err' in reply ? reply : { Ok: [...reply.Ok] };
}

export async function sendTransaction(transaction: Uint8Array): Promise<Result<null, BitcoinCallError>> {
  const reply = await callBitcoin<null>({
    method: 'bitcoin_send_transaction',
    argType: bitcoin_send_transaction_args,
    resultType: undefined,
    arg: { network: loadConfig().bitcoin_network, transaction },
    cycles: bitcoinCallCycles(bitcoinNetworkName()).sendTransaction(transaction.length),
  });
  return 'Err' in reply ? reply : { Ok: null };
}
