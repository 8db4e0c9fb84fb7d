/**
 * The one printer of generated code: IR (compiler/ir/nodes.ts) → TS text, two spaces per level,
 * with the .md line of every printed line (the innermost statement that printed on it; lines of
 * no statement take the enclosing one's). A statement printed as the start of a top-level
 * command turns its first `sh.at(` into `sh.top(`.
 *
 *   printStmts(stmts)  → { text, lines }   (lines[i]: the .md line of text line i, 0 for none)
 */
import { escapeText } from '../escape.js';
import type { Expr, Stmt } from './nodes.js';

export interface Printed {
  text: string;
  /** The .md line of each line of `text` (0: none). */
  lines: number[];
}

/** Printed lines being assembled. */
interface Out {
  lines: string[];
  md: number[];
}

function q(s: string): string {
  return escapeText(s, 'string');
}

function leaf(s: string): Out {
  if (!s.includes('\n')) return { lines: [s], md: [0] };
  const lines = s.split('\n');
  return { lines, md: lines.map(() => 0) };
}

/** Pieces printed one after the other on the same line. */
function cat(...xs: (Out | string)[]): Out {
  const out: Out = { lines: [''], md: [0] };
  for (const x of xs) {
    const f = typeof x === 'string' ? leaf(x) : x;
    const last = out.lines.length - 1;
    out.lines[last] += f.lines[0]!;
    if (!out.md[last]) out.md[last] = f.md[0]!;
    for (let i = 1; i < f.lines.length; i++) {
      out.lines.push(f.lines[i]!);
      out.md.push(f.md[i]!);
    }
  }
  return out;
}

/** Parts one per line. */
function stack(xs: readonly Out[], sep = ''): Out {
  const out: Out = { lines: [], md: [] };
  xs.forEach((x, i) => {
    const lines = i < xs.length - 1 && sep ? [...x.lines.slice(0, -1), x.lines[x.lines.length - 1] + sep] : x.lines;
    out.lines.push(...lines);
    out.md.push(...x.md);
  });
  if (!out.lines.length) return { lines: [''], md: [0] };
  return out;
}

function indented(f: Out): Out {
  return { lines: f.lines.map((l) => (l.length ? '  ' + l : l)), md: f.md };
}

function mark(f: Out, line: number): Out {
  if (line) for (let i = 0; i < f.md.length; i++) if (!f.md[i]) f.md[i] = line;
  return f;
}

/** `{`, the statements indented, `}`. */
function braces(head: string | Out, body: Out): Out {
  return cat(head, '{\n', indented(body), '\n}');
}

class Printer {
  /** The next `sh.at(` printed is `sh.top(`. */
  private top = false;

  expr(e: Expr): Out {
    if (typeof e === 'string') return leaf(e);
    switch (e.k) {
      case 'at': {
        const name = this.top ? 'top' : 'at';
        this.top = false;
        return leaf(`sh.${name}(${e.line}${e.text === undefined ? '' : `, ${q(e.text)}`})`);
      }
      case 'call': {
        const on = this.expr(e.on);
        const args = e.args.map((a) => this.expr(a));
        if (e.tail && args.length > 1) {
          return cat(on, `.${e.name}(`, args[0]!, ',\n', indented(stack(args.slice(1), ',')), ')');
        }
        return cat(on, `.${e.name}(`, ...join(args, ', '), ')');
      }
      case 'array':
        return cat('[', ...join(e.items.map((x) => this.expr(x)), ', '), ']');
      case 'fn': {
        const b = unwrap(e.body);
        if (b.length === 1 && b[0]!.k === 'expr') return mark(cat('(sh) => ', this.expr(b[0].e)), b[0].line);
        if (b.length === 0) return leaf('async (sh) => sh.ok()');
        return braces('async (sh) => ', this.stmts(b));
      }
    }
  }

  /** An expression printed as the start of a top-level command when `top`. */
  exprAt(e: Expr, top: boolean): Out {
    if (top) this.top = true;
    const out = this.expr(e);
    if (top) this.top = false;
    return out;
  }

  stmts(list: readonly Stmt[], top: (i: number) => boolean = () => false): Out {
    const outs: Out[] = [];
    list.forEach((s, i) => {
      const prev = outs[outs.length - 1];
      // a trailing comment stays on the line of the statement it follows
      if (s.k === 'comment' && s.trailing && prev) prev.lines[prev.lines.length - 1] += ` ${comment(s.text)}`;
      else outs.push(this.stmt(s, top(i)));
    });
    return stack(outs);
  }

  stmt(s: Stmt, top = false): Out {
    if (top) this.top = true;
    const out = this.print(s);
    if (top) this.top = false;
    return mark(out, s.line);
  }

  private print(s: Stmt): Out {
    switch (s.k) {
      case 'expr':
        return cat('await ', this.expr(s.e), ';');
      case 'comment':
        return leaf(comment(s.text));
      case 'none':
        return leaf('');
      case 'island':
        return stack([leaf(`// bash island: ${s.why.replace(/\n/g, ' ')}`), cat('await ', this.expr({ k: 'at', line: s.line }), `.island(${q(s.text)});`)]);
      case 'block':
        return braces('', this.stmts(unwrap(s.body)));
      case 'if': {
        const parts: (Out | string)[] = [];
        s.branches.forEach((b, i) => {
          parts.push(i === 0 ? 'if (await ' : ' else if (await ', this.expr(b.cond), ') ', braces('', this.stmts(unwrap(b.body))));
        });
        parts.push(s.else ? braces(' else ', this.stmts(unwrap(s.else))) : ' else sh.ok();');
        return cat(...parts);
      }
      case 'switch': {
        const head = cat('switch (await ', this.expr(s.on), ') ');
        const cases = s.cases.map((body, i) => {
          const inner = body.length ? stack([this.stmts(unwrap(body)), leaf('break;')]) : leaf('break;');
          return stack([leaf(`case ${i}:`), indented(inner)]);
        });
        return braces(head, stack(cases));
      }
    }
  }
}

/**
 * A body that is one `{ … }` alone is that block's statements: no `{ { … } }` (a TS block of
 * generated statements declares nothing, so the inner braces change nothing).
 */
function unwrap(body: readonly Stmt[]): readonly Stmt[] {
  let b = body;
  while (b.length === 1 && b[0]!.k === 'block') b = b[0].body;
  return b;
}

/** A bash comment as a line comment (U+2028/U+2029 would end a JS one: compiler/escape.ts). */
export function comment(text: string): string {
  return `//${escapeText(text, 'line-comment')}`;
}

function join(xs: Out[], sep: string): (Out | string)[] {
  const out: (Out | string)[] = [];
  xs.forEach((x, i) => {
    if (i) out.push(sep);
    out.push(x);
  });
  return out;
}

function done(o: Out): Printed {
  return { text: o.lines.join('\n'), lines: o.md };
}

/** Statements, one after the other; `top(i)`: statement i starts a top-level command. */
export function printStmts(list: readonly Stmt[], top: (i: number) => boolean = () => false): Printed {
  return done(new Printer().stmts(list, top));
}

/** An expression's text. */
export function printExpr(e: Expr): string {
  return done(new Printer().expr(e)).text;
}

/** A statement as the text of an expression (an expression statement) or of a statement. */
export function printCode(s: Stmt, top = false): { expr: string } | { stmt: string } {
  const p = new Printer();
  if (s.k === 'expr') return { expr: done(p.exprAt(s.e, top)).text };
  return { stmt: done(p.stmt(s, top)).text };
}
