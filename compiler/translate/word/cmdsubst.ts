/** `$(…)` and backquotes → `cmdsub((sh) => …)`: the body runs in a subshell copy, stdout captured. */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { bodyFn } from '../common.js';
import { stmts } from '../index.js';

export function cmdSubst(p: A.CmdSubst, ctx: Context): string {
  return `${ctx.use('cmdsub')}(${bodyFn(stmts(p.stmts, ctx))})`;
}
