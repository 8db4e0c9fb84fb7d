/**
 * Command arguments in a parsed bash block: Claude Code's textual substitutions (`$ARGUMENTS`,
 * `$ARGUMENTS[N]`, `$N`, named arguments, `\$` escapes, `${CLAUDE_SESSION_ID}`,
 * `${CLAUDE_PROJECT_DIR}`, `${CLAUDE_EFFORT}`, `${CLAUDE_SKILL_DIR}` in skills; the model is
 * runtime/lang/arguments.ts, re-exported here) found in the block, classified by quoting
 * context, and rewritten to references of reserved runtime variables, so that the values the
 * client would paste are always data, never re-read as bash. README "Arguments and
 * placeholders" has the table of what each form compiles to; in short:
 *
 *   "$ARGUMENTS"  -> "${CMDC_ARGUMENTS}"          $ARGUMENTS unquoted -> "${CMDC_ARGV[@]}"
 *   "$1"          -> "${CMDC_ARGV[1]-$1}"         a missing word stays as written (bash reads it)
 *   '$1'          -> ''"${CMDC_ARGV[1]-\$1}"''    cp $1 d -> cp "${CMDC_ARGV[@]:1:1}" d
 *   \$1           -> $1                           "${CLAUDE_PROJECT_DIR}" -> "${CMDC_PROJECT_DIR}"
 *
 * and reports each place where textual substitution would have broken quoting
 * (argument-single-quoted, argument-unquoted, argument-in-heredoc), references Claude Code
 * does not substitute (argument-not-substituted), positional parameters read under the
 * claude-code profile (positional-parameters-empty) and references inside functions
 * (argument-in-function).
 *
 * Runner contract: before running any block set `CMDC_ARGUMENTS` (the argument string) and
 * `CMDC_ARGV` (an indexed array of its words, `splitArguments`), as the client pastes them
 * (`pastedValue`) under claude-code; `CMDC_SESSION_ID`, `CMDC_PROJECT_DIR`, `CMDC_EFFORT`,
 * `CMDC_SKILL_DIR`, and `CMDC_SET_<NAME>` for each `--set`.
 */
import type * as A from './ast.js';
import {
  argumentConventionAmbiguous,
  argumentInFunction,
  argumentInHeredoc,
  argumentNotSubstituted,
  argumentSingleQuoted,
  argumentUnquoted,
  argumentUnrewritable,
  positionalParametersEmpty,
  type Diagnostic,
} from './diagnostics.js';
import { BlockOffsets, parseEdited, type BlockSource, type Edit } from './edits.js';

// Reserved variables, options and the textual model live in runtime/lang/arguments.ts (the runner
// needs them too); re-exported here.
import {
  ARGUMENTS_VAR,
  ARGV_VAR,
  EFFORT_VAR,
  PROJECT_DIR_VAR,
  SESSION_ID_VAR,
  SKILL_DIR_VAR,
  scanSubstitutions,
  type ArgumentConvention,
  type ArgumentOptions,
  type SubstitutionKind,
  type TextualRef,
} from '../runtime/lang/arguments.js';
export {
  ARGUMENTS_VAR,
  ARGV_VAR,
  EFFORT_VAR,
  PROJECT_DIR_VAR,
  SESSION_ID_VAR,
  SKILL_DIR_VAR,
  SET_VAR_PREFIX,
  RESERVED_VARS,
  scanSubstitutions,
  splitArguments,
  substituteArguments,
  pastedValue,
  fillsAny,
} from '../runtime/lang/arguments.js';
export type { ArgumentConvention, ArgumentOptions, SubstitutionKind, TextualRef, SubstituteOptions } from '../runtime/lang/arguments.js';

// ---------------------------------------------------------------------------------------------
// Options

export interface ResolvedArgumentOptions {
  convention: ArgumentConvention;
  names: string[];
  /** Whether the convention was chosen explicitly (frontmatter or option), not by default. */
  explicit: boolean;
}

/**
 * Options from the frontmatter (`argument-convention: zero-based|positional`, `arguments:` as a
 * list or a space/comma separated string), falling back to `fallback` (e.g. a compile option).
 * The frontmatter wins: the file knows which Claude Code it was written for.
 */
export function argumentOptionsFrom(frontmatter: Record<string, unknown>, fallback: ArgumentOptions = {}): ResolvedArgumentOptions {
  const raw = frontmatter['argument-convention'];
  const fm = typeof raw === 'string' ? raw.trim().toLowerCase().replace(/[\s_]+/g, '-') : '';
  const fmConvention: ArgumentConvention | null = /^(zero-based|zero|0|0-based)$/.test(fm)
    ? 'zero-based'
    : /^(positional|script|bash)$/.test(fm)
      ? 'positional'
      : null;
  const convention = fmConvention ?? fallback.convention ?? 'zero-based';
  const rawNames = frontmatter.arguments;
  let names: string[] = [];
  if (Array.isArray(rawNames)) names = rawNames.filter((n): n is string => typeof n === 'string');
  else if (typeof rawNames === 'string') names = rawNames.split(/\s+/); // whitespace-split, as the client does
  names = names.map((n) => n.trim().replace(/^\$/, '')).filter((n) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(n) && n !== 'ARGUMENTS');
  if (names.length === 0 && fallback.names) names = [...fallback.names];
  return { convention, names, explicit: fmConvention !== null || fallback.convention !== undefined };
}

// ---------------------------------------------------------------------------------------------
// Analysis of a parsed block

/** Where a use sits, as bash reads the text around it. */
export type QuoteContext =
  | 'double'
  | 'single'
  | 'unquoted'
  /** Body of a heredoc whose delimiter is not quoted (expanded). */
  | 'heredoc'
  /** Body of a `<<'EOF'` heredoc (literal). */
  | 'heredoc-quoted'
  | 'comment'
  /** Anywhere else (after a backslash, inside `$$`, in a statement cmdc could not read). */
  | 'other';

/**
 * How bash uses the word the reference is in: split into fields, one string, a regular
 * expression (right of `=~`), or arithmetic.
 */
export type WordRole = 'fields' | 'scalar' | 'pattern' | 'arithmetic';

export interface ArgumentUse {
  kind: SubstitutionKind;
  /** Zero-based argument index (index/positional/named); null otherwise. */
  index: number | null;
  /** As written, e.g. "$1". */
  text: string;
  /** 1-based .md position of the `$`, and end (exclusive). */
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  quoting: QuoteContext;
  role: WordRole;
  /** Name of the enclosing function, if any. */
  function: string | null;
  /** The text that replaces it in the compiled block; null when it is left as written. */
  replacement: string | null;
}

export interface ArgumentAnalysisOptions extends ArgumentOptions {
  /** The .md file, for diagnostics. */
  file: string;
  /** The block the AST was parsed from (code, .md line, per-line indents). */
  block: BlockSource;
  /** Whether the convention was declared (frontmatter/option); else argument-convention-ambiguous may be reported. */
  explicitConvention?: boolean;
}

export interface ArgumentAnalysis {
  uses: ArgumentUse[];
  /** Edits to the block's original text that realise the rewrite. */
  edits: Edit[];
  diagnostics: Diagnostic[];
}

interface Ctx {
  quoting: 'double' | 'unquoted' | 'heredoc';
  role: WordRole;
  fn: string | null;
}

/** A leaf of the block text with the context bash reads it in. */
interface Leaf {
  start: number;
  end: number;
  node: 'param' | 'sgl' | 'sgl-dollar' | 'lit' | 'hdoc-quoted';
  ctx: Ctx;
  /** For hdoc-quoted: the redirect (delimiter) node. */
  redirect?: A.Redirect;
}

/** Find every argument reference in a parsed block, classify it, and compute the rewrite. */
export function analyseArguments(ast: A.File, opts: ArgumentAnalysisOptions): ArgumentAnalysis {
  const offsets = new BlockOffsets(opts.block);
  const text = opts.block.code;
  const leaves: Leaf[] = [];
  const notSubstituted: { node: A.ParamExp; ctx: Ctx }[] = [];
  collectLeaves(ast, offsets, leaves, notSubstituted);
  leaves.sort((a, b) => a.start - b.start || b.end - a.end);
  const comments = ast.comments.map((c) => offsets.span(c));

  const uses: ArgumentUse[] = [];
  const edits: Edit[] = [];
  const diagnostics: Diagnostic[] = [];
  const hdocRefs = new Map<Leaf, { ref: TextualRef; repl: string; escape?: boolean }[]>();
  const loc = (start: number, end: number) => {
    const s = offsets.pos(start);
    const e = offsets.pos(end);
    return { file: opts.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  };

  for (const ref of scanSubstitutions(text, opts)) {
    const at = loc(ref.start, ref.end);
    const base = { kind: ref.kind, index: ref.index, text: ref.text, line: at.line, col: at.col, endLine: at.endLine!, endCol: at.endCol! };
    if (comments.some(([s, e]) => ref.start >= s && ref.start < e)) {
      uses.push({ ...base, quoting: 'comment', role: 'scalar', function: null, replacement: null });
      continue;
    }
    // Innermost leaf containing the `$`.
    let leaf: Leaf | undefined;
    for (const l of leaves) if (l.start <= ref.start && ref.start < l.end && (!leaf || l.end - l.start <= leaf.end - leaf.start)) leaf = l;
    if (ref.kind === 'escape') {
      // `\$1` reaches bash as `$1` (Claude Code drops the backslash), wherever it is; in a
      // quoted heredoc that holds references too (made unquoted below) as a literal `\$`.
      uses.push({ ...base, quoting: 'other', role: leaf?.ctx.role ?? 'scalar', function: leaf?.ctx.fn ?? null, replacement: '$' });
      if (leaf?.node === 'hdoc-quoted') {
        const list = hdocRefs.get(leaf) ?? [];
        list.push({ ref, repl: '\\$', escape: true });
        hdocRefs.set(leaf, list);
      } else edits.push({ start: ref.start, end: ref.end, text: '$' });
      continue;
    }
    const ctx = leaf?.ctx ?? { quoting: 'unquoted', role: 'scalar', fn: null };
    const use = (quoting: QuoteContext, replacement: string | null): ArgumentUse => ({
      ...base,
      quoting,
      role: ctx.role,
      function: ctx.fn,
      replacement,
    });
    if (leaf && leaf.node === 'param' && leaf.start === ref.start) {
      const quoting: QuoteContext = ctx.quoting;
      const where = quoting !== 'unquoted' ? 'inside' : ctx.role === 'arithmetic' || ctx.role === 'pattern' ? 'bare' : ctx.role;
      const repl = reference(ref, where);
      uses.push(use(quoting, repl));
      edits.push({ start: ref.start, end: ref.end, text: repl });
      if (quoting === 'unquoted' && ctx.role !== 'arithmetic' && (ref.kind === 'arguments' || ref.index !== null)) {
        diagnostics.push(argumentUnquoted(at, ref.text, describeSafe(ref, ctx.role)));
      } else if (quoting === 'heredoc' && (ref.kind === 'arguments' || ref.index !== null)) {
        diagnostics.push(argumentInHeredoc(at, ref.text));
      }
      if (ctx.fn && (ref.kind === 'arguments' || ref.index !== null)) diagnostics.push(argumentInFunction(at, ref.text, ctx.fn));
    } else if (leaf && (leaf.node === 'sgl' || leaf.node === 'sgl-dollar')) {
      const inner = reference(ref, 'literal');
      const repl = `'"${inner}"${leaf.node === 'sgl-dollar' ? "$'" : "'"}`;
      uses.push(use('single', repl));
      edits.push({ start: ref.start, end: ref.end, text: repl });
      if (ref.kind === 'arguments' || ref.index !== null) diagnostics.push(argumentSingleQuoted(at, ref.text, `"${inner}"`));
    } else if (leaf && leaf.node === 'hdoc-quoted') {
      const repl = reference(ref, 'literal');
      uses.push(use('heredoc-quoted', repl));
      const list = hdocRefs.get(leaf) ?? [];
      list.push({ ref, repl });
      hdocRefs.set(leaf, list);
    } else {
      uses.push(use('other', null));
      const where = leaf?.node === 'lit' ? 'after a backslash or inside literal text' : 'in text cmdc cannot rewrite';
      diagnostics.push(argumentUnrewritable(at, ref.text, where));
    }
  }

  // Quoted heredocs holding references: unquote the delimiter, escape the body, insert references.
  for (const [leaf, all] of hdocRefs) {
    const r = leaf.redirect!;
    const refs = all.filter((x) => !x.escape);
    if (refs.length === 0) {
      // only escapes: the body stays quoted, `\$` becomes `$`
      for (const { ref } of all) edits.push({ start: ref.start, end: ref.end, text: '$' });
      continue;
    }
    const [ws, we] = offsets.span(r.word);
    const delim = unquoted(r.word);
    if (!/^[A-Za-z0-9_.+-]+$/.test(delim)) {
      for (const { ref } of refs) {
        const u = uses.find((x) => x.text === ref.text && offsets.offset(x) === ref.start)!;
        u.replacement = null;
        u.quoting = 'other';
        diagnostics.push(argumentUnrewritable(loc(ref.start, ref.end), ref.text, 'in a heredoc with an unusual delimiter'));
      }
      continue;
    }
    edits.push({ start: ws, end: we, text: delim });
    let body = '';
    let at = leaf.start;
    for (const { ref, repl } of all) {
      body += escapeHeredoc(text.slice(at, ref.start)) + repl;
      at = ref.end;
    }
    body += escapeHeredoc(text.slice(at, leaf.end));
    edits.push({ start: leaf.start, end: leaf.end, text: body });
  }

  // References Claude Code does not substitute, outside functions: bash sees empty positionals.
  for (const { node, ctx } of notSubstituted) {
    if (ctx.fn) continue;
    const convention = opts.convention ?? 'zero-based';
    if (convention !== 'positional' && ['@', '*', '#'].includes(node.param) && node.short && !node.length) {
      diagnostics.push(positionalParametersEmpty(loc(...offsets.span(node)), `\`${node.src}\``));
      continue;
    }
    const meaning = notSubstitutedMeaning(node, convention);
    if (meaning) diagnostics.push(argumentNotSubstituted(loc(...offsets.span(node)), node.src, meaning));
  }

  if (!opts.explicitConvention && (opts.convention ?? 'zero-based') === 'zero-based') {
    const positional = uses.filter((u) => u.kind === 'positional' && u.quoting !== 'comment');
    if (positional.length && !positional.some((u) => u.index === 0)) {
      const first = positional[0]!;
      diagnostics.push(argumentConventionAmbiguous({ file: opts.file, line: first.line, col: first.col, endLine: first.endLine, endCol: first.endCol }, first.text));
    }
  }
  diagnostics.sort((a, b) => a.line - b.line || a.col - b.col);
  return { uses, edits, diagnostics };
}

export interface RewriteOptions extends ArgumentAnalysisOptions {
  /** Other edits on the same original block text to apply together (e.g. placeholders). */
  edits?: readonly Edit[];
}

export interface RewriteResult {
  /** The rewritten block, positions in the original .md (the input when nothing changed). */
  file: A.File;
  /** The rewritten block text (what islands run). */
  code: string;
  uses: ArgumentUse[];
  diagnostics: Diagnostic[];
}

/**
 * Rewrite a parsed block so that every argument reference reads a reserved runtime variable
 * (see the table at the top). `file` must be the AST of `opts.block.code` (or of it with
 * `opts.edits` applied, positions mapped back, as compiler/placeholders.ts returns it).
 * Pure: the input AST is not changed.
 */
export function rewriteArgumentRefs(file: A.File, opts: RewriteOptions): RewriteResult {
  const analysis = analyseArguments(file, opts);
  const edits = [...(opts.edits ?? []), ...analysis.edits];
  if (edits.length === 0) return { file, code: opts.block.code, uses: analysis.uses, diagnostics: analysis.diagnostics };
  const parsed = parseEdited(opts.block, edits, opts.file);
  if (!parsed.ast) {
    // Cannot happen for well-formed edits; keep the input and say why.
    return { file, code: opts.block.code, uses: analysis.uses, diagnostics: [...analysis.diagnostics, ...parsed.diagnostics] };
  }
  return { file: parsed.ast, code: parsed.code, uses: analysis.uses, diagnostics: analysis.diagnostics };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * The variable reference that replaces a use, for where it sits: `inside` double quotes or an
 * expanded heredoc, `literal` (inside double quotes standing for text bash reads literally:
 * single quotes, a quoted heredoc), unquoted as command `fields`, a `scalar` value, or `bare`
 * (arithmetic, a regular expression). A missing `$N` / `$ARGUMENTS[N]` is left as written by
 * Claude Code, so its fallback is that text, read as bash reads it there (`${CMDC_ARGV[1]-$1}`:
 * under the claude-code profile an empty positional parameter, `$0` the shell).
 */
function reference(ref: TextualRef, where: 'inside' | 'literal' | 'fields' | 'scalar' | 'bare'): string {
  const quote = (s: string) => (where === 'inside' || where === 'literal' || where === 'bare' ? s : `"${s}"`);
  switch (ref.kind) {
    case 'arguments':
      return where === 'fields' ? `"\${${ARGV_VAR}[@]}"` : quote(`\${${ARGUMENTS_VAR}}`);
    case 'session-id':
      return quote(`\${${SESSION_ID_VAR}}`);
    case 'skill-dir':
      return quote(`\${${SKILL_DIR_VAR}}`);
    case 'project-dir':
      return quote(`\${${PROJECT_DIR_VAR}}`);
    case 'effort':
      return quote(`\${${EFFORT_VAR}}`);
    case 'escape':
      return '$';
    case 'named': {
      const i = Math.max(0, ref.index ?? 0);
      return where === 'fields' ? `"\${${ARGV_VAR}[@]:${i}:1}"` : quote(`\${${ARGV_VAR}[${i}]-}`);
    }
    default: {
      const i = Math.max(0, ref.index ?? 0);
      const fallback = where === 'literal' ? `\\${ref.text}` : ref.text;
      // unquoted: one field, none when absent (as the empty positional parameter gives; `$0` is the shell)
      if (where === 'fields' && ref.text !== '$0') return `"\${${ARGV_VAR}[@]:${i}:1}"`;
      return quote(`\${${ARGV_VAR}[${i}]-${fallback}}`);
    }
  }
}

function describeSafe(ref: TextualRef, role: WordRole): string {
  if (role === 'pattern') return 'one regular expression, the argument text as written';
  if (role === 'fields') return ref.kind === 'arguments' ? 'one field per shell-split argument, like "$@"' : 'one field, none when the argument is absent';
  return ref.kind === 'arguments' ? 'the whole argument string as one value' : 'the argument as one value';
}

/** Inside an unquoted heredoc only \ $ ` are special: escape them to keep a literal body literal. */
function escapeHeredoc(s: string): string {
  return s.replace(/[\\$`]/g, '\\$&');
}

function unquoted(w: A.Word): string {
  const text = (parts: A.WordPart[]): string =>
    parts
      .map((p) => (p.kind === 'Lit' ? p.value.replace(/\\(.)/g, '$1') : p.kind === 'SglQuoted' ? p.value : p.kind === 'DblQuoted' ? text(p.parts) : p.src))
      .join('');
  return text(w.parts);
}

function notSubstitutedMeaning(p: A.ParamExp, convention: ArgumentConvention): string | null {
  const braced = !p.short;
  // A script: the positional parameters are the arguments (the runner sets them); nothing to say.
  if (convention === 'positional' && (['@', '*', '#'].includes(p.param) || /^\d+$/.test(p.param))) return null;
  if (['@', '*'].includes(p.param) && !p.length) return 'bash sees the Bash tool\'s positional parameters, which are empty';
  if (p.param === '#' && p.short) return 'bash sees the number of positional parameters, always 0 in the Bash tool';
  if (/^\d+$/.test(p.param)) {
    if (!braced) return null;
    return p.exp && /[-=]/.test(p.exp.op)
      ? 'bash sees an empty positional parameter, so this is always the default'
      : 'bash sees an empty positional parameter';
  }
  if (p.param === 'ARGUMENTS' && braced) return 'bash sees a shell variable ARGUMENTS, unset unless the block sets it';
  if (p.param === 'CLAUDE_SESSION_ID' && p.short) return 'bash sees an unset variable (the Bash tool environment has CLAUDE_CODE_SESSION_ID)';
  return null;
}

/** Walk the AST: leaves with their quoting context, and parameter expansions worth a warning. */
function collectLeaves(ast: A.File, offsets: BlockOffsets, leaves: Leaf[], notSub: { node: A.ParamExp; ctx: Ctx }[]): void {
  const add = (node: { pos: A.Pos; end: A.Pos }, kind: Leaf['node'], ctx: Ctx, redirect?: A.Redirect) => {
    const [start, end] = offsets.span(node);
    const leaf: Leaf = { start, end, node: kind, ctx };
    if (redirect) leaf.redirect = redirect;
    leaves.push(leaf);
  };
  const top: Ctx = { quoting: 'unquoted', role: 'scalar', fn: null };

  const stmts = (list: A.Stmt[], ctx: Ctx) => list.forEach((s) => stmt(s, ctx));
  const stmt = (s: A.Stmt, ctx: Ctx): void => {
    if (s.cmd) command(s.cmd, ctx);
    for (const r of s.redirs) redirect(r, ctx);
  };
  const redirect = (r: A.Redirect, ctx: Ctx) => {
    if (r.op === '<<' || r.op === '<<-') {
      if (r.hdoc) {
        if (r.hdocQuoted) add(r.hdoc, 'hdoc-quoted', { ...ctx, quoting: 'heredoc', role: 'scalar' }, r);
        else word(r.hdoc, { ...ctx, quoting: 'heredoc', role: 'scalar' });
      }
      return;
    }
    word(r.word, { ...ctx, quoting: 'unquoted', role: 'scalar' });
  };
  const command = (c: A.Command, ctx: Ctx): void => {
    const u: Ctx = { ...ctx, quoting: 'unquoted' };
    switch (c.kind) {
      case 'CallExpr':
        c.assigns.forEach((a) => assign(a, u));
        c.args.forEach((w) => word(w, { ...u, role: 'fields' }));
        return;
      case 'BinaryCmd':
        stmt(c.x, u);
        stmt(c.y, u);
        return;
      case 'IfClause':
        stmts(c.cond, u);
        stmts(c.then, u);
        c.elifs.forEach((e) => {
          stmts(e.cond, u);
          stmts(e.then, u);
        });
        if (c.else) stmts(c.else, u);
        return;
      case 'WhileClause':
        stmts(c.cond, u);
        stmts(c.body, u);
        return;
      case 'ForClause':
        if (c.loop.kind === 'WordIter') c.loop.items?.forEach((w) => word(w, { ...u, role: 'fields' }));
        else [c.loop.init, c.loop.cond, c.loop.post].forEach((x) => x && arith(x, u));
        stmts(c.body, u);
        return;
      case 'CaseClause':
        word(c.word, { ...u, role: 'scalar' });
        c.items.forEach((it) => {
          it.patterns.forEach((p) => word(p, { ...u, role: 'scalar' }));
          stmts(it.stmts, u);
        });
        return;
      case 'Block':
      case 'Subshell':
        stmts(c.stmts, u);
        return;
      case 'FuncDecl':
        stmt(c.body, { ...u, fn: c.name });
        return;
      case 'DeclClause':
        c.opts.forEach((w) => word(w, { ...u, role: 'fields' }));
        c.assigns.forEach((a) => assign(a, u));
        c.words.forEach((w) => word(w, { ...u, role: 'fields' }));
        return;
      case 'TestClause':
        test(c.expr, u);
        return;
      case 'ArithmCmd':
        arith(c.expr, u);
        return;
      case 'LetClause':
        c.exprs.forEach((x) => arith(x, u));
        return;
      case 'TimeClause':
        if (c.stmt) stmt(c.stmt, u);
        return;
      case 'CoprocClause':
        stmt(c.stmt, u);
        return;
      case 'Unsupported':
        return;
    }
  };
  const assign = (a: A.Assign, ctx: Ctx) => {
    if (a.index) arith(a.index, ctx);
    if (a.value) word(a.value, { ...ctx, role: 'scalar' });
    a.array?.forEach((e) => {
      if (e.index) arith(e.index, ctx);
      if (e.value) word(e.value, { ...ctx, role: 'fields' });
    });
  };
  const test = (t: A.TestExpr, ctx: Ctx): void => {
    if (t.kind === 'Word') return word(t, { ...ctx, role: ctx.role === 'pattern' ? 'pattern' : 'scalar' });
    if (t.kind === 'BinaryTest') {
      test(t.x, { ...ctx, role: 'scalar' });
      test(t.y, { ...ctx, role: t.op === '=~' ? 'pattern' : 'scalar' });
    } else test(t.x, { ...ctx, role: 'scalar' });
  };
  const arith = (x: A.ArithExpr, ctx: Ctx): void => {
    const a: Ctx = { ...ctx, role: 'arithmetic' };
    switch (x.kind) {
      case 'Word':
        return word(x, a);
      case 'BinaryArithm':
        arith(x.x, a);
        arith(x.y, a);
        return;
      case 'TernaryArithm':
        arith(x.cond, a);
        arith(x.then, a);
        arith(x.else, a);
        return;
      case 'UnaryArithm':
      case 'ParenArithm':
        arith(x.x, a);
        return;
    }
  };
  const word = (w: A.Word, ctx: Ctx) => w.parts.forEach((p) => part(p, ctx));
  const part = (p: A.WordPart, ctx: Ctx): void => {
    switch (p.kind) {
      case 'Lit':
        add(p, 'lit', ctx);
        return;
      case 'SglQuoted':
        add(p, p.dollar ? 'sgl-dollar' : 'sgl', ctx);
        return;
      case 'DblQuoted':
        p.parts.forEach((q) => part(q, { ...ctx, quoting: ctx.quoting === 'heredoc' ? 'heredoc' : 'double' }));
        return;
      case 'ParamExp': {
        add(p, 'param', ctx);
        notSub.push({ node: p, ctx });
        const inner: Ctx = { ...ctx, role: ctx.role === 'arithmetic' ? 'arithmetic' : 'scalar' };
        if (p.index) arith(p.index, ctx);
        if (p.slice) {
          arith(p.slice.offset, ctx);
          if (p.slice.length) arith(p.slice.length, ctx);
        }
        if (p.repl) {
          word(p.repl.orig, inner);
          if (p.repl.with) word(p.repl.with, inner);
        }
        if (p.exp?.word) word(p.exp.word, inner);
        return;
      }
      case 'CmdSubst':
      case 'ProcSubst':
        stmts(p.stmts, { ...top, fn: ctx.fn });
        return;
      case 'ArithmExp':
        arith(p.expr, ctx);
        return;
      case 'ExtGlob':
        add(p, 'lit', ctx);
        return;
      case 'BraceExp':
        p.elems.forEach((e) => word(e, ctx));
        return;
    }
  };
  stmts(ast.stmts, top);
}
