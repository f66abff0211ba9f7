// Helpers for the tests of the local Solana node: raw JSON-RPC calls (to
// assert exact answers, errors included) and transactions signed by
// @solana/kit, as a wallet would build them.

import { getTransferSolInstruction } from '@solana-program/system';
import {
  appendTransactionMessageInstructions,
  blockhash as toBlockhash,
  createKeyPairSignerFromPrivateKeyBytes,
  createTransactionMessage,
  getBase58Decoder,
  getSignatureFromTransaction,
  getTransactionEncoder,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Instruction,
  type KeyPairSigner,
} from '@solana/kit';

import { toBase64 } from './encoding.ts';
import { parseJson, type Json } from './json.ts';

/** A signer from a fixed 32-byte ed25519 seed filled with `byte`. */
export function seededSigner(byte: number): Promise<KeyPairSigner> {
  return createKeyPairSignerFromPrivateKeyBytes(new Uint8Array(32).fill(byte));
}

/** POSTs one JSON-RPC call and returns the whole parsed response. */
export async function rpcCall({ url, method, params }: { url: string; method: string; params?: Json }): Promise<Json> {
  return rpcBody({ url, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) });
}

export async function rpcBody({ url, body }: { url: string; body: string }): Promise<Json> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return parseJson(await response.text());
}

/** The `result` of a call that must succeed. */
export async function rpcResult({ url, method, params }: { url: string; method: string; params?: Json }): Promise<Json> {
  const response = (await rpcCall({ url, method, params })) as { result?: Json; error?: Json };
  if (response.error !== undefined) throw new Error(`${method} failed: ${JSON.stringify(response.error)}`);
  return response.result as Json;
}

export interface SignedTransaction {
  bytes: Uint8Array;
  base64: string;
  base58: string;
  signature: string;
}

/** A SOL transfer (plus any `before` instructions) signed with @solana/kit. */
export async function signedTransfer({
  from,
  to,
  amount,
  blockhash,
  version = 0,
  before = [],
}: {
  from: KeyPairSigner;
  to: string;
  amount: bigint;
  blockhash: string;
  version?: 0 | 'legacy';
  before?: Instruction[];
}): Promise<SignedTransaction> {
  return signedTransaction({
    feePayer: from,
    blockhash,
    version,
    instructions: [...before, getTransferSolInstruction({ source: from, destination: to as never, amount: lamports(amount) })],
  });
}

/** Any instructions, signed by the fee payer and the signers they name. */
export async function signedTransaction({
  feePayer,
  blockhash,
  instructions,
  version = 0,
}: {
  feePayer: KeyPairSigner;
  blockhash: string;
  instructions: Instruction[];
  version?: 0 | 'legacy';
}): Promise<SignedTransaction> {
  const signed = await signTransactionMessageWithSigners(
    pipe(
      createTransactionMessage({ version }),
      (m) => setTransactionMessageFeePayerSigner(feePayer, m),
      (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: toBlockhash(blockhash), lastValidBlockHeight: 0n }, m),
      (m) => appendTransactionMessageInstructions(instructions, m),
    ),
  );
  const bytes = Uint8Array.from(getTransactionEncoder().encode(signed));
  return {
    bytes,
    base64: toBase64(bytes),
    base58: getBase58Decoder().decode(bytes),
    signature: getSignatureFromTransaction(signed),
  };
}

/** Polls getSignatureStatuses until the signature has a status (or gives up). */
export async function waitForStatus({ url, signature }: { url: string; signature: string }): Promise<Json> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const { value } = (await rpcResult({ url, method: 'getSignatureStatuses', params: [[signature]] })) as { value: Json[] };
    if (value[0] !== null) return value[0] as Json;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`waitForStatus: ${signature} has no status`);
}
