/**
 * A smoke test started by server.test.ts with POCKET_IC_BIN set: it uses the shared test setup
 * (test/support/pic.ts), so it proves the suite starts whatever binary POCKET_IC_BIN names.
 * Named .smoke.ts so the main test run does not pick it up on its own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketIc } from '@dfinity/pic';
import { startServer } from '../support/pic.ts';

test('create a canister on the server POCKET_IC_BIN names', async () => {
  const server = await startServer();
  const pic = await PocketIc.create(server.getUrl());
  const id = await pic.createCanister({ cycles: 1_000_000n });
  assert.equal(await pic.getCyclesBalance(id), 1_000_000);
  await pic.tearDown();
  await server.stop();
});
