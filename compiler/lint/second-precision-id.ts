/**
 * Rule `second-precision-id`: a workflow id built from a clock with one-second resolution
 * (`date +%s`, `date +%Y%m%d%H%M%S`, no `%N`) or from `$RANDOM` alone, and nothing unique per
 * process (`$$`, `%N`, `mktemp`, `uuidgen`…). Two instances started in the same second share
 * the id, and so the state file. An id is a variable named like one (`WORKFLOW_ID`, `*_ID`,
 * `RUN_ID`), directly or through one intermediate variable (`TS=$(date +%s); ID="x_$TS"`), or
 * the argument of init_workflow_state. `--fix` rewrites exactly `date +%s` to `date +%s%N`.
 */
import type * as A from '../ast.js';
import { secondPrecisionId } from '../diagnostics.js';
import { evalWord } from '../analysis/values.js';
import { walk } from '../analysis/walk.js';
import { commandName, literalValue } from '../analysis/words.js';
import type { LintContext, LintFinding, LintRule, TextEdit } from './rule.js';

const ID_NAME = /(^|_)(ID|UID)$|WORKFLOW|INSTANCE/;
const ID_FUNCTIONS = new Set(['init_workflow_state', 'load_workflow_state']);

/** A `date` call's format when it is a clock with whole seconds and no finer field. */
function secondsFormat(c: A.CallExpr): A.Word | null {
  if (commandName(c) !== 'date') return null;
  for (const w of c.args.slice(1)) {
    const v = literalValue(w);
    if (v === null || !v.startsWith('+')) continue;
    if (/%N|%[0-9]N/.test(v)) return null;
    if (/%s|%S|%T|%H%M%S/.test(v)) return w;
  }
  return null;
}

/** Whether the word carries something unique per process besides the clock. */
function hasProcessUnique(ctx: LintContext, block: number, w: A.Word): boolean {
  return evalWord(w, block, ctx.env).some((s) => s.t === 'unique' && s.what !== '$RANDOM');
}

export const rule: LintRule = {
  id: secondPrecisionId.id,
  severity: secondPrecisionId.severity,
  summary: 'workflow ids from `date +%s` without %N, or from $RANDOM alone',
  check(ctx) {
    const findings: LintFinding[] = [];
    for (const b of ctx.cmd.blocks) {
      if (!b.ast) continue;
      const access = ctx.env.of(b.index);
      const sets = access?.sets ?? [];
      // Variables assigned a seconds clock, with the date call that does it.
      const clocks = new Map<string, { fmt: A.Word; assign: A.Word }>();
      const candidates: { name: string; value: A.Word; fmt: A.Word | null; random: boolean; at: A.Word }[] = [];
      for (const s of sets) {
        if (!s.value || s.how !== 'assign') continue;
        let fmt: A.Word | null = null;
        walk(s.value, (n) => {
          if (n.kind === 'CallExpr' && !fmt) fmt = secondsFormat(n);
        });
        const segs = evalWord(s.value, b.index, ctx.env);
        const random = segs.some((x) => x.t === 'unique' && x.what === '$RANDOM') && !segs.some((x) => x.t === 'unique' && x.what !== '$RANDOM');
        if (fmt) clocks.set(s.name, { fmt, assign: s.value });
        candidates.push({ name: s.name, value: s.value, fmt, random, at: s.value });
      }
      const report = (name: string, why: string, fmt: A.Word | null, at: A.Word) => {
        const finding: LintFinding = { diagnostic: secondPrecisionId(ctx.at(at), name, why) };
        if (fmt) {
          const lit = literalValue(fmt);
          if (lit === '+%s') {
            const text = fmt.src.replace('%s', '%s%N');
            const fix: TextEdit = { start: ctx.offset(fmt.pos), end: ctx.offset(fmt.end), text };
            finding.fix = [fix];
          }
        }
        findings.push(finding);
      };
      const flagged = new Set<A.Word>();
      for (const c of candidates) {
        if (!ID_NAME.test(c.name) || hasProcessUnique(ctx, b.index, c.value)) continue;
        let fmt = c.fmt;
        let via = '';
        if (!fmt) {
          // Through a variable holding the clock: `ID="x_${TS}"`.
          for (const p of paramNames(c.value)) {
            const clock = clocks.get(p);
            if (clock) {
              fmt = clock.fmt;
              via = ` (via $${p})`;
              break;
            }
          }
        }
        if (fmt) {
          if (flagged.has(fmt)) continue;
          flagged.add(fmt);
          report(c.name, `\`date ${fmt.src}\`${via}, a clock with one-second resolution`, fmt, fmt === c.fmt ? c.at : fmt);
        } else if (c.random) {
          report(c.name, '$RANDOM alone (32,768 values)', null, c.at);
        }
      }
      // An id made inline for the state library: `init_workflow_state "x_$(date +%s)"`.
      walk(b.ast, (n) => {
        if (n.kind !== 'CallExpr' || !ID_FUNCTIONS.has(commandName(n) ?? '')) return;
        const arg = n.args[1];
        if (!arg || hasProcessUnique(ctx, b.index, arg)) return;
        walk(arg, (m) => {
          if (m.kind !== 'CallExpr') return;
          const fmt = secondsFormat(m);
          if (fmt && !flagged.has(fmt)) {
            flagged.add(fmt);
            report(`the id given to ${commandName(n)}`, `\`date ${fmt.src}\`, a clock with one-second resolution`, fmt, fmt);
          }
        });
      });
    }
    return findings;
  },
};

function paramNames(w: A.Word): string[] {
  const out: string[] = [];
  walk(w, (n) => {
    if (n.kind === 'ParamExp') out.push(n.param);
  });
  return out;
}
