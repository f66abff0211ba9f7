/**
 * A strict JSON parser (RFC 8259) that keeps integers exact: `JSON.parse` turns a Solana u64
 * lamport balance above 2^53 into a rounded float, so every integer literal here becomes a
 * `bigint`; numbers with a fraction or an exponent stay `number`s (no provider answer the wallet
 * reads has one). Pure: no azle import, so the transform's parsing runs under Node's tests.
 */

export type Json = null | boolean | bigint | number | string | Json[] | { [key: string]: Json };

/** Why a body is not JSON, with the offset of the first bad character. */
export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
}

/** Parses `text` as one JSON value; throws {@link JsonSyntaxError} on anything else (trailing bytes included). */
export function parseJson(text: string): Json {
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.at < text.length) parser.fail('unexpected data after the value');
  return value;
}

/** Nesting deeper than this is not a JSON-RPC answer the wallet reads; refusing it bounds the recursion. */
const MAX_DEPTH = 64;

class Parser {
  at = 0;
  readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  fail(message: string): never {
    throw new JsonSyntaxError(`${message} at offset ${this.at}`);
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.at++;
      else return;
    }
  }

  value(depth: number): Json {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.text[this.at];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.at)) {
        this.at += word.length;
        return value;
      }
    }
    return this.fail(c === undefined ? 'unexpected end of input' : `unexpected character ${JSON.stringify(c)}`);
  }

  object(depth: number): { [key: string]: Json } {
    this.at++;
    const result: { [key: string]: Json } = {};
    this.skipSpace();
    if (this.text[this.at] === '}') {
      this.at++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.at] !== ':') this.fail('expected ":"');
      this.at++;
      this.skipSpace();
      // defineProperty: a "__proto__" key is data, not the prototype.
      Object.defineProperty(result, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === '}') return result;
      if (next !== ',') {
        this.at--;
        this.fail('expected "," or "}"');
      }
    }
  }

  array(depth: number): Json[] {
    this.at++;
    const result: Json[] = [];
    this.skipSpace();
    if (this.text[this.at] === ']') {
      this.at++;
      return result;
    }
    for (;;) {
      this.skipSpace();
      result.push(this.value(depth + 1));
      this.skipSpace();
      const next = this.text[this.at++];
      if (next === ']') return result;
      if (next !== ',') {
        this.at--;
        this.fail('expected "," or "]"');
      }
    }
  }

  string(): string {
    this.at++;
    let out = '';
    for (;;) {
      const c = this.text[this.at];
      if (c === undefined) this.fail('unterminated string');
      if (c === '"') {
        this.at++;
        return out;
      }
      if (c < ' ') this.fail('control character in a string');
      if (c !== '\\') {
        out += c;
        this.at++;
        continue;
      }
      const e = this.text[this.at + 1];
      const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e !== undefined && e in simple) {
        out += simple[e];
        this.at += 2;
      } else if (e === 'u') {
        const hex = this.text.slice(this.at + 2, this.at + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 6;
      } else {
        this.fail('bad escape');
      }
    }
  }

  number(): bigint | number {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.at, this.at + 400));
    if (!match) return this.fail('bad number');
    this.at += match[0].length;
    return match[2] === undefined && match[3] === undefined ? BigInt(match[0]) : Number(match[0]);
  }
}

/**
 * One canonical JSON text per value: object keys sorted, bigints as bare integers. Two values
 * print the same exactly when they are equal, which is what provider agreement compares.
 */
export function canonicalJson(value: Json): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new JsonSyntaxError(`not a JSON number: ${value}`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
}
