/**
 * Signs every input of an unsigned transaction with the caller's key of one address type and
 * assembles the witnesses: the part `btc_sign_transaction` and `btc_send` share.
 */
import type { Principal } from 'azle';
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '@scure/base';
import * as btc from '../../../../src/chains/btc/index.ts';
import type { RequestError, Result } from '../candid.ts';
import { requestErrorOf } from '../errors.ts';
import type { UserKeys } from '../keys.ts';
import { signBatch, type SigningError } from '../signing.ts';

export type AddressType = 'p2wpkh' | 'p2tr';

/** The caller's own address and output script of `type`. */
export function ownOutput({ keys, type, network }: { keys: UserKeys; type: AddressType; network: btc.BitcoinNetwork }): {
  address: string;
  scriptPubKey: Uint8Array;
} {
  const address = type === 'p2wpkh' ? keys.addresses.btc_p2wpkh : keys.addresses.btc_p2tr;
  return { address, scriptPubKey: btc.parseAddress({ address, network }).scriptPubKey };
}

/** The structured transaction as canonical JSON, for the audit log. */
export function transactionJson({ transaction, network }: { transaction: btc.UnsignedTransaction; network: btc.BitcoinNetwork }): string {
  return JSON.stringify({
    chain: 'btc',
    network,
    version: transaction.version,
    lock_time: transaction.lockTime,
    inputs: transaction.inputs.map((input) => ({
      txid: input.txid,
      vout: input.vout,
      sequence: input.sequence,
      value_sats: input.value.toString(),
      script_pubkey: hex.encode(input.scriptPubKey),
    })),
    outputs: transaction.outputs.map((output) => ({ value_sats: output.value.toString(), script_pubkey: hex.encode(output.scriptPubKey) })),
  });
}

/**
 * One signature per input: BIP143 sighashes with the ECDSA key (P2WPKH) or BIP341 sighashes with
 * the BIP340 key and the BIP86 tweak (P2TR). The txid is known before signing (segwit
 * transactions do not commit to witnesses), so every log entry carries it.
 */
export async function signTransaction({
  caller,
  keys,
  type,
  transaction,
  method,
  network,
}: {
  caller: Principal;
  keys: UserKeys;
  type: AddressType;
  transaction: btc.UnsignedTransaction;
  method: string;
  network: btc.BitcoinNetwork;
}): Promise<Result<btc.SignedTransaction, SigningError | RequestError>> {
  let sighashes: Uint8Array[];
  let txid: string;
  try {
    sighashes = btc.getSighashes(transaction);
    txid = displayTxid(btc.serializeTransaction(transaction));
  } catch (error) {
    return { Err: requestErrorOf({ field: 'transaction', error }) };
  }
  const publicKey = type === 'p2wpkh' ? keys.btc_ecdsa : keys.btc_bip340;
  const logged = transactionJson({ transaction, network });
  return await signBatch<btc.SignedTransaction, RequestError>({ caller, count: sighashes.length }, async (sign) => {
    // One after another: the management canister answers each in its own rounds either way, and
    // a refusal stops the rest from being asked for (and paid).
    const signatures: btc.InputSignature[] = [];
    for (const sighash of sighashes) {
      const signature = await sign({
        caller,
        key: type === 'p2wpkh' ? 'btc_ecdsa' : 'btc_bip340',
        method,
        message: sighash,
        transaction: logged,
        txidOf: () => txid,
      });
      if ('Err' in signature) return signature;
      signatures.push({ signature: signature.Ok, publicKey });
    }
    try {
      // Not verified here: every Bitcoin node verifies each witness before relaying, and one
      // verification would cost more than the rest of the send (canisters/wallet/README.md).
      return { Ok: btc.finalizeTransaction({ transaction, signatures, verifySignatures: false }) };
    } catch (error) {
      return { Err: requestErrorOf({ field: 'signatures', error }) };
    }
  });
}

/** Display-order txid: the reversed double SHA-256 of the serialization without witnesses. */
function displayTxid(serialized: Uint8Array): string {
  return hex.encode(sha256d(serialized).reverse());
}

function sha256d(bytes: Uint8Array): Uint8Array {
  return sha256(sha256(bytes));
}
