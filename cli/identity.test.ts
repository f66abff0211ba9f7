/**
 * `wallet identity new|import|list|use`, run as a child process: key files of mode 0600 that
 * never reach the output, principals equal to @icp-sdk/core's identities over the same keys,
 * encrypted and foreign PEMs refused, and the exact --json output.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { base64urlnopad } from '@scure/base';
import { tempDir, wallet } from './test-support.ts';

const b64u = (bytes: Uint8Array) => base64urlnopad.encode(bytes);
const mode = (path: string) => statSync(path).mode & 0o777;
const pemBody = (pem: string) => pem.split('\n').filter((l) => l && !l.startsWith('-----'))[0];

/** The secret of a stored PEM, read with Node's OpenSSL, as the icp-sdk identity of its type sees it. */
function principalOfPem(pem: string): string {
  const key = createPrivateKey(pem);
  const d = base64urlnopad.decode((key.export({ format: 'jwk' }) as { d: string }).d);
  const identity = key.asymmetricKeyType === 'ed25519' ? Ed25519KeyIdentity.fromSecretKey(d) : Secp256k1KeyIdentity.fromSecretKey(d);
  return identity.getPrincipal().toText();
}

// Fixed keys: an Ed25519 secret of 32 × 0x01 and a secp256k1 secret of 32 × 0x02.
const ED_SECRET = new Uint8Array(32).fill(1);
const ED_PRINCIPAL = 'wf3fv-4c4nr-7ks2b-xa4u7-kf3no-32glf-lf7e4-4ng4a-wwtlu-a2vnq-nae';
const edPkcs8 = createPrivateKey({
  key: { kty: 'OKP', crv: 'Ed25519', d: b64u(ED_SECRET), x: b64u(ed25519.getPublicKey(ED_SECRET)) },
  format: 'jwk',
}).export({ type: 'pkcs8', format: 'pem' }) as string;
const K1_SECRET = new Uint8Array(32).fill(2);
const k1Point = secp256k1.getPublicKey(K1_SECRET, false);
const k1Key = createPrivateKey({
  key: { kty: 'EC', crv: 'secp256k1', d: b64u(K1_SECRET), x: b64u(k1Point.subarray(1, 33)), y: b64u(k1Point.subarray(33)) },
  format: 'jwk',
});
const k1Sec1 = k1Key.export({ type: 'sec1', format: 'pem' }) as string;
const k1Pkcs8 = k1Key.export({ type: 'pkcs8', format: 'pem' }) as string;
const K1_PRINCIPAL = Secp256k1KeyIdentity.fromSecretKey(K1_SECRET).getPrincipal().toText();

describe('wallet identity new', () => {
  test('writes an Ed25519 PKCS#8 key with mode 0600 (directories 0700), prints exact JSON and never the key', () => {
    const home = tempDir('wallet-id-');
    const r = wallet(['identity', 'new', 'alice', '--json'], { configHome: home });
    assert.equal(r.status, 0, r.stderr);
    const dir = join(home, 'icp-wallet');
    const file = join(dir, 'identities', 'alice.pem');
    const pem = readFileSync(file, 'utf8');
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(createPrivateKey(pem).asymmetricKeyType, 'ed25519');
    assert.equal(mode(file), 0o600);
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'identities')), 0o700);
    assert.equal(r.stdout, `{"name":"alice","type":"ed25519","principal":"${principalOfPem(pem)}","selected":true}\n`);
    assert.equal(r.stderr, '');
    assert.ok(!r.stdout.includes(pemBody(pem)));
  });

  test('--type secp256k1 writes a SEC1 "EC PRIVATE KEY"; a second identity is not selected', () => {
    const home = tempDir('wallet-id-');
    assert.equal(wallet(['identity', 'new', 'alice'], { configHome: home }).status, 0);
    const r = wallet(['--json', 'identity', 'new', '--type', 'secp256k1', 'bob'], { configHome: home });
    assert.equal(r.status, 0, r.stderr);
    const pem = readFileSync(join(home, 'icp-wallet', 'identities', 'bob.pem'), 'utf8');
    assert.match(pem, /^-----BEGIN EC PRIVATE KEY-----\n/);
    assert.equal(mode(join(home, 'icp-wallet', 'identities', 'bob.pem')), 0o600);
    assert.equal(r.stdout, `{"name":"bob","type":"secp256k1","principal":"${principalOfPem(pem)}","selected":false}\n`);
  });

  test('refuses an existing name (exit 3) and a bad name or type (exit 2), keeping the first key', () => {
    const home = tempDir('wallet-id-');
    assert.equal(wallet(['identity', 'new', 'alice'], { configHome: home }).status, 0);
    const before = readFileSync(join(home, 'icp-wallet', 'identities', 'alice.pem'), 'utf8');
    const again = wallet(['identity', 'new', 'alice'], { configHome: home });
    assert.deepEqual([again.status, again.stdout, again.stderr], [3, '', 'wallet: an identity named "alice" already exists\n']);
    assert.equal(readFileSync(join(home, 'icp-wallet', 'identities', 'alice.pem'), 'utf8'), before);
    assert.equal(wallet(['identity', 'new', '../evil'], { configHome: home }).status, 2);
    assert.equal(wallet(['identity', 'new', 'x', '--type', 'rsa'], { configHome: home }).status, 2);
    assert.deepEqual(readdirSync(join(home, 'icp-wallet', 'identities')), ['alice.pem']);
  });
});

describe('wallet identity import', () => {
  test('Ed25519 PKCS#8 and secp256k1 SEC1 and PKCS#8 PEMs: exact principals, stored 0600, output without the key', () => {
    const home = tempDir('wallet-id-');
    const cases: [string, string, string, string][] = [
      ['ed', edPkcs8, 'ed25519', ED_PRINCIPAL],
      ['k1', k1Sec1, 'secp256k1', K1_PRINCIPAL],
      ['k1p8', k1Pkcs8, 'secp256k1', K1_PRINCIPAL],
    ];
    cases.forEach(([name, pem, type, principal], i) => {
      const file = join(home, `${name}-input.pem`);
      writeFileSync(file, pem);
      const r = wallet(['identity', 'import', name, file, '--json'], { configHome: home });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `{"name":"${name}","type":"${type}","principal":"${principal}","selected":${i === 0}}\n`);
      assert.ok(!r.stdout.includes(pemBody(pem)) && !r.stderr.includes(pemBody(pem)));
      const stored = join(home, 'icp-wallet', 'identities', `${name}.pem`);
      assert.equal(mode(stored), 0o600);
      assert.equal(principalOfPem(readFileSync(stored, 'utf8')), principal);
    });
    assert.equal(K1_PRINCIPAL, '6v5cl-zspsb-sraht-rfvnq-ilvqb-n3it6-i7owf-7r276-ydzru-cfqhh-7qe');
  });

  test('an openssl ecparam -genkey file (EC PARAMETERS block first) imports', () => {
    const home = tempDir('wallet-id-');
    const file = join(home, 'ecparam.pem');
    writeFileSync(file, `-----BEGIN EC PARAMETERS-----\nBgUrgQQACg==\n-----END EC PARAMETERS-----\n${k1Sec1}`);
    const r = wallet(['identity', 'import', 'k1', file, '--json'], { configHome: home });
    assert.equal(r.stdout, `{"name":"k1","type":"secp256k1","principal":"${K1_PRINCIPAL}","selected":true}\n`, r.stderr);
  });

  test('encrypted PEMs (PKCS#8 and legacy Proc-Type) are refused with exit 3, a clear message and no file', () => {
    const home = tempDir('wallet-id-');
    const encryption = { cipher: 'aes-256-cbc', passphrase: 'correct horse' };
    const pkcs8 = generateKeyPairSync('ed25519', {
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', ...encryption },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const legacy = k1Key.export({ type: 'sec1', format: 'pem', ...encryption }) as string;
    assert.match(pkcs8, /BEGIN ENCRYPTED PRIVATE KEY/);
    assert.match(legacy, /Proc-Type: 4,ENCRYPTED/);
    for (const [name, pem] of [
      ['enc1', pkcs8],
      ['enc2', legacy],
    ]) {
      const file = join(home, `${name}.pem`);
      writeFileSync(file, pem);
      const r = wallet(['identity', 'import', name, file], { configHome: home });
      assert.equal(r.status, 3);
      assert.equal(r.stdout, '');
      assert.equal(
        r.stderr,
        `wallet: ${file} is an encrypted PEM; the wallet CLI does not store encrypted keys. Decrypt it first (for example: openssl pkey -in ${file} -out decrypted.pem) and import that file, then delete the decrypted copy\n`,
      );
      assert.equal(existsSync(join(home, 'icp-wallet', 'identities', `${name}.pem`)), false);
    }
  });

  test('other keys and non-keys are refused with exit 3, naming what the file holds', () => {
    const home = tempDir('wallet-id-');
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const files = { p256: p256, text: 'hello\n' };
    const expected = {
      p256: 'holds an EC key on prime256v1; the IC accepts Ed25519 and secp256k1 identities here',
      text: 'holds no PEM private key ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN EC PRIVATE KEY-----")',
    };
    for (const [name, content] of Object.entries(files)) {
      const file = join(home, `${name}.pem`);
      writeFileSync(file, content);
      const r = wallet(['identity', 'import', name, file, '--json'], { configHome: home });
      assert.equal(r.status, 3);
      assert.equal(
        r.stderr,
        `${JSON.stringify({ error: { kind: 'config', exitCode: 3, message: `${file} ${expected[name as keyof typeof expected]}` } })}\n`,
      );
    }
    const missing = wallet(['identity', 'import', 'x', join(home, 'nope.pem')], { configHome: home });
    assert.deepEqual([missing.status, missing.stderr], [3, `wallet: cannot read ${join(home, 'nope.pem')} (ENOENT)\n`]);
  });
});

describe('wallet identity list and use', () => {
  test('list and use: exact JSON, the selection persists, an unknown name is exit 3', () => {
    const home = tempDir('wallet-id-');
    writeFileSync(join(home, 'ed.pem'), edPkcs8);
    writeFileSync(join(home, 'k1.pem'), k1Sec1);
    const empty = wallet(['identity', 'list', '--json'], { configHome: home });
    assert.deepEqual([empty.status, empty.stdout], [0, '{"identities":[]}\n']);
    assert.equal(wallet(['identity', 'import', 'zed', join(home, 'ed.pem')], { configHome: home }).status, 0);
    assert.equal(wallet(['identity', 'import', 'kay', join(home, 'k1.pem')], { configHome: home }).status, 0);
    const list = wallet(['identity', 'list', '--json'], { configHome: home });
    assert.equal(
      list.stdout,
      `{"identities":[{"name":"kay","type":"secp256k1","principal":"${K1_PRINCIPAL}","selected":false},{"name":"zed","type":"ed25519","principal":"${ED_PRINCIPAL}","selected":true}]}\n`,
    );
    const use = wallet(['identity', 'use', 'kay', '--json'], { configHome: home });
    assert.deepEqual([use.status, use.stdout], [0, `{"name":"kay","type":"secp256k1","principal":"${K1_PRINCIPAL}","selected":true}\n`]);
    const text = wallet(['identity', 'list'], { configHome: home });
    assert.equal(text.stdout, `* kay  secp256k1  ${K1_PRINCIPAL}\n  zed  ed25519    ${ED_PRINCIPAL}\n`);
    assert.equal(mode(join(home, 'icp-wallet', 'config.json')), 0o600);
    const unknown = wallet(['identity', 'use', 'nobody', '--json'], { configHome: home });
    assert.equal(unknown.status, 3);
    assert.equal(
      unknown.stderr,
      '{"error":{"kind":"config","exitCode":3,"message":"no identity named \\"nobody\\" (see: wallet identity list)"}}\n',
    );
    for (const file of readdirSync(join(home, 'icp-wallet', 'identities'))) {
      const body = pemBody(readFileSync(join(home, 'icp-wallet', 'identities', file), 'utf8'));
      assert.ok(![list.stdout, use.stdout, text.stdout].some((out) => out.includes(body)));
    }
  });
});

describe('wallet command line', () => {
  test('--help for every command and group exits 0 with its usage line', () => {
    const home = tempDir('wallet-id-');
    const expected: [string[], string][] = [
      [['--help'], 'usage: wallet <command> [flags]'],
      [['help'], 'usage: wallet <command> [flags]'],
      [[], 'usage: wallet <command> [flags]'],
      [['identity', '--help'], 'usage: wallet identity <command> [flags]'],
      [['audit'], 'usage: wallet audit <command> [flags]'],
      [['identity', 'new', '--help'], 'usage: wallet identity new <name> [flags]'],
      [['identity', 'import', '-h'], 'usage: wallet identity import <name> <pem-file> [flags]'],
      [['help', 'identity', 'list'], 'usage: wallet identity list [flags]'],
      [['identity', 'use', '--help'], 'usage: wallet identity use <name> [flags]'],
      [['verify-addresses', '--help'], 'usage: wallet verify-addresses <principal> [flags]'],
      [['audit', 'verify', '--help'], 'usage: wallet audit verify [flags]'],
      [['audit', 'proof', '--help'], 'usage: wallet audit proof [flags]'],
    ];
    for (const [args, first] of expected) {
      const r = wallet(args, { configHome: home });
      assert.equal(r.status, 0, args.join(' '));
      assert.equal(r.stdout.split('\n')[0], first, args.join(' '));
    }
  });

  test('usage errors exit 2 with one line on stderr', () => {
    const home = tempDir('wallet-id-');
    const cases: [string[], string][] = [
      [['frobnicate'], 'wallet: unknown command "frobnicate" (see wallet --help)\n'],
      [['identity', 'nuke'], 'wallet: unknown command "wallet identity nuke" (see wallet identity --help)\n'],
      [['identity', 'new'], 'wallet: usage: wallet identity new <name> [flags] (see wallet identity new --help)\n'],
      [
        ['identity', 'list', '--type', 'ed25519'],
        'wallet: --type is not a flag of wallet identity list (see wallet identity list --help)\n',
      ],
      [['identity', 'list', '--bogus'], 'wallet: unknown flag --bogus (see wallet --help)\n'],
      [['identity', 'list', '--network'], 'wallet: --network needs a value (<local|ic>)\n'],
      [['identity', 'list', '--network', 'mars'], 'wallet: --network must be local or ic, got "mars"\n'],
      [['identity', 'list', '--json=yes'], 'wallet: --json takes no value\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = wallet(args, { configHome: home });
      assert.deepEqual([r.status, r.stdout, r.stderr], [2, '', stderr], args.join(' '));
    }
  });
});
