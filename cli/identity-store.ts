/**
 * The CLI's identities: one PEM file per name in `<config dir>/identities/<name>.pem`, mode 0600,
 * never printed. Ed25519 keys are stored as PKCS#8 ("PRIVATE KEY"), secp256k1 keys as SEC1
 * ("EC PRIVATE KEY", the form dfx writes). Imported PEMs are parsed by Node's OpenSSL and stored
 * re-encoded in that form, so nothing but the key itself is kept. Encrypted PEMs are refused:
 * the CLI has no passphrase prompt, and storing a decrypted copy would defeat the encryption.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignIdentity } from '@icp-sdk/core/agent';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { Principal } from '@icp-sdk/core/principal';
import { base64urlnopad } from '@scure/base';
import { ensurePrivateDir } from './config-dir.ts';
import { CliError } from './exit-codes.ts';

export const KEY_TYPES = ['ed25519', 'secp256k1'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** What the CLI shows of an identity: never the key. */
export type IdentityInfo = { name: string; type: KeyType; principal: string };

/** Names are file names: letters, digits, '.', '_' and '-', not starting with '.', at most 64. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

export function assertIdentityName(name: string): void {
  if (!NAME.test(name)) {
    throw new CliError(
      'usage',
      `"${name}" is not a valid identity name: use 1 to 64 letters, digits, '.', '_' or '-', not starting with '.'`,
    );
  }
}

const identitiesDir = (configDir: string) => join(configDir, 'identities');
const pemPath = (configDir: string, name: string) => join(identitiesDir(configDir), `${name}.pem`);

/** A key parsed from a PEM: its type and the self-authenticating principal of its public key. */
type ParsedKey = { type: KeyType; key: KeyObject };

/**
 * Parses an unencrypted Ed25519 or secp256k1 private key PEM (PKCS#8 or SEC1).
 *
 * @throws {CliError} 'config' for an encrypted PEM, anything that is not a PEM private key, or another key type.
 */
export function parsePrivateKeyPem({ pem, source }: { pem: string; source: string }): ParsedKey {
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----/.test(pem) || /^Proc-Type:\s*4,\s*ENCRYPTED/m.test(pem)) {
    throw encryptedPemError(source);
  }
  if (!/-----BEGIN (EC |)PRIVATE KEY-----/.test(pem)) {
    throw new CliError('config', `${source} holds no PEM private key ("-----BEGIN PRIVATE KEY-----" or "-----BEGIN EC PRIVATE KEY-----")`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MISSING_PASSPHRASE') throw encryptedPemError(source);
    throw new CliError('config', `${source} is not a readable private key PEM (${(error as Error).message})`, { cause: error });
  }
  if (key.asymmetricKeyType === 'ed25519') return { type: 'ed25519', key };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'secp256k1') return { type: 'secp256k1', key };
  const what = key.asymmetricKeyType === 'ec' ? `an EC key on ${key.asymmetricKeyDetails?.namedCurve}` : `a ${key.asymmetricKeyType} key`;
  throw new CliError('config', `${source} holds ${what}; the IC accepts Ed25519 and secp256k1 identities here`);
}

function encryptedPemError(source: string): CliError {
  return new CliError(
    'config',
    `${source} is an encrypted PEM; the wallet CLI does not store encrypted keys. Decrypt it first (for example: openssl pkey -in ${source} -out decrypted.pem) and import that file, then delete the decrypted copy`,
  );
}

/** The IC principal of a key: self-authenticating, over its DER SubjectPublicKeyInfo (IC interface spec, "Principals"). */
function principalOf(key: KeyObject): Principal {
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return Principal.selfAuthenticating(new Uint8Array(spki));
}

function pemOf({ type, key }: ParsedKey): string {
  return key.export({ type: type === 'ed25519' ? 'pkcs8' : 'sec1', format: 'pem' }) as string;
}

function writeIdentity({ configDir, name, parsed }: { configDir: string; name: string; parsed: ParsedKey }): IdentityInfo {
  assertIdentityName(name);
  ensurePrivateDir(configDir);
  ensurePrivateDir(identitiesDir(configDir));
  const path = pemPath(configDir, name);
  if (existsSync(path)) throw new CliError('config', `an identity named "${name}" already exists`);
  // 'wx': never replace a key file, even one created between the check and the write.
  writeFileSync(path, pemOf(parsed), { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { name, type: parsed.type, principal: principalOf(parsed.key).toText() };
}

/** Creates a fresh key of `type` with Node's CSPRNG and stores it as `name`. */
export function createIdentity({ configDir, name, type }: { configDir: string; name: string; type: KeyType }): IdentityInfo {
  assertIdentityName(name);
  const { privateKey } = type === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  return writeIdentity({ configDir, name, parsed: { type, key: privateKey } });
}

/** Imports the PEM at `file` as `name`. */
export function importIdentity({ configDir, name, file }: { configDir: string; name: string; file: string }): IdentityInfo {
  assertIdentityName(name);
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError('config', `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
  return writeIdentity({ configDir, name, parsed: parsePrivateKeyPem({ pem, source: file }) });
}

function readIdentityKey({ configDir, name }: { configDir: string; name: string }): ParsedKey {
  assertIdentityName(name);
  const path = pemPath(configDir, name);
  if (!existsSync(path)) throw new CliError('config', `no identity named "${name}" (see: wallet identity list)`);
  return parsePrivateKeyPem({ pem: readFileSync(path, 'utf8'), source: path });
}

export function identityInfo({ configDir, name }: { configDir: string; name: string }): IdentityInfo {
  const parsed = readIdentityKey({ configDir, name });
  return { name, type: parsed.type, principal: principalOf(parsed.key).toText() };
}

/** Every stored identity, by name. */
export function listIdentities(configDir: string): IdentityInfo[] {
  const dir = identitiesDir(configDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.pem') && NAME.test(file.slice(0, -4)))
    .map((file) => file.slice(0, -4))
    .sort()
    .map((name) => identityInfo({ configDir, name }));
}

/** The identity as an @icp-sdk/core signer, for agent calls. */
export function loadSignIdentity({ configDir, name }: { configDir: string; name: string }): SignIdentity {
  const { type, key } = readIdentityKey({ configDir, name });
  const secret = base64urlnopad.decode((key.export({ format: 'jwk' }) as { d: string }).d);
  return type === 'ed25519' ? Ed25519KeyIdentity.fromSecretKey(secret) : Secp256k1KeyIdentity.fromSecretKey(secret);
}
