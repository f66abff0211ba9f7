// `npm test`: type-checks, format-checks and lints the project, then runs every test with Node's own test runner, on the
// Node that runs this script (the project's Node 24 from node_modules/.bin through npm).
// Pass file globs to run a subset: `npm test -- 'devnet/**/*.test.ts'` (then the type check and lint are skipped).
// The web app's component tests (canisters/frontend/src/**/*.spec.ts) run with vitest in jsdom, in the full run or
// when a glob names a .spec.ts file: `npm test -- 'canisters/frontend/**/*.spec.ts'`.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const custom = process.argv.length > 2;
const patterns = custom ? process.argv.slice(2) : ['src/**/*.test.ts', 'devnet/**/*.test.ts', 'test/**/*.test.ts', 'cli/**/*.test.ts'];

/** Run one check on the project's Node; stop the run when it fails. */
function check(label: string, args: string[]): void {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`test: ${label} failed\n`);
    process.exit(r.status ?? 1);
  }
}

if (!custom) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  check('type check', [tsc, '--noEmit', '-p', 'tsconfig.json']);
  // Canister code is bundled by Azle (bundler module resolution): it has its own tsconfig.
  check('type check of canisters/wallet', [tsc, '--noEmit', '-p', 'canisters/wallet/tsconfig.json']);
  check('type check of canisters/frontend', [tsc, '--noEmit', '-p', 'canisters/frontend/tsconfig.json']);
  check('type check of the web app', [tsc, '--noEmit', '-p', 'canisters/frontend/tsconfig.app.json']);
  check('format check (run `npm run format`)', [
    join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
    '--check',
    '--log-level',
    'warn',
    '.',
  ]);
  check('lint', [join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']);
}
const specs = custom ? patterns.filter((p) => p.endsWith('.spec.ts')) : [];
const specFiles = specs.flatMap((p) => globSync(p, { cwd: root }));
if (specs.length > 0 && specFiles.length === 0) {
  process.stderr.write(`test: no component test matches ${specs.join(' ')}\n`);
  process.exit(1);
}
if (!custom || specs.length > 0) {
  check('component tests (vitest)', [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--config',
    'canisters/frontend/vite.config.ts',
    // vitest takes file-name filters, not globs: expand the globs here, to paths under the app's root.
    ...specFiles.map((p) => relative(join(root, 'canisters', 'frontend'), join(root, p))),
  ]);
}
const nodePatterns = patterns.filter((p) => !p.endsWith('.spec.ts'));
if (custom && nodePatterns.length === 0) process.exit(0);
const result = spawnSync(
  process.execPath,
  ['--disable-warning=ExperimentalWarning', '--test', '--test-concurrency=1', '--test-timeout=600000', ...nodePatterns],
  { cwd: root, stdio: 'inherit', env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` } },
);
process.exit(result.status ?? 1);
