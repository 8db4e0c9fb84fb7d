/**
 * `$x` / `${…}` → `param(...)`, `len(...)`, `slice(...)`, `repl(...)`, `keys(...)`, `indirect(...)`.
 * A subscript that needs expansion becomes `sub(name, ...parts)`. The word of `${x:-word}` (and
 * `-`, `+`, `=`, `?` forms) keeps its own quoting: inside "…" single quotes are literal, outside
 * its unquoted text is split and globbed like an expansion result (`glob(…)` parts) while its
 * quoted parts are not.
 */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { NeedIsland, q } from '../common.js';
import { parts } from './index.js';
import { subscript } from './arith.js';
import { unescapeDq } from './lit.js';
import { dblQuoted } from './quoted.js';

const PATTERN_OPS = new Set(['#', '##', '%', '%%', '^', '^^', ',', ',,', '~', '~~']);
const WORD_OPS = new Set([':-', '-', ':=', '=', ':?', '?', ':+', '+']);

/** The parameter reference: `"x"`, `"A[@]"`, `"A[0]"`, or `sub("A", …)`. */
function ref(p: A.ParamExp, ctx: Context): string {
  if (!p.index) return q(p.param);
  const ix = p.index;
  if (ix.kind === 'Word' && (ix.src === '@' || ix.src === '*')) return q(`${p.param}[${ix.src}]`);
  if (ix.kind === 'Word' && ix.parts.some((x) => x.kind === 'ProcSubst')) throw new NeedIsland('process substitution in an array index', p);
  const s = subscript(ix, ctx);
  if ('text' in s) return q(`${p.param}[${s.text}]`);
  return `${ctx.use('sub')}(${[q(p.param), ...s.parts].join(', ')})`;
}

/** Unquoted text of a default word: escaped characters are quoted, the rest splits and globs. */
function splitLit(v: string, first: boolean, ctx: Context): string[] {
  const out: string[] = [];
  if (first && v.startsWith('~')) {
    const m = /^~([A-Za-z0-9_.+-]*)(?=\/|$)/.exec(v);
    if (m) {
      out.push(`${ctx.use('tilde')}(${m[1] ? q(m[1]) : ''})`);
      v = v.slice(m[0].length);
    }
  }
  let run = '';
  const flush = () => {
    if (run) out.push(`${ctx.use('glob')}(${q(run)})`);
    run = '';
  };
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c === '\\' && i + 1 < v.length) {
      flush();
      if (v[i + 1] !== '\n') out.push(q(v[i + 1]!));
      i++;
    } else run += c;
  }
  flush();
  return out;
}

/** The word of `${x:-word}` etc. as TS parts, for its context (inside "…" or not). */
function wordArg(w: A.Word, ctx: Context, inDq: boolean): string[] {
  const out: string[] = [];
  w.parts.forEach((p, i) => {
    if (inDq) {
      if (p.kind === 'Lit') out.push(q(unescapeDq(p.value)));
      else if (p.kind === 'SglQuoted' && !p.dollar) out.push(q(`'${p.value}'`));
      else if (p.kind === 'DblQuoted') out.push(dblQuoted(p, ctx));
      else out.push(...parts([p], ctx, 'str', true));
    } else if (p.kind === 'Lit') out.push(...splitLit(p.value, i === 0, ctx));
    else if (p.kind === 'DblQuoted') {
      const d = dblQuoted(p, ctx);
      out.push(d.startsWith('"') ? `${ctx.use('dq')}(${d})` : d);
    } else out.push(...parts([p], ctx, 'str', false));
  });
  return out;
}

/** The replacement of `${x/p/r}`: unquoted text kept raw (`glob(…)`: `&` and `\` act there). */
function replArg(w: A.Word, ctx: Context): string[] {
  const out: string[] = [];
  for (const p of w.parts) {
    if (p.kind === 'Lit') out.push(`${ctx.use('glob')}(${q(p.value)})`);
    else if (p.kind === 'DblQuoted') {
      const d = dblQuoted(p, ctx);
      out.push(d.startsWith('"') ? `${ctx.use('dq')}(${d})` : d);
    } else out.push(...parts([p], ctx, 'str', true));
  }
  return out;
}

function oneWord(xs: string[], ctx: Context): string {
  return xs.length === 1 ? xs[0]! : xs.length === 0 ? '""' : `${ctx.use('w')}(${xs.join(', ')})`;
}

export function paramExp(p: A.ParamExp, ctx: Context, inDq = false): string {
  if (p.width) throw new NeedIsland('${%x}', p);
  const name = ref(p, ctx);
  if (p.excl) {
    if (p.names) return `${ctx.use('names')}(${q(p.param)}, ${q(p.names)})`;
    if (p.index && p.index.kind === 'Word' && (p.index.src === '@' || p.index.src === '*')) {
      return `${ctx.use('keys')}(${q(`${p.param}[${p.index.src}]`)})`;
    }
    if (p.length) throw new NeedIsland('${#!x}', p);
    if (p.slice || p.repl || p.exp) return `${ctx.use('indirect')}(${paramExp({ ...p, excl: false }, ctx, inDq)})`;
    return `${ctx.use('indirect')}(${name})`;
  }
  if (p.length) return `${ctx.use('len')}(${name})`;
  if (p.slice) {
    const off = oneWord(subscriptParts(p.slice.offset, ctx), ctx);
    const len = p.slice.length ? `, ${oneWord(subscriptParts(p.slice.length, ctx), ctx)}` : '';
    return `${ctx.use('slice')}(${name}, ${off}${len})`;
  }
  if (p.repl) {
    const mode = p.repl.anchor ? '/' + p.repl.anchor : p.repl.all ? '//' : '/';
    const patW = oneWord(parts(p.repl.orig.parts, ctx, 'pattern'), ctx);
    const rep = p.repl.with ? `, ${oneWord(replArg(p.repl.with, ctx), ctx)}` : '';
    return `${ctx.use('repl')}(${name}, ${q(mode)}, ${patW}${rep})`;
  }
  if (p.exp) {
    let arg: string[] = [];
    if (p.exp.word) {
      if (WORD_OPS.has(p.exp.op)) arg = wordArg(p.exp.word, ctx, inDq);
      else arg = parts(p.exp.word.parts, ctx, PATTERN_OPS.has(p.exp.op) ? 'pattern' : 'str');
    }
    return `${ctx.use('param')}(${[name, q(p.exp.op), ...arg].join(', ')})`;
  }
  return `${ctx.use('param')}(${name})`;
}

function subscriptParts(e: A.ArithExpr, ctx: Context): string[] {
  const s = subscript(e, ctx);
  return 'text' in s ? [q(s.text || '0')] : s.parts;
}
