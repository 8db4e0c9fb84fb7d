/** `{ …; }` → the statements in a TS block; with redirects → `sh.group(async (sh) => {…}, r(...))`. */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { args, at, bodyFn, indent, type Code } from './common.js';
import { stmts, stmtsText } from './index.js';
import { redirects } from './redirect.js';

export function block(n: A.Block, s: A.Stmt, ctx: Context): Code {
  if (s.redirs.length) {
    return { expr: `${at(s)}.group(${args(bodyFn(stmts(n.stmts, ctx)), ...redirects(s.redirs, ctx))})` };
  }
  return { stmt: `{\n${indent(stmtsText(n.stmts, ctx))}\n}` };
}
