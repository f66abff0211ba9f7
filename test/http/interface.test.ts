/**
 * The devnet's IC HTTP interface, through the standard clients: `@dfinity/pic` makes an instance
 * live (`makeLive()`), and `@icp-sdk/core`'s HttpAgent, after `fetchRootKey()`, calls a canister
 * on it with Ed25519, P-256, secp256k1 and delegated identities. The instance has an NNS subnet
 * (the root subnet) and an application subnet, so every certificate the canister's subnet issues
 * carries a subnet delegation signed by the root key. Hand-built envelopes check the refusals.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketIc, SubnetStateType, type PocketIcServer } from '@dfinity/pic';
import {
  Actor,
  Certificate,
  Cbor,
  HttpAgent,
  lookupResultToBuffer,
  polling,
  requestIdOf,
  SubnetStatus,
  type ActorSubclass,
  type Identity,
} from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { DelegationChain, DelegationIdentity, ECDSAKeyIdentity, Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { Principal } from '@icp-sdk/core/principal';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { azleProbe } from '../fixtures/build.ts';
import { startServer } from '../support/pic.ts';
import { azleProbeIdl, type AzleProbe } from '../support/probes.ts';
import { Certifier, reconstruct } from '../../devnet/src/ic/certification.ts';
import { canisterIdFromIndex } from '../../devnet/src/ic/ids.ts';

let server: PocketIcServer;
let pic: PocketIc;
let canisterId: Principal;
let host: string;
let rootKey: Uint8Array;

before(async () => {
  const azle = azleProbe();
  server = await startServer();
  pic = await PocketIc.create(server.getUrl(), {
    nns: { state: { type: SubnetStateType.New } },
    application: [{ state: { type: SubnetStateType.New } }],
  });
  ({ canisterId } = await pic.setupCanister<AzleProbe>({
    idlFactory: azleProbeIdl,
    wasm: azle.wasmPath,
    arg: new Uint8Array(IDL.encode([IDL.Opt(IDL.Nat)], [[5n]])),
  }));
  const port = await pic.makeLive();
  host = `http://127.0.0.1:${port}`;
  const nns = await pic.getNnsSubnet();
  rootKey = new Uint8Array(await pic.getPubKey(nns!.id));
});

after(async () => {
  await pic?.stopLive();
  await pic?.tearDown();
  await server?.stop();
});

async function actorFor(identity: Identity) {
  const agent = await HttpAgent.create({ host, identity, shouldFetchRootKey: true, retryTimes: 0 });
  return { agent, actor: Actor.createActor<AzleProbe>(azleProbeIdl, { agent, canisterId }) as ActorSubclass<AzleProbe> };
}

/** A read-only POST of a CBOR envelope, for refusals the agent would retry or hide. */
async function post(path: string, envelope: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(`${host}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/cbor' },
    body: new Uint8Array(Cbor.encode(envelope)),
  });
  return { status: res.status, text: await res.text() };
}

/** Sign request content the way an agent does (the identity's transformRequest). */
async function signed(identity: Ed25519KeyIdentity | DelegationIdentity, content: Record<string, unknown>) {
  const out = await identity.transformRequest({ request: { method: 'POST', headers: {} }, endpoint: 'call', body: content } as never);
  return (out as unknown as { body: Record<string, unknown> }).body;
}

const nowNs = () => BigInt(Date.now()) * 1_000_000n;
const getArg = new Uint8Array(IDL.encode([], []));

describe('status and root key', () => {
  test('/api/v2/status gives the root key, which is the NNS (root) subnet key PicJS reads', async () => {
    const res = await fetch(`${host}/api/v2/status`);
    assert.equal(res.status, 200);
    const status = Cbor.decode(new Uint8Array(await res.arrayBuffer())) as { root_key: Uint8Array; replica_health_status: string };
    assert.equal(bytesToHex(status.root_key), bytesToHex(rootKey));
    assert.equal(status.replica_health_status, 'healthy');
    assert.equal(status.root_key.length, 133, 'DER of a BLS12-381 G2 key');
  });
});

describe('calls with verified certificates', () => {
  test('Ed25519: query and update; the update reply is read from a certificate that verifies with the root key', async () => {
    const identity = Ed25519KeyIdentity.generate();
    const { agent, actor } = await actorFor(identity);
    const before = await actor.get();
    const after = await actor.inc();
    assert.equal(after, before + 1n);
    assert.equal(await actor.get(), after);
    assert.equal((await actor.whoami()).toText(), identity.getPrincipal().toText());
    const { reply, rawCertificate } = await agent.update(canisterId, {
      methodName: 'inc',
      arg: getArg,
      effectiveCanisterId: canisterId,
    });
    assert.equal(IDL.decode([IDL.Nat], reply)[0], after + 1n);
    // Independently of the agent: the certificate's BLS signature, through its delegation, under the root key.
    const cert = Cbor.decode(rawCertificate) as { signature: Uint8Array; delegation?: { subnet_id: Uint8Array; certificate: Uint8Array } };
    assert.ok(cert.delegation, 'a certificate of the application subnet carries a delegation');
    const delegationCert = Cbor.decode(cert.delegation.certificate) as { signature: Uint8Array; delegation?: unknown };
    assert.equal(delegationCert.delegation, undefined);
    const verified = await Certificate.create({ certificate: rawCertificate, rootKey, principal: { canisterId } });
    assert.ok(verified.cert.delegation);
    assert.equal(Principal.fromUint8Array(cert.delegation.subnet_id).toText(), (await pic.getApplicationSubnets())[0].id.toText());
  });

  test('fetch_canister_logs: an agent’s query to the management canister reads what the canister printed', async () => {
    // The anonymous identity, the canister's controller (PicJS's default sender set it up).
    const agent = await HttpAgent.create({ host, shouldFetchRootKey: true, retryTimes: 0 });
    const actor = Actor.createActor<AzleProbe>(azleProbeIdl, { agent, canisterId }) as ActorSubclass<AzleProbe>;
    await actor.log('via the agent');
    const FetchResult = IDL.Record({
      canister_log_records: IDL.Vec(IDL.Record({ idx: IDL.Nat64, timestamp_nanos: IDL.Nat64, content: IDL.Vec(IDL.Nat8) })),
    });
    const res = await agent.query(Principal.fromText('aaaaa-aa'), {
      methodName: 'fetch_canister_logs',
      arg: IDL.encode([IDL.Record({ canister_id: IDL.Principal })], [{ canister_id: canisterId }]),
      effectiveCanisterId: canisterId,
    });
    assert.equal(res.status, 'replied');
    const { canister_log_records } = IDL.decode([FetchResult], (res as { reply: { arg: Uint8Array } }).reply.arg)[0] as unknown as {
      canister_log_records: { idx: bigint; content: Uint8Array }[];
    };
    assert.deepEqual(
      canister_log_records.map((r) => ({ idx: r.idx, text: new TextDecoder().decode(r.content) })),
      [{ idx: 0n, text: '"via the agent"' }],
    );
  });

  test('ECDSA P-256 (WebCrypto) identity: query and update as its self-authenticating principal', async () => {
    const identity = await ECDSAKeyIdentity.generate();
    const { actor } = await actorFor(identity);
    assert.equal((await actor.whoami()).toText(), identity.getPrincipal().toText());
    const n = await actor.get();
    assert.equal(await actor.inc(), n + 1n);
  });

  test('secp256k1 identity: query and update as its self-authenticating principal', async () => {
    const identity = Secp256k1KeyIdentity.generate();
    const { actor } = await actorFor(identity);
    assert.equal((await actor.whoami()).toText(), identity.getPrincipal().toText());
    const n = await actor.get();
    assert.equal(await actor.inc(), n + 1n);
  });

  test('a delegation chain of two (Ed25519 → P-256 → secp256k1) calls as the root identity', async () => {
    const root = Ed25519KeyIdentity.generate();
    const middle = await ECDSAKeyIdentity.generate();
    const session = Secp256k1KeyIdentity.generate();
    const first = await DelegationChain.create(root, middle.getPublicKey(), new Date(Date.now() + 600_000), { targets: [canisterId] });
    const chain = await DelegationChain.create(middle, session.getPublicKey(), new Date(Date.now() + 600_000), { previous: first });
    const identity = DelegationIdentity.fromDelegation(session, chain);
    const { actor } = await actorFor(identity);
    assert.equal((await actor.whoami()).toText(), root.getPrincipal().toText());
    const n = await actor.get();
    assert.equal(await actor.inc(), n + 1n);
  });

  test('a data certificate of a canister on the application subnet carries the delegation and verifies under the root key', async () => {
    const { actor } = await actorFor(Ed25519KeyIdentity.generate());
    const data = new Uint8Array(32).fill(7);
    await actor.setCertified(data);
    const [raw] = await actor.certificate();
    assert.ok(raw);
    assert.ok((Cbor.decode(raw) as { delegation?: unknown }).delegation, 'with a subnet delegation');
    const cert = await Certificate.create({ certificate: raw, rootKey, principal: { canisterId } });
    assert.equal(
      bytesToHex(lookupResultToBuffer(cert.lookup_path(['canister', canisterId.toUint8Array(), 'certified_data']))!),
      bytesToHex(data),
    );
  });

  test('read_state of a canister gives its module hash and controllers, certified', async () => {
    const { agent } = await actorFor(Ed25519KeyIdentity.generate());
    const enc = new TextEncoder();
    const paths = [
      [enc.encode('canister'), canisterId.toUint8Array(), enc.encode('module_hash')],
      [enc.encode('canister'), canisterId.toUint8Array(), enc.encode('controllers')],
    ];
    const { certificate } = await agent.readState(canisterId, { paths });
    const cert = await Certificate.create({ certificate, rootKey, principal: { canisterId } });
    const moduleHash = lookupResultToBuffer(cert.lookup_path(paths[0]));
    const status = await pic.getControllers(canisterId);
    assert.equal(moduleHash?.length, 32);
    const controllers = Cbor.decode(lookupResultToBuffer(cert.lookup_path(paths[1]))!) as Uint8Array[];
    assert.deepEqual(
      controllers.map((c) => Principal.fromUint8Array(c).toText()),
      status.map((p) => p.toText()),
    );
  });
});

describe('other endpoints', () => {
  test('an asynchronous v2 call (202) is answered through read_state request_status polling', async () => {
    const { agent, actor } = await actorFor(Ed25519KeyIdentity.generate());
    const before = await actor.get();
    const { requestId, response } = await agent.call(canisterId, {
      methodName: 'inc',
      arg: getArg,
      effectiveCanisterId: canisterId,
      callSync: false,
    });
    assert.equal(response.status, 202);
    const { reply } = await polling.pollForResponse(agent, canisterId, requestId);
    assert.equal(IDL.decode([IDL.Nat], reply)[0], before + 1n);
  });

  test('a v3 synchronous call answers 200 with a certificate holding the reply', async () => {
    const alice = Ed25519KeyIdentity.generate();
    const content = {
      request_type: 'call',
      canister_id: canisterId,
      method_name: 'whoami',
      arg: getArg,
      sender: alice.getPrincipal(),
      ingress_expiry: nowNs() + 60_000_000_000n,
    };
    const res = await fetch(`${host}/api/v3/canister/${canisterId.toText()}/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/cbor' },
      body: new Uint8Array(Cbor.encode(await signed(alice, content))),
    });
    assert.equal(res.status, 200);
    const body = Cbor.decode(new Uint8Array(await res.arrayBuffer())) as { status: string; certificate: Uint8Array };
    assert.equal(body.status, 'replied');
    const cert = await Certificate.create({ certificate: body.certificate, rootKey, principal: { canisterId } });
    const reply = lookupResultToBuffer(cert.lookup_path(['request_status', requestIdOf(content), 'reply']));
    assert.equal((IDL.decode([IDL.Principal], reply!)[0] as unknown as Principal).toText(), alice.getPrincipal().toText());
  });

  test('subnet read_state: the application subnet key, canister ranges and node key, verified for the subnet', async () => {
    const { agent } = await actorFor(Ed25519KeyIdentity.generate());
    const subnetId = (await pic.getApplicationSubnets())[0].id;
    const status = await SubnetStatus.request({ subnetId, agent, paths: ['publicKey', 'nodeKeys'] });
    assert.equal(bytesToHex(status.get('publicKey') as Uint8Array), bytesToHex(new Uint8Array(await pic.getPubKey(subnetId))));
    const nodeKeys = status.get('nodeKeys') as unknown as Map<string, Uint8Array>;
    assert.equal(nodeKeys.size, 1, 'one node per subnet');
    const [[nodeId, nodeKey]] = [...nodeKeys.entries()];
    assert.equal(nodeId, Principal.selfAuthenticating(nodeKey).toText(), 'the node id is the self-authenticating principal of its key');
    const path = [new TextEncoder().encode('subnet'), subnetId.toUint8Array(), new TextEncoder().encode('canister_ranges')];
    const { certificate } = await agent.readSubnetState(subnetId, { paths: [path] });
    const cert = await Certificate.create({ certificate, rootKey, principal: { subnetId } });
    const ranges = Cbor.decode(lookupResultToBuffer(cert.lookup_path(path))!) as [Uint8Array, Uint8Array][];
    assert.deepEqual(
      ranges.map(([a, b]) => [Principal.fromUint8Array(a).toText(), Principal.fromUint8Array(b).toText()]),
      [[canisterIdFromIndex(0xffffffffffe00000n).toText(), canisterIdFromIndex(0xffffffffffefffffn).toText()]],
    );
  });

  test('a call to a missing method is a certified reject (from the certificate of the v4 call), reject code 5, IC0536', async () => {
    const { agent } = await actorFor(Ed25519KeyIdentity.generate());
    await assert.rejects(agent.update(canisterId, { methodName: 'nope', arg: getArg, effectiveCanisterId: canisterId }), (e: Error) => {
      const code = (e as unknown as { code: { name: string; rejectCode: number; rejectErrorCode: string; rejectMessage: string } }).code;
      assert.equal(code.name, 'CertifiedRejectErrorCode');
      assert.equal(code.rejectCode, 5);
      assert.equal(code.rejectErrorCode, 'IC0536');
      assert.equal(code.rejectMessage, `Error from Canister ${canisterId.toText()}: Canister has no update method 'nope'.`);
      return true;
    });
  });

  test('a POST that is not application/cbor is refused', async () => {
    const res = await fetch(`${host}/api/v3/canister/${canisterId.toText()}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.equal(res.status, 400);
    assert.equal(await res.text(), 'Unexpected content-type, expected application/cbor.');
  });

  test('reading the status of another sender request is refused with 403', async () => {
    const alice = Ed25519KeyIdentity.generate();
    const { agent } = await actorFor(alice);
    const { requestId } = await agent.call(canisterId, {
      methodName: 'inc',
      arg: getArg,
      effectiveCanisterId: canisterId,
      callSync: false,
    });
    const bob = Ed25519KeyIdentity.generate();
    const enc = new TextEncoder();
    const content = {
      request_type: 'read_state',
      paths: [[enc.encode('request_status'), requestId]],
      sender: bob.getPrincipal(),
      ingress_expiry: nowNs() + 60_000_000_000n,
    };
    const res = await post(`/api/v2/canister/${canisterId.toText()}/read_state`, await signed(bob, content));
    assert.equal(res.status, 403);
    assert.equal(res.text, `Request IDs must be for requests signed by the caller: ${bytesToHex(requestId)}`);
  });
});

describe('refusals, with the replica messages', () => {
  test('a forged sender (content names one principal, another key signs) is refused', async () => {
    const victim = Ed25519KeyIdentity.generate();
    const mallory = Ed25519KeyIdentity.generate();
    const content = {
      request_type: 'query',
      canister_id: canisterId,
      method_name: 'whoami',
      arg: getArg,
      sender: victim.getPrincipal(),
      ingress_expiry: nowNs() + 60_000_000_000n,
    };
    const res = await post(`/api/v3/canister/${canisterId.toText()}/query`, await signed(mallory, content));
    assert.equal(res.status, 400);
    assert.match(res.text, new RegExp(`The user id '${victim.getPrincipal().toText()}' does not match the public key`));
  });

  test('a signature over different content is refused as an invalid Ed25519 signature', async () => {
    const alice = Ed25519KeyIdentity.generate();
    const content = {
      request_type: 'call',
      canister_id: canisterId,
      method_name: 'inc',
      arg: getArg,
      sender: alice.getPrincipal(),
      ingress_expiry: nowNs() + 60_000_000_000n,
    };
    const envelope = await signed(alice, content);
    const tampered = { ...envelope, content: { ...(envelope.content as object), method_name: 'get' } };
    const res = await post(`/api/v2/canister/${canisterId.toText()}/call`, tampered);
    assert.equal(res.status, 400);
    assert.match(res.text, /Invalid signature: Invalid basic signature: Ed25519 signature could not be verified/);
  });

  test('an expired delegation is refused', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() - 60_000));
    const { actor } = await actorFor(DelegationIdentity.fromDelegation(session, chain));
    await assert.rejects(actor.get(), /Invalid delegation expiry: Specified sender delegation has expired/);
  });

  test('a delegation for another canister is refused', async () => {
    const root = Ed25519KeyIdentity.generate();
    const session = Ed25519KeyIdentity.generate();
    const other = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    const chain = await DelegationChain.create(root, session.getPublicKey(), new Date(Date.now() + 600_000), { targets: [other] });
    const identity = DelegationIdentity.fromDelegation(session, chain);
    const content = {
      request_type: 'call',
      canister_id: canisterId,
      method_name: 'inc',
      arg: getArg,
      sender: identity.getPrincipal(),
      ingress_expiry: nowNs() + 60_000_000_000n,
    };
    const res = await post(`/api/v2/canister/${canisterId.toText()}/call`, await signed(identity, content));
    assert.equal(res.status, 400);
    assert.match(res.text, new RegExp(`Canister '${canisterId.toText()}' is not one of the delegation targets\\.`));
  });

  test('an expired ingress message is refused', async () => {
    const alice = Ed25519KeyIdentity.generate();
    const content = {
      request_type: 'call',
      canister_id: canisterId,
      method_name: 'inc',
      arg: getArg,
      sender: alice.getPrincipal(),
      ingress_expiry: nowNs() - 60_000_000_000n,
    };
    const res = await post(`/api/v4/canister/${canisterId.toText()}/call`, await signed(alice, content));
    assert.equal(res.status, 400);
    assert.match(res.text, /Invalid request expiry: Specified ingress_expiry not within expected range/);
  });

  test('an agent holding another root key refuses the devnet certificates', async () => {
    const otherRoot = new Certifier().rootKeyDer;
    const agent = await HttpAgent.create({ host, identity: Ed25519KeyIdentity.generate(), rootKey: otherRoot, retryTimes: 0 });
    const actor = Actor.createActor<AzleProbe>(azleProbeIdl, { agent, canisterId });
    // The update's certificate, and the read_state certificate a query needs for the node keys.
    await assert.rejects(actor.inc(), /Signature verification failed: TrustError: Certificate verification error: "Invalid signature"/);
    await assert.rejects(actor.get(), /Signature verification failed: TrustError: Certificate verification error: "Invalid signature"/);
  });

  test('a certificate of the application subnet is refused for a canister outside its ranges', async () => {
    const { agent } = await actorFor(Ed25519KeyIdentity.generate());
    const { certificate } = await agent.readState(canisterId, { paths: [[new TextEncoder().encode('time')]] });
    const nnsCanister = Principal.fromText('ryjl3-tyaaa-aaaaa-aaaba-cai');
    await assert.rejects(
      Certificate.create({ certificate, rootKey, principal: { canisterId: nnsCanister } }),
      /The certificate contains a delegation that does not include the canister ryjl3-tyaaa-aaaaa-aaaba-cai in the canister_ranges field/,
    );
  });

  test('the certificate signature is a BLS signature an independent check accepts only under the signing key', async () => {
    const { agent } = await actorFor(Ed25519KeyIdentity.generate());
    const { certificate } = await agent.readState(canisterId, { paths: [[new TextEncoder().encode('time')]] });
    const outer = Cbor.decode(certificate) as { delegation: { certificate: Uint8Array } };
    const delegation = await Certificate.create({ certificate: outer.delegation.certificate, rootKey, principal: { canisterId } });
    // The delegation certificate is signed by the root key: check it with noble's BLS directly.
    const msg = new Uint8Array([...new TextEncoder().encode('\x0Dic-state-root'), ...reconstruct(delegation.cert.tree as never)]);
    const pk = bls12_381.shortSignatures;
    const rootRaw = rootKey.slice(rootKey.length - 96);
    assert.ok(pk.verify(pk.Signature.fromBytes(delegation.cert.signature), pk.hash(msg), bls12_381.G2.Point.fromBytes(rootRaw)));
    assert.ok(
      !pk.verify(pk.Signature.fromBytes(delegation.cert.signature), pk.hash(msg), bls12_381.G2.Point.fromBytes(new Certifier().rootKeyRaw)),
    );
  });
});
