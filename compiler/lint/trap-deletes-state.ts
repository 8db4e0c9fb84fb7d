/**
 * Rule `trap-deletes-state`: `trap '… rm … "$STATE_FILE" …' EXIT` (or ERR, INT, TERM, HUP),
 * directly or through a function the block defines (`trap cleanup EXIT`). Each block is its
 * own process, so an EXIT trap runs at the end of every block and the next block finds no state
 * to restore; an ERR trap deletes it on the first failing command. The handler text is parsed
 * as bash, so only a real `rm`/`unlink` of a state file counts.
 */
import type * as A from '../ast.js';
import { trapDeletesState } from '../diagnostics.js';
import { parseBash } from '../parse.js';
import { isStateFileWord } from '../analysis/values.js';
import { walk } from '../analysis/walk.js';
import { commandName, literalValue, operands, unescapeDouble } from '../analysis/words.js';
import { clip, type LintContext, type LintFinding, type LintRule } from './rule.js';

const FATAL = new Set(['EXIT', '0', 'ERR', 'INT', 'TERM', 'HUP', 'QUIT']);

/** The handler text of a trap (its first argument), quotes removed. */
function handlerText(w: A.Word): string {
  const lit = literalValue(w);
  if (lit !== null) return lit;
  // "…$X…": keep the expansions as written, so the handler parses with them.
  if (w.parts.length === 1 && w.parts[0]!.kind === 'DblQuoted') return unescapeDouble(w.src.slice(1, -1));
  return w.src;
}

/** The state files a piece of bash removes (following functions defined in the block). */
function removedStateFiles(ctx: LintContext, block: number, root: A.Node, fns: Map<string, A.FuncDecl>, seen: Set<string>): string[] {
  const out: string[] = [];
  walk(root, (n) => {
    if (n.kind !== 'CallExpr') return;
    const name = commandName(n);
    if (name === 'rm' || name === 'unlink') {
      for (const w of operands(n)) {
        if (isStateFileWord(w, block, ctx.env)) out.push(w.src);
      }
    } else if (name && fns.has(name) && !seen.has(name)) {
      seen.add(name);
      out.push(...removedStateFiles(ctx, block, fns.get(name)!.body, fns, seen));
    }
  });
  return out;
}

export const rule: LintRule = {
  id: trapDeletesState.id,
  severity: trapDeletesState.severity,
  summary: "EXIT/ERR traps that remove the instance's own state file",
  check(ctx) {
    const findings: LintFinding[] = [];
    for (const b of ctx.cmd.blocks) {
      if (!b.ast) continue;
      const fns = ctx.env.of(b.index)?.functions ?? new Map<string, A.FuncDecl>();
      walk(b.ast, (n) => {
        if (n.kind !== 'CallExpr' || commandName(n) !== 'trap') return;
        const args = n.args.slice(1);
        if (args.length < 2 || (literalValue(args[0]!) ?? '').startsWith('-')) return;
        const signals = args.slice(1).map((w) => (literalValue(w) ?? '').toUpperCase().replace(/^SIG/, ''));
        const fatal = signals.filter((s) => FATAL.has(s));
        if (!fatal.length) return;
        const handler = args[0]!;
        const parsed = parseBash(handlerText(handler), { file: ctx.cmd.file, lineOffset: handler.pos.line - 1, colOffset: handler.pos.col });
        if (!parsed.ast) return;
        const removed = removedStateFiles(ctx, b.index, parsed.ast, fns, new Set());
        if (removed.length) {
          findings.push({ diagnostic: trapDeletesState(ctx.at(n), fatal.join('/'), `${removed[0]} (\`${clip(n.src)}\`)`) });
        }
      });
    }
    return findings;
  },
};
