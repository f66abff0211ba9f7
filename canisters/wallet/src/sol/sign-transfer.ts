/**
 * `sol_sign_transfer`: signs a SOL transfer from the caller's own address, compiled by the
 * canister from its fields with src/chains/sol; the Ed25519 signature covers the whole message.
 */
import type { Principal } from 'azle';
import { IDL } from 'azle';
import { hex } from '@scure/base';
import * as sol from '../../../../src/chains/sol/index.ts';
import { KEY_ERRORS, REQUEST_ERRORS, SIGNING_GUARD_ERRORS, type Result, type SignError } from '../candid.ts';
import { requestErrorOf, validated } from '../errors.ts';
import { keysOf } from '../keys.ts';
import { signOne } from '../signing.ts';

export const SolSignTransferRequest = IDL.Record({ to: IDL.Text, lamports: IDL.Nat64, recent_blockhash: IDL.Text });
export type SolSignTransferRequest = { to: string; lamports: bigint; recent_blockhash: string };
export const SolSignTransferResponse = IDL.Record({ transaction: IDL.Text, signature: IDL.Text });
export type SolSignTransferResponse = { transaction: string; signature: string };
export const SolSignTransferError = IDL.Variant({ ...KEY_ERRORS, ...SIGNING_GUARD_ERRORS, ...REQUEST_ERRORS });
export const SolSignTransferResult = IDL.Variant({ Ok: SolSignTransferResponse, Err: SolSignTransferError });

/**
 * Signs compiled `messageBytes` with `caller`'s Ed25519 key and attaches the signature (shared
 * with the send flows). `transaction` describes the message for the audit log. The signature is
 * not verified here: the cluster verifies it before executing the transaction, and an Ed25519
 * verification would cost more instructions than the rest of the call.
 */
export async function signSolMessage({
  caller,
  messageBytes,
  transaction,
  method,
}: {
  caller: Principal;
  messageBytes: Uint8Array;
  transaction: Record<string, string | boolean>;
  method: string;
}): Promise<Result<sol.SignedSolTransaction, SignError>> {
  let attached: sol.SignedSolTransaction | undefined;
  const signature = await signOne({
    caller,
    key: 'sol_ed25519',
    method,
    message: messageBytes,
    transaction: JSON.stringify({ chain: 'sol', ...transaction, message: hex.encode(messageBytes) }),
    txidOf: (sig) => {
      attached = sol.attachSignature({ messageBytes, signature: sig, verifySignature: false });
      return attached.signature;
    },
  });
  if ('Err' in signature) return signature;
  if (attached === undefined) {
    try {
      attached = sol.attachSignature({ messageBytes, signature: signature.Ok, verifySignature: false });
    } catch (error) {
      return { Err: requestErrorOf({ field: 'signature', error }) };
    }
  }
  return { Ok: attached };
}

export async function solSignTransfer({
  caller,
  request,
}: {
  caller: Principal;
  request: SolSignTransferRequest;
}): Promise<Result<SolSignTransferResponse, SignError>> {
  if (request.lamports === 0n) return { Err: { InvalidAmount: { field: 'lamports', message: 'a transfer of 0 lamports' } } };
  const to = validated({ field: 'to', body: () => sol.parseAddress(request.to) });
  if ('Err' in to) return to;
  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const from = keys.Ok.addresses.sol;
  const message = validated({
    field: 'recent_blockhash',
    body: () => sol.compileSolTransferMessage({ from, to: to.Ok, lamports: request.lamports, recentBlockhash: request.recent_blockhash }),
  });
  if ('Err' in message) return message;
  const signed = await signSolMessage({
    caller,
    messageBytes: message.Ok,
    method: 'sol_sign_transfer',
    transaction: { kind: 'transfer', from, to: to.Ok, lamports: request.lamports.toString(), recent_blockhash: request.recent_blockhash },
  });
  if ('Err' in signed) return signed;
  return { Ok: { transaction: signed.Ok.wireTransaction, signature: signed.Ok.signature } };
}
