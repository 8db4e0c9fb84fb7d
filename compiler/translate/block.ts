/** `{ …; }` → the statements in a TS block; with redirects → `sh.group(async (sh) => {…}, r(...))`. */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, shCall, type Code } from './common.js';
import { stmts } from './index.js';
import { redirects } from './redirect.js';

export function block(n: A.Block, s: A.Stmt, ctx: Context): Code {
  if (s.redirs.length) return shCall(at(s), 'group', [bodyFn(stmts(n.stmts, ctx)), ...redirects(s.redirs, ctx)]);
  return { k: 'block', line: s.pos.line, body: stmts(n.stmts, ctx) };
}
