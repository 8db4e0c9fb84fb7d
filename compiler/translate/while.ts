/** `while c; do …; done < f` → `sh.while((sh) => c, async (sh) => { … }, r("<", "f"))` (and `until`). */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, shCall, type Code } from './common.js';
import { stmts } from './index.js';
import { redirects } from './redirect.js';

export function whileClause(n: A.WhileClause, s: A.Stmt, ctx: Context): Code {
  const fn = n.until ? 'until' : 'while';
  const c = bodyFn(stmts(n.cond, ctx));
  const b = bodyFn(stmts(n.body, ctx));
  return shCall(at(s), fn, [c, b, ...redirects(s.redirs, ctx)]);
}
