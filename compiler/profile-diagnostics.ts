/**
 * Diagnostics for a block that relies on script semantics the claude-code profile does not give
 * (../shared/notes/claude-code.md §2-3): `set -e` (bash ignores errexit inside the Bash tool's
 * `eval`, which sits in an `&&` list) and `shift` / `getopts` at the top level (a Bash tool call
 * has no positional parameters). `$#`, `"$@"`, `$*` are reported by compiler/arguments.ts with
 * the other parameter expansions.
 */
import type * as A from './ast.js';
import { positionalParametersEmpty, setEIneffective, type Diagnostic } from './diagnostics.js';

/** Every CallExpr of the block, with whether it sits inside a function body. */
function calls(ast: A.File): { call: A.CallExpr; inFunction: boolean }[] {
  const out: { call: A.CallExpr; inFunction: boolean }[] = [];
  const visit = (node: unknown, inFunction: boolean): void => {
    if (Array.isArray(node)) {
      for (const x of node) visit(x, inFunction);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as { kind?: string };
    if (n.kind === 'CallExpr') out.push({ call: n as A.CallExpr, inFunction });
    const inner = inFunction || n.kind === 'FuncDecl';
    for (const [k, v] of Object.entries(n)) if (k !== 'pos' && k !== 'end' && k !== 'src') visit(v, inner);
  };
  visit(ast.stmts, false);
  return out;
}

/** The diagnostics of one block compiled for the claude-code profile. */
export function profileDiagnostics(ast: A.File, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (n: A.CallExpr | A.Word) => ({ file, line: n.pos.line, col: n.pos.col, endLine: n.end.line, endCol: n.end.col });
  let errexit = false;
  for (const { call, inFunction } of calls(ast)) {
    const words = call.args.map((w) => w.src);
    const name = words[0];
    if (name === 'set' && !errexit) {
      const i = words.findIndex((w, k) => k > 0 && (/^-[a-zA-Z]*e[a-zA-Z]*$/.test(w) || (w === 'errexit' && words[k - 1] === '-o')));
      if (i > 0) {
        errexit = true;
        out.push(setEIneffective(at(call), words.slice(0, i + 1).join(' ')));
      }
    } else if (!inFunction && (name === 'shift' || (name === 'getopts' && words.length <= 3))) {
      out.push(positionalParametersEmpty(at(call), name === 'shift' ? '`shift`' : '`getopts` without arguments'));
    }
  }
  return out;
}
