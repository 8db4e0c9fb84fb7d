/** `( … )` → `sh.subshell(async (sh) => {…})`: the body runs against a copy of the shell. */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, shCall, type Code } from './common.js';
import { stmts } from './index.js';
import { redirects } from './redirect.js';

export function subshell(n: A.Subshell, s: A.Stmt, ctx: Context): Code {
  return shCall(at(s), 'subshell', [bodyFn(stmts(n.stmts, ctx)), ...redirects(s.redirs, ctx)]);
}
