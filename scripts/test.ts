// Runs every test of the project with Node's own test runner, on the Node that runs this script
// (the project's Node 24 from node_modules/.bin when started through npm).
import { spawnSync } from 'node:child_process';

const patterns = process.argv.length > 2
  ? process.argv.slice(2)
  : ['src/**/*.test.ts', 'devnet/**/*.test.ts', 'test/**/*.test.ts'];
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-timeout=600000', ...patterns], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
