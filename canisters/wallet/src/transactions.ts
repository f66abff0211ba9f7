/** `transactions` and its query twin: a user's own sends, newest first, a page at a time. */
import { IDL, type Principal } from 'azle';
import type { Result } from './candid.ts';
import { TRANSACTIONS_PAGE_SIZE } from '../../../src/lib/transaction-pages.ts';
import { pageOf, refreshStatuses, sendCountOf, Transaction, type Transaction as TransactionT } from './history.ts';

export const TransactionsRequest = IDL.Record({ start: IDL.Nat64, limit: IDL.Nat32 });
export type TransactionsRequest = { start: bigint; limit: number };
export const TransactionsResponse = IDL.Record({ total: IDL.Nat64, transactions: IDL.Vec(Transaction) });
export type TransactionsResponse = { total: bigint; transactions: TransactionT[] };
export const TransactionsResult = IDL.Variant({ Ok: TransactionsResponse, Err: IDL.Variant({ AnonymousCaller: IDL.Null }) });
export type TransactionsResult = Result<TransactionsResponse, { AnonymousCaller: null }>;

export function transactionsQuery({ caller, request }: { caller: Principal; request: TransactionsRequest }): TransactionsResult {
  if (caller.isAnonymous()) return { Err: { AnonymousCaller: null } };
  const limit = Math.min(request.limit, TRANSACTIONS_PAGE_SIZE);
  return { Ok: { total: sendCountOf(caller), transactions: pageOf({ owner: caller, start: request.start, limit }) } };
}

export async function transactions({ caller, request }: { caller: Principal; request: TransactionsRequest }): Promise<TransactionsResult> {
  if (caller.isAnonymous()) return { Err: { AnonymousCaller: null } };
  const limit = Math.min(request.limit, TRANSACTIONS_PAGE_SIZE);
  await refreshStatuses({ owner: caller, transactions: pageOf({ owner: caller, start: request.start, limit }) });
  return transactionsQuery({ caller, request });
}
