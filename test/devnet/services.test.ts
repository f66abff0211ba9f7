/**
 * The devnet's system services, driven from a canister through @dfinity/pic: threshold keys and
 * signatures (checked against @dfinity/ic-pub-key and @noble/curves), a Bitcoin regtest round trip
 * with a transaction the canister signs, HTTPS outcalls (mocked, and forwarded in live mode), and
 * debug_print reaching the server's stderr. Devnet-only: it uses the devnet's master keys and
 * admin interface.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { PocketIc, type Actor, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { secp256k1 as icSecp256k1 } from '@dfinity/ic-pub-key/ecdsa';
import { bip340secp256k1 as icBip340, ed25519 as icEd25519 } from '@dfinity/ic-pub-key/schnorr';
import { secp256k1, schnorr } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, concatBytes, hexToBytes } from '@noble/hashes/utils.js';
import { azleProbe, type Fixture } from '../fixtures/build.ts';
import { DEVNET_BIN, onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import { azleProbeIdl, type AzleProbe } from '../support/probes.ts';
import { DEFAULT_THRESHOLD_SEED } from '../../devnet/src/devnet.ts';
import { ThresholdKeys, type KeyType } from '../../devnet/src/services/threshold/index.ts';
import { createBitcoinAdminClient, BITCOIN_TESTNET_CANISTER_ID } from '../../devnet/src/services/bitcoin/index.ts';
import { buildTransaction, finalizeTransaction, getSighashes, p2wpkhAddress, taprootOutputKey } from '../../src/chains/btc/index.ts';

const MANAGEMENT = Principal.fromText('aaaaa-aa');
const initArg = new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [[0n]]));
const keys = new ThresholdKeys({ seed: DEFAULT_THRESHOLD_SEED });

const EcdsaKeyId = IDL.Record({ curve: IDL.Variant({ secp256k1: IDL.Null }), name: IDL.Text });
const SchnorrKeyId = IDL.Record({ algorithm: IDL.Variant({ bip340secp256k1: IDL.Null, ed25519: IDL.Null }), name: IDL.Text });
const PublicKeyReply = IDL.Record({ public_key: IDL.Vec(IDL.Nat8), chain_code: IDL.Vec(IDL.Nat8) });
const SignatureReply = IDL.Record({ signature: IDL.Vec(IDL.Nat8) });
const Aux = IDL.Opt(IDL.Variant({ bip341: IDL.Record({ merkle_root_hash: IDL.Vec(IDL.Nat8) }) }));

const Network = IDL.Variant({ mainnet: IDL.Null, testnet: IDL.Null, regtest: IDL.Null });
const GetUtxosRequest = IDL.Record({
  address: IDL.Text,
  network: Network,
  filter: IDL.Opt(IDL.Variant({ min_confirmations: IDL.Nat32, page: IDL.Vec(IDL.Nat8) })),
});
const GetUtxosResponse = IDL.Record({
  utxos: IDL.Vec(IDL.Record({ outpoint: IDL.Record({ txid: IDL.Vec(IDL.Nat8), vout: IDL.Nat32 }), value: IDL.Nat64, height: IDL.Nat32 })),
  tip_block_hash: IDL.Vec(IDL.Nat8),
  tip_height: IDL.Nat32,
  next_page: IDL.Opt(IDL.Vec(IDL.Nat8)),
});
const GetBalanceRequest = IDL.Record({ address: IDL.Text, network: Network, min_confirmations: IDL.Opt(IDL.Nat32) });
const SendTransactionRequest = IDL.Record({ transaction: IDL.Vec(IDL.Nat8), network: Network });

const KEY_TYPES: KeyType[] = ['ecdsa_secp256k1', 'schnorr_bip340secp256k1', 'schnorr_ed25519'];
const KEY_NAMES = ['dfx_test_key', 'test_key_1', 'key_1'] as const;
const FEE: Record<string, bigint> = { dfx_test_key: 10_000_000_000n, test_key_1: 10_000_000_000n, key_1: 26_153_846_153n };

let server: PocketIcServer;
let pic: PocketIc;
let azle: Fixture;

before(async () => {
  if (!onDevnet) return;
  azle = azleProbe();
  ({ server, pic } = await startInstance());
});
after(() => stopInstance({ server, pic }));

const instanceId = () => (pic as unknown as { client: { instanceId: number } }).client.instanceId;

function keyIdArg(keyType: KeyType, name: string) {
  return keyType === 'ecdsa_secp256k1'
    ? { type: EcdsaKeyId, value: { curve: { secp256k1: null }, name } }
    : { type: SchnorrKeyId, value: { algorithm: keyType === 'schnorr_ed25519' ? { ed25519: null } : { bip340secp256k1: null }, name } };
}

function publicKeyArg(keyType: KeyType, name: string, path: Uint8Array[], canister: Principal | null = null): Uint8Array {
  const k = keyIdArg(keyType, name);
  return new Uint8Array(
    IDL.encode(
      [IDL.Record({ canister_id: IDL.Opt(IDL.Principal), derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)), key_id: k.type })],
      [{ canister_id: canister ? [canister] : [], derivation_path: path, key_id: k.value }],
    ),
  );
}

function signArg(keyType: KeyType, name: string, path: Uint8Array[], message: Uint8Array, merkleRoot?: Uint8Array): Uint8Array {
  const k = keyIdArg(keyType, name);
  if (keyType === 'ecdsa_secp256k1') {
    return new Uint8Array(
      IDL.encode(
        [IDL.Record({ message_hash: IDL.Vec(IDL.Nat8), derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)), key_id: EcdsaKeyId })],
        [{ message_hash: message, derivation_path: path, key_id: k.value }],
      ),
    );
  }
  return new Uint8Array(
    IDL.encode(
      [IDL.Record({ message: IDL.Vec(IDL.Nat8), derivation_path: IDL.Vec(IDL.Vec(IDL.Nat8)), key_id: SchnorrKeyId, aux: Aux })],
      [{ message, derivation_path: path, key_id: k.value, aux: merkleRoot ? [{ bip341: { merkle_root_hash: merkleRoot } }] : [] }],
    ),
  );
}

/** What @dfinity/ic-pub-key derives from the devnet's master key for [canister, ...path]. */
function expectedKey(keyType: KeyType, keyName: string, canister: Principal, path: Uint8Array[]): { publicKey: string; chainCode: string } {
  const master = keys.masterPublicKey({ keyType, keyName });
  const full = [canister.toUint8Array(), ...path];
  if (keyType === 'schnorr_ed25519') {
    const d = icEd25519.PublicKeyWithChainCode.fromHex(
      bytesToHex(master.publicKey),
      bytesToHex(master.chainCode),
    ).deriveSubkeyWithChainCode(new icEd25519.DerivationPath(full));
    return { publicKey: d.public_key.toHex(), chainCode: d.chain_code.toHex() };
  }
  const ns = keyType === 'ecdsa_secp256k1' ? icSecp256k1 : icBip340;
  const d = ns.PublicKeyWithChainCode.fromHex({ public_key: bytesToHex(master.publicKey), chain_code: bytesToHex(master.chainCode) })
    .deriveSubkeyWithChainCode(new ns.DerivationPath(full))
    .toHex();
  return { publicKey: d.public_key, chainCode: d.chain_code };
}

async function ok(p: Promise<{ Ok: Uint8Array } | { Err: { code: number; message: string } }>): Promise<Uint8Array> {
  const r = await p;
  if ('Err' in r) throw new Error(`call rejected (${r.Err.code}): ${r.Err.message}`);
  return r.Ok;
}

describe('threshold keys and signatures', { skip: !onDevnet }, () => {
  let actor: Actor<AzleProbe>;
  let canisterId: Principal;
  let other: Actor<AzleProbe>;
  let otherId: Principal;
  before(async () => {
    ({ actor, canisterId } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg }));
    ({ actor: other, canisterId: otherId } = await pic.setupCanister<AzleProbe>({
      idlFactory: azleProbeIdl,
      wasm: azle.wasmPath,
      arg: initArg,
    }));
  });

  for (const keyType of KEY_TYPES) {
    for (const keyName of KEY_NAMES) {
      test(`${keyType} / ${keyName}: the key agrees with @dfinity/ic-pub-key and signatures verify`, async () => {
        const path = [new TextEncoder().encode('wallet'), Uint8Array.of(0, 0, 0, 1)];
        const method = keyType === 'ecdsa_secp256k1' ? 'ecdsa_public_key' : 'schnorr_public_key';
        const pk = IDL.decode(
          [PublicKeyReply],
          await ok(actor.rawCall(MANAGEMENT, method, publicKeyArg(keyType, keyName, path), 0n)),
        )[0] as unknown as {
          public_key: Uint8Array;
          chain_code: Uint8Array;
        };
        const expected = expectedKey(keyType, keyName, canisterId, path);
        assert.equal(bytesToHex(pk.public_key), expected.publicKey);
        assert.equal(bytesToHex(pk.chain_code), expected.chainCode);

        const message =
          keyType === 'ecdsa_secp256k1' ? sha256(new TextEncoder().encode('pay 1 BTC')) : new TextEncoder().encode('pay 1 SOL');
        const signMethod = keyType === 'ecdsa_secp256k1' ? 'sign_with_ecdsa' : 'sign_with_schnorr';
        const balanceBefore = await pic.getCyclesBalance(canisterId);
        const sigReply = await ok(
          actor.rawCall(MANAGEMENT, signMethod, signArg(keyType, keyName, path, message), FEE[keyName] + 1_000_000_000n),
        );
        const { signature } = IDL.decode([SignatureReply], sigReply)[0] as unknown as { signature: Uint8Array };
        assert.equal(signature.length, 64);
        if (keyType === 'ecdsa_secp256k1') assert.ok(secp256k1.verify(signature, message, pk.public_key, { prehash: false }));
        else if (keyType === 'schnorr_bip340secp256k1') assert.ok(schnorr.verify(signature, message, pk.public_key.slice(1)));
        else assert.ok(ed25519.verify(signature, message, pk.public_key));
        // The fee was charged and the extra 1B cycles refunded: the balance dropped by the fee plus
        // execution costs (well under 100M cycles for these few messages).
        const spent = balanceBefore - BigInt(await pic.getCyclesBalance(canisterId));
        assert.ok(spent >= FEE[keyName] && spent < FEE[keyName] + 100_000_000n, `spent ${spent}`);
      });
    }
  }

  test('a BIP341-tweaked signature verifies against the tweaked output key only', async () => {
    const path = [new TextEncoder().encode('btc')];
    const pk = IDL.decode(
      [PublicKeyReply],
      await ok(actor.rawCall(MANAGEMENT, 'schnorr_public_key', publicKeyArg('schnorr_bip340secp256k1', 'test_key_1', path), 0n)),
    )[0] as unknown as {
      public_key: Uint8Array;
    };
    const message = sha256(new TextEncoder().encode('taproot spend'));
    for (const root of [new Uint8Array(0), sha256(new TextEncoder().encode('script tree'))]) {
      const reply = await ok(
        actor.rawCall(
          MANAGEMENT,
          'sign_with_schnorr',
          signArg('schnorr_bip340secp256k1', 'test_key_1', path, message, root),
          FEE.test_key_1,
        ),
      );
      const { signature } = IDL.decode([SignatureReply], reply)[0] as unknown as { signature: Uint8Array };
      // BIP341: Q = P + int(tagged_hash("TapTweak", x(P) || root))·G, with P the even-y lift of x(P).
      const x = pk.public_key.slice(1);
      const outputKey =
        root.length === 0
          ? taprootOutputKey(pk.public_key)
          : (() => {
              const P = schnorr.Point.fromHex(bytesToHex(concatBytes(Uint8Array.of(2), x)));
              const t = BigInt(`0x${bytesToHex(schnorr.utils.taggedHash('TapTweak', x, root))}`);
              return P.add(schnorr.Point.BASE.multiply(t)).toBytes(true).slice(1);
            })();
      assert.ok(schnorr.verify(signature, message, outputKey), 'verifies against the tweaked key');
      assert.equal(schnorr.verify(signature, message, x), false, 'does not verify against the internal key');
    }
  });

  test('two canisters and two paths give four different keys', async () => {
    const seen = new Set<string>();
    for (const a of [actor, other]) {
      for (const p of [[Uint8Array.of(1)], [Uint8Array.of(2)]]) {
        const r = IDL.decode(
          [PublicKeyReply],
          await ok(a.rawCall(MANAGEMENT, 'ecdsa_public_key', publicKeyArg('ecdsa_secp256k1', 'key_1', p), 0n)),
        )[0] as unknown as {
          public_key: Uint8Array;
        };
        seen.add(bytesToHex(r.public_key));
      }
    }
    assert.equal(seen.size, 4);
    assert.notEqual(canisterId.toText(), otherId.toText());
  });

  test('interface rules: too few cycles, a short hash, an unknown key, aux with ed25519', async () => {
    const path = [Uint8Array.of(1)];
    const hash = sha256(Uint8Array.of(1));
    const tooFew = await actor.rawCall(MANAGEMENT, 'sign_with_ecdsa', signArg('ecdsa_secp256k1', 'key_1', path, hash), 5n);
    assert.deepEqual(tooFew, {
      Err: { code: 4, message: 'sign_with_ecdsa request sent with 5 cycles, but 26_153_846_153 cycles are required.' },
    });
    const short = await actor.rawCall(MANAGEMENT, 'sign_with_ecdsa', signArg('ecdsa_secp256k1', 'key_1', path, hash.slice(1)), FEE.key_1);
    assert.ok('Err' in short && short.Err.code === 3, JSON.stringify(short));
    const unknown = await actor.rawCall(MANAGEMENT, 'sign_with_ecdsa', signArg('ecdsa_secp256k1', 'nope', path, hash), FEE.key_1);
    assert.ok(
      'Err' in unknown && unknown.Err.code === 3 && /unknown or disabled threshold key/.test(unknown.Err.message),
      JSON.stringify(unknown),
    );
    const aux = await actor.rawCall(
      MANAGEMENT,
      'sign_with_schnorr',
      signArg('schnorr_ed25519', 'key_1', path, hash, new Uint8Array(0)),
      FEE.key_1,
    );
    assert.deepEqual(aux, { Err: { code: 4, message: 'Schnorr algorithm Ed25519 does not support aux input' } });
  });

  test('a pending signature lets the canister’s other messages run meanwhile', async () => {
    const base = server.getUrl() + `/instances/${instanceId()}`;
    const post = async (path: string, body: unknown) =>
      (
        await fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
      ).json() as Promise<any>;
    const arg = IDL.encode(
      [IDL.Principal, IDL.Text, IDL.Vec(IDL.Nat8), IDL.Nat],
      [MANAGEMENT, 'sign_with_ecdsa', signArg('ecdsa_secp256k1', 'key_1', [Uint8Array.of(9)], sha256(Uint8Array.of(9))), FEE.key_1],
    );
    const submitted = await post('/update/submit_ingress_message', {
      sender: Buffer.from(Principal.anonymous().toUint8Array()).toString('base64'),
      canister_id: Buffer.from(canisterId.toUint8Array()).toString('base64'),
      method: 'rawCall',
      payload: Buffer.from(arg).toString('base64'),
      effective_principal: 'None',
    });
    assert.ok(submitted.Ok, JSON.stringify(submitted));
    const messageId = submitted.Ok;
    const before = await actor.get();
    assert.equal(await actor.inc(), before + 1n, 'another update ran while the signature is pending');
    assert.equal(await post('/read/ingress_status', { raw_message_id: messageId }), null, 'the signing call is still pending');
    const done = await post('/update/await_ingress_message', messageId);
    assert.ok(done.Ok, JSON.stringify(done));
    const reply = IDL.decode(
      [IDL.Variant({ Ok: IDL.Vec(IDL.Nat8), Err: IDL.Record({ code: IDL.Nat32, message: IDL.Text }) })],
      new Uint8Array(Buffer.from(done.Ok, 'base64')),
    )[0] as {
      Ok?: Uint8Array;
    };
    assert.ok(reply.Ok);
  });
});

describe('Bitcoin regtest round trip signed by a canister', { skip: !onDevnet }, () => {
  const bitcoin = Principal.fromText(BITCOIN_TESTNET_CANISTER_ID);
  const bob = 'bcrt1q6rhpng9evdsfnn833a4f4vej0asu6dk5srld6x';
  let actor: Actor<AzleProbe>;
  let ours: string;
  let publicKey: Uint8Array;
  const path = [new TextEncoder().encode('btc'), Uint8Array.of(0)];

  before(async () => {
    ({ actor } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg }));
    const r = IDL.decode(
      [PublicKeyReply],
      await ok(actor.rawCall(MANAGEMENT, 'ecdsa_public_key', publicKeyArg('ecdsa_secp256k1', 'dfx_test_key', path), 0n)),
    )[0] as unknown as {
      public_key: Uint8Array;
    };
    publicKey = r.public_key;
    ours = p2wpkhAddress({ publicKey, network: 'regtest' });
  });

  const admin = () => createBitcoinAdminClient({ baseUrl: `${server.getUrl()}/instances/${instanceId()}` });
  const balance = async (address: string) =>
    IDL.decode(
      [IDL.Nat64],
      await ok(
        actor.rawCall(
          bitcoin,
          'bitcoin_get_balance',
          new Uint8Array(IDL.encode([GetBalanceRequest], [{ address, network: { regtest: null }, min_confirmations: [] }])),
          100_000_000n,
        ),
      ),
    )[0] as bigint;
  const sign = async (hash: Uint8Array) =>
    (
      IDL.decode(
        [SignatureReply],
        await ok(actor.rawCall(MANAGEMENT, 'sign_with_ecdsa', signArg('ecdsa_secp256k1', 'dfx_test_key', path, hash), FEE.dfx_test_key)),
      )[0] as unknown as {
        signature: Uint8Array;
      }
    ).signature;
  const send = (tx: Uint8Array) =>
    actor.rawCall(
      bitcoin,
      'bitcoin_send_transaction',
      new Uint8Array(IDL.encode([SendTransactionRequest], [{ transaction: tx, network: { regtest: null } }])),
      100_000_000_000n,
    );

  test('fund, spend with a P2WPKH transaction the canister signs, confirm, see balances; forged and double spends are rejected', async () => {
    await admin().fund({ address: ours, amountSats: 100_000n });
    await admin().mine({ blocks: 1 });
    assert.equal(await balance(ours), 100_000n);

    const utxoReply = IDL.decode(
      [GetUtxosResponse],
      await ok(
        actor.rawCall(
          bitcoin,
          'bitcoin_get_utxos',
          new Uint8Array(IDL.encode([GetUtxosRequest], [{ address: ours, network: { regtest: null }, filter: [] }])),
          10_000_000_000n,
        ),
      ),
    )[0] as unknown as { utxos: { outpoint: { txid: Uint8Array; vout: number }; value: bigint }[] };
    assert.equal(utxoReply.utxos.length, 1);
    const utxos = utxoReply.utxos.map((u) => ({
      txid: bytesToHex(u.outpoint.txid.slice().reverse()), // the canister returns txids in internal byte order
      vout: u.outpoint.vout,
      value: u.value,
      address: ours,
    }));
    const built = buildTransaction({
      network: 'regtest',
      utxos,
      outputs: [{ address: bob, value: 60_000n }],
      changeAddress: ours,
      feeRate: { satPerVbyte: 2n },
    });
    const signatures = [];
    for (const hash of getSighashes(built.transaction)) signatures.push({ signature: await sign(hash), publicKey });
    const signed = finalizeTransaction({ transaction: built.transaction, signatures });

    // A forged signature: flip one byte of the DER signature inside the witness.
    const forged = hexToBytes(signed.hex);
    const sigAt = signed.hex.indexOf(bytesToHex(signatures[0].signature.slice(0, 8))) / 2;
    assert.ok(sigAt > 0);
    forged[sigAt] ^= 0x01;
    const forgedResult = await send(forged);
    assert.ok(
      'Err' in forgedResult && forgedResult.Err.code === 4 && /RejectedByDevnetNode/.test(forgedResult.Err.message),
      JSON.stringify(forgedResult),
    );

    assert.deepEqual(await send(signed.bytes), { Ok: new Uint8Array(IDL.encode([], [])) });
    await admin().mine({ blocks: 1 });
    const tx = await admin().getTransaction(signed.txid);
    assert.equal(tx?.confirmations, 1);
    assert.equal(await balance(bob), 60_000n);
    assert.equal(await balance(ours), 100_000n - 60_000n - built.fee);

    const doubleSpend = await send(signed.bytes);
    assert.ok('Err' in doubleSpend && doubleSpend.Err.code === 4, JSON.stringify(doubleSpend));
  });
});

describe('HTTPS outcalls', { skip: !onDevnet }, () => {
  let actor: Actor<AzleProbe>;
  let canisterId: Principal;
  before(async () => {
    ({ actor, canisterId } = await pic.setupCanister<AzleProbe>({ idlFactory: azleProbeIdl, wasm: azle.wasmPath, arg: initArg }));
  });

  test('pending until mocked through @dfinity/pic, then transformed by the canister', async () => {
    const deferred = pic.createDeferredActor<AzleProbe>(azleProbeIdl, canisterId);
    const finish = await deferred.httpGet('https://example.com/price?asset=btc', [4096n]);
    await pic.tick(2);
    const pending = await pic.getPendingHttpsOutcalls();
    assert.equal(pending.length, 1);
    assert.equal(pending[0].url, 'https://example.com/price?asset=btc');
    assert.equal(pending[0].httpMethod, 'GET');
    assert.deepEqual(pending[0].headers, [['accept', 'application/json']]);
    assert.equal(pending[0].maxResponseBytes, 4096);
    await pic.mockPendingHttpsOutcall({
      requestId: pending[0].requestId,
      subnetId: pending[0].subnetId,
      response: {
        type: 'success',
        statusCode: 200,
        headers: [['date', 'Mon, 23 Nov 2026 20:00:00 GMT']],
        body: new TextEncoder().encode('{"usd":97000}'),
      },
    });
    const result = (await finish()) as unknown as { Ok: { status: bigint; headers: unknown; body: Uint8Array } };
    assert.equal(result.Ok.status, 200n);
    assert.deepEqual(result.Ok.headers, [{ name: 'x-transformed-by', value: 'probe' }]);
    assert.equal(new TextDecoder().decode(result.Ok.body), '{"usd":97000}');
  });

  test('a mocked reject and an oversized response reach the canister as rejects', async () => {
    const deferred = pic.createDeferredActor<AzleProbe>(azleProbeIdl, canisterId);
    const first = await deferred.httpGet('https://example.com/a', []);
    await pic.tick(2);
    let [p] = await pic.getPendingHttpsOutcalls();
    await pic.mockPendingHttpsOutcall({
      requestId: p.requestId,
      subnetId: p.subnetId,
      response: { type: 'reject', statusCode: 2, message: 'connection refused' },
    });
    assert.deepEqual(await first(), { Err: { code: 2, message: 'connection refused' } });

    const second = await deferred.httpGet('https://example.com/b', [10n]);
    await pic.tick(2);
    [p] = await pic.getPendingHttpsOutcalls();
    await pic.mockPendingHttpsOutcall({
      requestId: p.requestId,
      subnetId: p.subnetId,
      response: { type: 'success', statusCode: 200, headers: [], body: new Uint8Array(100) },
    });
    assert.deepEqual(await second(), { Err: { code: 1, message: 'Http body exceeds size limit of 10 bytes.' } });
  });

  test('live mode forwards outcalls to loopback for real, applies the transform, and refuses other hosts', async () => {
    const http = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': String(Math.random()) });
      res.end(JSON.stringify({ path: req.url, accept: req.headers.accept }));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as { port: number }).port;
    const base = `${server.getUrl()}/instances/${instanceId()}`;
    await fetch(`${base}/auto_progress`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    try {
      const result = (await actor.httpGet(`http://127.0.0.1:${port}/rates`, [])) as {
        Ok: { status: bigint; headers: unknown; body: Uint8Array };
      };
      assert.equal(result.Ok.status, 200n);
      assert.deepEqual(result.Ok.headers, [{ name: 'x-transformed-by', value: 'probe' }]);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(result.Ok.body)), { path: '/rates', accept: 'application/json' });
      const outside = await actor.httpGet('https://example.com/', []);
      assert.deepEqual(outside, {
        Err: { code: 1, message: 'The devnet forwards HTTPS outcalls only to loopback addresses, not to https://example.com/' },
      });
    } finally {
      await fetch(`${base}/stop_progress`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      http.close();
    }
  });
});

describe('debug_print', { skip: !onDevnet }, () => {
  test('reaches the server’s stderr, prefixed with the canister id', async () => {
    const child = spawn(DEVNET_BIN, ['--ttl', '30'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const url = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
    const instance = await PocketIc.create(url);
    try {
      const { actor, canisterId } = await instance.setupCanister<AzleProbe>({
        idlFactory: azleProbeIdl,
        wasm: azle.wasmPath,
        arg: initArg,
      });
      await actor.log('hello from the canister');
      // Azle's console.log writes strings JSON-quoted.
      assert.match(stderr, new RegExp(`^\\[Canister ${canisterId.toText()}\\] "hello from the canister"$`, 'm'));
    } finally {
      await instance.tearDown();
      child.kill();
    }
  });
});
