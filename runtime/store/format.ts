/**
 * Bash quoting for state files, and the parser that reads state files back without evaluating
 * anything.
 *
 * Writing: every value becomes one ANSI-C quoted word `$'...'` in pure ASCII: printable ASCII
 * stays as is except `\` -> `\\` and `'` -> `\'`; newline, tab and CR become `\n`, `\t`, `\r`;
 * every other byte (controls, DEL, and every byte >= 0x80, so also all UTF-8) becomes `\xHH`.
 * So a record never spans lines, the file is locale independent (no multibyte character can
 * swallow a quote), and inside `$'...'` nothing (`$(...)`, backticks, `!`, `"`) is special.
 * Every byte string without NUL round-trips exactly through `source`; NUL cannot exist in a
 * bash variable and is rejected.
 *
 * Reading (parseStateText): a small recursive-descent parser over the bytes. It accepts what
 * the writer produces (`{ K=$'..'; K2=($'a' $'b'); }`, `# cmdc:key=$'..'` meta comments) and,
 * for hand-written and seed (legacy) files, plain `K=..` / `export K=..` / `declare [-agx] K=..`
 * with `$'..'`, `'..'`, `".."`, `\c` and bare words. Anything that would need evaluation (`$x`,
 * `$(..)`, backticks, `~`, globs, a command word) is a StateParseError: cmdc never runs it, and
 * neither does cmdc's bash library (runtime/lib/state-persistence.sh validates before `source`).
 * A key the writer refuses (reserved, below) is refused on read too, with its file:line.
 * Parsing that reaches the end of the data inside a statement is a torn tail (a writer killed
 * mid-write): it is reported, not applied, exactly as bash (which sees a syntax error) does —
 * if it can be one (tornTailProblem); a cut-off line no cmdc writer produces is an error.
 * This is the only state-file parser. Its lenient mode (`{ mode: 'lenient' }`, for showing the
 * values of a hand-edited file) skips the statements strict mode refuses and keeps the rest,
 * each meaning exactly what it means in strict mode.
 *
 * Key names: `[A-Za-z_][A-Za-z0-9_]*`, minus names that change how bash itself, the dynamic
 * loader, or cmdc behave when the file is sourced (see RESERVED_KEYS / RESERVED_KEY_PREFIXES).
 */
import { InvalidKeyError, InvalidValueError, StateParseError } from './errors.js';
import { quote, quoteBytes } from '../lang/quote.js';
import { encode } from '../lang/bytes.js';
export { quote, quoteBytes, singleQuote } from '../lang/quote.js';

export const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Names a state file may not assign. Reasons: bash reads them to decide how to parse, split,
 * expand, trace or run (IFS, PATH, CDPATH, GLOBIGNORE, PS4 runs command substitutions under
 * xtrace, BASH_ENV/ENV are sourced by child shells, SHELLOPTS/BASHOPTS/POSIXLY_CORRECT switch
 * modes, TMOUT ends the shell, OPTIND/OPTERR drive getopts, LANG/LC_* change how bytes are
 * read); they are readonly or magic in bash (UID, EUID, PPID, RANDOM, SECONDS, LINENO,
 * FUNCNAME, PIPESTATUS, ...: assigning fails or changes their meaning); they steer the dynamic
 * loader or node in child processes if already exported (LD_*, DYLD_*, NODE_OPTIONS); or they
 * are cmdc's own configuration (CMDC_*) and the Claude Code session id (CLAUDE_CODE_*), which
 * decide the state directory and the owner.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  '_', 'IFS', 'PATH', 'ENV', 'CDPATH', 'GLOBIGNORE', 'FIGNORE', 'EXECIGNORE', 'SHELLOPTS', 'POSIXLY_CORRECT',
  'PS0', 'PS1', 'PS2', 'PS3', 'PS4', 'PROMPT_COMMAND', 'PROMPT_DIRTRIM', 'TMOUT', 'OPTIND', 'OPTARG', 'OPTERR',
  'HOME', 'PWD', 'OLDPWD', 'SHELL', 'TMPDIR', 'LANG', 'LANGUAGE', 'TERM', 'INPUTRC', 'HOSTFILE', 'TIMEFORMAT',
  'MAIL', 'MAILPATH', 'MAILCHECK', 'COLUMNS', 'LINES', 'COPROC', 'MAPFILE', 'DIRSTACK', 'PIPESTATUS', 'GROUPS',
  'UID', 'EUID', 'PPID', 'RANDOM', 'SRANDOM', 'SECONDS', 'LINENO', 'FUNCNAME', 'EPOCHSECONDS', 'EPOCHREALTIME',
  'HOSTNAME', 'HOSTTYPE', 'MACHTYPE', 'OSTYPE', 'histchars', 'auto_resume', 'NODE_OPTIONS', 'NODE_PATH',
]);
export const RESERVED_KEY_PREFIXES: readonly string[] = ['BASH', 'LC_', 'LD_', 'DYLD_', 'HIST', 'COMP_', 'READLINE_', 'CMDC_', 'CLAUDE_CODE_'];

/** Why `name` cannot be a state key, or undefined if it can. */
export function keyNameProblem(name: string): string | undefined {
  if (typeof name !== 'string') return 'not a string';
  if (!KEY_RE.test(name)) return 'must match [A-Za-z_][A-Za-z0-9_]* (a bash variable name)';
  if (RESERVED_KEYS.has(name)) return 'reserved: bash or cmdc gives this name a special meaning';
  const p = RESERVED_KEY_PREFIXES.find((x) => name.startsWith(x));
  if (p) return `reserved: names starting with ${p} change how bash, the loader or cmdc behave`;
  return undefined;
}

/** Throws InvalidKeyError unless `name` may be written to a state file. */
export function assertKeyName(name: string): void {
  const problem = keyNameProblem(name);
  if (problem) throw new InvalidKeyError(String(name), problem);
}

/** A lone surrogate that is not a surrogate-escaped byte (U+DC80..U+DCFF, runtime/lang/bytes.ts). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDC7F\uDD00-\uDFFF]/;

/**
 * Bytes of a value: strings as UTF-8 with surrogate-escaped bytes written back as themselves
 * (the interpreter's byte-exact strings, runtime/lang/bytes.ts), Uint8Arrays as is; NUL and
 * other lone surrogates rejected.
 */
export function valueBytes(key: string, value: string | Uint8Array): Buffer {
  let buf: Buffer;
  if (typeof value === 'string') {
    if (LONE_SURROGATE.test(value)) throw new InvalidValueError(key, 'string has a lone surrogate (not valid UTF-16); pass a Buffer for raw bytes');
    buf = encode(value);
  } else if (value instanceof Uint8Array) {
    buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  } else {
    throw new InvalidValueError(key, `expected a string or bytes, got ${value === null ? 'null' : typeof value}`);
  }
  if (buf.includes(0)) throw new InvalidValueError(key, 'contains a NUL byte, which no bash variable can hold');
  return buf;
}

/** `NAME=$'...'` (name not validated here). */
export function formatAssignment(name: string, value: Uint8Array): string {
  return `${name}=${quoteBytes(value)}`;
}

/** `NAME=($'a' $'b')`, or `NAME=()` for an empty array. */
export function formatArrayAssignment(name: string, values: readonly Uint8Array[]): string {
  return `${name}=(${values.map(quoteBytes).join(' ')})`;
}

/**
 * One record line: a brace group of assignments, `{ A=$'1'; B=($'x'); }\n`. The group makes a
 * torn record a bash syntax error (nothing of it runs) instead of a truncated command.
 */
export function formatRecordLine(assignments: readonly string[]): string {
  return `{ ${assignments.join('; ')}; }\n`;
}

/** A metadata comment line, `# cmdc:<key>=$'...'\n`. */
export function formatMetaLine(key: string, value: string): string {
  if (!/^[a-z][a-z0-9_-]*$/.test(key)) throw new InvalidKeyError(key, 'metadata keys are [a-z][a-z0-9_-]*');
  return `# cmdc:${key}=${quote(value)}\n`;
}

// ---------------------------------------------------------------------------------------------
// Parsing
/** One statement's effect, in file order. */
export type StateRecord =
  | { kind: 'var'; name: string; value: Buffer; line: number; exported?: true }
  | { kind: 'array'; name: string; values: Buffer[]; line: number; exported?: true }
  | { kind: 'meta'; key: string; value: Buffer; line: number };

export interface ParsedStateText {
  records: StateRecord[];
  /** Lenient mode: the lines of the statements that were skipped because they do not parse. */
  skipped: number[];
  /** Byte offset just after the last complete statement: what a repair keeps. */
  cleanLength: number;
  /** A final statement was cut off by end of data (it is not in `records`). */
  torn: boolean;
  /** The data does not end with a newline (torn, or a complete last statement without `\n`). */
  missingNewline: boolean;
}

export interface ParseStateOptions {
  /**
   * `strict` (default; what loading, sourcing and verifying use): anything that is not a plain
   * assignment or comment is a StateParseError. `lenient` (for showing a hand-edited file's
   * values, e.g. in agent prompts): such a statement is skipped (its first line is recorded in
   * `skipped`) and parsing goes on with the next line; every statement it keeps means exactly
   * what it means in strict mode.
   */
  mode?: 'strict' | 'lenient';
  /** Skip every line that is not a `# cmdc:` metadata line without parsing it. */
  metaOnly?: boolean;
}

/**
 * Parses state-file bytes into records: the one place that decides what a state file means.
 * Strict mode throws StateParseError on anything that is not a plain assignment or comment; a
 * statement cut off by the end of the data sets `torn` instead.
 */
export function parseStateText(data: Uint8Array, file = '<state>', opts: ParseStateOptions = {}): ParsedStateText {
  return new StateTextParser(data, file, opts.metaOnly ?? false, opts.mode === 'lenient').parse();
}

/** Thrown inside the parser when input ends mid-statement. */
class EndOfInput {}

function isNameStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}
/** Unquoted characters that bash takes literally in an assignment value: [A-Za-z0-9_./:@%+,=-]. */
function isBareChar(c: number): boolean {
  return isNameChar(c) || c === 46 || c === 47 || c === 58 || c === 64 || c === 37 || c === 43 || c === 44 || c === 45 || c === 61;
}
function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}
function isMetaKeyChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
function hexVal(c: number): number {
  return c <= 57 ? c - 48 : (c | 0x20) - 87;
}
function describe(c: number): string {
  return c >= 0x21 && c <= 0x7e ? `'${String.fromCharCode(c)}'` : `byte 0x${c.toString(16).padStart(2, '0')}`;
}

/** Simple one-character escapes of `$'...'` (bash's table). */
const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x3f: 0x3f, 0x61: 7, 0x62: 8, 0x65: 27, 0x45: 27,
  0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11,
};

/** Recursive-descent parser over the bytes of one state file (one instance per parse). */
class StateTextParser {
  private readonly buf: Buffer;
  private readonly n: number;
  private pos = 0;
  private line = 1;
  private readonly records: StateRecord[] = [];
  /** Decoded bytes of the word being read (decoded length <= source length). */
  private sink = Buffer.allocUnsafe(256);
  private sinkLen = 0;

  constructor(data: Uint8Array, private readonly file: string, private readonly metaOnly: boolean, private readonly lenient: boolean) {
    this.buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    this.n = this.buf.length;
  }

  parse(): ParsedStateText {
    const { buf, n } = this;
    let cleanLength = 0;
    const skipped: number[] = [];
    while (this.pos < n) {
      const stmtStart = this.pos;
      const stmtLine = this.line;
      const recordsBefore = this.records.length;
      try {
        this.statement();
        cleanLength = this.pos;
      } catch (err) {
        if (this.lenient && (err instanceof EndOfInput || err instanceof StateParseError)) {
          // skip the statement's first line and go on (a later line may be a good statement)
          this.records.length = recordsBefore;
          this.pos = stmtStart;
          this.line = stmtLine;
          this.skipLine();
          skipped.push(stmtLine);
          continue;
        }
        if (err instanceof EndOfInput) {
          const problem = tornTailProblem(buf.subarray(stmtStart));
          if (problem) throw new StateParseError(this.file, this.line, problem);
          this.records.length = recordsBefore;
          return { records: this.records, skipped, cleanLength: stmtStart, torn: true, missingNewline: true };
        }
        throw err;
      }
    }
    return { records: this.records, skipped, cleanLength, torn: false, missingNewline: n > 0 && buf[n - 1] !== 0x0a };
  }

  private fail(reason: string, reservedKey?: string): never {
    throw new StateParseError(this.file, this.line, reason, reservedKey);
  }

  private peek(): number {
    if (this.pos >= this.n) throw new EndOfInput();
    return this.buf[this.pos]!;
  }

  private skipBlanks(): void {
    while (this.pos < this.n && isBlank(this.buf[this.pos]!)) this.pos++;
  }

  private skipLine(): void {
    const nl = this.buf.indexOf(0x0a, this.pos);
    if (nl < 0) {
      this.pos = this.n;
    } else {
      this.pos = nl + 1;
      this.line++;
    }
  }

  /** One line-level statement: blank line, comment, metadata, `{ ...; }` record or assignments. */
  private statement(): void {
    const { buf } = this;
    const stmtLine = this.line;
    this.skipBlanks();
    if (this.pos >= this.n) return;
    const c = buf[this.pos]!;
    if (c === 0x0a) {
      this.pos++;
      this.line++;
    } else if (c === 0x23 && isMetaTag(buf, this.pos)) {
      this.pos += 7;
      this.meta(stmtLine);
      this.endOfStatement();
    } else if (c === 0x23 || this.metaOnly) {
      this.skipLine(); // a comment, or (metaOnly) any non-metadata line
    } else if (c === 0x7b) {
      this.pos++;
      if (!isBlank(this.peek())) this.fail("expected a blank after '{'");
      const group: StateRecord[] = [];
      for (;;) {
        this.skipBlanks();
        if (this.peek() === 0x7d) {
          this.pos++;
          break;
        }
        group.push(this.assignment(stmtLine));
        this.skipBlanks();
        if (this.peek() !== 0x3b) this.fail("expected ';' after an assignment in a { ...; } record");
        this.pos++;
      }
      if (group.length === 0) this.fail('empty { } record');
      this.records.push(...group);
      this.endOfStatement();
    } else {
      let exported = this.skipDeclarationWord();
      for (;;) {
        const r = this.assignment(stmtLine);
        if (exported && r.kind !== 'meta') r.exported = true;
        this.records.push(r);
        this.skipBlanks();
        if (this.pos < this.n && buf[this.pos] === 0x3b) {
          this.pos++;
          this.skipBlanks();
          if (this.pos >= this.n || buf[this.pos] === 0x0a || buf[this.pos] === 0x23) break;
          exported = this.skipDeclarationWord();
          continue;
        }
        if (this.pos < this.n && buf[this.pos] !== 0x0a && buf[this.pos] !== 0x23) continue; // `A=1 B=2`
        break;
      }
      this.endOfStatement();
    }
  }

  /** After a statement: blanks, an optional comment, then a newline or the end of the data. */
  private endOfStatement(): void {
    this.skipBlanks();
    if (this.pos < this.n && this.buf[this.pos] === 0x23) {
      while (this.pos < this.n && this.buf[this.pos] !== 0x0a) this.pos++;
    }
    if (this.pos >= this.n) return;
    if (this.buf[this.pos] !== 0x0a) this.fail(`unexpected ${describe(this.buf[this.pos]!)} after an assignment`);
    this.pos++;
    this.line++;
  }

  /** `key=value` after `# cmdc:`. */
  private meta(stmtLine: number): void {
    const start = this.pos;
    while (this.pos < this.n && isMetaKeyChar(this.buf[this.pos]!)) this.pos++;
    const key = this.buf.toString('latin1', start, this.pos);
    if (this.pos >= this.n) throw new EndOfInput(); // cut off inside the key
    if (key === '' || this.buf[this.pos] !== 0x3d) this.fail('malformed "# cmdc:" metadata line (expected # cmdc:key=value)');
    this.pos++;
    if (this.pos >= this.n) throw new EndOfInput(); // `# cmdc:key=` cut off before its value
    this.records.push({ kind: 'meta', key, value: this.word(), line: stmtLine });
  }

  /** Skips `export ` / `declare -x ` / `typeset -g ` (flags -a -g -x only); true when it exports. */
  private skipDeclarationWord(): boolean {
    const { buf } = this;
    for (const w of ['export', 'declare', 'typeset']) {
      const end = this.pos + w.length;
      if (end < this.n && isBlank(buf[end]!) && buf.toString('latin1', this.pos, end) === w) {
        let exported = w === 'export';
        this.pos = end;
        this.skipBlanks();
        while (this.pos < this.n && buf[this.pos] === 0x2d) {
          const start = this.pos;
          while (this.pos < this.n && !isBlank(buf[this.pos]!) && buf[this.pos] !== 0x0a) this.pos++;
          const flag = buf.toString('latin1', start, this.pos);
          if (!/^-(-|[agx]+)$/.test(flag)) this.fail(`${w} ${flag} is not supported in state files`);
          if (flag.includes('x')) exported = true;
          this.skipBlanks();
        }
        return exported;
      }
    }
    return false;
  }

  private name(): string {
    const start = this.pos;
    if (!isNameStart(this.peek())) this.fail(`expected a variable name, found ${describe(this.buf[this.pos]!)}`);
    while (isNameChar(this.peek())) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  /** `NAME=value` or `NAME=(words)`, at the name. */
  private assignment(stmtLine: number): StateRecord {
    const name = this.name();
    const c = this.peek();
    if (c === 0x3d) {
      // The writer refuses these names; so does the reader (a PATH= record would change which
      // programs the next block runs).
      const problem = keyNameProblem(name);
      if (problem) this.fail(`refusing key ${name}: ${problem}`, name);
    }
    if (c === 0x5b) this.fail(`array subscripts (${name}[...]=) are not supported in state files`);
    if (c === 0x2b) this.fail(`${name}+= is not supported in state files`);
    if (c !== 0x3d) this.fail(`expected '=' after ${name}: a state file holds only assignments, never commands`);
    this.pos++;
    if (this.pos < this.n && this.buf[this.pos] === 0x28) {
      this.pos++;
      const values: Buffer[] = [];
      for (;;) {
        while (this.pos < this.n && (isBlank(this.buf[this.pos]!) || this.buf[this.pos] === 0x0a)) {
          if (this.buf[this.pos] === 0x0a) this.line++;
          this.pos++;
        }
        const d = this.peek();
        if (d === 0x29) {
          this.pos++;
          break;
        }
        if (d === 0x5b) this.fail('array subscripts ([k]=v) are not supported in state files');
        if (d === 0x23) this.fail('comments inside arrays are not supported in state files');
        values.push(this.word());
      }
      return { kind: 'array', name, values, line: stmtLine };
    }
    return { kind: 'var', name, value: this.word(), line: stmtLine };
  }

  private reserve(k: number): void {
    if (this.sinkLen + k <= this.sink.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.sink.length * 2, this.sinkLen + k));
    this.sink.copy(bigger, 0, 0, this.sinkLen);
    this.sink = bigger;
  }

  private push(c: number): void {
    if (this.sinkLen === this.sink.length) this.reserve(1);
    this.sink[this.sinkLen++] = c;
  }

  private pushRange(start: number, end: number): void {
    this.reserve(end - start);
    this.buf.copy(this.sink, this.sinkLen, start, end);
    this.sinkLen += end - start;
  }

  /** One word: concatenated `$'..'`, `'..'`, `".."` and bare parts, up to a blank, newline, `;` or `)`. */
  private word(): Buffer {
    const { buf, n } = this;
    this.sinkLen = 0;
    while (this.pos < n) {
      const c = buf[this.pos]!;
      if (c === 0x24) {
        if (this.pos + 1 >= n) throw new EndOfInput();
        if (buf[this.pos + 1] !== 0x27) this.fail('$ outside quotes would be expanded by bash; cmdc never evaluates state files');
        this.pos += 2;
        this.ansiC();
      } else if (c === 0x27) {
        this.pos++;
        const end = buf.indexOf(0x27, this.pos);
        if (end < 0) throw new EndOfInput();
        for (let i = this.pos; i < end; i++) if (buf[i] === 0x0a) this.line++;
        this.pushRange(this.pos, end);
        this.pos = end + 1;
      } else if (c === 0x22) {
        this.pos++;
        this.doubleQuoted();
      } else if (isBareChar(c)) {
        this.push(c);
        this.pos++;
      } else if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x3b || c === 0x29) {
        break;
      } else if (c === 0x5c) {
        // `\c` outside quotes is the character c (e.g. `'it'\''s'`); `\` + newline would
        // join lines, which no writer does.
        if (this.pos + 1 >= n) throw new EndOfInput();
        const e = buf[this.pos + 1]!;
        if (e === 0x0a) this.fail('a backslash-newline (line continuation) is not supported in state files');
        this.push(e);
        this.pos += 2;
      } else {
        this.fail(`${describe(c)} outside quotes would be expanded or run by bash; cmdc never evaluates state files`);
      }
    }
    const v = Buffer.allocUnsafe(this.sinkLen);
    this.sink.copy(v, 0, 0, this.sinkLen);
    if (v.indexOf(0) >= 0) this.fail('NUL byte in a value');
    return v;
  }

  /** `$'...'` body after the opening `$'`: unescaped runs are copied in one go. */
  private ansiC(): void {
    const { buf, n } = this;
    for (;;) {
      let i = this.pos;
      while (i < n) {
        const c = buf[i]!;
        if (c === 0x5c || c === 0x27 || c === 0x0a) break;
        i++;
      }
      if (i > this.pos) {
        this.pushRange(this.pos, i);
        this.pos = i;
      }
      const c = this.peek();
      if (c === 0x27) {
        this.pos++;
        return;
      }
      if (c === 0x0a) {
        this.push(0x0a); // a raw newline (hand-written files); cmdc writes \n
        this.pos++;
        this.line++;
      } else {
        this.escape();
      }
    }
  }

  /** One backslash escape inside `$'...'` (at the backslash), with bash's meanings. */
  private escape(): void {
    const { buf } = this;
    this.pos++;
    const e = this.peek();
    this.pos++;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      this.push(simple);
    } else if (e === 0x78) {
      // \xH or \xHH; bash keeps "\x" when no hex digit follows
      let v = 0;
      let k = 0;
      while (k < 2 && isHex(this.peek())) {
        v = v * 16 + hexVal(buf[this.pos]!);
        this.pos++;
        k++;
      }
      if (k === 0) {
        this.push(0x5c);
        this.push(0x78);
      } else if (v === 0) {
        this.fail('\\x00 (NUL) cannot be in a bash value');
      } else {
        this.push(v);
      }
    } else if (e === 0x63) {
      // \cX: control character
      const v = this.peek() & 0x1f;
      this.pos++;
      if (v === 0) this.fail('\\c@ (NUL) cannot be in a bash value');
      this.push(v);
    } else if (e === 0x75 || e === 0x55) {
      this.fail('\\u / \\U escapes depend on the locale; cmdc writes \\xHH bytes instead');
    } else if (e >= 0x30 && e <= 0x37) {
      // \N, \NN, \NNN octal
      let v = e - 0x30;
      let k = 1;
      while (k < 3 && this.peek() >= 0x30 && buf[this.pos]! <= 0x37) {
        v = v * 8 + (buf[this.pos]! - 0x30);
        this.pos++;
        k++;
      }
      v &= 0xff;
      if (v === 0) this.fail('octal \\0 (NUL) cannot be in a bash value');
      this.push(v);
    } else {
      // unknown escape: bash keeps the backslash
      this.push(0x5c);
      this.push(e);
      if (e === 0x0a) this.line++;
    }
  }

  /** Legacy double-quoted body, after the opening `"`: escapes only, never expansions. */
  private doubleQuoted(): void {
    for (;;) {
      const c = this.peek();
      this.pos++;
      if (c === 0x22) return;
      if (c === 0x60) this.fail('backtick command substitution in a double-quoted value: cmdc never evaluates state files');
      if (c === 0x24) {
        const d = this.peek();
        if (isNameStart(d) || (d >= 0x30 && d <= 0x39) || '{(@*#?$!-'.includes(String.fromCharCode(d))) {
          this.fail('$ expansion in a double-quoted value: cmdc never evaluates state files');
        }
        this.push(c);
      } else if (c === 0x5c) {
        const e = this.peek();
        if (e === 0x24 || e === 0x60 || e === 0x22 || e === 0x5c) {
          this.push(e);
          this.pos++;
        } else if (e === 0x0a) {
          this.pos++;
          this.line++; // line continuation
        } else {
          this.push(c);
        }
      } else {
        if (c === 0x0a) this.line++;
        this.push(c);
      }
    }
  }
}

/**
 * Why a statement cut off by the end of the data cannot be a record torn by a killed writer, or
 * undefined when it can. cmdc's writers append `{ ...; }` records, `# cmdc:` lines and (the
 * runner's agent outputs) `export NAME='...'` lines, each with one write(2); so a torn tail
 * starts with `{`, `#` or `export NAME=` (or a prefix of those). Anything else is not something
 * cmdc wrote: it is refused, not silently cut (runtime/lib/state-persistence.sh decides the same).
 */
export function tornTailProblem(tail: Uint8Array): string | undefined {
  const t = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength).toString('latin1').replace(/^[ \t]+/, '');
  if (/^[{#]/.test(t) || /^export [A-Za-z_][A-Za-z0-9_]*(=|$)/.test(t) || 'export '.startsWith(t)) return undefined;
  return 'the last line is cut off and is not a record cmdc writes (a killed writer leaves only those): refusing it';
}

/** `# cmdc:` at `pos`. */
function isMetaTag(buf: Buffer, pos: number): boolean {
  return (
    buf[pos] === 0x23 && buf[pos + 1] === 0x20 && buf[pos + 2] === 0x63 && buf[pos + 3] === 0x6d &&
    buf[pos + 4] === 0x64 && buf[pos + 5] === 0x63 && buf[pos + 6] === 0x3a
  );
}
