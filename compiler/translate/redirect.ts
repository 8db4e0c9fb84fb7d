/** Redirects → `r(op, word)`: `>&2` → `r(">&", "2")`, `2>/dev/null` → `r("2>", "/dev/null")`, heredocs. */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { q } from './common.js';
import { word } from './word/index.js';
import { parts } from './word/index.js';
import { mergeStrings } from './word/quoted.js';
import { unescapeDq } from './word/lit.js';

function heredocBody(rd: A.Redirect, ctx: Context): string {
  const h = rd.hdoc;
  if (!h) return '""';
  if (rd.hdocQuoted) return q(h.parts.map((p) => (p.kind === 'Lit' ? p.value : p.src)).join(''));
  const xs: string[] = [];
  for (const p of h.parts) {
    if (p.kind === 'Lit') xs.push(q(unescapeDq(p.value, true)));
    else xs.push(...parts([p], ctx, 'str', true));
  }
  const m = mergeStrings(xs);
  if (m.length === 1 && m[0]!.startsWith('"')) return m[0]!;
  return `${ctx.use('dq')}(${m.join(', ')})`;
}

export function redirect(rd: A.Redirect, ctx: Context): string {
  const op = (rd.n ?? '') + rd.op;
  if (rd.op === '<<' || rd.op === '<<-') return `${ctx.use('r')}(${q(op)}, ${heredocBody(rd, ctx)})`;
  if (rd.op === '<<<' || rd.word.parts.every((p) => p.kind === 'Lit' && !/[*?[\\]/.test(p.value) || p.kind === 'SglQuoted')) {
    return `${ctx.use('r')}(${q(op)}, ${word(rd.word, ctx, 'str')})`;
  }
  // a target that needs expansion is split and globbed, and must give one word
  const ws = parts(rd.word.parts, ctx, 'arg');
  const w = ws.length === 1 ? ws[0]! : ws.length === 0 ? '""' : `${ctx.use('w')}(${ws.join(', ')})`;
  return `${ctx.use('r')}(${q(op)}, ${w}, ${q(rd.word.src)})`;
}

export function redirects(rs: readonly A.Redirect[], ctx: Context): string[] {
  return rs.map((r) => redirect(r, ctx));
}
