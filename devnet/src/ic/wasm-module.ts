/**
 * A canister's code: the module as installed (hash, custom sections) and the instrumented,
 * compiled module the devnet instantiates. Compiled modules are cached by hash, because tests
 * install the same Wasm into many instances.
 */
import { gunzipSync } from 'node:zlib';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { instrument, validateIcModule, type InstrumentedModule } from '../wasm/instrument.ts';
import { IcError } from './errors.ts';
import { limits } from './limits.ts';

export interface CanisterModule {
  /** sha256 of the module exactly as installed (gzipped or not), as canister_status reports it. */
  hash: Uint8Array;
  info: InstrumentedModule;
  compiled: WebAssembly.Module;
  /** Enhanced orthogonal persistence (Motoko): the heap survives upgrades with `keep`. */
  enhancedOrthogonalPersistence: boolean;
}

const cache = new Map<string, CanisterModule>();

function invalidWasm(message: string): IcError {
  return new IcError({ errorCode: 'CanisterInvalidWasm', message: `Wasm module of canister is not valid: ${message}` });
}

/** Decode, validate, instrument and compile a module given to install_code. Throws IcError. */
export function loadModule(wasm: Uint8Array): CanisterModule {
  const hash = sha256(wasm);
  const key = bytesToHex(hash);
  const cached = cache.get(key);
  if (cached) return cached;

  let raw = wasm;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = new Uint8Array(gunzipSync(raw, { maxOutputLength: limits.maxWasmBytes }));
    } catch (e) {
      throw invalidWasm(`Failed to decompress gzipped module: ${(e as Error).message}`);
    }
  }
  if (raw.length > limits.maxWasmBytes) throw invalidWasm(`module of ${raw.length} bytes exceeds ${limits.maxWasmBytes}`);

  let info: InstrumentedModule;
  try {
    info = instrument(raw);
  } catch (e) {
    throw invalidWasm(`Failed to decode wasm module: ${(e as Error).message}`);
  }
  const problem = validateIcModule(info);
  if (problem) throw invalidWasm(problem);

  let compiled: WebAssembly.Module;
  try {
    compiled = new WebAssembly.Module(info.bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    throw invalidWasm(`Wasmtime failed to validate wasm module ${(e as Error).message}`);
  }
  const enhancedOrthogonalPersistence = info.customSections.some(
    (s) => s.name === 'icp:private enhanced-orthogonal-persistence' || s.name === 'icp:public enhanced-orthogonal-persistence',
  );
  const module: CanisterModule = { hash, info, compiled, enhancedOrthogonalPersistence };
  cache.set(key, module);
  return module;
}
