// Reads JSON-RPC params the way the real node does, and fails with the same
// messages: the agave RPC declares its methods with jsonrpc-derive (positional
// params, trailing `Option`s optional) and parses each one with serde_json.
// Sources: paritytech/jsonrpc derive/src/to_delegate.rs (params_with_trailing),
// core/src/types/params.rs ("Invalid params: {serde error}."), serde_json's
// error.rs (JsonUnexpected) and serde's `Unexpected`/`OneOf` displays.

import type { Json } from './json.ts';
import { invalidParams, SolanaRpcError } from './rpc-error.ts';

export type JsonObject = { [key: string]: Json | undefined };

/**
 * Checks the params array of a method with `required` leading params and
 * `total - required` trailing optional ones, as jsonrpc-derive does.
 *
 * @example
 * positionalParams([], { required: 1, total: 2 }) // throws "`params` should have at least 1 argument(s)"
 */
export function positionalParams(params: Json | undefined, { required, total }: { required: number; total: number }): Json[] {
  if (total === 0) {
    // Params::expect_no_params
    if (params === undefined || params === null || (Array.isArray(params) && params.length === 0)) return [];
    throw invalidParams('Invalid parameters: No parameters were expected', rustDebug(params));
  }
  if (params !== undefined && params !== null && !Array.isArray(params)) {
    throw invalidParams('`params` should be an array');
  }
  const list = params ?? [];
  if (list.length < required) throw invalidParams(`\`params\` should have at least ${required} argument(s)`);
  if (list.length > total) {
    // invalid_params_with_details: the details are the Debug form of a String.
    throw invalidParams(`Invalid parameters: Expected from ${required} to ${total} parameters.`, `"Got: ${list.length}"`);
  }
  return list;
}

/** The error jsonrpc-core's `Params::parse` makes of a serde error. */
export function serdeError(message: string): SolanaRpcError {
  return invalidParams(`Invalid params: ${message}.`);
}

/** serde_json's display of an unexpected JSON value. */
export function unexpected(value: Json): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return `boolean \`${value}\``;
  if (typeof value === 'bigint') return `integer \`${value}\``;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? `integer \`${value}\`` : `floating point \`${value}\``;
  }
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  return Array.isArray(value) ? 'sequence' : 'map';
}

function invalidType(value: Json, expected: string): SolanaRpcError {
  return serdeError(`invalid type: ${unexpected(value)}, expected ${expected}`);
}

export function expectString(value: Json): string {
  if (typeof value !== 'string') throw invalidType(value, 'a string');
  return value;
}

export function expectBool(value: Json): boolean {
  if (typeof value !== 'boolean') throw invalidType(value, 'a boolean');
  return value;
}

/** An unsigned integer of `bits` bits, named `type` (`u64`, `usize`, `u8`) in errors. */
export function expectUnsigned(value: Json, { type, bits }: { type: string; bits: number }): bigint {
  if (typeof value === 'number' && !Number.isInteger(value)) throw invalidType(value, type);
  if (typeof value !== 'number' && typeof value !== 'bigint') throw invalidType(value, type);
  const n = BigInt(value);
  if (n < 0n) throw serdeError(`invalid value: integer \`${n}\`, expected ${type}`);
  // serde_json reads integers beyond u64 as floats.
  if (n >= 1n << 64n) throw serdeError(`invalid type: floating point \`${Number(n)}\`, expected ${type}`);
  if (n >= 1n << BigInt(bits)) throw serdeError(`invalid value: integer \`${n}\`, expected ${type}`);
  return n;
}

export function expectU64(value: Json): bigint {
  return expectUnsigned(value, { type: 'u64', bits: 64 });
}

export function expectUsize(value: Json): bigint {
  return expectUnsigned(value, { type: 'usize', bits: 64 });
}

export function expectStringArray(value: Json): string[] {
  if (!Array.isArray(value)) throw invalidType(value, 'a sequence');
  return value.map((item) => expectString(item));
}

/** An `Option<Struct>`: absent or null is `undefined`, an object is returned as is. */
export function expectOptionalStruct(value: Json | undefined, name: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidType(value, `struct ${name}`);
  return value;
}

/** A member of a config object, `undefined` when absent or null (serde's `Option`). */
export function member(config: JsonObject | undefined, key: string): Json | undefined {
  const value = config?.[key];
  return value === null ? undefined : value;
}

/** A unit-only serde enum, named by its serialized variant names. */
export function expectVariant<T extends string>(value: Json, variants: readonly T[]): T {
  if (typeof value !== 'string') throw invalidType(value, 'string or map');
  if (!(variants as readonly string[]).includes(value)) {
    throw serdeError(`unknown variant \`${value}\`, expected ${oneOf(variants)}`);
  }
  return value as T;
}

/** serde's `OneOf` display of the expected variants. */
export function oneOf(variants: readonly string[]): string {
  const quoted = variants.map((variant) => `\`${variant}\``);
  if (quoted.length === 1) return quoted[0] as string;
  if (quoted.length === 2) return `${quoted[0]} or ${quoted[1]}`;
  return `one of ${quoted.join(', ')}`;
}

/** Rust's `Debug` of jsonrpc-core's `Params` (serde_json's `Value` Debug inside). */
function rustDebug(params: Json): string {
  if (Array.isArray(params)) return `Array([${params.map(debugValue).join(', ')}])`;
  return `Map(${debugMap(params as JsonObject)})`;
}

function debugValue(value: Json): string {
  if (value === null) return 'Null';
  if (typeof value === 'boolean') return `Bool(${value})`;
  if (typeof value === 'number' || typeof value === 'bigint') return `Number(${value})`;
  if (typeof value === 'string') return `String(${JSON.stringify(value)})`;
  if (Array.isArray(value)) return `Array [${value.map(debugValue).join(', ')}]`;
  return `Object ${debugMap(value)}`;
}

function debugMap(map: JsonObject): string {
  return `{${Object.entries(map)
    .map(([key, value]) => `${JSON.stringify(key)}: ${debugValue(value ?? null)}`)
    .join(', ')}}`;
}
