/**
 * One human sentence for every error variant the wallet canister returns, shared by the CLI and
 * the web app (issue 8: "Every `WalletError` is printed as a human sentence").
 *
 * A canister error arrives as Candid decodes a variant: an object with exactly one key, the
 * variant's name, whose value is its payload (`{ ManagementCallNotSent: { method: 'ecdsa_public_key' } }`).
 * One table serves every error type of canisters/wallet/wallet.did: a variant name means the
 * same failure wherever it appears, and where two types give it different records the sentence
 * handles each.
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
type RpcErrorPayload = Record<string, unknown>;

/**
 * The payload of each variant, as @icp-sdk/core decodes it (nat/nat64/int64 as bigint, nat32 and
 * nat8 as number). Where two error types share a variant name with different records, the payload
 * is the union (for example `UnknownToken` names an ERC-20 by chain and contract, or a mint).
 */
type Payloads = {
  // Every endpoint
  AnonymousCaller: null;
  // KeyError, and every endpoint that derives keys
  ManagementCallRejected: { method: string; reject_code: number; reject_message: string };
  ManagementCallNotSent: { method: string };
  NotYetDerived: null;
  // Signing guards
  SigningPaused: { reason: string };
  RateLimited: { limit: number; window_seconds: number; retry_after_seconds: number };
  DailyQuotaExceeded: { quota: number };
  TooManySignaturesInFlight: { limit: number };
  CyclesBelowFloor: { balance: bigint; required: bigint };
  // The request's content
  InvalidRequest: { field: string; error: string; message: string };
  InvalidAddress: { field: string; address: string; message: string } | { address: string; reason: string };
  WrongNetwork: { field: string; address: string; expected: string; actual: string };
  InvalidAmount: { field: string; message: string };
  UnknownChain: { chain_id: bigint };
  UnknownToken: { chain_id: bigint; token: string } | { token: string } | { mint: string };
  InvalidSymbol: { symbol: string };
  InvalidDecimals: { decimals: number };
  // Bitcoin
  InsufficientFunds: { required_sats: bigint; available_sats: bigint };
  BitcoinCallRejected: { method: string; reject_code: number; reject_message: string };
  BitcoinCallNotSent: { method: string };
  FundsReservedByPendingSends: { pending_sends: number; available_sats: bigint; reserved_sats: bigint };
  TooManyInputs: { count: number; max: number };
  // EVM and Solana through RPC providers
  Rpc: RpcErrorPayload;
  StaleBlockhash: { blockhash: string };
  BroadcastFailed:
    | { tx_hash: string; raw_transaction: string; error: RpcErrorPayload }
    | { signature: string; transaction: string; error: RpcErrorPayload };
  // RpcError
  NoProviders: { chain: string };
  ProvidersFailed: { method: string; failures: { url: string; error: RpcProviderErrorPayload }[] };
  ProvidersDisagree: { method: string; required: number; responses: { url: string; result: Record<string, unknown> }[] };
  // RpcProviderError
  HttpStatus: { status: bigint };
  InvalidResponse: { reason: string };
  JsonRpcError: { code: bigint; message: string };
  ResponseTooLarge: { max_response_bytes: bigint };
  Unreachable: { reject_code: number; reject_message: string };
  // Reading the signature log, and administration
  NotAuthorized: { required: string };
  InvalidRange: { message: string };
};

const rejectCode = (code: number) => `reject code ${code}${REJECT_CODES[code] ? `, ${REJECT_CODES[code]}` : ''}`;

const SENTENCES: { [K in keyof Payloads]: (payload: Payloads[K]) => string } = {
  AnonymousCaller: () => 'The wallet does not serve anonymous callers: create or select an identity first.',
  ManagementCallRejected: ({ method, reject_code, reject_message }) =>
    `The IC management canister rejected the wallet's ${method} call (${rejectCode(reject_code)}): ${reject_message}`,
  ManagementCallNotSent: ({ method }) =>
    `The wallet could not send its ${method} call to the IC management canister (its outgoing queue may be full); trying again may succeed.`,
  NotYetDerived: () =>
    'The wallet has not derived your addresses yet: ask for them once with an update call, and the cached query answers after that.',
  SigningPaused: ({ reason }) => `The wallet's controllers have paused signing: ${reason}`,
  RateLimited: ({ limit, window_seconds, retry_after_seconds }) =>
    `You reached the wallet's limit of ${limit} signatures per ${window_seconds} seconds; try again in ${retry_after_seconds} seconds.`,
  DailyQuotaExceeded: ({ quota }) => `You reached the wallet's daily quota of ${quota} signatures; it resets at 00:00 UTC.`,
  TooManySignaturesInFlight: ({ limit }) =>
    `The wallet already has ${limit} signatures in flight, its limit for all users together; try again shortly.`,
  CyclesBelowFloor: ({ balance, required }) =>
    `The wallet stopped signing to keep its cycles above its floor (it holds ${balance} cycles and needs ${required}); its controllers must top it up.`,
  InvalidRequest: ({ field, message }) => `The request's ${field} is not valid: ${message}`,
  InvalidAddress: (p) =>
    'field' in p
      ? `The ${p.field} "${p.address}" is not a valid address: ${p.message}`
      : `"${p.address}" is not a valid address: ${p.reason}`,
  WrongNetwork: ({ field, address, expected, actual }) =>
    `The ${field} "${address}" is a ${actual} address, but this wallet uses ${expected}.`,
  InvalidAmount: ({ field, message }) => `The ${field} is not a valid amount: ${message}`,
  UnknownChain: ({ chain_id }) => `The wallet is not configured for the EVM chain with id ${chain_id}.`,
  UnknownToken: (p) =>
    'mint' in p
      ? `The SPL mint ${p.mint} is not on the wallet's token list.`
      : 'chain_id' in p
        ? `The token ${p.token} is not on the wallet's token list for chain ${p.chain_id}.`
        : `The token ${p.token} is not on the wallet's token list.`,
  InvalidSymbol: ({ symbol }) => `"${symbol}" is not a valid token symbol.`,
  InvalidDecimals: ({ decimals }) => `${decimals} is not a valid number of token decimals.`,
  InsufficientFunds: ({ required_sats, available_sats }) =>
    `Not enough bitcoin: this needs ${required_sats} sats and the address holds ${available_sats} spendable.`,
  BitcoinCallRejected: ({ method, reject_code, reject_message }) =>
    `The IC Bitcoin canister rejected the wallet's ${method} call (${rejectCode(reject_code)}): ${reject_message}`,
  BitcoinCallNotSent: ({ method }) => `The wallet could not send its ${method} call to the IC Bitcoin canister; trying again may succeed.`,
  FundsReservedByPendingSends: ({ pending_sends, available_sats, reserved_sats }) =>
    `${reserved_sats} of the ${available_sats} available sats are held by ${pending_sends} send(s) still in flight; try again once they confirm.`,
  TooManyInputs: ({ count, max }) =>
    `Paying this would spend ${count} coins, more than the ${max} one transaction may have; send a smaller amount.`,
  Rpc: (error) => describeWalletError(error),
  StaleBlockhash: ({ blockhash }) => `The blockhash ${blockhash} has expired; build the transfer again with a recent one.`,
  BroadcastFailed: (p) =>
    `The transaction ${'tx_hash' in p ? p.tx_hash : p.signature} was signed but no provider accepted it (it is recorded as failed): ${describeWalletError(p.error)}`,
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
  NotAuthorized: ({ required }) => `Only ${required} may do this.`,
  InvalidRange: ({ message }) => `The requested range is not valid: ${message}`,
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
