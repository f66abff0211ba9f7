import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { AUDIT_HEAD_DOMAIN, auditHeadDigest } from './audit-head-digest.ts';
import { InvalidAuditHeadError } from './errors.ts';

const ROOT = hexToBytes('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');

describe('auditHeadDigest', () => {
  test('the domain separator is 0x15 then "icp-wallet-audit-head"', () => {
    assert.equal(bytesToHex(AUDIT_HEAD_DOMAIN), '156963702d77616c6c65742d61756469742d68656164');
  });

  test('equals node:crypto SHA-256 over domain ‖ u64be(length) ‖ root', () => {
    const length = 0x0102030405060708n;
    const expected = createHash('sha256')
      .update(hexToBytes('156963702d77616c6c65742d61756469742d68656164'))
      .update(hexToBytes('0102030405060708'))
      .update(ROOT)
      .digest('hex');
    assert.equal(bytesToHex(auditHeadDigest({ length, rootHash: ROOT })), expected);
  });

  test('the length is part of the digest: lengths 8 and 9 with one root differ', () => {
    assert.notEqual(
      bytesToHex(auditHeadDigest({ length: 8n, rootHash: ROOT })),
      bytesToHex(auditHeadDigest({ length: 9n, rootHash: ROOT })),
    );
  });

  test('refuses a negative or over-u64 length and a root that is not 32 bytes', () => {
    assert.throws(() => auditHeadDigest({ length: -1n, rootHash: ROOT }), InvalidAuditHeadError);
    assert.throws(() => auditHeadDigest({ length: 1n << 64n, rootHash: ROOT }), InvalidAuditHeadError);
    assert.throws(() => auditHeadDigest({ length: 1n, rootHash: ROOT.subarray(1) }), InvalidAuditHeadError);
  });
});
