/**
 * Rule `foreign-state-cleanup`: removing state files by glob — `rm -f .claude/tmp/workflow_*.sh`,
 * `rm -rf "$CLAUDE_PROJECT_DIR/.claude/tmp"`, `find <state dir> -name 'workflow_*' -delete`,
 * `… | xargs rm`, `for f in …/workflow_*.sh; do rm "$f"` — which deletes other instances'
 * files, running ones included. A glob keyed by this instance (`workflow_${WORKFLOW_ID}*`) is
 * this instance's own; an age-limited `find -mtime +N` / loop with an age test is TTL cleanup
 * (what `cmdc state gc` does) and is not flagged. A call of a project library function that
 * removes such a glob (analysis/removals.ts: `cleanup_captured_arguments "create_plan"`) is
 * flagged at the call, unless an argument the glob is built from carries the instance's id.
 */
import { relative } from 'node:path';
import type * as A from '../ast.js';
import { foreignStateCleanup } from '../diagnostics.js';
import { canonical, evalWord, isKeyed, type Seg } from '../analysis/values.js';
import { pipelineStages, walk, type AnyNode } from '../analysis/walk.js';
import { callOf, commandName, literalValue, operands } from '../analysis/words.js';
import { clip, type LintContext, type LintFinding, type LintRule } from './rule.js';

/** State files and the state directory (a bare tmp dir is not enough: other tools keep files there). */
const STATE_PLACE = /workflow_|state|\.claude\/tmp(\/|$)/i;
const AGE_TEST = /-mtime|-mmin|-ctime|-cmin|-newer|-ot\b|-nt\b|\bstat\b|\bage\b|\bttl\b|days?\b/i;

/** A glob over state files not keyed by this instance, or a whole state directory. */
function foreignTarget(segs: readonly Seg[]): boolean {
  if (isKeyed(segs)) return false;
  const text = canonical(segs) ?? '';
  if (/\.claude\/(tmp|state)\/?$/.test(text)) return true;
  return segs.some((s) => s.t === 'glob') && STATE_PLACE.test(text);
}

function loopOver(name: string, parents: readonly AnyNode[]): A.ForClause | null {
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === 'ForClause' && p.loop.kind === 'WordIter' && p.loop.name === name) return p;
  }
  return null;
}

export const rule: LintRule = {
  id: foreignStateCleanup.id,
  severity: foreignStateCleanup.severity,
  summary: "rm of state files by glob (other instances' files)",
  check(ctx) {
    const findings: LintFinding[] = [];
    const report = (node: A.Node, what: string, hint?: string) => {
      const d = foreignStateCleanup(ctx.at(node), what);
      if (hint) d.hint = hint;
      findings.push({ diagnostic: d });
    };
    for (const b of ctx.cmd.blocks) {
      if (!b.ast) continue;
      walk(b.ast, (n, parents) => {
        if (n.kind === 'CallExpr') {
          const name = commandName(n);
          if (name === 'rm') checkRm(ctx, b.index, n, parents, report);
          else if (name === 'find') checkFind(ctx, b.index, n, report);
          else if (name) checkLibraryCall(ctx, b.index, n, report);
        } else if (n.kind === 'Stmt') {
          const stages = pipelineStages(n);
          if (stages.length < 2) return;
          const last = callOf(stages[stages.length - 1]);
          if (!last || commandName(last) !== 'xargs' || !last.args.some((w) => literalValue(w) === 'rm')) return;
          const source = callOf(stages[0]);
          if (!source) return;
          const words = source.args.slice(1);
          const segs = words.map((w) => evalWord(w, b.index, ctx.env));
          if (AGE_TEST.test(source.src)) return;
          if (segs.some((s) => foreignTarget(s)) || (words.some((w) => /workflow_\*|\*\.sh/.test(w.src)) && segs.some((s) => STATE_PLACE.test(canonical(s) ?? '') && !isKeyed(s)))) {
            report(n, `\`${clip(n.src)}\``);
          }
        }
      });
    }
    return findings;
  },
};

function checkRm(ctx: LintContext, block: number, c: A.CallExpr, parents: readonly AnyNode[], report: (n: A.Node, what: string) => void): void {
  for (const w of operands(c)) {
    const segs = evalWord(w, block, ctx.env);
    if (foreignTarget(segs)) {
      report(c, `\`${clip(c.src)}\``);
      return;
    }
    // `for f in …/workflow_*.sh; do rm "$f"; done`
    const only = segs.length === 1 && segs[0]!.t === 'var' ? segs[0]!.name : null;
    const loop = only ? loopOver(only, parents) : null;
    if (loop && loop.loop.kind === 'WordIter' && loop.loop.items) {
      const items = loop.loop.items.map((i) => evalWord(i, block, ctx.env));
      if (items.some(foreignTarget) && !AGE_TEST.test(loop.body.map((s) => s.src).join('\n'))) {
        report(c, `\`${clip(c.src)}\` in a loop over ${clip(loop.loop.items.map((i) => i.src).join(' '), 40)}`);
        return;
      }
    }
  }
}

/** A call of a library function that removes files by glob (not one keyed by an argument of this call). */
function checkLibraryCall(ctx: LintContext, block: number, c: A.CallExpr, report: (n: A.Node, what: string, hint?: string) => void): void {
  const name = commandName(c)!;
  if (ctx.env.of(block)?.functions.has(name)) return;
  const f = ctx.library().functions.get(name);
  if (!f?.removes.length) return;
  const effect = f.removes.find((r) => !r.args.some((i) => c.args[i] !== undefined && isKeyed(evalWord(c.args[i]!, block, ctx.env))));
  if (!effect) return;
  report(c, `\`${clip(c.src)}\` (${name} at ${relative(process.cwd(), effect.file) || effect.file}:${effect.line}: rm ${clip(effect.glob, 70)})`,
    'remove only the file this instance made (its path is in a variable or the state), or key the glob by ${WORKFLOW_ID}; leave old files to `cmdc state gc`, which never removes a live instance',
  );
}

function checkFind(ctx: LintContext, block: number, c: A.CallExpr, report: (n: A.Node, what: string) => void): void {
  const words = c.args.slice(1);
  const lits = words.map((w) => literalValue(w));
  const deletes = lits.includes('-delete') || lits.some((v, i) => v === '-exec' && ['rm', 'unlink'].includes(lits[i + 1] ?? ''));
  if (!deletes || AGE_TEST.test(c.src)) return;
  const segs = words.map((w) => evalWord(w, block, ctx.env));
  const stateDir = segs.some((s) => STATE_PLACE.test(canonical(s) ?? '') && !isKeyed(s));
  const namePattern = lits.findIndex((v) => v === '-name' || v === '-iname' || v === '-path');
  const glob = namePattern >= 0 ? words[namePattern + 1] : undefined;
  const keyed = glob ? isKeyed(evalWord(glob, block, ctx.env)) : false;
  if (stateDir && !keyed) report(c, `\`${clip(c.src)}\``);
}
