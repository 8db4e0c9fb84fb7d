/**
 * Assignments: `X=1 Y=$(cmd)` → `sh.assign({ X: "1", Y: cmdsub(...) })`; keys carry the bash
 * forms `A[i]` and `X+` (for `X+=`); array values become `arr(...)`.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { q } from './common.js';
import { subscript } from './word/arith.js';
import { argWords, assignWord, word } from './word/index.js';

/** A subscript as a TS word: literal text, or parts the runtime expands (key or arithmetic). */
function indexWord(e: A.ArithExpr, ctx: Context): string {
  const s = subscript(e, ctx);
  if ('text' in s) return q(s.text);
  return s.parts.length === 1 ? s.parts[0]! : `${ctx.use('w')}(${s.parts.join(', ')})`;
}

/** An index that needs expansion at run time (anything but literal text). */
function dynamicIndex(a: A.Assign, ctx: Context): boolean {
  return !!a.index && !('text' in subscript(a.index, ctx));
}

export function assignKey(a: A.Assign, ctx: Context): string {
  let k = a.name;
  if (a.index && !dynamicIndex(a, ctx)) k += `[${(subscript(a.index, ctx) as { text: string }).text}]`;
  if (a.append) k += '+';
  return k;
}

export function assignValue(a: A.Assign, ctx: Context): string {
  if (a.array) {
    const elems = a.array.map((e) => {
      if (e.index) {
        const v = e.value ? word(e.value, ctx, 'str') : '""';
        return `[${indexWord(e.index, ctx)}, ${v}]`;
      }
      return e.value ? argWords(e.value, ctx).join(', ') : '""';
    });
    return `${ctx.use('arr')}(${elems.join(', ')})`;
  }
  if (a.naked) return 'null';
  const v = a.value ? assignWord(a.value, ctx) : '""';
  if (a.index && dynamicIndex(a, ctx)) return `${ctx.use('elem')}(${indexWord(a.index, ctx)}, ${v})`;
  return v;
}

/** `{ X: ..., "A[0]": ... }` */
export function assignObject(as: readonly A.Assign[], ctx: Context): string {
  const props = as.map((a) => {
    const k = assignKey(a, ctx);
    const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : q(k);
    return `${key}: ${assignValue(a, ctx)}`;
  });
  return `{ ${props.join(', ')} }`;
}
