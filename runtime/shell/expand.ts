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
 *
 * Errors follow bash: an unbound variable (`set -u`) or `${x:?}` ends the shell; a bad
 * substitution, an arithmetic error or a bad subscript abandons the current top-level command
 * (a {@link TopLevelSignal}).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { ExitSignal, ArithError, TopLevelSignal } from './signals.js';
import type { Body, ParamSpec, Part, Word } from './words.js';
import { assocEntries, elements, indices, scalar, type Var, type VarValue } from './vars.js';
import { evalArith, type ArithEnv } from './arith.js';
import {
  escapePattern, matchPattern, hasPatternChars, trimPattern, replacePattern, unescapePattern,
} from './pattern.js';
import { chars, normalize } from '../lang/bytes.js';
import { reusableQuote } from '../lang/quote.js';
import { decodeEscapes } from '../lang/escapes.js';
import { declareLine, attrLetters } from './builtins/declare.js';
import { promptExpand } from './prompt.js';

/**
 * What expansion needs from the shell, and nothing more (the Shell implements it; a test or
 * another tier can expand words against anything that does).
 */
export interface ExpandEnv extends ArithEnv {
  /** Scalar value of a variable or special parameter (`$?`, `$1`, `$#` …); undefined when unset. */
  getVar(name: string): string | undefined;
  /** The full value (array, assoc or scalar) of a variable. */
  getValue(name: string): VarValue | undefined;
  /** Every variable's name, sorted (`${!prefix*}`). */
  variableNames(): string[];
  /** The name a `declare -n` reference refers to (`${!ref}`); undefined for other variables. */
  namerefTarget(name: string): string | undefined;
  /** A variable with its attributes (`${x@A}`, `${x@a}`); undefined when none. */
  variable(name: string): Var | undefined;
  /** `${x:=v}`, `${A[i]:=v}` (index resolved: an associative key or an integer). */
  setVar(name: string, value: string, opts?: { index?: string }): boolean;
  /** The options expansion obeys. */
  readonly opts: { readonly nounset: boolean; readonly noglob: boolean; readonly nullglob: boolean; readonly failglob: boolean };
  /** `$1 …` (`$@`, `${@:n}`) and `$0` (`${@:0}`). */
  readonly positional: readonly string[];
  readonly scriptName: string;
  /** The working directory and the directory stack below it (`~+`, `~-`, `~N`). */
  readonly cwd: string;
  readonly dirStack: readonly string[];
  /** >0 in a subshell (`${x:?}` exits it with status 1, the shell with 127). */
  readonly subshellLevel: number;
  /** `$IFS` (its default when unset). */
  ifs(): string;
  /** Run `$( body )`: returns its stdout, records its status as `$?` (and for `x=$(false)`). */
  commandSubst(body: Body): Promise<string>;
  /** Start `<( body )` / `>( body )`: returns the `/dev/fd/N` path of its pipe. */
  processSubst(op: '<' | '>', body: Body): Promise<string>;
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
  /** The word is split into fields (command arguments); false for one-string contexts. */
  constructor(readonly split: boolean) {}
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

/** An error that ends the shell: message printed, exit with `status`. */
function fatal(sh: ExpandEnv, msg: string, status = 1): never {
  sh.error(msg);
  throw new ExitSignal(status);
}

/** An error that abandons the current top-level command (bash's "jump to top level"). */
function abort(sh: ExpandEnv, msg: string): never {
  sh.error(msg);
  throw new TopLevelSignal(1);
}

/** Evaluate arithmetic during expansion: an error abandons the command. */
function arithValue(sh: ExpandEnv, text: string): bigint {
  try {
    return evalArith(sh, text);
  } catch (e) {
    if (e instanceof ArithError) abort(sh, `${e.expr}: ${e.message}`);
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Parameters

/** The subscript as text: literal, or its word expanded (quotes removed) for a key or arithmetic. */
async function subscriptText(sh: ExpandEnv, index: string | Word): Promise<string> {
  return typeof index === 'string' ? indexText(sh, index) : expandString(sh, index);
}

/**
 * Expand the parameter references a subscript given as run-time text may hold (`unset 'a[$i]'`,
 * `${!ref}` with ref='a[$i]'): `${#N[@]}`, `${#N}`, `${N}`, `${N[i]}` and `$N`.
 */
export function indexText(sh: ExpandEnv, text: string): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$\{(#?)([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, hash: string, name: string | undefined, sub: string | undefined, bare: string | undefined) => {
      if (bare !== undefined) return sh.getVar(bare) ?? '';
      const val = sh.getValue(name!);
      const one = (): string | undefined => {
        if (sub === undefined) return typeof val === 'string' ? val : scalar(val as VarValue | undefined);
        if (val instanceof Map) return val.get(sub);
        const i = Number(arithValue(sh, indexText(sh, sub)));
        if (Array.isArray(val)) return val[i < 0 ? val.length + i : i];
        return i === 0 ? (val as string | undefined) : undefined;
      };
      if (hash) {
        if (sub === '@' || sub === '*') return String(val === undefined ? 0 : elements(val).length);
        return String(chars(one() ?? '').length);
      }
      if (sub === '@' || sub === '*') return elements(val).join(' ');
      return one() ?? '';
    });
}

/** The element `index` of array value `val` (indexed, associative or scalar); `bad` for a bad negative index. */
async function element(sh: ExpandEnv, name: string, val: VarValue | undefined, index: string | Word): Promise<{ v: string | undefined; bad?: boolean }> {
  const text = await subscriptText(sh, index);
  if (val instanceof Map) return { v: val.get(text) };
  const i = Number(arithValue(sh, text));
  if (Array.isArray(val)) {
    const k = i < 0 ? val.length + i : i;
    if (k < 0) {
      sh.error(`${name}: bad array subscript`);
      return { v: undefined, bad: true };
    }
    return { v: val[k] };
  }
  if (val === undefined) return { v: undefined };
  if (i === 0 || i === -1) return { v: val };
  if (i < -1) {
    sh.error(`${name}: bad array subscript`);
    return { v: undefined, bad: true };
  }
  return { v: undefined };
}

interface Looked {
  /** A string, a list (`$@`, `${A[@]}`), or undefined (unset). */
  v: string | string[] | undefined;
  list: '@' | '*' | null;
  /** The indexes of a list's elements (for `${A[@]:off:len}` on sparse arrays). */
  keys?: number[];
}

/** The value(s) of a parameter. */
async function lookup(sh: ExpandEnv, name: string, spec: ParamSpec): Promise<Looked> {
  const index = spec.index;
  if (name === '@' || name === '*') return { v: sh.positional.slice(), list: name };
  if (index === '@' || index === '*') {
    const val = sh.getValue(name);
    if (val === undefined) return { v: undefined, list: index };
    const keys = Array.isArray(val) ? indices(val).map(Number) : undefined;
    return { v: elements(val), list: index, keys };
  }
  if (index !== null) {
    const r = await element(sh, name, sh.getValue(name), index);
    return { v: r.v, list: null };
  }
  return { v: sh.getVar(name), list: null };
}

function caseOp(s: string, op: string, pat: string | null): string {
  const cs = chars(s);
  const matches = (c: string) => pat === null || pat === '' || matchPattern(c, pat);
  const up = (c: string) => c.toUpperCase();
  const low = (c: string) => c.toLowerCase();
  const toggle = (c: string) => (c === up(c) ? low(c) : up(c));
  const f = op === '^' || op === '^^' ? up : op === ',' || op === ',,' ? low : toggle;
  if (op === '^' || op === ',' || op === '~') return cs.length && matches(cs[0]!) ? f(cs[0]!) + cs.slice(1).join('') : s;
  return cs.map((c) => (matches(c) ? f(c) : c)).join('');
}

/** `${x@Q}` style quoting as bash prints it. */
export function shellQuote(s: string): string {
  return reusableQuote(s);
}

/** `${x@op}` for one value (Q E U u L); A a K k are handled per variable. */
function transform(s: string, op: string): string {
  switch (op) {
    case 'Q': return reusableQuote(s);
    case 'U': return s.toUpperCase();
    case 'L': return s.toLowerCase();
    case 'u': { const c = chars(s); return c.length ? c[0]!.toUpperCase() + c.slice(1).join('') : s; }
    case 'E': return decodeEscapes(s, 'ansi-c').text;
    case 'P': return s;
    default: return s;
  }
}

/** A default / alternate word (`${x:-word}`) to expand in place, keeping its own quoting. */
interface InPlace {
  word: Word;
}
type ParamResult = { v: string | string[]; list: '@' | '*' | null } | InPlace | null;

function quoteKey(k: string): string {
  return /^[A-Za-z0-9_]+$/.test(k) ? k : `"${k.replace(/[\\"$`]/g, '\\$&')}"`;
}

/** `${x@A}` `${x@a}` `${A[@]@K}` `${A[@]@k}`: forms that need the variable, not just its value. */
function varTransform(sh: ExpandEnv, spec: ParamSpec, op: string, looked: Looked): string | string[] | null {
  const v = sh.variable(spec.name);
  if (op === 'a') {
    const letters = v ? attrLetters(v) : '';
    if (looked.list) return (looked.v as string[]).map(() => letters);
    return letters;
  }
  if (op === 'A') {
    if (!v) return '';
    if (looked.list && (Array.isArray(v.value) || v.value instanceof Map)) return declareLine(spec.name, v);
    // an array's own letter (a / A) stays; a declared name without a value prints its attributes only
    const attrs = attrLetters(v);
    if (looked.v === undefined) return attrs ? `declare -${attrs} ${spec.name}` : '';
    const val = Array.isArray(looked.v) ? looked.v.join(' ') : looked.v;
    return `${attrs ? `declare -${attrs} ` : ''}${spec.name}=${reusableQuote(val)}`;
  }
  if (op === 'K' || op === 'k') {
    const val = sh.getValue(spec.name);
    if (!looked.list || spec.name === '@' || spec.name === '*' || !(val instanceof Map || Array.isArray(val))) {
      return looked.list ? (looked.v as string[]).map((x) => reusableQuote(x)) : reusableQuote(looked.v as string);
    }
    const pairs: [string, string][] = val instanceof Map ? assocEntries(val) : indices(val).map((k) => [k, val[Number(k)]!]);
    if (op === 'k') return pairs.flat();
    const dq = (s: string) => `"${s.replace(/[\\"$`]/g, '\\$&')}"`;
    return pairs.map(([k, x]) => `${val instanceof Map ? quoteKey(k) : k} ${dq(x)}`).join(' ') + (val instanceof Map ? ' ' : '');
  }
  return null;
}

async function paramExpand(sh: ExpandEnv, spec: ParamSpec, quoted: boolean): Promise<ParamResult> {
  const name = spec.name;
  if (spec.indirect) {
    // `${!ref}` of a `declare -n` reference is the name it refers to
    const ref = sh.namerefTarget(name);
    if (ref !== undefined && !spec.op && !spec.length && spec.index === null) return { v: ref, list: null };
    const target = sh.getVar(name);
    if (target === undefined) abort(sh, `${name}: invalid indirect expansion`);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\[(.*)\]$/s.exec(target);
    if (!m && !/^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])$/.test(target)) abort(sh, `${target}: invalid variable name`);
    const inner: ParamSpec = { ...spec, indirect: false, name: m ? m[1]! : target, index: m ? m[2]! : null, via: `!${name}` };
    return paramExpand(sh, inner, quoted);
  }
  if (spec.names) {
    return { v: sh.variableNames().filter((n) => n.startsWith(name) && sh.getValue(n) !== undefined), list: spec.names };
  }
  if (spec.keys) {
    return { v: indices(sh.getValue(name)), list: spec.index === '*' ? '*' : '@' };
  }
  const looked = await lookup(sh, name, spec);
  let { v } = looked;
  const { list } = looked;
  const op = spec.op;
  const isSpecialList = name === '@' || name === '*';
  const isUnset = v === undefined || (Array.isArray(v) && v.length === 0 && list !== null && !isSpecialList && sh.getValue(name) === undefined);
  const isNull = isUnset || v === '' || (Array.isArray(v) && v.length === 0) ||
    (Array.isArray(v) && list === '*' && v.join(quoted ? sh.ifs().slice(0, 1) : ' ') === '');

  if (spec.length) {
    if (list) {
      if (sh.opts.nounset && !isSpecialList && sh.getValue(name) === undefined) fatal(sh, `${name}: unbound variable`, 1);
      return { v: String((v as string[] | undefined)?.length ?? 0), list: null };
    }
    if (v === undefined && sh.opts.nounset) {
      fatal(sh, `${spec.index !== null ? `${name}[${typeof spec.index === 'string' ? spec.index : await expandString(sh, spec.index)}]` : name}: unbound variable`, 127);
    }
    return { v: String(chars((v as string | undefined) ?? '').length), list: null };
  }

  if (op === ':-' || op === '-' || op === ':=' || op === '=' || op === ':?' || op === '?' || op === ':+' || op === '+') {
    const cond = op.startsWith(':') ? isNull : isUnset;
    const arg = spec.arg ?? { t: 'w' as const, parts: [] };
    switch (op) {
      case ':-': case '-':
        if (cond) return { word: arg };
        break;
      case ':=': case '=':
        if (cond) {
          if (/^[0-9@*#?$!-]/.test(name)) abort(sh, `$${name}: cannot assign in this way`);
          const a = await expandString(sh, arg);
          if (spec.index !== null && spec.index !== '@' && spec.index !== '*') {
            sh.setVar(name, a, { index: await subscriptText(sh, spec.index) });
          } else sh.setVar(name, a);
          const now = spec.index !== null && spec.index !== '@' && spec.index !== '*' ? (await lookup(sh, name, spec)).v : sh.getVar(name);
          return { v: (now as string | undefined) ?? a, list: null };
        }
        break;
      case ':?': case '?':
        if (cond) {
          const a = spec.arg && spec.arg.parts.length ? await expandString(sh, spec.arg) : (op === ':?' ? 'parameter null or not set' : 'parameter not set');
          const shown = /^[0-9]/.test(name) && name.length === 1 ? name : name;
          fatal(sh, `${shown}: ${a}`, sh.subshellLevel > 0 ? 1 : 127);
        }
        break;
      case ':+': case '+':
        if (cond) return { v: list && !quoted ? [] : '', list: list && !quoted ? list : null };
        return { word: arg };
    }
  } else if (isUnset && sh.opts.nounset && !isSpecialList) {
    if (list) {
      // "${A[@]}" of an unset array is not an error (bash ≥ 4.4)
    } else {
      const ix = spec.index === null ? '' : `[${typeof spec.index === 'string' ? spec.index : await expandString(sh, spec.index)}]`;
      fatal(sh, `${spec.via ?? `${/^[0-9]+$/.test(name) ? '$' : ''}${name}${ix}`}: unbound variable`, 127);
    }
  }
  const unset = v === undefined;
  if (v === undefined) v = list ? [] : '';

  const each = async (f: (s: string) => string | Promise<string>): Promise<void> => {
    if (Array.isArray(v)) {
      const out: string[] = [];
      for (const x of v) out.push(await f(x));
      v = out;
    } else v = await f(v!);
  };

  if (spec.slice) {
    const off = Number(arithValue(sh, await expandString(sh, spec.slice.offset)));
    const lenText = spec.slice.length ? await expandString(sh, spec.slice.length) : null;
    const len = lenText === null ? null : Number(arithValue(sh, lenText));
    if (list) {
      let arr = v as string[];
      let keys = looked.keys ?? arr.map((_, i) => i);
      if (isSpecialList) {
        arr = [sh.scriptName, ...arr];
        keys = arr.map((_, i) => i);
      }
      // the offset is an index (sparse arrays: the first element at or after it); an offset
      // outside the array gives nothing before the length is checked, as in bash
      const top = keys.length ? keys[keys.length - 1]! + 1 : 0;
      const from = off < 0 ? top + off : off;
      if (from < 0 || (isSpecialList ? from > arr.length : from >= top && off >= 0)) return { v: [], list };
      if (len !== null && len < 0) abort(sh, `${lenText!.trim()}: substring expression < 0`);
      let start = keys.findIndex((k) => k >= from);
      if (start < 0) start = arr.length;
      const end = len === null ? arr.length : Math.min(arr.length, start + len);
      v = arr.slice(start, Math.max(start, end));
    } else {
      const cs = chars(v as string);
      const o = off < 0 ? cs.length + off : off;
      // unset, or an offset outside the value: nothing, before the length is checked (as bash)
      if (o < 0 || o > cs.length || unset) return { v: '', list: null };
      let end = len === null ? cs.length : len < 0 ? cs.length + len : o + len;
      if (len !== null && len < 0 && end < o) abort(sh, `${lenText!.trim()}: substring expression < 0`);
      end = Math.min(end, cs.length);
      v = cs.slice(o, Math.max(o, end)).join('');
    }
  } else if (spec.repl) {
    const pat = await expandPattern(sh, spec.repl.pat);
    const rep = spec.repl.rep ? await expandReplacement(sh, spec.repl.rep) : [];
    const mode = spec.repl.mode;
    // an unset value stays empty (`${u/#/x}` is empty, `${v/#/x}` of an empty v is x)
    if (!(unset && !list)) await each((s) => replacePattern(normalize(s), pat, (m) => rep.map((r) => (r === null ? m : r)).join(''), mode));
  } else if (op === '#' || op === '##' || op === '%' || op === '%%') {
    const pat = await expandPattern(sh, spec.arg ?? { t: 'w', parts: [] });
    await each((s) => trimPattern(normalize(s), pat, op));
  } else if (op === '^' || op === '^^' || op === ',' || op === ',,' || op === '~' || op === '~~') {
    const pat = spec.arg && spec.arg.parts.length ? await expandPattern(sh, spec.arg) : null;
    await each((s) => caseOp(s, op, pat));
  } else if (op === '@') {
    const what = spec.arg ? await expandString(sh, spec.arg) : '';
    if (!/^[QEPAKaULuk]$/.test(what)) abort(sh, `\${${name}${spec.index !== null ? `[${typeof spec.index === 'string' ? spec.index : '…'}]` : ''}@${what}}: bad substitution`);
    if (v === '' && looked.v === undefined && what !== 'a' && what !== 'A') return { v: '', list: null };
    const t = what === 'P' ? null : varTransform(sh, spec, what, looked);
    if (t !== null) {
      if (Array.isArray(t)) return { v: t, list: list ?? '@' };
      return { v: t, list: null };
    }
    await each((s) => (what === 'P' ? promptExpand(sh, s) : transform(s, what)));
  }
  return { v: v as string | string[], list };
}

/**
 * The replacement of `${x/p/r}` as pieces: literal text, or null for "the matched text" (an
 * unquoted `&`, bash 5.2's patsub_replacement). Backslash quotes `&` and itself.
 */
async function expandReplacement(sh: ExpandEnv, word: Word): Promise<(string | null)[]> {
  const b = new Builder(false);
  await expandParts(sh, word.parts, b, false);
  const out: (string | null)[] = [];
  let lit = '';
  for (const f of b.fields) {
    for (const seg of f) {
      if (seg.k === 'q') { lit += seg.s; continue; }
      const s = seg.s;
      for (let i = 0; i < s.length; i++) {
        const c = s[i]!;
        if (c === '\\' && i + 1 < s.length) {
          const d = s[i + 1]!;
          if (seg.k === 'g' || d === '&' || d === '\\') {
            lit += d;
            i++;
            continue;
          }
          lit += c;
          continue;
        }
        if (c === '&') {
          out.push(lit, null);
          lit = '';
          continue;
        }
        lit += c;
      }
    }
  }
  out.push(lit);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tilde

function passwdHome(user: string): string | undefined {
  if (user === os.userInfo().username) return os.homedir();
  try {
    for (const line of fs.readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === user && f.length >= 6) return f[5];
    }
  } catch {
    // no passwd file
  }
  return undefined;
}

/** `~`, `~user`, `~+`, `~-`; undefined when bash leaves the text as it is. */
export function tildeValue(sh: ExpandEnv, user: string): string | undefined {
  if (user === '') return sh.getVar('HOME') ?? os.homedir();
  if (user === '+') return sh.getVar('PWD') ?? sh.cwd;
  if (user === '-') return sh.getVar('OLDPWD');
  if (/^[+-]?[0-9]+$/.test(user)) {
    const n = Number(user.replace(/^[+-]/, ''));
    const stack = [sh.cwd, ...sh.dirStack];
    const i = user.startsWith('-') ? stack.length - 1 - n : n;
    return stack[i];
  }
  return passwdHome(user);
}

// ---------------------------------------------------------------------------------------------
// Parts

/**
 * Expand parts into the builder. `quoted`: inside "…". `dflt`: the parts are the word of an
 * unquoted `${x:-word}`, whose unquoted text is split and globbed like an expansion result.
 */
async function expandParts(sh: ExpandEnv, parts: readonly Part[], b: Builder, quoted: boolean, dflt = false): Promise<void> {
  for (const p of parts) {
    switch (p.t) {
      case 'lit':
        b.add(p.v, 'q');
        break;
      case 'glob':
        b.add(p.v, quoted ? 'q' : dflt ? 'e' : 'g');
        break;
      case 'tilde': {
        if (quoted) {
          b.add('~' + p.user, 'q');
          break;
        }
        const home = tildeValue(sh, p.user);
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
        if ('word' in r) {
          await expandParts(sh, r.word.parts, b, quoted, !quoted);
          break;
        }
        if (Array.isArray(r.v)) addList(sh, b, r.v, r.list ?? '@', quoted);
        else b.add(r.v, quoted ? 'q' : 'e');
        break;
      }
      case 'procsub':
        b.add(await sh.processSubst(p.op, p.body), 'q');
        break;
      case 'cmd': {
        const out = await sh.commandSubst(p.body);
        b.add(out.replace(/\0/g, '').replace(/\n+$/, ''), quoted ? 'q' : 'e');
        break;
      }
      case 'arith': {
        const text = await expandString(sh, { t: 'w', parts: p.parts });
        b.add(String(arithValue(sh, text)), quoted ? 'q' : 'e');
        break;
      }
      case 'brace':
        abort(sh, 'brace expansion with expansions inside is not supported natively');
    }
  }
}

/** `$@` / `$*` / `${A[@]}` / `${A[*]}` as fields, quoted or not. */
function addList(sh: ExpandEnv, b: Builder, vals: string[], list: '@' | '*', quoted: boolean): void {
  const ifs = sh.ifs();
  if (quoted) {
    if (list === '*') {
      // "$*": one field joined by the first IFS character
      b.add(vals.join(ifs.slice(0, 1)), 'q');
      return;
    }
    // "$@": one field per element; no element = no field
    if (vals.length === 0) b.atEmpty = true;
    vals.forEach((x, i) => {
      if (i > 0) b.brk();
      b.add(x, 'q');
    });
    return;
  }
  if (!b.split) {
    // no splitting (assignment, [[ ]]): $* joins with IFS[0], $@ with a space
    b.add(vals.join(list === '*' ? ifs.slice(0, 1) : ' '), 'e');
    return;
  }
  if (ifs === '') {
    // no splitting: each non-empty element is a field of its own
    let first = true;
    for (const x of vals) {
      if (x === '') continue;
      if (!first) b.brk();
      b.add(x, 'e');
      first = false;
    }
    return;
  }
  // unquoted: the elements joined by IFS[0], then split like any expansion
  b.add(vals.join(ifs.slice(0, 1)), 'e');
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
    if (seg.k !== 'e') {
      cur.push(seg);
      inField = true;
      whiteEnded = false;
      continue;
    }
    if (ifs === '') {
      if (seg.s !== '') {
        cur.push(seg);
        inField = true;
      }
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
    const b = new Builder(true);
    await expandParts(sh, w.parts, b, false);
    for (const f of b.fields) {
      for (const segs of splitField(f, ifs)) {
        const globbable = !sh.opts.noglob && segs.some((s) => s.k !== 'q' && hasPatternChars(s.s));
        if (globbable) {
          const pat = patternText(segs);
          if (hasPatternChars(pat)) {
            const matches = sh.glob(pat);
            if (matches.length) {
              out.push(...matches);
              continue;
            }
            if (sh.opts.nullglob) continue;
            if (sh.opts.failglob) abort(sh, `no match: ${literalText(segs)}`);
          }
        }
        out.push(literalText(segs));
      }
    }
  }
  return out;
}

/**
 * Expand a word as a redirect target: one field after splitting and globbing (bash's
 * "ambiguous redirect" otherwise, reported with `src`, the word as written).
 */
export async function expandTarget(sh: ExpandEnv, word: Word, src: string): Promise<string | null> {
  if (word.parts.every((p) => p.t === 'lit')) return expandString(sh, word);
  const fields = await expandFields(sh, [word]);
  if (fields.length !== 1) {
    sh.error(`${src}: ambiguous redirect`);
    return null;
  }
  return fields[0]!;
}

/** Expand a word into one string (assignment values, redirect targets, `[[ ]]` operands). */
export async function expandString(sh: ExpandEnv, word: Word): Promise<string> {
  if (word.parts.length === 1 && word.parts[0]!.t === 'lit') return word.parts[0].v;
  const b = new Builder(false);
  await expandParts(sh, word.parts, b, false);
  return b.fields.map((f) => literalText(f)).join(' ');
}

/** Expand a word into a pattern: quoted parts are escaped, unquoted text stays active. */
export async function expandPattern(sh: ExpandEnv, word: Word): Promise<string> {
  const b = new Builder(false);
  await expandParts(sh, word.parts, b, false);
  return b.fields.map((f) => patternText(f)).join(' ');
}

/** Expand a word into a regex (`[[ =~ ]]`): quoted parts are matched literally. */
export async function expandRegex(sh: ExpandEnv, word: Word): Promise<string> {
  const b = new Builder(false);
  await expandParts(sh, word.parts, b, false);
  return b.fields
    .map((f) => f.map((s) => (s.k === 'q' ? s.s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&') : s.s)).join(''))
    .join(' ');
}

