// Preloaded (`node --require`) into the `hardhat node` process by ./evm-node.ts.
// Its stdin is a pipe from the devnet process; when that process ends, however
// it ends (even SIGKILL), the pipe closes and the EVM node exits with it, so it
// is never orphaned. Hardhat itself never reads stdin. It also removes the
// private temporary home that evm-node.ts made for it, which that process can
// no longer do.
'use strict';

const { rmSync } = require('node:fs');
const { basename, dirname } = require('node:path');
const { tmpdir } = require('node:os');

const exit = () => {
  const home = process.env.DEVNET_EVM_TEMP_HOME;
  // Only ever a directory that evm-node.ts created with mkdtemp.
  if (home && dirname(home) === tmpdir() && basename(home).startsWith('devnet-evm-')) {
    rmSync(home, { recursive: true, force: true });
  }
  process.exit(0);
};
process.stdin.on('end', exit);
process.stdin.on('close', exit);
process.stdin.on('error', exit);
process.stdin.resume();
