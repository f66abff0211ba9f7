/**
 * The Candid-level entry point of the four threshold methods of the management canister, in the
 * order the replica checks a call:
 *   1. ingress filter: only canisters may call (code 4);
 *   2. routing: the argument decodes (with the 255-component and 32-byte-hash bounds) and the
 *      key exists (code 3);
 *   3. execution, signing only: the bip341 aux is valid for the algorithm, then the fee is
 *      attached (code 4);
 *   4. the reply.
 * Rejects charge nothing (the replica refunds the whole payment); a signature charges its fee.
 * Public-key calls are free. The empty-payload check of execution ("An empty message cannot be
 * signed") is never reached: routing has already failed to decode an empty payload.
 */
import { decodeThresholdArgs, encodePublicKeyResult, encodeSignatureResult, isThresholdMethod } from './candid.ts';
import type { ServiceResult, ThresholdKeys } from './index.ts';
import { isKeyName, type KeyName } from './key-id.ts';
import {
  auxNotSupportedReject,
  decodeReject,
  insufficientCyclesReject,
  invalidAuxReject,
  methodNotFoundReject,
  onlyCanistersReject,
  type Reject,
  unknownKeyReject,
} from './reject.ts';

function reject(r: Reject): ServiceResult {
  return { kind: 'reject', code: r.code, message: r.message, cyclesCharged: 0n };
}

/**
 * Answers one call to `ecdsa_public_key`, `sign_with_ecdsa`, `schnorr_public_key` or
 * `sign_with_schnorr`. Never throws on a caller's input; throws `ThresholdInvariantError` only if
 * a signature fails its own check (a devnet bug).
 *
 * @example
 * const result = handleThresholdCall({ keys, method: 'ecdsa_public_key', arg, caller, callerIsCanister: true, cyclesAttached: 0n });
 */
export function handleThresholdCall(args: {
  keys: ThresholdKeys;
  method: string;
  arg: Uint8Array;
  caller: Uint8Array;
  callerIsCanister: boolean;
  cyclesAttached: bigint;
}): ServiceResult {
  const { keys, method } = args;
  if (!isThresholdMethod(method)) return reject(methodNotFoundReject(method));
  if (!args.callerIsCanister) return reject(onlyCanistersReject(method));

  const decoded = decodeThresholdArgs({ method, arg: args.arg });
  if (!decoded.ok) return reject(decodeReject({ method, detail: decoded.description }));
  const request = decoded.request;
  if (!isKeyName(request.keyName)) return reject(unknownKeyReject({ method, keyType: request.keyType, keyName: request.keyName }));
  const keyName: KeyName = request.keyName;

  switch (request.method) {
    case 'ecdsa_public_key':
    case 'schnorr_public_key': {
      // IC interface spec: "If the canister_id is unspecified, it will default to the canister id of the caller."
      const derived = keys.publicKey({
        keyType: request.keyType,
        keyName,
        canisterId: request.canisterId ?? args.caller,
        derivationPath: request.derivationPath,
      });
      return { kind: 'reply', reply: encodePublicKeyResult(derived), cyclesCharged: 0n };
    }
    case 'sign_with_ecdsa':
    case 'sign_with_schnorr': {
      if (request.method === 'sign_with_schnorr' && request.merkleRoot !== undefined) {
        if (request.keyType !== 'schnorr_bip340secp256k1') return reject(auxNotSupportedReject());
        if (request.merkleRoot.length !== 0 && request.merkleRoot.length !== 32) return reject(invalidAuxReject());
      }
      const fee = keys.signatureFee(keyName)!;
      if (args.cyclesAttached < fee) return reject(insufficientCyclesReject({ method, attached: args.cyclesAttached, fee }));
      const signature = keys.sign({
        keyType: request.keyType,
        keyName,
        canisterId: args.caller,
        derivationPath: request.derivationPath,
        message: request.method === 'sign_with_ecdsa' ? request.messageHash : request.message,
        bip341MerkleRoot: request.method === 'sign_with_schnorr' ? request.merkleRoot : undefined,
      });
      return { kind: 'reply', reply: encodeSignatureResult(signature), cyclesCharged: fee };
    }
  }
}
