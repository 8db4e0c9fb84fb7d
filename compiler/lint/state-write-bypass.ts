/**
 * Rule `state-write-bypass`: values written into the state file by hand — `echo "X=$v" >>
 * "$STATE_FILE"`, `printf 'X="%s"\n' "$v" >> …`, `cat >> "$STATE_FILE" <<EOF … $v … EOF`,
 * `{ echo …; } >> …`, `… | tee -a "$STATE_FILE"`, `sed -i "s/…/$v/" "$STATE_FILE"` — instead of
 * through the state library, which quotes every byte. The state file is sourced by later
 * blocks, so a value holding `$(…)`, backticks, quotes or a newline runs as code there (the
 * injection path the seed's library only half-closes). Writes of constant text, and values
 * quoted with `printf %q` or `${v@Q}`, are not flagged.
 */
import type * as A from '../ast.js';
import { stateWriteBypass } from '../diagnostics.js';
import { isStateFileWord } from '../analysis/values.js';
import { pipelineStages, walk } from '../analysis/walk.js';
import { callOf, commandName, literalValue } from '../analysis/words.js';
import { clip, type LintFinding, type LintRule } from './rule.js';

/** Whether a node expands a value that is not shell-quoted on the way (`%q`, `@Q`). */
function unquotedValue(node: A.Node, call: A.CallExpr | null): boolean {
  if (call && commandName(call) === 'printf') {
    const fmt = call.args.slice(1).find((w) => !/^-/.test(literalValue(w) ?? ''));
    if (fmt && /%q/.test(literalValue(fmt) ?? '')) return false;
  }
  let found = false;
  walk(node, (n) => {
    if (n.kind === 'ParamExp' && !(n.exp?.op === '@' && /Q/.test(n.exp.word?.src ?? ''))) found = true;
    else if (n.kind === 'CmdSubst' && !/\bprintf\s+(-v\s+\S+\s+)?['"]?%q/.test(n.src)) found = true;
    return !found;
  });
  return found;
}

/** The commands whose output a statement writes (a group's commands, or the statement's). */
function writers(s: A.Stmt): A.Stmt[] {
  const c = s.cmd;
  if (c?.kind === 'Block' || c?.kind === 'Subshell') return c.stmts.flatMap(writers);
  return [s];
}

/** Whether the statement writes expanded values (its args or heredoc). */
function writesValue(s: A.Stmt): boolean {
  const call = callOf(s);
  const heredoc = s.redirs.find((r) => (r.op === '<<' || r.op === '<<-' || r.op === '<<<') && !r.hdocQuoted);
  if (heredoc && (heredoc.hdoc ? unquotedValue(heredoc.hdoc, null) : unquotedValue(heredoc.word, null))) return true;
  if (!call) return false;
  const name = commandName(call);
  if (name !== 'echo' && name !== 'printf') return false;
  return call.args.slice(1).some((w) => unquotedValue(w, call));
}

export const rule: LintRule = {
  id: stateWriteBypass.id,
  severity: stateWriteBypass.severity,
  summary: "values written into the state file without the state library's quoting",
  check(ctx) {
    const findings: LintFinding[] = [];
    const report = (n: A.Node) => findings.push({ diagnostic: stateWriteBypass(ctx.at(n), `\`${clip(n.src)}\``) });
    for (const b of ctx.cmd.blocks) {
      if (!b.ast) continue;
      const isState = (w: A.Word) => isStateFileWord(w, b.index, ctx.env);
      walk(b.ast, (n, parents) => {
        if (n.kind !== 'Stmt') return;
        // Redirected output: `echo … >> "$STATE_FILE"`, `{ …; } >> "$STATE_FILE"`.
        const target = n.redirs.find((r) => ['>', '>>', '>|', '&>', '&>>'].includes(r.op) && isState(r.word));
        if (target && writers(n).some(writesValue)) {
          report(n);
          return false;
        }
        const call = callOf(n);
        const name = call ? commandName(call) : null;
        // `… | tee -a "$STATE_FILE"`
        if (call && name === 'tee' && call.args.slice(1).some((w) => isState(w))) {
          const parent = parents[parents.length - 2];
          if (parent?.kind === 'Stmt') {
            const stages = pipelineStages(parent);
            if (stages.slice(0, -1).some(writesValue)) report(parent);
          }
          return;
        }
        // `sed -i "s/^X=.*/X=$v/" "$STATE_FILE"`
        if (call && name === 'sed' && call.args.some((w) => /^-\w*i|^--in-place/.test(literalValue(w) ?? ''))) {
          const files = call.args.slice(1).filter((w) => isState(w));
          const scripts = call.args.slice(1).filter((w) => !files.includes(w) && !/^-/.test(literalValue(w) ?? ''));
          if (files.length && scripts.some((w) => unquotedValue(w, null))) report(n);
        }
      });
    }
    return findings;
  },
};

