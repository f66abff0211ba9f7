/**
 * `sol_send`: one call that builds, signs and broadcasts a SOL transfer or an SPL `TransferChecked`
 * (of a mint on the token list) from the caller's own Solana address.
 *
 * 1. Validation first: amount not zero, recipient a base58 Ed25519 address, mint listed.
 * 2. Reads through the cluster's providers (rpc/, strict majority, finalized commitment): the
 *    latest blockhash, or, when the caller passes `recent_blockhash`, whether it is still valid
 *    (a stale one is `StaleBlockhash`, nothing signed); for a token, whether the recipient's
 *    associated token account exists (when it does not, the transaction creates it first with
 *    CreateIdempotent, the sender paying its rent).
 * 3. Compiled with src/chains/sol, signed by sol/sign-transfer.ts's `signSolMessage` (signing.ts:
 *    guards, audit log), sent to every provider with `sendTransaction` (preflight on).
 * 4. Recorded in the caller's history; `transactions` follows it with getSignatureStatuses.
 */
import { IDL, type Principal } from 'azle';
import * as sol from '../../../../src/chains/sol/index.ts';
import { KEY_ERRORS, REQUEST_ERRORS, SIGNING_GUARD_ERRORS, type Result, type SignError } from '../candid.ts';
import { loadConfig } from '../config.ts';
import { validated } from '../errors.ts';
import { recordSend } from '../history.ts';
import { keysOf } from '../keys.ts';
import { RpcError as RpcErrorIdl } from '../rpc/candid.ts';
import { rpcBroadcast, rpcRead } from '../rpc/client.ts';
import { solanaAlreadyProcessed, type RpcError } from '../rpc/consensus.ts';
import { solana } from '../rpc/methods.ts';
import { findSplToken, type SplToken } from '../tokens.ts';
import { signSolMessage } from './sign-transfer.ts';

export const SolSendRequest = IDL.Record({
  to: IDL.Text,
  /** Lamports, or the token's base units. */
  amount: IDL.Nat64,
  /** An SPL mint on the token list; none sends SOL. */
  mint: IDL.Opt(IDL.Text),
  /** A blockhash the caller got themselves; checked with isBlockhashValid. None: the latest. */
  recent_blockhash: IDL.Opt(IDL.Text),
});
export type SolSendRequest = { to: string; amount: bigint; mint: [] | [string]; recent_blockhash: [] | [string] };
export const SolSendResponse = IDL.Record({
  /** base58: the transaction id. */
  signature: IDL.Text,
  /** base64 wire format. */
  transaction: IDL.Text,
  created_recipient_account: IDL.Bool,
  transaction_id: IDL.Nat64,
});
export type SolSendResponse = { signature: string; transaction: string; created_recipient_account: boolean; transaction_id: bigint };
/** Errors shared by the Solana endpoints that read through providers. */
export const SOL_RPC_ERRORS = { UnknownToken: IDL.Record({ mint: IDL.Text }), Rpc: RpcErrorIdl };
export type SolRpcError = { UnknownToken: { mint: string } } | { Rpc: RpcError };
export const SolSendError = IDL.Variant({
  ...KEY_ERRORS,
  ...SIGNING_GUARD_ERRORS,
  ...REQUEST_ERRORS,
  ...SOL_RPC_ERRORS,
  /** The caller's `recent_blockhash` is no longer valid (or never was) on the cluster. */
  StaleBlockhash: IDL.Record({ blockhash: IDL.Text }),
  /** Signed (and logged) but no provider accepted it; recorded in history as failed. */
  BroadcastFailed: IDL.Record({ signature: IDL.Text, transaction: IDL.Text, error: RpcErrorIdl }),
});
export type SolSendError =
  | SignError
  | SolRpcError
  | { StaleBlockhash: { blockhash: string } }
  | { BroadcastFailed: { signature: string; transaction: string; error: RpcError } };
export const SolSendResult = IDL.Variant({ Ok: SolSendResponse, Err: SolSendError });
export type SolSendResult = Result<SolSendResponse, SolSendError>;

/** The base fee of a transaction with one signature and no priority fee. */
const LAMPORTS_PER_SIGNATURE = 5_000n;

/** The token of an optional mint, or `UnknownToken`. */
export function splTarget(mint: [] | [string]): { Ok: SplToken | undefined } | { Err: { UnknownToken: { mint: string } } } {
  if (mint[0] === undefined) return { Ok: undefined };
  const token = findSplToken(mint[0]);
  return token === undefined ? { Err: { UnknownToken: { mint: mint[0] } } } : { Ok: token };
}

export function clusterName(): string {
  return Object.keys(loadConfig().solana.cluster)[0];
}

export async function solSend({ caller, request }: { caller: Principal; request: SolSendRequest }): Promise<SolSendResult> {
  const token = splTarget(request.mint);
  if ('Err' in token) return token;
  if (request.amount === 0n) return { Err: { InvalidAmount: { field: 'amount', message: 'a transfer of 0' } } };
  const to = validated({ field: 'to', body: () => sol.parseAddress(request.to) });
  if ('Err' in to) return to;
  const given = request.recent_blockhash[0];
  if (given !== undefined) {
    const parsed = validated({ field: 'recent_blockhash', body: () => sol.parseAddress(given) });
    if ('Err' in parsed) return parsed;
  }
  const keys = await keysOf(caller);
  if ('Err' in keys) return keys;
  const from = keys.Ok.addresses.sol;
  const urls = loadConfig().solana.rpc_urls;
  const chain = 'solana';
  const mint = token.Ok?.mint;
  const recipientAccount = mint === undefined ? undefined : sol.findAssociatedTokenAddress({ owner: to.Ok, mint });

  const [blockhash, recipientExists] = await Promise.all([
    given === undefined
      ? rpcRead({ chain, urls, call: solana.latestBlockhash() }).then((r) =>
          'Err' in r ? r : { Ok: { blockhash: r.Ok.blockhash, valid: true } },
        )
      : rpcRead({ chain, urls, call: solana.isBlockhashValid({ blockhash: given }) }).then((r) =>
          'Err' in r ? r : { Ok: { blockhash: given, valid: r.Ok } },
        ),
    recipientAccount === undefined
      ? Promise.resolve({ Ok: true })
      : rpcRead({ chain, urls, call: solana.accountExists({ address: recipientAccount }) }),
  ]);
  if ('Err' in blockhash) return { Err: { Rpc: blockhash.Err } };
  if ('Err' in recipientExists) return { Err: { Rpc: recipientExists.Err } };
  if (!blockhash.Ok.valid) return { Err: { StaleBlockhash: { blockhash: blockhash.Ok.blockhash } } };
  const recentBlockhash = blockhash.Ok.blockhash;
  const createRecipientAccount = !recipientExists.Ok;

  const message = validated({
    field: 'transaction',
    body: () =>
      token.Ok === undefined
        ? sol.compileSolTransferMessage({ from, to: to.Ok, lamports: request.amount, recentBlockhash })
        : sol.compileSplTransferMessage({
            from,
            to: to.Ok,
            mint: token.Ok.mint,
            amount: request.amount,
            decimals: token.Ok.decimals,
            recentBlockhash,
            createRecipientAccount,
          }),
  });
  if ('Err' in message) return message;
  const signed = await signSolMessage({
    caller,
    messageBytes: message.Ok,
    method: 'sol_send',
    transaction: {
      kind: token.Ok === undefined ? 'transfer' : 'spl_transfer_checked',
      from,
      to: to.Ok,
      amount: request.amount.toString(),
      ...(token.Ok === undefined
        ? {}
        : { mint: token.Ok.mint, decimals: String(token.Ok.decimals), create_recipient_account: createRecipientAccount }),
      recent_blockhash: recentBlockhash,
    },
  });
  if ('Err' in signed) return signed as { Err: SignError };
  const { signature, wireTransaction } = signed.Ok;
  const broadcast = await rpcBroadcast({
    chain,
    urls,
    call: solana.sendTransaction({ wire: wireTransaction }),
    expected: signature,
    alreadyKnown: solanaAlreadyProcessed,
  });
  const transactionId = recordSend({
    owner: caller,
    chain: { sol: null },
    network: clusterName(),
    asset: token.Ok === undefined ? 'SOL' : token.Ok.mint,
    to: to.Ok,
    amount: request.amount,
    fee: LAMPORTS_PER_SIGNATURE,
    txid: signature,
    status: 'Err' in broadcast ? { failed: 'no provider accepted the transaction' } : { pending: null },
    details: '',
  });
  if ('Err' in broadcast) return { Err: { BroadcastFailed: { signature, transaction: wireTransaction, error: broadcast.Err } } };
  return {
    Ok: { signature, transaction: wireTransaction, created_recipient_account: createRecipientAccount, transaction_id: transactionId },
  };
}
