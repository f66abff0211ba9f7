/**
 * `btc_balance` and `btc_send`: one call that finds the caller's coins, builds, signs and
 * broadcasts a payment, and records it in the caller's history.
 *
 * `btc_send`, step by step:
 *   1. the recipient and amount are validated for the configured network;
 *   2. every UTXO of the caller's address (all pages) comes from the Bitcoin canister; coins with
 *      fewer than MIN_CONFIRMATIONS and coins reserved by sends in flight are set aside;
 *   3. the fee rate is the caller's, or the median of `bitcoin_get_current_fee_percentiles` (at
 *      least the 1 sat/vB minimum relay fee);
 *   4. src/chains' `buildTransaction` selects coins (largest first) and adds change to the caller;
 *   5. the selected coins are reserved before the first await, so a concurrent send never takes them;
 *   6. every input is signed (signing.ts logs each signature) and the witnesses assembled;
 *   7. `bitcoin_send_transaction` broadcasts it; a refusal releases the coins.
 */
import { time, type Principal } from 'azle';
import * as btc from '../../../../src/chains/btc/index.ts';
import type { Result } from '../candid.ts';
import { bitcoinNetworkName } from '../config.ts';
import { requestErrorOf, validated } from '../errors.ts';
import { keysOf } from '../keys.ts';
import { recordSend, registerStatusRefresher, setStatus } from '../history.ts';
import { getAllUtxos, getBalance, getFeePercentiles, sendTransaction } from './bitcoin-api.ts';
import type { BtcBalanceError, BtcBalanceRequest, BtcSendError, BtcSendRequest, BtcSendResponse } from './candid.ts';
import { isReserved, outpointKey, release, releaseSpent, reserve } from './reservations.ts';
import { ownOutput, signTransaction, type AddressType } from './sign.ts';

/** Coins with at least this many confirmations are spent by `btc_send`. */
export const MIN_CONFIRMATIONS = 1;

const typeOf = (addressType: BtcBalanceRequest['address_type']): AddressType => ('p2wpkh' in addressType ? 'p2wpkh' : 'p2tr');

export async function btcBalance({
  caller,
  request,
}: {
  caller: Principal;
  request: BtcBalanceRequest;
}): Promise<Result<bigint, BtcBalanceError>> {
  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const address = ownOutput({ keys: keys.Ok, type: typeOf(request.address_type), network: bitcoinNetworkName() }).address;
  return await getBalance({ address, minConfirmations: request.min_confirmations[0] });
}

export async function btcSend({
  caller,
  request,
}: {
  caller: Principal;
  request: BtcSendRequest;
}): Promise<Result<BtcSendResponse, BtcSendError>> {
  const network = bitcoinNetworkName();
  const type = typeOf(request.address_type);
  const to = validated({ field: 'to', body: () => btc.parseAddress({ address: request.to, network }) });
  if ('Err' in to) return to;
  if (request.amount_sats === 0n) return { Err: { InvalidAmount: { field: 'amount_sats', message: 'a payment of 0 satoshis' } } };
  if (request.fee_rate_msat_per_vb[0] === 0n)
    return { Err: { InvalidAmount: { field: 'fee_rate_msat_per_vb', message: 'a fee rate of 0' } } };

  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const own = ownOutput({ keys: keys.Ok, type, network });

  const fetchedAtNs = time();
  const fetched = await getAllUtxos(own.address);
  if ('Err' in fetched) return fetched;
  const { utxos, tipHeight } = fetched.Ok;
  releaseSpent({ owner: caller, utxoSet: new Set(utxos.map(outpointKey)), fetchedAtNs });
  let feeRate = request.fee_rate_msat_per_vb[0];
  if (feeRate === undefined) {
    const percentiles = await getFeePercentiles();
    if ('Err' in percentiles) return percentiles;
    // The median; never below the minimum relay fee src/chains enforces (1 sat/vB), which a
    // quiet chain's percentiles (or none at all, on a fresh regtest chain) can fall under.
    const median = percentiles.Ok[Math.floor(percentiles.Ok.length / 2)] ?? 0n;
    feeRate = median > btc.MIN_RELAY_FEE_MILLISAT_PER_VBYTE ? median : btc.MIN_RELAY_FEE_MILLISAT_PER_VBYTE;
  }
  // From here to `reserve`, no await: the selection and the reservation are one atomic step.
  const confirmed = utxos.filter((utxo) => utxo.height > 0 && tipHeight - utxo.height + 1 >= MIN_CONFIRMATIONS);
  const free = confirmed.filter((utxo) => !isReserved(utxo));
  const reservedSats = confirmed.filter((utxo) => isReserved(utxo)).reduce((sum, utxo) => sum + utxo.value, 0n);
  let built: btc.BuiltTransaction;
  try {
    built = btc.buildTransaction({
      network,
      utxos: free.map((utxo) => ({ txid: utxo.txid, vout: utxo.vout, value: utxo.value, scriptPubKey: own.scriptPubKey })),
      outputs: [{ address: request.to, value: request.amount_sats }],
      changeAddress: own.address,
      feeRate: { millisatPerVbyte: feeRate },
    });
  } catch (error) {
    if (error instanceof btc.InsufficientFundsError) {
      if (reservedSats > 0n) {
        const pending = new Set(confirmed.filter((utxo) => isReserved(utxo)).map((utxo) => utxo.txid)).size;
        return {
          Err: { FundsReservedByPendingSends: { pending_sends: pending, available_sats: error.available, reserved_sats: reservedSats } },
        };
      }
      return { Err: { InsufficientFunds: { required_sats: error.required, available_sats: error.available } } };
    }
    if (error instanceof btc.TooManyInputsError) return { Err: { TooManyInputs: { count: error.count, max: error.max } } };
    return { Err: requestErrorOf({ field: error instanceof btc.InvalidFeeRateError ? 'fee_rate_msat_per_vb' : 'amount_sats', error }) };
  }
  const outpoints = built.transaction.inputs.map(({ txid, vout }) => ({ txid, vout }));
  reserve({ owner: caller, outpoints });

  const signed = await signTransaction({ caller, keys: keys.Ok, type, transaction: built.transaction, method: 'btc_send', network });
  if ('Err' in signed) {
    release(outpoints);
    return signed;
  }
  const sent = await sendTransaction(signed.Ok.bytes);
  if ('Err' in sent) {
    release(outpoints);
    return sent;
  }
  recordSend({
    owner: caller,
    chain: { btc: null },
    network,
    asset: 'BTC',
    to: request.to,
    amount: request.amount_sats,
    fee: built.fee,
    txid: signed.Ok.txid,
    status: { pending: null },
    details: JSON.stringify({ address: own.address, inputs: outpoints.map(outpointKey) }),
  });
  return { Ok: { txid: signed.Ok.txid, raw_transaction: signed.Ok.hex, fee_sats: built.fee } };
}

/**
 * A BTC send is confirmed once its inputs have left the UTXO set of the sending address: the
 * Bitcoin canister only knows mined blocks, so a spent input means the transaction is in one.
 */
registerStatusRefresher({
  chain: 'btc',
  refresher: async ({ owner, pending }) => {
    const byAddress = new Map<string, typeof pending>();
    for (const tx of pending) {
      const { address } = JSON.parse(tx.details) as { address: string };
      byAddress.set(address, [...(byAddress.get(address) ?? []), tx]);
    }
    for (const [address, txs] of byAddress) {
      const fetchedAtNs = time();
      const fetched = await getAllUtxos(address);
      if ('Err' in fetched) continue; // the status stays pending; the next read tries again
      const set = new Set(fetched.Ok.utxos.map(outpointKey));
      releaseSpent({ owner, utxoSet: set, fetchedAtNs });
      for (const tx of txs) {
        const { inputs } = JSON.parse(tx.details) as { inputs: string[] };
        if (inputs.every((input) => !set.has(input))) setStatus({ owner, id: tx.id, status: { confirmed: null } });
      }
    }
  },
});
