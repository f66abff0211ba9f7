/**
 * Agreement over several JSON-RPC providers. Pure (no azle import).
 *
 * - A read succeeds when a strict majority of the configured providers returned the identical
 *   projected result (canonical text, see transform.ts): 1 of 1, 2 of 2 or 3, 3 of 4 or 5.
 *   Otherwise `ProvidersFailed` when no provider answered usefully, or `ProvidersDisagree` naming
 *   what each provider said.
 * - A broadcast succeeds when at least one provider accepted the transaction, or said it already
 *   has it (the transaction is out either way); otherwise `ProvidersFailed` with every error.
 */
import type { RpcProviderError } from './transform.ts';

export type ProviderResult = { Ok: string } | { Err: RpcProviderError };
export type ProviderOutcome = { url: string; result: ProviderResult };

/** Errors of the multi-provider layer; the Candid `RpcError` (rpc/candid.ts). */
export type RpcError =
  | { NoProviders: { chain: string } }
  | { ProvidersFailed: { method: string; failures: { url: string; error: RpcProviderError }[] } }
  | { ProvidersDisagree: { method: string; required: number; responses: ProviderOutcome[] } };

/** The providers' agreed canonical result, or the typed reason there is none. */
export function agree({ method, outcomes }: { method: string; outcomes: ProviderOutcome[] }): { Ok: string } | { Err: RpcError } {
  const required = Math.floor(outcomes.length / 2) + 1;
  const votes = new Map<string, number>();
  for (const { result } of outcomes) if ('Ok' in result) votes.set(result.Ok, (votes.get(result.Ok) ?? 0) + 1);
  for (const [value, count] of votes) if (count >= required) return { Ok: value };
  if (votes.size === 0) return { Err: { ProvidersFailed: { method, failures: failuresOf(outcomes) } } };
  return { Err: { ProvidersDisagree: { method, required, responses: outcomes } } };
}

/**
 * A broadcast's outcome. `expected` is the transaction id the wallet computed itself: a provider
 * that accepts but names another id is treated as an invalid answer. `alreadyKnown` tells a
 * JSON-RPC error that means the provider already has this transaction.
 */
export function broadcastOutcome({
  method,
  outcomes,
  expected,
  alreadyKnown,
}: {
  method: string;
  outcomes: ProviderOutcome[];
  expected: string;
  alreadyKnown: (error: { code: bigint; message: string }) => boolean;
}): { Ok: null } | { Err: RpcError } {
  const checked: ProviderOutcome[] = outcomes.map(({ url, result }) =>
    'Ok' in result && result.Ok !== JSON.stringify(expected)
      ? {
          url,
          result: {
            Err: { InvalidResponse: { reason: `accepted the transaction as ${result.Ok}, expected ${JSON.stringify(expected)}` } },
          },
        }
      : { url, result },
  );
  const out = checked.some(({ result }) => 'Ok' in result || ('JsonRpcError' in result.Err && alreadyKnown(result.Err.JsonRpcError)));
  return out ? { Ok: null } : { Err: { ProvidersFailed: { method, failures: failuresOf(checked) } } };
}

/** geth/reth/Hardhat ("already known", "known transaction", "AlreadyKnown", "already imported"). */
export function evmAlreadyKnown({ message }: { code: bigint; message: string }): boolean {
  return /already known|known transaction|alreadyknown|already imported/i.test(message);
}

/** agave: "AlreadyProcessed" / "This transaction has already been processed". */
export function solanaAlreadyProcessed({ message }: { code: bigint; message: string }): boolean {
  return /already been processed|alreadyprocessed/i.test(message);
}

function failuresOf(outcomes: ProviderOutcome[]): { url: string; error: RpcProviderError }[] {
  return outcomes.flatMap(({ url, result }) => ('Err' in result ? [{ url, error: result.Err }] : []));
}

/**
 * How errors name a provider: its scheme, host and port only. Controllers may put an API key in
 * a URL's path, query or user info; callers see errors, so those parts never appear in one.
 */
export function providerName(url: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)(?:[^/?#@]*@)?([^/?#]*)/.exec(url);
  return match ? `${match[1]}${match[2]}` : '(not a URL)';
}
