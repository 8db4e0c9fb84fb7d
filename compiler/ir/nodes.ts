/**
 * The IR of generated code: what the exact-tier translators (compiler/translate/) return instead
 * of text. Statements carry the .md line they came from; expressions are calls on the shell
 * (`sh.at(N).cmd([...])`), closures over it (`(sh) => …`) and leaves of TS expression text
 * (words, string literals, redirects: compiler/translate/word/). compiler/ir/print.ts prints
 * it — indentation, the `sh.at(line[, text])` marks and comments — with the .md line of every
 * printed line.
 */

/** An expression: a leaf of TS text, or a node. */
export type Expr = string | At | Call | Fn | ArrayLit;

/** `sh.at(line[, text])`: the statement's .md line (and its `$BASH_COMMAND` text) — `sh.top(…)` when it starts a top-level command. */
export interface At {
  readonly k: 'at';
  readonly line: number;
  readonly text?: string;
}

/** `on.name(args)`; `tail`: the arguments after the first, one per line (indented). */
export interface Call {
  readonly k: 'call';
  readonly on: Expr;
  readonly name: string;
  readonly args: readonly Expr[];
  readonly tail?: boolean;
}

/** `(sh) => expr` for one expression statement, else `async (sh) => { … }` (`sh.ok()` when empty). */
export interface Fn {
  readonly k: 'fn';
  readonly body: readonly Stmt[];
}

/** `[a, b]` */
export interface ArrayLit {
  readonly k: 'array';
  readonly items: readonly Expr[];
}

interface Lined {
  /** The .md line of the statement (0: none, the enclosing statement's). */
  readonly line: number;
}

/** A statement. */
export type Stmt =
  /** `await e;` */
  | (Lined & { readonly k: 'expr'; readonly e: Expr })
  /** `//text` (text escaped for a line comment); `trailing`: it ends the line of the statement before it, printed there. */
  | (Lined & { readonly k: 'comment'; readonly text: string; readonly trailing?: boolean })
  /** `if (await c) {…} else if … else {…}`; `else sh.ok();` without else. */
  | (Lined & { readonly k: 'if'; readonly branches: readonly { readonly cond: Expr; readonly body: readonly Stmt[] }[]; readonly else: readonly Stmt[] | null })
  /** `switch (await on) { case 0: … break; … }` */
  | (Lined & { readonly k: 'switch'; readonly on: Expr; readonly cases: readonly (readonly Stmt[])[] })
  /** `{ … }` */
  | (Lined & { readonly k: 'block'; readonly body: readonly Stmt[] })
  /** A bash island: `// bash island: why` then `await sh.at(line).island("text");` */
  | (Lined & { readonly k: 'island'; readonly why: string; readonly text: string })
  /** Nothing (a placeholder a caller replaces). */
  | (Lined & { readonly k: 'none' });

export function at(line: number, text?: string): At {
  return text === undefined ? { k: 'at', line } : { k: 'at', line, text };
}

export function call(on: Expr, name: string, args: readonly Expr[], tail?: boolean): Call {
  return tail ? { k: 'call', on, name, args, tail } : { k: 'call', on, name, args };
}

export function fn(body: readonly Stmt[]): Fn {
  return { k: 'fn', body };
}

export function exprStmt(e: Expr, line: number): Stmt {
  return { k: 'expr', e, line };
}

/** The leaves given, the missing ones (undefined/null/'') left out. */
export function present(...xs: (Expr | undefined | null)[]): Expr[] {
  return xs.filter((x): x is Expr => x !== undefined && x !== null && x !== '');
}
