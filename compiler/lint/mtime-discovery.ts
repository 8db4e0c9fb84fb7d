/**
 * Rule `mtime-discovery`: a block that finds "its" state file as the newest one — `ls -t … |
 * head -1`, `$(ls -t …)`, `find … -printf '%T@ %p' | sort -rn | head`, `stat -c %Y` in a pipeline
 * with `sort` or in a loop, `[ a -nt b ]` in a loop — over state files (a `workflow_*`,
 * `*state*` or `.claude/tmp` path). With two instances running, the newest file is often the
 * other instance's. cmdc's own discovery (`discover_latest_state_file`, answered by owner) is
 * the fix, so a function of that name is not flagged.
 */
import type * as A from '../ast.js';
import { mtimeDiscovery } from '../diagnostics.js';
import { isStateWord } from '../analysis/values.js';
import { pipelineStages, walk, type AnyNode } from '../analysis/walk.js';
import { callOf, commandName, literalValue, operands, shortFlags } from '../analysis/words.js';
import { clip, type LintContext, type LintFinding, type LintRule } from './rule.js';

const SELECTORS = new Set(['head', 'tail', 'sed', 'awk', 'read', 'xargs', 'cut', 'grep']);
const STATE_TEXT = /workflow_|state|\.claude\/tmp/i;

function insideSubst(parents: readonly AnyNode[]): boolean {
  return parents.some((p) => p.kind === 'CmdSubst' || p.kind === 'ProcSubst');
}

/** The nearest enclosing loop and the text it iterates over (a `for`'s items, a `while` statement with its redirects). */
function insideLoop(parents: readonly AnyNode[]): { loop: A.ForClause | A.WhileClause; source: string } | null {
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === 'ForClause') {
      return { loop: p, source: p.loop.kind === 'WordIter' ? (p.loop.items ?? []).map((w) => w.src).join(' ') : '' };
    }
    if (p.kind === 'WhileClause') {
      const stmt = parents[i - 1];
      return { loop: p, source: stmt?.kind === 'Stmt' ? stmt.redirs.map((r) => r.src).join(' ') + ' ' + p.cond.map((c) => c.src).join(' ') : '' };
    }
  }
  return null;
}

function inDiscoveryFunction(parents: readonly AnyNode[]): boolean {
  return parents.some((p) => p.kind === 'FuncDecl' && p.name === 'discover_latest_state_file');
}

/** Whether the words a command works on name state files. */
function onStateFiles(ctx: LintContext, block: number, words: readonly A.Word[]): boolean {
  return words.some((w) => isStateWord(w, block, ctx.env));
}

export const rule: LintRule = {
  id: mtimeDiscovery.id,
  severity: mtimeDiscovery.severity,
  summary: 'newest-file-by-mtime selection of state files (ls -t | head, find -printf %T@ | sort, stat loops)',
  check(ctx) {
    const findings: LintFinding[] = [];
    const seen = new Set<A.Stmt>();
    for (const b of ctx.cmd.blocks) {
      if (!b.ast) continue;
      walk(b.ast, (n, parents) => {
        if (n.kind !== 'Stmt' || inDiscoveryFunction(parents)) return;
        const parent = parents[parents.length - 1];
        // Only whole pipelines (not their inner stages) and single commands.
        if (parent?.kind === 'BinaryCmd' && (parent.op === '|' || parent.op === '|&')) return;
        const stages = pipelineStages(n);
        const calls = stages.map((s) => callOf(s));
        const names = calls.map((c) => (c ? commandName(c) : null));
        const captured = insideSubst(parents) || names.some((x) => x === 'read' || x === 'xargs');
        const selects = names.slice(1).some((x) => x !== null && SELECTORS.has(x));
        const report = (how: string) => {
          if (seen.has(n)) return;
          seen.add(n);
          findings.push({ diagnostic: mtimeDiscovery(ctx.at(n), how) });
        };
        calls.forEach((c, i) => {
          if (!c) return;
          const name = names[i];
          if (name === 'ls') {
            const flags = shortFlags(c);
            const byTime = flags.includes('t') || c.args.some((w) => literalValue(w) === '--sort=time');
            if (!byTime || !onStateFiles(ctx, b.index, operands(c))) return;
            // `ls -lt … | head` printed for a person is a listing, not a choice.
            if (flags.includes('l') && !captured) return;
            if (selects || captured) report(`\`${clip(n.src)}\``);
          } else if (name === 'find') {
            const fmt = c.args.findIndex((w) => literalValue(w) === '-printf');
            const f = fmt >= 0 ? literalValue(c.args[fmt + 1]) ?? '' : '';
            if (!/%[TCA]/.test(f) || !names.slice(i + 1).includes('sort')) return;
            if (!onStateFiles(ctx, b.index, c.args.slice(1))) return;
            report(`\`${clip(n.src)}\``);
          } else if (name === 'stat') {
            const f = c.args.map((w) => literalValue(w) ?? '').join(' ');
            if (!/%[.\d]*[YyZzm]/.test(f)) return;
            const found = insideLoop(parents);
            const loop = found && selectsLoopItem(found.loop) ? found : null;
            const sorted = names.includes('sort');
            if (!sorted && !loop) return;
            if (!onStateFiles(ctx, b.index, operands(c)) && !(loop && STATE_TEXT.test(loop.source))) return;
            report(`\`${clip(n.src)}\`${loop && !sorted ? ' in a loop' : ''}`);
          }
        });
        if (comparesAge(n)) {
          const loop = insideLoop(parents);
          if (loop && selectsLoopItem(loop.loop) && STATE_TEXT.test(loop.source)) report(`\`${clip(n.src)}\` in a loop over state files`);
        }
      });
    }
    return findings;
  },
};


/** `[[ a -nt b ]]`, `[ a -ot b ]`, `test a -nt b`. */
function comparesAge(s: A.Stmt): boolean {
  const c = s.cmd;
  if (c?.kind === 'TestClause') {
    let found = false;
    walk(c.expr, (n) => {
      if (n.kind === 'BinaryTest' && (n.op === '-nt' || n.op === '-ot')) found = true;
    });
    return found;
  }
  if (c?.kind === 'CallExpr' && ['[', 'test'].includes(commandName(c) ?? '')) {
    return c.args.some((w) => ['-nt', '-ot'].includes(literalValue(w) ?? ''));
  }
  return false;
}

/**
 * Whether a loop keeps one of the items it iterates over (`newest="$f"`): a selection, as
 * opposed to a loop that acts on each item (an age check before removing it).
 */
function selectsLoopItem(loop: A.ForClause | A.WhileClause): boolean {
  const vars = new Set<string>();
  if (loop.kind === 'ForClause' && loop.loop.kind === 'WordIter') vars.add(loop.loop.name);
  if (loop.kind === 'WhileClause') {
    for (const s of loop.cond) {
      const c = callOf(s);
      if (c && commandName(c) === 'read') for (const w of operands(c)) if (literalValue(w)) vars.add(literalValue(w)!);
    }
  }
  let keeps = false;
  for (const s of loop.kind === 'ForClause' ? loop.body : loop.body) {
    walk(s, (n) => {
      if (n.kind !== 'Assign' || !n.value) return;
      const parts = n.value.parts.length === 1 && n.value.parts[0]!.kind === 'DblQuoted' ? n.value.parts[0]!.parts : n.value.parts;
      if (parts.length === 1 && parts[0]!.kind === 'ParamExp' && vars.has(parts[0]!.param)) keeps = true;
    });
  }
  return keeps;
}
