/**
 * Words → the runtime's word constructors (runtime/shell/words.ts): one dispatch over part kinds,
 * plus brace expansion of literal braces at compile time (`{a,b}`, `{1..3}`) in argument words.
 */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { NeedIsland, q } from '../common.js';
import { unquotedLit, type WordMode } from './lit.js';
import { sglQuoted, dblQuoted, mergeStrings } from './quoted.js';
import { paramExp } from './param.js';
import { cmdSubst } from './cmdsubst.js';
import { procSubst } from './procsubst.js';
import { arithmExp } from './arith.js';

export type { WordMode } from './lit.js';

/** Translate word parts (in `mode`) to TS part expressions. */
export function parts(ps: readonly A.WordPart[], ctx: Context, mode: WordMode, inDq = false): string[] {
  const out: string[] = [];
  ps.forEach((p, i) => {
    switch (p.kind) {
      case 'Lit':
        out.push(...unquotedLit(p.value, mode, i === 0 && !inDq, ctx.use));
        break;
      case 'SglQuoted':
        out.push(sglQuoted(p));
        break;
      case 'DblQuoted':
        out.push(dblQuoted(p, ctx));
        break;
      case 'ParamExp':
        out.push(paramExp(p, ctx, inDq));
        break;
      case 'CmdSubst':
        out.push(cmdSubst(p, ctx));
        break;
      case 'ArithmExp':
        out.push(arithmExp(p, ctx));
        break;
      case 'ExtGlob':
        out.push(`${ctx.use('glob')}(${q(p.op + p.pattern + ')')})`);
        break;
      case 'ProcSubst':
        out.push(procSubst(p, ctx));
        break;
      case 'BraceExp':
        throw new NeedIsland('brace expansion here', p);
      default: {
        const never: never = p;
        throw new NeedIsland(`word part ${(never as { kind: string }).kind}`);
      }
    }
  });
  return mergeStrings(out);
}

function join(xs: string[], ctx: Context): string {
  if (xs.length === 0) return '""';
  if (xs.length === 1) return xs[0]!;
  return `${ctx.use('w')}(${xs.join(', ')})`;
}

/** One word as one TS word expression (no brace expansion). */
export function word(wd: A.Word, ctx: Context, mode: WordMode = 'str'): string {
  return join(parts(wd.parts, ctx, mode), ctx);
}

/** Brace-expand a word's parts at compile time (literal braces only). */
function braceExpand(ps: readonly A.WordPart[]): A.WordPart[][] {
  const i = ps.findIndex((p) => p.kind === 'BraceExp');
  if (i < 0) return [ps.slice()];
  const b = ps[i] as A.BraceExp;
  const before = ps.slice(0, i);
  const after = braceExpand(ps.slice(i + 1));
  let alts: A.WordPart[][];
  if (b.sequence) {
    const lits = b.elems.map((e) => (e.parts.length === 1 && e.parts[0]!.kind === 'Lit' ? e.parts[0].value : null));
    if (lits.some((x) => x === null)) throw new NeedIsland('brace sequence with expansions', b);
    const [from, to, stepS] = lits as string[];
    const step = Math.abs(Number(stepS ?? 1)) || 1;
    const seq: string[] = [];
    if (/^-?\d+$/.test(from!) && /^-?\d+$/.test(to!)) {
      const a = Number(from), z = Number(to);
      const width = /^-?0\d/.test(from!) || /^-?0\d/.test(to!) ? Math.max(from!.length, to!.length) : 0;
      for (let n = a; a <= z ? n <= z : n >= z; n += a <= z ? step : -step) {
        seq.push(width ? String(n).padStart(width, '0') : String(n));
      }
    } else if (from!.length === 1 && to!.length === 1) {
      const a = from!.charCodeAt(0), z = to!.charCodeAt(0);
      for (let n = a; a <= z ? n <= z : n >= z; n += a <= z ? step : -step) seq.push(String.fromCharCode(n));
    } else throw new NeedIsland('brace sequence', b);
    alts = seq.map((s) => [{ ...b, kind: 'SglQuoted', value: s, dollar: false } as A.SglQuoted]);
  } else {
    alts = b.elems.flatMap((e) => braceExpand(e.parts));
  }
  const out: A.WordPart[][] = [];
  for (const a of alts) for (const z of after) out.push([...before, ...a, ...z]);
  return out;
}

/** An argument word: may brace-expand into several TS words. */
export function argWords(wd: A.Word, ctx: Context): string[] {
  return braceExpand(wd.parts).map((ps) => join(parts(ps, ctx, 'arg'), ctx));
}
