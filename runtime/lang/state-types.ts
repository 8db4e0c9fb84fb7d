/**
 * Typed state values: how a key's value in a state file (always bytes: a bash scalar or an
 * indexed array) reads as the type the generated `State` interface gives it, and how a typed
 * value is written back. The kinds come from the compiler's state-flow analysis
 * (compiler/analysis/state-flow.ts) and are emitted with the command (`CommandModule.stateKinds`).
 *
 * One rule each way, so a value round-trips: `read(write(x)) === x` for every value of the type,
 * and `write(read(s)) === s` for every state value the reader accepts.
 *
 * - `integer` → `number`: written in decimal (`String(n)`, safe integers only); read only from
 *   a canonical decimal (`0`, `-12`, no `+`, no leading zeros, no spaces — `007` is octal in bash
 *   arithmetic, so it is not silently made 7). Anything else is a `StateTypeError`.
 * - `array` → `string[]`: an indexed array; a scalar reads as a one-element array (`${A[@]}` of a
 *   scalar in bash).
 * - `json` → `Json`: the JSON text; read with JSON.parse, written with JSON.stringify.
 * - `string` → `string`: as is; an array reads as its element 0 (`$A` in bash).
 */

export type StateKind = 'string' | 'integer' | 'array' | 'json';

/** A JSON value (the type of `_JSON` keys). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The TypeScript type text a kind is emitted as in a generated `State` interface. */
export const STATE_KIND_TYPES: Readonly<Record<StateKind, string>> = {
  string: 'string',
  integer: 'number',
  array: 'string[]',
  json: 'Json',
};

/** A value does not fit the type its key has. */
export class StateTypeError extends Error {
  constructor(
    readonly key: string,
    readonly kind: StateKind,
    readonly value: unknown,
    reason: string,
  ) {
    super(`state key ${key} (${kind}): ${reason}`);
  }
}

const INTEGER_RE = /^-?(0|[1-9][0-9]*)$/;

/** The typed value of `key` from its raw state value (a scalar or an array). */
export function readTyped(key: string, kind: StateKind | undefined, raw: string | readonly string[]): unknown {
  switch (kind) {
    case undefined:
      return typeof raw === 'string' ? raw : [...raw];
    case 'string':
      return typeof raw === 'string' ? raw : (raw[0] ?? '');
    case 'array':
      return typeof raw === 'string' ? [raw] : [...raw];
    case 'integer': {
      const s = typeof raw === 'string' ? raw : (raw[0] ?? '');
      const n = Number(s);
      if (!INTEGER_RE.test(s) || !Number.isSafeInteger(n)) throw new StateTypeError(key, kind, s, `${JSON.stringify(s)} is not a decimal integer`);
      return n;
    }
    case 'json': {
      const s = typeof raw === 'string' ? raw : (raw[0] ?? '');
      try {
        return JSON.parse(s) as Json;
      } catch (e) {
        throw new StateTypeError(key, kind, s, `not JSON (${(e as Error).message})`);
      }
    }
  }
}

/** The raw state value (scalar text, or array elements) a typed value is written as. */
export function writeTyped(key: string, kind: StateKind | undefined, value: unknown): string | string[] {
  if (Array.isArray(value) && (kind === undefined || kind === 'array')) {
    return value.map((v, i) => {
      if (typeof v !== 'string') throw new StateTypeError(key, 'array', value, `element ${i} is a ${typeof v}, not a string`);
      return v;
    });
  }
  switch (kind) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new StateTypeError(key, kind, value, `${String(value)} is not a safe integer`);
      return String(value);
    case 'json': {
      const text = JSON.stringify(value);
      if (text === undefined) throw new StateTypeError(key, kind, value, 'has no JSON text');
      return text;
    }
    case 'array':
      if (typeof value === 'string') return [value];
      throw new StateTypeError(key, kind, value, `a ${typeof value} is not a string array`);
    default:
      if (typeof value === 'string') return value;
      throw new StateTypeError(key, kind ?? 'string', value, `a ${typeof value} is not a string`);
  }
}

/** Every key of a raw state (scalars and arrays), typed by `kinds` (keys without a kind stay as stored). */
export function readTypedState(
  raw: { vars: Readonly<Record<string, string>>; arrays: Readonly<Record<string, readonly string[]>> },
  kinds: Readonly<Record<string, StateKind>> = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(raw.vars)) out[k] = readTyped(k, kinds[k], v);
  for (const [k, v] of Object.entries(raw.arrays)) out[k] = readTyped(k, kinds[k], v);
  return out;
}

/** Typed values as raw state values, ready for the state writer (undefined values are left out). */
export function writeTypedState(
  values: Readonly<Record<string, unknown>>,
  kinds: Readonly<Record<string, StateKind>> = {},
): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = writeTyped(k, kinds[k], v);
  return out;
}
