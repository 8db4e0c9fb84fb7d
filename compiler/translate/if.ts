/**
 * `if c; then …; elif c2; then …; else …; fi` → a native TS `if` chain over `sh.cond(...)`;
 * without `else`, `else sh.ok()` gives the `if` status 0 as bash does.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, indent, type Code } from './common.js';
import { stmts, stmtsText } from './index.js';

export function ifClause(n: A.IfClause, s: A.Stmt, ctx: Context): Code {
  const cond = (c: A.Stmt[], node: { pos: A.Pos }) => `await ${at(node)}.cond(${bodyFn(stmts(c, ctx))})`;
  let out = `if (${cond(n.cond, s)}) {\n${indent(stmtsText(n.then, ctx))}\n}`;
  for (const e of n.elifs) {
    out += ` else if (${cond(e.cond, e.cond[0] ?? e)}) {\n${indent(stmtsText(e.then, ctx))}\n}`;
  }
  if (n.else) out += ` else {\n${indent(stmtsText(n.else, ctx))}\n}`;
  else out += ' else sh.ok();';
  return { stmt: out };
}
