/** Quoted words: `'…'`, `$'…'` (ANSI-C escapes decoded at compile time) and `"…"` / `$"…"`. */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { q } from '../common.js';
import { unescapeDq } from './lit.js';
import { parts as wordParts } from './index.js';

/** Decode the escapes of `$'…'` as bash does. */
export function ansiC(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i]!;
    if (c !== '\\' || i + 1 >= v.length) { out += c; continue; }
    const d = v[++i]!;
    switch (d) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'e': case 'E': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case "'": out += "'"; break;
      case '"': out += '"'; break;
      case '?': out += '?'; break;
      case 'c': {
        const n = v[++i];
        if (n !== undefined) out += String.fromCharCode(n.toUpperCase().charCodeAt(0) ^ 0x40);
        break;
      }
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(v.slice(i + 1));
        if (!m) { out += '\\x'; break; }
        i += m[0].length;
        out += String.fromCharCode(parseInt(m[0], 16));
        break;
      }
      case 'u': case 'U': {
        const m = (d === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(v.slice(i + 1));
        if (!m) { out += '\\' + d; break; }
        i += m[0].length;
        out += String.fromCodePoint(parseInt(m[0], 16));
        break;
      }
      default:
        if (/[0-7]/.test(d)) {
          const m = /^[0-7]{1,3}/.exec(v.slice(i))!;
          i += m[0].length - 1;
          out += String.fromCharCode(parseInt(m[0], 8) & 0xff);
        } else out += '\\' + d;
    }
  }
  return out;
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
