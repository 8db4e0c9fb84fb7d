/** `local -r x=1 y` → `sh.decl("local -r", { x: "1", y: null })`; dynamic names go through the builtin. */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { NeedIsland, cmdAt, q, shCall, type Code } from './common.js';
import { argWords, word } from './word/index.js';
import { redirects } from './redirect.js';
import { assignObject } from './assign.js';

function litOpt(w: A.Word): string | null {
  if (w.parts.length === 1 && w.parts[0]!.kind === 'Lit') return w.parts[0].value;
  if (w.parts.length === 1 && w.parts[0]!.kind === 'SglQuoted') return w.parts[0].value;
  return null;
}

export function declClause(d: A.DeclClause, s: A.Stmt, ctx: Context): Code {
  const rs = redirects(s.redirs, ctx);
  const opts = d.opts.map(litOpt);
  const variant = d.variant === 'nameref' ? 'declare -n' : d.variant;
  if (opts.some((o) => o === null)) {
    throw new NeedIsland(`${d.variant} with dynamic options`, d);
  }
  if (d.words.length || rs.length) {
    // dynamic arguments: the builtin parses NAME=value at run time (arrays cannot be expressed)
    if (d.assigns.some((a) => a.array)) throw new NeedIsland(`${d.variant} mixing arrays and dynamic words`, d);
    const words = [q(d.variant), ...opts.map((o) => q(o!))];
    // keep the source order of assigns and words
    const items = [...d.assigns.map((a) => ({ pos: a.pos, w: null as A.Word | null, a })), ...d.words.map((w) => ({ pos: w.pos, w, a: null }))]
      .sort((x, y) => x.pos.line - y.pos.line || x.pos.col - y.pos.col);
    for (const it of items) {
      if (it.w) words.push(...argWords(it.w, ctx));
      else {
        const a = it.a!;
        const text = a.src;
        if (a.naked) words.push(q(a.name));
        else if (a.value && !a.index) {
          words.push(`${ctx.use('w')}(${q(a.name + (a.append ? '+=' : '='))}, ${word(a.value, ctx, 'str')})`);
        } else words.push(q(text));
      }
    }
    return shCall(cmdAt(s), 'cmd', [`[${words.join(', ')}]`, ...rs]);
  }
  const spec = [variant, ...opts].join(' ');
  const vars = d.assigns.length ? assignObject(d.assigns, ctx) : null;
  return shCall(cmdAt(s), 'decl', [q(spec), vars]);
}
