/**
 * Checks an input's unlocking data against the output it spends, for the spends a wallet makes:
 * P2WPKH (BIP141/BIP143), P2TR key path (BIP341/BIP340), P2PKH and P2SH-P2WPKH (BIP16).
 *
 * Bitcoin Core checks scripts twice: with the standard (policy) flags and, when that fails, with
 * the consensus flags alone, and reports `mandatory-script-verify-flag-failed (<error>)` when the
 * consensus run fails too, otherwise `non-mandatory-script-verify-flag (<error>)`. The errors
 * below carry Core's `ScriptErrorString` texts and follow the same two runs.
 */
import { schnorr, secp256k1 } from '@noble/curves/secp256k1.js';
import { equalBytes, hash160 } from './bytes.ts';
import { classifyOutput, parsePushes, witnessProgram } from './script.ts';
import { bip143Sighash, bip341KeyPathSighash, legacySighash, SIGHASH_ANYONECANPAY, SIGHASH_SINGLE, SighashCache } from './sighash.ts';
import type { Transaction, TxOutput } from './transaction.ts';

/** Core's `ScriptErrorString` texts for the errors these checks can raise. */
export const ScriptError = {
  EVAL_FALSE: 'Script evaluated without error but finished with a false/empty top stack element',
  EQUALVERIFY: 'Script failed an OP_EQUALVERIFY operation',
  SIG_DER: 'Non-canonical DER signature',
  SIG_HIGH_S: 'Non-canonical signature: S value is unnecessarily high',
  SIG_HASHTYPE: 'Signature hash type missing or not understood',
  SIG_NULLFAIL: 'Signature must be zero for failed CHECK(MULTI)SIG operation',
  PUBKEYTYPE: 'Public key is neither compressed or uncompressed',
  WITNESS_PUBKEYTYPE: 'Using non-compressed keys in segwit',
  WITNESS_MALLEATED: 'Witness requires empty scriptSig',
  WITNESS_MALLEATED_P2SH: 'Witness requires only-redeemscript scriptSig',
  WITNESS_UNEXPECTED: 'Witness provided for non-witness script',
  WITNESS_PROGRAM_MISMATCH: 'Witness program hash mismatch',
  WITNESS_PROGRAM_WITNESS_EMPTY: 'Witness program was passed an empty witness',
  DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM: 'Witness version reserved for soft-fork upgrades',
  SCHNORR_SIG_SIZE: 'Invalid Schnorr signature size',
  SCHNORR_SIG_HASHTYPE: 'Invalid Schnorr signature hash type',
  SCHNORR_SIG: 'Invalid Schnorr signature',
} as const;

export type InputVerdict = { ok: true } | { ok: false; reason: string; details: string };

type Mode = 'policy' | 'consensus';

/**
 * Verifies input `inputIndex` of `tx`; `prevouts` are the outputs every input spends, in order
 * (BIP341 commits to all of them).
 */
export function verifyInput(args: { tx: Transaction; inputIndex: number; prevouts: TxOutput[]; cache?: SighashCache }): InputVerdict {
  const { tx, inputIndex, prevouts } = args;
  const cache = args.cache ?? new SighashCache(tx);
  const spent = prevouts[inputIndex]!;
  const type = classifyOutput(spent.script);
  const where = `input ${inputIndex} spends a ${type} output`;
  const run = (mode: Mode): string | null => {
    switch (type) {
      case 'p2wpkh':
        return checkP2wpkh({
          tx,
          inputIndex,
          program: spent.script.subarray(2),
          amount: spent.value,
          mode,
          scriptSig: tx.inputs[inputIndex]!.scriptSig,
          cache,
        });
      case 'p2tr':
        return checkP2trKeyPath({ tx, inputIndex, prevouts, outputKey: spent.script.subarray(2), cache });
      case 'p2pkh':
        return checkP2pkh({ tx, inputIndex, scriptPubKey: spent.script, mode });
      case 'p2sh':
        return checkP2shP2wpkh({ tx, inputIndex, scriptPubKey: spent.script, amount: spent.value, mode, cache });
      case 'witness_unknown':
        // Consensus lets anyone spend future witness versions; policy refuses to.
        return mode === 'policy' ? ScriptError.DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM : null;
      default:
        throw new UnsupportedSpend(type);
    }
  };
  try {
    const policyError = run('policy');
    if (policyError === null) return { ok: true };
    const consensusError = run('consensus');
    return consensusError !== null
      ? { ok: false, reason: `mandatory-script-verify-flag-failed (${consensusError})`, details: where }
      : { ok: false, reason: `non-mandatory-script-verify-flag (${policyError})`, details: where };
  } catch (e) {
    if (e instanceof UnsupportedSpend) {
      return {
        ok: false,
        reason: 'devnet-unsupported-script',
        details: `${where}; the devnet verifies only p2wpkh, p2tr key-path, p2pkh and p2sh-p2wpkh spends and refuses what it cannot verify`,
      };
    }
    throw e;
  }
}

class UnsupportedSpend extends Error {
  override name = 'UnsupportedSpend';
}

function checkP2wpkh(args: {
  tx: Transaction;
  inputIndex: number;
  program: Uint8Array;
  amount: bigint;
  mode: Mode;
  scriptSig: Uint8Array;
  cache: SighashCache;
}): string | null {
  const { tx, inputIndex, program, amount, mode } = args;
  // BIP141: a native witness program needs an empty scriptSig (P2SH-wrapped ones pass the redeem script).
  if (args.scriptSig.length > 0) return ScriptError.WITNESS_MALLEATED;
  const witness = tx.inputs[inputIndex]!.witness;
  // BIP141: a P2WPKH witness is exactly <signature> <pubkey>, with HASH160(pubkey) = program.
  if (witness.length !== 2) return ScriptError.WITNESS_PROGRAM_MISMATCH;
  const [sig, pubkey] = witness as [Uint8Array, Uint8Array];
  if (!equalBytes(hash160(pubkey), program)) return ScriptError.WITNESS_PROGRAM_MISMATCH;
  // BIP143: the script code of P2WPKH is the P2PKH script of the program.
  const scriptCode = Uint8Array.of(0x76, 0xa9, 0x14, ...program, 0x88, 0xac);
  const result = checkEcdsa({
    sig,
    pubkey,
    mode,
    witnessV0: true,
    sighash: (hashType) => bip143Sighash({ tx, inputIndex, scriptCode, amount, hashType, cache: args.cache }),
  });
  if (typeof result === 'string') return result;
  return result ? null : ScriptError.EVAL_FALSE;
}

function checkP2shP2wpkh(args: {
  tx: Transaction;
  inputIndex: number;
  scriptPubKey: Uint8Array;
  amount: bigint;
  mode: Mode;
  cache: SighashCache;
}): string | null {
  const input = args.tx.inputs[args.inputIndex]!;
  const pushes = parsePushes(input.scriptSig);
  const redeem = pushes && pushes.length > 0 ? pushes[pushes.length - 1]! : null;
  const wp = redeem ? witnessProgram(redeem) : null;
  if (!redeem || !wp || wp.version !== 0 || wp.program.length !== 20) throw new UnsupportedSpend('p2sh');
  // BIP16: HASH160(redeemScript) must equal the hash in the output, else OP_EQUAL leaves false.
  if (!equalBytes(hash160(redeem), args.scriptPubKey.subarray(2, 22))) return ScriptError.EVAL_FALSE;
  // BIP141: a P2SH-wrapped witness program's scriptSig is exactly one push of the program.
  if (pushes!.length !== 1 || input.scriptSig.length !== redeem.length + 1) return ScriptError.WITNESS_MALLEATED_P2SH;
  return checkP2wpkh({ ...args, program: wp.program, scriptSig: new Uint8Array(0) });
}

function checkP2pkh(args: { tx: Transaction; inputIndex: number; scriptPubKey: Uint8Array; mode: Mode }): string | null {
  const { tx, inputIndex, scriptPubKey, mode } = args;
  const input = tx.inputs[inputIndex]!;
  // With segwit active, witness data on a non-witness spend is invalid.
  if (input.witness.length > 0) return ScriptError.WITNESS_UNEXPECTED;
  const pushes = parsePushes(input.scriptSig);
  if (!pushes || pushes.length !== 2) throw new UnsupportedSpend('p2pkh with a scriptSig other than <sig> <pubkey>');
  const [sig, pubkey] = pushes as [Uint8Array, Uint8Array];
  if (!equalBytes(hash160(pubkey), scriptPubKey.subarray(3, 23))) return ScriptError.EQUALVERIFY;
  const result = checkEcdsa({
    sig,
    pubkey,
    mode,
    witnessV0: false,
    sighash: (hashType) => legacySighash({ tx, inputIndex, scriptCode: scriptPubKey, hashType }),
  });
  if (typeof result === 'string') return result;
  return result ? null : ScriptError.EVAL_FALSE;
}

/**
 * OP_CHECKSIG on ECDSA: the signature-encoding and key-encoding checks of `CheckSignatureEncoding`
 * and `CheckPubKeyEncoding` (DER is consensus since BIP66; low S, defined hash type, key format
 * and NULLFAIL are policy), then the verification. Returns an error text or the CHECKSIG result.
 */
function checkEcdsa(args: {
  sig: Uint8Array;
  pubkey: Uint8Array;
  mode: Mode;
  witnessV0: boolean;
  sighash: (hashType: number) => Uint8Array;
}): string | boolean {
  const { sig, pubkey, mode } = args;
  let parsed: { r: Uint8Array; s: Uint8Array } | null = null;
  if (sig.length > 0) {
    parsed = parseStrictDer(sig);
    if (!parsed) return ScriptError.SIG_DER;
    if (mode === 'policy') {
      if (!isLowS(parsed.s)) return ScriptError.SIG_HIGH_S;
      if (!isDefinedHashType(sig[sig.length - 1]!)) return ScriptError.SIG_HASHTYPE;
    }
  }
  if (mode === 'policy') {
    const compressed = pubkey.length === 33 && (pubkey[0] === 0x02 || pubkey[0] === 0x03);
    const uncompressed = pubkey.length === 65 && pubkey[0] === 0x04;
    if (!compressed && !uncompressed) return ScriptError.PUBKEYTYPE;
    if (args.witnessV0 && !compressed) return ScriptError.WITNESS_PUBKEYTYPE;
  }
  if (!parsed) return false;
  const hashType = sig[sig.length - 1]!;
  const ok = ecdsaVerify({ r: parsed.r, s: parsed.s, hash: args.sighash(hashType), pubkey });
  if (!ok && mode === 'policy') return ScriptError.SIG_NULLFAIL;
  return ok;
}

function ecdsaVerify(args: { r: Uint8Array; s: Uint8Array; hash: Uint8Array; pubkey: Uint8Array }): boolean {
  if (args.r.length > 32 || args.s.length > 32) return false;
  const compact = new Uint8Array(64);
  compact.set(args.r, 32 - args.r.length);
  compact.set(args.s, 64 - args.s.length);
  try {
    // Consensus verification accepts high S (libsecp256k1 normalizes before verifying).
    return secp256k1.verify(compact, args.hash, args.pubkey, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/**
 * BIP66 `IsValidSignatureEncoding` on `<DER signature> <hashtype>`; returns r and s without their
 * sign-padding zero, or null.
 */
export function parseStrictDer(sig: Uint8Array): { r: Uint8Array; s: Uint8Array } | null {
  const n = sig.length;
  if (n < 9 || n > 73) return null;
  if (sig[0] !== 0x30 || sig[1] !== n - 3) return null;
  const lenR = sig[3]!;
  if (5 + lenR >= n) return null;
  const lenS = sig[5 + lenR]!;
  if (lenR + lenS + 7 !== n) return null;
  if (sig[2] !== 0x02 || lenR === 0 || sig[4]! & 0x80) return null;
  if (lenR > 1 && sig[4] === 0x00 && !(sig[5]! & 0x80)) return null;
  if (sig[lenR + 4] !== 0x02 || lenS === 0 || sig[lenR + 6]! & 0x80) return null;
  if (lenS > 1 && sig[lenR + 6] === 0x00 && !(sig[lenR + 7]! & 0x80)) return null;
  const strip = (b: Uint8Array) => (b.length > 1 && b[0] === 0 ? b.subarray(1) : b);
  return { r: strip(sig.subarray(4, 4 + lenR)), s: strip(sig.subarray(6 + lenR, 6 + lenR + lenS)) };
}

const HALF_ORDER = secp256k1.Point.CURVE().n >> 1n;

function isLowS(s: Uint8Array): boolean {
  let v = 0n;
  for (const b of s) v = (v << 8n) | BigInt(b);
  return v <= HALF_ORDER;
}

/** STRICTENC: ALL, NONE or SINGLE, optionally with ANYONECANPAY. */
function isDefinedHashType(hashType: number): boolean {
  const base = hashType & ~SIGHASH_ANYONECANPAY;
  return base >= 1 && base <= SIGHASH_SINGLE;
}

function checkP2trKeyPath(args: {
  tx: Transaction;
  inputIndex: number;
  prevouts: TxOutput[];
  outputKey: Uint8Array;
  cache: SighashCache;
}): string | null {
  const { tx, inputIndex, prevouts } = args;
  const input = tx.inputs[inputIndex]!;
  if (input.scriptSig.length > 0) return ScriptError.WITNESS_MALLEATED;
  let stack = input.witness;
  if (stack.length === 0) return ScriptError.WITNESS_PROGRAM_WITNESS_EMPTY;
  // BIP341: with two or more elements, a last one starting with 0x50 is the annex. Core's policy
  // refuses annexes before any script runs (see the chain's standardness checks).
  let annex: Uint8Array | undefined;
  if (stack.length >= 2 && stack[stack.length - 1]![0] === 0x50) {
    annex = stack[stack.length - 1]!;
    stack = stack.slice(0, -1);
  }
  if (stack.length !== 1) throw new UnsupportedSpend('p2tr (script path)');
  const sig = stack[0]!;
  // BIP341: a 64-byte signature means SIGHASH_DEFAULT; 65 bytes carry an explicit, non-zero type.
  let hashType = 0x00;
  if (sig.length === 65) {
    hashType = sig[64]!;
    if (hashType === 0x00) return ScriptError.SCHNORR_SIG_HASHTYPE;
  } else if (sig.length !== 64) {
    return ScriptError.SCHNORR_SIG_SIZE;
  }
  const base = hashType & ~SIGHASH_ANYONECANPAY;
  if (hashType !== 0x00 && (base < 1 || base > SIGHASH_SINGLE)) return ScriptError.SCHNORR_SIG_HASHTYPE;
  const msg = bip341KeyPathSighash({ tx, inputIndex, prevouts, hashType, cache: args.cache, ...(annex ? { annex } : {}) });
  if (!msg) return ScriptError.SCHNORR_SIG_HASHTYPE;
  let ok: boolean;
  try {
    ok = schnorr.verify(sig.subarray(0, 64), msg, args.outputKey);
  } catch {
    ok = false;
  }
  return ok ? null : ScriptError.SCHNORR_SIG;
}
