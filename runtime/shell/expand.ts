/**
 * Word expansion, as bash does it: tilde, parameters (all `${…}` forms, arrays, specials),
 * command substitution, arithmetic, then field splitting on IFS and pathname globbing for
 * unquoted results, then quote removal. Words are the data built by runtime/shell/words.ts.
 *
 * Internally a word expands to fields made of segments that remember how they were quoted:
 * `q` (quoted text: never split or globbed), `g` (unquoted source text: glob-active, no split),
 * `e` (unquoted expansion result: split and glob-active). The four entry points differ only in
 * what they do with those segments: fields (argv), one string (assignments), a pattern
 * (case / `[[ == ]]` / `${x#p}`: quoted parts escaped), a regex (`=~`).
 *
 * Expansion sees the shell only through {@link ExpandEnv} (variables, options, positional
 * parameters, command substitution, globbing, error reporting), which the Shell implements.
 */
import * as os from 'node:os';
import { ExitSignal, ArithError } from './signals.js';
import type { Body, ParamSpec, Part, Word } from './words.js';
import { elements, indices, scalar, type VarValue } from './vars.js';
import { evalArith, type ArithEnv } from './arith.js';
import {
  escapePattern, matchPattern, hasPatternChars, trimPattern, replacePattern, unescapePattern,
} from './pattern.js';

/**
 * What expansion needs from the shell, and nothing more (the Shell implements it; a test or
 * another tier can expand words against anything that does).
 */
export interface ExpandEnv extends ArithEnv {
  /** Scalar value of a variable or special parameter (`$?`, `$1`, `$#` …); undefined when unset. */
  getVar(name: string): string | undefined;
  /** The full value (array, assoc or scalar) of a variable. */
  getValue(name: string): VarValue | undefined;
  /** `${x:=v}`, `${A[i]:=v}` */
  setVar(name: string, value: string, opts?: { index?: string }): boolean;
  /** The options expansion obeys. */
  readonly opts: { readonly nounset: boolean; readonly noglob: boolean; readonly nullglob: boolean; readonly failglob: boolean };
  /** `$1 …` (`$@`, `${@:n}`) and `$0` (`${@:0}`). */
  readonly positional: readonly string[];
  readonly scriptName: string;
  /** `$IFS` (its default when unset). */
  ifs(): string;
  /** Run `$( body )`: returns its stdout, records its status as `$?` (and for `x=$(false)`). */
  commandSubst(body: Body): Promise<string>;
  /** Paths matching a glob pattern from the working directory, sorted; [] when none (reads directories). */
  glob(pattern: string): string[];
  /** Report an error as bash does (`<script>: line N: msg` on stderr). */
  error(msg: string): void;
}

interface Seg {
  s: string;
  k: 'q' | 'g' | 'e';
}

/** Fields under construction (several only after an unquoted `$@` or a `"$@"`). */
class Builder {
  fields: Seg[][] = [[]];
  /** Set when a `"$@"` expanded to no field at all. */
  atEmpty = false;
  cur(): Seg[] {
    return this.fields[this.fields.length - 1]!;
  }
  add(s: string, k: Seg['k']): void {
    this.cur().push({ s, k });
  }
  /** Start a new field (between `"$@"` elements). */
  brk(): void {
    this.fields.push([]);
  }
}

/** Error for bad substitutions etc.: message printed, the shell exits with status 1. */
function fatal(sh: ExpandEnv, msg: string, status = 1): never {
  sh.error(msg);
  throw new ExitSignal(status);
}

// ---------------------------------------------------------------------------------------------
// Parameters

function splitIndex(spec: ParamSpec): { all: '@' | '*' | null; index: string | null } {
  if (spec.index === '@' || spec.index === '*') return { all: spec.index, index: null };
  return { all: null, index: spec.index };
}

/** Expand `$name` / `${name}` references inside index text (for associative keys). */
function indexKey(sh: ExpandEnv, text: string): string {
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, n: string) => sh.getVar(n) ?? '');
}

/**
 * Expand the parameter references an arithmetic subscript may hold (`${A[${#A[@]}-1]}`,
 * `${A[$i]}`, `${A[${n}+1]}`): `${#N[@]}`, `${#N}`, `${N}`, `${N[i]}` and `$N` are replaced by
 * their values before the subscript is evaluated (bash expands the subscript first).
 */
function indexText(sh: ExpandEnv, text: string): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$\{(#?)([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, hash: string, name: string | undefined, sub: string | undefined, bare: string | undefined) => {
      if (bare !== undefined) return sh.getVar(bare) ?? '';
      const val = sh.getValue(name!);
      if (hash) {
        if (sub === '@' || sub === '*') return String(val === undefined ? 0 : elements(val).length);
        const one = sub === undefined ? (typeof val === 'string' ? val : scalar(val as VarValue | undefined)) : lookup(sh, name!, { name: name!, index: sub } as ParamSpec).v;
        return String([...(typeof one === 'string' ? one : '')].length);
      }
      if (sub === undefined) return sh.getVar(name!) ?? '';
      const r = lookup(sh, name!, { name: name!, index: sub } as ParamSpec).v;
      return typeof r === 'string' ? r : Array.isArray(r) ? r.join(' ') : '';
    });
}

/** The value(s) of a parameter: a string, a list (`$@`, `${A[@]}`), or undefined (unset). */
function lookup(sh: ExpandEnv, name: string, spec: ParamSpec): { v: string | string[] | undefined; list: '@' | '*' | null } {
  const { all, index } = splitIndex(spec);
  if (name === '@' || name === '*') return { v: sh.positional.slice(), list: name };
  if (all) {
    const val = sh.getValue(name);
    if (val === undefined) return { v: undefined, list: all };
    return { v: elements(val), list: all };
  }
  if (index !== null) {
    const val = sh.getValue(name);
    if (val instanceof Map) return { v: val.get(indexKey(sh, index)), list: null };
    const i = Number(evalArith(sh, indexText(sh, index)));
    if (Array.isArray(val)) return { v: val[i < 0 ? val.length + i : i], list: null };
    if (i === 0 || i === -1) return { v: typeof val === 'string' ? val : scalar(val as VarValue | undefined), list: null };
    return { v: undefined, list: null };
  }
  return { v: sh.getVar(name), list: null };
}

function caseOp(s: string, op: string, pat: string | null): string {
  const chars = [...s];
  const matches = (c: string) => pat === null || pat === '' || matchPattern(c, pat);
  const f = op === '^' || op === '^^' ? (c: string) => c.toUpperCase() : (c: string) => c.toLowerCase();
  if (op === '^' || op === ',') return chars.length && matches(chars[0]!) ? f(chars[0]!) + chars.slice(1).join('') : s;
  return chars.map((c) => (matches(c) ? f(c) : c)).join('');
}

/** `${x@Q}` style quoting as bash prints it. */
export function shellQuote(s: string): string {
  if (/[^\x20-\x7e]|'/.test(s) && /[\x00-\x1f\x7f]/.test(s)) {
    return "$'" + s.replace(/[\\']/g, '\\$&').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')
      .replace(/[\x00-\x1f\x7f]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0')) + "'";
  }
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

async function paramExpand(sh: ExpandEnv, spec: ParamSpec, quoted: boolean): Promise<{ v: string | string[]; list: '@' | '*' | null } | null> {
  let name = spec.name;
  if (spec.indirect) {
    const target = sh.getVar(name);
    if (target === undefined || target === '') {
      if (sh.opts.nounset) fatal(sh, `${name}: invalid indirect expansion`);
      return null;
    }
    const m = /^([^[]+)\[(.*)\]$/.exec(target);
    const inner: ParamSpec = { ...spec, indirect: false, name: m ? m[1]! : target, index: m ? m[2]! : null };
    return paramExpand(sh, inner, quoted);
  }
  if (spec.keys) {
    return { v: indices(sh.getValue(name)), list: '@' };
  }
  let { v, list } = lookup(sh, name, spec);
  const op = spec.op;
  const isUnset = v === undefined || (Array.isArray(v) && v.length === 0 && list !== null && name !== '@' && name !== '*' && sh.getValue(name) === undefined);
  const isNull = isUnset || v === '' || (Array.isArray(v) && v.length === 0);

  if (spec.length) {
    if (list) return { v: String((v as string[] | undefined)?.length ?? 0), list: null };
    if (v === undefined && sh.opts.nounset && name !== '@' && name !== '*') fatal(sh, `${name}: unbound variable`, 127);
    return { v: String([...((v as string | undefined) ?? '')].length), list: null };
  }

  if (op === ':-' || op === '-' || op === ':=' || op === '=' || op === ':?' || op === '?' || op === ':+' || op === '+') {
    const cond = op.startsWith(':') ? isNull : isUnset;
    const arg = () => expandString(sh, spec.arg ?? { t: 'w', parts: [] });
    switch (op) {
      case ':-': case '-':
        if (cond) return { v: await arg(), list: null };
        break;
      case ':=': case '=':
        if (cond) {
          const a = await arg();
          if (spec.index !== null && spec.index !== '@' && spec.index !== '*') sh.setVar(name, a, { index: spec.index });
          else sh.setVar(name, a);
          return { v: a, list: null };
        }
        break;
      case ':?': case '?':
        if (cond) {
          const a = spec.arg && spec.arg.parts.length ? await arg() : (op === ':?' ? 'parameter null or not set' : 'parameter not set');
          fatal(sh, `${name}: ${a}`, 127);
        }
        break;
      case ':+': case '+':
        if (cond) return { v: '', list: null };
        return { v: await arg(), list: null };
    }
  } else if (isUnset && sh.opts.nounset && name !== '@' && name !== '*' && !(list && name !== '@')) {
    fatal(sh, `${spec.index !== null && !list ? `${name}[${spec.index}]` : name}: unbound variable`, 127);
  } else if (isUnset && sh.opts.nounset && list && sh.getValue(name) === undefined) {
    fatal(sh, `${name}[${spec.index}]: unbound variable`, 127);
  }
  if (v === undefined) v = list ? [] : '';

  const each = async (f: (s: string) => string | Promise<string>): Promise<void> => {
    if (Array.isArray(v)) {
      const out: string[] = [];
      for (const x of v) out.push(await f(x));
      v = out;
    } else v = await f(v!);
  };

  if (spec.slice) {
    const off = Number(evalArith(sh, await expandString(sh, spec.slice.offset)));
    const lenText = spec.slice.length ? await expandString(sh, spec.slice.length) : null;
    const len = lenText === null ? null : Number(evalArith(sh, lenText));
    if (list) {
      let arr = v as string[];
      let o = off;
      // ${@:0} includes $0; ${@:1} starts at $1
      if (name === '@' || name === '*') arr = [sh.scriptName, ...arr];
      if (o < 0) o = Math.max(arr.length + o, 0);
      let end = len === null ? arr.length : len < 0 ? arr.length + len : o + len;
      if (len !== null && len < 0 && (name === '@' || name === '*')) fatal(sh, `${len}: substring expression < 0`);
      end = Math.min(end, arr.length);
      v = arr.slice(o, Math.max(o, end));
    } else {
      const chars = [...(v as string)];
      let o = off < 0 ? chars.length + off : off;
      if (o < 0) return { v: '', list: null };
      o = Math.min(o, chars.length);
      let end = len === null ? chars.length : len < 0 ? chars.length + len : o + len;
      if (len !== null && len < 0 && end < o) fatal(sh, `${len}: substring expression < 0`);
      end = Math.min(end, chars.length);
      v = chars.slice(o, Math.max(o, end)).join('');
    }
  } else if (spec.repl) {
    const pat = await expandPattern(sh, spec.repl.pat);
    const rep = spec.repl.rep ? await expandString(sh, spec.repl.rep) : '';
    const mode = spec.repl.mode;
    await each((s) => replacePattern(s, pat, rep, mode));
  } else if (op === '#' || op === '##' || op === '%' || op === '%%') {
    const pat = await expandPattern(sh, spec.arg ?? { t: 'w', parts: [] });
    await each((s) => trimPattern(s, pat, op));
  } else if (op === '^' || op === '^^' || op === ',' || op === ',,') {
    const pat = spec.arg && spec.arg.parts.length ? await expandPattern(sh, spec.arg) : null;
    await each((s) => caseOp(s, op, pat));
  } else if (op === '@') {
    const what = spec.arg ? await expandString(sh, spec.arg) : '';
    await each((s) => {
      switch (what) {
        case 'Q': return shellQuote(s);
        case 'U': return s.toUpperCase();
        case 'L': return s.toLowerCase();
        case 'u': return s.charAt(0).toUpperCase() + s.slice(1);
        case 'E': return s.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
        default: return s;
      }
    });
  }
  return { v, list };
}

// ---------------------------------------------------------------------------------------------
// Parts

async function expandParts(sh: ExpandEnv, parts: readonly Part[], b: Builder, quoted: boolean): Promise<void> {
  for (const p of parts) {
    switch (p.t) {
      case 'lit':
        b.add(p.v, 'q');
        break;
      case 'glob':
        b.add(p.v, quoted ? 'q' : 'g');
        break;
      case 'tilde': {
        if (quoted) {
          b.add('~' + p.user, 'q');
          break;
        }
        let home: string | undefined;
        if (p.user === '') home = sh.getVar('HOME') ?? os.homedir();
        else if (p.user === os.userInfo().username) home = os.homedir();
        b.add(home ?? '~' + p.user, 'q');
        break;
      }
      case 'dq': {
        const before = b.fields.length + ':' + b.cur().length;
        b.atEmpty = false;
        await expandParts(sh, p.parts, b, true);
        // "" is an (empty) field of its own; "$@" with no parameters is no field
        if (b.fields.length + ':' + b.cur().length === before && !b.atEmpty) b.add('', 'q');
        break;
      }
      case 'param': {
        const r = await paramExpand(sh, p.spec, quoted);
        if (r === null) break;
        if (Array.isArray(r.v)) {
          if (r.list === '*' || !quoted) {
            if (quoted) {
              // "$*": one field joined by the first IFS character
              b.add(r.v.join(sh.ifs().slice(0, 1)), 'q');
            } else {
              // unquoted $@ / $*: each element is a separate word, each then split
              r.v.forEach((x, i) => {
                if (i > 0) b.brk();
                b.add(x, 'e');
              });
            }
          } else {
            // "$@": one field per element; no element = no field
            if (r.v.length === 0) b.atEmpty = true;
            r.v.forEach((x, i) => {
              if (i > 0) b.brk();
              b.add(x, 'q');
            });
          }
        } else b.add(r.v, quoted ? 'q' : 'e');
        break;
      }
      case 'cmd': {
        const out = await sh.commandSubst(p.body);
        b.add(out.replace(/\0/g, '').replace(/\n+$/, ''), quoted ? 'q' : 'e');
        break;
      }
      case 'arith': {
        const text = await expandString(sh, { t: 'w', parts: p.parts });
        let v: bigint;
        try {
          v = evalArith(sh, text);
        } catch (e) {
          if (e instanceof ArithError) fatal(sh, `${e.expr || text.trim()}: ${e.message}`);
          throw e;
        }
        b.add(String(v), quoted ? 'q' : 'e');
        break;
      }
      case 'brace':
        fatal(sh, 'brace expansion with expansions inside is not supported natively');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Field splitting and globbing

/** Split one field on IFS: only `e` segments split; `q`/`g` text always makes a field exist. */
function splitField(segs: Seg[], ifs: string): Seg[][] {
  const out: Seg[][] = [];
  let cur: Seg[] = [];
  let inField = false;
  let whiteEnded = false;
  const push = () => {
    out.push(cur);
    cur = [];
    inField = false;
  };
  for (const seg of segs) {
    if (seg.k !== 'e' || ifs === '') {
      cur.push(seg);
      inField = true;
      continue;
    }
    let text = '';
    const flush = () => {
      if (text) cur.push({ s: text, k: 'e' });
      text = '';
    };
    for (const c of seg.s) {
      if (!ifs.includes(c)) {
        text += c;
        inField = true;
        whiteEnded = false;
        continue;
      }
      flush();
      if (c === ' ' || c === '\t' || c === '\n') {
        if (inField) {
          push();
          whiteEnded = true;
        }
      } else {
        if (inField) push();
        else if (!whiteEnded) push();
        whiteEnded = false;
      }
    }
    flush();
  }
  if (inField) push();
  return out;
}

function literalText(segs: Seg[]): string {
  return segs.map((s) => (s.k === 'g' ? unescapePattern(s.s) : s.s)).join('');
}

function patternText(segs: Seg[]): string {
  return segs.map((s) => (s.k === 'q' ? escapePattern(s.s) : s.s)).join('');
}

/** Expand words into argv fields: split on IFS, glob, remove quotes. */
export async function expandFields(sh: ExpandEnv, words: readonly Word[]): Promise<string[]> {
  const out: string[] = [];
  const ifs = sh.ifs();
  for (const w of words) {
    // fast path: one literal
    if (w.parts.length === 1 && w.parts[0]!.t === 'lit') {
      out.push(w.parts[0].v);
      continue;
    }
    const b = new Builder();
    await expandParts(sh, w.parts, b, false);
    for (const f of b.fields) {
      for (const segs of splitField(f, ifs)) {
        const sf = { segs };
        const globbable = !sh.opts.noglob && sf.segs.some((s) => s.k !== 'q' && hasPatternChars(s.s));
        if (globbable) {
          const pat = patternText(sf.segs);
          if (hasPatternChars(pat)) {
            const matches = sh.glob(pat);
            if (matches.length) {
              out.push(...matches);
              continue;
            }
            if (sh.opts.nullglob) continue;
            if (sh.opts.failglob) fatal(sh, `no match: ${literalText(sf.segs)}`);
          }
        }
        out.push(literalText(sf.segs));
      }
    }
  }
  return out;
}

/** Expand a word into one string (assignment values, redirect targets, `[[ ]]` operands). */
export async function expandString(sh: ExpandEnv, word: Word): Promise<string> {
  if (word.parts.length === 1 && word.parts[0]!.t === 'lit') return word.parts[0].v;
  const b = new Builder();
  await expandParts(sh, word.parts, b, false);
  return b.fields.map((f) => literalText(f)).join(' ');
}

/** Expand a word into a pattern: quoted parts are escaped, unquoted text stays active. */
export async function expandPattern(sh: ExpandEnv, word: Word): Promise<string> {
  const b = new Builder();
  await expandParts(sh, word.parts, b, false);
  return b.fields.map((f) => patternText(f)).join(' ');
}

/** Expand a word into a regex (`[[ =~ ]]`): quoted parts are matched literally. */
export async function expandRegex(sh: ExpandEnv, word: Word): Promise<string> {
  const b = new Builder();
  await expandParts(sh, word.parts, b, false);
  return b.fields
    .map((f) => f.map((s) => (s.k === 'q' ? s.s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&') : s.s)).join(''))
    .join(' ');
}
