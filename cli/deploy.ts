/**
 * Creating, installing and upgrading the wallet canister through an agent, the same way on the
 * devnet and on mainnet: the module goes up in chunks (`upload_chunk`, then `install_chunked_code`
 * with the chunks' hashes and the module's SHA-256), and an upgrade that would change the key
 * configuration (key names or Bitcoin network: every address would change) is refused before
 * anything is sent. Used by `npm start` (scripts/start.ts) and `wallet deploy`.
 */
import { type HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { Actor } from '@icp-sdk/core/agent';
import { walletIdlFactory, walletInit, type WalletConfig, type WalletService } from '../src/lib/wallet-candid.ts';
import type { Network } from '../src/lib/deployment.ts';
import { CliError } from './exit-codes.ts';

/** The management canister accepts chunks of at most 1 MiB. */
export const CHUNK_SIZE = 1_048_576;

/** Mainnet's cycles ledger, through which `deploy --network ic` creates the canister. */
export const CYCLES_LEDGER_ID = 'um5iw-rqaaa-aaaaq-qaaba-cai';
/** The devnet's first application-subnet canister id (PocketIC's layout), the effective id of provisional creates. */
export const DEVNET_APPLICATION_SUBNET_ID = 'lxzze-o7777-77777-aaaaa-cai';

/** Cycles for a canister created on the devnet: the wallet pays 10B per `dfx_test_key` signature. */
export const DEVNET_CYCLES = 100_000_000_000_000n;
/** Cycles `deploy --network ic` moves from the cycles ledger into a new wallet (about 2,000 `key_1` signatures at 26.15B each). */
export const MAINNET_CREATE_CYCLES = 60_000_000_000_000n;

/**
 * Mainnet configuration: the production threshold key `key_1`, Bitcoin mainnet (the wallet calls
 * the Bitcoin canister ghsi2-tqaaa-aaaan-aaaca-cai), and public JSON-RPC providers (a majority of
 * them must agree on each answer).
 */
export const MAINNET_CONFIG: WalletConfig = {
  ecdsa_key_name: 'key_1',
  schnorr_key_name: 'key_1',
  bitcoin_network: { mainnet: null },
  evm_chains: [
    {
      chain_id: 1n,
      name: 'Ethereum',
      rpc_urls: ['https://cloudflare-eth.com', 'https://ethereum-rpc.publicnode.com', 'https://eth.llamarpc.com'],
    },
  ],
  solana: {
    cluster: { mainnet: null },
    rpc_urls: ['https://api.mainnet-beta.solana.com', 'https://solana-rpc.publicnode.com', 'https://solana.drpc.org'],
  },
};

/** The devnet's configuration: its test key, Bitcoin regtest, and the local EVM and Solana nodes. */
export function devnetConfig({ evmUrl, solanaUrl }: { evmUrl: string; solanaUrl: string }): WalletConfig {
  return {
    ecdsa_key_name: 'dfx_test_key',
    schnorr_key_name: 'dfx_test_key',
    bitcoin_network: { regtest: null },
    evm_chains: [{ chain_id: 31337n, name: 'Devnet EVM', rpc_urls: [evmUrl] }],
    solana: { cluster: { localnet: null }, rpc_urls: [solanaUrl] },
  };
}

const ChunkHash = IDL.Record({ hash: IDL.Vec(IDL.Nat8) });
const Settings = IDL.Record({ controllers: IDL.Opt(IDL.Vec(IDL.Principal)) });
const InstallMode = IDL.Variant({
  install: IDL.Null,
  reinstall: IDL.Null,
  upgrade: IDL.Opt(
    IDL.Record({
      skip_pre_upgrade: IDL.Opt(IDL.Bool),
      wasm_memory_persistence: IDL.Opt(IDL.Variant({ keep: IDL.Null, replace: IDL.Null })),
    }),
  ),
});
export const MANAGEMENT_TYPES = {
  provisionalCreate: IDL.Record({ amount: IDL.Opt(IDL.Nat), settings: IDL.Opt(Settings), specified_id: IDL.Opt(IDL.Principal) }),
  created: IDL.Record({ canister_id: IDL.Principal }),
  uploadChunk: IDL.Record({ canister_id: IDL.Principal, chunk: IDL.Vec(IDL.Nat8) }),
  chunkHash: ChunkHash,
  clearChunkStore: IDL.Record({ canister_id: IDL.Principal }),
  installChunkedCode: IDL.Record({
    mode: InstallMode,
    target_canister: IDL.Principal,
    store_canister: IDL.Opt(IDL.Principal),
    chunk_hashes_list: IDL.Vec(ChunkHash),
    wasm_module_hash: IDL.Vec(IDL.Nat8),
    arg: IDL.Vec(IDL.Nat8),
    sender_canister_version: IDL.Opt(IDL.Nat64),
  }),
};

/** The cycles ledger's `create_canister` (its candid, trimmed to what is sent and read). */
export const CYCLES_LEDGER_TYPES = {
  createArgs: IDL.Record({
    from_subaccount: IDL.Opt(IDL.Vec(IDL.Nat8)),
    created_at_time: IDL.Opt(IDL.Nat64),
    amount: IDL.Nat,
    creation_args: IDL.Opt(IDL.Record({ settings: IDL.Opt(Settings), subnet_selection: IDL.Opt(IDL.Reserved) })),
  }),
  createResult: IDL.Variant({
    Ok: IDL.Record({ block_id: IDL.Nat, canister_id: IDL.Principal }),
    Err: IDL.Variant({
      InsufficientFunds: IDL.Record({ balance: IDL.Nat }),
      TooOld: IDL.Null,
      CreatedInFuture: IDL.Record({ ledger_time: IDL.Nat64 }),
      TemporarilyUnavailable: IDL.Null,
      Duplicate: IDL.Record({ duplicate_of: IDL.Nat, canister_id: IDL.Opt(IDL.Principal) }),
      FailedToCreate: IDL.Record({ fee_block: IDL.Opt(IDL.Nat), refund_block: IDL.Opt(IDL.Nat), error: IDL.Text }),
      GenericError: IDL.Record({ message: IDL.Text, error_code: IDL.Nat }),
    }),
  }),
};

export type InstallMode = 'install' | 'upgrade';

/** Every management call a deployment sends, in order: what tests compare and `--dry-run` prints. */
export type PlannedCall = { canister: string; method: string; effectiveCanisterId: string; arg: Uint8Array };

/** The init (and upgrade) argument of the wallet for `config`. */
export function walletArg(config: WalletConfig): Uint8Array {
  return new Uint8Array(IDL.encode(walletInit({ IDL }), [config]));
}

/**
 * The calls that put `wasm` on `canisterId` with the init/upgrade argument `arg`: one
 * `upload_chunk` per MiB, then `install_chunked_code` (mode install, or `upgrade = null`: Azle's
 * stable mode keeps its state in stable memory), then `clear_chunk_store`.
 */
export function installCalls({
  canisterId,
  wasm,
  arg,
  mode,
}: {
  canisterId: Principal;
  wasm: Uint8Array;
  arg: Uint8Array;
  mode: InstallMode;
}): { chunks: PlannedCall[]; install: PlannedCall; clear: PlannedCall; chunkHashes: Uint8Array[]; wasmHash: Uint8Array } {
  const management = Principal.managementCanister().toText();
  const effective = canisterId.toText();
  const chunkHashes: Uint8Array[] = [];
  const chunks: PlannedCall[] = [];
  for (let offset = 0; offset < wasm.length; offset += CHUNK_SIZE) {
    const chunk = wasm.subarray(offset, offset + CHUNK_SIZE);
    chunkHashes.push(sha256(chunk));
    chunks.push({
      canister: management,
      method: 'upload_chunk',
      effectiveCanisterId: effective,
      arg: new Uint8Array(IDL.encode([MANAGEMENT_TYPES.uploadChunk], [{ canister_id: canisterId, chunk }])),
    });
  }
  const wasmHash = sha256(wasm);
  const install: PlannedCall = {
    canister: management,
    method: 'install_chunked_code',
    effectiveCanisterId: effective,
    arg: new Uint8Array(
      IDL.encode(
        [MANAGEMENT_TYPES.installChunkedCode],
        [
          {
            mode: mode === 'install' ? { install: null } : { upgrade: [] },
            target_canister: canisterId,
            store_canister: [],
            chunk_hashes_list: chunkHashes.map((hash) => ({ hash })),
            wasm_module_hash: wasmHash,
            arg,
            sender_canister_version: [],
          },
        ],
      ),
    ),
  };
  const clear: PlannedCall = {
    canister: management,
    method: 'clear_chunk_store',
    effectiveCanisterId: effective,
    arg: new Uint8Array(IDL.encode([MANAGEMENT_TYPES.clearChunkStore], [{ canister_id: canisterId }])),
  };
  return { chunks, install, clear, chunkHashes, wasmHash };
}

/** The cycles ledger call that creates a canister controlled by `controllers` on mainnet. */
export function cyclesLedgerCreateCall({
  controllers,
  amount = MAINNET_CREATE_CYCLES,
  createdAtTimeNs,
}: {
  controllers: Principal[];
  amount?: bigint;
  createdAtTimeNs: bigint;
}): PlannedCall {
  return {
    canister: CYCLES_LEDGER_ID,
    method: 'create_canister',
    effectiveCanisterId: CYCLES_LEDGER_ID,
    arg: new Uint8Array(
      IDL.encode(
        [CYCLES_LEDGER_TYPES.createArgs],
        [
          {
            from_subaccount: [],
            created_at_time: [createdAtTimeNs],
            amount,
            creation_args: [{ settings: [{ controllers: [controllers] }], subnet_selection: [] }],
          },
        ],
      ),
    ),
  };
}

function describeCall(error: unknown, what: string): CliError {
  return new CliError('canister', `${what} failed: ${(error as Error).message}`, { cause: error });
}

async function send(agent: HttpAgent, call: PlannedCall): Promise<Uint8Array> {
  try {
    const { reply } = await (agent.update as (id: Principal, opts: object) => Promise<{ reply: Uint8Array }>)(
      Principal.fromText(call.canister),
      { methodName: call.method, arg: call.arg, effectiveCanisterId: Principal.fromText(call.effectiveCanisterId) },
    );
    return new Uint8Array(reply);
  } catch (error) {
    throw describeCall(error, call.method);
  }
}

/** Creates an empty canister controlled by `controllers`: provisionally on the devnet, through the cycles ledger on mainnet. */
export async function createWalletCanister({
  agent,
  network,
  controllers,
}: {
  agent: HttpAgent;
  network: Network;
  controllers: Principal[];
}): Promise<Principal> {
  if (network === 'local') {
    const reply = await send(agent, {
      canister: Principal.managementCanister().toText(),
      method: 'provisional_create_canister_with_cycles',
      effectiveCanisterId: DEVNET_APPLICATION_SUBNET_ID,
      arg: new Uint8Array(
        IDL.encode(
          [MANAGEMENT_TYPES.provisionalCreate],
          [{ amount: [DEVNET_CYCLES], settings: [{ controllers: [controllers] }], specified_id: [] }],
        ),
      ),
    });
    const [created] = IDL.decode([MANAGEMENT_TYPES.created], reply) as unknown as [{ canister_id: Principal }];
    return created.canister_id;
  }
  const reply = await send(agent, cyclesLedgerCreateCall({ controllers, createdAtTimeNs: BigInt(Date.now()) * 1_000_000n }));
  const [result] = IDL.decode([CYCLES_LEDGER_TYPES.createResult], reply) as unknown as [
    { Ok: { canister_id: Principal } } | { Err: Record<string, unknown> },
  ];
  if ('Err' in result) {
    throw new CliError('canister', `the cycles ledger refused to create the canister: ${Object.keys(result.Err)[0]}`);
  }
  return result.Ok.canister_id;
}

/** Keys and Bitcoin network fix every address: an upgrade must keep them. */
export function keyConfigChange(installed: WalletConfig, wanted: WalletConfig): string | null {
  const net = (c: WalletConfig) => Object.keys(c.bitcoin_network)[0];
  const diffs: string[] = [];
  if (installed.ecdsa_key_name !== wanted.ecdsa_key_name)
    diffs.push(`ecdsa_key_name ${installed.ecdsa_key_name} → ${wanted.ecdsa_key_name}`);
  if (installed.schnorr_key_name !== wanted.schnorr_key_name)
    diffs.push(`schnorr_key_name ${installed.schnorr_key_name} → ${wanted.schnorr_key_name}`);
  if (net(installed) !== net(wanted)) diffs.push(`bitcoin_network ${net(installed)} → ${net(wanted)}`);
  return diffs.length === 0 ? null : diffs.join(', ');
}

/** The wallet's `config` if a wallet module is installed on `canisterId`, else null. */
export async function installedConfig(agent: HttpAgent, canisterId: Principal): Promise<WalletConfig | null> {
  const actor = Actor.createActor<WalletService>(walletIdlFactory, { agent, canisterId });
  try {
    return await actor.config();
  } catch (error) {
    const text = String((error as Error).message);
    if (/no wasm module|not have a wasm|empty|IC0537|is empty|no Wasm module/i.test(text)) return null;
    throw describeCall(error, `reading the config of ${canisterId.toText()}`);
  }
}

export type InstallReport = { canisterId: string; mode: InstallMode; chunks: number; wasmSha256: string };

/**
 * Installs the wallet on `canisterId`, or upgrades it if a wallet is there (refusing a key change).
 *
 * @throws {CliError} 'usage' for a refused upgrade, 'canister' when a call fails.
 */
export async function installWallet({
  agent,
  canisterId,
  wasm,
  config,
  onProgress = () => {},
}: {
  agent: HttpAgent;
  canisterId: Principal;
  wasm: Uint8Array;
  config: WalletConfig;
  onProgress?: (line: string) => void;
}): Promise<InstallReport> {
  const installed = await installedConfig(agent, canisterId);
  if (installed) {
    const change = keyConfigChange(installed, config);
    if (change !== null) {
      throw new CliError(
        'usage',
        `refusing to upgrade wallet ${canisterId.toText()}: the key configuration would change (${change}), which would change every address; deploy a new canister instead`,
      );
    }
  }
  return installModule({ agent, canisterId, wasm, arg: walletArg(config), mode: installed ? 'upgrade' : 'install', onProgress });
}

/** Uploads `wasm` in chunks and installs (or upgrades) it on `canisterId` with `arg`. @throws {CliError} 'canister'. */
export async function installModule({
  agent,
  canisterId,
  wasm,
  arg,
  mode,
  onProgress = () => {},
}: {
  agent: HttpAgent;
  canisterId: Principal;
  wasm: Uint8Array;
  arg: Uint8Array;
  mode: InstallMode;
  onProgress?: (line: string) => void;
}): Promise<InstallReport> {
  const plan = installCalls({ canisterId, wasm, arg, mode });
  for (const [i, call] of plan.chunks.entries()) {
    onProgress(`uploading chunk ${i + 1}/${plan.chunks.length}`);
    const reply = await send(agent, call);
    const [{ hash }] = IDL.decode([MANAGEMENT_TYPES.chunkHash], reply) as unknown as [{ hash: Uint8Array }];
    if (bytesToHex(new Uint8Array(hash)) !== bytesToHex(plan.chunkHashes[i])) {
      throw new CliError(
        'canister',
        `upload_chunk ${i + 1} stored a chunk with hash ${bytesToHex(new Uint8Array(hash))}, not the one sent`,
      );
    }
  }
  onProgress(`${mode === 'install' ? 'installing' : 'upgrading'} ${canisterId.toText()}`);
  await send(agent, plan.install);
  await send(agent, plan.clear);
  return { canisterId: canisterId.toText(), mode, chunks: plan.chunks.length, wasmSha256: bytesToHex(plan.wasmHash) };
}
