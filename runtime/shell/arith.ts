/**
 * Bash arithmetic: `$(( ))`, `(( ))`, `let`, array indices, `declare -i`. Evaluates the
 * expression text (after word expansion) on 64-bit integers the way bash's expr.c does: a
 * recursive-descent parser that evaluates as it parses (side effects in order; short-circuited
 * branches are parsed without evaluating), bash's operators and precedence, assignment
 * operators, `++`/`--`, `?:`, `,`, bases (`0x1f`, `017`, `2#101`, `64#@_`), variables whose
 * values are themselves expressions (recursion limit 1024), and bash's error messages with
 * their "error token" (the text from the last token read on).
 */
import { ArithError } from './signals.js';

/** What arithmetic needs from the shell. */
export interface ArithEnv {
  getVar(name: string): string | undefined;
  /** Assign `name` (or element `index`: an associative key, or an integer) = value. */
  setVar(name: string, value: string, opts?: { index?: string }): boolean;
  getValue?(name: string): unknown;
  opts?: { nounset: boolean };
  /** Called for an unset variable under `set -u` (the shell reports it and exits). */
  unbound?(name: string): never;
}

const MAX_RECURSION = 1024;
const wrap = (v: bigint) => BigInt.asIntN(64, v);

type TokType = 'num' | 'var' | 'op' | 'bad' | 'eof';
interface Tok {
  t: TokType;
  /** Operator text, or the variable name. */
  v: string;
  start: number;
  end: number;
  /** num: the value; var: the raw subscript text (null when none). */
  num?: bigint;
  index?: string | null;
}

const OPS = [
  '<<=', '>>=', '**', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=',
  '&=', '^=', '|=', '++', '--', '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '^', '|', '?', ':', ',', '(', ')',
];
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|=']);
const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isIdStart = (c: string | undefined) => !!c && /[A-Za-z_]/.test(c);

class Evaluator {
  private i = 0;
  private tok!: Tok;
  /** The previous token (for `x++` vs `++x` and bash's lasttok checks). */
  private prev: Tok | null = null;
  /** Start of the last token read that was not the end (bash's lasttp). */
  private lasttp = 0;
  /** >0 while parsing a branch that is not evaluated (short circuit, untaken `?:` side). */
  private noeval = 0;

  /** `trail[d]`: the variable value being evaluated at depth d (for the recursion error's token). */
  constructor(readonly env: ArithEnv, readonly s: string, readonly depth: number, readonly trail: string[] = []) {}

  // --- errors -------------------------------------------------------------------------------

  /** `to`: bash cuts the expression after a number token it rejects (it is read in place). */
  fail(msg: string, from = this.lasttp, to = this.s.length): never {
    throw new ArithError(`${msg} (error token is "${this.s.slice(from, to)}")`, this.s.slice(0, to).replace(/^[ \t\n]+/, ''));
  }

  // --- tokens -------------------------------------------------------------------------------

  private next(): void {
    this.prev = this.tok ?? null;
    const s = this.s;
    let i = this.i;
    while (isSpace(s[i])) i++;
    if (i >= s.length) {
      this.i = i;
      this.tok = { t: 'eof', v: '', start: i, end: i };
      return;
    }
    this.lasttp = i;
    const c = s[i]!;
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < s.length && /[0-9A-Za-z_@#]/.test(s[j]!)) j++;
      const text = s.slice(i, j);
      this.i = j;
      this.tok = { t: 'num', v: text, start: i, end: j, num: this.number(text, i) };
      return;
    }
    if (isIdStart(c)) {
      let j = i;
      while (j < s.length && /[A-Za-z0-9_]/.test(s[j]!)) j++;
      const name = s.slice(i, j);
      let index: string | null = null;
      if (s[j] === '[') {
        let depth = 0;
        let k = j;
        for (; k < s.length; k++) {
          if (s[k] === '[') depth++;
          else if (s[k] === ']' && --depth === 0) break;
        }
        if (k >= s.length) this.fail('bad array subscript', i);
        index = s.slice(j + 1, k);
        j = k + 1;
      }
      this.i = j;
      this.tok = { t: 'var', v: name, start: i, end: j, index };
      return;
    }
    for (const o of OPS) {
      if (!s.startsWith(o, i)) continue;
      let op = o;
      if (o === '++' || o === '--') {
        // x++ after a variable; ++x before one; otherwise two unary signs
        if (this.prev?.t === 'var') op = o === '++' ? 'post++' : 'post--';
        else {
          let k = i + 2;
          while (isSpace(s[k])) k++;
          if (isIdStart(s[k])) op = o === '++' ? 'pre++' : 'pre--';
          else op = o[0]!;
        }
      }
      const len = op.length === 1 ? 1 : o.length;
      this.i = i + len;
      this.tok = { t: 'op', v: op, start: i, end: i + len };
      return;
    }
    // a character that is no token: where an operator is expected, bash says so
    const afterOperand = this.prev && (this.prev.t === 'num' || this.prev.t === 'var' || this.prev.v === ')' || this.prev.v.startsWith('post'));
    if (afterOperand) this.fail('syntax error: invalid arithmetic operator', i);
    this.i = i + 1;
    this.tok = { t: 'bad', v: c, start: i, end: i + 1 };
  }

  private is(op: string): boolean {
    return this.tok.t === 'op' && this.tok.v === op;
  }

  private number(text: string, at: number): bigint {
    const end = at + text.length;
    let base = 10;
    let digits = text;
    const hash = text.indexOf('#');
    if (hash >= 0) {
      const b = text.slice(0, hash);
      digits = text.slice(hash + 1);
      if (!/^[0-9]+$/.test(b)) this.fail('invalid number', at, end);
      base = Number(b);
      if (base === 0 && b.length) this.fail('invalid number', at, end);
      if (base < 2 || base > 64) this.fail('invalid arithmetic base', at, end);
      if (digits === '') this.fail('invalid integer constant', at, end);
    } else if (/^0[xX]/.test(text)) {
      base = 16;
      digits = text.slice(2);
    } else if (text.length > 1 && text[0] === '0') {
      base = 8;
      digits = text.slice(1);
    }
    let v = 0n;
    for (const c of digits) {
      let d: number;
      if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
      else if (c >= 'a' && c <= 'z') d = c.charCodeAt(0) - 87;
      else if (c >= 'A' && c <= 'Z') d = base <= 36 ? c.charCodeAt(0) - 55 : c.charCodeAt(0) - 29;
      else if (c === '@') d = 62;
      else if (c === '_') d = 63;
      else d = 99;
      if (d >= base) this.fail('value too great for base', at, end);
      v = v * BigInt(base) + BigInt(d);
    }
    return wrap(v);
  }

  // --- variables ----------------------------------------------------------------------------

  private isAssoc(name: string): boolean {
    return this.env.getValue?.(name) instanceof Map;
  }

  /** The resolved element index of a variable token (key of an associative array, or integer). */
  private indexOf(t: Tok): string | undefined {
    if (t.index === null || t.index === undefined) return undefined;
    if (this.isAssoc(t.v)) return t.index;
    if (t.index.trim() === '') this.fail('bad array subscript', t.start);
    return String(evalArith(this.env, t.index, this.depth));
  }

  private read(t: Tok): bigint {
    const index = this.indexOf(t);
    let raw: string | undefined;
    if (index !== undefined) {
      const v = this.env.getValue?.(t.v);
      if (v instanceof Map) raw = v.get(index);
      else if (Array.isArray(v)) {
        const i = Number(index);
        raw = v[i < 0 ? v.length + i : i] as string | undefined;
      } else if (index === '0' || index === '-1') raw = typeof v === 'string' ? v : this.env.getVar(t.v);
    } else raw = this.env.getVar(t.v);
    if (raw === undefined) {
      if (this.env.opts?.nounset && this.env.unbound) this.env.unbound(index !== undefined ? `${t.v}[${t.index}]` : t.v);
      return 0n;
    }
    const r = raw.trim();
    if (r === '') return 0n;
    if (/^-?[0-9]+$/.test(r) && !/^-?0[0-9]/.test(r)) return wrap(BigInt(r));
    if (this.depth + 1 >= MAX_RECURSION) throw recursionError(raw);
    this.trail[this.depth + 1] = raw;
    this.trail.length = this.depth + 2;
    return new Evaluator(this.env, raw, this.depth + 1, this.trail).run();
  }

  private write(t: Tok, v: bigint): void {
    const index = this.indexOf(t);
    this.env.setVar(t.v, String(v), index !== undefined ? { index } : {});
  }

  // --- grammar (bash's expr.c, highest level first) ------------------------------------------

  run(): bigint {
    this.next();
    if (this.tok.t === 'eof') return 0n;
    const v = this.comma();
    if ((this.tok as Tok).t !== 'eof') this.fail('syntax error in expression');
    return v;
  }

  private comma(): bigint {
    let v = this.assign();
    while (this.is(',')) {
      this.next();
      v = this.assign();
    }
    return v;
  }

  private assign(): bigint {
    const lhs = this.tok;
    const v = this.cond();
    if (this.tok.t === 'op' && ASSIGN.has(this.tok.v)) {
      const op = this.tok.v;
      if (this.prev !== lhs || lhs.t !== 'var') this.fail('attempted assignment to non-variable');
      this.next();
      // bash takes the target's value before the right side runs (`n += n++` adds the old n)
      const old = op !== '=' && !this.noeval ? this.read(lhs) : 0n;
      let r = this.assign();
      if (this.noeval) return r;
      if (op !== '=') r = this.binop(op.slice(0, -1), old, r);
      this.write(lhs, r);
      return r;
    }
    return v;
  }

  private cond(): bigint {
    const c = this.lor();
    if (!this.is('?')) return c;
    this.next();
    if (c === 0n) this.noeval++;
    const a = this.comma();
    if (c === 0n) this.noeval--;
    if (!this.is(':')) this.fail("`:' expected for conditional expression");
    this.next();
    if ((this.tok as Tok).t === 'eof') this.fail('expression expected');
    if (c !== 0n) this.noeval++;
    const b = this.cond();
    if (c !== 0n) this.noeval--;
    return c !== 0n ? a : b;
  }

  private lor(): bigint {
    let v = this.land();
    while (this.is('||')) {
      this.next();
      if (v !== 0n) this.noeval++;
      const r = this.land();
      if (v !== 0n) this.noeval--;
      v = v !== 0n || r !== 0n ? 1n : 0n;
    }
    return v;
  }

  private land(): bigint {
    let v = this.level(0);
    while (this.is('&&')) {
      this.next();
      if (v === 0n) this.noeval++;
      const r = this.level(0);
      if (v === 0n) this.noeval--;
      v = v !== 0n && r !== 0n ? 1n : 0n;
    }
    return v;
  }

  /** Left-associative binary levels: | ^ & (== !=) (< > <= >=) (<< >>) (+ -) (* / %). */
  private static LEVELS: readonly (readonly string[])[] = [
    ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];

  private level(n: number): bigint {
    if (n >= Evaluator.LEVELS.length) return this.power();
    let v = this.level(n + 1);
    for (;;) {
      const t = this.tok;
      if (t.t !== 'op' || !Evaluator.LEVELS[n]!.includes(t.v)) return v;
      this.next();
      const r = this.level(n + 1);
      v = this.binop(t.v, v, r);
    }
  }

  private power(): bigint {
    const v = this.unary();
    if (this.is('**')) {
      this.next();
      const r = this.power();
      return this.binop('**', v, r);
    }
    return v;
  }

  private unary(): bigint {
    const t = this.tok;
    if (t.t === 'op' && (t.v === '!' || t.v === '~' || t.v === '-' || t.v === '+')) {
      this.next();
      const x = this.unary();
      switch (t.v) {
        case '!': return x === 0n ? 1n : 0n;
        case '~': return wrap(~x);
        case '-': return wrap(-x);
        default: return x;
      }
    }
    return this.operand();
  }

  private operand(): bigint {
    const t = this.tok;
    if (t.t === 'op' && (t.v === 'pre++' || t.v === 'pre--')) {
      this.next();
      const x = this.tok;
      if (x.t !== 'var') this.fail('syntax error: operand expected');
      this.next();
      if (this.noeval) return 0n;
      const v = wrap(this.read(x) + (t.v === 'pre++' ? 1n : -1n));
      this.write(x, v);
      return v;
    }
    if (t.t === 'op' && t.v === '(') {
      this.next();
      const v = this.comma();
      if (!this.is(')')) this.fail("missing `)'");
      this.next();
      return v;
    }
    if (t.t === 'num') {
      this.next();
      return t.num!;
    }
    if (t.t === 'var') {
      this.next();
      if (this.tok.t === 'op' && (this.tok.v === 'post++' || this.tok.v === 'post--')) {
        const op = this.tok.v;
        this.next();
        if (this.noeval) return 0n;
        const old = this.read(t);
        this.write(t, wrap(old + (op === 'post++' ? 1n : -1n)));
        return old;
      }
      // the target of an assignment is not read (no `set -u` error for `x = 1`)
      if (this.noeval || (this.tok.t === 'op' && ASSIGN.has(this.tok.v))) return 0n;
      return this.read(t);
    }
    this.fail('syntax error: operand expected');
  }

  private binop(op: string, a: bigint, b: bigint): bigint {
    switch (op) {
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      case '/':
      case '%':
        if (b === 0n) {
          if (this.noeval) return 0n;
          this.fail('division by 0');
        }
        return wrap(op === '/' ? a / b : a % b);
      case '**': {
        if (b < 0n) {
          if (this.noeval) return 0n;
          this.fail('exponent less than 0');
        }
        let r = 1n;
        let base = wrap(a);
        let e = b;
        while (e > 0n) {
          if (e & 1n) r = wrap(r * base);
          base = wrap(base * base);
          e >>= 1n;
        }
        return r;
      }
      case '<<': return wrap(a << (b & 63n));
      case '>>': return wrap(a >> (b & 63n));
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
      case '==': return a === b ? 1n : 0n;
      case '!=': return a !== b ? 1n : 0n;
      case '<': return a < b ? 1n : 0n;
      case '<=': return a <= b ? 1n : 0n;
      case '>': return a > b ? 1n : 0n;
      case '>=': return a >= b ? 1n : 0n;
    }
    this.fail('syntax error in expression');
  }
}

/** Evaluate arithmetic text. Throws ArithError on syntax errors, division by zero, bad bases. */
export function evalArith(env: ArithEnv, text: string, depth = 0): bigint {
  const trail: string[] = [];
  try {
    return new Evaluator(env, text, depth, trail).run();
  } catch (e) {
    // values that refer to themselves (`c=c`) overflow the JS stack before bash's 1024 levels:
    // the chain repeats, so the value bash would be at level 1024 is known from its period
    if (!(e instanceof RangeError) || depth !== 0 || trail.length < 3) throw e;
    const d = trail.length - 1;
    let p = 1;
    while (p < d && trail[d] !== trail[d - p]) p++;
    if (p >= d) throw e;
    throw recursionError(trail[d - (((d - (MAX_RECURSION - 1)) % p) + p) % p]!);
  }
}

function recursionError(raw: string): ArithError {
  return new ArithError(`expression recursion level exceeded (error token is "${raw}")`, raw);
}
