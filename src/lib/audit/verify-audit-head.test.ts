// verifyAuditHead against certificates signed by the devnet's BLS certifier (devnet/src/ic/certification.ts),
// which @icp-sdk/core's Certificate verifies independently.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hexToBytes } from '@noble/hashes/utils.js';
import { Principal } from '@icp-sdk/core/principal';
import { Certifier } from '../../../devnet/src/ic/certification.ts';
import { auditHeadDigest } from './audit-head-digest.ts';
import { AuditHeadVerificationError, type AuditHeadFailure } from './errors.ts';
import { verifyAuditHead } from './verify-audit-head.ts';

const CANISTER = Principal.fromText('rrkah-fqaaa-aaaaa-aaaaq-cai');
const OTHER_CANISTER = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
const ROOT = hexToBytes('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
const certifier = new Certifier(new Uint8Array(48).fill(7));
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

function certificateFor({ length, timeNs = nowNs(), canisterId = CANISTER }: { length: bigint; timeNs?: bigint; canisterId?: Principal }) {
  return certifier.dataCertificate({ canisterId, certifiedData: auditHeadDigest({ length, rootHash: ROOT }), timeNs });
}

async function refusal(promise: Promise<unknown>): Promise<AuditHeadFailure> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AuditHeadVerificationError, `expected AuditHeadVerificationError, got ${String(error)}`);
    return error.reason;
  }
  assert.fail('accepted a head the certificate does not certify');
}

describe('verifyAuditHead', () => {
  test('accepts the certified head and returns the certificate time', async () => {
    const timeNs = nowNs();
    const head = await verifyAuditHead({
      certificate: certificateFor({ length: 8n, timeNs }),
      canisterId: CANISTER,
      rootKey: certifier.rootKeyDer,
      length: 8n,
      rootHash: ROOT,
    });
    assert.deepEqual(head, { length: 8n, rootHash: ROOT, certificateTimeNanos: timeNs });
  });

  test('refuses another length or root than the certified one (head-mismatch)', async () => {
    const certificate = certificateFor({ length: 8n });
    const base = { certificate, canisterId: CANISTER, rootKey: certifier.rootKeyDer };
    assert.equal(await refusal(verifyAuditHead({ ...base, length: 7n, rootHash: ROOT })), 'head-mismatch');
    const otherRoot = Uint8Array.from(ROOT);
    otherRoot[31] ^= 1;
    assert.equal(await refusal(verifyAuditHead({ ...base, length: 8n, rootHash: otherRoot })), 'head-mismatch');
  });

  test('refuses a certificate under another root key (bad-certificate)', async () => {
    const other = new Certifier(new Uint8Array(48).fill(8));
    const certificate = certificateFor({ length: 8n });
    assert.equal(
      await refusal(verifyAuditHead({ certificate, canisterId: CANISTER, rootKey: other.rootKeyDer, length: 8n, rootHash: ROOT })),
      'bad-certificate',
    );
  });

  test('refuses a certificate with a flipped signature byte (bad-certificate)', async () => {
    const certificate = Uint8Array.from(certificateFor({ length: 8n }));
    certificate[certificate.length - 5] ^= 1;
    assert.equal(
      await refusal(verifyAuditHead({ certificate, canisterId: CANISTER, rootKey: certifier.rootKeyDer, length: 8n, rootHash: ROOT })),
      'bad-certificate',
    );
  });

  test("refuses another canister's certified data (no-certified-data)", async () => {
    const certificate = certificateFor({ length: 8n, canisterId: OTHER_CANISTER });
    assert.equal(
      await refusal(verifyAuditHead({ certificate, canisterId: CANISTER, rootKey: certifier.rootKeyDer, length: 8n, rootHash: ROOT })),
      'no-certified-data',
    );
  });

  test('refuses a certificate older than maxAgeInMinutes, and accepts it with maxAgeInMinutes: null', async () => {
    const hourAgo = nowNs() - 3_600_000_000_000n;
    const args = {
      certificate: certificateFor({ length: 8n, timeNs: hourAgo }),
      canisterId: CANISTER,
      rootKey: certifier.rootKeyDer,
      length: 8n,
      rootHash: ROOT,
    };
    assert.equal(await refusal(verifyAuditHead(args)), 'stale-certificate');
    assert.equal(await refusal(verifyAuditHead({ ...args, maxAgeInMinutes: 30 })), 'stale-certificate');
    assert.equal((await verifyAuditHead({ ...args, maxAgeInMinutes: 90 })).certificateTimeNanos, hourAgo);
    assert.equal((await verifyAuditHead({ ...args, maxAgeInMinutes: null })).certificateTimeNanos, hourAgo);
  });
});
