/**
 * Conditional expressions: the `test` / `[` builtin (POSIX argument-count rules, then `!`, `-a`,
 * `-o`, parentheses) and `[[ … ]]` (pattern `==`/`!=`, `=~` with BASH_REMATCH, `<`/`>`,
 * arithmetic `-eq`…, file tests, `-v`, `&&`/`||`/`!` with short-circuit).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tty from 'node:tty';
import type { Shell } from './shell.js';
import { CondError, ArithError } from './signals.js';
import { toWord, type WordLike } from './words.js';
import { expandPattern, expandRegex, expandString } from './expand.js';
import { matchPattern } from './pattern.js';
import { evalArith } from './arith.js';
import type { Fd } from './io.js';
import { traceCond } from './xtrace.js';

/** `[[ ]]` as nested arrays: `[w]`, `[op, w]`, `["!", e]`, `[w, op, w]`, `[e, "&&"|"||", e]`. */
export type CondExpr =
  | readonly [WordLike]
  | readonly [string, WordLike]
  | readonly ['!', CondExpr]
  | readonly [WordLike, string, WordLike]
  | readonly [CondExpr, '&&' | '||', CondExpr];

const UNARY = new Set(['-e', '-f', '-d', '-c', '-b', '-p', '-S', '-L', '-h', '-k', '-g', '-u', '-G', '-O', '-N', '-r', '-w', '-x', '-s', '-t', '-z', '-n', '-v', '-o', '-R', '-a']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef', '=~']);

/** `/dev/fd/N`, `/dev/stdin` …: the shell's fd N (bash tests its own fds, not a path). */
function fdOf(sh: Shell, f: string): Fd | undefined | null {
  const m = /^\/dev\/(?:fd\/(\d+)|std(in|out|err))$/.exec(f);
  if (!m) return null;
  const e = sh.fds.get(m[1] !== undefined ? Number(m[1]) : ['in', 'out', 'err'].indexOf(m[2]!));
  return e?.kind === 'closed' ? undefined : e;
}

/** What fstat gives for one of the shell's in-memory pipes. */
function pipeStats(): fs.Stats {
  return Object.assign(Object.create(fs.Stats.prototype) as fs.Stats, { mode: fs.constants.S_IFIFO | 0o600, size: 0, uid: process.getuid?.(), gid: process.getgid?.() });
}

function stat(sh: Shell, f: string, link = false): fs.Stats | null {
  if (f === '') return null;
  const e = link ? null : fdOf(sh, f);
  if (e !== null) {
    if (e === undefined) return null;
    if (e.kind !== 'os') return pipeStats();
    try {
      return fs.fstatSync(e.fd);
    } catch {
      return null;
    }
  }
  try {
    const p = path.resolve(sh.cwd, f);
    return link ? fs.lstatSync(p) : fs.statSync(p);
  } catch {
    return null;
  }
}

function access(sh: Shell, f: string, mode: number): boolean {
  if (f === '') return false;
  if (fdOf(sh, f) !== null) {
    // bash decides from the fd's mode bits (sh_stataccess), root reads and writes anything
    const st = stat(sh, f);
    if (!st) return false;
    const bits = mode === fs.constants.R_OK ? 0o4 : mode === fs.constants.W_OK ? 0o2 : 0o1;
    if (process.getuid?.() === 0) return bits !== 0o1 || (st.mode & 0o111) !== 0;
    const shift = st.uid === process.getuid?.() ? 6 : st.gid === process.getgid?.() ? 3 : 0;
    return ((st.mode >> shift) & bits) !== 0;
  }
  try {
    fs.accessSync(path.resolve(sh.cwd, f), mode);
    return true;
  } catch {
    return false;
  }
}

/** A unary test on a string operand. */
export function unaryTest(sh: Shell, op: string, x: string): boolean {
  switch (op) {
    case '-z': return x === '';
    case '-n': return x !== '';
    case '-e': case '-a': return stat(sh, x) !== null;
    case '-f': return stat(sh, x)?.isFile() ?? false;
    case '-d': return stat(sh, x)?.isDirectory() ?? false;
    case '-c': return stat(sh, x)?.isCharacterDevice() ?? false;
    case '-b': return stat(sh, x)?.isBlockDevice() ?? false;
    case '-p': return stat(sh, x)?.isFIFO() ?? false;
    case '-S': return stat(sh, x)?.isSocket() ?? false;
    case '-L': case '-h': return stat(sh, x, true)?.isSymbolicLink() ?? false;
    case '-s': return (stat(sh, x)?.size ?? 0) > 0;
    case '-r': return access(sh, x, fs.constants.R_OK);
    case '-w': return access(sh, x, fs.constants.W_OK);
    case '-x': return access(sh, x, fs.constants.X_OK);
    case '-k': return ((stat(sh, x)?.mode ?? 0) & 0o1000) !== 0;
    case '-g': return ((stat(sh, x)?.mode ?? 0) & 0o2000) !== 0;
    case '-u': return ((stat(sh, x)?.mode ?? 0) & 0o4000) !== 0;
    case '-O': return stat(sh, x)?.uid === process.getuid?.();
    case '-G': return stat(sh, x)?.gid === process.getgid?.();
    case '-N': {
      const s = stat(sh, x);
      return s ? s.mtimeMs > s.atimeMs : false;
    }
    case '-t': return /^\d+$/.test(x) && (() => {
      const e = sh.fds.get(Number(x));
      return e?.kind === 'os' && tty.isatty(e.fd);
    })();
    case '-v': {
      const m = /^([^[]+)\[(.*)\]$/.exec(x);
      if (m) {
        const v = sh.getValue(m[1]!);
        if (v instanceof Map) return v.has(m[2]!);
        if (Array.isArray(v)) return v[Number(evalArith(sh, m[2]!))] !== undefined;
        return m[2] === '0' && typeof v === 'string';
      }
      return sh.getValue(x) !== undefined;
    }
    case '-R': return !!sh.vars.lookupRaw(x)?.nameref;
    case '-o': {
      const o = sh.opts as unknown as Record<string, boolean>;
      return !!o[x];
    }
  }
  throw new CondError(`${op}: unary operator expected`);
}

function intArg(x: string, strict: boolean, sh: Shell): bigint {
  if (!strict) {
    try {
      return evalArith(sh, x);
    } catch (e) {
      if (e instanceof ArithError) throw new CondError(`[[: ${e.expr}: ${e.message}`, 1);
      throw e;
    }
  }
  const t = x.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new CondError(`${x}: integer expression expected`);
  return BigInt(t);
}

/** A binary test on two strings (pattern/regex operators are handled by the callers). */
export function binaryTest(sh: Shell, op: string, a: string, b: string, strictInts: boolean): boolean {
  switch (op) {
    case '=': case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '-eq': return intArg(a, strictInts, sh) === intArg(b, strictInts, sh);
    case '-ne': return intArg(a, strictInts, sh) !== intArg(b, strictInts, sh);
    case '-lt': return intArg(a, strictInts, sh) < intArg(b, strictInts, sh);
    case '-le': return intArg(a, strictInts, sh) <= intArg(b, strictInts, sh);
    case '-gt': return intArg(a, strictInts, sh) > intArg(b, strictInts, sh);
    case '-ge': return intArg(a, strictInts, sh) >= intArg(b, strictInts, sh);
    case '-nt': {
      const x = stat(sh, a), y = stat(sh, b);
      return !!x && (!y || x.mtimeMs > y.mtimeMs);
    }
    case '-ot': {
      const x = stat(sh, a), y = stat(sh, b);
      return !!y && (!x || x.mtimeMs < y.mtimeMs);
    }
    case '-ef': {
      const x = stat(sh, a), y = stat(sh, b);
      return !!x && !!y && x.dev === y.dev && x.ino === y.ino;
    }
  }
  throw new CondError(`${op}: binary operator expected`);
}

// ---------------------------------------------------------------------------------------------
// test / [

/** Evaluate `test` arguments; returns the exit status (0 true, 1 false, 2 error after a message). */
export function testArgs(sh: Shell, args: string[], name = 'test'): number {
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      sh.error("[: missing `]'");
      return 2;
    }
    args = args.slice(0, -1);
  }
  try {
    return evalTest(sh, args) ? 0 : 1;
  } catch (e) {
    if (e instanceof CondError) {
      sh.error(`${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

function evalTest(sh: Shell, a: string[]): boolean {
  switch (a.length) {
    case 0: return false;
    case 1: return a[0] !== '';
    case 2:
      if (a[0] === '!') return a[1] === '';
      if (UNARY.has(a[0]!)) return unaryTest(sh, a[0]!, a[1]!);
      throw new CondError(`${a[0]}: unary operator expected`);
    case 3:
      if (BINARY.has(a[1]!) && a[1] !== '=~') return binaryTest(sh, a[1]!, a[0]!, a[2]!, true);
      if (a[1] === '-a') return a[0] !== '' && a[2] !== '';
      if (a[1] === '-o') return a[0] !== '' || a[2] !== '';
      if (a[0] === '!') return !evalTest(sh, a.slice(1));
      if (a[0] === '(' && a[2] === ')') return a[1] !== '';
      throw new CondError(`${a[1]}: binary operator expected`);
    case 4:
      if (a[0] === '!') return !evalTest(sh, a.slice(1));
      if (a[0] === '(' && a[3] === ')') return evalTest(sh, a.slice(1, 3));
  }
  const p = new TestParser(sh, a);
  const v = p.or();
  if (p.i < a.length) throw new CondError('too many arguments');
  return v;
}

class TestParser {
  i = 0;
  constructor(readonly sh: Shell, readonly a: string[]) {}
  or(): boolean {
    let v = this.and();
    while (this.a[this.i] === '-o') {
      this.i++;
      const r = this.and();
      v = v || r;
    }
    return v;
  }
  and(): boolean {
    let v = this.not();
    while (this.a[this.i] === '-a') {
      this.i++;
      const r = this.not();
      v = v && r;
    }
    return v;
  }
  not(): boolean {
    if (this.a[this.i] === '!') {
      this.i++;
      return !this.not();
    }
    return this.prim();
  }
  prim(): boolean {
    const a = this.a;
    const t = a[this.i];
    if (t === undefined) throw new CondError('argument expected');
    if (t === '(') {
      this.i++;
      const v = this.or();
      if (a[this.i] !== ')') throw new CondError("`)' expected");
      this.i++;
      return v;
    }
    if (a[this.i + 1] !== undefined && BINARY.has(a[this.i + 1]!) && a[this.i + 1] !== '=~') {
      const v = binaryTest(this.sh, a[this.i + 1]!, t, a[this.i + 2] ?? '', true);
      this.i += 3;
      return v;
    }
    if (UNARY.has(t) && a[this.i + 1] !== undefined) {
      this.i += 2;
      return unaryTest(this.sh, t, a[this.i - 1]!);
    }
    this.i++;
    return t !== '';
  }
}

// ---------------------------------------------------------------------------------------------
// [[ ]]

function isExpr(x: unknown): x is CondExpr {
  return Array.isArray(x);
}

/** ERE (POSIX) → JS regex source: bracket classes like `[[:alpha:]]`; a `)` with no `(` is literal in ERE. */
function ereToJs(re: string): string {
  const classes = re.replace(/\[:(alpha|digit|alnum|upper|lower|space|blank|punct|xdigit|word|cntrl|print|graph):\]/g, (_m, c: string) => ({
    alpha: 'a-zA-Z', digit: '0-9', alnum: 'a-zA-Z0-9', upper: 'A-Z', lower: 'a-z', space: '\\s', blank: ' \\t',
    punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', word: '\\w', cntrl: '\\x00-\\x1f', print: '\\x20-\\x7e', graph: '\\x21-\\x7e',
  })[c]!);
  let out = '';
  let depth = 0;
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i]!;
    if (c === '\\') {
      out += c + (classes[i + 1] ?? '');
      i++;
    } else if (c === '[') {
      // a bracket expression: copied whole (`]` first is a member)
      let j = i + 1;
      if (classes[j] === '^') j++;
      if (classes[j] === ']') j++;
      while (j < classes.length && classes[j] !== ']') j++;
      out += classes.slice(i, j + 1);
      i = j;
    } else if (c === '(') {
      depth++;
      out += c;
    } else if (c === ')') {
      if (depth === 0) out += '\\)';
      else {
        depth--;
        out += c;
      }
    } else out += c;
  }
  return out;
}

/** `[[ ]]`'s status: 0 true, 1 false, 2 an invalid regular expression (bash says nothing; `||` goes on, `!` makes it 0). */
export async function evalCond(sh: Shell, e: CondExpr, invert = false): Promise<number> {
  // `set -x` shows each primary as it is tested (bash's xtrace_print_cond_term); `!` before a
  // primary shows with it, the result is inverted by the caller
  const trace = (op: string, a: string, b?: string) => {
    if (sh.opts.xtrace) traceCond(sh, invert, op, a, b);
  };
  if (e.length === 1) {
    const x = await sh.str(e[0] as WordLike);
    trace('-n', x);
    return x !== '' ? 0 : 1;
  }
  if (e.length === 2) {
    if (e[0] === '!' && isExpr(e[1])) return (await evalCond(sh, e[1], isPrimary(e[1]))) === 0 ? 1 : 0;
    const op = e[0] as string;
    const x = await sh.str(e[1] as WordLike);
    trace(op, x);
    return unaryTest(sh, op, x) ? 0 : 1;
  }
  const op = e[1] as string;
  if ((op === '&&' || op === '||') && isExpr(e[0]) && isExpr(e[2])) {
    const a = await evalCond(sh, e[0]);
    if (op === '&&') return a === 0 ? evalCond(sh, e[2]) : a;
    return a === 0 ? 0 : evalCond(sh, e[2]);
  }
  const left = await expandString(sh, toWord(e[0] as WordLike));
  const rightW = toWord(e[2] as WordLike);
  if (op === '==' || op === '=' || op === '!=') {
    const pat = await expandPattern(sh, rightW);
    trace(op, left, pat);
    const m = matchPattern(left, pat, { nocase: sh.opts.nocasematch });
    return (op === '!=' ? !m : m) ? 0 : 1;
  }
  if (op === '=~') {
    const src = await expandRegex(sh, rightW);
    trace(op, left, src);
    let re: RegExp;
    try {
      re = new RegExp(ereToJs(src), sh.opts.nocasematch ? 'i' : '');
    } catch {
      return 2;
    }
    const m = re.exec(left);
    if (!m) {
      sh.vars.ensure('BASH_REMATCH').value = [];
      return 1;
    }
    sh.vars.ensure('BASH_REMATCH').value = Array.from(m, (x) => x ?? '');
    return 0;
  }
  const right = await expandString(sh, rightW);
  trace(op, left, right);
  return binaryTest(sh, op, left, right, false) ? 0 : 1;
}

/** A test term (unary or binary), not `!`, `&&`, `||` or a group. */
function isPrimary(e: CondExpr): boolean {
  if (e.length === 1) return true;
  if (e.length === 2) return e[0] !== '!';
  return !(e[1] === '&&' || e[1] === '||') || !isExpr(e[0]) || !isExpr(e[2]);
}
