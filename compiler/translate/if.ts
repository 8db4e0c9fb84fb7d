/**
 * `if c; then …; elif c2; then …; else …; fi` → a native TS `if` chain over `sh.cond(...)`;
 * without `else`, `else sh.ok()` gives the `if` status 0 as bash does.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, type Code } from './common.js';
import { call } from '../ir/nodes.js';
import { stmts } from './index.js';

export function ifClause(n: A.IfClause, s: A.Stmt, ctx: Context): Code {
  const cond = (c: A.Stmt[], node: { pos: A.Pos }) => call(at(node), 'cond', [bodyFn(stmts(c, ctx))]);
  const branches = [{ cond: cond(n.cond, s), body: stmts(n.then, ctx) }];
  for (const e of n.elifs) branches.push({ cond: cond(e.cond, e.cond[0] ?? e), body: stmts(e.then, ctx) });
  return { k: 'if', line: s.pos.line, branches, else: n.else ? stmts(n.else, ctx) : null };
}
