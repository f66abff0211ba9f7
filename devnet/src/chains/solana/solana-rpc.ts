// The Solana JSON-RPC methods a wallet needs, answering with the request and
// response shapes and error codes of the real node (agave rpc/src/rpc.rs,
// rpc-client-api, transaction-status-client-types), over a SolanaChain.

import { ACCOUNT_ENCODINGS, encodeUiAccount, type AccountEncoding, type DataSlice } from './account-encoding.ts';
import { base58ErrorDetail, decodeBase64, fromBase58, parseFixedBase58, toBase58, toBase64 } from './encoding.ts';
import { computeMessageFee } from './fee.ts';
import { parseJson, stringifyJson, type Json } from './json.ts';
import {
  internalError,
  INVALID_REQUEST,
  invalidParams,
  invalidRequest,
  METHOD_NOT_FOUND,
  MIN_CONTEXT_SLOT_NOT_REACHED,
  PARSE_ERROR,
  SEND_TRANSACTION_PREFLIGHT_FAILURE,
  SolanaRpcError,
  UNSUPPORTED_TRANSACTION_VERSION,
} from './rpc-error.ts';
import {
  expectBool,
  expectOptionalStruct,
  expectString,
  expectStringArray,
  expectU64,
  expectUnsigned,
  expectUsize,
  expectVariant,
  member,
  oneOf,
  positionalParams,
  serdeError,
  unexpected,
  type JsonObject,
} from './rpc-params.ts';
import { AddressLoadError, type LandedTransaction, type LoadedAddresses, type Simulation, type SolanaChain } from './solana-chain.ts';
import { isTokenProgram, parseMint, parseTokenAccount, TOKEN_2022_PROGRAM_ID, TOKEN_PROGRAM_ID, uiTokenAmount } from './token.ts';
import { displayTransactionError } from './transaction-error.ts';
import {
  decodeMessage,
  decodeTransaction,
  findDuplicateKey,
  sanitizeMessage,
  sanitizeTransaction,
  WireFormatError,
  type Message,
  type WireTransaction,
} from './wire.ts';

/**
 * Version the node reports (getVersion, `context.apiVersion`): that of the
 * agave crates litesvm 1.5.0 is built on (solana-program-runtime 4.3.0).
 */
export const SOLANA_CORE_VERSION = '4.3.0';

const COMMITMENTS = ['processed', 'confirmed', 'finalized'] as const;
type Commitment = (typeof COMMITMENTS)[number];
const TRANSACTION_ENCODINGS = ['binary', 'base64', 'base58', 'json', 'jsonParsed'] as const;
type TransactionEncoding = (typeof TRANSACTION_ENCODINGS)[number];

// Limits of agave's RPC (rpc.rs, rpc-client-api request.rs, solana-packet).
const PACKET_DATA_SIZE = 1232;
const MAX_BASE58_SIZE = 1683;
const MAX_BASE64_SIZE = 1644;
const MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS = 256;
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_PERMITTED_DATA_LENGTH = 10n * 1024n * 1024n;
// Rust type names the decoder errors quote (std::any::type_name).
const VERSIONED_TRANSACTION = 'solana_transaction::versioned::VersionedTransaction';
const VERSIONED_MESSAGE = 'solana_message::versioned::VersionedMessage';

type Handler = (params: Json[], chain: SolanaChain) => Json;

interface Method {
  /** Leading params that must be given. */
  required: number;
  /** All params, the trailing ones optional. */
  total: number;
  handler: Handler;
}

interface ContextConfig {
  commitment: Commitment | undefined;
  minContextSlot: bigint | undefined;
}

// ---------------------------------------------------------------- helpers

function context(chain: SolanaChain): Json {
  return { apiVersion: SOLANA_CORE_VERSION, slot: chain.slot };
}

function withContext(chain: SolanaChain, value: Json): Json {
  return { context: context(chain), value };
}

function optional<T>(config: JsonObject | undefined, key: string, read: (value: Json) => T): T | undefined {
  const value = member(config, key);
  return value === undefined ? undefined : read(value);
}

function readCommitment(value: Json): Commitment {
  return expectVariant(value, COMMITMENTS);
}

/** `RpcContextConfig` and friends: `{ commitment?, minContextSlot? }`. */
function contextConfig(value: Json | undefined, name: string): ContextConfig & { config: JsonObject | undefined } {
  const config = expectOptionalStruct(value, name);
  return {
    config,
    commitment: optional(config, 'commitment', readCommitment),
    minContextSlot: optional(config, 'minContextSlot', expectU64),
  };
}

/** `get_bank_with_config`: the one bank must have reached `minContextSlot`. */
function checkMinContextSlot(chain: SolanaChain, minContextSlot: bigint | undefined): void {
  if (minContextSlot !== undefined && chain.slot < minContextSlot) {
    throw new SolanaRpcError({
      code: MIN_CONTEXT_SLOT_NOT_REACHED,
      message: 'Minimum context slot has not been reached',
      data: { contextSlot: chain.slot },
    });
  }
}

function verifyPubkey(text: string): Uint8Array {
  const parsed = parseFixedBase58({ text, size: 32 });
  if ('error' in parsed) throw invalidParams(`Invalid param: ${parsed.error}`);
  return parsed.bytes;
}

function verifySignature(text: string): Uint8Array {
  const parsed = parseFixedBase58({ text, size: 64 });
  if ('error' in parsed) throw invalidParams(`Invalid param: ${parsed.error}`);
  return parsed.bytes;
}

/** `decode_and_deserialize`'s size limits and decoding, before bincode. */
function decodeBinary({ data, encoding, typeName }: { data: string; encoding: 'base58' | 'base64'; typeName: string }): Uint8Array {
  let bytes: Uint8Array;
  if (encoding === 'base58') {
    if (data.length > MAX_BASE58_SIZE) {
      throw invalidParams(
        `base58 encoded ${typeName} too large: ${data.length} bytes (max: encoded/raw ${MAX_BASE58_SIZE}/${PACKET_DATA_SIZE})`,
      );
    }
    try {
      bytes = fromBase58(data);
    } catch {
      throw invalidParams(`invalid base58 encoding: ${base58ErrorDetail(data)}`);
    }
  } else {
    if (data.length > MAX_BASE64_SIZE) {
      throw invalidParams(
        `base64 encoded ${typeName} too large: ${data.length} bytes (max: encoded/raw ${MAX_BASE64_SIZE}/${PACKET_DATA_SIZE})`,
      );
    }
    const decoded = decodeBase64(data);
    if ('error' in decoded) throw invalidParams(`invalid base64 encoding: ${decoded.error}`);
    bytes = decoded.bytes;
  }
  if (bytes.length > PACKET_DATA_SIZE) {
    throw invalidParams(`decoded ${typeName} too large: ${bytes.length} bytes (max: ${PACKET_DATA_SIZE} bytes)`);
  }
  return bytes;
}

/** `UiTransactionEncoding::into_binary_encoding`. */
function binaryEncoding(encoding: TransactionEncoding): 'base58' | 'base64' {
  if (encoding === 'binary' || encoding === 'base58') return 'base58';
  if (encoding === 'base64') return 'base64';
  throw invalidParams(`unsupported encoding: ${encoding}. Supported encodings: base58, base64`);
}

function deserializeTransaction(bytes: Uint8Array): WireTransaction {
  try {
    return decodeTransaction(bytes);
  } catch (error) {
    if (error instanceof WireFormatError) {
      throw invalidParams(`failed to deserialize ${VERSIONED_TRANSACTION}: ${error.reason}`);
    }
    throw error;
  }
}

/** `sanitize_transaction`: structure, lookup tables, duplicate keys. */
function sanitize(chain: SolanaChain, transaction: WireTransaction): LoadedAddresses {
  const invalid = (text: string): SolanaRpcError => invalidParams(`invalid transaction: ${text}`);
  if (sanitizeTransaction(transaction)) throw invalid(displayTransactionError('SanitizeFailure'));
  let loaded: LoadedAddresses;
  try {
    loaded = chain.loadAddresses(transaction.message);
  } catch (error) {
    if (error instanceof AddressLoadError) throw invalid(displayTransactionError(error.transactionError));
    throw error;
  }
  const keys = [...transaction.message.staticAccountKeys, ...loaded.writable, ...loaded.readonly];
  if (findDuplicateKey(keys) !== undefined) throw invalid(displayTransactionError('AccountLoadedTwice'));
  return loaded;
}

function accountEncodingConfig(
  config: JsonObject | undefined,
  defaultEncoding: AccountEncoding = 'binary',
): { encoding: AccountEncoding; dataSlice: DataSlice | undefined } {
  const encoding = optional(config, 'encoding', (value) => expectVariant(value, ACCOUNT_ENCODINGS)) ?? defaultEncoding;
  const dataSlice = optional(config, 'dataSlice', (value) => {
    const slice = expectOptionalStruct(value, 'UiDataSliceConfig') as JsonObject;
    for (const key of ['offset', 'length']) {
      if (member(slice, key) === undefined) throw serdeError(`missing field \`${key}\``);
    }
    return { offset: expectUsize(slice.offset as Json), length: expectUsize(slice.length as Json) };
  });
  return { encoding, dataSlice };
}

/** `check_slice_and_encoding`: jsonParsed data cannot be sliced. */
function checkSliceAndEncoding(encoding: AccountEncoding, dataSlice: DataSlice | undefined): void {
  if (encoding === 'jsonParsed' && dataSlice) {
    throw new SolanaRpcError({
      code: INVALID_REQUEST,
      message: 'Sliced account data can only be encoded using binary (base 58) or base64 encoding.',
    });
  }
}

function encodeAccountAt({
  chain,
  address,
  encoding,
  dataSlice,
}: {
  chain: SolanaChain;
  address: string;
  encoding: AccountEncoding;
  dataSlice: DataSlice | undefined;
}): Json {
  const account = chain.account(address);
  if (!account) return null;
  return encodeUiAccount({ account, encoding, dataSlice, mintDecimals: (mint) => chain.mintDecimals(mint) });
}

/**
 * The `RpcSimulateTransactionResult` of agave 4 (rpc-client-types): what a
 * simulation found. Every member is always present, null when not reported.
 */
function simulationResult({
  outcome,
  accounts = null,
  innerInstructions,
  replacementBlockhash = null,
  balances,
  loadedAddresses,
}: {
  outcome: Simulation;
  accounts?: Json;
  /** Whether the caller asked for inner instructions. */
  innerInstructions: boolean;
  replacementBlockhash?: Json;
  /** Whether to report SOL and token balances (not after a preflight failure or a bad signature). */
  balances: boolean;
  /** Whether to report the loaded addresses (not after a preflight failure). */
  loadedAddresses: boolean;
}): Json {
  return {
    accounts,
    err: outcome.err,
    fee: outcome.fee,
    innerInstructions: innerInstructions ? outcome.innerInstructions : null,
    loadedAccountsDataSize: outcome.loadedAccountsDataSize,
    loadedAddresses: loadedAddresses ? uiLoadedAddresses(outcome.loaded) : null,
    logs: outcome.logs,
    postBalances: balances ? outcome.postBalances : null,
    postTokenBalances: balances ? outcome.postTokenBalances : null,
    preBalances: balances ? outcome.preBalances : null,
    preTokenBalances: balances ? outcome.preTokenBalances : null,
    replacementBlockhash,
    returnData: outcome.returnData,
    unitsConsumed: outcome.unitsConsumed,
  };
}

/** A simulation that stopped at signature verification (TransactionSimulationResult::new_error). */
function signatureFailure(loaded: LoadedAddresses): Simulation {
  return {
    err: 'SignatureFailure',
    logs: [],
    unitsConsumed: 0n,
    loadedAccountsDataSize: 0,
    returnData: null,
    innerInstructions: [],
    postAccounts: new Map(),
    loaded,
    fee: null,
    preBalances: [],
    postBalances: [],
    preTokenBalances: [],
    postTokenBalances: [],
  };
}

function uiLoadedAddresses(loaded: LoadedAddresses): Json {
  return { readonly: loaded.readonly.map(toBase58), writable: loaded.writable.map(toBase58) };
}

function uiMessage(message: Message): Json {
  const ui: { [key: string]: Json } = {
    accountKeys: message.staticAccountKeys.map(toBase58),
    header: { ...message.header },
    instructions: message.instructions.map((instruction) => ({
      accounts: instruction.accounts,
      data: toBase58(instruction.data),
      programIdIndex: instruction.programIdIndex,
      stackHeight: null,
    })),
    recentBlockhash: toBase58(message.recentBlockhash),
  };
  if (message.version === 0) {
    ui.addressTableLookups = message.addressTableLookups.map((lookup) => ({
      accountKey: toBase58(lookup.accountKey),
      readonlyIndexes: lookup.readonlyIndexes,
      writableIndexes: lookup.writableIndexes,
    }));
  }
  return ui;
}

function transactionStatus(landed: LandedTransaction): Json {
  const { err } = landed.outcome;
  return {
    confirmationStatus: 'finalized',
    confirmations: null, // null = rooted
    err,
    slot: landed.slot,
    status: err === null ? { Ok: null } : { Err: err },
  };
}

function statusMeta(landed: LandedTransaction): Json {
  const { outcome } = landed;
  return {
    computeUnitsConsumed: outcome.unitsConsumed,
    err: outcome.err,
    fee: landed.fee,
    innerInstructions: outcome.innerInstructions,
    loadedAddresses: uiLoadedAddresses(landed.loaded),
    logMessages: outcome.logs,
    postBalances: landed.postBalances,
    postTokenBalances: landed.postTokenBalances,
    preBalances: landed.preBalances,
    preTokenBalances: landed.preTokenBalances,
    returnData: outcome.returnData ?? undefined, // skipped when absent
    rewards: [],
    status: outcome.err === null ? { Ok: null } : { Err: outcome.err },
  };
}

const ADDRESS_LOADER_TEXT: Record<string, string> = {
  AddressLookupTableNotFound: 'Attempted to lookup addresses from a table that does not exist',
  InvalidAddressLookupTableOwner: 'Attempted to lookup addresses from an account owned by the wrong program',
  InvalidAddressLookupTableData: 'Attempted to lookup addresses from an invalid account',
  InvalidAddressLookupTableIndex: 'Address lookup contains an invalid index',
};

// ---------------------------------------------------------------- methods

const noParams = (value: (chain: SolanaChain) => Json): Method => ({
  required: 0,
  total: 0,
  handler: (_params, chain) => value(chain),
});

const contextOnly = (value: (chain: SolanaChain) => Json): Method => ({
  required: 0,
  total: 1,
  handler: ([config], chain) => {
    const { minContextSlot } = contextConfig(config, 'RpcContextConfig');
    checkMinContextSlot(chain, minContextSlot);
    return value(chain);
  },
});

const METHODS: Record<string, Method> = {
  getHealth: noParams(() => 'ok'),

  getVersion: noParams((chain) => ({ 'feature-set': chain.featureSetId, 'solana-core': SOLANA_CORE_VERSION })),

  getGenesisHash: noParams((chain) => chain.genesisHash),

  getSlot: contextOnly((chain) => chain.slot),

  getBlockHeight: contextOnly((chain) => chain.blockHeight),

  getTransactionCount: contextOnly((chain) => chain.transactionCount),

  getEpochInfo: contextOnly((chain) => ({
    absoluteSlot: chain.slot,
    blockHeight: chain.blockHeight,
    ...chain.epoch(),
    transactionCount: chain.transactionCount,
  })),

  getLatestBlockhash: contextOnly((chain) => {
    const { blockhash, lastValidBlockHeight } = chain.latestBlockhash();
    return withContext(chain, { blockhash, lastValidBlockHeight });
  }),

  isBlockhashValid: {
    required: 1,
    total: 2,
    handler: ([hash, config], chain) => {
      const text = expectString(hash as Json);
      const { minContextSlot } = contextConfig(config, 'RpcContextConfig');
      // Unlike other methods, the Hash parse error is sent bare ("Invalid").
      const parsed = parseFixedBase58({ text, size: 32 });
      if ('error' in parsed) throw invalidParams(parsed.error);
      checkMinContextSlot(chain, minContextSlot);
      return withContext(chain, chain.isBlockhashValid(text));
    },
  },

  getBalance: {
    required: 1,
    total: 2,
    handler: ([key, config], chain) => {
      const text = expectString(key as Json);
      const { minContextSlot } = contextConfig(config, 'RpcContextConfig');
      const pubkey = verifyPubkey(text);
      checkMinContextSlot(chain, minContextSlot);
      return withContext(chain, chain.balance(toBase58(pubkey)));
    },
  },

  getAccountInfo: {
    required: 1,
    total: 2,
    handler: ([key, config], chain) => {
      const text = expectString(key as Json);
      const { config: object, minContextSlot } = contextConfig(config, 'RpcAccountInfoConfig');
      const { encoding, dataSlice } = accountEncodingConfig(object);
      const pubkey = verifyPubkey(text);
      checkMinContextSlot(chain, minContextSlot);
      checkSliceAndEncoding(encoding, dataSlice);
      return withContext(chain, encodeAccountAt({ chain, address: toBase58(pubkey), encoding, dataSlice }));
    },
  },

  getMultipleAccounts: {
    required: 1,
    total: 2,
    handler: ([keys, config], chain) => {
      const texts = expectStringArray(keys as Json);
      const { config: object, minContextSlot } = contextConfig(config, 'RpcAccountInfoConfig');
      // Unlike getAccountInfo, getMultipleAccounts defaults to base64.
      const { encoding, dataSlice } = accountEncodingConfig(object, 'base64');
      if (texts.length > MAX_MULTIPLE_ACCOUNTS) {
        throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
      }
      const pubkeys = texts.map(verifyPubkey);
      checkMinContextSlot(chain, minContextSlot);
      checkSliceAndEncoding(encoding, dataSlice);
      return withContext(
        chain,
        pubkeys.map((pubkey) => encodeAccountAt({ chain, address: toBase58(pubkey), encoding, dataSlice })),
      );
    },
  },

  getMinimumBalanceForRentExemption: {
    required: 1,
    total: 2,
    handler: ([length, config], chain) => {
      const dataLength = expectUsize(length as Json);
      const object = expectOptionalStruct(config, 'CommitmentConfig');
      optional(object, 'commitment', readCommitment);
      if (dataLength > MAX_PERMITTED_DATA_LENGTH) throw invalidRequest();
      return chain.svm.minimumBalanceForRentExemption(dataLength);
    },
  },

  getFeeForMessage: {
    required: 1,
    total: 2,
    handler: ([data, config], chain) => {
      const text = expectString(data as Json);
      const { minContextSlot } = contextConfig(config, 'RpcContextConfig');
      const bytes = decodeBinary({ data: text, encoding: 'base64', typeName: VERSIONED_MESSAGE });
      let message: Message;
      try {
        message = decodeMessage(bytes).message;
      } catch (error) {
        if (error instanceof WireFormatError) {
          throw invalidParams(`failed to deserialize ${VERSIONED_MESSAGE}: ${error.reason}`);
        }
        throw error;
      }
      checkMinContextSlot(chain, minContextSlot);
      const sanitizeError = sanitizeMessage(message);
      if (sanitizeError) throw invalidParams(`invalid transaction message: ${sanitizeError}`);
      try {
        chain.loadAddresses(message);
      } catch (error) {
        if (error instanceof AddressLoadError) {
          throw invalidParams(`invalid transaction message: ${ADDRESS_LOADER_TEXT[String(error.transactionError)]}`);
        }
        throw error;
      }
      // The fee is only known for a blockhash still in the queue.
      const fee = chain.isBlockhashValid(toBase58(message.recentBlockhash)) ? computeMessageFee(message) : null;
      return withContext(chain, fee);
    },
  },

  requestAirdrop: {
    required: 2,
    total: 3,
    handler: ([key, amount, config], chain) => {
      const text = expectString(key as Json);
      const lamports = expectU64(amount as Json);
      const object = expectOptionalStruct(config, 'RpcRequestAirdropConfig');
      const recentBlockhash = optional(object, 'recentBlockhash', expectString);
      optional(object, 'commitment', readCommitment);
      const pubkey = verifyPubkey(text);
      if (recentBlockhash !== undefined) {
        const parsed = parseFixedBase58({ text: recentBlockhash, size: 32 });
        if ('error' in parsed) throw invalidParams(`Invalid param: ${parsed.error}`);
      }
      // The faucet refuses what it cannot pay (request_airdrop_transaction fails).
      if (lamports + 5_000n > chain.balance(chain.faucetAddress)) throw internalError();
      const landed = chain.airdrop({ to: pubkey, lamports });
      if (!landed) throw internalError();
      return landed.signature;
    },
  },

  sendTransaction: {
    required: 1,
    total: 2,
    handler: ([data, config], chain) => {
      const text = expectString(data as Json);
      const object = expectOptionalStruct(config, 'RpcSendTransactionConfig');
      const skipPreflight = optional(object, 'skipPreflight', expectBool) ?? false;
      optional(object, 'preflightCommitment', readCommitment);
      const encoding = optional(object, 'encoding', (value) => expectVariant(value, TRANSACTION_ENCODINGS)) ?? 'base58';
      optional(object, 'maxRetries', expectUsize);
      const minContextSlot = optional(object, 'minContextSlot', expectU64);

      const bytes = decodeBinary({ data: text, encoding: binaryEncoding(encoding), typeName: VERSIONED_TRANSACTION });
      const transaction = deserializeTransaction(bytes);
      checkMinContextSlot(chain, minContextSlot);
      const loaded = sanitize(chain, transaction);
      if (!skipPreflight) {
        // Since agave 4 (anza-xyz/agave#8185) a bad signature is a preflight
        // failure with err SignatureFailure, no longer error -32003.
        const outcome = chain.verifySignatures(transaction) ? chain.simulate(transaction) : signatureFailure(loaded);
        if (outcome.err !== null) {
          throw new SolanaRpcError({
            code: SEND_TRANSACTION_PREFLIGHT_FAILURE,
            message: `Transaction simulation failed: ${displayTransactionError(outcome.err)}`,
            data: simulationResult({ outcome, innerInstructions: false, balances: false, loadedAddresses: false }),
          });
        }
      }
      // Lands, or is dropped as a cluster drops it; either way the node
      // answers with the signature (the status tells which).
      chain.process(transaction);
      return toBase58(transaction.signatures[0] as Uint8Array);
    },
  },

  simulateTransaction: {
    required: 1,
    total: 2,
    handler: ([data, config], chain) => {
      const text = expectString(data as Json);
      const object = expectOptionalStruct(config, 'RpcSimulateTransactionConfig');
      const sigVerify = optional(object, 'sigVerify', expectBool) ?? false;
      const replaceRecentBlockhash = optional(object, 'replaceRecentBlockhash', expectBool) ?? false;
      optional(object, 'commitment', readCommitment);
      const encoding = optional(object, 'encoding', (value) => expectVariant(value, TRANSACTION_ENCODINGS)) ?? 'base58';
      const accountsConfig = optional(object, 'accounts', (value) => {
        const accounts = expectOptionalStruct(value, 'RpcSimulateTransactionAccountsConfig') as JsonObject;
        if (member(accounts, 'addresses') === undefined) throw serdeError('missing field `addresses`');
        return {
          addresses: expectStringArray(accounts.addresses as Json),
          encoding: optional(accounts, 'encoding', (item) => expectVariant(item, ACCOUNT_ENCODINGS)) ?? 'base64',
        };
      });
      const minContextSlot = optional(object, 'minContextSlot', expectU64);
      const innerInstructions = optional(object, 'innerInstructions', expectBool) ?? false;

      const bytes = decodeBinary({ data: text, encoding: binaryEncoding(encoding), typeName: VERSIONED_TRANSACTION });
      let transaction = deserializeTransaction(bytes);
      checkMinContextSlot(chain, minContextSlot);
      let replacementBlockhash: Json = null;
      if (replaceRecentBlockhash) {
        if (sigVerify) throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
        const latest = chain.latestBlockhash();
        const patched = Uint8Array.from(transaction.bytes);
        const messageStart = transaction.bytes.length - transaction.messageBytes.length;
        patched.set(fromBase58(latest.blockhash), messageStart + transaction.message.recentBlockhashOffset);
        transaction = decodeTransaction(patched);
        replacementBlockhash = { blockhash: latest.blockhash, lastValidBlockHeight: latest.lastValidBlockHeight };
      }
      const loaded = sanitize(chain, transaction);
      const keyCount = transaction.message.staticAccountKeys.length + loaded.writable.length + loaded.readonly.length;
      if (accountsConfig) {
        if (accountsConfig.encoding === 'binary' || accountsConfig.encoding === 'base58') {
          throw invalidParams('base58 encoding not supported');
        }
        if (accountsConfig.addresses.length > keyCount) {
          throw invalidParams(`Too many accounts provided; max ${keyCount}`);
        }
      }
      const verified = !sigVerify || chain.verifySignatures(transaction);
      const outcome = verified ? chain.simulate(transaction) : signatureFailure(loaded);

      let accounts: Json = null;
      if (accountsConfig) {
        accounts =
          outcome.err !== null
            ? accountsConfig.addresses.map(() => null)
            : accountsConfig.addresses.map((address) => {
                const key = toBase58(verifyPubkey(address));
                const account = outcome.postAccounts.get(key) ?? chain.account(key);
                return account
                  ? encodeUiAccount({
                      account,
                      encoding: accountsConfig.encoding,
                      mintDecimals: (mint) => chain.mintDecimals(mint),
                    })
                  : null;
              });
      }
      // A signature failure reports no balances (agave's new_error result).
      return withContext(
        chain,
        simulationResult({
          outcome,
          accounts,
          innerInstructions,
          replacementBlockhash,
          balances: verified,
          loadedAddresses: true,
        }),
      );
    },
  },

  getSignatureStatuses: {
    required: 1,
    total: 2,
    handler: ([signatures, config], chain) => {
      const texts = expectStringArray(signatures as Json);
      const object = expectOptionalStruct(config, 'RpcSignatureStatusConfig');
      optional(object, 'searchTransactionHistory', expectBool);
      if (texts.length > MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS) {
        throw invalidParams(`Too many inputs provided; max ${MAX_GET_SIGNATURE_STATUSES_QUERY_ITEMS}`);
      }
      const keys = texts.map((text) => toBase58(verifySignature(text)));
      return withContext(
        chain,
        keys.map((signature) => {
          const landed = chain.landedTransaction(signature);
          return landed ? transactionStatus(landed) : null;
        }),
      );
    },
  },

  getTransaction: {
    required: 1,
    total: 2,
    handler: ([signature, config], chain) => {
      const text = expectString(signature as Json);
      // RpcEncodingConfigWrapper: a bare encoding (deprecated) or a config.
      let encoding: TransactionEncoding = 'json';
      let commitment: Commitment | undefined;
      let maxVersion: bigint | undefined;
      if (typeof config === 'string') {
        encoding = expectVariant(config, TRANSACTION_ENCODINGS);
      } else if (config !== undefined && config !== null) {
        if (typeof config !== 'object' || Array.isArray(config)) {
          throw serdeError('data did not match any variant of untagged enum RpcEncodingConfigWrapper');
        }
        encoding = optional(config, 'encoding', (value) => expectVariant(value, TRANSACTION_ENCODINGS)) ?? 'json';
        commitment = optional(config, 'commitment', readCommitment);
        maxVersion = optional(config, 'maxSupportedTransactionVersion', (value) => expectUnsigned(value, { type: 'u8', bits: 8 }));
      }
      const key = toBase58(verifySignature(text));
      if (commitment === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
      if (encoding === 'jsonParsed') {
        // Not implemented by the devnet: parsing every known program's instructions.
        throw invalidParams('unsupported encoding: jsonParsed. Supported encodings: json, base58, base64');
      }
      const landed = chain.landedTransaction(key);
      if (!landed) return null;
      const { message } = landed.transaction;
      if (message.version === 0 && (maxVersion === undefined || maxVersion < 0n)) {
        throw new SolanaRpcError({
          code: UNSUPPORTED_TRANSACTION_VERSION,
          message:
            'Transaction version (0) is not supported by the requesting client. Please try the request again ' +
            'with the following configuration parameter: "maxSupportedTransactionVersion": 0',
        });
      }
      let transaction: Json;
      if (encoding === 'json') {
        transaction = { message: uiMessage(message), signatures: landed.transaction.signatures.map(toBase58) };
      } else if (encoding === 'binary') {
        transaction = toBase58(landed.transaction.bytes);
      } else if (encoding === 'base58') {
        transaction = [toBase58(landed.transaction.bytes), 'base58'];
      } else {
        transaction = [toBase64(landed.transaction.bytes), 'base64'];
      }
      return {
        blockTime: landed.blockTime,
        meta: statusMeta(landed),
        slot: landed.slot,
        transaction,
        version: maxVersion === undefined ? undefined : message.version,
      };
    },
  },

  getTokenAccountBalance: {
    required: 1,
    total: 2,
    handler: ([key, config], chain) => {
      const text = expectString(key as Json);
      const object = expectOptionalStruct(config, 'CommitmentConfig');
      optional(object, 'commitment', readCommitment);
      const address = toBase58(verifyPubkey(text));
      const account = chain.account(address);
      if (!account) throw invalidParams('Invalid param: could not find account');
      if (!isTokenProgram(account.owner)) throw invalidParams('Invalid param: not a Token account');
      const token = parseTokenAccount({ data: account.data, program: account.owner });
      if (!token) throw invalidParams('Invalid param: not a Token account');
      const mint = chain.account(token.mint);
      if (!mint) throw invalidParams('Invalid param: could not find mint');
      const mintState = parseMint({ data: mint.data, program: mint.owner });
      if (!mintState) throw invalidParams('Invalid param: mint could not be unpacked');
      return withContext(chain, { ...uiTokenAmount({ amount: token.amount, decimals: mintState.decimals }) });
    },
  },

  getTokenAccountsByOwner: {
    required: 2,
    total: 3,
    handler: ([key, filter, config], chain) => {
      const text = expectString(key as Json);
      // RpcTokenAccountsFilter, an externally tagged enum: { mint } or { programId }.
      const variants = ['mint', 'programId'] as const;
      if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) {
        throw serdeError(`invalid type: ${unexpected(filter as Json)}, expected string or map`);
      }
      const entries = Object.entries(filter);
      if (entries.length !== 1) throw serdeError('invalid value: map, expected map with a single key');
      const [variant, value] = entries[0] as [string, Json];
      if (!(variants as readonly string[]).includes(variant)) {
        throw serdeError(`unknown variant \`${variant}\`, expected ${oneOf(variants)}`);
      }
      const filterKey = expectString(value);
      const { config: object, minContextSlot } = contextConfig(config, 'RpcAccountInfoConfig');
      const { encoding, dataSlice } = accountEncodingConfig(object);
      const owner = toBase58(verifyPubkey(text));
      const filterAddress = toBase58(verifyPubkey(filterKey));
      checkMinContextSlot(chain, minContextSlot);
      checkSliceAndEncoding(encoding, dataSlice);
      let programId: string;
      let mint: string | undefined;
      if (variant === 'mint') {
        const mintAccount = chain.account(filterAddress);
        if (!mintAccount) throw invalidParams('Invalid param: could not find mint');
        if (!isTokenProgram(mintAccount.owner)) throw invalidParams('Invalid param: not a Token mint');
        programId = mintAccount.owner;
        mint = filterAddress;
      } else {
        if (filterAddress !== TOKEN_PROGRAM_ID && filterAddress !== TOKEN_2022_PROGRAM_ID) {
          throw invalidParams('Invalid param: unrecognized Token program id');
        }
        programId = filterAddress;
      }
      const found = chain.svm
        .getProgramAccounts(programId as never)
        .filter((account) => {
          const token = parseTokenAccount({ data: Uint8Array.from(account.data), program: programId });
          return token !== null && token.owner === owner && (mint === undefined || token.mint === mint);
        })
        .map((account) => account.address as string)
        .sort();
      return withContext(
        chain,
        found.map((pubkey) => ({ account: encodeAccountAt({ chain, address: pubkey, encoding, dataSlice }), pubkey })),
      );
    },
  },
};

// ---------------------------------------------------------------- dispatch

type Id = number | bigint | string | null;

/**
 * Answers the body of one HTTP request: a JSON-RPC 2.0 call or batch. Returns
 * the response text, or undefined when every call was a notification.
 *
 * @example
 * handleSolanaRpc({ chain, body: '{"jsonrpc":"2.0","id":1,"method":"getHealth"}' })
 * // '{"jsonrpc":"2.0","result":"ok","id":1}'
 */
export function handleSolanaRpc({ chain, body }: { chain: SolanaChain; body: string }): string | undefined {
  let payload: Json;
  try {
    payload = parseJson(body);
  } catch {
    return stringifyJson(failure({ id: null, error: new SolanaRpcError({ code: PARSE_ERROR, message: 'Parse error' }) }));
  }
  if (Array.isArray(payload)) {
    if (payload.length === 0) return stringifyJson(failure({ id: null, error: invalidRequest() }));
    const outputs = payload.map((call) => handleCall({ chain, call })).filter((output) => output !== undefined);
    return outputs.length === 0 ? undefined : stringifyJson(outputs);
  }
  const output = handleCall({ chain, call: payload });
  return output === undefined ? undefined : stringifyJson(output);
}

function failure({ id, error, version = '2.0' }: { id: Id; error: SolanaRpcError; version?: string | undefined }): Json {
  return { jsonrpc: version, error: error.toJson(), id };
}

function handleCall({ chain, call }: { chain: SolanaChain; call: Json }): Json | undefined {
  if (call === null || typeof call !== 'object' || Array.isArray(call)) return failure({ id: null, error: invalidRequest() });
  const { jsonrpc, method, params, id } = call;
  const validId = id === undefined || id === null || typeof id === 'number' || typeof id === 'bigint' || typeof id === 'string';
  const responseId: Id = validId ? (id ?? null) : null;
  // jsonrpc-core also accepts 1.0-style calls without "jsonrpc" and answers without it.
  const version = jsonrpc === undefined ? undefined : '2.0';
  if (
    !validId ||
    (jsonrpc !== undefined && jsonrpc !== '2.0') ||
    typeof method !== 'string' ||
    (params !== undefined && params !== null && typeof params !== 'object')
  ) {
    return failure({ id: responseId, error: invalidRequest(), version });
  }
  const isNotification = !('id' in call);
  let output: Json;
  try {
    const entry = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
    if (!entry) throw new SolanaRpcError({ code: METHOD_NOT_FOUND, message: 'Method not found' });
    const list = positionalParams(params, entry);
    output = { jsonrpc: version, result: entry.handler(list, chain), id: responseId };
  } catch (error) {
    output = failure({ id: responseId, error: error instanceof SolanaRpcError ? error : internalError(), version });
  }
  return isNotification ? undefined : output;
}
