/**
 * Compiler diagnostics: the Diagnostic shape, one factory per stable kebab-case id (all ids are
 * defined here and nowhere else, TypeScriptToLua style), and the formatter that prints
 * `file.md:12:5: error[parse-error]: message` followed by a code frame, plus the summary line.
 *
 * Positions are 1-based line:col in the .md file. To add a diagnostic, add one
 * `export const name = define('the-id', 'error', (args...) => ({ message, hint }))` below.
 */
import { codeFrameColumns } from '@babel/code-frame';
import picocolors from 'picocolors';

export type Severity = 'error' | 'warning' | 'info';

export interface Diagnostic {
  /** Stable kebab-case id, e.g. "parse-error". */
  id: string;
  severity: Severity;
  message: string;
  /** The .md file (as given to the compiler). */
  file: string;
  /** 1-based line in the .md file. */
  line: number;
  /** 1-based column in the .md file. */
  col: number;
  endLine?: number;
  endCol?: number;
  hint?: string;
}

/** Where a diagnostic points: a file and a 1-based position, optionally a range. */
export interface Location {
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

/** The location of an AST node (compiler/ast.ts nodes carry pos/end). */
export function locationOf(
  file: string,
  node: { pos: { line: number; col: number }; end?: { line: number; col: number } },
): Location {
  const loc: Location = { file, line: node.pos.line, col: node.pos.col };
  if (node.end) {
    loc.endLine = node.end.line;
    loc.endCol = node.end.col;
  }
  return loc;
}

/** A diagnostic factory: call it with a location and its arguments; `.id`/`.severity` say what it makes. */
export type DiagnosticFactory<A extends unknown[]> = ((at: Location, ...args: A) => Diagnostic) & {
  readonly id: string;
  readonly severity: Severity;
};

function define<A extends unknown[]>(
  id: string,
  severity: Severity,
  render: (...args: A) => { message: string; hint?: string },
): DiagnosticFactory<A> {
  const make = (at: Location, ...args: A): Diagnostic => {
    const { message, hint } = render(...args);
    const d: Diagnostic = { id, severity, message, file: at.file, line: at.line, col: at.col };
    if (at.endLine !== undefined) d.endLine = at.endLine;
    if (at.endCol !== undefined) d.endCol = at.endCol;
    if (hint !== undefined) d.hint = hint;
    return d;
  };
  return Object.assign(make, { id, severity });
}

// ---------------------------------------------------------------------------------------------
// The diagnostics (one per id)

/** Bash that mvdan-sh cannot parse; the block becomes a bash island (or fails with --strict). */
export const parseError = define('parse-error', 'error', (message: string, hint?: string) => ({
  message,
  hint,
}));

/** The bash parser itself failed (crash, stack overflow): a bug or a pathological input. */
export const parserInternalError = define('parser-internal-error', 'error', (detail: string) => ({
  message: `the bash parser failed on this block: ${detail}`,
  hint: 'the block is kept as a bash island; please report this input',
}));

/** The YAML frontmatter does not parse; the compiler falls back to reading `key: value` lines. */
export const frontmatterYamlError = define('frontmatter-yaml-error', 'warning', (message: string) => ({
  message: `frontmatter is not valid YAML: ${message}`,
  hint: 'values were read as plain text, line by line; quote values that contain [ ] { } : # or a leading * & !',
}));

/** The frontmatter is valid YAML but not a mapping of keys to values. */
export const frontmatterNotMapping = define('frontmatter-not-mapping', 'error', (found: string) => ({
  message: `frontmatter must be a mapping of keys to values, found ${found}`,
}));

/** A `---` first line with no closing `---`: not treated as frontmatter. */
export const frontmatterUnclosed = define('frontmatter-unclosed', 'warning', () => ({
  message: 'the file starts with --- but the frontmatter is never closed by a --- line',
  hint: 'the text is read as markdown, not as frontmatter',
}));

/** A code fence that is never closed runs to the end of the document (CommonMark). */
export const unclosedFence = define('unclosed-fence', 'warning', (fence: string) => ({
  message: `code fence ${fence} is never closed: it runs to the end of its container`,
}));

// --- arguments (compiler/arguments.ts) -------------------------------------------------------

/** `'…$ARGUMENTS…'`: Claude Code pastes the text inside single quotes; a `'` in it ends them. */
export const argumentSingleQuoted = define('argument-single-quoted', 'warning', (ref: string, safe: string) => ({
  message: `${ref} is inside single quotes: Claude Code pastes the argument text there, so an argument containing ' ends the quoting and the rest runs as code`,
  hint: `cmdc passes the argument as data (${safe}), which is what the quotes meant for arguments without '`,
}));

/** Unquoted `$ARGUMENTS` / `$N`: the pasted text is re-read by bash (split, globbed, run). */
export const argumentUnquoted = define('argument-unquoted', 'warning', (ref: string, safe: string) => ({
  message: `${ref} is not quoted: Claude Code pastes the argument text here and bash re-reads it as code (quotes, $, backticks, ; in it take effect)`,
  hint: `cmdc passes the argument as data: ${safe}; quote it ("${ref}") to say so in the source`,
}));

/** `$ARGUMENTS` in an unquoted heredoc body: bash expands $ and backticks in the pasted text. */
export const argumentInHeredoc = define('argument-in-heredoc', 'info', (ref: string) => ({
  message: `${ref} is in a heredoc whose delimiter is not quoted: with Claude Code's textual substitution, $ and backticks in the argument would be expanded`,
  hint: 'cmdc inserts the argument text verbatim (as data)',
}));

/** `$1` inside a function body is still substituted by Claude Code (it is text, not a positional parameter). */
export const argumentInFunction = define('argument-in-function', 'warning', (ref: string, fn: string) => ({
  message: `${ref} inside function ${fn} is replaced by Claude Code with command argument text, not the function's own argument`,
  hint: 'cmdc keeps Claude Code\'s meaning (the command argument); write ${1} for the function argument',
}));

/** `${1:-x}`, `${ARGUMENTS}`, `$CLAUDE_SESSION_ID`...: not substituted by Claude Code; bash reads them as they are. */
export const argumentNotSubstituted = define('argument-not-substituted', 'warning', (ref: string, meaning: string) => ({
  message: `${ref} is not substituted by Claude Code (only $ARGUMENTS, $ARGUMENTS[N], $N and \${CLAUDE_…} are): ${meaning}`,
  hint:
    'cmdc runs it as Claude Code does; write $ARGUMENTS or $N (unbraced) for the argument text, or declare `argument-convention: positional` (the script profile) if the file is a bash script run with arguments',
}));

/** `$#`, `"$@"`, `$*`, `shift`, `getopts` at the top level under claude-code: a Bash tool call has no positional parameters. */
export const positionalParametersEmpty = define('positional-parameters-empty', 'warning', (what: string) => ({
  message: `${what} reads the positional parameters, which are empty in Claude Code's Bash tool ($# is 0): the command's arguments reach a block only as text ($ARGUMENTS, $N)`,
  hint: 'use $ARGUMENTS, $0, $1…; declare `argument-convention: positional` (the script profile) if the file is a bash script run with arguments',
}));

/** `set -e` under claude-code: the block runs as `eval '<block>'` inside an `&&` list, where bash ignores errexit. */
export const setEIneffective = define('set-e-ineffective', 'warning', (what: string) => ({
  message: `\`${what}\` has no effect in Claude Code's Bash tool: the block runs as \`eval '<block>'\` inside an && list, where bash ignores errexit, so a failing command does not stop the block`,
  hint: "stop explicitly where it matters (`cmd || exit 1`, or `trap 'exit 1' ERR`); declare `profile: script` if the file is a bash script",
}));

/** A textual substitution in a place cmdc cannot turn into a variable reference (e.g. after a backslash). */
export const argumentUnrewritable = define('argument-unrewritable', 'warning', (ref: string, where: string) => ({
  message: `Claude Code would paste argument text for ${ref} here (${where}); cmdc leaves this text as bash reads it`,
}));

/** `$1` used but never `$0`, and no convention declared: the author may think `$1` is the first word. */
export const argumentConventionAmbiguous = define('argument-convention-ambiguous', 'info', (first: string) => ({
  message: `the file uses ${first} but never $0: Claude Code numbers the words from $0, so $1 is the second word`,
  hint: 'use $0 for the first word; if the file is a bash script reading its positional parameters, declare `argument-convention: positional` (the script profile)',
}))

// --- placeholders and templates (compiler/placeholders.ts) -----------------------------------

/** A model-filled placeholder that no rule binds to the arguments or to an instruction. */
export const unboundPlaceholder = define('unbound-placeholder', 'warning', (token: string, name: string) => ({
  message: `placeholder ${token} is filled in by the model, and no instruction in the file says with what`,
  hint: `run the command with --set ${name}=value; it never runs with the literal placeholder`,
}));

/** A bash block that is prose or a template for the model to fill in, not bash. */
export const blockIsTemplate = define('block-is-template', 'error', (what: 'prose' | 'template', block: string, sample: string) => ({
  message: `${block} is ${what === 'prose' ? 'prose' : 'a template for the model to fill in'}, not bash: ${sample}`,
  hint: 'Claude would rewrite this block before running it; the compiled block fails with this message when run',
}));

/** A line of prose inside a bash block that otherwise parses (it would run as a command). */
export const proseInBlock = define('prose-in-block', 'warning', (line: string) => ({
  message: `this line of the bash block reads as prose and would run as a command: ${line}`,
}));

/** A bash fence that documents how to invoke the command: the model reads it, it is not a step. */
export const usageExampleBlock = define('usage-example-block', 'info', (why: string) => ({
  message: `this bash block is a usage example (${why}), not a step: it is not run, \`--help\` lists it`,
}));

// --- islands (compiler/context.ts) -----------------------------------------------------------

/** A construct kept as bash: it runs in real bash (a bash island) at run time. */
export const island = define('island', 'info', (construct: string) => ({
  message: `${construct} is not translated natively: it runs as a bash island`,
}));

// --- files (compiler/index.ts) ---------------------------------------------------------------

/** The .md file cannot be read. */
export const readError = define('read-error', 'error', (file: string, reason: string) => ({
  message: `cannot read ${file}: ${reason}`,
}));

/** The .md file holds bytes that are not UTF-8 (compiler/source-bytes.ts). */
export const invalidUtf8 = define('invalid-encoding', 'error', (byte: number) => ({
  message: `byte 0x${byte.toString(16).padStart(2, '0')} is not valid UTF-8: command files are UTF-8 text, and this byte would be read as U+FFFD`,
  hint: 'save the file as UTF-8; to produce the raw byte, write it as an escape in the block (printf \'\\xff\', $\'\\xff\')',
}));

/** A .md file inside a skill directory that is not its SKILL.md: nothing is generated for it. */
export const notACommand = define('not-a-command', 'info', (file: string) => ({
  message: `${file} is inside a skill directory but is not its SKILL.md: not a command, nothing generated`,
}));

/** Two inputs would be written to the same generated file. */
export const duplicateOutput = define('duplicate-output', 'error', (file: string, other: string, outFile: string) => ({
  message: `${file} and ${other} both compile to ${outFile}`,
}));

/** The compiler itself threw on this file (a bug); `where` is the first stack frame, when known. */
export const internalError = define('internal-error', 'error', (reason: string, where?: string) => ({
  message: `the compiler failed on this file: ${reason}`,
  hint: where || undefined,
}));

// --- concurrency lint (compiler/lint/, one rule a file) -------------------------------------

/** A fixed path (not keyed by the instance) that one block writes and another reads. */
export const sharedStateIdFile = define('shared-state-id-file', 'error', (path: string, how: string) => ({
  message: `${path} is one file for every running instance (${how}): concurrent instances overwrite each other's value`,
  hint: 'keep the value in the instance\'s state (append_workflow_state KEY "$VALUE", restored by load_workflow_state), or put ${WORKFLOW_ID} in the file name',
}));

/** Newest-file-by-mtime selection of state files. */
export const mtimeDiscovery = define('mtime-discovery', 'error', (how: string) => ({
  message: `${how} picks a state file by modification time: with two instances running, a block picks the other instance's file`,
  hint: 'use discover_latest_state_file PREFIX (cmdc answers it with this owner\'s own instance), or pass the workflow id',
}));

/** A workflow id that is not unique between processes started in the same second. */
export const secondPrecisionId = define('second-precision-id', 'error', (name: string, why: string) => ({
  message: `${name} is built from ${why}: two instances started in the same second get the same id`,
  hint: 'use $(date +%s%N) (nanoseconds; `cmdc lint --fix` rewrites date +%s), or generate_unique_workflow_id',
}));

/** An EXIT/ERR trap that deletes the instance's own state file. */
export const trapDeletesState = define('trap-deletes-state', 'error', (signals: string, path: string) => ({
  message: `the ${signals} trap removes the instance's state file ${path}: the next block cannot restore the instance`,
  hint: 'each block is its own process, so an EXIT trap runs after every block; leave removal to `cmdc state gc` (TTL) or to the last block, after success',
}));

/** `rm` of state files by glob: removes other instances' files too. */
export const foreignStateCleanup = define('foreign-state-cleanup', 'error', (what: string) => ({
  message: `${what} removes the state files of every instance, including ones still running`,
  hint: 'remove only this instance\'s file (…/workflow_${WORKFLOW_ID}.sh), or leave cleanup to `cmdc state gc`, which never removes a live instance',
}));

/** An unquoted expansion in a path given to rm/mv. */
export const unquotedPathInRmMv = define('unquoted-path-in-rm-mv', 'warning', (command: string, word: string) => ({
  message: `${word} is not quoted in ${command}: a value with spaces or * ? [ becomes several paths, or matches other files`,
  hint: `quote it: "${word.replace(/^"|"$/g, '')}"`,
}));

/** A value written into the state file without the library's quoting. */
export const stateWriteBypass = define('state-write-bypass', 'error', (what: string) => ({
  message: `${what} writes into the state file without the state library's quoting: a value with $( ), backticks, quotes or a newline runs as code when the file is sourced`,
  hint: 'append_workflow_state KEY "$VALUE" quotes every byte',
}));

// --- state flow (compiler/analysis/state-flow.ts) -------------------------------------------

/** A key read in a block that gets it from no earlier block's persist and does not set it. */
export const stateVarNotPersisted = define('state-var-not-persisted', 'error', (key: string, why: string) => ({
  message: `${key} is read here but ${why}: each block is a new process, so it is empty here`,
  hint: `persist it where it is set (append_workflow_state ${key} "$${key}") and restore the state (load_workflow_state) before reading it`,
}));

/** A key persisted that no later block or prompt reads. */
export const stateVarNeverRead = define('state-var-never-read', 'warning', (key: string) => ({
  message: `${key} is persisted but no later block or prompt reads it`,
  hint: 'remove the append, or check the name where it is meant to be read',
}));

/** A state restore whose failure goes unnoticed. */
export const restoreUnchecked = define('restore-unchecked', 'warning', (what: string) => ({
  message: `the result of ${what} is not checked: if the restore fails, the block goes on with empty state`,
  hint: 'add `|| exit 1` (or test it in an if); `set -e` does not help under Claude Code, where a block runs inside eval in an && list',
}));

/** A type error (tsc) in the code of a ```ts cmdc block, at its .md position. */
export const tsTypeError = define('ts-type-error', 'error', (code: number, message: string) => ({
  message: `TS${code}: ${message}`,
}));

/** A plain ```ts fence whose code uses `sh`, `wf` or `$` as a ts block does: it stays text unless marked. */
export const tsFenceNotAStep = define('ts-fence-not-a-step', 'info', () => ({
  message: 'this ```ts fence reads like a ts block but is text the model reads (cmdc does not run it)',
  hint: 'write ```ts cmdc to make it a step cmdc runs',
}));

// ---------------------------------------------------------------------------------------------
// Ordering, counting, formatting

/** Order by file, then line, then col, then id (deterministic output). */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.col !== b.col) return a.col - b.col;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function countDiagnostics(diags: readonly Diagnostic[]): { errors: number; warnings: number; infos: number } {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/** "2 errors, 1 warning" */
export function formatSummary(diags: readonly Diagnostic[], opts: { color?: boolean } = {}): string {
  const c = picocolors.createColors(opts.color ?? false);
  const { errors, warnings } = countDiagnostics(diags);
  const e = `${errors} ${errors === 1 ? 'error' : 'errors'}`;
  const w = `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`;
  return `${errors ? c.red(c.bold(e)) : e}, ${warnings ? c.yellow(c.bold(w)) : w}`;
}

export interface FormatOptions {
  /** ANSI colors; callers pass `process.stdout.isTTY` (or stderr's). Default false. */
  color?: boolean;
  /** Lines of context around the frame (default 2 above, 2 below). */
  linesAbove?: number;
  linesBelow?: number;
}

/**
 * `file.md:12:5: error[parse-error]: message`, then a code frame of `sourceText` (the whole .md
 * file) when given, then `hint: ...` when the diagnostic has one. No trailing newline.
 */
export function formatDiagnostic(d: Diagnostic, sourceText?: string, opts: FormatOptions = {}): string {
  const c = picocolors.createColors(opts.color ?? false);
  const sev =
    d.severity === 'error' ? c.red(c.bold('error')) : d.severity === 'warning' ? c.yellow(c.bold('warning')) : c.cyan(c.bold('info'));
  const lines = [`${c.bold(`${d.file}:${d.line}:${d.col}`)}: ${sev}${c.dim(`[${d.id}]`)}: ${c.bold(d.message)}`];
  if (sourceText !== undefined) {
    const frame = codeFrame(d, sourceText, opts);
    if (frame) lines.push(opts.color ? colorFrame(frame, d.severity === 'error' ? c.red : c.yellow, c.dim) : frame);
  }
  if (d.hint) lines.push(`  ${c.cyan('hint')}: ${d.hint}`);
  return lines.join('\n');
}

/** A plain code frame of `sourceText` at a 1-based line and column ('' when out of range). */
export function sourceFrame(sourceText: string, line: number, col: number): string {
  return codeFrame({ id: '', severity: 'error', message: '', file: '', line, col }, sourceText, {});
}

function codeFrame(d: Diagnostic, sourceText: string, opts: FormatOptions): string {
  const lineCount = sourceText.split('\n').length;
  if (d.line < 1 || d.line > lineCount) return '';
  const start = { line: d.line, column: d.col };
  // A range only when it stays on one line: multi-line ranges make babel mark every line.
  const end =
    d.endLine === d.line && d.endCol !== undefined && d.endCol > d.col ? { line: d.endLine, column: d.endCol } : undefined;
  return codeFrameColumns(sourceText, end ? { start, end } : { start }, {
    highlightCode: false,
    linesAbove: opts.linesAbove ?? 2,
    linesBelow: opts.linesBelow ?? 2,
  });
}

/** Color the `>` gutter marker and the `^` line of a plain babel frame; dim the gutter. */
function colorFrame(frame: string, mark: (s: string) => string, dim: (s: string) => string): string {
  return frame
    .split('\n')
    .map((line) => {
      const m = /^([> ]) ( *\d* \|)(.*)$/.exec(line);
      if (!m) return line;
      const [, marker, gutter, rest] = m as unknown as [string, string, string, string];
      const isCaretLine = /^ *$/.test(gutter.replace('|', '')) && /^\s*\^+/.test(rest);
      return `${marker === '>' ? mark('>') : ' '} ${dim(gutter)}${isCaretLine ? mark(rest) : rest}`;
    })
    .join('\n');
}

/**
 * Format many diagnostics, sorted, each followed by a blank line, then the summary line.
 * `sources(file)` returns the text of a file for its code frame (or undefined).
 */
export function formatDiagnostics(
  diags: readonly Diagnostic[],
  sources: (file: string) => string | undefined,
  opts: FormatOptions = {},
): string {
  const sorted = [...diags].sort(compareDiagnostics);
  const parts = sorted.map((d) => formatDiagnostic(d, sources(d.file), opts) + '\n');
  parts.push(formatSummary(sorted, opts));
  return parts.join('\n');
}
