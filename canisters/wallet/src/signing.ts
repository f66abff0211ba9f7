/**
 * THE only path to `sign_with_ecdsa` and `sign_with_schnorr`: every signature the wallet obtains
 * goes through `signEcdsa`, `signSchnorr` or `signBatch` here. canisters/wallet/README.md lists
 * every endpoint that reaches them.
 *
 * For each signature, in order:
 *   1. the signing guards (guards.ts) admit it, or the request is refused before anything is signed;
 *   2. the derivation path is the caller's own (built here from `caller` with src/lib/derivation.ts:
 *      no endpoint can pass another principal's path);
 *   3. the management canister signs;
 *   4. on success, one audit-log entry records who, what chain and method, the key and path, the
 *      exact bytes signed, the structured transaction they come from and the resulting txid;
 *      a failed request appends nothing.
 */
import type { Principal } from 'azle';
import { btcDerivationPath, btcTaprootDerivationPath, ethDerivationPath, solDerivationPath } from '../../../src/lib/derivation.ts';
import { appendSignatureEntry } from './audit/log.ts';
import type { Result, SigningGuardError } from './candid.ts';
import { loadConfig } from './config.ts';
import { admitSignatures } from './guards.ts';
import { signWithEcdsa, signWithSchnorr, type ManagementCallError } from './management.ts';

export type SigningError = SigningGuardError | ManagementCallError;

/** Which of the caller's keys signs: the schema of src/lib/derivation.ts. */
export type SigningKey = 'btc_ecdsa' | 'btc_bip340' | 'eth_ecdsa' | 'sol_ed25519';

export type SignatureRequest = {
  caller: Principal;
  key: SigningKey;
  /** The endpoint asking, for the log: `btc_send`, `eth_sign_transaction`, ... */
  method: string;
  /** ECDSA: the 32-byte digest; BIP340: the 32-byte sighash; Ed25519: the whole message. */
  message: Uint8Array;
  /** The structured transaction the message was computed from, as canonical JSON text. */
  transaction: string;
  /** The transaction id once this signature is in it (undefined when it is not known yet). */
  txidOf: (signature: Uint8Array) => string | undefined;
};

/** The caller's derivation path for `key` (src/lib/derivation.ts is the one place paths are built). */
export function derivationPathOf({ caller, key }: { caller: Principal; key: SigningKey }): Uint8Array[] {
  switch (key) {
    case 'btc_ecdsa':
      return btcDerivationPath({ principal: caller });
    case 'btc_bip340':
      return btcTaprootDerivationPath({ principal: caller });
    case 'eth_ecdsa':
      return ethDerivationPath({ principal: caller });
    case 'sol_ed25519':
      return solDerivationPath({ principal: caller });
  }
}

/** One signature: admitted, obtained and logged. */
export async function signOne(request: SignatureRequest): Promise<Result<Uint8Array, SigningError>> {
  return await signBatch<Uint8Array>({ caller: request.caller, count: 1 }, async (sign) => await sign(request));
}

/**
 * `count` signatures for one transaction, admitted together before the first is asked for (a
 * send is refused whole rather than half-signed). `body` gets a `sign` function; each call
 * obtains and logs one signature. The admission is released when `body` settles.
 */
export async function signBatch<T, E = never>(
  { caller, count }: { caller: Principal; count: number },
  body: (sign: (request: SignatureRequest) => Promise<Result<Uint8Array, SigningError>>) => Promise<Result<T, E | SigningError>>,
): Promise<Result<T, E | SigningError>> {
  const admitted = admitSignatures({ caller, count });
  if ('Err' in admitted) return { Err: admitted.Err };
  let remaining = count;
  try {
    return await body(async (request) => {
      if (request.caller.toText() !== caller.toText() || remaining === 0) {
        // Signing for another principal, or more often than admitted, is a bug in an endpoint.
        throw new Error(`signing: ${request.method} asked for a signature it was not admitted for`);
      }
      remaining -= 1;
      return await obtain(request);
    });
  } finally {
    admitted.Ok();
  }
}

async function obtain(request: SignatureRequest): Promise<Result<Uint8Array, SigningError>> {
  const config = loadConfig();
  const derivationPath = derivationPathOf({ caller: request.caller, key: request.key });
  const isEcdsa = request.key === 'btc_ecdsa' || request.key === 'eth_ecdsa';
  const keyName = isEcdsa ? config.ecdsa_key_name : config.schnorr_key_name;
  const signature = isEcdsa
    ? await signWithEcdsa({ keyName, derivationPath, messageHash: request.message })
    : await signWithSchnorr({
        keyName,
        algorithm: request.key === 'sol_ed25519' ? 'ed25519' : 'bip340secp256k1',
        derivationPath,
        message: request.message,
        // BIP86 key-path spends: the key is tweaked with an empty script tree (BIP341).
        merkleRootHash: request.key === 'btc_bip340' ? new Uint8Array(0) : undefined,
      });
  if ('Err' in signature) return signature;
  appendSignatureEntry({
    caller: request.caller,
    chain: request.key === 'eth_ecdsa' ? 'eth' : request.key === 'sol_ed25519' ? 'sol' : 'btc',
    method: request.method,
    keyName,
    algorithm: isEcdsa ? 'ecdsa_secp256k1' : request.key === 'sol_ed25519' ? 'schnorr_ed25519' : 'schnorr_bip340secp256k1_bip341',
    derivationPath,
    message: request.message,
    transaction: request.transaction,
    txid: safeTxid(request, signature.Ok),
  });
  return signature;
}

/** The txid for the log; a signature the chain code refuses leaves the txid empty, not a trap. */
function safeTxid(request: SignatureRequest, signature: Uint8Array): string {
  try {
    return request.txidOf(signature) ?? '';
  } catch {
    return '';
  }
}
