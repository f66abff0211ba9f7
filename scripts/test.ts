// `npm test`: type-checks, format-checks and lints the project, then runs every test with Node's own test runner, on the
// Node that runs this script (the project's Node 24 from node_modules/.bin through npm).
// Pass file globs to run a subset: `npm test -- 'devnet/**/*.test.ts'` (then the type check and lint are skipped).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const custom = process.argv.length > 2;
const patterns = custom ? process.argv.slice(2) : ['src/**/*.test.ts', 'devnet/**/*.test.ts', 'test/**/*.test.ts'];

if (!custom) {
  const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  if (tsc.status !== 0) {
    process.stderr.write('test: type check failed\n');
    process.exit(tsc.status ?? 1);
  }
  // Canister code is bundled by Azle (bundler module resolution): it has its own tsconfig.
  const canisterTsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'canisters/wallet/tsconfig.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (canisterTsc.status !== 0) {
    process.stderr.write('test: type check of canisters/wallet failed\n');
    process.exit(canisterTsc.status ?? 1);
  }
  const format = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '--log-level', 'warn', '.'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (format.status !== 0) {
    process.stderr.write('test: formatting differs from Prettier; run `npm run format`\n');
    process.exit(format.status ?? 1);
  }
  const lint = spawnSync(process.execPath, [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (lint.status !== 0) {
    process.stderr.write('test: lint failed\n');
    process.exit(lint.status ?? 1);
  }
}
const result = spawnSync(
  process.execPath,
  ['--disable-warning=ExperimentalWarning', '--test', '--test-concurrency=1', '--test-timeout=600000', ...patterns],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` } },
);
process.exit(result.status ?? 1);
