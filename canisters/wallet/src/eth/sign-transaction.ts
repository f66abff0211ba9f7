/**
 * `eth_sign_transaction`: signs an EIP-1559 transaction the caller describes field by field, on a
 * chain of the configuration, with the caller's own ETH key. The canister serializes it with
 * src/chains/eth and signs the keccak256 of that serialization: the digest is never the caller's.
 */
import type { Principal } from 'azle';
import { IDL } from 'azle';
import { bytesToHex } from '@noble/hashes/utils.js';
import * as eth from '../../../../src/chains/eth/index.ts';
import { KEY_ERRORS, REQUEST_ERRORS, SIGNING_GUARD_ERRORS, type Result, type SignError } from '../candid.ts';
import { evmChain } from '../config.ts';
import { requestErrorOf, validated } from '../errors.ts';
import { keysOf } from '../keys.ts';
import { signOne } from '../signing.ts';

export const EthSignTransactionRequest = IDL.Record({
  chain_id: IDL.Nat64,
  nonce: IDL.Nat,
  to: IDL.Text,
  value: IDL.Nat,
  data: IDL.Opt(IDL.Vec(IDL.Nat8)),
  gas_limit: IDL.Nat,
  max_fee_per_gas: IDL.Nat,
  max_priority_fee_per_gas: IDL.Nat,
});
export type EthSignTransactionRequest = {
  chain_id: bigint;
  nonce: bigint;
  to: string;
  value: bigint;
  data: [] | [Uint8Array];
  gas_limit: bigint;
  max_fee_per_gas: bigint;
  max_priority_fee_per_gas: bigint;
};
export const EthSignTransactionResponse = IDL.Record({ raw_transaction: IDL.Text, tx_hash: IDL.Text });
export type EthSignTransactionResponse = { raw_transaction: string; tx_hash: string };
export const EthSignTransactionError = IDL.Variant({ ...KEY_ERRORS, ...SIGNING_GUARD_ERRORS, ...REQUEST_ERRORS });
export const EthSignTransactionResult = IDL.Variant({ Ok: EthSignTransactionResponse, Err: EthSignTransactionError });

/** The structured transaction as canonical JSON, for the audit log. */
export function ethTransactionJson(tx: eth.ValidatedEip1559Transaction): string {
  return JSON.stringify({
    chain: 'eth',
    type: 2,
    chain_id: tx.chainId.toString(),
    nonce: tx.nonce.toString(),
    to: tx.to,
    value: tx.value.toString(),
    data: `0x${bytesToHex(tx.data)}`,
    gas: tx.gas.toString(),
    max_fee_per_gas: tx.maxFeePerGas.toString(),
    max_priority_fee_per_gas: tx.maxPriorityFeePerGas.toString(),
  });
}

/**
 * Validates, signs and assembles one EIP-1559 transaction of `caller` (shared with the send
 * flows). `method` names the endpoint in the audit log.
 */
export async function signEthTransaction({
  caller,
  transaction,
  method,
}: {
  caller: Principal;
  transaction: eth.Eip1559Transaction;
  method: string;
}): Promise<Result<eth.SignedTransaction, SignError>> {
  if (evmChain(transaction.chainId) === undefined) return { Err: { UnknownChain: { chain_id: transaction.chainId } } };
  const valid = validated({ field: 'transaction', body: () => eth.validateTransaction(transaction) });
  if ('Err' in valid) return valid;
  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const publicKey = keys.Ok.eth_ecdsa;
  const hash = eth.transactionSigningHash(valid.Ok);
  let assembled: eth.SignedTransaction | undefined;
  const signature = await signOne({
    caller,
    key: 'eth_ecdsa',
    method,
    message: hash,
    transaction: ethTransactionJson(valid.Ok),
    txidOf: (sig) => {
      assembled = eth.assembleSignedTransaction({ transaction: valid.Ok, signature: sig, publicKey });
      return assembled.hash;
    },
  });
  if ('Err' in signature) return signature;
  if (assembled === undefined) {
    // The log recorded an empty txid because assembly refused the IC's signature: say why.
    try {
      assembled = eth.assembleSignedTransaction({ transaction: valid.Ok, signature: signature.Ok, publicKey });
    } catch (error) {
      return { Err: requestErrorOf({ field: 'signature', error }) };
    }
  }
  return { Ok: assembled };
}

export async function ethSignTransaction({
  caller,
  request,
}: {
  caller: Principal;
  request: EthSignTransactionRequest;
}): Promise<Result<EthSignTransactionResponse, SignError>> {
  const signed = await signEthTransaction({
    caller,
    method: 'eth_sign_transaction',
    transaction: {
      chainId: request.chain_id,
      nonce: request.nonce,
      to: request.to,
      value: request.value,
      data: request.data[0] === undefined ? undefined : Uint8Array.from(request.data[0]),
      gas: request.gas_limit,
      maxFeePerGas: request.max_fee_per_gas,
      maxPriorityFeePerGas: request.max_priority_fee_per_gas,
    },
  });
  if ('Err' in signed) return signed;
  return { Ok: { raw_transaction: signed.Ok.rawTransaction, tx_hash: signed.Ok.hash } };
}
