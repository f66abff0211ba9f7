import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { canonicalCandid, WALLET_DID_PATH } from '../../scripts/build.ts';
import { DESCRIBED_WALLET_ERRORS, describeWalletError } from './wallet-errors.ts';

/** The tags of every `Err : variant { … }` in a canonical Candid service (types inlined). */
function errorVariantTags(canonical: string): string[] {
  const tags = new Set<string>();
  const marker = 'Err : variant {';
  for (let at = canonical.indexOf(marker); at !== -1; at = canonical.indexOf(marker, at + 1)) {
    // The variant's body, then its fields split at depth 0; a field starts with its tag.
    let depth = 1;
    let field = '';
    for (let i = at + marker.length; depth > 0; i++) {
      const c = canonical[i];
      if (c === '{') depth++;
      if (c === '}') depth--;
      if ((c === ';' && depth === 1) || depth === 0) {
        const tag = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(field)?.[1];
        if (tag) tags.add(tag);
        field = '';
      } else field += c;
    }
  }
  return [...tags].sort();
}

describe('describeWalletError', () => {
  test('every error variant of the committed wallet.did has a sentence', () => {
    const tags = errorVariantTags(canonicalCandid(readFileSync(WALLET_DID_PATH, 'utf8')));
    assert.ok(tags.length >= 30, `${tags.length} variants found`);
    for (const tag of tags) assert.ok(DESCRIBED_WALLET_ERRORS.includes(tag), `no sentence for ${tag}`);
  });

  test('AddressesError variants', () => {
    assert.equal(
      describeWalletError({ AnonymousCaller: null }),
      'The wallet does not serve anonymous callers: create or select an identity first.',
    );
    assert.equal(
      describeWalletError({
        ManagementCallRejected: { method: 'ecdsa_public_key', reject_code: 4, reject_message: 'Requested unknown threshold key' },
      }),
      "The IC management canister rejected the wallet's ecdsa_public_key call (reject code 4, canister reject): Requested unknown threshold key",
    );
    assert.equal(
      describeWalletError({ ManagementCallNotSent: { method: 'schnorr_public_key' } }),
      'The wallet could not send its schnorr_public_key call to the IC management canister (its outgoing queue may be full); trying again may succeed.',
    );
  });

  test('RpcError and RpcProviderError variants, nested provider errors described in turn', () => {
    assert.equal(
      describeWalletError({ NoProviders: { chain: 'sol' } }),
      'The wallet has no RPC providers configured for sol: it can sign for sol but cannot read from it or broadcast to it.',
    );
    assert.equal(
      describeWalletError({
        ProvidersFailed: {
          method: 'eth_getTransactionCount',
          failures: [
            { url: 'https://a.example:443', error: { HttpStatus: { status: 503n } } },
            { url: 'https://b.example:443', error: { JsonRpcError: { code: -32000n, message: 'nonce too low' } } },
          ],
        },
      }),
      'Every RPC provider failed the eth_getTransactionCount request: https://a.example:443: The RPC provider answered with HTTP status 503. ' +
        'https://b.example:443: The RPC provider returned JSON-RPC error -32000: nonce too low',
    );
    assert.equal(
      describeWalletError({
        ProvidersDisagree: {
          method: 'getBalance',
          required: 2,
          responses: [
            { url: 'u1', result: {} },
            { url: 'u2', result: {} },
            { url: 'u3', result: {} },
          ],
        },
      }),
      'The RPC providers disagree on getBalance: 2 of the 3 answers had to be the same, and fewer were.',
    );
    assert.equal(
      describeWalletError({ InvalidResponse: { reason: 'not JSON' } }),
      "The RPC provider's answer is not a valid response (not JSON).",
    );
    assert.equal(
      describeWalletError({ ResponseTooLarge: { max_response_bytes: 4096n } }),
      "The RPC provider's answer was larger than the 4096 bytes the wallet accepts for it.",
    );
    assert.equal(
      describeWalletError({ Unreachable: { reject_code: 2, reject_message: 'timeout' } }),
      'The RPC provider could not be reached (reject code 2, system transient): timeout',
    );
  });

  test('signing guards, request refusals and Bitcoin errors', () => {
    const cases: [unknown, string][] = [
      [
        { NotYetDerived: null },
        'The wallet has not derived your addresses yet: ask for them once with an update call, and the cached query answers after that.',
      ],
      [{ SigningPaused: { reason: 'key rotation' } }, "The wallet's controllers have paused signing: key rotation"],
      [
        { RateLimited: { limit: 5, window_seconds: 60, retry_after_seconds: 12 } },
        "You reached the wallet's limit of 5 signatures per 60 seconds; try again in 12 seconds.",
      ],
      [{ DailyQuotaExceeded: { quota: 100 } }, "You reached the wallet's daily quota of 100 signatures; it resets at 00:00 UTC."],
      [
        { TooManySignaturesInFlight: { limit: 50 } },
        'The wallet already has 50 signatures in flight, its limit for all users together; try again shortly.',
      ],
      [
        { CyclesBelowFloor: { balance: 10n, required: 20n } },
        'The wallet stopped signing to keep its cycles above its floor (it holds 10 cycles and needs 20); its controllers must top it up.',
      ],
      [
        { InvalidRequest: { field: 'fee_sats', error: 'InvalidAmountError', message: 'zero' } },
        "The request's fee_sats is not valid: zero",
      ],
      [{ InvalidAddress: { field: 'to', address: 'bc1x', message: 'bad checksum' } }, 'The to "bc1x" is not a valid address: bad checksum'],
      [{ InvalidAddress: { address: '0x1', reason: 'too short' } }, '"0x1" is not a valid address: too short'],
      [
        { WrongNetwork: { field: 'to', address: 'tb1q…', expected: 'regtest', actual: 'testnet' } },
        'The to "tb1q…" is a testnet address, but this wallet uses regtest.',
      ],
      [{ InvalidAmount: { field: 'amount_sats', message: 'zero' } }, 'The amount_sats is not a valid amount: zero'],
      [{ UnknownChain: { chain_id: 5n } }, 'The wallet is not configured for the EVM chain with id 5.'],
      [{ UnknownToken: { chain_id: 1n, token: '0xabc' } }, "The token 0xabc is not on the wallet's token list for chain 1."],
      [{ UnknownToken: { mint: 'So111' } }, "The SPL mint So111 is not on the wallet's token list."],
      [{ UnknownToken: { token: 'USDC' } }, "The token USDC is not on the wallet's token list."],
      [{ InvalidSymbol: { symbol: '' } }, '"" is not a valid token symbol.'],
      [{ InvalidDecimals: { decimals: 99 } }, '99 is not a valid number of token decimals.'],
      [
        { InsufficientFunds: { required_sats: 5000n, available_sats: 10n } },
        'Not enough bitcoin: this needs 5000 sats and the address holds 10 spendable.',
      ],
      [
        { BitcoinCallRejected: { method: 'bitcoin_get_utxos', reject_code: 2, reject_message: 'busy' } },
        "The IC Bitcoin canister rejected the wallet's bitcoin_get_utxos call (reject code 2, system transient): busy",
      ],
      [
        { BitcoinCallNotSent: { method: 'bitcoin_send_transaction' } },
        'The wallet could not send its bitcoin_send_transaction call to the IC Bitcoin canister; trying again may succeed.',
      ],
      [
        { FundsReservedByPendingSends: { pending_sends: 2, available_sats: 900n, reserved_sats: 600n } },
        '600 of the 900 available sats are held by 2 send(s) still in flight; try again once they confirm.',
      ],
      [
        { TooManyInputs: { count: 120, max: 100 } },
        'Paying this would spend 120 coins, more than the 100 one transaction may have; send a smaller amount.',
      ],
      [{ StaleBlockhash: { blockhash: 'EkSn' } }, 'The blockhash EkSn has expired; build the transfer again with a recent one.'],
      [
        { Rpc: { NoProviders: { chain: 'eth' } } },
        'The wallet has no RPC providers configured for eth: it can sign for eth but cannot read from it or broadcast to it.',
      ],
      [
        { BroadcastFailed: { tx_hash: '0xfe', raw_transaction: '0x02', error: { NoProviders: { chain: 'eth' } } } },
        'The transaction 0xfe was signed but no provider accepted it (it is recorded as failed): The wallet has no RPC providers configured for eth: it can sign for eth but cannot read from it or broadcast to it.',
      ],
      [{ NotAuthorized: { required: 'a controller or an auditor' } }, 'Only a controller or an auditor may do this.'],
      [
        { InvalidRange: { message: 'start 9 is beyond the log of 8 entries' } },
        'The requested range is not valid: start 9 is beyond the log of 8 entries',
      ],
    ];
    for (const [error, sentence] of cases) assert.equal(describeWalletError(error), sentence);
  });

  test('an unknown variant, a malformed payload and a non-variant are still sentences that name what came back', () => {
    assert.equal(
      describeWalletError({ SigningResumed: null }),
      'The wallet returned an error this client does not know yet: SigningResumed null.',
    );
    assert.equal(
      describeWalletError({ ProvidersFailed: { method: 'x' } }),
      'The wallet returned ProvidersFailed with a payload this client cannot read: {"method":"x"}.',
    );
    assert.equal(describeWalletError('boom'), 'The wallet returned an error this client cannot read: "boom".');
    assert.equal(describeWalletError({ A: 1n, B: 2 }), 'The wallet returned an error this client cannot read: {"A":"1","B":2}.');
  });
});
