/**
 * The typed tier's IR: what compiler/typed/analyze.ts proves a statement can be (a `$` command,
 * an echo, a state append, an assignment, a `[ ]` test as a TS condition) or the exact tier's
 * code for it, each node with the .md line it came from; compiler/typed/print.ts prints it.
 */
import type { Code } from '../translate/common.js';

/** A piece of a word: literal text, or `"$NAME"`. */
export type Piece = { readonly lit: string } | { readonly ref: string };

/** A word (pieces concatenated, never split or globbed). */
export type Text = readonly Piece[];

/** A redirect of a typed command: `2>/dev/null` (`.quiet()`), `>/dev/null` (`.silent()`), or the exact tier's `r(...)`. */
export type Redir = { readonly k: 'quiet' } | { readonly k: 'silent' } | { readonly k: 'r'; readonly code: string };

/** One command of a `$` template: its words and its redirects. */
export interface Stage {
  readonly words: readonly Text[];
  readonly redirs: readonly Redir[];
}

export interface Cmd {
  readonly stages: readonly Stage[];
}

/** An assigned value: text, `$(cmd)` alone, or text glued to one `$(cmd)` (`"impl_$(date +%s)"`). */
export type Value = { readonly text: Text } | { readonly sub: Cmd } | { readonly mix: readonly (Piece | { readonly sub: Cmd })[] };

/** A `[ … ]` test computed in TS. */
export interface Test {
  readonly op: '-z' | '-n' | '=' | '!=';
  readonly x: Text;
  readonly y: Text | null;
}

interface At {
  /** The .md line of the statement. */
  readonly line: number;
  /** It starts a new top-level command of the block (`top` instead of `at`). */
  readonly top: boolean;
  /**
   * A simple statement's `$BASH_COMMAND` text when it differs from its expanded words
   * (compiler/translate/command-text.ts), given with the line as the exact tier gives it.
   */
  readonly shown?: string;
}

export type Node =
  | (At & { readonly k: 'exact'; readonly code: Code })
  | { readonly k: 'comment'; readonly code: Code }
  | (At & { readonly k: 'run'; readonly cmd: Cmd })
  | (At & { readonly k: 'echo'; readonly text: Text; readonly fd: 1 | 2 })
  | (At & { readonly k: 'append'; readonly entries: readonly (readonly [string, Piece])[] })
  | (At & { readonly k: 'set'; readonly vars: readonly (readonly [string, Value])[] })
  | (At & { readonly k: 'is'; readonly test: Test })
  | (At & { readonly k: 'lib'; readonly method: string; readonly args: readonly Text[]; readonly redirs: readonly Redir[] })
  | (At & { readonly k: 'exit'; readonly code: Text | null })
  | (At & { readonly k: 'export'; readonly names: readonly string[] })
  | (At & { readonly k: 'source'; readonly file: Text; readonly redirs: readonly Redir[] })
  | (At & { readonly k: 'if'; readonly branches: readonly Branch[]; readonly else: readonly Node[] | null })
  | (At & { readonly k: 'list'; readonly op: '&&' | '||'; readonly items: readonly Node[] })
  | (At & { readonly k: 'block'; readonly body: readonly Node[] })
  // a compound command the exact tier runs as `sh.<method>(…)` (for, while, fn, subshell, group,
  // pipe) whose body closures are walked: `args` are the exact tier's code and bodies, in order
  | (At & { readonly k: 'call'; readonly method: string; readonly args: readonly (string | Body)[] })
  // `case` (`;;` items only): `switch (await sh.at(N).case(subject, pats…)) { case i: … }`
  | (At & { readonly k: 'switch'; readonly head: string; readonly items: readonly (readonly Node[])[] });

/**
 * A body closure `(sh) => …` of a compound command. `own`: it may run on another shell than the
 * enclosing code (a subshell's or pipeline stage's fork, a function called from anywhere), so it
 * binds its own typed scope to the `sh` it is given (`const { v, ts } = typed<State>(sh)`).
 */
export interface Body {
  readonly body: readonly Node[];
  readonly own: boolean;
}

export interface Branch {
  /** A typed `is` node, or the exact condition (its statements as one exact node). */
  readonly cond: Node;
  readonly body: readonly Node[];
}

/** Statements per tier (simple commands; those inside `$( )` not counted separately). */
export interface TierStats {
  typed: number;
  exact: number;
  /** Typed statements by form. */
  forms: Record<string, number>;
  /** Exact statements by the reason they have no typed form (compiler/typed/fallback.ts). */
  fallbacks: Record<string, number>;
}
