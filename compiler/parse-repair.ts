/**
 * Text bash accepts but mvdan-sh rejects, found where mvdan reports its syntax error and shown to
 * mvdan in a form it reads (same UTF-8 length, so every byte offset stays the original's);
 * compiler/parse.ts then rebuilds the node from the original text.
 *
 * - `arith`: arithmetic text bash only evaluates at run time (`$((1+))`, `((1 2))`, `a[x+]=1`,
 *   `${m[a b]}` — an associative key with a space). bash reports such errors when it runs them,
 *   so the body is kept as text with its expansions: mvdan sees the expansions joined by `+`
 *   (or `0`), the AST gets the original characters around them.
 * - `op`: parameter operators mvdan-sh 0.10 does not know: `${s~}`, `${s~~}` (shown as `^`,
 *   `^^`) and `${a[@]@k}` (shown as `@K`).
 *
 * Only forms whose text is plain (no quotes or backslashes outside the expansions) are
 * repaired; anything else stays mvdan's syntax error (and bash's island).
 */

export type Repair =
  /** `[start, end)`: an arithmetic body (between `$((`/`((`/`[` and its closer), in chars of the original. */
  | { kind: 'arith'; start: number; end: number }
  /** `[start, end)`: an operator's text mvdan is shown differently (`op` is the original). */
  | { kind: 'op'; start: number; end: number; op: string; shown: string };

interface Span {
  start: number;
  end: number;
}

/** Each char as spaces of its UTF-8 length (newlines kept), so byte offsets do not move. */
function blank(s: string): string {
  let out = '';
  for (const ch of s) out += ch === '\n' ? '\n' : ' '.repeat(Buffer.byteLength(ch));
  return out;
}

/** `s` with its first char replaced by `c` (ASCII), keeping the UTF-8 length. */
function lead(c: string, s: string): string {
  return c + blank(s).slice(1);
}

/** The text mvdan is given: `src` with every repair applied (repairs do not overlap). */
export function applyRepairs(src: string, repairs: readonly Repair[]): string {
  let out = src;
  for (const r of [...repairs].sort((a, b) => b.start - a.start)) {
    const shown = r.kind === 'op' ? r.shown : arithShown(src.slice(r.start, r.end));
    out = out.slice(0, r.start) + shown + out.slice(r.end);
  }
  return out;
}

/** Arithmetic body as mvdan sees it: expansions kept, joined by `+` (a lone `0` without any). */
function arithShown(body: string): string {
  const exps = expansions(body) ?? [];
  if (!exps.length) return lead('0', body);
  let out = '';
  let at = 0;
  exps.forEach((e, i) => {
    const gap = body.slice(at, e.start);
    out += i === 0 || gap === '' ? blank(gap) : lead('+', gap);
    out += body.slice(e.start, e.end);
    at = e.end;
  });
  return out + blank(body.slice(at));
}

/** Index just past the balanced construct opened at `i` (`(`, `{`, `[`), or -1. Quotes are skipped. */
function close(s: string, i: number): number {
  const pairs: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
  const stack: string[] = [];
  for (let k = i; k < s.length; k++) {
    const c = s[k]!;
    if (c === '\\') { k++; continue; }
    if (c === "'" && stack[stack.length - 1] !== '}') {
      const e = s.indexOf("'", k + 1);
      if (e < 0) return -1;
      k = e;
      continue;
    }
    if (c === '"' || c === '`') {
      const e = quoteEnd(s, k);
      if (e < 0) return -1;
      k = e - 1;
      continue;
    }
    if (pairs[c]) stack.push(pairs[c]!);
    else if (c === ')' || c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (!stack.length) return k + 1;
    }
  }
  return -1;
}

/** Index just past the `"…"` or `` `…` `` starting at `i`, or -1. */
function quoteEnd(s: string, i: number): number {
  const q = s[i]!;
  for (let k = i + 1; k < s.length; k++) {
    if (s[k] === '\\') { k++; continue; }
    if (s[k] === q) return k + 1;
    if (q === '"' && s[k] === '$' && (s[k + 1] === '(' || s[k + 1] === '{')) {
      const e = close(s, k + 1);
      if (e < 0) return -1;
      k = e - 1;
    }
  }
  return -1;
}

/**
 * The expansions in an arithmetic body (`$x`, `$1`, `$#`, `${…}`, `$(…)`, `$((…))`, `` `…` ``),
 * or null when text outside them has quotes or backslashes (not repaired).
 */
function expansions(body: string): Span[] | null {
  const out: Span[] = [];
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (c === '$') {
      const n = body[k + 1] ?? '';
      let end = -1;
      if (n === '(' || n === '{') end = close(body, k + 1);
      else if (/[A-Za-z_]/.test(n)) end = k + 1 + /^[A-Za-z_][A-Za-z0-9_]*/.exec(body.slice(k + 1))![0].length;
      else if (/[0-9#?@*$!-]/.test(n)) end = k + 2;
      if (end < 0) return null;
      out.push({ start: k, end });
      k = end - 1;
    } else if (c === '`') {
      const end = quoteEnd(body, k);
      if (end < 0) return null;
      out.push({ start: k, end });
      k = end - 1;
    } else if (c === '"' || c === "'" || c === '\\') return null;
  }
  return out;
}

/** The innermost arithmetic body around `at`: `$((…))`, `((…))`, `$[…]` or a subscript `name[…]`. */
function arithAround(src: string, at: number): Span | null {
  for (let i = Math.min(at, src.length - 1); i >= 0; i--) {
    const c = src[i]!;
    let start = -1;
    let end = -1;
    if (c === '(' && src[i + 1] === '(' && (src[i - 1] === '$' || /(^|[\s;&|(])$/.test(src.slice(0, i)))) {
      // `$((` / `((`: the body ends at the `))` that closes it
      const e = close(src, i);
      if (e < 0 || src[e - 2] !== ')' || close(src, i + 1) !== e - 1) continue;
      start = i + 2;
      end = e - 2;
    } else if (c === '[' && /(?:\$|[A-Za-z0-9_])$/.test(src.slice(0, i)) || (c === '[' && /[\s(]$/.test(src.slice(0, i)) && /^\[[^\]]*\]\+?=/.test(src.slice(i)))) {
      // `$[…]`, `name[…]`, `${name[…]}`, or an array literal's `[key]=`
      const e = close(src, i);
      if (e < 0) continue;
      start = i + 1;
      end = e - 1;
    } else continue;
    if (i <= at && at <= end + 1 && src.slice(start, end).trim() !== '' && expansions(src.slice(start, end)) !== null) return { start, end };
  }
  return null;
}

/** `${s~}`, `${s~~…}`, `${a[@]@k}` around `at`: the operator to show mvdan differently. */
function opAround(src: string, at: number): Repair | null {
  for (let i = Math.min(at, src.length - 1); i >= 0; i--) {
    if (src[i] !== '$' || src[i + 1] !== '{') continue;
    const e = close(src, i + 1);
    if (e < 0 || e - 1 < at) continue;
    const body = src.slice(i + 2, e - 1);
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(?:\[[^\]]*\])?(~~|~|@k$)/.exec(body);
    if (!m) return null;
    const start = i + 2 + m[0].length - m[1]!.length;
    const op = m[1]!;
    return { kind: 'op', start, end: start + op.length, op, shown: op === '@k' ? '@K' : op.replace(/~/g, '^') };
  }
  return null;
}

/** A repair for mvdan's syntax error at char `at`, or null (a real syntax error, or one we do not handle). */
export function repairAt(src: string, at: number, done: readonly Repair[]): Repair | null {
  const fresh = (r: Repair | null) => (r && !done.some((d) => d.start < r.end && r.start < d.end) ? r : null);
  const op = fresh(opAround(src, at));
  if (op) return op;
  const a = arithAround(src, at);
  return fresh(a ? { kind: 'arith', ...a } : null);
}
