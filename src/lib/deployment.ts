/**
 * Where `npm start` records what it deployed, for the CLI and the frontend to read:
 * `.devnet/deployment.json` at the project root (ignored by git, rewritten by each start).
 *
 * {
 *   "network": "local",                            // "local" (the devnet) or "ic"
 *   "host": "http://127.0.0.1:4943",               // the IC HTTP interface agents call
 *   "rootKeyHex": "308182…",                       // DER root key certificates verify against
 *   "canisters": { "wallet": "<id>", "frontend": "<id>" | null },
 *   "masterKeys": [                                 // devnet only: the threshold master public keys,
 *     { "keyType": "ecdsa_secp256k1", "keyName": "dfx_test_key",     // which mainnet publishes
 *       "publicKeyHex": "02…", "chainCodeHex": "00…" }, …          // and the devnet does not
 *   ]
 * }
 *
 * Pure validation here (no fs), so the frontend's build can use it too; cli/deployment-file.ts reads and writes it.
 */
import { WalletError } from './errors.ts';

export const DEPLOYMENT_FILE = '.devnet/deployment.json';

export type Network = 'local' | 'ic';
export const NETWORKS: readonly Network[] = ['local', 'ic'];

/** The IC's threshold key types, spelled as the management canister's key ids. */
export type MasterKeyType = 'ecdsa_secp256k1' | 'schnorr_bip340secp256k1' | 'schnorr_ed25519';
export const MASTER_KEY_TYPES: readonly MasterKeyType[] = ['ecdsa_secp256k1', 'schnorr_bip340secp256k1', 'schnorr_ed25519'];

export type MasterKeyRecord = { keyType: MasterKeyType; keyName: string; publicKeyHex: string; chainCodeHex: string };

export type Deployment = {
  network: Network;
  host: string;
  rootKeyHex: string;
  canisters: { wallet: string; frontend: string | null };
  masterKeys: MasterKeyRecord[];
};

export class InvalidDeploymentError extends WalletError {
  override name = 'InvalidDeploymentError';
  constructor(details: string) {
    super('Invalid deployment record', { details });
  }
}

const HEX = /^(?:[0-9a-f]{2})+$/;

/**
 * Validates a parsed deployment record. `masterKeys` may be absent (mainnet).
 *
 * @throws {InvalidDeploymentError} naming the first bad field.
 */
export function parseDeployment(value: unknown): Deployment {
  const fail = (details: string): never => {
    throw new InvalidDeploymentError(details);
  };
  if (!isObject(value)) return fail('expected a JSON object');
  const { network, host, rootKeyHex, canisters, masterKeys = [] } = value;
  if (!NETWORKS.includes(network as Network)) fail(`"network" must be "local" or "ic", got ${JSON.stringify(network)}`);
  if (typeof host !== 'string' || !/^https?:\/\/[^\s/]+/.test(host)) fail(`"host" must be an http(s) URL, got ${JSON.stringify(host)}`);
  if (typeof rootKeyHex !== 'string' || !HEX.test(rootKeyHex)) fail('"rootKeyHex" must be lowercase hex');
  if (!isObject(canisters) || typeof canisters.wallet !== 'string' || canisters.wallet === '')
    fail('"canisters.wallet" must be a canister id');
  const { wallet, frontend = null } = canisters as Record<string, unknown>;
  if (frontend !== null && typeof frontend !== 'string') fail('"canisters.frontend" must be a canister id or null');
  const keys = parseMasterKeyRecords(masterKeys);
  return {
    network: network as Network,
    host: host as string,
    rootKeyHex: rootKeyHex as string,
    canisters: { wallet: wallet as string, frontend: frontend as string | null },
    masterKeys: keys,
  };
}

/**
 * Validates master key records (the deployment's `masterKeys`, or a --master-keys file).
 *
 * @throws {InvalidDeploymentError} naming the first bad record.
 */
export function parseMasterKeyRecords(value: unknown): MasterKeyRecord[] {
  const fail = (details: string): never => {
    throw new InvalidDeploymentError(details);
  };
  if (!Array.isArray(value)) return fail('"masterKeys" must be an array');
  return value.map((k, i): MasterKeyRecord => {
    if (!isObject(k)) return fail(`masterKeys[${i}] must be an object`);
    if (!MASTER_KEY_TYPES.includes(k.keyType as MasterKeyType))
      fail(`masterKeys[${i}].keyType must be one of ${MASTER_KEY_TYPES.join(', ')}`);
    if (typeof k.keyName !== 'string' || k.keyName === '') fail(`masterKeys[${i}].keyName must be a key name`);
    if (typeof k.publicKeyHex !== 'string' || !HEX.test(k.publicKeyHex)) fail(`masterKeys[${i}].publicKeyHex must be lowercase hex`);
    if (typeof k.chainCodeHex !== 'string' || !/^[0-9a-f]{64}$/.test(k.chainCodeHex))
      fail(`masterKeys[${i}].chainCodeHex must be 32 bytes of lowercase hex`);
    return {
      keyType: k.keyType as MasterKeyType,
      keyName: k.keyName as string,
      publicKeyHex: k.publicKeyHex as string,
      chainCodeHex: k.chainCodeHex as string,
    };
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
