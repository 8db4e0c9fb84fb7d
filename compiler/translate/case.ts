/**
 * `case $x in a|b) …;; *) …;; esac` → `switch (await sh.case(param("x"), ["a", "b"], [glob("*")]))`
 * with one `case <index>:` per item (`sh.case` returns the matching item's index, -1 for none).
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { NeedIsland, at, indent, type Code } from './common.js';
import { stmtsText } from './index.js';
import { word } from './word/index.js';

export function caseClause(n: A.CaseClause, s: A.Stmt, ctx: Context): Code {
  if (n.items.some((i) => i.op !== ';;')) throw new NeedIsland('case fall-through (;& ;;&)', n);
  const pats = n.items.map((i) => `[${i.patterns.map((p) => word(p, ctx, 'pattern')).join(', ')}]`);
  const subject = word(n.word, ctx, 'str');
  const cases = n.items.map((it, i) => {
    const body = stmtsText(it.stmts, ctx);
    return `case ${i}:\n${indent(body ? body + '\nbreak;' : 'break;')}`;
  });
  const head = `switch (await ${at(s)}.case(${[subject, ...pats].join(', ')})) {`;
  return { stmt: `${head}\n${indent(cases.join('\n'))}\n}` };
}
