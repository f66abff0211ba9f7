/**
 * One human sentence for every error variant the wallet canister returns, shared by the CLI and
 * the web app (issue 8: "Every `WalletError` is printed as a human sentence").
 *
 * A canister error arrives as Candid decodes a variant: an object with exactly one key, the
 * variant's name, whose value is its payload (`{ ManagementCallNotSent: { method: 'ecdsa_public_key' } }`).
 * Variant names are unique across the wallet's error types (canisters/wallet/src/candid.ts and
 * canisters/wallet/src/rpc/candid.ts), so one table serves them all.
 *
 * To add a variant: add one entry to `SENTENCES`, named exactly as in the Candid, whose function
 * takes the payload. wallet-errors.test.ts fails while any error variant of the committed
 * canisters/wallet/wallet.did has no entry.
 *
 * No azle import (the payload types are written out here), so this runs in Node and the browser.
 */

/** IC interface spec, "Reject codes". */
const REJECT_CODES: Readonly<Record<number, string>> = {
  1: 'system fatal',
  2: 'system transient',
  3: 'destination invalid',
  4: 'canister reject',
  5: 'canister error',
  6: 'system unknown',
};

type RpcProviderErrorPayload = Record<string, unknown>;

/** The payload of each variant, as @icp-sdk/core decodes it (nat/nat64/int64 as bigint, nat32 as number). */
type Payloads = {
  // AddressesError (canisters/wallet/src/candid.ts)
  AnonymousCaller: null;
  ManagementCallRejected: { method: string; reject_code: number; reject_message: string };
  ManagementCallNotSent: { method: string };
  // RpcError (canisters/wallet/src/rpc/candid.ts)
  NoProviders: { chain: string };
  ProvidersFailed: { method: string; failures: { url: string; error: RpcProviderErrorPayload }[] };
  ProvidersDisagree: { method: string; required: number; responses: { url: string; result: Record<string, unknown> }[] };
  // RpcProviderError (canisters/wallet/src/rpc/candid.ts)
  HttpStatus: { status: bigint };
  InvalidResponse: { reason: string };
  JsonRpcError: { code: bigint; message: string };
  ResponseTooLarge: { max_response_bytes: bigint };
  Unreachable: { reject_code: number; reject_message: string };
};

const rejectCode = (code: number) => `reject code ${code}${REJECT_CODES[code] ? `, ${REJECT_CODES[code]}` : ''}`;

const SENTENCES: { [K in keyof Payloads]: (payload: Payloads[K]) => string } = {
  AnonymousCaller: () => 'The wallet does not serve anonymous callers: create or select an identity first.',
  ManagementCallRejected: ({ method, reject_code, reject_message }) =>
    `The IC management canister rejected the wallet's ${method} call (${rejectCode(reject_code)}): ${reject_message}`,
  ManagementCallNotSent: ({ method }) =>
    `The wallet could not send its ${method} call to the IC management canister (its outgoing queue may be full); trying again may succeed.`,
  NoProviders: ({ chain }) =>
    `The wallet has no RPC providers configured for ${chain}: it can sign for ${chain} but cannot read from it or broadcast to it.`,
  ProvidersFailed: ({ method, failures }) =>
    `Every RPC provider failed the ${method} request: ${failures.map((f) => `${f.url}: ${describeWalletError(f.error)}`).join(' ')}`,
  ProvidersDisagree: ({ method, required, responses }) =>
    `The RPC providers disagree on ${method}: ${required} of the ${responses.length} answers had to be the same, and fewer were.`,
  HttpStatus: ({ status }) => `The RPC provider answered with HTTP status ${status}.`,
  InvalidResponse: ({ reason }) => `The RPC provider's answer is not a valid response (${reason}).`,
  JsonRpcError: ({ code, message }) => `The RPC provider returned JSON-RPC error ${code}: ${message}`,
  ResponseTooLarge: ({ max_response_bytes }) =>
    `The RPC provider's answer was larger than the ${max_response_bytes} bytes the wallet accepts for it.`,
  Unreachable: ({ reject_code, reject_message }) => `The RPC provider could not be reached (${rejectCode(reject_code)}): ${reject_message}`,
};

/** The variant names this module has a sentence for. */
export const DESCRIBED_WALLET_ERRORS: readonly string[] = Object.freeze(Object.keys(SENTENCES));

/**
 * The human sentence for a wallet canister error variant. A variant this version does not know
 * (a newer canister) still gets a sentence, naming it, rather than an exception.
 *
 * @example
 * describeWalletError({ ManagementCallNotSent: { method: 'ecdsa_public_key' } });
 * // "The wallet could not send its ecdsa_public_key call to the IC management canister (its outgoing queue may be full); trying again may succeed."
 */
export function describeWalletError(error: unknown): string {
  if (typeof error !== 'object' || error === null || Object.keys(error).length !== 1) {
    return `The wallet returned an error this client cannot read: ${safeString(error)}.`;
  }
  const [name] = Object.keys(error);
  const payload = (error as Record<string, unknown>)[name];
  if (!Object.hasOwn(SENTENCES, name)) {
    return `The wallet returned an error this client does not know yet: ${name} ${safeString(payload)}.`;
  }
  try {
    return (SENTENCES[name as keyof Payloads] as (p: unknown) => string)(payload);
  } catch {
    // A payload of another shape than this version expects: still say which error it was.
    return `The wallet returned ${name} with a payload this client cannot read: ${safeString(payload)}.`;
  }
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
