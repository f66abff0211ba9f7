/**
 * `npm run build`: builds the wallet and frontend canisters with azle from the repository's dfx.json,
 * and the web app with Vite (scripts/build-app.ts, into canisters/frontend/dist); checks that the Candid azle generates from each one's code is its committed .did
 * (canisters/wallet/wallet.did, canisters/frontend/frontend.did; CONTRIBUTING.md convention 5). Prints
 * each Wasm path and size; exits non-zero on a build failure or a Candid mismatch.
 *
 * Why the check compares canonical forms, not text: azle prints every type inline (no names,
 * fields in hash order), while the committed file names the types per endpoint
 * (`AddressesResponse`, `AddressesError`, ...) and carries comments. `canonicalCandid` parses the
 * subset of Candid the wallet uses, expands named types, orders fields and methods by name and
 * prints one form, so the two files match exactly when they describe the same interface.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WalletError } from '../src/lib/errors.ts';
import { buildApp, initialJs } from './build-app.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The committed interface of the wallet canister. */
export const WALLET_DID_PATH = join(ROOT, 'canisters', 'wallet', 'wallet.did');
/** The committed interface of the frontend canister. */
export const FRONTEND_DID_PATH = join(ROOT, 'canisters', 'frontend', 'frontend.did');

/** The canisters of the root dfx.json, with their committed interfaces. */
export const CANISTERS = { wallet: WALLET_DID_PATH, frontend: FRONTEND_DID_PATH } as const;
export type CanisterName = keyof typeof CANISTERS;

export interface CanisterBuild {
  /** Where azle wrote the module (dfx's default for azle canisters): `.azle/<name>/<name>.wasm`. */
  wasmPath: string;
  /** The module's bytes, read right after the build, so a later build cannot swap them. */
  wasm: Uint8Array;
  /** The Candid azle generated from the canister's code. */
  candid: string;
}

export class BuildError extends WalletError {
  override name = 'BuildError';
}

export type WalletBuild = CanisterBuild;

/**
 * Runs `azle build <name>` at the repository root (dfx.json there names the canister), with the
 * generated Candid going to a temporary file (azle requires CANISTER_CANDID_PATH).
 *
 * @throws {BuildError} with azle's output when the build fails.
 */
export function buildCanister(name: CanisterName): CanisterBuild {
  const scratch = mkdtempSync(join(tmpdir(), `${name}-build-`));
  const candidPath = join(scratch, `${name}.did`);
  try {
    const result = spawnSync(join(ROOT, 'node_modules', '.bin', 'azle'), ['build', name], {
      cwd: ROOT,
      env: {
        ...process.env,
        // azle's launcher runs through npx: keep this Node (24) and the project's bins first.
        PATH: `${dirname(process.execPath)}:${join(ROOT, 'node_modules', '.bin')}:${process.env.PATH}`,
        AZLE_DFX_ROOT: ROOT,
        CANISTER_CANDID_PATH: candidPath,
        npm_config_loglevel: 'error',
      },
      encoding: 'utf8',
    });
    const wasmPath = join(ROOT, '.azle', name, `${name}.wasm`);
    if (result.status !== 0) {
      throw new BuildError(`azle build ${name} failed with status ${result.status}`, {
        details: `${result.stdout}\n${result.stderr}`.trim(),
      });
    }
    return { wasmPath, wasm: new Uint8Array(readFileSync(wasmPath)), candid: readFileSync(candidPath, 'utf8') };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `azle build wallet` (see buildCanister). */
export function buildWallet(): WalletBuild {
  return buildCanister('wallet');
}

/** `azle build frontend` (see buildCanister). */
export function buildFrontend(): CanisterBuild {
  return buildCanister('frontend');
}

export class CandidSyntaxError extends WalletError {
  override name = 'CandidSyntaxError';
}

type CandidType =
  | { kind: 'primitive'; name: string }
  | { kind: 'reference'; name: string }
  | { kind: 'opt' | 'vec'; inner: CandidType }
  | { kind: 'record' | 'variant'; fields: { label: string; type: CandidType }[] }
  | { kind: 'func'; args: CandidType[]; results: CandidType[]; modes: string[] };

// Candid spec, "Primitive types" (blob is `vec nat8` and is expanded as such).
const PRIMITIVES = new Set(
  'nat nat8 nat16 nat32 nat64 int int8 int16 int32 int64 float32 float64 bool text null reserved empty principal'.split(' '),
);
const FUNC_MODES = new Set(['query', 'composite_query', 'oneway']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NULL: CandidType = { kind: 'primitive', name: 'null' };

/** Tokens of a .did file: comments and whitespace dropped. */
function tokenize(source: string): string[] {
  const token = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(->|[{}();:,=]|"(?:[^"\\]|\\.)*"|[A-Za-z_][A-Za-z0-9_]*|[0-9]+)/y;
  const tokens: string[] = [];
  for (let at = 0; at < source.length; at = token.lastIndex) {
    token.lastIndex = at;
    const match = token.exec(source);
    if (match === null) throw new CandidSyntaxError(`Unexpected character ${JSON.stringify(source[at])} at offset ${at}`);
    if (match[1] !== undefined) tokens.push(match[1]);
  }
  return tokens;
}

/**
 * One canonical text for a Candid service description: named types expanded, record and variant
 * fields and service methods ordered by name, `blob` as `vec nat8`, a variant's `l : null` as `l`.
 * Covers the subset the wallet uses: type definitions, primitives, opt, vec, blob, record,
 * variant, func, and a service with init arguments; anything else (recursive types, service
 * references, imports) is refused rather than guessed.
 *
 * @throws {CandidSyntaxError} naming the unexpected token.
 *
 * @example
 * canonicalCandid('type R = record { b : nat; a : text }; service : { f : (R) -> () query }');
 * // 'service : () -> {\n  f : (record {a : text; b : nat}) -> () query;\n}\n'
 */
export function canonicalCandid(source: string): string {
  const tokens = tokenize(source);
  let at = 0;
  const fail = (expected: string): never => {
    throw new CandidSyntaxError(`Expected ${expected}, got ${at < tokens.length ? JSON.stringify(tokens[at]) : 'the end'} (token ${at})`);
  };
  const next = (): string => (at < tokens.length ? tokens[at++] : fail('more input'));
  const accept = (token: string): boolean => {
    if (tokens[at] !== token) return false;
    at++;
    return true;
  };
  const expect = (token: string): void => {
    if (!accept(token)) fail(JSON.stringify(token));
  };
  const name = (): string => {
    const token = next();
    if (IDENTIFIER.test(token)) return token;
    if (token.startsWith('"')) return JSON.parse(token) as string;
    if (/^[0-9]+$/.test(token)) return token;
    at--;
    return fail('a name');
  };

  const parseType = (): CandidType => {
    const token = next();
    if (token === 'opt' || token === 'vec') return { kind: token, inner: parseType() };
    if (token === 'blob') return { kind: 'vec', inner: { kind: 'primitive', name: 'nat8' } };
    if (token === 'record' || token === 'variant') return { kind: token, fields: parseFields(token) };
    if (token === 'func') return parseFunc();
    if (PRIMITIVES.has(token)) return { kind: 'primitive', name: token };
    if (IDENTIFIER.test(token) && token !== 'service' && token !== 'type') return { kind: 'reference', name: token };
    at--;
    return fail('a type');
  };

  const parseFields = (kind: 'record' | 'variant'): { label: string; type: CandidType }[] => {
    expect('{');
    const fields: { label: string; type: CandidType }[] = [];
    while (!accept('}')) {
      if (tokens[at + 1] === ':') {
        const label = name();
        expect(':');
        fields.push({ label, type: parseType() });
      } else if (kind === 'variant') {
        fields.push({ label: name(), type: NULL });
      } else {
        // A record field without a label is a tuple component: its label is its position.
        fields.push({ label: String(fields.length), type: parseType() });
      }
      if (!accept(';') && tokens[at] !== '}') fail('";" or "}"');
    }
    const labels = fields.map((f) => f.label);
    const duplicate = labels.find((label, i) => labels.indexOf(label) !== i);
    if (duplicate !== undefined) throw new CandidSyntaxError(`Duplicate ${kind} label ${JSON.stringify(duplicate)}`);
    return fields;
  };

  const parseTuple = (): CandidType[] => {
    expect('(');
    const types: CandidType[] = [];
    while (!accept(')')) {
      // Argument names (`(to : principal)`) are documentation only.
      if (tokens[at + 1] === ':') at += 2;
      types.push(parseType());
      if (!accept(',') && tokens[at] !== ')') fail('"," or ")"');
    }
    return types;
  };

  const parseFunc = (): CandidType => {
    const args = parseTuple();
    expect('->');
    const results = parseTuple();
    const modes: string[] = [];
    while (FUNC_MODES.has(tokens[at])) modes.push(next());
    return { kind: 'func', args, results, modes };
  };

  const definitions = new Map<string, CandidType>();
  while (accept('type')) {
    const typeName = next();
    if (!IDENTIFIER.test(typeName) || PRIMITIVES.has(typeName)) fail('a type name');
    if (definitions.has(typeName)) throw new CandidSyntaxError(`Type ${typeName} is defined twice`);
    expect('=');
    definitions.set(typeName, parseType());
    expect(';');
  }
  expect('service');
  expect(':');
  let init: CandidType[] = [];
  if (tokens[at] === '(') {
    init = parseTuple();
    expect('->');
  }
  expect('{');
  const methods: { name: string; type: CandidType }[] = [];
  while (!accept('}')) {
    const methodName = name();
    expect(':');
    methods.push({ name: methodName, type: parseFunc() });
    if (!accept(';') && tokens[at] !== '}') fail('";" or "}"');
  }
  accept(';');
  if (at !== tokens.length) fail('the end');

  const print = (type: CandidType, expanding: readonly string[]): string => {
    switch (type.kind) {
      case 'primitive':
        return type.name;
      case 'reference': {
        const definition = definitions.get(type.name);
        if (definition === undefined) throw new CandidSyntaxError(`Type ${type.name} is not defined`);
        if (expanding.includes(type.name))
          throw new CandidSyntaxError(`Type ${type.name} is recursive, which canonicalCandid does not support`);
        return print(definition, [...expanding, type.name]);
      }
      case 'opt':
      case 'vec':
        return `${type.kind} ${print(type.inner, expanding)}`;
      case 'record':
      case 'variant': {
        const fields = [...type.fields]
          .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
          .map(({ label, type: fieldType }) => {
            const shown = IDENTIFIER.test(label) || /^[0-9]+$/.test(label) ? label : JSON.stringify(label);
            const body = print(fieldType, expanding);
            return type.kind === 'variant' && body === 'null' ? shown : `${shown} : ${body}`;
          });
        return `${type.kind} {${fields.join('; ')}}`;
      }
      case 'func':
        return `func ${printSignature(type, expanding)}`;
    }
  };
  const printSignature = (func: Extract<CandidType, { kind: 'func' }>, expanding: readonly string[]): string => {
    const args = func.args.map((t) => print(t, expanding)).join(', ');
    const results = func.results.map((t) => print(t, expanding)).join(', ');
    return `(${args}) -> (${results})${func.modes.map((mode) => ` ${mode}`).join('')}`;
  };

  const lines = [...methods]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map(({ name: methodName, type }) => {
      if (type.kind !== 'func') throw new CandidSyntaxError(`Method ${methodName} is not a function`);
      return `  ${methodName} : ${printSignature(type, [])};\n`;
    });
  return `service : (${init.map((t) => print(t, [])).join(', ')}) -> {\n${lines.join('')}}\n`;
}

if (import.meta.main) {
  let failed = false;
  for (const [name, didPath] of Object.entries(CANISTERS) as [CanisterName, string][]) {
    const started = performance.now();
    let build: CanisterBuild;
    try {
      build = buildCanister(name);
    } catch (error) {
      process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`build: ${name} ${relative(ROOT, build.wasmPath)} (${statSync(build.wasmPath).size} bytes) in ${seconds} s\n`);
    const committed = canonicalCandid(readFileSync(didPath, 'utf8'));
    const generated = canonicalCandid(build.candid);
    if (committed !== generated) {
      process.stderr.write(
        `build: the ${name} canister's Candid differs from ${relative(ROOT, didPath)}; update one to match the other.\n` +
          `--- committed (canonical)\n${committed}--- generated by azle (canonical)\n${generated}--- generated by azle (as printed)\n${build.candid}`,
      );
      failed = true;
      continue;
    }
    process.stdout.write(`build: the generated Candid matches ${relative(ROOT, didPath)}\n`);
  }
  if (failed) process.exit(1);
  // The web app, which `npm start` uploads to the frontend canister when canisters/frontend/dist exists.
  const started = performance.now();
  try {
    buildApp();
  } catch (error) {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const js = initialJs();
  process.stdout.write(
    `build: app canisters/frontend/dist in ${((performance.now() - started) / 1000).toFixed(1)} s, initial JS ${(js.gzipBytes / 1024).toFixed(1)} KiB gzipped\n`,
  );
}
