/**
 * The `wallet` commands: each one's words, arguments, flags and help, and the function that runs it.
 */
import type { CommandResult, Context } from './context.ts';

// Each command's module is loaded when it runs, so `wallet identity list` does not load the chain
// libraries and the agent (a CLI pays its start-up time on every call).
const identity = () => import('./commands/identity.ts');
const audit = () => import('./commands/audit.ts');

export type OptionSpec = { type: 'string' | 'boolean'; value?: string; help: string };

export type CommandSpec = {
  words: string[];
  args: string[];
  summary: string;
  details?: string;
  options: Record<string, OptionSpec>;
  run: (ctx: Context) => Promise<CommandResult>;
};

/** Flags every command takes. */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  network: { type: 'string', value: 'local|ic', help: 'the devnet started by npm start (default) or the IC mainnet' },
  canister: { type: 'string', value: 'id', help: 'the wallet canister (default: the one npm start deployed)' },
  identity: { type: 'string', value: 'name', help: 'the identity to call with (default: the selected one)' },
  json: { type: 'boolean', help: 'print one JSON object instead of text' },
  deployment: { type: 'string', value: 'file', help: 'the deployment record (default: .devnet/deployment.json)' },
  help: { type: 'boolean', help: 'show help' },
};

const ROOT_KEY: OptionSpec = {
  type: 'string',
  value: 'hex',
  help: "the DER root key to verify certificates with (default: mainnet's, or the devnet's from the deployment)",
};
const FROM: OptionSpec = { type: 'string', value: 'file', help: 'read the log from an export file instead of the canister' };
const MAX_AGE: OptionSpec = {
  type: 'string',
  value: 'minutes',
  help: 'refuse a certificate older than this (default: 5 for a live head, unchecked for --from)',
};

export const COMMANDS: CommandSpec[] = [
  {
    words: ['identity', 'new'],
    args: ['<name>'],
    summary: 'create a new key and store it as <name>',
    details: 'The key is written to the config directory with mode 0600 and never printed. The first identity becomes the selected one.',
    options: { type: { type: 'string', value: 'ed25519|secp256k1', help: 'key type (default: ed25519)' } },
    run: async (ctx) => (await identity()).identityNew(ctx),
  },
  {
    words: ['identity', 'import'],
    args: ['<name>', '<pem-file>'],
    summary: 'store an existing PEM key as <name>',
    details:
      'Accepts unencrypted Ed25519 (PKCS#8) and secp256k1 (SEC1 or PKCS#8) private keys, such as dfx writes. Encrypted PEMs are refused.',
    options: {},
    run: async (ctx) => (await identity()).identityImport(ctx),
  },
  {
    words: ['identity', 'list'],
    args: [],
    summary: 'list identities; * marks the selected one',
    options: {},
    run: async (ctx) => (await identity()).identityList(ctx),
  },
  {
    words: ['identity', 'use'],
    args: ['<name>'],
    summary: 'select the identity later commands call with',
    options: {},
    run: async (ctx) => (await identity()).identityUse(ctx),
  },
  {
    words: ['verify-addresses'],
    args: ['<principal>'],
    summary: "re-derive a principal's addresses offline and compare them with the wallet's answer",
    details:
      "Derives BTC P2WPKH, BTC P2TR (BIP86), ETH and SOL addresses with @dfinity/ic-pub-key from the master public keys: on --network ic mainnet's published keys, on the devnet the keys npm start recorded. The answer to check comes from --answer, or from the wallet itself when <principal> is your identity's. Exit code 1 when an address differs.",
    options: {
      answer: { type: 'string', value: 'file', help: 'JSON object of the addresses to check ({ "btc_p2wpkh", "btc_p2tr", "eth", "sol" })' },
      offline: { type: 'boolean', help: 'only derive; compare with nothing' },
      'master-keys': { type: 'string', value: 'file', help: 'master public keys, as the deployment record\'s "masterKeys"' },
      'ecdsa-key-name': {
        type: 'string',
        value: 'name',
        help: "ECDSA key name (default: the wallet's config; key_1 on ic, dfx_test_key locally)",
      },
      'schnorr-key-name': { type: 'string', value: 'name', help: 'Schnorr key name (default: as --ecdsa-key-name)' },
      'bitcoin-network': {
        type: 'string',
        value: 'mainnet|testnet|regtest',
        help: "Bitcoin network (default: the wallet's config; mainnet on ic, regtest locally)",
      },
      'root-key': ROOT_KEY,
    },
    run: async (ctx) => (await import('./commands/verify-addresses.ts')).verifyAddresses(ctx),
  },
  {
    words: ['audit', 'verify'],
    args: [],
    summary: 'check the whole signature log against its certified head',
    details:
      'Verifies the IC certificate of the log head, hashes every entry into an RFC 9162 Merkle tree and compares its root, and, with --since, checks that the log extends an earlier saved head (consistency proof). Exit code 1 when anything does not verify.',
    options: {
      from: FROM,
      since: { type: 'string', value: 'file', help: 'a head saved earlier with --save-head: the log must extend it' },
      'save-head': { type: 'string', value: 'file', help: 'save the verified head, for the next --since' },
      'max-age': MAX_AGE,
      'root-key': ROOT_KEY,
    },
    run: async (ctx) => (await audit()).auditVerify(ctx),
  },
  {
    words: ['audit', 'proof'],
    args: [],
    summary: 'your own log entries, each checked with its inclusion proof',
    options: { from: FROM, 'max-age': MAX_AGE, 'root-key': ROOT_KEY },
    run: async (ctx) => (await audit()).auditProof(ctx),
  },
];

export const GROUPS: Record<string, string> = {
  identity: 'keys to call the wallet with',
  audit: "the wallet's signature log",
};
