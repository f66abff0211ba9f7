import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInAzleLikeRuntime } from '../../../test/support/azle-like-runtime.ts';

/**
 * Runs the Ethereum builders in a fresh Node process, optionally with globals like stable-mode
 * Azle's QuickJS (no Intl/WebSocket; fetch, Buffer, URL, setTimeout, … throw when read, as
 * Azle's globals.ts makes them; `crypto` only has getRandomValues) and packages resolved to
 * their browser builds as in the esbuild canister bundle. An emulation in Node, not QuickJS;
 * the canister test of issue 3 runs the real thing.
 */
function runBuilders(azleLike: boolean): Record<string, string> {
  return runInAzleLikeRuntime({
    azleLike,
    env: { ETH_INDEX: new URL('./index.ts', import.meta.url).href },
    body: `
    const eth = await import(process.env.ETH_INDEX);
    const { secp256k1 } = await import('@noble/curves/secp256k1.js');
    const { bytesToHex } = await import('@noble/hashes/utils.js');
    const secret = new Uint8Array(32).fill(7);
    const publicKey = secp256k1.getPublicKey(secret, true);
    const transaction = {
      chainId: 11155111n, nonce: 3n, to: '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238', value: 0n,
      data: eth.encodeErc20Transfer({ to: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8', amount: eth.parseErc20Amount({ value: '12.5', decimals: 6 }) }),
      gas: 65000n, maxFeePerGas: eth.parseEther('0.00000003'), maxPriorityFeePerGas: 1000000000n,
    };
    const hash = eth.transactionSigningHash(transaction);
    const signed = eth.assembleSignedTransaction({ transaction, signature: secp256k1.sign(hash, secret, { prehash: false }), publicKey });
    const personal = eth.personalSignature({ message: 'hello', signature: secp256k1.sign(eth.hashPersonalMessage('hello'), secret, { prehash: false }), publicKey });
    process.stdout.write(JSON.stringify({
      intl: typeof globalThis.Intl,
      address: eth.publicKeyToAddress(publicKey),
      parsed: eth.parseAddress('0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359'),
      unsigned: bytesToHex(eth.serializeUnsignedTransaction(transaction)),
      raw: signed.rawTransaction,
      hash: signed.hash,
      personal,
      ether: eth.formatEther(123456789000000000n),
    }));
    `,
  });
}

test('in an Azle-like runtime (no Intl, Buffer, URL, fetch, setTimeout, crypto.subtle) the bytes are identical', () => {
  const node = runBuilders(false);
  const azle = runBuilders(true);
  assert.equal(node.intl, 'object');
  assert.equal(azle.intl, 'undefined');
  assert.deepEqual(azle, { ...node, intl: 'undefined' });
  assert.equal(node.parsed, '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
  assert.equal(node.ether, '0.123456789');
});
