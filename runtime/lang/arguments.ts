/**
 * Command arguments as Claude Code 2.1.328 treats them (../shared/notes/claude-code.md §4): the
 * textual substitutions it makes in a command's text (`$ARGUMENTS`, `$ARGUMENTS[N]`, `$N`,
 * named arguments, `\$` escapes, `${CLAUDE_SESSION_ID}`, `${CLAUDE_PROJECT_DIR}`,
 * `${CLAUDE_EFFORT}`, `${CLAUDE_SKILL_DIR}` in skills), the argument words (`splitArguments`:
 * the first simple command's words of the string read as bash), the values it pastes
 * (`pastedValue`: `!` escaped, `${CLAUDE_…}` expanded), and `substituteArguments`, the whole
 * substitution as text (prompts, and `!` lines under the claude-code profile). Also the names
 * of the reserved variables the runner sets before every block. The compiler
 * (compiler/arguments.ts) re-exports it; the runtime must not import compiler code.
 */

// ---------------------------------------------------------------------------------------------
// Reserved runtime variables

/** The raw argument string as pasted (scalar). */
export const ARGUMENTS_VAR = 'CMDC_ARGUMENTS';
/** The argument words as pasted, zero-based (indexed array). */
export const ARGV_VAR = 'CMDC_ARGV';
export const SESSION_ID_VAR = 'CMDC_SESSION_ID';
export const SKILL_DIR_VAR = 'CMDC_SKILL_DIR';
/** `${CLAUDE_PROJECT_DIR}` in the text. */
export const PROJECT_DIR_VAR = 'CMDC_PROJECT_DIR';
/** `${CLAUDE_EFFORT}` in the text. */
export const EFFORT_VAR = 'CMDC_EFFORT';
/** Prefix of placeholder values given with `--set NAME=value`. */
export const SET_VAR_PREFIX = 'CMDC_SET_';
/** Every reserved name (the runner must not let a block's environment override them). */
export const RESERVED_VARS = [ARGUMENTS_VAR, ARGV_VAR, SESSION_ID_VAR, SKILL_DIR_VAR, PROJECT_DIR_VAR, EFFORT_VAR] as const;

// ---------------------------------------------------------------------------------------------
// Options

/**
 * How `$N` in a block is read: `zero-based` (Claude Code since v2.1.19: `$0` is the first
 * argument, textual substitution; no version ever made `$1` the first), or `positional` (the
 * file is a bash script, the `script` profile: `$N`, `"$@"`, `$#` are bash's positional
 * parameters, which cmdc sets to the arguments; `$N` is not substituted).
 */
export type ArgumentConvention = 'zero-based' | 'positional';

export interface ArgumentOptions {
  /** How `$N` is read: zero-based text substitution (`$0` = first word, Claude Code, default) or positional (bash's). */
  convention?: ArgumentConvention;
  /** Named arguments (frontmatter `arguments:`): `$name` is the argument at that position. */
  names?: readonly string[];
  /** The file is a skill: `${CLAUDE_SKILL_DIR}` is substituted (in commands it stays as written). */
  skill?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The textual model (what Claude Code substitutes)

export type SubstitutionKind =
  | 'arguments'
  | 'index'
  | 'positional'
  | 'named'
  | 'session-id'
  | 'skill-dir'
  | 'project-dir'
  | 'effort'
  /** `\$` before a digit, `ARGUMENTS` or a named argument: the backslash goes, the `$` stays. */
  | 'escape';

/** One textual substitution Claude Code makes, as char offsets in a text. */
export interface TextualRef {
  start: number;
  end: number;
  kind: SubstitutionKind;
  /** Zero-based argument index for index/positional/named; null otherwise. */
  index: number | null;
  /** The text as written, e.g. "$ARGUMENTS[0]". */
  text: string;
}

const VARS: Record<string, SubstitutionKind> = {
  CLAUDE_SESSION_ID: 'session-id',
  CLAUDE_SKILL_DIR: 'skill-dir',
  CLAUDE_PROJECT_DIR: 'project-dir',
  CLAUDE_EFFORT: 'effort',
};

function refPattern(names: readonly string[], convention: ArgumentConvention): RegExp {
  const named = [...names].sort((a, b) => b.length - a.length).join('|');
  const escaped = ['ARGUMENTS', ...(convention === 'positional' ? [] : ['\\d']), ...(named ? [`(?:${named})(?![\\[\\w])`] : [])].join('|');
  return new RegExp(
    String.raw`(\\\$(?=${escaped}))|\$(?:ARGUMENTS\[(\d+)\]|(ARGUMENTS)|(\d+)(?!\w)|\{(CLAUDE_SESSION_ID|CLAUDE_SKILL_DIR|CLAUDE_PROJECT_DIR|CLAUDE_EFFORT)\}` +
      (named ? String.raw`|(${named})(?![\[\w])` : '') +
      ')',
    'g',
  );
}

/**
 * Every substitution Claude Code makes in `text`, left to right, one pass: `$N` needs no word
 * character after the digits; `$ARGUMENTS` is replaced even when letters follow it; `$name` not
 * when `[` or a word character follows; `\$` before a digit, ARGUMENTS or a name escapes it.
 * Under the positional convention `$N` is bash's (not listed); `${CLAUDE_SKILL_DIR}` only in skills.
 */
export function scanSubstitutions(text: string, opts: ArgumentOptions = {}): TextualRef[] {
  const convention = opts.convention ?? 'zero-based';
  const names = opts.names ?? [];
  const out: TextualRef[] = [];
  for (const m of text.matchAll(refPattern(names, convention))) {
    const start = m.index;
    const end = start + m[0].length;
    const base = { start, end, text: m[0] };
    if (m[1] !== undefined) out.push({ ...base, kind: 'escape', index: null });
    else if (m[2] !== undefined) out.push({ ...base, kind: 'index', index: Number(m[2]) });
    else if (m[3] !== undefined) out.push({ ...base, kind: 'arguments', index: null });
    else if (m[4] !== undefined) {
      if (convention !== 'positional') out.push({ ...base, kind: 'positional', index: Number(m[4]) });
    } else if (m[5] !== undefined) {
      const kind = VARS[m[5]]!;
      if (kind !== 'skill-dir' || opts.skill) out.push({ ...base, kind, index: null });
    } else if (m[6] !== undefined) out.push({ ...base, kind: 'named', index: names.indexOf(m[6]) });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Argument words

/**
 * The argument words as Claude Code takes them (notes §4 "Words"): the (trimmed) string is read
 * as bash and the first simple command's words are kept. Quotes are removed (`'x'"y"z` → `xyz`;
 * inside double quotes a backslash is kept: `"a \"b\""` → `a \"b\"`), an unquoted backslash
 * escapes the next character (`a\ b` → `a b`), `*.md` and `~/x` stay literal. The command ends at
 * an operator, a redirection, a comment or a substitution (`a | b`, `a; b`, `a > f b`, `a # b`,
 * `a $(x) b` → `[a]`); leading assignments are skipped (`FOO=1 a b` → `[a, b]`); a word holding a
 * parameter expansion (`$HOME`) is dropped. A string that does not read as bash (an unclosed
 * quote: `it's here`, `"open a`) is one word, as typed.
 */
export function splitArguments(input: string): string[] {
  const raw = input.trim();
  const words: string[] = [];
  const n = raw.length;
  let i = 0;
  let command = false;
  const blank = (c: string) => c === ' ' || c === '\t';
  const meta = (c: string) => ' \t\n;&|<>()'.includes(c);
  while (i < n) {
    while (i < n && blank(raw[i]!)) i++;
    if (i >= n) break;
    const c = raw[i]!;
    if (meta(c) || c === '#') break; // newline, operator, redirection, subshell or comment: the command ends
    let word = '';
    let expansion = false;
    let literalPrefix = ''; // the unquoted text before the first quote (for NAME= detection)
    let quoted = false;
    while (i < n && !meta(raw[i]!)) {
      const ch = raw[i]!;
      if (ch === "'") {
        const close = raw.indexOf("'", i + 1);
        if (close < 0) return [raw];
        word += raw.slice(i + 1, close);
        quoted = true;
        i = close + 1;
      } else if (ch === '"') {
        let j = i + 1;
        for (; j < n && raw[j] !== '"'; j++) {
          if (raw[j] === '\\' && j + 1 < n) {
            word += raw[j]! + raw[j + 1]!;
            j++;
          } else if (raw[j] === '`' || (raw[j] === '$' && raw[j + 1] === '(')) {
            return words; // a command substitution ends what is read
          } else {
            if (raw[j] === '$' && /[A-Za-z_{@*#?$!0-9-]/.test(raw[j + 1] ?? '')) expansion = true;
            word += raw[j];
          }
        }
        if (j >= n) return [raw];
        quoted = true;
        i = j + 1;
      } else if (ch === '\\') {
        if (i + 1 < n) {
          if (raw[i + 1] !== '\n') word += raw[i + 1];
          i += 2;
        } else i++;
        quoted = true;
      } else if (ch === '`' || (ch === '$' && raw[i + 1] === '(')) {
        return words;
      } else {
        if (ch === '$' && /[A-Za-z_{@*#?$!0-9-]/.test(raw[i + 1] ?? '')) expansion = true;
        if (!quoted) literalPrefix += ch;
        word += ch;
        i++;
      }
    }
    // `2>f`: a word of digits right before a redirection is its fd
    if (i < n && (raw[i] === '<' || raw[i] === '>') && /^\d+$/.test(word) && !quoted) break;
    if (!command && /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(literalPrefix)) continue; // FOO=1 before the command
    command = true;
    if (!expansion) words.push(word);
  }
  return words;
}

// ---------------------------------------------------------------------------------------------
// Values and the whole substitution

export interface SubstituteOptions extends ArgumentOptions {
  sessionId?: string;
  skillDir?: string;
  projectDir?: string;
  effort?: string;
  /** Append "\n\nARGUMENTS: <raw>" when no argument was substituted and raw is not empty (Claude Code does, for the whole file). Default false. */
  appendIfUnused?: boolean;
  /** Paste values as the client does (`pastedValue`); false: the values as they are (default true). */
  pasted?: boolean;
}

/**
 * A value as Claude Code pastes it: `${CLAUDE_SESSION_ID}` / `${CLAUDE_PROJECT_DIR}` expanded,
 * and `!` escaped so that it cannot start a `!` command: at the start of a word `\!`, `` !` ``
 * → `` ! ` ``, `` `! `` → `` ` ! ``; a `!` inside a word (`c!d`) is kept.
 */
export function pastedValue(value: string, opts: Pick<SubstituteOptions, 'sessionId' | 'projectDir'> = {}): string {
  return expandClaudeVars(value, opts)
    .replace(/(^|\s)!/g, '$1\\!')
    .replace(/!`/g, '! `')
    .replace(/`!/g, '` !');
}

function expandClaudeVars(text: string, opts: Pick<SubstituteOptions, 'sessionId' | 'projectDir'>): string {
  return text
    .split('${CLAUDE_SESSION_ID}')
    .join(opts.sessionId ?? '${CLAUDE_SESSION_ID}')
    .split('${CLAUDE_PROJECT_DIR}')
    .join(opts.projectDir ?? '${CLAUDE_PROJECT_DIR}');
}

/**
 * Claude Code's substitution applied to text, exactly (notes §4): the raw string trimmed; one
 * pass; a missing word leaves `$N` / `$ARGUMENTS[N]` as written, a missing named argument
 * becomes empty; values pasted as `pastedValue` gives them; `${CLAUDE_SESSION_ID}`,
 * `${CLAUDE_PROJECT_DIR}`, `${CLAUDE_EFFORT}` (and `${CLAUDE_SKILL_DIR}` in skills) replaced;
 * with `appendIfUnused`, "\n\nARGUMENTS: <raw>" appended when no argument reference was filled.
 * A variable whose value is not given stays as written.
 */
export function substituteArguments(text: string, rawInput: string, opts: SubstituteOptions = {}): string {
  const raw = rawInput.trim();
  const args = splitArguments(raw);
  const paste = (v: string) => (opts.pasted === false ? v : pastedValue(v, opts));
  let out = '';
  let at = 0;
  let filled = false;
  for (const r of scanSubstitutions(text, opts)) {
    out += text.slice(at, r.start);
    at = r.end;
    switch (r.kind) {
      case 'escape':
        out += '$';
        break;
      case 'arguments':
        out += paste(raw);
        filled = true;
        break;
      case 'session-id':
        out += opts.sessionId ?? r.text;
        break;
      case 'project-dir':
        out += opts.projectDir ?? r.text;
        break;
      case 'skill-dir':
        out += opts.skillDir ?? r.text;
        break;
      case 'effort':
        out += opts.effort ?? r.text;
        break;
      case 'named':
        out += paste(args[r.index!] ?? '');
        filled = true;
        break;
      default: {
        const v = args[r.index!];
        if (v === undefined) out += r.text;
        else {
          out += paste(v);
          filled = true;
        }
      }
    }
  }
  out += text.slice(at);
  if (!filled && opts.appendIfUnused && raw !== '') out += `\n\nARGUMENTS: ${raw}`;
  return out;
}

/**
 * Whether Claude Code's substitution of a text holding these references fills any (the rule
 * for appending "ARGUMENTS: …"): `$ARGUMENTS` or a named argument always does, `$N` /
 * `$ARGUMENTS[N]` only when word N exists.
 */
export function fillsAny(refs: readonly Pick<TextualRef, 'kind' | 'index'>[], words: number): boolean {
  return refs.some((r) => r.kind === 'arguments' || r.kind === 'named' || ((r.kind === 'index' || r.kind === 'positional') && r.index! < words));
}

// ---------------------------------------------------------------------------------------------
// The text bash ran

/** What {@link shownText} reads: a reserved scalar, or an element of the argument words. */
export interface ReservedValues {
  scalar(name: string): string | undefined;
  word(index: number): string | undefined;
}

/** The text Claude Code would have pasted for a reserved scalar: its value, else the reference as written. */
const ORIGINAL: Readonly<Record<string, string>> = {
  [ARGUMENTS_VAR]: '$ARGUMENTS',
  [SESSION_ID_VAR]: '${CLAUDE_SESSION_ID}',
  [SKILL_DIR_VAR]: '${CLAUDE_SKILL_DIR}',
  [PROJECT_DIR_VAR]: '${CLAUDE_PROJECT_DIR}',
  [EFFORT_VAR]: '${CLAUDE_EFFORT}',
};

/** Runs of blanks outside quotes as one space: how bash prints words the client pasted unquoted. */
function asWords(raw: string): string {
  let out = '';
  let q: string | null = null;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (q === null && (c === ' ' || c === '\t' || c === '\n')) {
      if (!out.endsWith(' ')) out += ' ';
      continue;
    }
    if (c === '\\' && q !== "'" && i + 1 < raw.length) {
      out += c + raw[++i]!;
      continue;
    }
    if (q === null && (c === "'" || c === '"')) q = c;
    else if (c === q) q = null;
    out += c;
  }
  return out.trim();
}

/**
 * A command's text (`$BASH_COMMAND`) with the references compiler/arguments.ts wrote in place of
 * the client's textual substitutions turned back into what the client pastes there, so a block
 * shows the text bash ran in Claude Code: `"x: ${CMDC_ARGUMENTS}"` → `"x: a b"`,
 * `"${CMDC_PROJECT_DIR}/lib.sh"` → `"/p/lib.sh"`, `"${CMDC_ARGV[@]}"` (unquoted `$ARGUMENTS`) → the
 * words as written, `'['"${CMDC_ARGV[0]-\$0}"']'` (in single quotes) → `'[v]'`, a missing `$N` →
 * `$N` as written. (An unquoted reference made a quoted scalar, `X="${CMDC_ARGUMENTS}"`, keeps the
 * quotes it was given.)
 */
export function shownText(text: string, values: ReservedValues): string {
  if (!text.includes('CMDC_')) return text;
  const scalar = (name: string) => values.scalar(name) ?? ORIGINAL[name] ?? `\${${name}}`;
  const word = (i: string, fallback: string) => values.word(Number(i)) ?? fallback.replace(/\\\$/g, '$');
  const ref = `\\$\\{(?:${ARGV_VAR}\\[(\\d+)\\]-((?:\\\\?\\$\\w+)?)|(${[ARGUMENTS_VAR, SESSION_ID_VAR, SKILL_DIR_VAR, PROJECT_DIR_VAR, EFFORT_VAR].join('|')}))\\}`;
  const value = (i: string | undefined, fallback: string | undefined, name: string | undefined) => (name ? scalar(name) : word(i!, fallback ?? ''));
  return text
    .replace(new RegExp(`"\\$\\{${ARGV_VAR}\\[@\\]\\}"`, 'g'), () => asWords(values.scalar(ARGUMENTS_VAR) ?? ''))
    .replace(new RegExp(`"\\$\\{${ARGV_VAR}\\[@\\]:(\\d+):1\\}"`, 'g'), (_m, i: string) => values.word(Number(i)) ?? '')
    .replace(new RegExp(`'"${ref}"'`, 'g'), (_m, i, f, n) => value(i, f, n))
    .replace(new RegExp(ref, 'g'), (_m, i, f, n) => value(i, f, n));
}
