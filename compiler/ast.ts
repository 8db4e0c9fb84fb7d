/**
 * cmdc's own AST for bash: plain, serialisable TypeScript objects, a discriminated union on
 * `kind`, independent of mvdan-sh (compiler/parse.ts is the only file that builds them).
 *
 * Contracts every consumer can rely on:
 * - Every node has `pos` and `end` (1-based line/col **in the .md file**, `end` exclusive, cols
 *   in JS string units) and `src`, the exact source text of the node (for islands, comments,
 *   messages).
 * - Operators are string unions (the `*_OPS` arrays below list every value), never numbers.
 * - Lists are always arrays (possibly empty); optional sub-nodes are `null` when absent.
 * - Anything the converter does not model becomes `Unsupported` with mvdan's node type name,
 *   never an exception: a translator turns it into a bash island.
 */

/** A 1-based position in the .md file. */
export interface Pos {
  line: number;
  col: number;
}

interface NodeBase {
  pos: Pos;
  end: Pos;
  src: string;
}

// ---------------------------------------------------------------------------------------------
// Operators (the arrays are the single source of truth; the types are derived from them)

export const BINARY_CMD_OPS = ['&&', '||', '|', '|&'] as const;
export type BinaryCmdOp = (typeof BINARY_CMD_OPS)[number];

export const REDIRECT_OPS = [
  '>', '>>', '<', '<>', '>&', '<&', '>|', '&>', '&>>', '<<', '<<-', '<<<',
] as const;
export type RedirectOp = (typeof REDIRECT_OPS)[number];

export const CASE_OPS = [';;', ';&', ';;&'] as const;
export type CaseOp = (typeof CASE_OPS)[number];

export const PARAM_EXP_OPS = [
  ':-', '-', ':=', '=', ':?', '?', ':+', '+', '#', '##', '%', '%%', '^', '^^', ',', ',,', '~', '~~', '@',
] as const;
export type ParamExpOp = (typeof PARAM_EXP_OPS)[number];

export const BINARY_TEST_OPS = [
  '=~', '==', '=', '!=', '<', '>', '-nt', '-ot', '-ef',
  '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '&&', '||',
] as const;
export type BinaryTestOp = (typeof BINARY_TEST_OPS)[number];

export const UNARY_TEST_OPS = [
  '!', '-e', '-f', '-d', '-c', '-b', '-p', '-S', '-L', '-k', '-g', '-u', '-G', '-O', '-N',
  '-r', '-w', '-x', '-s', '-t', '-z', '-n', '-o', '-v', '-R',
] as const;
export type UnaryTestOp = (typeof UNARY_TEST_OPS)[number];

export const BINARY_ARITHM_OPS = [
  '+', '-', '*', '/', '%', '**', '==', '!=', '<', '<=', '>', '>=', '&', '|', '^', '<<', '>>',
  '&&', '||', ',', '=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=',
] as const;
export type BinaryArithmOp = (typeof BINARY_ARITHM_OPS)[number];

export const UNARY_ARITHM_OPS = ['++', '--', '+', '-', '!', '~'] as const;
export type UnaryArithmOp = (typeof UNARY_ARITHM_OPS)[number];

export const PROC_SUBST_OPS = ['<(', '>('] as const;
export type ProcSubstOp = (typeof PROC_SUBST_OPS)[number];

export const EXT_GLOB_OPS = ['?(', '*(', '+(', '@(', '!('] as const;
export type ExtGlobOp = (typeof EXT_GLOB_OPS)[number];

export const DECL_VARIANTS = ['declare', 'local', 'export', 'readonly', 'typeset', 'nameref'] as const;
export type DeclVariant = (typeof DECL_VARIANTS)[number];

// ---------------------------------------------------------------------------------------------
// File and statements

export interface File extends NodeBase {
  kind: 'File';
  stmts: Stmt[];
  /** Every comment in the block, in source order (including those inside commands). */
  comments: Comment[];
}

export interface Comment extends NodeBase {
  kind: 'Comment';
  /** Text after the `#`. */
  text: string;
}

/**
 * One statement: a command with its redirects and modifiers. `src` is the whole statement,
 * extended to include the bodies and delimiter lines of heredocs it starts (so `src` alone
 * runs as a bash island). When part of a statement cannot be converted, `cmd` is an
 * Unsupported whose src equals this src and `redirs` is [].
 */
export interface Stmt extends NodeBase {
  kind: 'Stmt';
  /** null for a statement made only of redirects, e.g. `> file`. */
  cmd: Command | null;
  redirs: Redirect[];
  /** `! cmd` */
  negated: boolean;
  /** `cmd &` */
  background: boolean;
  /** `cmd |&` as the left side of a coprocess pipe (mksh); always false for bash. */
  coprocess: boolean;
}

export type Command =
  | CallExpr
  | BinaryCmd
  | IfClause
  | WhileClause
  | ForClause
  | CaseClause
  | Block
  | Subshell
  | FuncDecl
  | DeclClause
  | TestClause
  | ArithmCmd
  | LetClause
  | TimeClause
  | CoprocClause
  | Unsupported;

export type CommandKind = Command['kind'];

/** A simple command: `A=1 B=2 cmd arg...`; `args` may be empty (assignments only). */
export interface CallExpr extends NodeBase {
  kind: 'CallExpr';
  assigns: Assign[];
  args: Word[];
}

/** `x && y`, `x || y`, `x | y`, `x |& y`. Chains nest as bash groups them (left-assoc for && ||). */
export interface BinaryCmd extends NodeBase {
  kind: 'BinaryCmd';
  op: BinaryCmdOp;
  x: Stmt;
  y: Stmt;
}

/** `if cond; then ...; elif c2; then ...; else ...; fi`, with the elif chain flattened. */
export interface IfClause extends NodeBase {
  kind: 'IfClause';
  cond: Stmt[];
  then: Stmt[];
  elifs: Elif[];
  /** null when there is no `else`; [] for an empty else is not valid bash. */
  else: Stmt[] | null;
}

export interface Elif extends NodeBase {
  kind: 'Elif';
  cond: Stmt[];
  then: Stmt[];
}

/** `while cond; do body; done` or `until ...` (until = true). */
export interface WhileClause extends NodeBase {
  kind: 'WhileClause';
  until: boolean;
  cond: Stmt[];
  body: Stmt[];
}

export interface ForClause extends NodeBase {
  kind: 'ForClause';
  /** `select x in ...` instead of `for`. */
  select: boolean;
  loop: WordIter | CStyleLoop;
  body: Stmt[];
}

/** `for name in items` ; items is null for `for name; do` (iterates "$@"). */
export interface WordIter extends NodeBase {
  kind: 'WordIter';
  name: string;
  items: Word[] | null;
}

/** `for ((init; cond; post))`; each part may be empty (null). */
export interface CStyleLoop extends NodeBase {
  kind: 'CStyleLoop';
  init: ArithExpr | null;
  cond: ArithExpr | null;
  post: ArithExpr | null;
}

export interface CaseClause extends NodeBase {
  kind: 'CaseClause';
  word: Word;
  items: CaseItem[];
}

export interface CaseItem extends NodeBase {
  kind: 'CaseItem';
  patterns: Word[];
  stmts: Stmt[];
  op: CaseOp;
}

/** `{ ...; }` */
export interface Block extends NodeBase {
  kind: 'Block';
  stmts: Stmt[];
}

/** `( ... )` */
export interface Subshell extends NodeBase {
  kind: 'Subshell';
  stmts: Stmt[];
}

/** `name() body` or `function name body`. */
export interface FuncDecl extends NodeBase {
  kind: 'FuncDecl';
  name: string;
  /** Written with the `function` keyword. */
  keyword: boolean;
  body: Stmt;
}

/**
 * `declare|local|export|readonly|typeset|nameref [opts] args`.
 * - `opts`: literal words starting with `-` or `+` (e.g. `-r`, `-a`, `+x`), in order.
 * - `assigns`: `name`, `name=value`, `name+=v`, `name=(...)`; a bare name has naked = true.
 * - `words`: other name-less arguments evaluated at run time (e.g. `export "$spec"`).
 */
export interface DeclClause extends NodeBase {
  kind: 'DeclClause';
  variant: DeclVariant;
  opts: Word[];
  assigns: Assign[];
  words: Word[];
}

/** `[[ expr ]]` */
export interface TestClause extends NodeBase {
  kind: 'TestClause';
  expr: TestExpr;
}

export type TestExpr = BinaryTest | UnaryTest | ParenTest | Word;

export interface BinaryTest extends NodeBase {
  kind: 'BinaryTest';
  op: BinaryTestOp;
  x: TestExpr;
  y: TestExpr;
}

export interface UnaryTest extends NodeBase {
  kind: 'UnaryTest';
  op: UnaryTestOp;
  x: TestExpr;
}

export interface ParenTest extends NodeBase {
  kind: 'ParenTest';
  x: TestExpr;
}

/** `(( expr ))` */
export interface ArithmCmd extends NodeBase {
  kind: 'ArithmCmd';
  expr: ArithExpr;
}

/** `let expr...` */
export interface LetClause extends NodeBase {
  kind: 'LetClause';
  exprs: ArithExpr[];
}

/** `time [-p] stmt`; stmt is null for a bare `time`. */
export interface TimeClause extends NodeBase {
  kind: 'TimeClause';
  posix: boolean;
  stmt: Stmt | null;
}

/** `coproc [name] stmt` */
export interface CoprocClause extends NodeBase {
  kind: 'CoprocClause';
  name: string | null;
  stmt: Stmt;
}

/** A node cmdc does not model (mvdan's type name kept); translate it as a bash island. */
export interface Unsupported extends NodeBase {
  kind: 'Unsupported';
  nodeType: string;
}

// ---------------------------------------------------------------------------------------------
// Assignments and redirects

/**
 * `name=value`, `name+=value`, `name[i]=value`, `name=(a b [k]=c)`, or a bare `name`
 * (naked: only inside a DeclClause, e.g. `local x`).
 */
export interface Assign extends NodeBase {
  kind: 'Assign';
  name: string;
  append: boolean;
  naked: boolean;
  /** null for `name=` with nothing after it (empty string), for naked names, and for arrays. */
  value: Word | null;
  /** `name[index]=...` */
  index: ArithExpr | null;
  /** `name=(...)`; null when not an array assignment. */
  array: ArrayElem[] | null;
}

export interface ArrayElem extends NodeBase {
  kind: 'ArrayElem';
  /** `[k]=v` */
  index: ArithExpr | null;
  /** null for `[k]=` (empty). */
  value: Word | null;
}

export interface Redirect extends NodeBase {
  kind: 'Redirect';
  op: RedirectOp;
  /** Explicit fd or `{var}` before the operator, e.g. "2" in `2>&1`; null when absent. */
  n: string | null;
  /** Target: a file name, an fd (`&2` → word "2"), `-`, a heredoc delimiter, or a `<<<` word. */
  word: Word;
  /**
   * Heredoc body (`<<`, `<<-`) without the delimiter line; null for other ops. A single Lit
   * when hdocQuoted; otherwise Lit parts keep backslashes as written (bash's heredoc rules
   * apply: only \$ \` \\ and \newline are escapes). For `<<-` the leading tabs of every line
   * are already removed from the Lit values (their src still shows them).
   */
  hdoc: Word | null;
  /** Delimiter was quoted (`<<'EOF'`, `<<"EOF"`, `<<\EOF`): body is not expanded. */
  hdocQuoted: boolean;
}

// ---------------------------------------------------------------------------------------------
// Words

export interface Word extends NodeBase {
  kind: 'Word';
  parts: WordPart[];
}

export type WordPart =
  | Lit
  | SglQuoted
  | DblQuoted
  | ParamExp
  | CmdSubst
  | ArithmExp
  | ProcSubst
  | ExtGlob
  | BraceExp;

export type WordPartKind = WordPart['kind'];

/** Unquoted literal text, backslash escapes kept as written (e.g. `a\ b`; quote removal is the translator's). */
export interface Lit extends NodeBase {
  kind: 'Lit';
  value: string;
}

/** `'...'` or `$'...'` (dollar; value is the raw text between the quotes, escapes unexpanded). */
export interface SglQuoted extends NodeBase {
  kind: 'SglQuoted';
  value: string;
  dollar: boolean;
}

/** `"..."` or `$"..."` (dollar). Lit parts inside keep their backslashes as written. */
export interface DblQuoted extends NodeBase {
  kind: 'DblQuoted';
  parts: WordPart[];
  dollar: boolean;
}

/**
 * `$x`, `${x}`, and every `${...}` form. Exactly one of length / width / slice / repl / names /
 * exp is set for the operator forms; index may combine with any of them (`${#A[@]}`).
 */
export interface ParamExp extends NodeBase {
  kind: 'ParamExp';
  /** `$x` without braces. */
  short: boolean;
  /** `${!x}` indirect expansion (or `${!A[@]}` keys, `${!pre*}` with names). */
  excl: boolean;
  /** `${#x}` */
  length: boolean;
  /** `${%x}` (mksh); always false for bash. */
  width: boolean;
  /** Name: `x`, `1`, `@`, `*`, `#`, `?`, `$`, `!`, `-`, `0`. */
  param: string;
  /** `${A[i]}`; `${A[@]}` / `${A[*]}` have index = Word "@" / "*". */
  index: ArithExpr | null;
  /** `${x:offset}` / `${x:offset:length}` */
  slice: { offset: ArithExpr; length: ArithExpr | null } | null;
  /**
   * `${x/orig/with}` (all = false), `${x//orig/with}` (all = true); `${x/#orig/with}` and
   * `${x/%orig/with}` set anchor. `with` is null for `${x/orig}`.
   */
  repl: { all: boolean; anchor: '#' | '%' | null; orig: Word; with: Word | null } | null;
  /** `${!prefix*}` / `${!prefix@}` */
  names: '*' | '@' | null;
  /** `${x:-w}` etc.; word is null when empty (`${x:-}`). `@` is `${x@Q}` with word "Q". */
  exp: { op: ParamExpOp; word: Word | null } | null;
}

/** `$(...)` or backquotes. */
export interface CmdSubst extends NodeBase {
  kind: 'CmdSubst';
  stmts: Stmt[];
  backquotes: boolean;
}

/** `$((...))` or the old `$[...]` (bracket). */
export interface ArithmExp extends NodeBase {
  kind: 'ArithmExp';
  expr: ArithExpr;
  bracket: boolean;
}

/** `<(...)` / `>(...)` */
export interface ProcSubst extends NodeBase {
  kind: 'ProcSubst';
  op: ProcSubstOp;
  stmts: Stmt[];
}

/** `?(pat)`, `*(pat)`, ...: pattern is the raw text between the parentheses. */
export interface ExtGlob extends NodeBase {
  kind: 'ExtGlob';
  op: ExtGlobOp;
  pattern: string;
}

/**
 * `{a,b}` or `{1..5}` / `{a..e..2}` (sequence). Produced only in words bash brace-expands
 * (command arguments, `for` items, array elements), never in assignments, `[[ ]]`, case
 * patterns or redirects; each elem is a Word (a sequence has 2 or 3 Lit elems).
 */
export interface BraceExp extends NodeBase {
  kind: 'BraceExp';
  sequence: boolean;
  elems: Word[];
}

// ---------------------------------------------------------------------------------------------
// Arithmetic

export type ArithExpr = BinaryArithm | UnaryArithm | ParenArithm | TernaryArithm | Word;

export interface BinaryArithm extends NodeBase {
  kind: 'BinaryArithm';
  op: BinaryArithmOp;
  x: ArithExpr;
  y: ArithExpr;
}

/** `a ? b : c` */
export interface TernaryArithm extends NodeBase {
  kind: 'TernaryArithm';
  cond: ArithExpr;
  then: ArithExpr;
  else: ArithExpr;
}

/** `-x`, `!x`, `++x`, and postfix `x++` / `x--` (post = true). */
export interface UnaryArithm extends NodeBase {
  kind: 'UnaryArithm';
  op: UnaryArithmOp;
  post: boolean;
  x: ArithExpr;
}

export interface ParenArithm extends NodeBase {
  kind: 'ParenArithm';
  x: ArithExpr;
}

// ---------------------------------------------------------------------------------------------

export type Node =
  | File
  | Comment
  | Stmt
  | Command
  | Elif
  | WordIter
  | CStyleLoop
  | CaseItem
  | Assign
  | ArrayElem
  | Redirect
  | Word
  | WordPart
  | TestExpr
  | ArithExpr;

export type NodeKind = Node['kind'];
