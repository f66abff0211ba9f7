import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { hashMap } from './request-id.ts';

// IC interface spec (dfinity/portal docs/references/ic-interface-spec.md, "Request ids"): the
// worked example, whose request id the spec gives.
test('request id of the spec example call equals the spec value', () => {
  const id = hashMap({
    request_type: 'call',
    sender: hexToBytes('04'),
    ingress_expiry: 1685570400000000000n,
    canister_id: hexToBytes('00000000000004D2'),
    method_name: 'hello',
    arg: new Uint8Array([0x44, 0x49, 0x44, 0x4c, 0x00, 0xfd, 0x2a]),
  });
  assert.equal(bytesToHex(id), '1d1091364d6bb8a6c16b203ee75467d59ead468f523eb058880ae8ec80e2b101');
});
