/**
 * The `wallet` commands: each one's words, arguments, flags and help, and the function that runs it.
 */
import type { CommandResult, Context } from './context.ts';

// Each command's module is loaded when it runs, so `wallet identity list` does not load the chain
// libraries and the agent (a CLI pays its start-up time on every call).
const identity = () => import('./commands/identity.ts');
const audit = () => import('./commands/audit.ts');
const walletCommands = () => import('./commands/wallet.ts');

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

const BTC_FROM: OptionSpec = { type: 'string', value: 'p2wpkh|p2tr', help: 'which Bitcoin address (default: p2wpkh)' };
const CHAIN_ID: OptionSpec = { type: 'string', value: 'id', help: "the EVM chain (default: the wallet's first)" };

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
    words: ['addresses'],
    args: [],
    summary: 'your BTC (P2WPKH and Taproot), ETH and SOL addresses',
    options: {},
    run: async (ctx) => (await walletCommands()).addresses(ctx),
  },
  {
    words: ['balance'],
    args: ['[btc|eth|sol|erc20 <token>|spl <mint>]'],
    summary: 'balances read by the wallet from the chains (all three native assets by default)',
    options: { from: BTC_FROM, 'chain-id': CHAIN_ID },
    run: async (ctx) => (await walletCommands()).balance(ctx),
  },
  {
    words: ['send'],
    args: ['<btc|eth|sol> <to> <amount> | <erc20|spl> <token> <to> <amount>'],
    summary: 'sign and broadcast a transfer (amounts in whole units: 0.001 BTC, 0.5 ETH)',
    details:
      'Shows the fields the wallet will sign and asks for confirmation on a terminal (--yes skips it; without a terminal --yes is required), shows progress while the threshold signature and broadcast run, then prints the txid and an explorer link where the network has one.',
    options: {
      yes: { type: 'boolean', help: 'send without asking' },
      from: BTC_FROM,
      'fee-rate': { type: 'string', value: 'sat/vB', help: "Bitcoin fee rate (default: the network's median)" },
      'chain-id': CHAIN_ID,
    },
    run: async (ctx) => (await walletCommands()).send(ctx),
  },
  {
    words: ['history'],
    args: [],
    summary: 'your sends, with their status refreshed from the chains',
    options: { limit: { type: 'string', value: 'n', help: 'at most this many (default 50)' } },
    run: async (ctx) => (await walletCommands()).history(ctx),
  },
  {
    words: ['deploy'],
    args: [],
    summary: 'create, install or upgrade the wallet canister (in chunks)',
    details:
      "--network local: on the devnet (npm start's, or --host), with its test key dfx_test_key and Bitcoin regtest. --network ic: on mainnet with key_1, Bitcoin mainnet and public RPC providers, a new canister created through the cycles ledger (your identity pays from its cycles ledger balance). With --canister it installs on that canister, or upgrades the wallet there; an upgrade that would change the key names or the Bitcoin network is refused. --dry-run prints the exact calls instead of sending them.",
    options: {
      wasm: { type: 'string', value: 'file', help: 'the wallet module (default: build it)' },
      host: { type: 'string', value: 'url', help: "the IC HTTP interface to deploy through (default: the network's)" },
      'evm-rpc': { type: 'string', value: 'url,…', help: 'EVM JSON-RPC providers (default: kept on upgrade; mainnet: public ones)' },
      'solana-rpc': { type: 'string', value: 'url,…', help: 'Solana JSON-RPC providers (as --evm-rpc)' },
      'dry-run': { type: 'boolean', help: 'print the calls, send nothing' },
      'root-key': ROOT_KEY,
    },
    run: async (ctx) => (await import('./commands/deploy.ts')).deploy(ctx),
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
