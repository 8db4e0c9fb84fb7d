/**
 * Rule `unquoted-path-in-rm-mv`: a path given to `rm` or `mv` through an unquoted expansion
 * (`rm -rf $DIR/x`, `mv $(ls x) y`): bash splits the value at spaces and expands * ? [ in it,
 * so the command removes or moves other paths than the one meant. A variable whose every
 * assignment in the file is literal text without spaces or glob characters cannot split and
 * is not flagged; `$$`, `$?`, `$#` and `$((…))` never are.
 */
import type * as A from '../ast.js';
import { unquotedPathInRmMv } from '../diagnostics.js';
import { walk } from '../analysis/walk.js';
import { commandName, literalValue, operands, unquotedExpansions } from '../analysis/words.js';
import type { LintContext, LintFinding, LintRule } from './rule.js';

const COMMANDS = new Set(['rm', 'mv']);

/** Whether every assignment of `name` in the file is a literal that cannot split or glob. */
function safeLiteral(ctx: LintContext, name: string): boolean {
  let any = false;
  for (const b of ctx.cmd.blocks) {
    for (const s of ctx.env.of(b.index)?.sets ?? []) {
      if (s.name !== name) continue;
      any = true;
      const v = s.how === 'assign' ? literalValue(s.value) : null;
      if (v === null || /[\s*?[]/.test(v) || v === '') return false;
    }
  }
  return any;
}

function risky(ctx: LintContext, e: A.ParamExp | A.CmdSubst): boolean {
  if (e.kind === 'CmdSubst') return true;
  if (e.exp || e.repl || e.slice || e.index || e.excl) return true;
  return !safeLiteral(ctx, e.param);
}

export const rule: LintRule = {
  id: unquotedPathInRmMv.id,
  severity: unquotedPathInRmMv.severity,
  summary: 'unquoted expansions in paths given to rm or mv',
  check(ctx) {
    const findings: LintFinding[] = [];
    for (const b of ctx.cmd.blocks) {
      if (!b.ast) continue;
      walk(b.ast, (n) => {
        if (n.kind !== 'CallExpr') return;
        const name = commandName(n);
        if (!name || !COMMANDS.has(name)) return;
        for (const w of operands(n)) {
          const bad = unquotedExpansions(w).filter((e) => risky(ctx, e));
          if (bad.length) findings.push({ diagnostic: unquotedPathInRmMv(ctx.at(bad[0]!), name, bad[0]!.src) });
        }
      });
    }
    return findings;
  },
};
