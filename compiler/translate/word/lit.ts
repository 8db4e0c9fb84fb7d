/**
 * Literal text in words: unquoted `Lit` (backslash escapes, glob characters, a leading `~`),
 * the literal parts inside "…" and heredoc bodies (only `\$ \` \" \\ \newline` are escapes).
 */
import { q } from '../common.js';

export type WordMode = 'arg' | 'str' | 'pattern' | 'regex';

/** Remove backslash quoting from unquoted text (`a\ b` → `a b`, `\<newline>` → nothing). */
export function unescapeUnquoted(v: string): string {
  return v.replace(/\\(\n|[\s\S])?/g, (_m, c: string | undefined) => (c === undefined ? '\\' : c === '\n' ? '' : c));
}

/** Unescape a literal inside double quotes (heredoc: `"` is not special). */
export function unescapeDq(v: string, heredoc = false): string {
  const re = heredoc ? /\\([$`\\\n])/g : /\\([$`"\\\n])/g;
  return v.replace(re, (_m, c: string) => (c === '\n' ? '' : c));
}

/**
 * An unescaped `*`, `?`, `[` or `]`: the text may take part in a pattern (a bracket expression
 * can span parts: `['+-']`), so it stays pattern text; quote removal happens at run time.
 */
function hasGlob(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\') { i++; continue; }
    if (c === '*' || c === '?' || c === '[' || c === ']') return true;
  }
  return false;
}

/**
 * Whether bash reads a whole unquoted word as a pattern (its glob_pattern_p): a `*` or `?`, a
 * `]` after a `[`, or an extglob `+(`/`@(`/`!(`. A lone `[` or `]` (the test command's
 * brackets, `]a[`) is no pattern: never globbed, so nullglob/failglob leave it alone.
 */
export function isPattern(v: string): boolean {
  let open = false;
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\') { i++; continue; }
    if (c === '*' || c === '?') return true;
    if (c === '[') open = true;
    else if (c === ']' && open) return true;
    else if ((c === '+' || c === '@' || c === '!') && v[i + 1] === '(') return true;
  }
  return false;
}

/**
 * An unquoted literal as word parts (TS expressions). In pattern/regex modes the raw text is
 * kept active (`glob(...)`), in arg mode only when it has glob characters, in str mode never.
 * `first` = the literal starts the word (a leading `~` is a tilde expansion); `whole` = it is
 * the whole word (arg mode: then only a word bash reads as a pattern is one: isPattern).
 */
export function unquotedLit(v: string, mode: WordMode, first: boolean, use: (n: string) => string, whole = false): string[] {
  const out: string[] = [];
  if (first && v.startsWith('~') && mode !== 'pattern' && mode !== 'regex') {
    const m = /^~([A-Za-z0-9_.-]*|[+-])(?=\/|$|:)/.exec(v);
    if (m) {
      out.push(`${use('tilde')}(${m[1] ? q(m[1]) : ''})`);
      v = v.slice(m[0].length);
      if (!v) return out;
    }
  }
  if (mode === 'pattern' || mode === 'regex') {
    const special = mode === 'regex' ? /[\\^$.*+?()[\]{}|]/ : /[\\*?[\]]|[+@!]\(/;
    out.push(special.test(v) ? `${use('glob')}(${q(v)})` : q(v));
  } else if (mode === 'arg' && (whole ? isPattern(v) : hasGlob(v))) {
    out.push(`${use('glob')}(${q(v)})`);
  } else {
    out.push(q(unescapeUnquoted(v)));
  }
  return out;
}

/**
 * Unquoted literal text of an assignment value (`P=/usr/bin:~/bin`), or of an argument that
 * looks like one (`a=~`): a `~` at its start or after a `:` is a tilde expansion, as in bash.
 * `start`: the text starts the value (right after `=`).
 */
export function assignLit(v: string, start: boolean, use: (n: string) => string): string[] {
  const out: string[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push(q(unescapeUnquoted(text)));
    text = '';
  };
  for (let i = 0; i < v.length; ) {
    if ((i === 0 && start) || (i > 0 && v[i - 1] === ':' && v[i - 2] !== '\\')) {
      const m = /^~([A-Za-z0-9_.-]*|[+-])(?=\/|:|$)/.exec(v.slice(i));
      if (m) {
        flush();
        out.push(`${use('tilde')}(${m[1] ? q(m[1]) : ''})`);
        i += m[0].length;
        continue;
      }
    }
    if (v[i] === '\\' && i + 1 < v.length) {
      text += v.slice(i, i + 2);
      i += 2;
      continue;
    }
    text += v[i];
    i++;
  }
  flush();
  return out;
}
