import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDeploymentFile, writeDeploymentFile } from './deployment-file.ts';
import { CliError } from './exit-codes.ts';
import { tempDir } from './test-support.ts';

const DEPLOYMENT = {
  network: 'local' as const,
  host: 'http://127.0.0.1:4943',
  rootKeyHex: '308182',
  canisters: { wallet: 'lxzze-o7777-77777-aaaaa-cai', frontend: null },
  masterKeys: [],
};

describe('deployment file', () => {
  test('write creates .devnet/ and read returns the same record; a missing file reads as undefined', () => {
    const path = join(tempDir('wallet-dep-'), '.devnet', 'deployment.json');
    assert.equal(readDeploymentFile(path), undefined);
    writeDeploymentFile(DEPLOYMENT, path);
    assert.equal(readFileSync(path, 'utf8'), `${JSON.stringify(DEPLOYMENT, null, 2)}\n`);
    assert.deepEqual(readDeploymentFile(path), DEPLOYMENT);
  });

  test('a broken file is a config error naming the file and the field', () => {
    const path = join(tempDir('wallet-dep-'), 'deployment.json');
    writeFileSync(path, JSON.stringify({ ...DEPLOYMENT, network: 'mainnet' }));
    assert.throws(
      () => readDeploymentFile(path),
      (e) =>
        e instanceof CliError &&
        e.kind === 'config' &&
        e.message === `${path} is not a valid deployment record ("network" must be "local" or "ic", got "mainnet"); run npm start again`,
    );
  });
});
