/**
 * `[[ … ]]` → `sh.test([...])` with nested arrays mirroring the expression:
 * `[[ -f $f && $x == a* ]]` → `sh.test([["-f", param("f")], "&&", [param("x"), "==", glob("a*")]])`.
 * The right side of `==`/`!=` is a pattern and of `=~` a regex: its unquoted text stays active.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { cmdAt, q, shCall, type Code } from './common.js';
import { word } from './word/index.js';

export function condExpr(e: A.TestExpr, ctx: Context): string {
  switch (e.kind) {
    case 'Word':
      return `[${word(e, ctx, 'str')}]`;
    case 'ParenTest':
      return condExpr(e.x, ctx);
    case 'UnaryTest':
      if (e.op === '!') return `["!", ${condExpr(e.x, ctx)}]`;
      return `[${q(e.op)}, ${e.x.kind === 'Word' ? word(e.x, ctx, 'str') : condExpr(e.x, ctx)}]`;
    case 'BinaryTest': {
      if (e.op === '&&' || e.op === '||') return `[${condExpr(e.x, ctx)}, ${q(e.op)}, ${condExpr(e.y, ctx)}]`;
      const mode = e.op === '=~' ? 'regex' : e.op === '==' || e.op === '=' || e.op === '!=' ? 'pattern' : 'str';
      const x = e.x.kind === 'Word' ? word(e.x, ctx, 'str') : condExpr(e.x, ctx);
      const y = e.y.kind === 'Word' ? word(e.y, ctx, mode) : condExpr(e.y, ctx);
      return `[${x}, ${q(e.op)}, ${y}]`;
    }
  }
}

export function testClause(n: A.TestClause, s: A.Stmt, ctx: Context): Code {
  return shCall(cmdAt(s), 'test', [condExpr(n.expr, ctx)]);
}
