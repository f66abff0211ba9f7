/**
 * Cycles as the IC charges them: a message is charged for at most its instruction limit, however
 * far a bulk operation drives the instruction counter. The canister is a minimal hand-assembled
 * module with a 64-bit memory whose update method fills 2^63 - 1 bytes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type PocketIc, type PocketIcServer } from '@dfinity/pic';
import { IDL } from '@icp-sdk/core/candid';
import { encodeUnsigned } from '../../devnet/src/wasm/leb128.ts';
import { motokoProbe, type Fixture } from '../fixtures/build.ts';
import { onDevnet, startInstance, stopInstance } from '../support/pic.ts';
import { motokoProbeIdl, type MotokoProbe } from '../support/probes.ts';

type Bytes = number[];
const u = (n: number): Bytes => [...encodeUnsigned(n)];
const str = (text: string): Bytes => {
  const b = new TextEncoder().encode(text);
  return [...u(b.length), ...b];
};
const vec = (items: Bytes[]): Bytes => [...u(items.length), ...items.flat()];
const section = (id: number, payload: Bytes): Bytes => [id, ...u(payload.length), ...payload];

/** (module (memory i64 1) (func (export "canister_update fill") (memory.fill (i64.const 0) (i32.const 0) (i64.const 0x7fff_ffff_ffff_ffff)))) */
const fillModule = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, vec([[0x60, 0x00, 0x00]])), // type 0: [] -> []
  ...section(3, vec([[0x00]])), // function 0: type 0
  ...section(5, vec([[0x04, 0x01]])), // memory 0: 64-bit, 1 page
  ...section(7, vec([[...str('canister_update fill'), 0x00, 0x00]])),
  ...section(
    10,
    vec([
      (() => {
        const code = [
          0x00, // no locals
          ...[0x42, 0x00], // i64.const 0 (destination)
          ...[0x41, 0x00], // i32.const 0 (byte value)
          ...[0x42, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00], // i64.const 2^63 - 1 (signed LEB128)
          ...[0xfc, 0x0b, 0x00], // memory.fill memory 0
          0x0b, // end
        ];
        return [...u(code.length), ...code];
      })(),
    ]),
  ),
]);

let server: PocketIcServer;
let pic: PocketIc;
let motoko: Fixture;

before(async () => {
  motoko = motokoProbe();
  ({ server, pic } = await startInstance());
});

after(() => stopInstance({ server, pic }));

describe('cycles: every charge is capped at the message’s limit', () => {
  test('a 2^63-byte memory.fill traps and is charged at most its instruction limit’s cycles', { skip: !onDevnet }, async () => {
    const canisterId = await pic.createCanister();
    await pic.installCode({ canisterId, wasm: fillModule, arg: new Uint8Array() });
    const before = await pic.getCyclesBalance(canisterId);
    const arg = new Uint8Array(IDL.encode([], []));
    await assert.rejects(pic.updateCall({ canisterId, method: 'fill', arg }), /exceeded the limit of 40000000000 instructions/);
    const charged = before - (await pic.getCyclesBalance(canisterId));
    // The ingress fee (1.2M cycles + 2,000 a byte) and the prepaid execution of the whole limit
    // (5M cycles + 8 per 10 instructions: a 64-bit module pays twice the Wasm32 price of 4,
    // WASM64_INSTRUCTION_COST_OVERHEAD in dfinity/ic rs/config/src/subnet_config.rs), none of it refunded.
    const ingress = 1_200_000n + 2_000n * BigInt(arg.length + 'fill'.length);
    assert.equal(charged, ingress + 5_000_000n + (8n * 40_000_000_000n) / 10n);
    assert.equal(charged, 32_005_000_000n + 1_220_000n);
  });
});

describe('cycles: the freezing threshold', () => {
  test(
    'a Motoko canister whose balance is below its freezing threshold refuses messages with the replica’s out-of-cycles text',
    { skip: !onDevnet },
    async () => {
      const canisterId = await pic.createCanister({ cycles: 1_000_000_000_000n });
      await pic.installCode({ canisterId, wasm: motoko.wasmPath, arg: new Uint8Array(IDL.encode([], [])) });
      const actor = pic.createActor<MotokoProbe>(motokoProbeIdl, canisterId);
      assert.equal(await actor.inc(), 1n);
      const freezingThreshold = 100_000_000_000n; // seconds: about 3,170 years of idle burn
      await pic.updateCanisterSettings({ canisterId, freezingThreshold });
      const status = await pic.canisterStatus({ canisterId });
      // Storage at 127,000 cycles per GiB per second (IC docs "Cycles cost formulas").
      assert.equal(status.idleCyclesBurnedPerDay, (status.memorySize * 127_000n * 86_400n) / 2n ** 30n);
      const threshold = (status.idleCyclesBurnedPerDay * freezingThreshold) / 86_400n;
      assert.ok(threshold > status.cycles);
      const ingressFee = 1_200_000n + 2_000n * BigInt(6 + 'inc'.length);
      await assert.rejects(
        actor.inc(),
        (e: Error) => (
          assert.ok(
            e.message.includes(
              `Canister ${canisterId.toText()} is out of cycles: please top up the canister with at least ${ingressFee + threshold - status.cycles} additional cycles`,
            ),
            e.message,
          ),
          true
        ),
      );
      assert.equal(BigInt(await pic.getCyclesBalance(canisterId)), status.cycles, 'a refused message is not charged');
      await pic.updateCanisterSettings({ canisterId, freezingThreshold: 0n });
      assert.equal(await actor.inc(), 2n);
    },
  );
});
