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
    assert.deepEqual(tags, ['AnonymousCaller', 'ManagementCallNotSent', 'ManagementCallRejected']);
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

  test('an unknown variant, a malformed payload and a non-variant are still sentences that name what came back', () => {
    assert.equal(
      describeWalletError({ SigningPaused: null }),
      'The wallet returned an error this client does not know yet: SigningPaused null.',
    );
    assert.equal(
      describeWalletError({ ProvidersFailed: { method: 'x' } }),
      'The wallet returned ProvidersFailed with a payload this client cannot read: {"method":"x"}.',
    );
    assert.equal(describeWalletError('boom'), 'The wallet returned an error this client cannot read: "boom".');
    assert.equal(describeWalletError({ A: 1n, B: 2 }), 'The wallet returned an error this client cannot read: {"A":"1","B":2}.');
  });
});
