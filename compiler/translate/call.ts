/**
 * Simple commands: `echo "x: $X" >&2` → `sh.at(6).cmd(["echo", dq("x: ", param("X"))], r(">&", "2"))`.
 * Assignments alone → `sh.assign({...})`; prefix assignments → `env({...})`. A literal
 * `trap '…' SIG` is translated too (its string is parsed and compiled to a closure).
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { parseBash } from '../parse.js';
import { cmdAt, bodyFn, q, shCall, type Code } from './common.js';
import { argWords } from './word/index.js';
import { redirects } from './redirect.js';
import { assignObject } from './assign.js';
import { stmts } from './index.js';

function literal(w: A.Word): string | null {
  let s = '';
  for (const p of w.parts) {
    if (p.kind === 'Lit' && !/[\\*?[]/.test(p.value)) s += p.value;
    else if (p.kind === 'SglQuoted' && !p.dollar) s += p.value;
    else if (p.kind === 'DblQuoted' && p.parts.every((x) => x.kind === 'Lit' && !/[\\$`]/.test(x.value))) {
      s += p.parts.map((x) => (x as A.Lit).value).join('');
    } else return null;
  }
  return s;
}

/** `trap 'cmds' EXIT ERR` with a literal string → `sh.trap("cmds", async (sh) => {...}, "EXIT", "ERR")`. */
function trapCall(c: A.CallExpr, s: A.Stmt, ctx: Context): Code | null {
  if (c.args.length < 3 || s.redirs.length || c.assigns.length) return null;
  const text = literal(c.args[1]!);
  const sigs = c.args.slice(2).map(literal);
  if (text === null || text === '' || text === '-' || sigs.some((x) => x === null)) return null;
  if (/^-/.test(text)) return null;
  const arg = c.args[1]!;
  const parsed = parseBash(text, { file: ctx.file, lineOffset: arg.pos.line - 1 });
  if (!parsed.ast) return null;
  const body = bodyFn(stmts(parsed.ast.stmts, ctx));
  return shCall(cmdAt(s), 'trap', [q(text), body, ...(sigs as string[]).map(q)]);
}

export function callExpr(c: A.CallExpr, s: A.Stmt, ctx: Context): Code {
  const rs = redirects(s.redirs, ctx);
  if (c.args.length === 0) {
    if (rs.length === 0) return shCall(cmdAt(s), 'assign', [assignObject(c.assigns, ctx)]);
    const env = c.assigns.length ? `${ctx.use('env')}(${assignObject(c.assigns, ctx)})` : null;
    return shCall(cmdAt(s), 'cmd', ['[]', env, ...rs]);
  }
  if (c.args[0] && literal(c.args[0]) === 'trap') {
    const t = trapCall(c, s, ctx);
    if (t) return t;
  }
  const words = c.args.flatMap((w) => argWords(w, ctx));
  const env = c.assigns.length ? `${ctx.use('env')}(${assignObject(c.assigns, ctx)})` : null;
  return shCall(cmdAt(s), 'cmd', [`[${words.join(', ')}]`, env, ...rs]);
}
