/**
 * Bash arithmetic: `$(( ))`, `(( ))`, `let`, array indices, `declare -i`. Parses the expression
 * text (after word expansion) and evaluates it on 64-bit integers with bash's operators,
 * precedence, assignment operators, `++`/`--`, `?:`, `,`, bases (`0x1f`, `017`, `2#101`), and
 * variables whose values are themselves evaluated as expressions.
 */
import { ArithError } from './signals.js';

/** What arithmetic needs from the shell. */
export interface ArithEnv {
  getVar(name: string): string | undefined;
  setVar(name: string, value: string, opts?: { index?: string }): boolean;
  getValue?(name: string): unknown;
  opts?: { nounset: boolean };
}

type Node =
  | { t: 'num'; v: bigint }
  | { t: 'var'; name: string; index: Node | null; raw: string | null }
  | { t: 'un'; op: string; x: Node }
  | { t: 'post'; op: string; x: Node }
  | { t: 'pre'; op: string; x: Node }
  | { t: 'bin'; op: string; x: Node; y: Node }
  | { t: 'assign'; op: string; x: Node; y: Node }
  | { t: 'tern'; c: Node; a: Node; b: Node };

const BIN_PREC: Record<string, number> = {
  ',': 1,
  '||': 4, '&&': 5, '|': 6, '^': 7, '&': 8,
  '==': 9, '!=': 9,
  '<': 10, '<=': 10, '>': 10, '>=': 10,
  '<<': 11, '>>': 11,
  '+': 12, '-': 12,
  '*': 13, '/': 13, '%': 13,
  '**': 14,
};
const ASSIGN = ['=', '+=', '-=', '*=', '/=', '%=', '<<=', '>>=', '&=', '^=', '|='];
const OPS = [
  '<<=', '>>=', '**', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+=', '-=', '*=', '/=', '%=',
  '&=', '^=', '|=', '+', '-', '*', '/', '%', '<', '>', '=', '!', '~', '&', '^', '|', '?', ':', ',', '(', ')',
];

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  peekOp(): string | null {
    this.ws();
    for (const o of OPS) if (this.s.startsWith(o, this.i)) return o;
    return null;
  }

  fail(msg = 'syntax error: operand expected'): never {
    const rest = this.s.slice(this.i).trim();
    throw new ArithError(`${msg} (error token is "${rest}")`, this.s.trim());
  }

  parse(): Node {
    this.ws();
    if (this.i >= this.s.length) return { t: 'num', v: 0n };
    const n = this.expr(0);
    this.ws();
    if (this.i < this.s.length) this.fail('syntax error in expression');
    return n;
  }

  expr(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.peekOp();
      if (!op) return left;
      if (ASSIGN.includes(op)) {
        if (minPrec > 2) return left;
        if (left.t !== 'var') this.fail('attempted assignment to non-variable');
        this.i += op.length;
        const right = this.expr(2);
        left = { t: 'assign', op, x: left, y: right };
        continue;
      }
      if (op === '?') {
        if (minPrec > 3) return left;
        this.i++;
        const a = this.expr(1);
        if (this.peekOp() !== ':') this.fail('syntax error: `:\' expected for conditional expression');
        this.i++;
        const b = this.expr(3);
        left = { t: 'tern', c: left, a, b };
        continue;
      }
      const prec = BIN_PREC[op];
      if (prec === undefined || prec < minPrec) return left;
      this.i += op.length;
      const right = op === '**' ? this.expr(prec) : this.expr(prec + 1);
      left = { t: 'bin', op, x: left, y: right };
    }
  }

  unary(): Node {
    const op = this.peekOp();
    if (op === '++' || op === '--') {
      this.i += 2;
      const x = this.unary();
      if (x.t !== 'var') this.fail();
      return { t: 'pre', op, x };
    }
    if (op === '+' || op === '-' || op === '!' || op === '~') {
      this.i++;
      return { t: 'un', op, x: this.unary() };
    }
    return this.postfix();
  }

  postfix(): Node {
    const x = this.primary();
    const op = this.peekOp();
    if ((op === '++' || op === '--') && x.t === 'var') {
      this.i += 2;
      return { t: 'post', op, x };
    }
    return x;
  }

  primary(): Node {
    this.ws();
    const s = this.s;
    if (s[this.i] === '(') {
      this.i++;
      const n = this.expr(0);
      if (this.peekOp() !== ')') this.fail('syntax error: missing `)\'');
      this.i++;
      return n;
    }
    const rest = s.slice(this.i);
    let m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[#?$!@*])\}?/.exec(rest);
    if (m && rest.startsWith('${') && !m[0].endsWith('}')) m = null;
    if (m) {
      this.i += m[0].length;
      return { t: 'var', name: m[1]!, index: null, raw: null };
    }
    m = /^[0-9][0-9A-Za-z_@#]*/.exec(rest);
    if (m) {
      this.i += m[0].length;
      return { t: 'num', v: parseNumber(m[0], this) };
    }
    m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (m) {
      this.i += m[0].length;
      let index: Node | null = null;
      let raw: string | null = null;
      if (s[this.i] === '[') {
        let depth = 0;
        let j = this.i;
        for (; j < s.length; j++) {
          if (s[j] === '[') depth++;
          else if (s[j] === ']' && --depth === 0) break;
        }
        raw = s.slice(this.i + 1, j);
        index = new Parser(raw).parse();
        this.i = j + 1;
      }
      return { t: 'var', name: m[0], index, raw };
    }
    this.fail();
  }
}

function parseNumber(text: string, p: Parser): bigint {
  let base = 10;
  let digits = text;
  const hash = text.indexOf('#');
  if (hash > 0) {
    base = Number(text.slice(0, hash));
    digits = text.slice(hash + 1);
    if (base < 2 || base > 64) p.fail('invalid arithmetic base');
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
    if (d >= base) throw new ArithError(`value too great for base (error token is "${text}")`, text);
    v = v * BigInt(base) + BigInt(d);
  }
  return BigInt.asIntN(64, v);
}

const wrap = (v: bigint) => BigInt.asIntN(64, v);

class Evaluator {
  depth = 0;
  constructor(readonly env: ArithEnv, readonly text: string) {}

  idx(n: { index: Node | null }): string | undefined {
    return n.index ? String(this.eval(n.index)) : undefined;
  }

  read(n: Extract<Node, { t: 'var' }>): bigint {
    let raw: string | undefined;
    if (n.index) {
      const v = this.env.getValue?.(n.name);
      const key = v instanceof Map ? (n.raw ?? '') : String(this.eval(n.index));
      if (v instanceof Map) raw = v.get(key);
      else if (Array.isArray(v)) {
        const i = Number(key);
        raw = v[i < 0 ? v.length + i : i] as string | undefined;
      } else if (key === '0') raw = typeof v === 'string' ? v : this.env.getVar(n.name);
    } else raw = this.env.getVar(n.name);
    if (raw === undefined || raw === '') {
      if (raw === undefined && this.env.opts?.nounset) throw new ArithError(`${n.name}: unbound variable`, '');
      return 0n;
    }
    if (/^-?[0-9]+$/.test(raw.trim())) return wrap(BigInt(raw.trim()));
    if (++this.depth > 1024) throw new ArithError('expression recursion level exceeded', raw);
    try {
      return evalArith(this.env, raw, this.depth);
    } finally {
      this.depth--;
    }
  }

  write(n: Extract<Node, { t: 'var' }>, v: bigint): void {
    this.env.setVar(n.name, String(v), n.index ? { index: n.raw ?? String(this.eval(n.index)) } : {});
  }

  eval(n: Node): bigint {
    switch (n.t) {
      case 'num': return n.v;
      case 'var': return this.read(n);
      case 'un': {
        const x = this.eval(n.x);
        switch (n.op) {
          case '-': return wrap(-x);
          case '+': return x;
          case '!': return x === 0n ? 1n : 0n;
          default: return wrap(~x);
        }
      }
      case 'pre': {
        const x = n.x as Extract<Node, { t: 'var' }>;
        const v = wrap(this.read(x) + (n.op === '++' ? 1n : -1n));
        this.write(x, v);
        return v;
      }
      case 'post': {
        const x = n.x as Extract<Node, { t: 'var' }>;
        const old = this.read(x);
        this.write(x, wrap(old + (n.op === '++' ? 1n : -1n)));
        return old;
      }
      case 'tern':
        return this.eval(n.c) !== 0n ? this.eval(n.a) : this.eval(n.b);
      case 'assign': {
        const x = n.x as Extract<Node, { t: 'var' }>;
        let v = this.eval(n.y);
        if (n.op !== '=') v = this.binop(n.op.slice(0, -1), this.read(x), v);
        this.write(x, v);
        return v;
      }
      case 'bin': {
        if (n.op === '&&') return this.eval(n.x) !== 0n && this.eval(n.y) !== 0n ? 1n : 0n;
        if (n.op === '||') return this.eval(n.x) !== 0n || this.eval(n.y) !== 0n ? 1n : 0n;
        if (n.op === ',') {
          this.eval(n.x);
          return this.eval(n.y);
        }
        return this.binop(n.op, this.eval(n.x), this.eval(n.y));
      }
    }
  }

  binop(op: string, a: bigint, b: bigint): bigint {
    switch (op) {
      case '+': return wrap(a + b);
      case '-': return wrap(a - b);
      case '*': return wrap(a * b);
      case '/':
      case '%':
        if (b === 0n) throw new ArithError('division by 0 (error token is "' + this.lastToken() + '")', this.text.trim());
        return wrap(op === '/' ? a / b : a % b);
      case '**':
        if (b < 0n) throw new ArithError('exponent less than 0 (error token is "' + this.lastToken() + '")', this.text.trim());
        return wrap(a ** b);
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
    throw new ArithError(`unknown operator ${op}`, this.text);
  }

  lastToken(): string {
    const m = /[^\s/%*]+\s*$/.exec(this.text);
    return m ? m[0].trim() : '';
  }
}

/** Evaluate arithmetic text. Throws ArithError on syntax errors and division by zero. */
export function evalArith(env: ArithEnv, text: string, depth = 0): bigint {
  const ast = new Parser(text).parse();
  const ev = new Evaluator(env, text);
  ev.depth = depth;
  return ev.eval(ast);
}
