/**
 * The typed tier's `$`: a zx-compatible tagged template that builds a command (argv words,
 * per-stage redirects, `.pipe()`). A command is used in one of two ways:
 *
 * - handed to a statement (`ts.run`, `ts.text`, `ts.capture`: ./typed.ts), it runs as bash runs
 *   the same words, through the shell's own command path (function/builtin lookup, the
 *   exec-handler chain, fds 0–2, errexit/ERR trap, `$?`) — what the compiled typed tier emits:
 *
 *     await ts.top(63).run($`head -1 ${v.PLAN_FILE}`.pipe($`sed -e ${'s/^# //'}`))
 *
 * - awaited itself (`await $\`git rev-parse HEAD\``, `.text()`, `.lines()`, `.json()`,
 *   `.nothrow()`, `.quiet()`, `.exitCode`), it is a zx command: zx's own ProcessPromise runs it
 *   (./zx.ts) and resolves to zx's ProcessOutput, or rejects with it on a non-zero exit — with
 *   the block's shell as zx's `spawn`, so it still runs in the block's cwd and exported
 *   environment, reads the block's stdin and goes through the exec-handler chain (test stubs
 *   see its argv). Its output is captured (zx's default), not printed; its stderr is printed on
 *   the block's fd 2 unless `.quiet()`. `$?` and `set -e` are not touched: it is a TypeScript
 *   expression, not a bash statement. Only a `$` bound to a shell (`typed(sh)`, a ts block's
 *   scope) can be awaited.
 *
 * Word rules are zx's: the template's text splits on whitespace, an interpolation is one word
 * (an array is one word per element) glued to the text around it. The text itself must be plain
 * (no quotes, `$`, globs, operators): in zx it would be shell code, here it is literal, so
 * anything whose meaning could differ is refused; put such a word in `${'…'}`. Printed
 * (`toString`) with zx's quoting (./quote.ts).
 */
import type { ProcessOutput } from 'zx/core';
import type { Shell } from '../shell/shell.js';
import { r, w, type Redir, type WordLike } from '../shell/words.js';
import { isRef, type Ref } from './vars.js';
import { zxQuote } from './quote.js';

/** zx's rule for interpolating a command's result: its stdout without one trailing newline. */
export interface HasStdout {
  readonly stdout: string;
}

/** One interpolated value. */
export type Value = string | number | Ref | HasStdout;

/** What a `$` template may interpolate. */
export type Arg = Value | readonly Value[];

/** How an awaited command runs (zx's options). */
export interface ZxFlags {
  /** zx's `.nothrow()`: resolve with the ProcessOutput whatever the exit code. */
  readonly nothrow?: boolean;
  /** zx's `.quiet()`: the command's stderr is kept in the output only, not printed. */
  readonly quiet?: boolean;
}

/** `2>/dev/null` as `.quiet()` adds it (a statement runs it; an awaited command drops it for zx's quiet). */
const QUIET: Redir = Object.freeze(r('2>', '/dev/null'));

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
export class Cmd implements PromiseLike<ProcessOutput> {
  constructor(
    readonly stages: readonly Stage[],
    /** The shell an awaited command runs on (none: it can only be handed to a statement). */
    readonly shell?: Shell,
    readonly flags: ZxFlags = {},
  ) {}

  /** The same command, awaitable on `sh`. */
  on(sh: Shell): Cmd {
    return new Cmd(this.stages, sh, this.flags);
  }

  /** `this | next` */
  pipe(next: Cmd): Cmd {
    return new Cmd([...this.stages, ...next.stages], this.shell ?? next.shell, { ...next.flags, ...this.flags });
  }

  /** Redirects of the last stage, as the exact tier writes them (`r("2>", "/dev/null")`). */
  with(...redirs: Redir[]): Cmd {
    const last = this.stages[this.stages.length - 1]!;
    return new Cmd([...this.stages.slice(0, -1), { ...last, redirs: [...last.redirs, ...redirs] }], this.shell, this.flags);
  }

  /** `2>/dev/null` on the last stage; awaited: zx's `.quiet()` (stderr kept in the output, not printed). */
  quiet(): Cmd {
    const c = this.with(QUIET);
    return new Cmd(c.stages, c.shell, { ...this.flags, quiet: true });
  }

  /** zx's `.nothrow()` (awaited only): a non-zero exit resolves instead of rejecting. */
  nothrow(): Cmd {
    return new Cmd(this.stages, this.shell, { ...this.flags, nothrow: true });
  }

  /** The stages as an awaited command runs them: `.quiet()`'s redirect left to zx. */
  zxStages(): readonly Stage[] {
    if (!this.flags.quiet) return this.stages;
    return this.stages.map((s) => ({ ...s, redirs: s.redirs.filter((x) => x !== QUIET) }));
  }

  /** Run it as zx runs a command (./zx.ts): resolves to zx's ProcessOutput. */
  then<A = ProcessOutput, B = never>(
    onfulfilled?: ((value: ProcessOutput) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const sh = this.shell;
    const run: Promise<ProcessOutput> =
      sh === undefined
        ? Promise.reject(new Error(`$\`${this.toString()}\`: this $ is not bound to a shell; await the $ of typed(sh) or of a ts block, or hand the command to ts.run/ts.capture`))
        : import('./zx.js').then((m) => m.runZx(sh, this));
    return run.then(onfulfilled, onrejected);
  }

  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<ProcessOutput | B> {
    return this.then(undefined, onrejected);
  }

  finally(f?: (() => void) | null): Promise<ProcessOutput> {
    return this.then().finally(f);
  }

  /** zx: the exit code (never rejects). */
  get exitCode(): Promise<number | null> {
    return this.nothrow().then((o) => o.exitCode);
  }

  /** zx: stdout as text. */
  async text(encoding?: BufferEncoding): Promise<string> {
    return (await this).text(encoding);
  }

  /** zx: stdout split into lines. */
  async lines(): Promise<string[]> {
    return (await this).lines();
  }

  /** zx: stdout parsed as JSON. */
  async json<T = unknown>(): Promise<T> {
    return (await this).json<T>();
  }

  /** zx: stdout as bytes. */
  async buffer(): Promise<Buffer> {
    return (await this).buffer();
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

/** The `$` tag (not bound to a shell: its commands are for the statements only). */
export function $(strings: TemplateStringsArray, ...args: Arg[]): Cmd {
  return build(strings, args);
}

/** The `$` tag of `sh`: its commands may also be awaited as zx commands. */
export type Dollar = (strings: TemplateStringsArray, ...args: Arg[]) => Cmd;

/** The `$` whose commands run on `sh` when awaited. */
export function dollarOn(sh: Shell): Dollar {
  return (strings, ...args) => build(strings, args, sh);
}

function build(strings: TemplateStringsArray, args: readonly Arg[], sh?: Shell): Cmd {
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
  const value = (a: Value) => {
    if (isRef(a)) return add(a, `"$${a.ref}"`);
    const s = typeof a === 'object' ? a.stdout.replace(/\n$/, '') : String(a);
    add(s, zxQuote(s));
  };
  strings.forEach((t, i) => {
    text(t);
    if (i >= args.length) return;
    const a = args[i]!;
    if (Array.isArray(a)) {
      (a as readonly Value[]).forEach((x, j) => {
        if (j > 0) end();
        value(x);
      });
    } else value(a as Value);
  });
  end();
  if (words.length === 0) throw new Error('$`…`: empty command');
  const wordLikes = words.map((ps): WordLike => (ps.length === 1 && typeof ps[0] === 'string' ? ps[0] : w(...ps)));
  return new Cmd([{ words: wordLikes, redirs: [], text: shown.join(' ') }], sh);
}

/** A command from words given one by one (no splitting): `cmd('sm_transition', 'implement')`. */
export function cmd(...words: (string | number | Ref)[]): Cmd {
  const shown = words.map((x) => (isRef(x) ? `"$${x.ref}"` : zxQuote(String(x))));
  return new Cmd([{ words: words.map((x) => (isRef(x) ? x : String(x))), redirs: [], text: shown.join(' ') }]);
}
