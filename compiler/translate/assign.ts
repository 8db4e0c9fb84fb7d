/**
 * Assignments: `X=1 Y=$(cmd)` → `sh.assign({ X: "1", Y: cmdsub(...) })`; keys carry the bash
 * forms `A[i]` and `X+` (for `X+=`); array values become `arr(...)`.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { NeedIsland, q } from './common.js';
import { argWords, word } from './word/index.js';

export function assignKey(a: A.Assign): string {
  let k = a.name;
  if (a.index) {
    if (a.index.kind === 'Word' && a.index.parts.some((p) => p.kind === 'CmdSubst')) {
      throw new NeedIsland('command substitution in an array index', a);
    }
    k += `[${a.index.src}]`;
  }
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
  if (!a.value) return '""';
  return word(a.value, ctx, 'str');
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
