/**
 * Assignments: `X=1 Y=$(cmd)` → `sh.assign({ X: "1", Y: cmdsub(...) })`; keys carry the bash
 * forms `A[i]` and `X+` (for `X+=`); array values become `arr(...)`.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { q } from './common.js';
import { arithWord } from './word/arith.js';
import { argWords, word } from './word/index.js';

/** An index whose text the runtime cannot read as is (anything beyond literals and `$x`). */
function dynamicIndex(a: A.Assign): boolean {
  if (!a.index) return false;
  return !/^([^$`]|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\})*$/.test(a.index.src);
}

export function assignKey(a: A.Assign): string {
  let k = a.name;
  if (a.index && !dynamicIndex(a)) k += `[${a.index.src}]`;
  if (a.append) k += '+';
  return k;
}

export function assignValue(a: A.Assign, ctx: Context): string {
  if (a.array) {
    const elems = a.array.map((e) => {
      if (e.index) {
        const v = e.value ? word(e.value, ctx, 'str') : '""';
        return `[${q(e.index.src)}, ${v}]`;
      }
      return e.value ? argWords(e.value, ctx).join(', ') : '""';
    });
    return `${ctx.use('arr')}(${elems.join(', ')})`;
  }
  if (a.naked) return 'null';
  const v = a.value ? word(a.value, ctx, 'str') : '""';
  if (a.index && dynamicIndex(a)) return `${ctx.use('elem')}(${arithWord(a.index, ctx)}, ${v})`;
  return v;
}

/** `{ X: ..., "A[0]": ... }` */
export function assignObject(as: readonly A.Assign[], ctx: Context): string {
  const props = as.map((a) => {
    const k = assignKey(a);
    const key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : q(k);
    return `${key}: ${assignValue(a, ctx)}`;
  });
  return `{ ${props.join(', ')} }`;
}
