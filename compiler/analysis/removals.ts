/**
 * Glob removals inside library functions: `rm -f "$(capture_dir)/${prefix}"_arg_*.txt`, or
 * `for f in <glob>; do rm "$f"; done`, in a function of the project's own library. A command
 * calling such a function removes every instance's matching files, which the block-level
 * foreign-state-cleanup rule cannot see. The glob is rendered as text, with `$(fn)` replaced by
 * what a one-line printing function of the library prints (`capture_dir() { printf '%s'
 * "…/.claude/tmp"; }`), and the positional parameters it depends on recorded, so that a call
 * passing the instance's id (`cleanup "$WORKFLOW_ID"`) counts as keyed. A function that tests
 * ages (`-mtime`, `stat`, TTL) is TTL cleanup and has no removal effect.
 */
import type * as A from '../ast.js';
import { walk, type AnyNode } from './walk.js';
import { commandName, operands } from './words.js';

export interface RemoveEffect {
  /** The glob as text (`${CLAUDE_PROJECT_DIR:-$(pwd)}/.claude/tmp/${prefix}_arg_*.txt`). */
  glob: string;
  /** The library file and line of the `rm`. */
  file: string;
  line: number;
  /** Positional parameters (1-based) the glob is built from. */
  args: number[];
}

const AGE_TEST = /-mtime|-mmin|-ctime|-cmin|-newer|-ot\b|-nt\b|\bstat\b|\bage\b|\bttl\b|days?\b/i;
/** State files and the state directory. */
export const STATE_PLACE = /workflow_|state|\.claude\/tmp(\/|$)/i;
/** Names that key a path by the instance. */
const KEYED = /WORKFLOW_ID|INSTANCE_ID|RUN_ID|SESSION_ID|\$\$|BASHPID|date \+%s%N|mktemp/;

/** What a one-statement function prints (`printf '%s' WORD` / `echo WORD`), as text; else null. */
export function printedText(f: A.FuncDecl): string | null {
  const block = f.body.cmd;
  const body = block?.kind === 'Block' ? block.stmts : null;
  if (!body || body.length !== 1) return null;
  const cmd = body[0]!.cmd;
  if (cmd?.kind !== 'CallExpr') return null;
  const name = commandName(cmd);
  const args = cmd.args.slice(1);
  if (name === 'echo' && args.length === 1) return render(args[0]!, new Map(), () => null, []).text;
  if (name === 'printf' && args.length === 2 && /^%s(\\n)?$/.test(unquote(args[0]!.src))) return render(args[1]!, new Map(), () => null, []).text;
  return null;
}

function unquote(s: string): string {
  return s.replace(/^'(.*)'$|^"(.*)"$/s, (_m, a: string | undefined, b: string | undefined) => a ?? b ?? '');
}

/** Locals of a function body that hold a positional parameter (`local prefix="${1:?…}"`). */
function positionalLocals(body: A.Node): Map<string, number> {
  const out = new Map<string, number>();
  walk(body, (n) => {
    const assigns = n.kind === 'DeclClause' ? n.assigns : n.kind === 'CallExpr' && n.args.length === 0 ? n.assigns : [];
    for (const a of assigns) {
      const parts = a.value?.parts.length === 1 && a.value.parts[0]!.kind === 'DblQuoted' ? a.value.parts[0]!.parts : (a.value?.parts ?? []);
      const p = parts.length === 1 && parts[0]!.kind === 'ParamExp' ? parts[0]! : null;
      if (p && /^[1-9]$/.test(p.param)) out.set(a.name, Number(p.param));
    }
  });
  return out;
}

/** A word as text: `$(fn)` of a printing function replaced, positional parameters recorded; `glob` when an unquoted * ? [ is in it. */
function render(w: A.Word, positional: Map<string, number>, printed: (fn: string) => string | null, args: number[]): { text: string; glob: boolean } {
  let glob = false;
  const part = (p: A.WordPart, quoted: boolean): string => {
    switch (p.kind) {
      case 'Lit':
        if (!quoted && /(^|[^\\])[*?[]/.test(p.value)) glob = true;
        return p.value;
      case 'SglQuoted':
        return p.value;
      case 'DblQuoted':
        return p.parts.map((q) => part(q, true)).join('');
      case 'ParamExp': {
        const n = /^[1-9]$/.test(p.param) ? Number(p.param) : positional.get(p.param);
        if (n !== undefined && !args.includes(n)) args.push(n);
        return p.src;
      }
      case 'CmdSubst': {
        const only = p.stmts.length === 1 ? p.stmts[0]!.cmd : null;
        const name = only?.kind === 'CallExpr' && only.args.length === 1 ? commandName(only) : null;
        return (name && printed(name)) ?? p.src;
      }
      default:
        return p.src;
    }
  };
  const text = w.parts.map((p) => part(p, false)).join('');
  return { text, glob };
}

function loopOver(name: string, parents: readonly AnyNode[]): A.ForClause | null {
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    if (p.kind === 'ForClause' && p.loop.kind === 'WordIter' && p.loop.name === name) return p;
  }
  return null;
}

/** The glob removals of one function (none when it tests ages: TTL cleanup). */
export function globRemovals(f: A.FuncDecl, file: string, printed: (fn: string) => string | null): RemoveEffect[] {
  if (AGE_TEST.test(f.src)) return [];
  const positional = positionalLocals(f.body);
  const out: RemoveEffect[] = [];
  walk(f.body, (n, parents) => {
    if (n.kind === 'FuncDecl' && n !== f) return false;
    if (n.kind !== 'CallExpr' || commandName(n) !== 'rm') return;
    for (const w of operands(n)) {
      const parts = w.parts.length === 1 && w.parts[0]!.kind === 'DblQuoted' ? w.parts[0]!.parts : w.parts;
      const sole = parts.length === 1 && parts[0]!.kind === 'ParamExp' ? parts[0]!.param : null;
      const loop = sole ? loopOver(sole, parents) : null;
      const words = loop && loop.loop.kind === 'WordIter' && loop.loop.items ? loop.loop.items : [w];
      for (const item of words) {
        const args: number[] = [];
        const r = render(item, positional, printed, args);
        if (!r.glob || !STATE_PLACE.test(r.text) || KEYED.test(r.text)) continue;
        out.push({ glob: r.text, file, line: n.pos.line, args: args.sort() });
      }
    }
  });
  return out;
}
