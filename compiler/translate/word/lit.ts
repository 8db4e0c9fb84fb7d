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

function hasGlob(v: string): boolean {
  // an unescaped * ? or [ ... ]
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\') { i++; continue; }
    if (c === '*' || c === '?') return true;
    if (c === '[' && v.indexOf(']', i + 2) > 0) return true;
  }
  return false;
}

/**
 * An unquoted literal as word parts (TS expressions). In pattern/regex modes the raw text is
 * kept active (`glob(...)`), in arg mode only when it has glob characters, in str mode never.
 * `first` = the literal starts the word (a leading `~` is a tilde expansion).
 */
export function unquotedLit(v: string, mode: WordMode, first: boolean, use: (n: string) => string): string[] {
  const out: string[] = [];
  if (first && v.startsWith('~') && mode !== 'pattern' && mode !== 'regex') {
    const m = /^~([A-Za-z0-9_.-]*)(?=\/|$|:)/.exec(v);
    if (m) {
      out.push(`${use('tilde')}(${m[1] ? q(m[1]) : ''})`);
      v = v.slice(m[0].length);
      if (!v) return out;
    }
  }
  if (mode === 'pattern' || mode === 'regex') {
    const special = mode === 'regex' ? /[\\^$.*+?()[\]{}|]/ : /[\\*?[]/;
    out.push(special.test(v) ? `${use('glob')}(${q(v)})` : q(v));
  } else if (mode === 'arg' && hasGlob(v)) {
    out.push(`${use('glob')}(${q(v)})`);
  } else {
    out.push(q(unescapeUnquoted(v)));
  }
  return out;
}
