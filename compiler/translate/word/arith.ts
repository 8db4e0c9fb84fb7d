/**
 * Arithmetic text: `$(( … ))` → `arith("i + 1")`. The expression is kept as its bash source;
 * leaves with expansions (`$x`, `$(…)`) become word parts spliced into that text, which the
 * runtime expands (as in "…") before evaluating, exactly as bash does.
 */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { offsetIn, q } from '../common.js';
import { parts } from './index.js';
import { mergeStrings } from './quoted.js';

function leaves(e: A.ArithExpr, out: A.Word[]): void {
  switch (e.kind) {
    case 'Word':
      if (e.parts.some((p) => p.kind !== 'Lit')) out.push(e);
      return;
    case 'BinaryArithm':
      leaves(e.x, out);
      leaves(e.y, out);
      return;
    case 'UnaryArithm':
    case 'ParenArithm':
      leaves(e.x, out);
      return;
    case 'TernaryArithm':
      leaves(e.cond, out);
      leaves(e.then, out);
      leaves(e.else, out);
      return;
  }
}

/** The argument list (TS part expressions) for an arithmetic expression. */
export function arithArgs(e: A.ArithExpr, ctx: Context): string[] {
  const ls: A.Word[] = [];
  leaves(e, ls);
  const out: string[] = [];
  let off = 0;
  for (const l of ls) {
    const a = offsetIn(e, l.pos);
    const b = offsetIn(e, l.end);
    if (a > off) out.push(q(e.src.slice(off, a)));
    out.push(...parts(l.parts, ctx, 'str', true));
    off = b;
  }
  if (off < e.src.length) out.push(q(e.src.slice(off)));
  const m = mergeStrings(out);
  return m.length ? m : ['"0"'];
}

/** An arithmetic expression as one TS word (`"i+1"` or `w("", param("x"), "+1")`). */
export function arithWord(e: A.ArithExpr, ctx: Context): string {
  const a = arithArgs(e, ctx);
  return a.length === 1 ? a[0]! : `${ctx.use('w')}(${a.join(', ')})`;
}

export function arithmExp(p: A.ArithmExp, ctx: Context): string {
  return `${ctx.use('arith')}(${arithArgs(p.expr, ctx).join(', ')})`;
}
