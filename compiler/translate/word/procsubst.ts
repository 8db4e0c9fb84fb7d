/**
 * `<(…)` / `>(…)` → `procsub("<", async (sh) => …)`: the body runs as a process of its own,
 * concurrently; the word becomes the `/dev/fd/N` path of its pipe (runtime/shell/procsub.ts).
 */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { bodyFn, q } from '../common.js';
import { printExpr } from '../../ir/print.js';
import { stmts } from '../index.js';

export function procSubst(p: A.ProcSubst, ctx: Context): string {
  return `${ctx.use('procsub')}(${q(p.op.slice(0, 1))}, ${printExpr(bodyFn(stmts(p.stmts, ctx)))})`;
}
