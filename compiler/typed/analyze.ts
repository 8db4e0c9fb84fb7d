/**
 * The typed tier's analysis: which statements of a block have a typed form that is provably the
 * same as bash, and what that form is (compiler/typed/ir.ts). Every typed form lowers at run time
 * to the exact tier's statement on the same shell (runtime/typed), so what must be proved here
 * is that the *words* are the same: a word is typed only when it is literal text and plain
 * `"$NAME"` references (no splitting, globbing, tilde, brace, escapes or operators can apply),
 * and the statement keeps bash's evaluation order (see each form). Anything else falls back,
 * per statement, to the exact tier (translate/index.ts `stmt`).
 *
 * Forms: `$` commands (a name that is no builtin, no function of the file, no library function)
 * with typed words and simple redirects, as pipelines too; `echo "…"` (one word, `>&2` at most);
 * runs of `append_workflow_state KEY "$V"` on consecutive lines → one `wf.append`; assignments
 * of typed text or of a `$` command's output; `[ -z W ]`, `[ -n W ]`, `[ W = W ]`, `[ W != W ]`
 * as TS conditions of `if`/`&&`/`||`. Bodies of `if`, `{ }`, `&&`/`||` run on the block's
 * shell and are walked; bodies that run elsewhere (pipelines, subshells, loops' redirected
 * bodies, functions, traps) stay exact whole.
 */
import type * as A from '../ast.js';
import type { Context } from '../context.js';
import { unescapeDq } from '../translate/word/lit.js';
import { redirect } from '../translate/redirect.js';
import { commandText, plainCommand } from '../translate/command-text.js';
import type { Cmd, Node, Piece, Redir, Stage, Test, Text, Value } from './ir.js';

/** What the walk knows of the file and records of what it typed. */
export interface TypedInfo {
  /** Functions the .md defines anywhere (a command of that name is not external). */
  readonly funcs: ReadonlySet<string>;
  /** Statements emitted in the typed tier. */
  readonly typed: Set<A.Stmt>;
  readonly forms: Record<string, number>;
  /**
   * The block turns on `set -x`: `[ ]` tests stay exact (a TS condition prints no trace line).
   * (A sourced library that turns it on is not seen: its tests then print none.)
   */
  readonly xtrace?: boolean;
}

const BUILTINS = new Set(
  ('. : [ [[ alias bg bind break builtin caller cd command compgen complete compopt continue declare dirs disown echo ' +
    'enable eval exec exit export false fc fg getopts hash help history jobs kill let local logout mapfile popd printf ' +
    'pushd pwd read readarray readonly return set shift shopt source suspend test times trap true type typeset ulimit ' +
    'umask unalias unset wait if then else elif fi case esac for while until do done in function select time coproc').split(' '),
);

/** Functions defined in `source` (`name() …`, `function name …`). */
export function definedFunctions(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/(?:^|[\s;&|{(])([^\s()=;&|<>'"$`]+)[ \t]*\([ \t]*\)/gm)) out.add(m[1]!);
  for (const m of source.matchAll(/(?:^|[\s;&|{(])function[ \t]+([^\s()=;&|<>'"$`]+)/gm)) out.add(m[1]!);
  return out;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A plain `$NAME` / `${NAME}` (a variable, not a special parameter; no operator). */
function plainRef(p: A.ParamExp): string | null {
  if (p.excl || p.length || p.width || p.index || p.slice || p.repl || p.names || p.exp) return null;
  return IDENT.test(p.param) ? p.param : null;
}

function push(out: Piece[], p: Piece): void {
  const last = out[out.length - 1];
  if (last && 'lit' in last && 'lit' in p) out[out.length - 1] = { lit: last.lit + p.lit };
  else out.push(p);
}

/** A word as literal text and `"$NAME"` pieces, when nothing else of bash applies to it. */
export function textOf(w: A.Word): Text | null {
  const out: Piece[] = [];
  for (const p of w.parts) {
    if (p.kind === 'Lit') {
      // unquoted: no escapes, globs, braces, tilde
      if (/[\\*?[\]{}~]/.test(p.value)) return null;
      push(out, { lit: p.value });
    } else if (p.kind === 'SglQuoted') {
      if (p.dollar) return null;
      push(out, { lit: p.value });
    } else if (p.kind === 'DblQuoted') {
      if (p.dollar) return null;
      if (p.parts.length === 0) push(out, { lit: '' });
      for (const x of p.parts) {
        if (x.kind === 'Lit') push(out, { lit: unescapeDq(x.value) });
        else if (x.kind === 'ParamExp') {
          const name = plainRef(x);
          if (name === null) return null;
          out.push({ ref: name });
        } else return null;
      }
    } else return null;
  }
  return out.length ? out : [{ lit: '' }];
}

/** The literal text of a typed word, or null when it has references. */
export function literalOf(t: Text | null): string | null {
  if (t === null || t.some((p) => 'ref' in p)) return null;
  return t.map((p) => (p as { lit: string }).lit).join('');
}

/** Redirects a typed command may carry: to/from files and fd duplication on fds 0–2. */
function simpleRedirs(rs: readonly A.Redirect[], ctx: Context): Redir[] | null {
  const out: Redir[] = [];
  for (const rd of rs) {
    if (!['>', '>>', '<', '>&', '&>', '&>>', '>|'].includes(rd.op)) return null;
    if (rd.n !== null && !['0', '1', '2'].includes(rd.n)) return null;
    const t = textOf(rd.word);
    if (t === null) return null;
    const devnull = rd.op === '>' && literalOf(t) === '/dev/null';
    if (devnull && rd.n === '2') out.push({ k: 'quiet' });
    else if (devnull && (rd.n === null || rd.n === '1')) out.push({ k: 'silent' });
    else out.push({ k: 'r', code: redirect(rd, ctx) });
  }
  return out;
}

/** A name a `$` template may start with: not a builtin, keyword, function or library function. */
function externalName(name: string | null, info: TypedInfo): boolean {
  if (name === null || !/^[A-Za-z0-9./][A-Za-z0-9./+-]*$/.test(name)) return false;
  // library functions are named with underscores (append_workflow_state, sm_init): kept exact
  if (name.includes('_')) return false;
  return !BUILTINS.has(name) && !info.funcs.has(name);
}

/** A simple statement as one `$` stage. */
function stageOf(s: A.Stmt, ctx: Context, info: TypedInfo): Stage | null {
  if (s.negated || s.background || s.cmd?.kind !== 'CallExpr' || s.cmd.assigns.length || s.cmd.args.length === 0) return null;
  const words = s.cmd.args.map(textOf);
  if (words.some((w) => w === null)) return null;
  if (!externalName(literalOf(words[0]!), info)) return null;
  const redirs = simpleRedirs(s.redirs, ctx);
  if (redirs === null) return null;
  return { words: words as Text[], redirs };
}

/** The stages of a `$` command: a simple statement or a pipeline of them (`|` only). */
export function cmdOf(s: A.Stmt, ctx: Context, info: TypedInfo): { cmd: Cmd; stmts: A.Stmt[] } | null {
  if (s.cmd?.kind === 'BinaryCmd') {
    if (s.cmd.op !== '|' || s.negated || s.background || s.redirs.length) return null;
    const left = cmdOf(s.cmd.x, ctx, info);
    const right = cmdOf(s.cmd.y, ctx, info);
    if (!left || !right) return null;
    return { cmd: { stages: [...left.cmd.stages, ...right.cmd.stages] }, stmts: [...left.stmts, ...right.stmts] };
  }
  const st = stageOf(s, ctx, info);
  return st ? { cmd: { stages: [st] }, stmts: [s] } : null;
}

/** `[ -z W ]`, `[ -n W ]`, `[ W = W ]`, `[ W == W ]`, `[ W != W ]` (W typed words). */
export function testOf(s: A.Stmt, info: TypedInfo): Test | null {
  if (s.negated || s.background || s.redirs.length || s.cmd?.kind !== 'CallExpr' || s.cmd.assigns.length) return null;
  if (info.funcs.has('[') || info.funcs.has('test') || info.xtrace) return null;
  const args = s.cmd.args;
  // `[` and `]` as written (unquoted literal words, not from a variable)
  const bare = (w: A.Word | undefined, text: string) => w?.parts.length === 1 && w.parts[0]!.kind === 'Lit' && w.parts[0].value === text;
  if (args.length < 3 || !bare(args[0], '[') || !bare(args[args.length - 1], ']')) return null;
  const ws = args.slice(1, -1).map(textOf);
  if (ws.some((w) => w === null)) return null;
  const inner = ws as Text[];
  if (inner.length === 2) {
    const op = literalOf(inner[0]!);
    if ((op === '-z' || op === '-n') && args[1]!.parts.every((p) => p.kind === 'Lit')) return { op, x: inner[1]!, y: null };
  }
  if (inner.length === 3) {
    const op = literalOf(inner[1]!);
    if ((op === '=' || op === '==' || op === '!=') && args[2]!.parts.every((p) => p.kind === 'Lit')) {
      return { op: op === '!=' ? '!=' : '=', x: inner[0]!, y: inner[2]! };
    }
  }
  return null;
}

/** `echo W` / `echo W >&2` (one word that does not start as an option). */
function echoOf(s: A.Stmt): { text: Text; fd: 1 | 2 } | null {
  if (s.negated || s.background || s.cmd?.kind !== 'CallExpr' || s.cmd.assigns.length || s.cmd.args.length !== 2) return null;
  if (literalOf(textOf(s.cmd.args[0]!)) !== 'echo' || s.cmd.args[0]!.parts[0]?.kind !== 'Lit') return null;
  const text = textOf(s.cmd.args[1]!);
  if (text === null) return null;
  const first = text[0]!;
  if ('lit' in first && first.lit.startsWith('-')) return null;
  if ('ref' in first && text.length === 1) {
    // "$X" alone: echo reads a value like -n as its option, as bash does (same builtin) — fine
  }
  if (s.redirs.length === 0) return { text, fd: 1 };
  if (s.redirs.length === 1) {
    const rd = s.redirs[0]!;
    if (rd.op === '>&' && (rd.n === null || rd.n === '1') && literalOf(textOf(rd.word)) === '2' && rd.word.parts.every((p) => p.kind === 'Lit')) {
      return { text, fd: 2 };
    }
  }
  return null;
}

/** `append_workflow_state KEY V` with a literal key and V one literal or one `"$NAME"`. */
function appendOf(s: A.Stmt): readonly [string, Piece] | null {
  if (s.negated || s.background || s.redirs.length || s.cmd?.kind !== 'CallExpr' || s.cmd.assigns.length || s.cmd.args.length !== 3) return null;
  if (literalOf(textOf(s.cmd.args[0]!)) !== 'append_workflow_state') return null;
  const key = literalOf(textOf(s.cmd.args[1]!));
  if (key === null || !IDENT.test(key)) return null;
  const v = textOf(s.cmd.args[2]!);
  if (v === null || v.length !== 1) return null;
  return [key, v[0]!];
}

/** The state library's calls with a typed method on `wf` (runtime/typed/workflow.ts), and their arity. */
const LIBRARY: Readonly<Record<string, readonly [method: string, min: number, max: number]>> = {
  init_workflow_state: ['init', 1, 1],
  load_workflow_state: ['load', 1, 2],
  append_workflow_state_array: ['appendArray', 1, Infinity],
  discover_latest_state_file: ['discover', 1, 1],
  sm_init: ['smInit', 0, Infinity],
  sm_transition: ['transition', 1, 1],
  log_command_error: ['logError', 0, Infinity],
  setup_bash_error_trap: ['trapErrors', 0, Infinity],
};

/** A plain simple command: no assignments, `!`, `&`; its words typed (null if any is not). */
function plainWords(s: A.Stmt): Text[] | null {
  if (s.negated || s.background || s.cmd?.kind !== 'CallExpr' || s.cmd.assigns.length || !s.cmd.args.length) return null;
  if (s.cmd.args[0]!.parts.length !== 1 || s.cmd.args[0]!.parts[0]!.kind !== 'Lit') return null;
  const ws = s.cmd.args.map(textOf);
  return ws.some((w) => w === null) ? null : (ws as Text[]);
}

/** A state-library call (`sm_transition implement >/dev/null`). */
function libOf(s: A.Stmt, ctx: Context, info: TypedInfo): { method: string; args: Text[]; redirs: Redir[] } | null {
  const ws = plainWords(s);
  if (!ws) return null;
  const name = literalOf(ws[0]!)!;
  const spec = LIBRARY[name];
  if (!spec || info.funcs.has(name)) return null;
  const args = ws.slice(1);
  if (args.length < spec[1] || args.length > spec[2]) return null;
  if (name === 'append_workflow_state_array' && !IDENT.test(literalOf(args[0]!) ?? '')) return null;
  const redirs = simpleRedirs(s.redirs, ctx);
  return redirs ? { method: spec[0], args, redirs } : null;
}

/** `exit`, `exit N`, `export NAME…`, `source FILE` / `. FILE` (with simple redirects). */
function builtinOf(s: A.Stmt, ctx: Context, info: TypedInfo): Node | null {
  const line = s.pos.line;
  if (s.cmd?.kind === 'DeclClause') {
    const d = s.cmd;
    if (d.variant !== 'export' || s.negated || s.background || s.redirs.length || d.opts.length || d.words.length || !d.assigns.length) return null;
    if (!d.assigns.every((a) => a.naked && !a.index && !a.array && !a.append && IDENT.test(a.name))) return null;
    return { k: 'export', line, top: false, names: d.assigns.map((a) => a.name) };
  }
  const ws = plainWords(s);
  if (!ws) return null;
  const name = literalOf(ws[0]!)!;
  if (info.funcs.has(name)) return null;
  if (name === 'exit' && ws.length <= 2 && !s.redirs.length) return { k: 'exit', line, top: false, code: ws[1] ?? null };
  if ((name === 'source' || name === '.') && ws.length === 2) {
    const redirs = simpleRedirs(s.redirs, ctx);
    if (redirs && literalOf(ws[1]!) !== '--') {
      return { k: 'source', line, top: false, file: ws[1]!, redirs: s.redirs.map((rd) => ({ k: 'r' as const, code: redirect(rd, ctx) })) };
    }
  }
  return null;
}

/** `K=W …` (typed text) or `K=$(cmd)` / `K="$(cmd)"` with a `$` command. */
function setOf(s: A.Stmt, ctx: Context, info: TypedInfo): (readonly [string, Value])[] | null {
  if (s.negated || s.background || s.redirs.length || s.cmd?.kind !== 'CallExpr' || s.cmd.args.length || !s.cmd.assigns.length) return null;
  const out: (readonly [string, Value])[] = [];
  const names = new Set<string>();
  for (const a of s.cmd.assigns) {
    if (!IDENT.test(a.name) || a.append || a.naked || a.index || a.array) return null;
    if (a.value === null) {
      out.push([a.name, { text: [{ lit: '' }] }]);
    } else {
      const sub = subOf(a.value, ctx, info);
      const mix = sub || s.cmd.assigns.length !== 1 ? null : mixOf(a.value, ctx, info);
      if (sub) out.push([a.name, { sub }]);
      else if (mix) out.push([a.name, { mix }]);
      else {
        const t = textOf(a.value);
        if (t === null) return null;
        // values are read in order with the assignments: a later one must not read an earlier one,
        // and text mixing literals and references is read when the statement starts
        if (t.some((p) => 'ref' in p && names.has(p.ref))) return null;
        if (t.length > 1 && s.cmd.assigns.length > 1) return null;
        out.push([a.name, { text: t }]);
      }
    }
    names.add(a.name);
  }
  return out;
}

/** `$(cmd)` or `"$(cmd)"` alone, with `cmd` a `$` command. */
function subOf(w: A.Word, ctx: Context, info: TypedInfo): Cmd | null {
  let p: A.WordPart | undefined = w.parts.length === 1 ? w.parts[0] : undefined;
  if (p?.kind === 'DblQuoted' && p.parts.length === 1) p = p.parts[0];
  if (p?.kind !== 'CmdSubst' || p.stmts.length !== 1) return null;
  return cmdOf(p.stmts[0]!, ctx, info)?.cmd ?? null;
}

/**
 * Text glued to exactly one `$(cmd)` with `cmd` a `$` command (`"impl_$(date +%s)"`,
 * `a"$X"$(cmd)`): as an assignment value nothing is split or globbed, so it is the same as one
 * double-quoted word; pieces expand left to right and the statement's status is the
 * substitution's, as in bash (the runtime expands the same parts).
 */
function mixOf(w: A.Word, ctx: Context, info: TypedInfo): (Piece | { sub: Cmd })[] | null {
  const out: (Piece | { sub: Cmd })[] = [];
  let subs = 0;
  const sub = (p: A.CmdSubst): boolean => {
    const c = p.stmts.length === 1 ? cmdOf(p.stmts[0]!, ctx, info)?.cmd : undefined;
    if (!c) return false;
    out.push({ sub: c });
    subs++;
    return true;
  };
  const text = (t: Text | null): boolean => {
    if (t === null) return false;
    for (const x of t) 'lit' in x ? push(out as Piece[], x) : out.push(x);
    return true;
  };
  for (const p of w.parts) {
    if (p.kind === 'CmdSubst') {
      if (!sub(p)) return null;
    } else if (p.kind === 'DblQuoted' && !p.dollar) {
      for (const x of p.parts) {
        if (x.kind === 'CmdSubst' ? !sub(x) : !text(textOf({ ...w, parts: [{ ...p, parts: [x] }] }))) return null;
      }
    } else if (!text(textOf({ ...w, parts: [p] }))) return null;
  }
  return subs === 1 ? out : null;
}

/** A typed node found for some statements, not yet recorded (see {@link commit}). */
export interface Found {
  readonly node: Node;
  readonly stmts: readonly A.Stmt[];
  readonly form: string;
}

/** Record what a typed node stands for (its statements count as typed). */
export function commit(f: Found, info: TypedInfo): Node {
  for (const x of f.stmts) info.typed.add(x);
  info.forms[f.form] = (info.forms[f.form] ?? 0) + 1;
  return f.node;
}

/**
 * A simple statement's typed node, or null. `cond`: the statement is a condition (of `if`, or
 * not the last of `&&`/`||`), where `set -e` and the ERR trap do not apply: only there is a
 * `[ ]` test a TS condition.
 */
export function simpleNode(s: A.Stmt, top: boolean, cond: boolean, ctx: Context, info: TypedInfo): Found | null {
  const f = simpleNodeOf(s, top, cond, ctx, info);
  if (!f || f.stmts.length !== 1 || plainCommand(s) || !['run', 'echo', 'lib', 'set', 'exit', 'export', 'source'].includes(f.node.k)) return f;
  const shown = commandText(s);
  return shown === null ? f : { ...f, node: { ...f.node, shown } as Node };
}

function simpleNodeOf(s: A.Stmt, top: boolean, cond: boolean, ctx: Context, info: TypedInfo): Found | null {
  const line = s.pos.line;
  const echo = echoOf(s);
  if (echo) return { node: { k: 'echo', line, top, ...echo }, stmts: [s], form: 'echo' };
  const t = cond ? testOf(s, info) : null;
  if (t) return { node: { k: 'is', line, top, test: t }, stmts: [s], form: '[ ] test' };
  const c = cmdOf(s, ctx, info);
  if (c) return { node: { k: 'run', line, top, cmd: c.cmd }, stmts: c.stmts, form: '$ command' };
  const lib = libOf(s, ctx, info);
  if (lib) return { node: { k: 'lib', line, top, ...lib }, stmts: [s], form: 'library call' };
  const b = builtinOf(s, ctx, info);
  if (b) return { node: { ...b, top } as Node, stmts: [s], form: b.k };
  const vars = setOf(s, ctx, info);
  if (vars) {
    const form = vars.some(([, v]) => 'mix' in v) ? 'assign text+$(…)' : vars.some(([, v]) => 'sub' in v) ? 'assign $(…)' : 'assign';
    return { node: { k: 'set', line, top, vars }, stmts: [s], form };
  }
  return null;
}

/** The start of a run of appends on consecutive lines at `list[i]`: how many, and the entries. */
export function appendRun(list: readonly A.Stmt[], i: number): (readonly [string, Piece])[] {
  const out: (readonly [string, Piece])[] = [];
  for (let j = i; j < list.length; j++) {
    const s = list[j]!;
    const e = appendOf(s);
    if (!e || s.end.line !== s.pos.line || s.pos.line !== list[i]!.pos.line + (j - i)) break;
    if (out.some(([k]) => k === e[0])) break;
    out.push(e);
  }
  return out;
}
