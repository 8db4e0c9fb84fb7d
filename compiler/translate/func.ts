/**
 * `f() { …; }` → `sh.fn("f", async (sh) => {…})` (called by name through `sh.cmd(["f", …])`);
 * with `ctx.functionSources` the function's bash text follows, for islands that call it.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, q, shCall, type Code } from './common.js';
import { call, exprStmt, type Fn } from '../ir/nodes.js';
import { stmt, stmts } from './index.js';
import { redirects } from './redirect.js';

export function funcDecl(n: A.FuncDecl, s: A.Stmt, ctx: Context): Code {
  const b = n.body;
  let body: Fn;
  if (b.cmd?.kind === 'Block' && b.redirs.length === 0 && !b.negated) body = bodyFn(stmts(b.cmd.stmts, ctx));
  else if (b.cmd?.kind === 'Block') body = bodyFn([exprStmt(call('sh', 'group', [bodyFn(stmts(b.cmd.stmts, ctx)), ...redirects(b.redirs, ctx)]), 0)]);
  else body = bodyFn([stmt(b, ctx)]);
  // the function's text, for blocks that print functions (`declare -f`, `type f`) and for code
  // whose functions may be printed later (ctx.functionSources)
  const printed = ctx.functionSources || /\b(declare|typeset)\s+-\w*f|\btype\b|\bexport\s+-f/.test(ctx.source);
  return shCall(at(s), 'fn', [q(n.name), body, printed ? q(s.src) : null]);
}
