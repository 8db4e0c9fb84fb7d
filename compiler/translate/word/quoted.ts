/** Quoted words: `'…'`, `$'…'` (ANSI-C escapes decoded at compile time) and `"…"` / `$"…"`. */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { decodeEscapes } from '../../../runtime/lang/escapes.js';
import { q } from '../common.js';
import { unescapeDq } from './lit.js';
import { parts as wordParts } from './index.js';

/**
 * Decode the escapes of `$'…'` as bash does (runtime/lang/escapes.ts, ANSI-C dialect). Bash keeps
 * words as C strings: an escape that yields NUL ends that quoted part (`x$'a\0b'y` is `xay`).
 */
export function ansiC(v: string): string {
  const text = decodeEscapes(v, 'ansi-c').text;
  const nul = text.indexOf('\0');
  return nul < 0 ? text : text.slice(0, nul);
}

export function sglQuoted(p: A.SglQuoted): string {
  return q(p.dollar ? ansiC(p.value) : p.value);
}

/** `"…"`: a plain string when everything inside is literal, else `dq(...)`. */
export function dblQuoted(p: A.DblQuoted, ctx: Context, heredoc = false): string {
  const inner: string[] = [];
  for (const x of p.parts) {
    if (x.kind === 'Lit') inner.push(q(unescapeDq(x.value, heredoc)));
    else inner.push(...wordParts([x], ctx, 'str', true));
  }
  const merged = mergeStrings(inner);
  if (merged.length === 0) return '""';
  if (merged.length === 1 && merged[0]!.startsWith('"')) return merged[0]!;
  return `${ctx.use('dq')}(${merged.join(', ')})`;
}

/** Merge adjacent JS string literals in a part list. */
export function mergeStrings(xs: string[]): string[] {
  const out: string[] = [];
  for (const x of xs) {
    const prev = out[out.length - 1];
    const g = /^glob\(("(?:[^"\\]|\\.)*")\)$/;
    const gp = prev === undefined ? null : g.exec(prev);
    const gx = g.exec(x);
    if (prev !== undefined && prev.startsWith('"') && x.startsWith('"')) {
      out[out.length - 1] = q((JSON.parse(prev) as string) + (JSON.parse(x) as string));
    } else if (gp && gx) {
      out[out.length - 1] = `glob(${q((JSON.parse(gp[1]!) as string) + (JSON.parse(gx[1]!) as string))})`;
    } else out.push(x);
  }
  return out;
}
