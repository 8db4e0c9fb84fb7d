/**
 * Bash glob patterns → RegExp, and the pattern operations built on them: whole-string match
 * (`case`, `[[ == ]]`), prefix/suffix removal (`${x#p}` `${x%%p}`), replacement
 * (`${x/p/r}`), and pathname expansion (`*.md`). Pattern text uses backslash to quote a
 * character (runtime/shell/expand.ts escapes the quoted parts of a word that way).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decode, fsPath } from '../lang/bytes.js';

/** Character classes as in a UTF-8 locale (letters beyond ASCII are alpha/upper/lower; digits are 0-9). */
const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z\\p{L}', digit: '0-9', alnum: 'a-zA-Z0-9\\p{L}', upper: 'A-Z\\p{Lu}', lower: 'a-z\\p{Ll}',
  space: ' \\t\\n\\r\\f\\v', blank: ' \\t', punct: '!-\\/:-@\\[-`{-~\\p{P}\\p{S}', xdigit: '0-9A-Fa-f',
  word: 'a-zA-Z0-9_\\p{L}', cntrl: '\\x00-\\x1f\\x7f', print: '\\x20-\\x7e\\u00a0-\\u{10ffff}', graph: '\\x21-\\x7e\\u00a1-\\u{10ffff}',
};

function escRe(c: string): string {
  return c.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

function escClass(c: string): string {
  return c.replace(/[\\\]\[^-]/g, '\\$&');
}

/** Parse a bracket expression at `i` (pointing at `[`); returns [regex, next index] or null. */
function bracket(p: string, i: number): [string, number] | null {
  let j = i + 1;
  let neg = false;
  if (p[j] === '!' || p[j] === '^') {
    neg = true;
    j++;
  }
  let body = '';
  let first = true;
  while (j < p.length) {
    const c = p[j]!;
    if (c === ']' && !first) {
      return [`[${neg ? '^' : ''}${body}]`, j + 1];
    }
    first = false;
    if (c === '[' && p[j + 1] === ':') {
      const end = p.indexOf(':]', j + 2);
      if (end > 0) {
        const name = p.slice(j + 2, end);
        body += CLASSES[name] ?? '';
        j = end + 2;
        continue;
      }
    }
    if (c === '\\' && j + 1 < p.length) {
      body += escClass(p[j + 1]!);
      j += 2;
      continue;
    }
    if (c === '-' && body.length && p[j + 1] !== ']') {
      body += '-';
      j++;
      continue;
    }
    body += escClass(c);
    j++;
  }
  return null;
}

/** Find the `)` closing an extglob group starting after `(` at i. */
function closeParen(p: string, i: number): number {
  let depth = 1;
  for (let j = i; j < p.length; j++) {
    if (p[j] === '\\') { j++; continue; }
    if (p[j] === '(') depth++;
    else if (p[j] === ')' && --depth === 0) return j;
  }
  return -1;
}

/**
 * The regex source of a pattern. `pathname`: `*` and `?` do not match `/` (globbing).
 */
export function patternSource(p: string, o: { extglob?: boolean; pathname?: boolean } = {}): string {
  const any = o.pathname ? '[^/]' : '[\\s\\S]';
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if ((o.extglob ?? true) && '?*+@!'.includes(c) && p[i + 1] === '(') {
      const end = closeParen(p, i + 2);
      if (end > 0) {
        const alts = splitAlts(p.slice(i + 2, end)).map((a) => patternSource(a, o)).join('|');
        switch (c) {
          case '?': out += `(?:${alts})?`; break;
          case '*': out += `(?:${alts})*`; break;
          case '+': out += `(?:${alts})+`; break;
          case '@': out += `(?:${alts})`; break;
          case '!': out += `(?:(?!(?:${alts})$)${any}*?)`; break;
        }
        i = end;
        continue;
      }
    }
    if (c === '\\') {
      if (i + 1 < p.length) out += escRe(p[++i]!);
      else out += '\\\\';
    } else if (c === '*') {
      while (p[i + 1] === '*') i++;
      out += `${any}*`;
    } else if (c === '?') out += any;
    else if (c === '[') {
      const b = bracket(p, i);
      if (b) {
        out += b[0];
        i = b[1] - 1;
      } else out += '\\[';
    } else out += escRe(c);
  }
  return out;
}

function splitAlts(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') { cur += c + (s[i + 1] ?? ''); i++; continue; }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === '|' && depth === 0) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

export function patternRegex(p: string, o: { nocase?: boolean; anchored?: 'both' | 'start' | 'end' | 'none' } = {}): RegExp {
  const src = patternSource(p);
  const a = o.anchored ?? 'both';
  const re = (a === 'both' || a === 'start' ? '^' : '') + `(?:${src})` + (a === 'both' || a === 'end' ? '$' : '');
  return new RegExp(re, o.nocase ? 'iu' : 'u');
}

/** Does `s` match pattern `p` as a whole (case / [[ == ]])? */
export function matchPattern(s: string, p: string, o: { nocase?: boolean } = {}): boolean {
  try {
    return patternRegex(p, o).test(s);
  } catch {
    return s === unescapePattern(p);
  }
}

/** Unquoted glob characters present (`*`, `?`, a bracket expression, an extglob group)? */
export function hasPatternChars(p: string): boolean {
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') { i++; continue; }
    if (c === '*' || c === '?') return true;
    if (c === '[' && bracket(p, i)) return true;
    if ('+@!'.includes(c!) && p[i + 1] === '(') return true;
  }
  return false;
}

/** Quote removal on pattern text: `a\*b` → `a*b`. */
export function unescapePattern(p: string): string {
  return p.replace(/\\([\s\S])/g, '$1');
}

/** Escape every pattern-special character (quoted text inside a pattern). */
export function escapePattern(s: string): string {
  return s.replace(/[\\*?[\]()|+@!]/g, '\\$&');
}

/** `${x#p}` `${x##p}` `${x%p}` `${x%%p}` */
export function trimPattern(s: string, p: string, op: '#' | '##' | '%' | '%%'): string {
  let re: RegExp;
  try {
    re = patternRegex(p);
  } catch {
    return s;
  }
  const chars = [...s];
  const n = chars.length;
  const pre = (k: number) => chars.slice(0, k).join('');
  const suf = (k: number) => chars.slice(k).join('');
  if (op === '#') {
    for (let k = 0; k <= n; k++) if (re.test(pre(k))) return suf(k);
  } else if (op === '##') {
    for (let k = n; k >= 0; k--) if (re.test(pre(k))) return suf(k);
  } else if (op === '%') {
    for (let k = n; k >= 0; k--) if (re.test(suf(k))) return pre(k);
  } else {
    for (let k = 0; k <= n; k++) if (re.test(suf(k))) return pre(k);
  }
  return s;
}

/**
 * `${x/p/r}` (mode `/`), `${x//p/r}`, `${x/#p/r}`, `${x/%p/r}`; `rep` may be a function of the
 * matched text (bash 5.2's `&` in the replacement).
 */
export function replacePattern(s: string, p: string, rep: string | ((matched: string) => string), mode: '/' | '//' | '/#' | '/%'): string {
  let re: RegExp;
  try {
    re = patternRegex(p);
  } catch {
    return s;
  }
  const r = typeof rep === 'string' ? () => rep : rep;
  const chars = [...s];
  const n = chars.length;
  const sub = (a: number, b: number) => chars.slice(a, b).join('');
  if (mode === '/#') {
    for (let k = n; k >= 0; k--) if (re.test(sub(0, k))) return r(sub(0, k)) + sub(k, n);
    return s;
  }
  if (mode === '/%') {
    for (let k = 0; k <= n; k++) if (re.test(sub(k, n))) return sub(0, k) + r(sub(k, n));
    return s;
  }
  if (p === '') return s;
  // an empty value: a pattern matching the empty string replaces it (`${v//*/Z}` of '' is Z)
  if (n === 0) return re.test('') ? r('') : s;
  let out = '';
  let i = 0;
  let replaced = false;
  while (i <= n) {
    let matched = -1;
    if (!(replaced && mode === '/')) {
      for (let k = n; k >= i; k--) {
        if (re.test(sub(i, k))) {
          matched = k;
          break;
        }
      }
    }
    if (matched >= 0 && matched > i) {
      out += r(sub(i, matched));
      i = matched;
      replaced = true;
      continue;
    }
    if (i < n) out += chars[i];
    i++;
  }
  return out;
}

/** Directory entries as strings (names that are not UTF-8 keep their bytes: runtime/lang/bytes.ts). */
function readdir(dir: string): string[] {
  return fs.readdirSync(fsPath(dir), { encoding: 'buffer' }).map((b) => decode(b));
}

/** Every entry below `base` (relative paths joined to it), depth first; hidden ones only with `dot`. */
function walk(cwd: string, base: string, dot: boolean, dirsOnly: boolean, out: string[]): void {
  let entries: string[];
  try {
    entries = readdir(path.resolve(cwd, base || '.'));
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.startsWith('.') && !dot) continue;
    const p = base === '' ? e : base.endsWith('/') ? base + e : `${base}/${e}`;
    const dir = isDir(path.resolve(cwd, p)) && !isSymlink(path.resolve(cwd, p));
    if (!dirsOnly || dir) out.push(p);
    if (dir) walk(cwd, p, dot, dirsOnly, out);
  }
}

/**
 * Pathname expansion of one pattern relative to `cwd`; returns sorted matches (maybe none).
 * `globstar`: a `**` component matches any number of directories (`**` last: every path below).
 */
export function globPaths(pattern: string, cwd: string, o: { dotglob?: boolean; nocase?: boolean; globstar?: boolean } = {}): string[] {
  const absolute = pattern.startsWith('/');
  const trailing = pattern.endsWith('/');
  const comps = pattern.split('/').filter((c, i) => c !== '' || i === 0);
  let results: string[] = [absolute ? '/' : ''];
  const startIdx = absolute ? 1 : 0;
  for (let ci = startIdx; ci < comps.length; ci++) {
    const comp = comps[ci]!;
    const last = ci === comps.length - 1;
    const next: string[] = [];
    if (o.globstar && comp === '**') {
      for (const base of results) {
        if (last) {
          if (base !== '' && base !== '/') next.push(base.endsWith('/') ? base : base + '/');
          walk(cwd, base, !!o.dotglob, trailing, next);
        } else {
          next.push(base);
          walk(cwd, base, !!o.dotglob, true, next);
        }
      }
      results = [...new Set(next)];
      if (!results.length) break;
      continue;
    }
    for (const base of results) {
      const dir = path.resolve(cwd, base || '.');
      if (!hasPatternChars(comp)) {
        const lit = unescapePattern(comp);
        const candidate = base === '' ? lit : base.endsWith('/') ? base + lit : `${base}/${lit}`;
        const full = path.resolve(cwd, candidate);
        if (last && !trailing ? exists(full) || isSymlink(full) : isDir(full)) next.push(candidate);
        continue;
      }
      let entries: string[];
      try {
        entries = readdir(dir);
      } catch {
        continue;
      }
      const re = new RegExp(`^(?:${patternSource(comp, { pathname: true })})$`, o.nocase ? 'iu' : 'u');
      const dotOk = o.dotglob || comp.startsWith('.') || comp.startsWith('\\.');
      for (const e of entries) {
        if (e.startsWith('.') && !dotOk) continue;
        if (!re.test(e)) continue;
        const candidate = base === '' ? e : base.endsWith('/') ? base + e : `${base}/${e}`;
        if ((!last || trailing) && !isDir(path.resolve(cwd, candidate))) continue;
        next.push(candidate);
      }
    }
    results = next;
    if (!results.length) break;
  }
  if (trailing) results = results.map((r) => (r.endsWith('/') ? r : r + '/'));
  return results.filter((r) => r !== '' && r !== '/').sort(collate);
}

/** Bash's sort order for glob results in the C.UTF-8 / C locale: by code point. */
function collate(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function exists(p: string): boolean {
  return fs.existsSync(fsPath(p));
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(fsPath(p)).isDirectory();
  } catch {
    return false;
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(fsPath(p)).isSymbolicLink();
  } catch {
    return false;
  }
}
