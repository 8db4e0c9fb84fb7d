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
  const target = rd.op === '<<' || rd.op === '<<-' ? heredocBody(rd, ctx) : word(rd.word, ctx, 'str');
  return `${ctx.use('r')}(${q(op)}, ${target})`;
}

export function redirects(rs: readonly A.Redirect[], ctx: Context): string[] {
  return rs.map((r) => redirect(r, ctx));
}
