/**
 * `btc_sign_transaction`: signs a transaction the caller describes field by field — which of
 * their own coins to spend, whom to pay, the fee — and returns it for the caller to broadcast.
 * The change goes back to the caller's own address of the same type; change below that type's
 * dust threshold is left to the fee, as Bitcoin Core would refuse the output.
 */
import type { Principal } from 'azle';
import * as btc from '../../../../src/chains/btc/index.ts';
import { bitcoinNetworkName } from '../config.ts';
import { invalid, validated } from '../errors.ts';
import { keysOf } from '../keys.ts';
import type { BtcSignTransactionError, BtcSignTransactionRequest, BtcSignTransactionResponse } from './candid.ts';
import { ownOutput, signTransaction, type AddressType } from './sign.ts';
import type { Result } from '../candid.ts';

const TXID = /^[0-9a-f]{64}$/;

export async function btcSignTransaction({
  caller,
  request,
}: {
  caller: Principal;
  request: BtcSignTransactionRequest;
}): Promise<Result<BtcSignTransactionResponse, BtcSignTransactionError>> {
  const network = bitcoinNetworkName();
  const type: AddressType = 'p2wpkh' in request.address_type ? 'p2wpkh' : 'p2tr';
  if (request.utxos.length === 0) return { Err: invalid({ field: 'utxos', error: 'NoInputs', message: 'at least one UTXO to spend' }) };
  if (request.utxos.length > btc.MAX_INPUTS) {
    return {
      Err: invalid({ field: 'utxos', error: 'TooManyInputs', message: `at most ${btc.MAX_INPUTS} UTXOs, got ${request.utxos.length}` }),
    };
  }
  if (request.outputs.length === 0) return { Err: invalid({ field: 'outputs', error: 'NoOutputs', message: 'at least one output' }) };
  const seen = new Set<string>();
  for (const [i, utxo] of request.utxos.entries()) {
    if (!TXID.test(utxo.txid)) {
      return {
        Err: invalid({
          field: `utxos[${i}].txid`,
          error: 'InvalidTxid',
          message: `expected 64 lowercase hex characters, got "${utxo.txid.slice(0, 80)}"`,
        }),
      };
    }
    if (utxo.value_sats === 0n)
      return { Err: { InvalidAmount: { field: `utxos[${i}].value_sats`, message: 'a UTXO of 0 satoshis cannot be spent' } } };
    const key = `${utxo.txid}:${utxo.vout}`;
    if (seen.has(key)) return { Err: invalid({ field: `utxos[${i}]`, error: 'DuplicateInput', message: `${key} is listed twice` }) };
    seen.add(key);
  }
  const outputs: btc.TxOutput[] = [];
  for (const [i, output] of request.outputs.entries()) {
    const parsed = validated({ field: `outputs[${i}].address`, body: () => btc.parseAddress({ address: output.address, network }) });
    if ('Err' in parsed) return parsed;
    const dust = btc.DUST_THRESHOLDS[parsed.Ok.type];
    if (output.amount_sats < dust) {
      return {
        Err: {
          InvalidAmount: {
            field: `outputs[${i}].amount_sats`,
            message: `${output.amount_sats} sats is below the ${dust}-sat dust threshold of ${parsed.Ok.type}`,
          },
        },
      };
    }
    outputs.push({ scriptPubKey: parsed.Ok.scriptPubKey, value: output.amount_sats });
  }
  const inputTotal = request.utxos.reduce((sum, utxo) => sum + utxo.value_sats, 0n);
  const outputTotal = outputs.reduce((sum, output) => sum + output.value, 0n);
  if (inputTotal > btc.MAX_MONEY || outputTotal > btc.MAX_MONEY) {
    return { Err: { InvalidAmount: { field: 'utxos', message: `amounts above the 21,000,000 BTC supply` } } };
  }
  if (inputTotal < outputTotal + request.fee_sats) {
    return { Err: { InsufficientFunds: { required_sats: outputTotal + request.fee_sats, available_sats: inputTotal } } };
  }

  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const own = ownOutput({ keys: keys.Ok, type, network });
  const change = inputTotal - outputTotal - request.fee_sats;
  if (change >= btc.DUST_THRESHOLDS[type]) outputs.push({ scriptPubKey: own.scriptPubKey, value: change });
  const transaction: btc.UnsignedTransaction = {
    version: btc.TX_VERSION,
    lockTime: 0,
    inputs: request.utxos.map((utxo) => ({
      txid: utxo.txid,
      vout: utxo.vout,
      sequence: btc.RBF_SEQUENCE,
      value: utxo.value_sats,
      scriptPubKey: own.scriptPubKey,
    })),
    outputs,
  };
  const signed = await signTransaction({ caller, keys: keys.Ok, type, transaction, method: 'btc_sign_transaction', network });
  if ('Err' in signed) return signed;
  return { Ok: { raw_transaction: signed.Ok.hex, txid: signed.Ok.txid, vsize: signed.Ok.vsize } };
}
