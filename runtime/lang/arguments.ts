/**
 * Command arguments at run time: Claude Code's textual substitution model (`$ARGUMENTS`,
 * `$ARGUMENTS[N]`, `$N`, named arguments, `${CLAUDE_SESSION_ID}`, `${CLAUDE_SKILL_DIR}`), the
 * argument splitter (`splitArguments`, the content of CMDC_ARGV) and `substituteArguments`
 * (how agent-step prompts are rendered), plus the names of the reserved variables the runner
 * sets before every block. The compiler (compiler/arguments.ts) re-exports all of it; the
 * runtime must not import compiler code, so it lives here.
 */

// ---------------------------------------------------------------------------------------------
// Reserved runtime variables

/** The raw argument string (scalar). */
export const ARGUMENTS_VAR = 'CMDC_ARGUMENTS';
/** The shell-split arguments, zero-based (indexed array). */
export const ARGV_VAR = 'CMDC_ARGV';
export const SESSION_ID_VAR = 'CMDC_SESSION_ID';
export const SKILL_DIR_VAR = 'CMDC_SKILL_DIR';
/** Prefix of placeholder values given with `--set NAME=value`. */
export const SET_VAR_PREFIX = 'CMDC_SET_';
/** Every reserved name (the runner must not let a block's environment override them). */
export const RESERVED_VARS = [ARGUMENTS_VAR, ARGV_VAR, SESSION_ID_VAR, SKILL_DIR_VAR] as const;

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
}

// ---------------------------------------------------------------------------------------------
// The textual model (what Claude Code substitutes)

export type SubstitutionKind = 'arguments' | 'index' | 'positional' | 'named' | 'session-id' | 'skill-dir';

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

function refPattern(names: readonly string[]): RegExp {
  const named = [...names].sort((a, b) => b.length - a.length).join('|');
  return new RegExp(
    String.raw`\$(?:ARGUMENTS\[(\d+)\]|(ARGUMENTS)|(\d+)(?!\w)|\{(CLAUDE_SESSION_ID|CLAUDE_SKILL_DIR)\}` +
      (named ? String.raw`|(${named})(?![\[\w])` : '') +
      ')',
    'g',
  );
}

/**
 * Every substitution Claude Code makes in `text`, left to right, one pass (`$N` needs no
 * word character after the digits; `$ARGUMENTS` is replaced even when letters follow it).
 * With the positional convention `$N` is bash's, not a substitution.
 */
export function scanSubstitutions(text: string, opts: ArgumentOptions = {}): TextualRef[] {
  const convention = opts.convention ?? 'zero-based';
  const out: TextualRef[] = [];
  for (const m of text.matchAll(refPattern(opts.names ?? []))) {
    const start = m.index;
    const end = start + m[0].length;
    const base = { start, end, text: m[0] };
    if (m[1] !== undefined) out.push({ ...base, kind: 'index', index: Number(m[1]) });
    else if (m[2] !== undefined) out.push({ ...base, kind: 'arguments', index: null });
    else if (m[3] !== undefined) {
      if (convention === 'positional') continue;
      out.push({ ...base, kind: 'positional', index: Number(m[3]) });
    } else if (m[4] !== undefined) out.push({ ...base, kind: m[4] === 'CLAUDE_SESSION_ID' ? 'session-id' : 'skill-dir', index: null });
    else if (m[5] !== undefined) out.push({ ...base, kind: 'named', index: (opts.names ?? []).indexOf(m[5]) });
  }
  return out;
}

/**
 * Split an argument string the way a shell reads words, without expanding anything: blanks
 * separate words; '…' is literal; "…" keeps its text (backslash escapes " \ $ ` and newline);
 * a backslash outside quotes escapes the next character; an unclosed quote runs to the end.
 * `$x`, `*`, `;`, `|` are plain characters. This is `$N`'s meaning and CMDC_ARGV's content.
 */
export function splitArguments(raw: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const close = raw.indexOf("'", i + 1);
      const stop = close === -1 ? raw.length : close;
      word += raw.slice(i + 1, stop);
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < raw.length && raw[j] !== '"'; j++) {
        if (raw[j] === '\\' && j + 1 < raw.length && '"\\$`\n'.includes(raw[j + 1]!)) {
          if (raw[j + 1] !== '\n') word += raw[j + 1];
          j++;
        } else word += raw[j];
      }
      i = j;
    } else if (c === '\\') {
      if (i + 1 < raw.length) {
        if (raw[i + 1] !== '\n') word += raw[i + 1];
        i++;
      }
    } else word += c;
  }
  if (inWord) out.push(word);
  return out;
}

export interface SubstituteOptions extends ArgumentOptions {
  sessionId?: string;
  skillDir?: string;
  /** Append "\n\nARGUMENTS: <raw>" when nothing was substituted and raw is not empty (Claude Code does, for the whole file). Default false. */
  appendIfUnused?: boolean;
}

/**
 * Claude Code's substitution applied to text (the reference model; cmdc uses it to render the
 * prose given to agents, never on bash). Missing arguments become "".
 */
export function substituteArguments(text: string, raw: string, opts: SubstituteOptions = {}): string {
  const args = splitArguments(raw);
  const refs = scanSubstitutions(text, opts);
  let out = '';
  let at = 0;
  for (const r of refs) {
    out += text.slice(at, r.start);
    if (r.kind === 'arguments') out += raw;
    else if (r.kind === 'session-id') out += opts.sessionId ?? '';
    else if (r.kind === 'skill-dir') out += opts.skillDir ?? '';
    else out += args[r.index!] ?? '';
    at = r.end;
  }
  out += text.slice(at);
  if (refs.length === 0 && opts.appendIfUnused && raw !== '') out += `\n\nARGUMENTS: ${raw}`;
  return out;
}
