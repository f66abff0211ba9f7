/**
 * The `wallet` command line end to end on the live devnet (issue 8): the devnet runs live with its
 * IC HTTP interface, the wallet canister is created and installed through it by an agent alone
 * (chunked, as the Wasm is over 2 MiB), and cli/bin/wallet, as a child process with its own
 * identities and a deployment record, calls the wallet through @icp-sdk/core's HttpAgent:
 * verify-addresses and audit verify/proof succeed, and fail on tampered input.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor, HttpAgent, type SignIdentity } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { base64urlnopad } from '@scure/base';
import { DEFAULT_THRESHOLD_SEED, startDevnet, type Devnet } from '../devnet/src/devnet.ts';
import { mgmt } from '../devnet/src/ic/management-idl.ts';
import { ThresholdKeys } from '../devnet/src/services/threshold/index.ts';
import { walletIdlFactory, type WalletService } from '../src/lib/wallet-candid.ts';
import { ALICE, configArg, DEVNET_CONFIG, OPERATOR, offlineAddresses, walletBuild } from '../test/support/wallet.ts';
import { tempDir, walletAsync } from './test-support.ts';

let devnet: Devnet;
let canisterId: Principal;
let operator: WalletService;
const home = tempDir('wallet-live-');
const deployment = join(home, 'deployment.json');

/** The PKCS#8 PEM of a test identity's Ed25519 secret (the fixed seeds of test/support/wallet.ts). */
function pemOf(seed: number): string {
  const secret = new Uint8Array(32).fill(seed);
  const jwk = { kty: 'OKP', crv: 'Ed25519', d: base64urlnopad.encode(secret), x: base64urlnopad.encode(ed25519.getPublicKey(secret)) };
  return createPrivateKey({ key: jwk, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }) as string;
}

async function managementCall(agent: HttpAgent, method: keyof typeof mgmt, arg: unknown, effective: Principal): Promise<Uint8Array> {
  const spec = mgmt[method] as { arg: IDL.Type };
  const { reply } = await agent.update(Principal.managementCanister(), {
    methodName: method,
    arg: IDL.encode([spec.arg], [arg]),
    effectiveCanisterId: effective,
  });
  return new Uint8Array(reply);
}

/** Create and install the wallet with an agent alone: create, upload 1 MB chunks, install_chunked_code. */
async function deployWallet(agent: HttpAgent): Promise<Principal> {
  const firstApplicationId = Principal.fromText('lxzze-o7777-77777-aaaaa-cai');
  const created = await managementCall(
    agent,
    'provisional_create_canister_with_cycles',
    { amount: [100_000_000_000_000n], settings: [], specified_id: [], sender_canister_version: [] },
    firstApplicationId,
  );
  const [{ canister_id: id }] = IDL.decode([mgmt.provisional_create_canister_with_cycles.ret], created) as unknown as [
    { canister_id: Principal },
  ];
  const wasm = walletBuild().wasm;
  const hashes: { hash: Uint8Array }[] = [];
  for (let at = 0; at < wasm.length; at += 1_000_000) {
    const reply = await managementCall(agent, 'upload_chunk', { canister_id: id, chunk: wasm.subarray(at, at + 1_000_000) }, id);
    hashes.push(IDL.decode([mgmt.upload_chunk.ret], reply)[0] as unknown as { hash: Uint8Array });
  }
  await managementCall(
    agent,
    'install_chunked_code',
    {
      mode: { install: null },
      target_canister: id,
      store_canister: [],
      chunk_hashes_list: hashes,
      wasm_module_hash: sha256(wasm),
      arg: configArg(DEVNET_CONFIG),
      sender_canister_version: [],
    },
    id,
  );
  return id;
}

before(async () => {
  walletBuild();
  devnet = await startDevnet({ live: true, log: () => {} });
  const live = devnet.live!;
  const agent = await HttpAgent.create({
    host: live.httpInterfaceUrl,
    identity: OPERATOR as SignIdentity,
    rootKey: live.rootKey,
    shouldFetchRootKey: false,
  });
  canisterId = await deployWallet(agent);
  operator = Actor.createActor<WalletService>(walletIdlFactory, { agent, canisterId });

  const keys = new ThresholdKeys({ seed: DEFAULT_THRESHOLD_SEED });
  const masterKeys = (['ecdsa_secp256k1', 'schnorr_bip340secp256k1', 'schnorr_ed25519'] as const).map((keyType) => {
    const { publicKey, chainCode } = keys.masterPublicKey({ keyType, keyName: 'dfx_test_key' });
    return { keyType, keyName: 'dfx_test_key', publicKeyHex: bytesToHex(publicKey), chainCodeHex: bytesToHex(chainCode) };
  });
  writeFileSync(
    deployment,
    JSON.stringify({
      network: 'local',
      host: live.httpInterfaceUrl,
      rootKeyHex: bytesToHex(live.rootKey),
      canisters: { wallet: canisterId.toText(), frontend: null },
      masterKeys,
    }),
  );
  for (const [name, seed] of [
    ['alice', 1],
    ['operator', 200],
  ] as const) {
    writeFileSync(join(home, `${name}.pem`), pemOf(seed));
    assert.equal((await walletAsync(['identity', 'import', name, join(home, `${name}.pem`)], { configHome: home })).status, 0);
  }
});

after(async () => {
  await devnet?.stop();
});

const run = (args: string[]) => walletAsync([...args, '--deployment', deployment], { configHome: home });

describe('wallet CLI on the live devnet', () => {
  test('verify-addresses: the wallet answers Alice over HttpAgent and every address matches the offline derivation', async () => {
    const r = await run(['verify-addresses', ALICE.getPrincipal().toText(), '--identity', 'alice', '--json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.answered, offlineAddresses({ canisterId, principal: ALICE.getPrincipal() }));
    assert.deepEqual(out.derived, out.answered);
    assert.deepEqual([out.verified, out.mismatches, out.unanswered, out.answerSource], [true, [], [], `canister ${canisterId.toText()}`]);
  });

  test('verify-addresses fails (exit 1) when the master keys it derives from are not the ones the wallet uses', async () => {
    const wrong = JSON.parse(readFileSync(deployment, 'utf8')).masterKeys;
    wrong[0].publicKeyHex = bytesToHex(secp256k1.getPublicKey(new Uint8Array(32).fill(3), true)); // another ECDSA master key
    const file = join(home, 'wrong-keys.json');
    writeFileSync(file, JSON.stringify(wrong));
    const r = await run(['verify-addresses', ALICE.getPrincipal().toText(), '--identity', 'alice', '--master-keys', file, '--json']);
    assert.equal(r.status, 1, r.stderr);
    assert.deepEqual(
      JSON.parse(r.stdout).mismatches.map((m: { field: string }) => m.field),
      ['btc_p2wpkh', 'eth'],
    );
  });

  test('audit verify as the controller: the certified log verifies, then extends the saved head; a tampered saved head fails', async () => {
    await operator.admin_pause_signing('maintenance');
    await operator.admin_resume_signing();
    const saved = join(home, 'head.json');
    const first = await run(['audit', 'verify', '--identity', 'operator', '--save-head', saved, '--json']);
    assert.equal(first.status, 0, first.stderr);
    const head = await operator.audit_head();
    assert.equal(
      first.stdout.replace(/"certificateTimeNanos":"\d+"/, '"certificateTimeNanos":"…"'),
      `${JSON.stringify({ canister: canisterId.toText(), length: head.length.toString(), rootHash: bytesToHex(head.head_hash), certificateTimeNanos: '…', entriesVerified: Number(head.length), consistentWith: null })}\n`,
    );
    assert.ok(head.length >= 2n);

    await operator.admin_pause_signing('again');
    const second = await run(['audit', 'verify', '--identity', 'operator', '--since', saved, '--json']);
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout).consistentWith, { length: head.length.toString(), rootHash: bytesToHex(head.head_hash) });

    const tampered = JSON.parse(readFileSync(saved, 'utf8'));
    tampered.rootHash = tampered.rootHash.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    const tamperedFile = join(home, 'tampered-head.json');
    writeFileSync(tamperedFile, JSON.stringify(tampered));
    const bad = await run(['audit', 'verify', '--identity', 'operator', '--since', tamperedFile]);
    assert.equal(bad.status, 1, bad.stderr);
    assert.match(bad.stderr, /is not an extension of the head saved in .*\(root-mismatch\)/);
  });

  test("audit proof: the controller's own entries verify; Alice reads everything only if named auditor (exit 4 with the sentence)", async () => {
    const proof = await run(['audit', 'proof', '--identity', 'operator', '--json']);
    assert.equal(proof.status, 0, proof.stderr);
    assert.ok(JSON.parse(proof.stdout).entries.length >= 3);
    const alice = await run(['audit', 'verify', '--identity', 'alice']);
    assert.equal(alice.status, 4);
    assert.match(alice.stderr, /^wallet: Only .+ may do this\.\n$/);
  });
});
