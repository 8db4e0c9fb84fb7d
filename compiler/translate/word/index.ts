/**
 * Words → the runtime's word constructors (runtime/shell/words.ts): one dispatch over part kinds,
 * plus brace expansion at compile time (word/brace.ts) in argument words.
 */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { NeedIsland, q } from '../common.js';
import { assignLit, unquotedLit, type WordMode } from './lit.js';
import { sglQuoted, dblQuoted, mergeStrings } from './quoted.js';
import { paramExp } from './param.js';
import { cmdSubst } from './cmdsubst.js';
import { procSubst } from './procsubst.js';
import { arithmExp } from './arith.js';
import { braceExpand } from './brace.js';

export type { WordMode } from './lit.js';

/** Translate word parts (in `mode`) to TS part expressions. */
export function parts(ps: readonly A.WordPart[], ctx: Context, mode: WordMode, inDq = false): string[] {
  const out: string[] = [];
  ps.forEach((p, i) => {
    switch (p.kind) {
      case 'Lit':
        out.push(...unquotedLit(p.value, mode, i === 0 && !inDq, ctx.use, ps.length === 1 && !inDq));
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
        // only where bash does not brace-expand (argWords expands the others): literal text
        out.push(...unquotedLit(p.src, mode, i === 0 && !inDq, ctx.use));
        break;
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

/** An assignment value (`X=…`): tilde expansion also after each `:`. */
export function assignWord(wd: A.Word, ctx: Context): string {
  const out: string[] = [];
  wd.parts.forEach((p, i) => {
    if (p.kind === 'Lit') out.push(...assignLit(p.value, i === 0, ctx.use));
    else out.push(...parts([p], ctx, 'str'));
  });
  return join(mergeStrings(out), ctx);
}

/** One word as one TS word expression (no brace expansion). */
export function word(wd: A.Word, ctx: Context, mode: WordMode = 'str'): string {
  return join(parts(wd.parts, ctx, mode), ctx);
}

/** An argument word: may brace-expand into several TS words. */
export function argWords(wd: A.Word, ctx: Context): string[] {
  // an argument that looks like an assignment (`a=~/x`) gets an assignment's tilde expansion
  const first = wd.parts[0];
  const m = first?.kind === 'Lit' ? /^[A-Za-z_][A-Za-z0-9_]*=/.exec(first.value) : null;
  if (m && first!.kind === 'Lit' && /(^|:)~/.test(first.value.slice(m[0].length)) && !/[*?[\]{]/.test(first.value)) {
    const lit = assignLit(first.value.slice(m[0].length), true, ctx.use);
    return [join(mergeStrings([q(m[0]), ...lit, ...parts(wd.parts.slice(1), ctx, 'arg')]), ctx)];
  }
  const ws = braceExpand(wd.parts);
  // an expansion that left no text at all (`{,x}`) is no word, as in bash
  return ws.filter((ps, _i) => ws.length === 1 || ps.length > 0).map((ps) => join(parts(ps, ctx, 'arg'), ctx));
}
