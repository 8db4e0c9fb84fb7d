/**
 * Static reading of bash words for analyses: the literal value of a word when it has no
 * expansions (quote removal done), the command name of a simple command, the parameter
 * references a word makes, and whether an expansion sits outside double quotes (subject to
 * field splitting and globbing).
 */
import type * as A from '../ast.js';
import { walk } from './walk.js';

/** Remove backslash escapes from unquoted literal text (`a\ b` → `a b`, `\\` → `\`). */
export function unescapeUnquoted(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\(.)/gs, '$1');
}

/** Remove the escapes bash honours inside double quotes (`\$ \` \" \\ \newline`). */
export function unescapeDouble(s: string): string {
  return s.replace(/\\\n/g, '').replace(/\\([$`"\\])/g, '$1');
}

/** The literal value of one part, or null when it expands something. */
function partLiteral(p: A.WordPart, quoted: boolean): string | null {
  switch (p.kind) {
    case 'Lit':
      return quoted ? unescapeDouble(p.value) : unescapeUnquoted(p.value);
    case 'SglQuoted':
      return p.dollar ? null : p.value;
    case 'DblQuoted': {
      let s = '';
      for (const q of p.parts) {
        const v = partLiteral(q, true);
        if (v === null) return null;
        s += v;
      }
      return s;
    }
    default:
      return null;
  }
}

/** The value of a word that expands nothing (`'a'"b"c` → `abc`), else null. */
export function literalValue(w: A.Word | null | undefined): string | null {
  if (!w) return null;
  let s = '';
  for (const p of w.parts) {
    const v = partLiteral(p, false);
    if (v === null) return null;
    s += v;
  }
  return s;
}

/** The command a simple command runs (its first word, when literal), else null. */
export function commandName(c: A.CallExpr): string | null {
  const first = c.args[0];
  return first ? literalValue(first) : null;
}

/** The simple command of a statement, or null (compound commands, `x | y`, ...). */
export function callOf(s: A.Stmt | null | undefined): A.CallExpr | null {
  return s?.cmd?.kind === 'CallExpr' ? s.cmd : null;
}

/** Whether a word is an option (`-f`, `--force`), judged from its literal text. */
export function isOption(w: A.Word): boolean {
  const v = literalValue(w);
  return v !== null && /^-./.test(v);
}

/** The non-option arguments of a command (after its name; everything after `--` counts). */
export function operands(c: A.CallExpr): A.Word[] {
  const out: A.Word[] = [];
  let dashdash = false;
  for (const w of c.args.slice(1)) {
    if (!dashdash && literalValue(w) === '--') {
      dashdash = true;
      continue;
    }
    if (!dashdash && isOption(w)) continue;
    out.push(w);
  }
  return out;
}

/** The short option letters given to a command (`ls -lt -r` → "ltr"), long options left out. */
export function shortFlags(c: A.CallExpr): string {
  let s = '';
  for (const w of c.args.slice(1)) {
    const v = literalValue(w);
    if (v === '--') break;
    if (v !== null && /^-[A-Za-z0-9]+$/.test(v)) s += v.slice(1);
  }
  return s;
}

/** Every parameter expansion in a word (nested ones included, e.g. inside `$( )`), in order. */
export function paramsIn(node: A.Node): A.ParamExp[] {
  const out: A.ParamExp[] = [];
  walk(node, (n) => {
    if (n.kind === 'ParamExp') out.push(n);
  });
  return out;
}

/**
 * The top-level parts of a word that are expanded outside double quotes (`$x`, `${x}`, `$(…)`,
 * `` `…` ``): bash splits and globs their result. Arithmetic `$((…))` and special parameters
 * that never hold spaces (`$$ $? $# $! $-`) are left out.
 */
export function unquotedExpansions(w: A.Word): (A.ParamExp | A.CmdSubst)[] {
  const out: (A.ParamExp | A.CmdSubst)[] = [];
  for (const p of w.parts) {
    if (p.kind === 'ParamExp') {
      if (['$', '?', '#', '!', '-'].includes(p.param) && !p.exp && !p.repl && !p.slice) continue;
      if (p.length) continue;
      out.push(p);
    } else if (p.kind === 'CmdSubst') {
      out.push(p);
    }
  }
  return out;
}

/** Whether an unquoted literal part of the word has a glob character (`*`, `?`, `[`). */
export function hasUnquotedGlob(w: A.Word): boolean {
  return w.parts.some((p) => p.kind === 'Lit' && /(^|[^\\])[*?[]/.test(p.value)) || w.parts.some((p) => p.kind === 'ExtGlob');
}

/** The text of a word's literal parts with every expansion replaced by `$`; for name checks. */
export function shapeText(w: A.Word): string {
  let s = '';
  const add = (parts: readonly A.WordPart[], quoted: boolean): void => {
    for (const p of parts) {
      if (p.kind === 'Lit') s += quoted ? unescapeDouble(p.value) : unescapeUnquoted(p.value);
      else if (p.kind === 'SglQuoted') s += p.value;
      else if (p.kind === 'DblQuoted') add(p.parts, true);
      else if (p.kind === 'ParamExp') s += `\${${p.param}}`;
      else s += '$';
    }
  };
  add(w.parts, false);
  return s;
}
