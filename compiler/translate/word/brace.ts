/**
 * Brace expansion at compile time, as bash does it on the text of a word before any other
 * expansion: `{a,b}`, nested `{a,b{1,2}}`, sequences `{1..10..2}` `{a..e}` `{01..10}`, with
 * expansions, quotes and escapes as atoms (`x/{$d,test}`, `{"a,b",c}`, `\{a,b\}` stay intact).
 * A `$name` left in front of text that came from a brace (`$p{1,2}` → `$p1 $p2`) takes that
 * text into its name, as bash reads the expanded text.
 */
import type * as A from '../../ast.js';

/** One atom of a word: an unquoted character (escaped or not) or a whole other part. */
type Atom = { ch: string; esc: boolean; lit: A.Lit } | { part: A.WordPart };

/** mvdan's own split (BraceExp parts) back to plain parts: bash's rules are applied here instead. */
function flatten(ps: readonly A.WordPart[]): A.WordPart[] {
  const out: A.WordPart[] = [];
  for (const p of ps) {
    if (p.kind !== 'BraceExp') {
      out.push(p);
      continue;
    }
    const lit = (value: string): A.Lit => ({ kind: 'Lit', pos: p.pos, end: p.end, src: value, value });
    out.push(lit('{'));
    p.elems.forEach((e, i) => {
      if (i > 0) out.push(lit(p.sequence ? '..' : ','));
      out.push(...flatten(e.parts));
    });
    out.push(lit('}'));
  }
  return out;
}

function atoms(ps: readonly A.WordPart[]): Atom[] {
  const out: Atom[] = [];
  for (const p of flatten(ps)) {
    if (p.kind !== 'Lit') {
      out.push({ part: p });
      continue;
    }
    const v = p.value;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === '\\' && i + 1 < v.length) {
        out.push({ ch: v.slice(i, i + 2), esc: true, lit: p });
        i++;
      } else out.push({ ch: v[i]!, esc: false, lit: p });
    }
  }
  return out;
}

const isCh = (a: Atom | undefined, c: string): boolean => !!a && 'ch' in a && !a.esc && a.ch === c;

/** The text of atoms when they are all unescaped characters, else null. */
function plain(as: readonly Atom[]): string | null {
  let s = '';
  for (const a of as) {
    if (!('ch' in a) || a.esc) return null;
    s += a.ch;
  }
  return s;
}

/** `{x..y[..incr]}` contents → the sequence, or null when it is not one. */
function sequence(text: string): string[] | null {
  const m = /^(-?\d+|[^\d-]|-)\.\.(-?\d+|[^\d-]|-)(?:\.\.(-?\d+))?$/.exec(text);
  if (!m) return null;
  const [, a, b, inc] = m;
  const step = Math.abs(Number(inc ?? 1)) || 1;
  const num = /^-?\d+$/;
  if (num.test(a!) && num.test(b!)) {
    const x = Number(a), y = Number(b);
    const padded = (s: string) => /^-?0\d/.test(s);
    const width = padded(a!) || padded(b!) ? Math.max(a!.length, b!.length) : 0;
    const fmt = (n: number) => {
      if (!width) return String(n);
      return n < 0 ? '-' + String(-n).padStart(width - 1, '0') : String(n).padStart(width, '0');
    };
    const out: string[] = [];
    if (x <= y) for (let n = x; n <= y; n += step) out.push(fmt(n));
    else for (let n = x; n >= y; n -= step) out.push(fmt(n));
    return out;
  }
  // character ranges: both ends letters (bash: ISALPHA, one byte), whatever lies between
  if (/^[A-Za-z]$/.test(a!) && /^[A-Za-z]$/.test(b!)) {
    const x = a!.charCodeAt(0), y = b!.charCodeAt(0);
    const out: string[] = [];
    if (x <= y) for (let n = x; n <= y; n += step) out.push(String.fromCharCode(n));
    else for (let n = x; n >= y; n -= step) out.push(String.fromCharCode(n));
    return out;
  }
  return null;
}

/** Expand the first brace expression that bash would expand; recursion does the rest. */
function expand(as: readonly Atom[]): Atom[][] {
  for (let i = 0; i < as.length; i++) {
    if (!isCh(as[i], '{')) continue;
    // the matching close brace and the top-level commas
    let depth = 0;
    let close = -1;
    const commas: number[] = [];
    for (let j = i + 1; j < as.length; j++) {
      if (isCh(as[j], '{')) depth++;
      else if (isCh(as[j], '}')) {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      } else if (isCh(as[j], ',') && depth === 0) commas.push(j);
    }
    if (close < 0) return [as.slice()];
    const pre = as.slice(0, i);
    const post = expand(as.slice(close + 1));
    let alts: Atom[][];
    if (commas.length) {
      alts = [];
      let from = i + 1;
      for (const c of [...commas, close]) {
        alts.push(...expand(as.slice(from, c)));
        from = c + 1;
      }
    } else {
      const text = plain(as.slice(i + 1, close));
      const seq = text === null ? null : sequence(text);
      if (!seq) continue; // a literal brace: look for the next one
      const lit = (as[i] as { lit: A.Lit }).lit;
      // a `\` from a character range goes in quote removal, leaving an empty word as in bash
      // (`{Z..a}`: Z [ '' ] ^ _ ` a)
      const empty: A.SglQuoted = { kind: 'SglQuoted', pos: lit.pos, end: lit.end, src: "''", value: '', dollar: false };
      alts = seq.map((s) => (s === '\\' ? [{ part: empty }] : [...s].map((ch) => ({ ch, esc: false, lit }))));
    }
    const out: Atom[][] = [];
    for (const a of alts) for (const z of post) out.push([...pre, ...a, ...z]);
    return out;
  }
  return [as.slice()];
}

/** Atoms back to parts: runs of characters become Lits; `$name` absorbs name characters after it. */
function toParts(as: readonly Atom[]): A.WordPart[] {
  const out: A.WordPart[] = [];
  for (const a of as) {
    const last = out[out.length - 1];
    if ('part' in a) {
      out.push(a.part);
      continue;
    }
    if (last && last.kind === 'Lit') {
      out[out.length - 1] = { ...last, value: last.value + a.ch, src: last.src + a.ch };
      continue;
    }
    if (last && last.kind === 'ParamExp' && last.short && /^[A-Za-z_][A-Za-z0-9_]*$/.test(last.param) && !a.esc && /[A-Za-z0-9_]/.test(a.ch)) {
      out[out.length - 1] = { ...last, param: last.param + a.ch, src: last.src + a.ch };
      continue;
    }
    out.push({ kind: 'Lit', pos: a.lit.pos, end: a.lit.end, src: a.ch, value: a.ch });
  }
  return out;
}

/** A word's parts after brace expansion: one part list per resulting word. */
export function braceExpand(ps: readonly A.WordPart[]): A.WordPart[][] {
  const hasBrace = ps.some((p) => p.kind === 'BraceExp' || (p.kind === 'Lit' && p.value.includes('{')));
  if (!hasBrace) return [ps.slice()];
  return expand(atoms(ps)).map(toParts);
}
