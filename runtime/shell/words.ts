/**
 * The word representation generated code uses: small constructors that build plain data, which
 * runtime/shell/expand.ts turns into fields at run time. This is the stable vocabulary of generated code.
 *
 *   bash                      generated TS
 *   hello  'a b'  $'\n'       "hello"  "a b"  "\n"      (a JS string = literal text, never split/globbed)
 *   *.md                      glob("*.md")              (unquoted text whose pattern chars are active)
 *   a"$x"b                    w("a", dq(param("x")), "b")
 *   "x: $X"                   dq("x: ", param("X"))
 *   $X  ${X:-d}  ${X#*.}      param("X")  param("X", ":-", "d")  param("X", "#", glob("*"), ".")…
 *   ${A[@]} ${A[i]} ${#A[@]}  param("A[@]")  param("A[i]")  len("A[@]")
 *   ${A[$i]} ${m["$k"]}       param(sub("A", param("i")))  param(sub("m", dq(param("k"))))
 *   ${#x} ${x:1:2} ${!A[@]}   len("x")  slice("x", "1", "2")  keys("A")
 *   ${x/a/b} ${x//a/b}        repl("x", "/", "a", "b")  repl("x", "//", "a", "b")
 *   ${!ref}                   indirect("ref")
 *   $(cmd)                    cmdsub(async (sh) => { ... })
 *   <(cmd)  >(cmd)            procsub("<", async (sh) => { ... })   (the word: /dev/fd/63)
 *   $((i + 1))                arith("i + 1")  /  arith(param("x"), " * 2")
 *   ~  ~/x                    w(tilde(), "/x")
 *   (a b) in A=(a b)          arr("a", "b")
 *
 * Unquoted `param`/`cmdsub`/`arith` results are field-split on IFS and globbed; inside `dq` they
 * are not. Arithmetic text is evaluated by runtime/shell/arith.ts after expanding its parts as in "…".
 */
import type { Shell } from './shell.js';

/** A closure of generated code: a body that runs against the (sub)shell it is given. */
export type Body = (sh: Shell) => Promise<unknown>;

export interface ParamSpec {
  /** Variable or special parameter name: `x`, `1`, `@`, `#`, `?` … */
  name: string;
  /**
   * `A[...]`: the index (`@` / `*`, or a subscript: an associative array's key after expansion
   * and quote removal, an indexed array's arithmetic after expansion); null when none. A string
   * is literal subscript text; a Word needs expansion (`${A[$i]}`, `${m["$k"]}`).
   */
  index: string | Word | null;
  /** `${x<op>word}` */
  op: ParamOp | null;
  arg: Word | null;
  /** `${#x}` */
  length: boolean;
  /** `${!x}` (indirect) */
  indirect: boolean;
  /** `${!A[@]}` */
  keys: boolean;
  /** `${!prefix*}` / `${!prefix@}`: the names of the variables starting with `name` */
  names?: '*' | '@' | null;
  /** How an error names the parameter when it is not `name` (`!ref` for `${!ref}`). */
  via?: string;
  /** `${x:off:len}` (arithmetic words) */
  slice: { offset: Word; length: Word | null } | null;
  /** `${x/pat/rep}` */
  repl: { mode: ReplMode; pat: Word; rep: Word | null } | null;
}

export type ParamOp =
  | ':-' | '-' | ':=' | '=' | ':?' | '?' | ':+' | '+'
  | '#' | '##' | '%' | '%%' | '^' | '^^' | ',' | ',,' | '~' | '~~' | '@';
export type ReplMode = '/' | '//' | '/#' | '/%';

export type Part =
  | { readonly t: 'lit'; readonly v: string }
  | { readonly t: 'glob'; readonly v: string }
  | { readonly t: 'dq'; readonly parts: readonly Part[] }
  | { readonly t: 'param'; readonly spec: ParamSpec }
  | { readonly t: 'cmd'; readonly body: Body }
  | { readonly t: 'procsub'; readonly op: '<' | '>'; readonly body: Body }
  | { readonly t: 'arith'; readonly parts: readonly Part[] }
  | { readonly t: 'tilde'; readonly user: string }
  | { readonly t: 'brace'; readonly alts: readonly Word[] };

/** A word: a sequence of parts concatenated. */
export interface Word {
  readonly t: 'w';
  readonly parts: readonly Part[];
}

/** What generated code may pass where a word is expected. */
export type WordLike = string | Part | Word;

/** `name=(...)`: array elements (each a word; `[k]=v` elements are `[key, word]`). */
export interface ArrayValue {
  readonly t: 'arr';
  readonly elems: readonly (WordLike | readonly [WordLike, WordLike])[];
}

/** `A[<index>]=v` with an index that needs expansion: `{ A: elem(len("A[@]"), "v") }`. */
export interface ElemValue {
  readonly t: 'elem';
  readonly index: Word;
  readonly value: WordLike;
}

/** The value side of an assignment. `null` = naked name (`local x`). */
export type AssignValue = WordLike | ArrayValue | ElemValue | null;

export function elem(index: WordLike, value: WordLike): ElemValue {
  return { t: 'elem', index: toWord(index), value };
}

export function toWord(x: WordLike): Word {
  if (typeof x === 'string') return { t: 'w', parts: [{ t: 'lit', v: x }] };
  if (x.t === 'w') return x;
  return { t: 'w', parts: [x] };
}

function toParts(xs: readonly WordLike[]): Part[] {
  const out: Part[] = [];
  for (const x of xs) {
    if (typeof x === 'string') out.push({ t: 'lit', v: x });
    else if (x.t === 'w') out.push(...x.parts);
    else out.push(x);
  }
  return out;
}

/** Concatenate parts into one word. */
export function w(...parts: WordLike[]): Word {
  return { t: 'w', parts: toParts(parts) };
}

/** Unquoted literal text whose glob characters are active (`*.md`). */
export function glob(v: string): Part {
  return { t: 'glob', v };
}

/** `"..."` */
export function dq(...parts: WordLike[]): Part {
  return { t: 'dq', parts: toParts(parts) };
}

/** `A[<index word>]`: a parameter whose subscript needs expansion (see {@link sub}). */
export interface Sub {
  readonly t: 'sub';
  readonly name: string;
  readonly index: Word;
}

/** A parameter name with a subscript that needs expansion: `${A[$i+1]}` → `param(sub("A", param("i"), "+1"))`. */
export function sub(name: string, ...index: WordLike[]): Sub {
  return { t: 'sub', name, index: w(...index) };
}

/** A parameter reference: `"x"`, `"A[0]"` (literal subscript), or `sub(...)`. */
export type ParamRef = string | Sub;

function spec(ref: ParamRef, extra: Partial<ParamSpec> = {}): ParamSpec {
  let name: string;
  let index: string | Word | null = null;
  if (typeof ref === 'string') {
    name = ref;
    const m = /^([^[]+)\[(.*)\]$/s.exec(ref);
    if (m) {
      name = m[1]!;
      index = m[2]!;
    }
  } else {
    name = ref.name;
    index = ref.index;
  }
  return {
    name, index, op: null, arg: null, length: false, indirect: false, keys: false, names: null,
    slice: null, repl: null, ...extra,
  };
}

/** `$x`, `${x}`, `${A[i]}`, `${x<op>word}` (word may be given as several parts). */
export function param(name: ParamRef, op?: ParamOp, ...arg: WordLike[]): Part {
  return {
    t: 'param',
    spec: spec(name, op ? { op, arg: w(...arg) } : {}),
  };
}

/** `${#x}`, `${#A[@]}` */
export function len(name: ParamRef): Part {
  return { t: 'param', spec: spec(name, { length: true }) };
}

/** `${x:offset}` / `${x:offset:length}` (arithmetic). */
export function slice(name: ParamRef, offset: WordLike, length?: WordLike): Part {
  return {
    t: 'param',
    spec: spec(name, { slice: { offset: toWord(offset), length: length === undefined ? null : toWord(length) } }),
  };
}

/** `${x/pat/rep}` (mode `/`, `//`, `/#`, `/%`); rep omitted = delete. */
export function repl(name: ParamRef, mode: ReplMode, pat: WordLike, rep?: WordLike): Part {
  return {
    t: 'param',
    spec: spec(name, { repl: { mode, pat: toWord(pat), rep: rep === undefined ? null : toWord(rep) } }),
  };
}

/** `${!A[@]}` */
export function keys(name: string): Part {
  return { t: 'param', spec: spec(name.replace(/\[[@*]\]$/, '') + '[@]', { keys: true }) };
}

/** `${!ref}` */
export function indirect(name: string | Part): Part {
  if (typeof name !== 'string') {
    // `${!x<op>…}`: the operator applies to the variable `x` names
    if (name.t !== 'param') throw new Error('indirect: not a parameter expansion');
    return { t: 'param', spec: { ...name.spec, indirect: true } };
  }
  return { t: 'param', spec: spec(name, { indirect: true }) };
}

/** `${!prefix*}` / `${!prefix@}`: names of the set variables starting with the prefix. */
export function names(prefix: string, mode: '*' | '@'): Part {
  return { t: 'param', spec: spec(prefix, { names: mode }) };
}

/** `$(...)` / backquotes. */
export function cmdsub(body: Body): Part {
  return { t: 'cmd', body };
}

/** `<( … )` / `>( … )`: the body runs concurrently; the word is the `/dev/fd/N` path of its pipe. */
export function procsub(op: '<' | '>', body: Body): Part {
  return { t: 'procsub', op, body };
}

/** `$(( ... ))`: parts are expanded as in double quotes, then evaluated. */
export function arith(...parts: WordLike[]): Part {
  return { t: 'arith', parts: toParts(parts) };
}

/** `~` or `~user` at the start of a word. */
export function tilde(user = ''): Part {
  return { t: 'tilde', user };
}

/** `{a,b}` brace expansion with dynamic elements (static ones are expanded by the compiler). */
export function brace(...alts: WordLike[]): Part {
  return { t: 'brace', alts: alts.map(toWord) };
}

/** `(a b c)` array value. */
export function arr(...elems: (WordLike | readonly [WordLike, WordLike])[]): ArrayValue {
  return { t: 'arr', elems };
}

/** A redirect: `r(">&", "2")`, `r("2>", "/dev/null")`, `r("<<", dq(...))`, `r("<<<", word)`. */
export interface Redir {
  readonly t: 'redir';
  /** Operator with its optional fd prefix, exactly as in bash: `>`, `2>`, `2>&`, `&>`, `<<`, `<<<`. */
  readonly op: string;
  readonly word: Word;
  /**
   * The target as written, when it needs expansion: it is then split and globbed like an
   * argument and must give exactly one word (else `<src>: ambiguous redirect`).
   */
  readonly src?: string;
}

export function r(op: string, word: WordLike, src?: string): Redir {
  return src === undefined ? { t: 'redir', op, word: toWord(word) } : { t: 'redir', op, word: toWord(word), src };
}

/** `A=1 B=2 cmd`: assignments in front of a command (exported to it only). */
export interface EnvPrefix {
  readonly t: 'env';
  readonly vars: Readonly<Record<string, AssignValue>>;
}

export function env(vars: Record<string, AssignValue>): EnvPrefix {
  return { t: 'env', vars };
}

/** Modifiers accepted by `sh.cmd(words, ...mods)`. */
export type Mod = Redir | EnvPrefix;
