/**
 * `case $x in a|b) …;; *) …;; esac` → `switch (await sh.case(param("x"), ["a", "b"], [glob("*")]))`
 * with one `case <index>:` per item (`sh.case` returns the matching item's index, -1 for none).
 * With a fall-through terminator (`;&`, `;;&`) anywhere, the items become closures run by
 * `sh.cases(subject, [patterns, op, body], …)`, which applies bash's terminator rules.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { bodyFn, headerAt, q, shCall, type Code } from './common.js';
import { call } from '../ir/nodes.js';
import { stmts } from './index.js';
import { word } from './word/index.js';

export function caseClause(n: A.CaseClause, s: A.Stmt, ctx: Context): Code {
  const pats = n.items.map((i) => `[${i.patterns.map((p) => word(p, ctx, 'pattern')).join(', ')}]`);
  const subject = word(n.word, ctx, 'str');
  const mark = headerAt(s, `case ${n.word.src} in`, ctx);
  if (n.items.some((i) => i.op !== ';;')) {
    const items = n.items.map((it, i) => ({ k: 'array' as const, items: [pats[i]!, q(it.op), bodyFn(stmts(it.stmts, ctx))] }));
    return shCall(mark, 'cases', [subject, ...items], true);
  }
  const cases = n.items.map((it) => stmts(it.stmts, ctx));
  return { k: 'switch', line: s.pos.line, on: call(mark, 'case', [subject, ...pats]), cases };
}
