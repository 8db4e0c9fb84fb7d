/**
 * `$(…)` and backquotes → `cmdsub((sh) => …)`: the body runs in a subshell copy, stdout captured.
 * `$(< file)` (only an input redirect) reads the file: `cmdsub((sh) => sh.at(1).catIn(r("<", …)))`.
 */
import type * as A from '../../ast.js';
import type { Context } from '../../context.js';
import { at, bodyFn } from '../common.js';
import { call, exprStmt, fn } from '../../ir/nodes.js';
import { printExpr } from '../../ir/print.js';
import { stmts } from '../index.js';
import { redirect } from '../redirect.js';

function readsFile(p: A.CmdSubst): A.Stmt | null {
  if (p.stmts.length !== 1) return null;
  const s = p.stmts[0]!;
  const c = s.cmd;
  if (s.negated || s.background || s.redirs.length !== 1 || s.redirs[0]!.op !== '<' || s.redirs[0]!.n !== null) return null;
  if (c !== null && !(c.kind === 'CallExpr' && c.args.length === 0 && c.assigns.length === 0)) return null;
  return s;
}

export function cmdSubst(p: A.CmdSubst, ctx: Context): string {
  const f = readsFile(p);
  if (f) return `${ctx.use('cmdsub')}(${printExpr(fn([exprStmt(call(at(f), 'catIn', [redirect(f.redirs[0]!, ctx)]), f.pos.line)]))})`;
  return `${ctx.use('cmdsub')}(${printExpr(bodyFn(stmts(p.stmts, ctx)))})`;
}
