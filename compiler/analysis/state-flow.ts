/**
 * State-flow analysis of a command: each bash block runs in a new process, so a variable
 * reaches a later block only through the instance's state file. Per block this finds the keys
 * it reads, sets, persists (`append_workflow_state`, `append_workflow_state_array`, JSON
 * checkpoints, `init_workflow_state`/`sm_*`, the project's own persist functions — see
 * analysis/library.ts — and hand-written `echo "K=…" >> "$STATE_FILE"`), and where it restores
 * the state (`load_workflow_state`, `source "$STATE_FILE"`). From that:
 *
 * - `keys`: key → { persistedBy, readBy, kind } — the shape of the command's State (value kinds
 *   where provable: integer when every persisted value is an integer, array, JSON for `_JSON`
 *   keys and checkpoints), for the typed State interface and the block test kit;
 * - diagnostics `state-var-not-persisted` (read in block N, set in another block, but no earlier
 *   block persists it, or read before the restore), `state-var-never-read` (persisted, read by
 *   no later block or prompt), `restore-unchecked` (a restore whose failure goes unnoticed).
 *
 * What it cannot see: keys persisted under computed names (`dynamic`), reads through `eval` or
 * `${!name}` (a later indirect read turns `never-read` off), libraries it cannot resolve (the
 * by-name contract still applies), and the order the model actually runs blocks in (file order
 * is assumed).
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type * as A from '../ast.js';
import { restoreUnchecked, stateVarNeverRead, stateVarNotPersisted, type Diagnostic } from '../diagnostics.js';
import type { CommandSource } from './blocks.js';
import { functionsIn, handWrittenKeys, libraryModel, summariseFunctions, type FunctionSummary, type KeySource, type LibraryCache, type LibraryModel } from './library.js';
import { Env, evalWord, isStateFileWord } from './values.js';
import type { SetSite, VariableAccess } from './variables.js';
import { comparePos, statusChecked, walk, type AnyNode } from './walk.js';
import { callOf, commandName, literalValue, shapeText } from './words.js';

export type StateKind = 'string' | 'integer' | 'array' | 'json';

export interface KeyAccess {
  key: string;
  line: number;
  col: number;
}

export interface ReadAccess extends KeyAccess {
  /** Tolerates an unset value (`${K:-d}`, `[ -z "$K" ]`, a library's internal read). */
  tolerant: boolean;
  /** The function through which it is read (a library or block function), else null. */
  via: string | null;
}

export interface PersistAccess extends KeyAccess {
  /** The function or construct that persists it (`append_workflow_state`, `sm_init`, `>>`). */
  via: string;
  /** The kind of this value when provable, else 'string'. */
  kind: StateKind;
  /** Persisted by the command's own call (not as a side effect of a library function like sm_init). */
  explicit: boolean;
}

export interface RestoreAccess {
  line: number;
  col: number;
  via: string;
  checked: boolean;
}

export interface BlockFlow {
  /** 0-based bash block index. */
  index: number;
  label: string;
  /** .md line of the block's first code line. */
  line: number;
  parsed: boolean;
  reads: ReadAccess[];
  sets: KeyAccess[];
  persists: PersistAccess[];
  restores: RestoreAccess[];
  checkpoints: { name: string; op: 'save' | 'load'; line: number; col: number }[];
  /** A key persisted under a computed name. */
  dynamicPersist: boolean;
}

export interface StateKey {
  key: string;
  /** A variable in the state file, or a JSON checkpoint file. */
  storage: 'variable' | 'checkpoint';
  kind: StateKind;
  /** Blocks (0-based) that persist it. */
  persistedBy: number[];
  /** Blocks that read it from the state (a read not preceded by the block's own assignment). */
  readBy: number[];
  /** Blocks that assign it. */
  setBy: number[];
  /** .md lines of prose steps (agent prompts) that name it. */
  promptLines: number[];
}

export interface StateFlow {
  file: string;
  blocks: BlockFlow[];
  /** Every persisted key, sorted by name. */
  keys: Record<string, StateKey>;
  /** Some key is persisted under a computed name: `keys` may be incomplete. */
  dynamic: boolean;
  /** Library files whose functions were analysed. */
  libraries: string[];
  diagnostics: Diagnostic[];
}

export interface StateFlowOptions {
  /** Project dir for `source "${CLAUDE_PROJECT_DIR}/…"`; default: the nearest ancestor of the file with a .claude directory, else the cwd. */
  projectDir?: string;
  /** The .md file's path on disk when `cmd.file` is not (relative to the cwd). */
  path?: string;
  /** Parsed libraries shared between analyses of one run (see createLibraryCache). */
  cache?: LibraryCache;
}

const EXITS = new Set(['exit', 'return', 'die', 'fail', 'abort', 'error_exit', 'exit_with_error', 'bail', 'fatal']);
const DISCOVERY = /\b(discover_latest_state_file|state_file_for_id|find_state_file|get_state_file)\b/;

/** The library model of a command: the contract plus the library files it sources or whose functions it calls. */
export function commandLibraries(cmd: CommandSource, env: Env, projectDir: string, cache?: LibraryCache): LibraryModel {
  return libraryModel(librariesSourced(cmd, env, projectDir), commandsCalled(cmd), projectDir, cache);
}

/** Nearest ancestor directory of `file` containing `.claude/`, else `fallback`. */
export function projectDirOf(file: string, fallback = process.cwd()): string {
  let dir = dirname(resolve(file));
  for (;;) {
    try {
      if (existsSync(resolve(dir, '.claude')) && statSync(resolve(dir, '.claude')).isDirectory()) return dir;
    } catch {
      // keep looking
    }
    const up = dirname(dir);
    if (up === dir) return fallback;
    dir = up;
  }
}

interface Ev {
  pos: A.Pos;
}

interface BlockWork {
  flow: BlockFlow;
  /** Sets with positions (functions' sets at their first call). */
  sets: (Ev & { key: string })[];
  reads: (Ev & ReadAccess)[];
  persists: (Ev & PersistAccess)[];
  restores: (Ev & { via: string; stmt: A.Stmt; parents: readonly AnyNode[]; sourced: string | null })[];
  /** Keys read straight from the state file (`get_state_value K`). */
  stateReads: (Ev & { key: string })[];
  indirect: boolean;
}

/** Analyse the state flow of a parsed command. */
export function analyseStateFlow(cmd: CommandSource, opts: StateFlowOptions = {}): StateFlow {
  const env = new Env(cmd);
  const projectDir = opts.projectDir ?? projectDirOf(opts.path ?? cmd.file);
  const model = commandLibraries(cmd, env, projectDir, opts.cache);

  const work = cmd.blocks.map((b) => analyseBlock(b.index, b.ast, env, model, cmd));
  const flows = work.map((w) => w.flow);
  const keys = buildKeys(work, cmd);
  const diagnostics = [
    ...notPersisted(work, cmd),
    ...neverRead(work, keys, cmd),
    ...uncheckedRestores(work, cmd, keys),
  ].sort((a, b) => a.line - b.line || a.col - b.col || (a.id < b.id ? -1 : 1));
  return {
    file: cmd.file,
    blocks: flows,
    keys,
    dynamic: flows.some((f) => f.dynamicPersist),
    libraries: model.files,
    diagnostics,
  };

  function analyseBlock(index: number, ast: A.File | null, env: Env, base: LibraryModel, cmd: CommandSource): BlockWork {
    const b = cmd.blocks[index]!;
    const flow: BlockFlow = {
      index,
      label: b.label,
      line: b.block.line,
      parsed: ast !== null,
      reads: [],
      sets: [],
      persists: [],
      restores: [],
      checkpoints: [],
      dynamicPersist: false,
    };
    const w: BlockWork = { flow, sets: [], reads: [], persists: [], restores: [], stateReads: [], indirect: false };
    if (!ast) return w;
    const access = env.of(index)!;
    // The block's own functions, summarised on top of the libraries (they do not outlive the block).
    const fns = new Map<string, FunctionSummary>();
    for (const [k, v] of base.functions) fns.set(k, { ...v, persists: [...v.persists], reads: [...v.reads], sets: [...v.sets], removes: [...v.removes] });
    const decls = functionsIn(ast);
    summariseFunctions(decls, fns, cmd.file, access);
    const firstCall = firstCalls(ast, decls);
    const effective = (pos: A.Pos, fn: string | null): A.Pos | null => (fn === null ? pos : firstCall.get(fn) ?? null);

    for (const s of access.sets) {
      const pos = effective(s.pos, s.fn);
      if (pos) w.sets.push({ key: s.name, pos });
    }
    const emptyTests = emptinessOperands(ast);
    for (const r of access.reads) {
      const pos = effective(r.pos, r.fn);
      if (!pos) continue;
      if (r.node.kind === 'ParamExp' && r.node.excl) w.indirect = true;
      const tested = emptyTests.some((t) => within(t, r.node));
      w.reads.push({ key: r.name, pos, line: r.pos.line, col: r.pos.col, tolerant: r.tolerant || tested, via: r.fn });
    }

    walk(ast, (n, parents) => {
      if (n.kind === 'FuncDecl') return false;
      if (n.kind === 'Stmt') {
        handWrittenPersists(n, index, env, w);
        return;
      }
      if (n.kind !== 'CallExpr') return;
      const name = commandName(n);
      if (!name) return;
      const stmt = [...parents].reverse().find((p): p is A.Stmt => p.kind === 'Stmt')!;
      if (name === 'eval') w.indirect = true;
      if ((name === 'source' || name === '.') && n.args[1]) {
        const arg = n.args[1];
        if (isRestoreSource(arg, index, env)) {
          const sourced = soleParam(arg);
          w.restores.push({ pos: n.pos, via: `source ${arg.src}`, stmt, parents: [...parents], sourced });
        } else {
          const lib = resolveSourced(arg, index, env, projectDir);
          for (const k of (lib && model.topLevelSets.get(lib)) ?? []) w.sets.push({ key: k, pos: n.pos });
        }
        return;
      }
      const f = fns.get(name);
      if (!f) return;
      for (const p of f.persists) {
        const key = 'stdin' in p.source ? stdinKeys(stmt) : keyOf(p.source, n);
        if (key === null) {
          flow.dynamicPersist = true;
          continue;
        }
        for (const k of key) {
          const explicit = 'arg' in p.source || 'stdin' in p.source;
          const integer =
            p.value === undefined
              ? false
              : 'int' in p.value
                ? true
                : 'arg' in p.value
                  ? n.args[p.value.arg] !== undefined && integerWord(n.args[p.value.arg]!, access, 0)
                  : integerVar(p.value.var, access, 0);
          const kind: StateKind = p.kind === 'array' ? 'array' : /_JSON$/.test(k) ? 'json' : integer ? 'integer' : 'string';
          w.persists.push({ key: k, pos: n.pos, line: n.pos.line, col: n.pos.col, via: name, kind, explicit });
        }
      }
      if (f.restores) w.restores.push({ pos: n.pos, via: name, stmt, parents: [...parents], sourced: null });
      for (const k of f.sets) w.sets.push({ key: k, pos: n.end });
      for (const k of f.reads) w.reads.push({ key: k, pos: n.pos, line: n.pos.line, col: n.pos.col, tolerant: true, via: name });
      if (f.readsKeyArg !== null) {
        const k = literalValue(n.args[f.readsKeyArg]);
        if (k) w.stateReads.push({ key: k, pos: n.pos });
      }
      if (f.checkpoint) {
        const k = literalValue(n.args[f.checkpoint.arg]);
        if (k) flow.checkpoints.push({ name: k, op: f.checkpoint.op, line: n.pos.line, col: n.pos.col });
      }
    });

    const strip = <T extends Ev>(x: T): Omit<T, 'pos'> => {
      const { pos: _pos, ...rest } = x;
      return rest;
    };
    flow.sets = dedupe(w.sets.map((s) => ({ key: s.key, line: s.pos.line, col: s.pos.col })));
    flow.reads = w.reads.map((r) => strip(r));
    flow.persists = w.persists.map((p) => strip(p));
    return w;
  }
}

function dedupe<T extends KeyAccess>(xs: T[]): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = `${x.key}:${x.line}:${x.col}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Where each function of a block is first called from the top level (through other functions too). */
function firstCalls(ast: A.File, decls: readonly A.FuncDecl[]): Map<string, A.Pos> {
  const names = new Set(decls.map((d) => d.name));
  const calls: { name: string; pos: A.Pos; inFn: string | null }[] = [];
  walk(ast, (n, parents) => {
    if (n.kind !== 'CallExpr') return;
    const name = commandName(n);
    if (!name || !names.has(name)) return;
    const fn = [...parents].reverse().find((p): p is A.FuncDecl => p.kind === 'FuncDecl');
    calls.push({ name, pos: n.pos, inFn: fn?.name ?? null });
  });
  const first = new Map<string, A.Pos>();
  for (let round = 0; round < 8; round++) {
    let changed = false;
    for (const c of calls) {
      const at = c.inFn === null ? c.pos : first.get(c.inFn);
      if (!at) continue;
      const cur = first.get(c.name);
      if (!cur || comparePos(at, cur) < 0) {
        first.set(c.name, at);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return first;
}

/** The operands of `-z` / `-n` tests in a block (a read inside one checks for emptiness). */
function emptinessOperands(ast: A.File): A.Word[] {
  const out: A.Word[] = [];
  walk(ast, (n) => {
    if (n.kind === 'UnaryTest' && (n.op === '-z' || n.op === '-n') && n.x.kind === 'Word') out.push(n.x);
    if (n.kind === 'CallExpr' && ['[', 'test'].includes(commandName(n) ?? '')) {
      n.args.forEach((a, i) => {
        const op = literalValue(n.args[i - 1]);
        if (op === '-z' || op === '-n') out.push(a);
      });
    }
  });
  return out;
}

function within(outer: { pos: A.Pos; end: A.Pos }, inner: { pos: A.Pos; end: A.Pos }): boolean {
  return comparePos(outer.pos, inner.pos) <= 0 && comparePos(inner.end, outer.end) <= 0;
}

/** The parameter a word is exactly (`"$STATE_FILE"` → STATE_FILE), else null. */
function soleParam(w: A.Word): string | null {
  const parts = w.parts.length === 1 && w.parts[0]!.kind === 'DblQuoted' ? w.parts[0]!.parts : w.parts;
  return parts.length === 1 && parts[0]!.kind === 'ParamExp' ? parts[0]!.param : null;
}

/** `source X` restores the state when X is a state file, or a variable set from state-file discovery. */
function isRestoreSource(arg: A.Word, block: number, env: Env): boolean {
  if (isStateFileWord(arg, block, env)) return true;
  const p = soleParam(arg);
  if (!p) return false;
  const found = env.lookup(p, block, arg.pos);
  return Boolean(found?.site.value && DISCOVERY.test(found.site.value.src));
}

/** The library file a `source` word names, when it resolves to a path in the project. */
function resolveSourced(arg: A.Word, block: number, env: Env, projectDir: string): string | null {
  const segs = evalWord(arg, block, env);
  let path = '';
  for (const s of segs) {
    if (s.t === 'lit') path += s.s;
    else if (s.t === 'root' && s.name === 'PROJECT') path += projectDir;
    else return null;
  }
  if (!path) return null;
  return isAbsolute(path) ? resolve(path) : resolve(projectDir, path);
}

/** Every command name the blocks run. */
function commandsCalled(cmd: CommandSource): Set<string> {
  const out = new Set<string>();
  for (const b of cmd.blocks) {
    if (!b.ast) continue;
    walk(b.ast, (n) => {
      const name = n.kind === 'CallExpr' ? commandName(n) : null;
      if (name) out.add(name);
    });
  }
  return out;
}

/** Library files the blocks source (resolved against the project dir), in order. */
function librariesSourced(cmd: CommandSource, env: Env, projectDir: string): string[] {
  const out: string[] = [];
  for (const b of cmd.blocks) {
    if (!b.ast) continue;
    walk(b.ast, (n) => {
      if (n.kind !== 'CallExpr') return;
      const name = commandName(n);
      if ((name !== 'source' && name !== '.') || !n.args[1] || isRestoreSource(n.args[1], b.index, env)) return;
      const p = resolveSourced(n.args[1], b.index, env, projectDir);
      if (p && !out.includes(p)) out.push(p);
    });
  }
  return out;
}

/** The keys a persist effect names at a call site; null when computed at run time. */
function keyOf(source: KeySource, call: A.CallExpr): string[] | null {
  if ('key' in source) return [source.key];
  if ('arg' in source) {
    const k = literalValue(call.args[source.arg]);
    return k !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? [k] : null;
  }
  return null;
}

/** `KEY=value` lines given on a statement's stdin (heredoc or here-string), as for append_workflow_state_bulk. */
function stdinKeys(stmt: A.Stmt): string[] | null {
  const input = stmt.redirs.find((r) => r.op === '<<' || r.op === '<<-' || r.op === '<<<');
  if (!input) return null;
  const text = shapeText(input.hdoc ?? input.word);
  const keys = [...text.matchAll(/^[ \t]*([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1]!);
  return keys.length ? [...new Set(keys)] : null;
}

/** Whether a word's value is an integer in every run. */
function integerWord(w: A.Word, access: VariableAccess, depth: number): boolean {
  const lit = literalValue(w);
  if (lit !== null) return /^-?\d+$/.test(lit);
  const parts = w.parts.length === 1 && w.parts[0]!.kind === 'DblQuoted' ? w.parts[0]!.parts : w.parts;
  if (parts.length !== 1) return false;
  const p = parts[0]!;
  if (p.kind === 'ArithmExp') return true;
  if (p.kind !== 'ParamExp' || depth > 4) return false;
  if (p.length) return true;
  if (p.slice || p.repl || p.excl || p.index || p.names) return false;
  if (p.exp && !((p.exp.op === ':-' || p.exp.op === '-') && p.exp.word && integerWord(p.exp.word, access, depth + 1))) return false;
  return integerVar(p.param, access, depth);
}

/** Whether every assignment of a variable in the block is an integer. */
function integerVar(name: string, access: VariableAccess, depth: number): boolean {
  const sets: SetSite[] = access.sets.filter((s) => s.name === name);
  if (!sets.length || depth > 4) return false;
  return sets.every((s) => s.integer || s.how === 'arith' || (s.how === 'assign' && s.value !== null && integerWord(s.value, access, depth + 1)));
}

/** `echo "K=$v" >> "$STATE_FILE"`, `cat >> "$STATE_FILE" <<EOF`: keys written by hand. */
function handWrittenPersists(s: A.Stmt, block: number, env: Env, w: BlockWork): void {
  const target = s.redirs.find((r) => ['>', '>>', '>|', '&>', '&>>'].includes(r.op) && isStateFileWord(r.word, block, env));
  if (!target) return;
  for (const key of handWrittenKeys(s)) {
    w.persists.push({ key, pos: s.pos, line: s.pos.line, col: s.pos.col, via: target.op, kind: 'string', explicit: true });
  }
}

function buildKeys(work: readonly BlockWork[], cmd: CommandSource): Record<string, StateKey> {
  const keys = new Map<string, StateKey>();
  const get = (key: string, storage: StateKey['storage']): StateKey => {
    let k = keys.get(`${storage}:${key}`);
    if (!k) {
      k = { key, storage, kind: storage === 'checkpoint' ? 'json' : 'string', persistedBy: [], readBy: [], setBy: [], promptLines: [] };
      keys.set(`${storage}:${key}`, k);
    }
    return k;
  };
  const kinds = new Map<string, StateKind[]>();
  for (const w of work) {
    for (const p of w.persists) {
      const k = get(p.key, 'variable');
      if (!k.persistedBy.includes(w.flow.index)) k.persistedBy.push(w.flow.index);
      kinds.set(p.key, [...(kinds.get(p.key) ?? []), p.kind]);
    }
    for (const c of w.flow.checkpoints) {
      const k = get(c.name, 'checkpoint');
      if (c.op === 'save' && !k.persistedBy.includes(w.flow.index)) k.persistedBy.push(w.flow.index);
      if (c.op === 'load' && !k.readBy.includes(w.flow.index)) k.readBy.push(w.flow.index);
    }
  }
  for (const [key, ks] of kinds) {
    const k = get(key, 'variable');
    k.kind = ks.includes('array') ? 'array' : ks.includes('json') ? 'json' : ks.every((x) => x === 'integer') ? 'integer' : 'string';
  }
  for (const w of work) {
    for (const k of keys.values()) {
      if (k.storage !== 'variable') continue;
      const firstSet = w.sets.filter((s) => s.key === k.key).map((s) => s.pos).sort(comparePos)[0];
      if (firstSet && !k.setBy.includes(w.flow.index)) k.setBy.push(w.flow.index);
      const fromState =
        w.reads.some((r) => r.key === k.key && (!firstSet || comparePos(r.pos, firstSet) <= 0)) || w.stateReads.some((r) => r.key === k.key);
      if (fromState && !k.readBy.includes(w.flow.index)) k.readBy.push(w.flow.index);
    }
  }
  for (const p of cmd.prose) {
    for (const k of keys.values()) {
      if (new RegExp(`(^|[^A-Za-z0-9_])${k.key}([^A-Za-z0-9_]|$)`).test(p.text)) k.promptLines.push(p.line);
    }
  }
  const out: Record<string, StateKey> = {};
  for (const k of [...keys.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.storage < b.storage ? -1 : 1))) {
    out[k.storage === 'variable' ? k.key : `checkpoint:${k.key}`] = k;
  }
  return out;
}

/** Whether `key` is available at `pos` of block `w`: set before, or restored after an earlier block persisted it. */
function available(key: string, pos: A.Pos, w: BlockWork, work: readonly BlockWork[]): boolean {
  if (w.sets.some((s) => s.key === key && comparePos(s.pos, pos) < 0)) return true;
  const restore = w.restores.find((r) => comparePos(r.pos, pos) < 0);
  if (!restore) return false;
  return work.some((o) => o.flow.index < w.flow.index && o.persists.some((p) => p.key === key)) ||
    w.persists.some((p) => p.key === key && comparePos(p.pos, restore.pos) < 0);
}

function notPersisted(work: readonly BlockWork[], cmd: CommandSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const label = (i: number) => cmd.blocks[i]!.label;
  for (const w of work) {
    const done = new Set<string>();
    for (const r of w.reads) {
      if (r.tolerant || done.has(r.key) || available(r.key, r.pos, w, work)) continue;
      // Only the command's own variables: set (or persisted) in some other block of the file.
      const setElsewhere = work.filter((o) => o !== w && o.sets.some((s) => s.key === r.key)).map((o) => o.flow.index);
      const persistedBy = work.filter((o) => o.persists.some((p) => p.key === r.key)).map((o) => o.flow.index);
      if (!setElsewhere.length && !persistedBy.length) continue;
      // Set later in this same block only (a loop carrying it round, or a function): not a cross-block read.
      if (w.sets.some((s) => s.key === r.key) && !persistedBy.some((b) => b < w.flow.index)) {
        if (!setElsewhere.some((b) => b < w.flow.index)) continue;
      }
      done.add(r.key);
      const earlier = persistedBy.filter((b) => b < w.flow.index);
      let why: string;
      if (earlier.length) {
        const restore = w.restores[0];
        why = restore
          ? `the state is restored only later, at line ${restore.pos.line}`
          : `${label(w.flow.index)} never restores the state (${label(earlier[0]!)} persists it; no load_workflow_state or source of the state file here)`;
      } else if (persistedBy.length) {
        why = `it is persisted only later, in ${label(persistedBy[0]!)}`;
      } else {
        why = `no block persists it (it is set in ${label(setElsewhere[0]!)})`;
      }
      out.push(stateVarNotPersisted({ file: cmd.file, line: r.line, col: r.col }, r.key, why));
    }
  }
  return out;
}

function neverRead(work: readonly BlockWork[], keys: Record<string, StateKey>, cmd: CommandSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of work) {
    const later = work.filter((o) => o.flow.index > w.flow.index);
    // Nothing after this block restores the state: what it persists is the instance's final record.
    if (!later.some((o) => o.restores.length || o.stateReads.length)) continue;
    if (later.some((o) => o.indirect || !o.flow.parsed)) continue;
    const done = new Set<string>();
    for (const p of w.persists) {
      if (!p.explicit || done.has(p.key)) continue;
      done.add(p.key);
      const readLater = later.some((o) => o.reads.some((r) => r.key === p.key) || o.stateReads.some((r) => r.key === p.key));
      // A block that reads the key from the state and persists it again carries it to its next run.
      const carried = keys[p.key]?.readBy.includes(w.flow.index) ?? false;
      const inPrompt = cmd.prose.some((s) => s.after > w.flow.index && (keys[p.key]?.promptLines.includes(s.line) ?? false));
      if (readLater || carried || inPrompt) continue;
      const d = stateVarNeverRead({ file: cmd.file, line: p.line, col: p.col }, p.key);
      // A later read of a similar name is the usual cause: a typo on one side.
      const similar = later.flatMap((o) => o.reads.filter((r) => !r.tolerant && similarName(r.key, p.key)).map((r) => ({ o, r })))[0];
      if (similar) d.hint = `${cmd.blocks[similar.o.flow.index]!.label} reads ${similar.r.key} (line ${similar.r.line}): a typo on one side?`;
      out.push(d);
    }
  }
  return out;
}

/** Names a slip apart: at most 2 edits (PLAN_FILES / PLAN_FILE), or one word of the same shape changed (PLAN_PATH / PLAN_FILE). */
function similarName(a: string, b: string): boolean {
  if (a === b || Math.min(a.length, b.length) < 5 || Math.abs(a.length - b.length) > 2) return false;
  const wa = a.split('_');
  const wb = b.split('_');
  if (wa.length > 1 && wa.length === wb.length && wa.filter((w, i) => w !== wb[i]).length === 1) return true;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]! <= 2;
}

/** The statement list directly containing `stmt`, from its ancestors. */
function siblingsOf(stmt: A.Stmt, parents: readonly AnyNode[]): { list: readonly A.Stmt[]; top: A.Stmt } | null {
  let child: AnyNode = stmt;
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    for (const list of listsOf(p)) if (list.includes(child as A.Stmt)) return { list, top: child as A.Stmt };
    child = p;
  }
  return null;
}

function listsOf(n: AnyNode): (readonly A.Stmt[])[] {
  switch (n.kind) {
    case 'File':
    case 'Block':
    case 'Subshell':
    case 'CmdSubst':
      return [n.stmts];
    case 'IfClause':
      return [n.cond, n.then, ...(n.else ? [n.else] : [])];
    case 'Elif':
      return [n.cond, n.then];
    case 'WhileClause':
      return [n.cond, n.body];
    case 'ForClause':
      return [n.body];
    case 'CaseItem':
      return [n.stmts];
    default:
      return [];
  }
}

/** Whether a statement tests one of `names` (or `$?`) and stops (`exit`, `return`, `die`…) when the test says so. */
function guards(s: A.Stmt, names: ReadonlySet<string>, statusToo: boolean): boolean {
  let tests = false;
  let stops = false;
  walk(s, (n) => {
    if (n.kind === 'CallExpr') {
      const c = commandName(n);
      if (c && EXITS.has(c)) stops = true;
      if (c === '[' || c === 'test') {
        for (const a of n.args) for (const p of paramsOfWord(a)) if (names.has(p) || (statusToo && p === '?')) tests = true;
      }
    } else if (n.kind === 'TestClause' || n.kind === 'ArithmCmd') {
      walk(n, (m) => {
        if (m.kind === 'ParamExp' && (names.has(m.param) || (statusToo && m.param === '?'))) tests = true;
      });
    }
  });
  return tests && stops;
}

function paramsOfWord(w: A.Word): string[] {
  const out: string[] = [];
  walk(w, (n) => {
    if (n.kind === 'ParamExp') out.push(n.param);
  });
  return out;
}

/** `x || true`, `x || :`: the status is consumed only to be ignored. */
function ignoredStatus(top: A.Stmt): boolean {
  const c = top.cmd;
  if (c?.kind !== 'BinaryCmd' || c.op !== '||') return false;
  const y = callOf(c.y);
  return Boolean(y && ['true', ':'].includes(commandName(y) ?? '') && y.args.length === 1);
}

function uncheckedRestores(work: readonly BlockWork[], cmd: CommandSource, keys: Record<string, StateKey>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const w of work) {
    for (const r of w.restores) {
      const sib = siblingsOf(r.stmt, r.parents);
      let checked = statusChecked(r.stmt, r.parents) && !(sib && ignoredStatus(sib.top));
      if (!checked && sib) {
        const at = sib.list.indexOf(sib.top);
        // Before: the sourced path was checked (`[ -z "$STATE_FILE" ] || [ ! -f … ] && exit 1`).
        if (r.sourced) {
          const names = new Set([r.sourced]);
          checked = sib.list.slice(0, at).some((s) => guards(s, names, false));
        }
        // After: `$?` or a restored key tested right away (`[ -z "$WORKFLOW_ID" ] && exit 1`).
        if (!checked) {
          const restored = new Set(['WORKFLOW_ID', 'STATE_FILE', ...Object.values(keys).filter((k) => k.storage === 'variable' && k.persistedBy.some((b) => b < w.flow.index)).map((k) => k.key)]);
          checked = sib.list.slice(at + 1, at + 4).some((s) => guards(s, restored, true));
        }
      }
      w.flow.restores.push({ line: r.pos.line, col: r.pos.col, via: r.via, checked });
      if (!checked) out.push(restoreUnchecked({ file: cmd.file, line: r.pos.line, col: r.pos.col, endLine: r.stmt.end.line, endCol: r.stmt.end.col }, `\`${r.via}\``));
    }
  }
  return out;
}
