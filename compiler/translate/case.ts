/**
 * `case $x in a|b) …;; *) …;; esac` → `switch (await sh.case(param("x"), ["a", "b"], [glob("*")]))`
 * with one `case <index>:` per item (`sh.case` returns the matching item's index, -1 for none).
 * With a fall-through terminator (`;&`, `;;&`) anywhere, the items become closures run by
 * `sh.cases(subject, [patterns, op, body], …)`, which applies bash's terminator rules.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { at, bodyFn, indent, q, type Code } from './common.js';
import { stmts, stmtsText } from './index.js';
import { word } from './word/index.js';

export function caseClause(n: A.CaseClause, s: A.Stmt, ctx: Context): Code {
  const pats = n.items.map((i) => `[${i.patterns.map((p) => word(p, ctx, 'pattern')).join(', ')}]`);
  const subject = word(n.word, ctx, 'str');
  if (n.items.some((i) => i.op !== ';;')) {
    const items = n.items.map((it, i) => `[${pats[i]}, ${q(it.op)}, ${bodyFn(stmts(it.stmts, ctx))}]`);
    return { expr: `${at(s)}.cases(${subject},\n${indent(items.join(',\n'))})` };
  }
  const cases = n.items.map((it, i) => {
    const body = stmtsText(it.stmts, ctx);
    return `case ${i}:\n${indent(body ? body + '\nbreak;' : 'break;')}`;
  });
  const head = `switch (await ${at(s)}.case(${[subject, ...pats].join(', ')})) {`;
  return { stmt: `${head}\n${indent(cases.join('\n'))}\n}` };
}
