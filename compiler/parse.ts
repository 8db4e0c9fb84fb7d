/**
 * Bash parsing: the only file that imports mvdan-sh. `parseBash` parses one bash block and
 * converts mvdan's nodes into cmdc's own AST (compiler/ast.ts), with positions mapped to the
 * .md file and operators mapped from mvdan's token numbers to string unions.
 *
 * It never throws: a syntax error becomes a located `parse-error` diagnostic (no ast); a node
 * the converter cannot read becomes an `Unsupported` command for its statement; a crash of the
 * parser itself becomes `parser-internal-error`.
 *
 * Speed: mvdan-sh is Go compiled by GopherJS. Its JS-facing wrappers re-wrap every field read
 * (~15 µs each, 30x the parse itself), so after `Parse` the converter reads the raw Go values
 * behind them (`__internal_object__`): structs are objects with the Go field names, slices are
 * `{$array, $offset, $length}`, nil pointers are `constructor.nil`, strings are UTF-8 byte
 * strings. The package is frozen at 0.10.1; test/compiler/parse.test.ts pins this behaviour.
 */
import { createRequire } from 'node:module';
import type * as A from './ast.js';
import { DECL_VARIANTS } from './ast.js';
import { parseError, parserInternalError, type Diagnostic, type Location } from './diagnostics.js';
import type { BashBlock } from './markdown.js';
import { applyRepairs, repairAt, type Repair } from './parse-repair.js';

export interface ParseOptions {
  /** The .md file, for diagnostics. */
  file: string;
  /** Added to block-relative lines: a block whose first code line is .md line L passes L - 1. */
  lineOffset?: number;
  /**
   * Added to block-relative columns: one number for every line, or one per block line (index 0
   * = first code line) for fences indented inside lists or blockquotes.
   */
  colOffset?: number | readonly number[];
  /**
   * The text was produced by editing an original block (compiler/edits.ts): positions are
   * reported in the original. `map` takes a char index in the parsed text to a char index in
   * `text` (monotonic); line/col then come from `text` with lineOffset/colOffset as usual. Node
   * `src` stays the parsed (edited) text.
   */
  origin?: { text: string; map: (charIndex: number) => number };
}

export interface ParseResult {
  /** Absent when the block does not parse. */
  ast?: A.File;
  diagnostics: Diagnostic[];
}

/** Parse a bash block from compiler/markdown.ts with its .md positions. */
export function parseBashBlock(block: BashBlock, file: string): ParseResult {
  return parseBash(block.code, { file, lineOffset: block.line - 1, colOffset: block.indents });
}

/** Parse bash source text into cmdc's AST. Never throws. */
export function parseBash(text: string, opts: ParseOptions): ParseResult {
  const src = toWellFormed(text);
  const map = new PosMap(src, opts);
  let mv: Mvdan;
  try {
    mv = mvdan();
  } catch (e) {
    return { diagnostics: [parserInternalError(map.location(0, 0), describe(e))] };
  }
  let raw: Raw;
  // text bash accepts but mvdan-sh rejects is shown to mvdan repaired (compiler/parse-repair.ts)
  const repairs: Repair[] = [];
  for (;;) {
    try {
      raw = mv.parser().Parse(repairs.length ? applyRepairs(src, repairs) : src, opts.file).__internal_object__;
      break;
    } catch (e) {
      if (!isGoParseError(e)) {
        mv.reset();
        return { diagnostics: [parserInternalError(map.location(0, 0), describe(e))] };
      }
      const r = repairs.length < 16 ? repairAt(src, errorChar(e, map), repairs) : null;
      if (!r) return { diagnostics: [syntaxDiagnostic(e, src, map)] };
      repairs.push(r);
    }
  }
  try {
    return { ast: new Converter(src, map, mv.syntax, repairs).file(raw), diagnostics: [] };
  } catch (e) {
    if (e instanceof BashRejects) return { diagnostics: [parseError({ file: opts.file, ...e.pos }, e.message)] };
    return { diagnostics: [parserInternalError(map.location(0, 0), describe(e))] };
  }
}

// ---------------------------------------------------------------------------------------------
// mvdan-sh loading (lazily, once per process: the first parse pays GopherJS start-up)

/** A raw GopherJS Go value (see the file comment). */
type Raw = any;

interface Syntax {
  NewParser(...opts: Raw[]): Raw;
  KeepComments(on: boolean): Raw;
  Variant(lang: Raw): Raw;
  LangBash: Raw;
}

interface Mvdan {
  syntax: Syntax;
  parser(): Raw;
  /** Drop the cached parser (after an unexpected failure inside it). */
  reset(): void;
}

const mvdan = (() => {
  let cached: Mvdan | undefined;
  return (): Mvdan => {
    if (cached) return cached;
    // GopherJS sets Error.stackTraceLimit = Infinity for the whole process: undo that.
    const limit = Error.stackTraceLimit;
    let syntax: Syntax;
    try {
      syntax = (createRequire(import.meta.url)('mvdan-sh') as { syntax: Syntax }).syntax;
    } finally {
      Error.stackTraceLimit = limit;
    }
    let parser: Raw | undefined;
    const m: Mvdan = {
      syntax,
      parser: () => (parser ??= syntax.NewParser(syntax.KeepComments(true), syntax.Variant(syntax.LangBash))),
      reset: () => {
        parser = undefined;
      },
    };
    return (cached = m);
  };
})();

function isGoParseError(e: unknown): e is Raw {
  const g = e as Raw;
  return !!g && typeof g === 'object' && typeof g.Error === 'function' && !!g.Pos && typeof g.Text === 'string';
}

function describe(e: unknown): string {
  if (e instanceof Error) return (e.message.split('\n')[0] ?? '').slice(0, 200);
  const g = e as Raw;
  if (g && typeof g.Error === 'function') return String(g.Error()).slice(0, 200);
  return String(e).slice(0, 200);
}

/** Replace lone surrogates by U+FFFD (same length) so JS chars and Go's UTF-8 bytes agree. */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

// --- raw Go values ---------------------------------------------------------------------------

function isNil(x: Raw): boolean {
  return x === undefined || x === null || x.$val === undefined || x === x.constructor?.nil;
}

/** "CallExpr" for a *syntax.CallExpr. */
function typeName(x: Raw): string {
  const s = x?.constructor?.string;
  return typeof s === 'string' ? s.replace(/^\*?syntax\./, '') : 'unknown';
}

/** A Go slice as a JS array (nil → []); a nil element is a conversion error. */
function items(slice: Raw): Raw[] {
  if (!slice || !slice.$array) return [];
  const out: Raw[] = [];
  for (let i = 0; i < slice.$length; i++) {
    const x = slice.$array[slice.$offset + i];
    if (isNil(x)) throw new ConversionError('missing list element');
    out.push(x);
  }
  return out;
}

/** A Go string (UTF-8 bytes in a JS string) as a JS string. */
function goString(v: unknown): string {
  if (typeof v !== 'string') return '';
  return /^[\x00-\x7f]*$/.test(v) ? v : Buffer.from(v, 'latin1').toString('utf8');
}

// ---------------------------------------------------------------------------------------------
// Positions: mvdan gives UTF-8 byte offsets in the block; we give 1-based .md line/col in chars.

class PosMap {
  private readonly lineStarts: number[] = [0];
  private readonly toOrigin: ((charIndex: number) => number) | null;
  /** byte offset → char index; null when the text is ASCII (identity). */
  private readonly byteToChar: Int32Array | null;
  private readonly file: string;
  private readonly lineOffset: number;
  private readonly colOffset: number | readonly number[];

  constructor(
    readonly text: string,
    opts: ParseOptions,
  ) {
    const lineText = opts.origin?.text ?? text;
    for (let i = 0; i < lineText.length; i++) if (lineText.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    this.toOrigin = opts.origin?.map ?? null;
    this.file = opts.file;
    this.lineOffset = opts.lineOffset ?? 0;
    this.colOffset = opts.colOffset ?? 0;
    const bytes = Buffer.byteLength(text);
    if (bytes === text.length) {
      this.byteToChar = null;
    } else {
      const map = new Int32Array(bytes + 1);
      let b = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.codePointAt(i)!;
        const n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        for (let k = 0; k < n; k++) map[b + k] = i;
        b += n;
        if (c >= 0x10000) i++;
      }
      map[bytes] = text.length;
      this.byteToChar = map;
    }
  }

  char(byteOffset: number): number {
    const b = Math.max(0, Number(byteOffset) | 0);
    if (!this.byteToChar) return Math.min(b, this.text.length);
    return this.byteToChar[Math.min(b, this.byteToChar.length - 1)]!;
  }

  pos(index: number): A.Pos {
    const charIndex = this.toOrigin ? this.toOrigin(index) : index;
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= charIndex) lo = mid;
      else hi = mid - 1;
    }
    const off = this.colOffset;
    const indent = typeof off === 'number' ? off : (off[lo] ?? off[off.length - 1] ?? 0);
    return { line: lo + 1 + this.lineOffset, col: charIndex - starts[lo]! + 1 + indent };
  }

  location(start: number, end: number): Location {
    const s = this.pos(start);
    const e = this.pos(end);
    return { file: this.file, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  }
}

// ---------------------------------------------------------------------------------------------
// Syntax errors

const PLACEHOLDER = /<[A-Za-z][A-Za-z0-9_.-]*(?: [A-Za-z0-9_.-]+)*>/g;

/** The char index of a Go parse error's position (0 when it has none). */
function errorChar(e: Raw, map: PosMap): number {
  try {
    return e.Pos.IsValid() ? map.char(e.Pos.Offset()) : 0;
  } catch {
    return 0;
  }
}

function syntaxDiagnostic(e: Raw, src: string, map: PosMap): Diagnostic {
  const message = String(e.Text || e.Error());
  let start = errorChar(e, map);
  let end = start;
  let hint: string | undefined;
  const lineStart = src.lastIndexOf('\n', start - 1) + 1;
  const nl = src.indexOf('\n', start);
  const lineEnd = nl === -1 ? src.length : nl;
  const placeholders = [...src.slice(lineStart, lineEnd).matchAll(PLACEHOLDER)].filter(
    (m) => lineStart + m.index <= start,
  );
  const ph = placeholders[placeholders.length - 1];
  if (ph && /must be followed by|redirect/.test(message)) {
    // `<branch-name>` style text: point at the placeholder, not at the redirection bash sees.
    start = lineStart + ph.index;
    end = start + ph[0].length;
    hint = `${ph[0]} looks like a placeholder for the model to fill in; bash reads its < and > as redirections`;
  } else if (/can only be used/.test(message)) {
    const word = /^"?([a-z]+|[{}()])"?/.exec(message)?.[1] ?? '';
    if (word && src.startsWith(word, start)) end = start + word.length;
    hint = 'a stray keyword: check that if/fi, do/done, case/esac and { } pair up within this block (each block is parsed on its own)';
  } else if (/cannot combine multiple parameter expansion operators/.test(message)) {
    const close = src.indexOf('}', start);
    if (close !== -1 && close < lineEnd) end = close;
    hint = 'bash rejects this too (e.g. ${#A[@]:-0}); expand in two steps: n=${#A[@]}; echo "${n:-0}"';
  } else if (/reached EOF/.test(message)) {
    hint = 'the block ends inside an unfinished construct; each block is parsed on its own';
  }
  return parseError(map.location(start, end), message, hint);
}

// ---------------------------------------------------------------------------------------------
// Operator tables: mvdan-sh 0.10.1 token numbers → our strings (verified by test/compiler/parse)

const BINARY_CMD: Record<number, A.BinaryCmdOp> = { 10: '&&', 11: '||', 12: '|', 13: '|&' };
const REDIRECT: Record<number, A.RedirectOp> = {
  54: '>', 55: '>>', 56: '<', 57: '<>', 58: '<&', 59: '>&', 60: '>|',
  61: '<<', 62: '<<-', 63: '<<<', 64: '&>', 65: '&>>',
};
const CASE: Record<number, A.CaseOp> = { 30: ';;', 31: ';&', 32: ';;&' };
const PARAM_EXP: Record<number, A.ParamExpOp> = {
  68: '+', 69: ':+', 70: '-', 71: ':-', 72: '?', 73: ':?', 74: '=', 75: ':=',
  76: '%', 77: '%%', 78: '#', 79: '##', 80: '^', 81: '^^', 82: ',', 83: ',,', 84: '@',
};
const BINARY_TEST: Record<number, A.BinaryTestOp> = {
  10: '&&', 11: '||', 40: '==', 41: '!=', 54: '>', 56: '<', 74: '=', 112: '=~', 113: '-nt',
  114: '-ot', 115: '-ef', 116: '-eq', 117: '-ne', 118: '-le', 119: '-ge', 120: '-lt', 121: '-gt',
};
/** `-a` is read as `-e` and `-h` as `-L` (the same tests in bash). */
const UNARY_TEST: Record<number, A.UnaryTestOp> = {
  34: '!', 88: '-e', 89: '-f', 90: '-d', 91: '-c', 92: '-b', 93: '-p', 94: '-S', 95: '-L',
  96: '-k', 97: '-g', 98: '-u', 99: '-G', 100: '-O', 101: '-N', 102: '-r', 103: '-w', 104: '-x',
  105: '-s', 106: '-t', 107: '-z', 108: '-n', 109: '-o', 110: '-v', 111: '-R',
};
const BINARY_ARITHM: Record<number, A.BinaryArithmOp> = {
  9: '&', 10: '&&', 11: '||', 12: '|', 38: '*', 39: '**', 40: '==', 41: '!=', 42: '<=', 43: '>=',
  44: '+=', 45: '-=', 46: '*=', 47: '/=', 48: '%=', 49: '&=', 50: '|=', 51: '^=', 52: '<<=',
  53: '>>=', 54: '>', 55: '>>', 56: '<', 61: '<<', 68: '+', 70: '-', 74: '=', 76: '%', 80: '^',
  82: ',', 85: '/',
};
const TERN_QUEST = 72;
const TERN_COLON = 87;
const UNARY_ARITHM: Record<number, A.UnaryArithmOp> = { 34: '!', 35: '~', 36: '++', 37: '--', 68: '+', 70: '-' };
const PROC_SUBST: Record<number, A.ProcSubstOp> = { 66: '<(', 67: '>(' };
const EXT_GLOB: Record<number, A.ExtGlobOp> = { 122: '?(', 123: '*(', 124: '+(', 125: '@(', 126: '!(' };
const NAMES: Record<number, '*' | '@'> = { 38: '*', 84: '@' };

function op<T>(table: Record<number, T>, n: unknown, what: string): T {
  const v = table[n as number];
  if (v === undefined) throw new ConversionError(`unknown ${what} operator ${String(n)}`);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Conversion

/** A node the converter cannot read; caught per statement (→ Unsupported). */
class ConversionError extends Error {}

/** Text mvdan-sh accepts but bash rejects as a syntax error (the whole block is one then). */
class BashRejects extends Error {
  constructor(readonly pos: A.Pos, message: string) {
    super(message);
  }
}

/**
 * bash reads `@(…)` style patterns in `[[ ]]` only on the right of `==`, `!=`, `=` and `=~`: an
 * extended glob on a left side (or alone) wants a binary operator, anywhere else it is an error.
 */
function checkExtGlobs(e: A.TestExpr): void {
  const ext = (w: A.TestExpr) => (w.kind === 'Word' ? w.parts.find((p) => p.kind === 'ExtGlob') : undefined);
  const at = (w: A.TestExpr): A.Pos => {
    const p = ext(w)!;
    return { line: p.pos.line, col: p.pos.col + 1 };
  };
  const binary = "unexpected token `(', conditional binary operator expected";
  const syntax = "syntax error in conditional expression: unexpected token `('";
  switch (e.kind) {
    case 'Word':
      // a word standing alone (an operand of `&&`, `||`, `!` or parentheses)
      if (ext(e)) throw new BashRejects(at(e), binary);
      return;
    case 'ParenTest':
      return checkExtGlobs(e.x);
    case 'UnaryTest':
      if (e.x.kind !== 'Word') return checkExtGlobs(e.x);
      // `! word` reads the word as a lone operand; `-n word` as an operator's argument
      if (ext(e.x)) throw new BashRejects(at(e.x), e.op === '!' ? binary : syntax);
      return;
    case 'BinaryTest':
      if (e.op === '&&' || e.op === '||') {
        checkExtGlobs(e.x);
        checkExtGlobs(e.y);
        return;
      }
      // the operands of a binary operator are words: only the left side must not be a pattern
      if (ext(e.x)) throw new BashRejects(at(e.x), binary);
      if (!['==', '!=', '=', '=~'].includes(e.op) && ext(e.y)) throw new BashRejects(at(e.y), syntax);
      return;
  }
}

interface Span {
  start: number;
  end: number;
}

type Base = { pos: A.Pos; end: A.Pos; src: string };

class Converter {
  /** Furthest char offset reached by a heredoc (body + delimiter) in the statement being converted. */
  private hdocEnd = -1;

  /** Repaired arithmetic bodies being rebuilt (a nested arithmetic inside one is mvdan's own). */
  private readonly rebuilding = new Set<Repair>();

  constructor(
    private readonly text: string,
    private readonly map: PosMap,
    private readonly sx: Syntax,
    private readonly repairs: readonly Repair[] = [],
  ) {}

  file(f: Raw): A.File {
    // Comments first: converting words calls SplitBraces, which rewrites mvdan's tree in place.
    const comments: A.Comment[] = [];
    this.collectComments(f, new Set(), comments);
    comments.sort((a, b) => a.pos.line - b.pos.line || a.pos.col - b.pos.col);
    const stmts = this.stmts(f.Stmts);
    return { kind: 'File', ...this.base({ start: 0, end: this.text.length }), stmts, comments };
  }

  /** Comments hang off many node kinds (Stmt.Comments, *.Last, CaseItem.Comments...): visit all. */
  private collectComments(x: Raw, seen: Set<unknown>, out: A.Comment[]): void {
    if (x === null || typeof x !== 'object' || x.$val === undefined) return;
    if (x.$array) {
      for (let i = 0; i < x.$length; i++) this.collectComments(x.$array[x.$offset + i], seen, out);
      return;
    }
    if (isNil(x) || seen.has(x)) return;
    seen.add(x);
    const type = typeName(x);
    if (type === 'Comment') {
      out.push({ kind: 'Comment', ...this.base(this.span(x)), text: goString(x.Text) });
      return;
    }
    if (type === 'Pos' || type === 'Lit') return;
    for (const k of Object.keys(x)) if (k !== '$val') this.collectComments(x[k], seen, out);
  }

  // --- helpers ------------------------------------------------------------------------------

  private span(n: Raw): Span {
    let p: Raw;
    let e: Raw;
    try {
      p = n.Pos();
      e = n.End();
    } catch {
      throw new ConversionError(`unreadable position of ${typeName(n)}`);
    }
    if (!p.IsValid()) throw new ConversionError(`invalid position of ${typeName(n)}`);
    const start = this.map.char(p.Offset());
    const end = e.IsValid() ? Math.max(start, this.map.char(e.Offset())) : start;
    return { start, end };
  }

  private base(s: Span): Base {
    return { pos: this.map.pos(s.start), end: this.map.pos(s.end), src: this.text.slice(s.start, s.end) };
  }

  private emptyWord(at: number): A.Word {
    return { kind: 'Word', ...this.base({ start: at, end: at }), parts: [] };
  }

  private lit(n: Raw): string {
    if (isNil(n)) throw new ConversionError('missing literal');
    return goString(n.Value);
  }

  // --- statements ---------------------------------------------------------------------------

  private stmts(slice: Raw): A.Stmt[] {
    return items(slice).map((s) => this.stmt(s));
  }

  private stmt(s: Raw): A.Stmt {
    const outer = this.hdocEnd;
    this.hdocEnd = -1;
    const span = this.span(s);
    let cmd: A.Command | null;
    let redirs: A.Redirect[];
    let failed: string | null = null;
    try {
      redirs = items(s.Redirs).map((r) => this.redirect(r));
      cmd = isNil(s.Cmd) ? null : this.command(s.Cmd);
    } catch (e) {
      if (!(e instanceof ConversionError)) throw e;
      failed = isNil(s.Cmd) ? 'Stmt' : typeName(s.Cmd);
      cmd = null;
      redirs = [];
    }
    const full = { start: span.start, end: Math.max(span.end, this.hdocEnd) };
    this.hdocEnd = Math.max(outer, this.hdocEnd);
    if (failed !== null) cmd = { kind: 'Unsupported', ...this.base(full), nodeType: failed };
    return {
      kind: 'Stmt',
      ...this.base(full),
      cmd,
      redirs,
      negated: !!s.Negated,
      background: !!s.Background,
      coprocess: !!s.Coprocess,
    };
  }

  private command(c: Raw): A.Command {
    const type = typeName(c);
    const b = this.base(this.span(c));
    switch (type) {
      case 'CallExpr':
        return {
          kind: 'CallExpr',
          ...b,
          assigns: items(c.Assigns).map((a) => this.assign(a)),
          args: items(c.Args).map((w) => this.word(w, true)),
        };
      case 'BinaryCmd':
        return { kind: 'BinaryCmd', ...b, op: op(BINARY_CMD, c.Op, 'command'), x: this.stmt(c.X), y: this.stmt(c.Y) };
      case 'IfClause':
        return this.ifClause(c, b);
      case 'WhileClause':
        return { kind: 'WhileClause', ...b, until: !!c.Until, cond: this.stmts(c.Cond), body: this.stmts(c.Do) };
      case 'ForClause':
        return { kind: 'ForClause', ...b, select: !!c.Select, loop: this.loop(c.Loop), body: this.stmts(c.Do) };
      case 'CaseClause':
        return {
          kind: 'CaseClause',
          ...b,
          word: this.word(c.Word, false),
          items: items(c.Items).map((it) => ({
            kind: 'CaseItem' as const,
            ...this.base(this.span(it)),
            patterns: items(it.Patterns).map((w) => this.word(w, false)),
            stmts: this.stmts(it.Stmts),
            op: op(CASE, it.Op, 'case'),
          })),
        };
      case 'Block':
        return { kind: 'Block', ...b, stmts: this.stmts(c.Stmts) };
      case 'Subshell':
        return { kind: 'Subshell', ...b, stmts: this.stmts(c.Stmts) };
      case 'FuncDecl':
        return { kind: 'FuncDecl', ...b, name: this.lit(c.Name), keyword: !!c.RsrvWord, body: this.stmt(c.Body) };
      case 'DeclClause':
        return this.declClause(c, b);
      case 'TestClause': {
        const expr = this.test(c.X);
        checkExtGlobs(expr);
        return { kind: 'TestClause', ...b, expr };
      }
      case 'ArithmCmd':
        return { kind: 'ArithmCmd', ...b, expr: this.arithOrEmpty(c.X, this.span(c).end) };
      case 'LetClause':
        return { kind: 'LetClause', ...b, exprs: items(c.Exprs).map((x) => this.arith(x)) };
      case 'TimeClause':
        return { kind: 'TimeClause', ...b, posix: !!c.PosixFormat, stmt: isNil(c.Stmt) ? null : this.stmt(c.Stmt) };
      case 'CoprocClause': {
        const name = isNil(c.Name) ? '' : items(c.Name.Parts).map((p) => (typeName(p) === 'Lit' ? goString(p.Value) : '')).join('');
        return { kind: 'CoprocClause', ...b, name: name || null, stmt: this.stmt(c.Stmt) };
      }
      default:
        return { kind: 'Unsupported', ...b, nodeType: type };
    }
  }

  private ifClause(c: Raw, b: Base): A.IfClause {
    const elifs: A.Elif[] = [];
    let elseStmts: A.Stmt[] | null = null;
    for (let e = c.Else; !isNil(e); e = e.Else) {
      const cond = items(e.Cond);
      if (cond.length > 0) {
        const then = items(e.Then);
        const start = this.span(e).start;
        const last = then[then.length - 1] ?? cond[cond.length - 1];
        elifs.push({
          kind: 'Elif',
          ...this.base({ start, end: this.span(last).end }),
          cond: cond.map((s) => this.stmt(s)),
          then: then.map((s) => this.stmt(s)),
        });
      } else {
        elseStmts = this.stmts(e.Then);
        break;
      }
    }
    return { kind: 'IfClause', ...b, cond: this.stmts(c.Cond), then: this.stmts(c.Then), elifs, else: elseStmts };
  }

  private loop(l: Raw): A.WordIter | A.CStyleLoop {
    if (isNil(l)) throw new ConversionError('missing loop');
    const type = typeName(l);
    const b = this.base(this.span(l));
    if (type === 'WordIter') {
      const hasIn = !!l.InPos?.IsValid?.() || items(l.Items).length > 0;
      return { kind: 'WordIter', ...b, name: this.lit(l.Name), items: hasIn ? items(l.Items).map((w) => this.word(w, true)) : null };
    }
    if (type === 'CStyleLoop') {
      return {
        kind: 'CStyleLoop',
        ...b,
        init: isNil(l.Init) ? null : this.arith(l.Init),
        cond: isNil(l.Cond) ? null : this.arith(l.Cond),
        post: isNil(l.Post) ? null : this.arith(l.Post),
      };
    }
    throw new ConversionError(`unknown loop ${type}`);
  }

  private declClause(c: Raw, b: Base): A.Command {
    const variant = isNil(c.Variant) ? '' : goString(c.Variant.Value);
    if (!(DECL_VARIANTS as readonly string[]).includes(variant)) return { kind: 'Unsupported', ...b, nodeType: 'DeclClause' };
    const opts: A.Word[] = [];
    const assigns: A.Assign[] = [];
    const words: A.Word[] = [];
    for (const a of items(c.Args)) {
      if (isNil(a.Name) && !isNil(a.Value)) {
        const w = this.word(a.Value, false);
        const lit = w.parts.every((p) => p.kind === 'Lit') ? w.parts.map((p) => (p as A.Lit).value).join('') : '';
        if (/^[-+]./.test(lit)) opts.push(w);
        else words.push(w);
      } else {
        assigns.push(this.assign(a));
      }
    }
    return { kind: 'DeclClause', ...b, variant: variant as A.DeclVariant, opts, assigns, words };
  }

  private assign(a: Raw): A.Assign {
    return {
      kind: 'Assign',
      ...this.base(this.span(a)),
      name: this.lit(a.Name),
      append: !!a.Append,
      naked: !!a.Naked,
      value: isNil(a.Value) ? null : this.word(a.Value, false),
      index: isNil(a.Index) ? null : this.arith(a.Index),
      array: isNil(a.Array)
        ? null
        : items(a.Array.Elems).map((e) => ({
            kind: 'ArrayElem' as const,
            ...this.base(this.elemSpan(e)),
            index: isNil(e.Index) ? null : this.arith(e.Index),
            value: isNil(e.Value) ? null : this.word(e.Value, true),
          })),
    };
  }

  /** mvdan starts `[k]=v` at k: include the bracket. */
  private elemSpan(e: Raw): Span {
    const s = this.span(e);
    return !isNil(e.Index) && this.text[s.start - 1] === '[' ? { start: s.start - 1, end: s.end } : s;
  }

  private redirect(r: Raw): A.Redirect {
    const opName = op(REDIRECT, r.Op, 'redirect');
    const span = this.span(r);
    const word = this.word(r.Word, false);
    const isHdoc = opName === '<<' || opName === '<<-';
    const hdocQuoted = isHdoc && word.parts.some((p) => p.kind !== 'Lit' || p.value.includes('\\'));
    let hdoc: A.Word | null = null;
    let end = span.end;
    if (isHdoc) {
      const delim = unquoteDelimiter(word);
      const dash = opName === '<<-';
      const isDelim = (line: string) => (dash ? line.replace(/^\t+/, '') : line) === delim;
      if (!isNil(r.Hdoc)) {
        // mvdan's heredoc span ends after the delimiter line: the body stops before that line.
        const hs = this.span(r.Hdoc);
        const lastNl = this.text.lastIndexOf('\n', hs.end - 1);
        const bodyEnd = lastNl + 1 >= hs.start && isDelim(this.text.slice(lastNl + 1, hs.end)) ? lastNl + 1 : hs.end;
        hdoc = this.heredocBody(r.Hdoc, { start: hs.start, end: bodyEnd }, dash);
        end = Math.max(end, hs.end);
      } else {
        // Empty body: mvdan gives no Hdoc; the delimiter is the next line.
        const nl = this.text.indexOf('\n', span.end);
        const bodyStart = nl === -1 ? this.text.length : nl + 1;
        hdoc = this.emptyWord(bodyStart);
        const lineEnd = this.text.indexOf('\n', bodyStart);
        const line = this.text.slice(bodyStart, lineEnd === -1 ? this.text.length : lineEnd);
        if (isDelim(line)) end = Math.max(end, bodyStart + line.length);
      }
      this.hdocEnd = Math.max(this.hdocEnd, end);
    }
    return {
      kind: 'Redirect',
      ...this.base({ start: span.start, end }),
      op: opName,
      n: isNil(r.N) ? null : this.lit(r.N),
      word,
      hdoc,
      hdocQuoted,
    };
  }

  /** Heredoc body word; for `<<-` leading tabs are removed from every line's literal text. */
  private heredocBody(h: Raw, span: Span, dash: boolean): A.Word {
    const parts = items(h.Parts).map((p) => {
      const part = this.part(p);
      if (part.kind !== 'Lit') return part;
      const at = this.span(p).start;
      let value = part.value;
      if (dash) {
        value = value.replace(/\n\t+/g, '\n');
        if (at <= span.start || this.text[at - 1] === '\n') value = value.replace(/^\t+/, '');
      }
      const end = Math.max(Math.min(this.span(p).end, span.end), at);
      return { ...part, ...this.base({ start: at, end }), value };
    });
    return { kind: 'Word', ...this.base(span), parts };
  }

  // --- tests and arithmetic ---------------------------------------------------------------

  private test(x: Raw): A.TestExpr {
    if (isNil(x)) throw new ConversionError('missing test expression');
    const type = typeName(x);
    if (type === 'Word') return this.word(x, false);
    const b = this.base(this.span(x));
    switch (type) {
      case 'BinaryTest':
        return { kind: 'BinaryTest', ...b, op: op(BINARY_TEST, x.Op, 'test'), x: this.test(x.X), y: this.test(x.Y) };
      case 'UnaryTest':
        return { kind: 'UnaryTest', ...b, op: op(UNARY_TEST, x.Op, 'test'), x: this.test(x.X) };
      case 'ParenTest':
        return { kind: 'ParenTest', ...b, x: this.test(x.X) };
      default:
        throw new ConversionError(`unknown test expression ${type}`);
    }
  }

  /** `(( ))` and `$(( ))` may be empty (value 0): an empty Word then. */
  private arithOrEmpty(x: Raw, at: number): A.ArithExpr {
    return isNil(x) ? this.emptyWord(at) : this.arith(x);
  }

  private arith(x: Raw): A.ArithExpr {
    if (isNil(x)) throw new ConversionError('missing arithmetic expression');
    const type = typeName(x);
    const repaired = this.repairs.length ? this.repairedArith(x) : null;
    if (repaired) return repaired;
    if (type === 'Word') return this.word(x, false);
    const b = this.base(this.span(x));
    switch (type) {
      case 'BinaryArithm':
        if (x.Op === TERN_QUEST && !isNil(x.Y) && typeName(x.Y) === 'BinaryArithm' && x.Y.Op === TERN_COLON) {
          return { kind: 'TernaryArithm', ...b, cond: this.arith(x.X), then: this.arith(x.Y.X), else: this.arith(x.Y.Y) };
        }
        return { kind: 'BinaryArithm', ...b, op: op(BINARY_ARITHM, x.Op, 'arithmetic'), x: this.arith(x.X), y: this.arith(x.Y) };
      case 'UnaryArithm':
        return { kind: 'UnaryArithm', ...b, op: op(UNARY_ARITHM, x.Op, 'arithmetic'), post: !!x.Post, x: this.arith(x.X) };
      case 'ParenArithm':
        return { kind: 'ParenArithm', ...b, x: this.arith(x.X) };
      default:
        throw new ConversionError(`unknown arithmetic expression ${type}`);
    }
  }

  /**
   * An arithmetic body mvdan was shown repaired (compiler/parse-repair.ts): one word of the
   * original text, its expansions converted from mvdan's leaves, the rest literal text that the
   * runtime evaluates (and rejects) as bash does.
   */
  private repairedArith(x: Raw): A.Word | null {
    const s = this.span(x);
    const r = this.repairs.find((r) => r.kind === 'arith' && r.start <= s.start && s.end <= r.end && !this.rebuilding.has(r));
    if (!r) return null;
    this.rebuilding.add(r);
    try {
      const leaves: Raw[] = [];
      const walk = (n: Raw): void => {
        const t = typeName(n);
        if (t === 'Word') leaves.push(n);
        else if (t === 'BinaryArithm') { walk(n.X); walk(n.Y); }
        else if (t === 'UnaryArithm' || t === 'ParenArithm') walk(n.X);
        else throw new ConversionError(`unknown arithmetic expression ${t}`);
      };
      walk(x);
      const parts: A.WordPart[] = [];
      let at = r.start;
      for (const p of leaves.flatMap((l) => items(l.Parts))) {
        if (typeName(p) === 'Lit') continue; // the `0` / `+` mvdan was shown
        const ps = this.span(p);
        if (ps.start > at) parts.push({ kind: 'Lit', ...this.base({ start: at, end: ps.start }), value: this.text.slice(at, ps.start) });
        parts.push(this.part(p));
        at = ps.end;
      }
      if (r.end > at) parts.push({ kind: 'Lit', ...this.base({ start: at, end: r.end }), value: this.text.slice(at, r.end) });
      return { kind: 'Word', ...this.base({ start: r.start, end: r.end }), parts };
    } finally {
      this.rebuilding.delete(r);
    }
  }

  // --- words ------------------------------------------------------------------------------

  /**
   * A word. `braces` (bash brace-expands it: command args, for items, array values) is kept for
   * callers; brace expansion itself is the translator's (compiler/translate/word/brace.ts, on
   * bash's rules: mvdan's SplitBraces mishandles escaped braces and commas), so no BraceExp
   * parts are produced here.
   */
  private word(w: Raw, braces: boolean): A.Word {
    if (isNil(w)) throw new ConversionError('missing word');
    void braces;
    const span = this.span(w);
    return { kind: 'Word', ...this.base(span), parts: items(w.Parts).map((p) => this.part(p)) };
  }

  private part(p: Raw): A.WordPart {
    if (isNil(p)) throw new ConversionError('missing word part');
    const type = typeName(p);
    const b = this.base(this.span(p));
    switch (type) {
      case 'Lit':
        return { kind: 'Lit', ...b, value: goString(p.Value) };
      case 'SglQuoted':
        return { kind: 'SglQuoted', ...b, value: goString(p.Value), dollar: !!p.Dollar };
      case 'DblQuoted':
        return { kind: 'DblQuoted', ...b, parts: items(p.Parts).map((q) => this.part(q)), dollar: !!p.Dollar };
      case 'ParamExp':
        return this.paramExp(p, b);
      case 'CmdSubst':
        return { kind: 'CmdSubst', ...b, stmts: this.stmts(p.Stmts), backquotes: !!p.Backquotes };
      case 'ArithmExp':
        return { kind: 'ArithmExp', ...b, expr: this.arithOrEmpty(p.X, this.span(p).end), bracket: !!p.Bracket };
      case 'ProcSubst':
        return { kind: 'ProcSubst', ...b, op: op(PROC_SUBST, p.Op, 'process substitution'), stmts: this.stmts(p.Stmts) };
      case 'ExtGlob':
        return { kind: 'ExtGlob', ...b, op: op(EXT_GLOB, p.Op, 'extglob'), pattern: this.lit(p.Pattern) };
      case 'BraceExp':
        return { kind: 'BraceExp', ...b, sequence: !!p.Sequence, elems: items(p.Elems).map((w) => this.word(w, false)) };
      default:
        throw new ConversionError(`unknown word part ${type}`);
    }
  }

  private paramExp(p: Raw, b: Base): A.ParamExp {
    const at = this.span(p).end;
    let repl: A.ParamExp['repl'] = null;
    if (!isNil(p.Repl)) {
      const orig = isNil(p.Repl.Orig) ? this.emptyWord(at) : this.word(p.Repl.Orig, false);
      let anchor: '#' | '%' | null = null;
      const first = orig.parts[0];
      if (first && first.kind === 'Lit' && (first.value.startsWith('#') || first.value.startsWith('%'))) {
        anchor = first.value[0] as '#' | '%';
        const rest: A.Lit = { ...first, value: first.value.slice(1), src: first.src.slice(1), pos: { ...first.pos, col: first.pos.col + 1 } };
        orig.parts = rest.value ? [rest, ...orig.parts.slice(1)] : orig.parts.slice(1);
      }
      let withW = isNil(p.Repl.With) ? null : this.word(p.Repl.With, false);
      if (orig.parts.length === 0 && withW && !anchor) [orig.parts, withW] = resplitRepl(withW);
      repl = { all: !!p.Repl.All, anchor, orig, with: withW };
    }
    return {
      kind: 'ParamExp',
      ...b,
      short: !!p.Short,
      excl: !!p.Excl,
      length: !!p.Length,
      width: !!p.Width,
      param: isNil(p.Param) ? '' : this.lit(p.Param),
      index: isNil(p.Index) ? null : this.arith(p.Index),
      slice: isNil(p.Slice)
        ? null
        : { offset: this.arithOrEmpty(p.Slice.Offset, at), length: isNil(p.Slice.Length) ? null : this.arith(p.Slice.Length) },
      repl,
      names: p.Names ? (NAMES[p.Names as number] ?? null) : null,
      exp: isNil(p.Exp) ? null : this.paramOp(p),
    };
  }

  /** `${x<op>word}`'s operator and word, with a repaired operator (compiler/parse-repair.ts) restored. */
  private paramOp(p: Raw): NonNullable<A.ParamExp['exp']> {
    const exp = { op: op(PARAM_EXP, p.Exp.Op, 'parameter expansion'), word: isNil(p.Exp.Word) ? null : this.word(p.Exp.Word, false) };
    if (!this.repairs.length) return exp;
    const s = this.span(p);
    const before = isNil(p.Exp.Word) ? s.end : this.span(p.Exp.Word).start;
    const r = this.repairs.find((r) => r.kind === 'op' && s.start < r.start && r.start < before);
    if (!r || r.kind !== 'op') return exp;
    if (r.op === '@k' && exp.word?.parts.length === 1 && exp.word.parts[0]!.kind === 'Lit') {
      return { op: '@', word: { ...exp.word, parts: [{ ...exp.word.parts[0]!, value: 'k' }] } };
    }
    if (r.op === '~' || r.op === '~~') return { ...exp, op: r.op };
    return exp;
  }
}

/**
 * `${p////_}`, `${p///z}`: mvdan ends an empty pattern at the slash after `//`; bash takes that
 * slash as the pattern's first character (the pattern is `/`, or `/z` with no replacement).
 * Given mvdan's replacement word, returns bash's pattern parts and replacement.
 */
function resplitRepl(w: A.Word): [A.WordPart[], A.Word | null] {
  const slash: A.Lit = { kind: 'Lit', pos: w.pos, end: w.pos, src: '/', value: '/' };
  const parts = w.parts;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (p.kind !== 'Lit') continue;
    const m = /^((?:[^\\/]|\\.)*)\//s.exec(p.value);
    if (!m) continue;
    const before: A.Lit = { ...p, value: m[1]!, src: m[1]! };
    const after: A.Lit = { ...p, value: p.value.slice(m[0].length), src: p.value.slice(m[0].length) };
    const orig = [slash, ...parts.slice(0, i), ...(before.value ? [before] : [])];
    const rest = [...(after.value ? [after] : []), ...parts.slice(i + 1)];
    return [orig, { ...w, parts: rest, src: rest.map((x) => x.src).join('') }];
  }
  return [[slash, ...parts], null];
}

/** The heredoc delimiter as bash compares it: quotes and backslashes removed. */
function unquoteDelimiter(w: A.Word): string {
  const text = (parts: A.WordPart[]): string =>
    parts
      .map((p) =>
        p.kind === 'Lit' ? p.value.replace(/\\(.)/g, '$1') : p.kind === 'SglQuoted' ? p.value : p.kind === 'DblQuoted' ? text(p.parts) : p.src,
      )
      .join('');
  return text(w.parts);
}
