/**
 * Shell variables: a global table plus one frame per running function (bash's dynamic scoping
 * for `local`), with bash attributes (exported, readonly, integer, array kinds, case folding).
 */
import { encode } from '../lang/bytes.js';

export type VarValue =
  | string
  /** indexed array; holes are unset elements */
  | (string | undefined)[]
  /** associative array */
  | Map<string, string>;

export interface Var {
  /** undefined = declared but unset (`local x`, `declare -a A` before assignment is an empty array). */
  value: VarValue | undefined;
  exported?: boolean;
  readonly?: boolean;
  integer?: boolean;
  lower?: boolean;
  upper?: boolean;
  /** `declare -a x` / `declare -A m` with no value yet (`declare -p` shows no `=()`). */
  unassigned?: boolean;
  /** `declare -n`: the value is the name (maybe `a[i]`) this variable refers to. */
  nameref?: boolean;
}

/** How many references bash follows before calling a chain circular. */
const NAMEREF_MAX = 8;

function cloneValue(v: VarValue | undefined): VarValue | undefined {
  if (v === undefined || typeof v === 'string') return v;
  if (v instanceof Map) return new Map(v);
  return v.slice();
}

export function cloneVar(v: Var): Var {
  return { ...v, value: cloneValue(v.value) };
}

export class Vars {
  readonly global: Map<string, Var>;
  /** Function frames, innermost last. */
  readonly frames: Map<string, Var>[];

  constructor(global = new Map<string, Var>(), frames: Map<string, Var>[] = []) {
    this.global = global;
    this.frames = frames;
  }

  clone(): Vars {
    const g = new Map<string, Var>();
    for (const [k, v] of this.global) g.set(k, cloneVar(v));
    const frames = this.frames.map((f) => {
      const m = new Map<string, Var>();
      for (const [k, v] of f) m.set(k, cloneVar(v));
      return m;
    });
    return new Vars(g, frames);
  }

  /**
   * The variable visible under `name`, references followed (a reference to an array element
   * gives the reference itself: the shell resolves those with `resolve`).
   */
  lookup(name: string): Var | undefined {
    const r = this.resolve(name);
    return this.lookupRaw(r === null || r.includes('[') ? name : r);
  }

  /**
   * The name `name` designates after following `declare -n` references (dynamic scope at each
   * step): `name` itself when it is no reference (or one with no target yet), possibly `a[i]`;
   * null when the chain is circular.
   */
  resolve(name: string): string | null {
    let n = name;
    for (let i = 0; i <= NAMEREF_MAX; i++) {
      const v = this.lookupRaw(n);
      if (!v?.nameref || typeof v.value !== 'string' || v.value === '') return n;
      n = v.value;
      if (n.includes('[')) return n;
    }
    return null;
  }

  /** The variable visible under `name` itself (a reference is not followed). */
  lookupRaw(name: string): Var | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const v = this.frames[i]!.get(name);
      if (v) return v;
    }
    return this.global.get(name);
  }

  /** The variable for `name`, created (in the global table) when absent. */
  ensure(name: string): Var {
    const r = this.resolve(name);
    const target = r === null || r.includes('[') ? name : r;
    let v = this.lookupRaw(target);
    if (!v) {
      v = { value: undefined };
      this.global.set(target, v);
    }
    return v;
  }

  /** Declare `name` in the innermost frame (or globally when no function runs). */
  declareLocal(name: string): Var {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) return this.ensure(name);
    let v = frame.get(name);
    if (!v) {
      const outer = this.lookup(name);
      // bash: a new local starts unset, but inherits nothing except being local
      v = { value: undefined, exported: outer?.exported && false };
      frame.set(name, v);
    }
    return v;
  }

  /** `unset name` (through references; `raw`: `unset -n`, the reference itself). */
  unset(name: string, raw = false): boolean {
    if (!raw) {
      const r = this.resolve(name);
      if (r !== null && !r.includes('[')) name = r;
    }
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      const v = f.get(name);
      if (v) {
        if (v.readonly) return false;
        if (i < this.frames.length - 1) {
          // a local of a calling function goes away: the variable it shadowed shows again
          f.delete(name);
          return true;
        }
        // bash keeps an unset local of the running function shadowing the outer variable
        v.value = undefined;
        delete v.nameref;
        return true;
      }
    }
    const g = this.global.get(name);
    if (g?.readonly) return false;
    this.global.delete(name);
    return true;
  }

  /** Every visible variable name (sorted). */
  names(): string[] {
    const s = new Set<string>(this.global.keys());
    for (const f of this.frames) for (const k of f.keys()) s.add(k);
    return [...s].sort();
  }
}

/** bash's string hash (FNV-1, 32 bits) over the key's bytes. */
function fnv1(key: string): number {
  let h = 2166136261;
  for (const b of encode(key)) {
    h = Math.imul(h, 16777619) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

/**
 * An associative array's entries in the order bash lists them: its hash table's buckets in
 * order (1024 buckets), newest first within a bucket.
 */
export function assocEntries(m: ReadonlyMap<string, string>): [string, string][] {
  const all = [...m];
  const withBucket = all.map(([k, v], i) => ({ k, v, i, b: fnv1(k) & 1023 }));
  withBucket.sort((x, y) => x.b - y.b || y.i - x.i);
  return withBucket.map((e) => [e.k, e.v]);
}

/** Scalar view of a value: arrays give their element 0 (bash `$A` = `${A[0]}`). */
export function scalar(v: VarValue | undefined): string | undefined {
  if (v === undefined || typeof v === 'string') return v;
  if (v instanceof Map) return v.get('0');
  return v[0];
}

/** Elements of a value in index order (for `${A[@]}`). */
export function elements(v: VarValue | undefined): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (v instanceof Map) return assocEntries(v).map((e) => e[1]);
  const out: string[] = [];
  v.forEach((x) => { if (x !== undefined) out.push(x); });
  return out;
}

/** Keys of a value (for `${!A[@]}`). */
export function indices(v: VarValue | undefined): string[] {
  if (v === undefined) return [];
  if (typeof v === 'string') return ['0'];
  if (v instanceof Map) return assocEntries(v).map((e) => e[0]);
  const out: string[] = [];
  v.forEach((x, i) => { if (x !== undefined) out.push(String(i)); });
  return out;
}
