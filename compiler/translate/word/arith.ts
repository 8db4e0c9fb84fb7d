/**
 * Arithmetic text: `$(( … ))` → `arith("i + 1")`. The expression is kept as its bash source;
 * leaves with expansions (`$x`, `$(…)`) become word parts spliced into that text, which the
 * runtime expands (as in "…") before evaluating, exactly as bash does. A variable reference
 * without `$` (`c[$w]++`, an lvalue) stays text: only its subscript's expansions are spliced.
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

/** A leaf word's parts as TS parts (variable references without `$` kept as text). */
function leafParts(l: A.Word, ctx: Context): string[] {
  const out: string[] = [];
  for (const p of l.parts) {
    if (p.kind === 'ParamExp' && !p.src.startsWith('$')) {
      out.push(q(p.param));
      if (p.index) out.push(q('['), ...arithArgs(p.index, ctx, true), q(']'));
    } else out.push(...parts([p], ctx, 'str', true));
  }
  return out;
}

/** The argument list (TS part expressions) for an arithmetic expression. */
export function arithArgs(e: A.ArithExpr, ctx: Context, allowEmpty = false): string[] {
  const ls: A.Word[] = [];
  leaves(e, ls);
  const out: string[] = [];
  let off = 0;
  for (const l of ls) {
    const a = offsetIn(e, l.pos);
    const b = offsetIn(e, l.end);
    if (a > off) out.push(q(e.src.slice(off, a)));
    out.push(...leafParts(l, ctx));
    off = b;
  }
  if (off < e.src.length) out.push(q(e.src.slice(off)));
  const m = mergeStrings(out);
  return m.length || allowEmpty ? m : ['"0"'];
}

/** An arithmetic expression as one TS word (`"i+1"` or `w("", param("x"), "+1")`). */
export function arithWord(e: A.ArithExpr, ctx: Context): string {
  const a = arithArgs(e, ctx);
  return a.length === 1 ? a[0]! : `${ctx.use('w')}(${a.join(', ')})`;
}

/** A subscript: literal text (a string) or the TS parts of a word that needs expansion. */
export function subscript(e: A.ArithExpr, ctx: Context): { text: string } | { parts: string[] } {
  // plain text: its backslashes are quote removal (`m[\$k]` is the key `$k`, `a[\$i]` the text `$i`)
  const a = e.kind === 'Word' && e.parts.every((p) => p.kind === 'Lit') && e.src.includes('\\')
    ? [q(e.src.replace(/\\(\n|.)/gs, (_m, c: string) => (c === '\n' ? '' : c)))]
    : arithArgs(e, ctx, true);
  if (a.length === 0) return { text: '' };
  // text with `$` or a backquote (from quoted or escaped characters) must not be expanded again
  // where the runtime reads a subscript given as text (`A[$k]` names): it goes as a word part
  if (a.length === 1 && a[0]!.startsWith('"') && !/[$`]/.test(JSON.parse(a[0]!) as string)) return { text: JSON.parse(a[0]!) as string };
  return { parts: a };
}

/**
 * The parts of `(( … ))` / `$(( … ))` text between the delimiters, spaces included (bash's
 * error messages quote the expression as written).
 */
export function arithText(e: A.ArithExpr, inner: string, ctx: Context): string[] {
  const a = arithArgs(e, ctx, true);
  const k = inner.indexOf(e.src);
  if (k < 0 || e.src === '') return a.length ? a : [q(inner || '0')];
  return mergeStrings([q(inner.slice(0, k)), ...a, q(inner.slice(k + e.src.length))].filter((x) => x !== '""'));
}

export function arithmExp(p: A.ArithmExp, ctx: Context): string {
  const inner = p.bracket ? p.src.slice(2, -1) : p.src.slice(3, -2);
  return `${ctx.use('arith')}(${arithText(p.expr, inner, ctx).join(', ')})`;
}
