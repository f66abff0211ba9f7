// Address parsing as the Bitcoin canister does it on regtest, driven by Bitcoin Core's key_io and
// BIP350's vectors (the repository's test/vectors/btc, with their source links).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { addressToScript, parseAddress, scriptToAddress } from './address.ts';
import { bytesToHex, hexToBytes } from './bytes.ts';
import { DEVNET_MINER_ADDRESS } from './chain.ts';
import { InvalidAddressError } from './errors.ts';

const vectors = (name: string) => JSON.parse(readFileSync(new URL(`../../../../test/vectors/btc/${name}`, import.meta.url), 'utf8'));
const keyIo = vectors('bitcoin-core-key-io.json') as { valid: [string, string, string][]; invalid: string[] };

const kindOf = (address: string) => {
  try {
    addressToScript({ address, network: 'regtest' });
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof InvalidAddressError);
    return e.kind;
  }
};

describe('addressToScript on regtest', () => {
  test('Bitcoin Core key_io: regtest addresses give their scriptPubKey', () => {
    const regtest = keyIo.valid.filter(([, , chain]) => chain === 'regtest');
    assert.equal(regtest.length, 12);
    for (const [address, script] of regtest) {
      assert.equal(bytesToHex(addressToScript({ address, network: 'regtest' })), script, address);
      // And back: the regtest encoding of the script is the address (key_io uses canonical lower case).
      assert.equal(scriptToAddress({ script: hexToBytes(script), network: 'regtest' }), address);
    }
  });

  test('mainnet addresses and testnet bech32 are the wrong network; testnet base58 is shared with regtest', () => {
    for (const [address, script, chain] of keyIo.valid) {
      if (chain === 'regtest') continue;
      const base58Testnet = chain === 'testnet4' && !address.toLowerCase().startsWith('tb1');
      // rust-bitcoin's require_network(Regtest) accepts testnet's base58 prefixes (0x6f, 0xc4).
      assert.equal(kindOf(address), base58Testnet ? 'ok' : 'wrong-network', `${chain} ${address}`);
      assert.equal(bytesToHex(parseAddress(address).scriptPubKey), script);
    }
    assert.equal(kindOf('mzK2FFDEhxqHcmrJw1ysqFkVyhUULo45hZ'), 'ok');
    assert.equal(kindOf('bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv'), 'wrong-network');
  });

  test('invalid strings are malformed (key_io_invalid and BIP350 invalid)', () => {
    for (const address of keyIo.invalid) assert.equal(kindOf(address), 'malformed', JSON.stringify(address));
    for (const { address } of vectors('bip350.json').invalid as { address: string }[]) {
      assert.equal(kindOf(address), 'malformed', address);
    }
  });

  test('BIP350 valid addresses decode to their scriptPubKey (upper case included)', () => {
    for (const { address, scriptPubKey } of vectors('bip350.json').valid as { address: string; scriptPubKey: string }[]) {
      assert.equal(bytesToHex(parseAddress(address).scriptPubKey), scriptPubKey, address);
    }
  });

  test('the devnet miner address is P2WSH(OP_TRUE)', () => {
    assert.equal(DEVNET_MINER_ADDRESS, 'bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85');
    assert.equal(
      bytesToHex(addressToScript({ address: DEVNET_MINER_ADDRESS, network: 'regtest' })),
      '00204ae81572f06e1b88fd5ced7a1a000945432e83e1551e6f721ee9c00b8cc33260',
    );
  });

  test('errors name the address and the reason', () => {
    assert.throws(() => addressToScript({ address: 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', network: 'regtest' }), {
      name: 'InvalidAddressError',
      message: 'Invalid regtest address "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4": an address of mainnet, expected regtest',
    });
    assert.throws(() => addressToScript({ address: 'bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt081', network: 'regtest' }), {
      message: 'Invalid regtest address "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt081": bad bech32/bech32m checksum or characters',
    });
  });
});
