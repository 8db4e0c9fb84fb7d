/**
 * Where a bash block reads and sets shell variables: assignments (`X=…`, `declare`, `export`,
 * `readonly`), `read`, `mapfile`, `printf -v`, `for`, `getopts`, arithmetic (`((n++))`, `let`),
 * and every expansion that reads one (`$X`, `${X:-d}`, arithmetic names, `[[ -v X ]]`).
 * Variables a function declares `local` stay inside it. `${CLAUDE_PROJECT_DIR}`, `${CLAUDE_SESSION_ID}`
 * and `${CLAUDE_EFFORT}` (braced, no operator) are not reads: Claude Code replaces that text before
 * bash runs (notes/claude-code.md §4). The state-flow analysis and the lint
 * rules' value resolution build on these sites; library functions are summarised elsewhere.
 */
import type * as A from '../ast.js';
import { enclosingFunction, walk, type AnyNode } from './walk.js';
import { commandName, literalValue } from './words.js';

/** A place that gives a variable a value. */
export interface SetSite {
  name: string;
  pos: A.Pos;
  /** `X=word` (or `X+=word`): the word; null for arrays, `read`, arithmetic, `for` and the like. */
  value: A.Word | null;
  /** How: a plain assignment, `+=`, an array `(…)` / `declare -a` / `mapfile` / `read -a`, arithmetic, or another command. */
  how: 'assign' | 'append' | 'array' | 'arith' | 'read' | 'for' | 'command';
  /** Declared integer (`declare -i`). */
  integer: boolean;
  /** The function whose body it is in, or null at the top level. */
  fn: string | null;
  /** The statement it is part of. */
  stmt: A.Stmt | null;
}

/** A place that reads a variable. */
export interface ReadSite {
  name: string;
  pos: A.Pos;
  end: A.Pos;
  /**
   * The read tolerates an unset variable on purpose: `${X:-d}`, `${X-d}`, `${X:=d}`, `${X:+v}`,
   * `[[ -v X ]]`, `declare -p X`.
   */
  tolerant: boolean;
  fn: string | null;
  node: A.Node;
}

export interface VariableAccess {
  sets: SetSite[];
  reads: ReadSite[];
  /** Functions defined in the block, by name. */
  functions: Map<string, A.FuncDecl>;
}

const SPECIAL = /^([0-9]+|[@*#?$!_-])$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Names Claude Code substitutes in the command text when written `${NAME}`. */
const SUBSTITUTED = new Set(['CLAUDE_PROJECT_DIR', 'CLAUDE_SESSION_ID', 'CLAUDE_EFFORT']);

/** `${CLAUDE_PROJECT_DIR}` and the like: text Claude Code replaces, not a variable bash reads. */
function substitutedText(n: A.ParamExp): boolean {
  return SUBSTITUTED.has(n.param) && !n.short && !n.excl && !n.length && !n.width && !n.index && !n.slice && !n.repl && !n.names && !n.exp;
}
const ARITH_PARENTS = new Set(['BinaryArithm', 'UnaryArithm', 'ParenArithm', 'TernaryArithm', 'ArithmCmd', 'ArithmExp', 'CStyleLoop', 'LetClause']);
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);

/** `read` / `mapfile` options that take an argument. */
const READ_ARG_OPTS = 'adinNptu';
const MAPFILE_ARG_OPTS = 'dnOsuCc';

/** Names declared `local` (or `declare` without -g) in each function body. */
function localsByFunction(ast: A.File): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  walk(ast, (n, parents) => {
    if (n.kind !== 'DeclClause') return;
    const fn = enclosingFunction(parents);
    if (!fn) return;
    if (n.variant === 'export' || n.variant === 'readonly') return;
    if (n.opts.some((o) => /^-\w*g/.test(literalValue(o) ?? ''))) return;
    const set = out.get(fn) ?? new Set<string>();
    for (const a of n.assigns) set.add(a.name);
    out.set(fn, set);
  });
  return out;
}

/** The variable name of an arithmetic operand word (`n` in `n + 1`), or null. */
function arithName(w: A.Word): string | null {
  if (w.parts.length !== 1 || w.parts[0]!.kind !== 'Lit') return null;
  const v = w.parts[0]!.value;
  return NAME.test(v) ? v : null;
}

/** The reads and sets of one parsed block (or library file). */
export function variableAccess(ast: A.File): VariableAccess {
  const sets: SetSite[] = [];
  const reads: ReadSite[] = [];
  const functions = new Map<string, A.FuncDecl>();
  const locals = localsByFunction(ast);
  const isLocal = (name: string, fn: string | null) => fn !== null && (locals.get(fn)?.has(name) ?? false);
  const stmtOf = (parents: readonly AnyNode[]): A.Stmt | null => {
    for (let i = parents.length - 1; i >= 0; i--) if (parents[i]!.kind === 'Stmt') return parents[i] as A.Stmt;
    return null;
  };
  const addSet = (s: Omit<SetSite, 'integer'> & { integer?: boolean }) => {
    if (!NAME.test(s.name) || isLocal(s.name, s.fn)) return;
    sets.push({ integer: false, ...s });
  };
  const addRead = (r: ReadSite) => {
    if (SPECIAL.test(r.name) || !NAME.test(r.name) || isLocal(r.name, r.fn)) return;
    reads.push(r);
  };

  walk(ast, (n, parents) => {
    const fn = enclosingFunction(parents);
    const parent = parents[parents.length - 1];
    switch (n.kind) {
      case 'FuncDecl':
        functions.set(n.name, n);
        return;
      case 'ParamExp': {
        if (n.names || substitutedText(n)) return; // ${!prefix*}, ${CLAUDE_PROJECT_DIR}
        const tolerant = n.exp !== null && [':-', '-', ':=', '=', ':+', '+'].includes(n.exp.op);
        addRead({ name: n.param, pos: n.pos, end: n.end, tolerant, fn, node: n });
        if (n.exp && (n.exp.op === ':=' || n.exp.op === '=')) {
          addSet({ name: n.param, pos: n.pos, value: n.exp.word, how: 'assign', fn, stmt: stmtOf(parents) });
        }
        return;
      }
      case 'Word': {
        if (!parent || !ARITH_PARENTS.has(parent.kind)) return;
        const name = arithName(n);
        if (!name) return;
        const assigned =
          (parent.kind === 'BinaryArithm' && ASSIGN_OPS.has(parent.op) && parent.x === n) ||
          (parent.kind === 'UnaryArithm' && (parent.op === '++' || parent.op === '--'));
        const plainAssign = parent.kind === 'BinaryArithm' && parent.op === '=' && parent.x === n;
        if (!plainAssign) addRead({ name, pos: n.pos, end: n.end, tolerant: false, fn, node: n });
        if (assigned) addSet({ name, pos: n.pos, value: null, how: 'arith', integer: true, fn, stmt: stmtOf(parents) });
        return;
      }
      case 'UnaryTest': {
        if (n.op === '-v' && n.x.kind === 'Word') {
          const name = literalValue(n.x)?.replace(/\[.*$/, '');
          if (name) addRead({ name, pos: n.x.pos, end: n.x.end, tolerant: true, fn, node: n.x });
        }
        return;
      }
      case 'ForClause': {
        if (n.loop.kind === 'WordIter') addSet({ name: n.loop.name, pos: n.loop.pos, value: null, how: 'for', fn, stmt: stmtOf([...parents, n]) });
        return;
      }
      case 'DeclClause': {
        const opts = n.opts.map((o) => literalValue(o) ?? '').join('');
        const array = /-\w*[aA]/.test(opts);
        const integer = /-\w*i/.test(opts);
        if (n.variant === 'local' && !fn) return; // an error outside functions
        for (const a of n.assigns) {
          if (a.naked) {
            // `declare -a X` makes an (empty) array; a bare `export X` / `local X` sets nothing.
            if (array) addSet({ name: a.name, pos: a.pos, value: null, how: 'array', fn, stmt: stmtOf(parents) });
            continue;
          }
          addSet({
            name: a.name,
            pos: a.pos,
            value: a.array || a.index ? null : a.value,
            how: a.array || array || a.index ? 'array' : a.append ? 'append' : 'assign',
            integer,
            fn,
            stmt: stmtOf(parents),
          });
        }
        if (n.variant === 'declare' || n.variant === 'typeset') {
          if (/-\w*p/.test(opts)) for (const a of n.assigns) addRead({ name: a.name, pos: a.pos, end: a.end, tolerant: true, fn, node: a });
        }
        return;
      }
      case 'CallExpr': {
        const stmt = stmtOf(parents);
        if (n.args.length === 0) {
          for (const a of n.assigns) {
            addSet({
              name: a.name,
              pos: a.pos,
              value: a.array || a.index ? null : a.value,
              how: a.array || a.index ? 'array' : a.append ? 'append' : 'assign',
              fn,
              stmt,
            });
          }
          return;
        }
        callSets(n, fn, stmt, addSet);
        return;
      }
      default:
        return;
    }
  });
  return { sets, reads, functions };
}

/** Variables set by builtins that take names: read, mapfile/readarray, printf -v, getopts. */
function callSets(c: A.CallExpr, fn: string | null, stmt: A.Stmt | null, add: (s: Omit<SetSite, 'integer'>) => void): void {
  const name = commandName(c);
  const words = c.args.slice(1).map((w) => ({ w, v: literalValue(w) }));
  const site = (w: A.Word, v: string, how: SetSite['how']) => add({ name: v, pos: w.pos, value: null, how, fn, stmt });
  if (name === 'read') {
    let i = 0;
    let arrayName: string | null = null;
    for (; i < words.length; i++) {
      const v = words[i]!.v;
      if (v === null || !v.startsWith('-') || v === '-') break;
      if (v === '--') {
        i++;
        break;
      }
      const letters = v.slice(1);
      const withArg = [...letters].findIndex((ch) => READ_ARG_OPTS.includes(ch));
      if (withArg >= 0) {
        const opt = letters[withArg]!;
        const arg = withArg < letters.length - 1 ? letters.slice(withArg + 1) : words[++i]?.v ?? null;
        if (opt === 'a' && arg) arrayName = arg;
      }
    }
    if (arrayName) add({ name: arrayName, pos: c.pos, value: null, how: 'array', fn, stmt });
    const names = words.slice(i).filter((x) => x.v !== null && NAME.test(x.v));
    if (!arrayName && names.length === 0) add({ name: 'REPLY', pos: c.pos, value: null, how: 'read', fn, stmt });
    for (const x of names) site(x.w, x.v!, 'read');
  } else if (name === 'mapfile' || name === 'readarray') {
    let target: { w: A.Word; v: string } | null = null;
    for (let i = 0; i < words.length; i++) {
      const v = words[i]!.v;
      if (v !== null && /^-[A-Za-z]+$/.test(v)) {
        if (MAPFILE_ARG_OPTS.includes(v[v.length - 1]!) && v.length === 2) i++;
        continue;
      }
      if (v !== null && NAME.test(v)) target = { w: words[i]!.w, v };
    }
    if (target) site(target.w, target.v, 'array');
    else add({ name: 'MAPFILE', pos: c.pos, value: null, how: 'array', fn, stmt });
  } else if (name === 'printf') {
    const i = words.findIndex((x) => x.v === '-v');
    const t = i >= 0 ? words[i + 1] : undefined;
    if (t?.v && NAME.test(t.v.replace(/\[.*$/, ''))) site(t.w, t.v.replace(/\[.*$/, ''), 'command');
  } else if (name === 'getopts') {
    const t = words[1];
    if (t?.v && NAME.test(t.v)) site(t.w, t.v, 'command');
  }
}
