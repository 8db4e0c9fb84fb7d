/** `for x in …; do …; done` → `sh.for("x", [...], async (sh) => {…})`; `for ((…))` → `sh.forArith(...)`. */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { NeedIsland, at, bodyFn, headerAt, q, shCall, type Code } from './common.js';
import { stmts } from './index.js';
import { redirects } from './redirect.js';
import { argWords } from './word/index.js';
import { arithWord } from './word/arith.js';

export function forClause(n: A.ForClause, s: A.Stmt, ctx: Context): Code {
  if (n.select) throw new NeedIsland('select', n);
  const body = bodyFn(stmts(n.body, ctx));
  const rs = redirects(s.redirs, ctx);
  if (n.loop.kind === 'WordIter') {
    const items = n.loop.items === null ? 'null' : `[${n.loop.items.flatMap((w) => argWords(w, ctx)).join(', ')}]`;
    const header = `for ${n.loop.name} in ${n.loop.items === null ? '"$@"' : n.loop.items.map((w) => w.src).join(' ')}`;
    return shCall(headerAt(s, header, ctx), 'for', [q(n.loop.name), items, body, ...rs]);
  }
  const l = n.loop;
  const part = (e: A.ArithExpr | null) => (e ? arithWord(e, ctx) : 'null');
  return shCall(at(s), 'forArith', [part(l.init), part(l.cond), part(l.post), body, ...rs]);
}
