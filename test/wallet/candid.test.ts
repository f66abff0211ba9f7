/**
 * The wallet's committed Candid (canisters/wallet/wallet.did) against the Candid azle generates
 * from the canister's code (CONTRIBUTING.md convention 5), and the canonical form that comparison uses.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { IDL } from '@icp-sdk/core/candid';
import { buildWallet, canonicalCandid, CandidSyntaxError, WALLET_DID_PATH } from '../../scripts/build.ts';
import { walletIdlFactory, walletInit } from '../../src/lib/wallet-candid.ts';

describe('the wallet canister Candid', () => {
  test('azle builds the wallet from the root dfx.json, and its Candid is the committed wallet.did', () => {
    const build = buildWallet();
    assert.equal(build.wasmPath.endsWith('/.azle/wallet/wallet.wasm'), true);
    // Every Wasm module starts with "\0asm" and version 1 (WebAssembly core spec, 5.5.16).
    assert.deepEqual([...build.wasm.subarray(0, 8)], [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    assert.equal(canonicalCandid(readFileSync(WALLET_DID_PATH, 'utf8')), canonicalCandid(build.candid));
  });

  test('the interface clients use (src/lib/wallet-candid.ts) is the committed wallet.did', () => {
    const service = walletIdlFactory({ IDL }) as IDL.ServiceClass;
    const init = walletInit({ IDL }).map((type) => type.display());
    // IDL prints `service {…}`; canonicalCandid reads the service body after the init arguments.
    const text = `service : (${init.join(', ')}) -> ${service.display().replace(/^service /, '')}`;
    assert.equal(canonicalCandid(text), canonicalCandid(readFileSync(WALLET_DID_PATH, 'utf8')));
  });
});

describe('canonicalCandid', () => {
  test('named types and azle inline output with fields in another order are the same text', () => {
    const named = `
      // comment
      type Net = variant { mainnet; regtest : null };
      type R = record { "b" : opt Net; a : blob; /* inline comment */ };
      service : (R) -> { get : (nat32, R) -> (vec R) query; set : (x : R) -> (); }`;
    const inline =
      'service: (record {a:vec nat8; b:opt variant {regtest; mainnet}}) -> {\n' +
      '    set: (record {b:opt variant {mainnet; regtest}; a:vec nat8}) -> ();\n' +
      '    get: (nat32, record {b:opt variant {mainnet; regtest}; a:vec nat8}) -> (vec record {b:opt variant {mainnet; regtest}; a:vec nat8}) query;\n' +
      '}\n';
    const canonical =
      'service : (record {a : vec nat8; b : opt variant {mainnet; regtest}}) -> {\n' +
      '  get : (nat32, record {a : vec nat8; b : opt variant {mainnet; regtest}}) -> (vec record {a : vec nat8; b : opt variant {mainnet; regtest}}) query;\n' +
      '  set : (record {a : vec nat8; b : opt variant {mainnet; regtest}}) -> ();\n' +
      '}\n';
    assert.equal(canonicalCandid(named), canonical);
    assert.equal(canonicalCandid(inline), canonical);
  });

  test('a different field type, a missing method or a missing query mode changes the text', () => {
    const base = canonicalCandid('service : { f : (record { a : nat32 }) -> () query; g : () -> () }');
    assert.notEqual(canonicalCandid('service : { f : (record { a : nat64 }) -> () query; g : () -> () }'), base);
    assert.notEqual(canonicalCandid('service : { f : (record { a : nat32 }) -> () query }'), base);
    assert.notEqual(canonicalCandid('service : { f : (record { a : nat32 }) -> (); g : () -> () }'), base);
    assert.notEqual(canonicalCandid('service : (nat) -> { f : (record { a : nat32 }) -> () query; g : () -> () }'), base);
  });

  test('tuples: unlabelled record fields are labelled by position', () => {
    assert.equal(
      canonicalCandid('service : { f : (record { text; nat }) -> () }'),
      canonicalCandid('service : { f : (record { 0 : text; 1 : nat }) -> () }'),
    );
  });

  test('refuses what it does not understand, naming it', () => {
    const refuses = (source: string, message: string) =>
      assert.throws(
        () => canonicalCandid(source),
        (e: unknown) => e instanceof CandidSyntaxError && e.message === message,
      );
    refuses('service : { f : (Missing) -> () }', 'Type Missing is not defined');
    refuses('type L = opt L; service : { f : (L) -> () }', 'Type L is recursive, which canonicalCandid does not support');
    refuses('type A = nat; type A = text; service : {}', 'Type A is defined twice');
    refuses('service : { f : (record { a : nat; a : text }) -> () }', 'Duplicate record label "a"');
    refuses('service : { f : (nat) -> () } extra', 'Expected the end, got "extra" (token 12)');
    refuses('service : { f : (nat) -> (@) }', 'Unexpected character "@" at offset 26');
    refuses('import "other.did"; service : {}', 'Expected "service", got "import" (token 0)');
  });
});
