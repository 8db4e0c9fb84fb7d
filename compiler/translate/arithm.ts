/** `(( expr ))` → `sh.arith("expr")`; `let a=1 b++` → `sh.cmd(["let", "a=1", "b++"])`. */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, shCall, type Code } from './common.js';
import { at as atNode, call, exprStmt } from '../ir/nodes.js';
import { arithText, arithWord } from './word/arith.js';
import { redirects } from './redirect.js';

export function arithmCmd(n: A.ArithmCmd, s: A.Stmt, ctx: Context): Code {
  const text = arithText(n.expr, n.src.slice(2, -2), ctx).join(', ');
  if (s.redirs.length) return shCall(at(s), 'group', [bodyFn([exprStmt(call('sh', 'arith', [text]), 0)]), ...redirects(s.redirs, ctx)]);
  // $BASH_COMMAND is the command as written; the runtime rebuilds it from literal text itself
  const mark = /[$`]/.test(n.src) ? atNode(s.pos.line, n.src) : at(s);
  return shCall(mark, 'arith', [text]);
}

export function letClause(n: A.LetClause, s: A.Stmt, ctx: Context): Code {
  const words = ['"let"', ...n.exprs.map((e) => arithWord(e, ctx))];
  return shCall(at(s), 'cmd', [`[${words.join(', ')}]`, ...redirects(s.redirs, ctx)]);
}
