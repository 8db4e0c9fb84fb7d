/**
 * The typed tier's `$`: a zx-compatible tagged template that builds a command (argv words,
 * per-stage redirects, `.pipe()`), run by {@link Typed.run} through the shell's own command path
 * (function/builtin lookup, the exec-handler chain, fds 0–2, errexit/ERR trap, `$?`).
 *
 *   $`head -1 ${v.PLAN_FILE}`.pipe($`sed -e ${'s/^# //'}`)
 *
 * Word rules are zx's: the template's text splits on whitespace, an interpolation is one word
 * (an array is one word per element) glued to the text around it. The text itself must be plain
 * (no quotes, `$`, globs, operators): in zx it would be shell code, here it is literal, so
 * anything whose meaning could differ is refused; put such a word in `${'…'}`. Printed
 * (`toString`) with zx's quoting (./quote.ts).
 */
import { r, w, type Redir, type WordLike } from '../shell/words.js';
import { isRef, type Ref } from './vars.js';
import { zxQuote } from './quote.js';

/** What a `$` template may interpolate. */
export type Arg = string | number | Ref | readonly (string | number | Ref)[];

/** One command of a pipeline: its words and its redirects. */
export interface Stage {
  readonly words: readonly WordLike[];
  readonly redirs: readonly Redir[];
  /** The command as zx would print it. */
  readonly text: string;
}

/** Template text that reads the same as literal words in bash. */
const PLAIN = /^[A-Za-z0-9_\-+.,/:=@%^\s]*$/;

/** A command built by `$`: one stage, or several joined by `.pipe()`. */
export class Cmd {
  constructor(readonly stages: readonly Stage[]) {}

  /** `this | next` */
  pipe(next: Cmd): Cmd {
    return new Cmd([...this.stages, ...next.stages]);
  }

  /** Redirects of the last stage, as the exact tier writes them (`r("2>", "/dev/null")`). */
  with(...redirs: Redir[]): Cmd {
    const last = this.stages[this.stages.length - 1]!;
    return new Cmd([...this.stages.slice(0, -1), { ...last, redirs: [...last.redirs, ...redirs] }]);
  }

  /** `2>/dev/null` on the last stage. */
  quiet(): Cmd {
    return this.with(r('2>', '/dev/null'));
  }

  /** `>/dev/null` on the last stage. */
  silent(): Cmd {
    return this.with(r('>', '/dev/null'));
  }

  toString(): string {
    return this.stages.map((s) => s.text).join(' | ');
  }
}

type Piece = string | Ref;

/** The `$` tag. */
export function $(strings: TemplateStringsArray, ...args: Arg[]): Cmd {
  const words: Piece[][] = [];
  const shown: string[] = [];
  let cur: Piece[] | null = null;
  let curShown = '';
  const end = () => {
    if (cur !== null) {
      words.push(cur);
      shown.push(curShown);
    }
    cur = null;
    curShown = '';
  };
  const add = (p: Piece, s: string) => {
    if (cur === null) cur = [];
    cur.push(p);
    curShown += s;
  };
  const text = (t: string) => {
    if (!PLAIN.test(t)) throw new Error(`$\`…\`: ${JSON.stringify(t)} is shell syntax, not plain words: interpolate it as \${'…'}`);
    for (const piece of t.split(/(\s+)/)) {
      if (piece === '') continue;
      if (/^\s+$/.test(piece)) end();
      else add(piece, piece);
    }
  };
  const value = (a: string | number | Ref) => (isRef(a) ? add(a, `"$${a.ref}"`) : add(String(a), zxQuote(String(a))));
  strings.forEach((t, i) => {
    text(t);
    if (i >= args.length) return;
    const a = args[i]!;
    if (Array.isArray(a)) {
      (a as readonly (string | number | Ref)[]).forEach((x, j) => {
        if (j > 0) end();
        value(x);
      });
    } else value(a as string | number | Ref);
  });
  end();
  if (words.length === 0) throw new Error('$`…`: empty command');
  const wordLikes = words.map((ps): WordLike => (ps.length === 1 && typeof ps[0] === 'string' ? ps[0] : w(...ps)));
  return new Cmd([{ words: wordLikes, redirs: [], text: shown.join(' ') }]);
}

/** A command from words given one by one (no splitting): `cmd('sm_transition', 'implement')`. */
export function cmd(...words: (string | number | Ref)[]): Cmd {
  const shown = words.map((x) => (isRef(x) ? `"$${x.ref}"` : zxQuote(String(x))));
  return new Cmd([{ words: words.map((x) => (isRef(x) ? x : String(x))), redirs: [], text: shown.join(' ') }]);
}
