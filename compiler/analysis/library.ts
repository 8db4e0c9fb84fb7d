/**
 * What state-library functions do, for the state-flow analysis: which keys a function persists
 * (a literal key, the key given as its N-th argument, or `KEY=value` lines on its stdin), whether
 * it restores the instance's state (sources the state file), which globals it reads and sets.
 *
 * Two sources, merged: the contract of the seed's state library by name and arity
 * (`append_workflow_state KEY VALUE`, `load_workflow_state ID`, `sm_init …`), which holds
 * whatever library is installed, and summaries computed from function bodies — the project's
 * own library files (resolved from `source "${CLAUDE_PROJECT_DIR}/.claude/lib/…"`, and what they
 * source in turn) and functions a block defines — so a project's `persist_artifact_registry`
 * (which calls `append_workflow_state "ARTIFACT_REGISTRY_JSON" …`) persists that key.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type * as A from '../ast.js';
import { parseBash } from '../parse.js';
import { globRemovals, printedText, type RemoveEffect } from './removals.js';
import { variableAccess } from './variables.js';
import { walk, type AnyNode } from './walk.js';
import { callOf, commandName, literalValue, shapeText } from './words.js';

/** Where a persisted key's name comes from. */
export type KeySource = { key: string } | { arg: number } | { stdin: true } | { dynamic: true };

/** Where a persisted value comes from: the N-th argument, a global variable, or an integer literal. */
export type ValueSource = { arg: number } | { var: string } | { int: true };

export interface PersistEffect {
  source: KeySource;
  kind: 'scalar' | 'array';
  /** The value, when known (append_workflow_state KEY VALUE → the 2nd argument). */
  value?: ValueSource;
}

export interface FunctionSummary {
  name: string;
  persists: PersistEffect[];
  /** Sources the instance's state file into the caller's shell. */
  restores: boolean;
  /** Reads one key from the state file without restoring (`get_state_value KEY` → 1). */
  readsKeyArg: number | null;
  /** JSON checkpoints: `save_json_checkpoint NAME …` / `load_json_checkpoint NAME`. */
  checkpoint: { op: 'save' | 'load'; arg: number } | null;
  /** Globals it reads / sets (its locals excluded). */
  reads: string[];
  sets: string[];
  /** Files it removes by glob (see analysis/removals.ts): other instances' files too. */
  removes: RemoveEffect[];
  /** What it prints when it is one `printf '%s' WORD` / `echo WORD` (`get_state_dir`), as text. */
  prints: string | null;
  /** 'contract' for the by-name contract, else the file that defines it. */
  from: string;
}

export interface LibraryModel {
  functions: Map<string, FunctionSummary>;
  /** Library files analysed (absolute), in load order. */
  files: string[];
  /** Per library file: globals its top-level code sets when sourced. */
  topLevelSets: Map<string, string[]>;
  /** Functions defined by the loaded files. */
  defined: Set<string>;
  /** Commands the loaded files call (to find the files defining them). */
  called: Set<string>;
}

function summary(name: string, s: Partial<FunctionSummary>): FunctionSummary {
  return { name, persists: [], restores: false, readsKeyArg: null, checkpoint: null, reads: [], sets: [], removes: [], prints: null, from: 'contract', ...s };
}

const SM_KEYS = ['CURRENT_STATE', 'WORKFLOW_TYPE', 'TERMINAL_STATE'];

/** The state library's contract by name (the seed's and cmdc's libraries both follow it). */
function contract(): FunctionSummary[] {
  return [
    summary('append_workflow_state', { persists: [{ source: { arg: 1 }, kind: 'scalar', value: { arg: 2 } }] }),
    summary('append_workflow_state_array', { persists: [{ source: { arg: 1 }, kind: 'array' }] }),
    summary('init_workflow_state', { persists: [{ source: { key: 'WORKFLOW_ID' }, kind: 'scalar' }], sets: ['STATE_FILE', 'WORKFLOW_ID'] }),
    summary('load_workflow_state', { restores: true, sets: ['STATE_FILE', 'WORKFLOW_ID'] }),
    summary('save_json_checkpoint', { checkpoint: { op: 'save', arg: 1 } }),
    summary('load_json_checkpoint', { checkpoint: { op: 'load', arg: 1 } }),
    summary('get_state_value', { readsKeyArg: 1 }),
    summary('sm_init', {
      persists: [...SM_KEYS.map((key) => ({ source: { key }, kind: 'scalar' as const })), { source: { key: 'COMPLETED_STATES' }, kind: 'array' }],
      sets: [...SM_KEYS, 'COMPLETED_STATES'],
      reads: ['COMMAND_NAME', 'USER_ARGS', 'WORKFLOW_ID'],
    }),
    summary('sm_transition', {
      persists: [{ source: { key: 'CURRENT_STATE' }, kind: 'scalar' }, { source: { key: 'COMPLETED_STATES' }, kind: 'array' }],
      sets: ['CURRENT_STATE', 'COMPLETED_STATES'],
      reads: ['CURRENT_STATE', 'WORKFLOW_TYPE', 'COMPLETED_STATES', 'COMMAND_NAME', 'USER_ARGS', 'WORKFLOW_ID'],
    }),
  ];
}

/** A model with only the contract. */
export function contractModel(): LibraryModel {
  return { functions: new Map(contract().map((f) => [f.name, f])), files: [], topLevelSets: new Map(), defined: new Set(), called: new Set() };
}

function sameSource(a: KeySource, b: KeySource): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Merge `extra` into `base` (effects unioned); returns whether anything changed. */
function mergeInto(base: FunctionSummary, extra: FunctionSummary): boolean {
  let changed = false;
  for (const p of extra.persists) {
    if (!base.persists.some((q) => sameSource(q.source, p.source) && q.kind === p.kind)) {
      base.persists.push(p);
      changed = true;
    }
  }
  if (extra.restores && !base.restores) base.restores = changed = true;
  if (extra.readsKeyArg !== null && base.readsKeyArg === null) {
    base.readsKeyArg = extra.readsKeyArg;
    changed = true;
  }
  if (extra.checkpoint && !base.checkpoint) {
    base.checkpoint = extra.checkpoint;
    changed = true;
  }
  for (const r of extra.removes) {
    if (!base.removes.some((q) => q.glob === r.glob && q.line === r.line)) {
      base.removes.push(r);
      changed = true;
    }
  }
  if (extra.prints !== null && base.prints === null) {
    base.prints = extra.prints;
    changed = true;
  }
  for (const [k, list] of [['reads', extra.reads], ['sets', extra.sets]] as const) {
    for (const v of list) {
      if (!base[k].includes(v)) {
        base[k].push(v);
        changed = true;
      }
    }
  }
  return changed;
}

function inSubshell(parents: readonly AnyNode[], stop: AnyNode): boolean {
  for (let i = parents.length - 1; i >= 0; i--) {
    const p = parents[i]!;
    if (p === stop) return false;
    if (p.kind === 'Subshell' || p.kind === 'CmdSubst' || p.kind === 'ProcSubst') return true;
  }
  return false;
}

/** The positional parameter a word is exactly (`$1`, `"${1:-}"`), or a local aliasing one. */
function argOf(w: A.Word | undefined, aliases: Map<string, KeySource>): KeySource | null {
  if (!w) return null;
  const lit = literalValue(w);
  if (lit !== null) return /^[A-Za-z_][A-Za-z0-9_]*$/.test(lit) ? { key: lit } : { dynamic: true };
  const parts = w.parts.length === 1 && w.parts[0]!.kind === 'DblQuoted' ? w.parts[0]!.parts : w.parts;
  if (parts.length !== 1 || parts[0]!.kind !== 'ParamExp') return { dynamic: true };
  const p = parts[0]!;
  if (/^[1-9]$/.test(p.param) && (!p.exp || [':-', '-', ':?', '?'].includes(p.exp.op))) return { arg: Number(p.param) };
  return aliases.get(p.param) ?? { dynamic: true };
}

/** Locals that alias a positional parameter (`local key="${1:-}"`) or a stdin `KEY=value` line. */
function aliasesIn(body: A.Node): Map<string, KeySource> {
  const out = new Map<string, KeySource>();
  walk(body, (n) => {
    const assigns = n.kind === 'DeclClause' ? n.assigns : n.kind === 'CallExpr' && n.args.length === 0 ? n.assigns : [];
    for (const a of assigns) {
      if (!a.value) continue;
      const parts = a.value.parts.length === 1 && a.value.parts[0]!.kind === 'DblQuoted' ? a.value.parts[0]!.parts : a.value.parts;
      const p = parts.length === 1 && parts[0]!.kind === 'ParamExp' ? parts[0]! : null;
      if (!p) continue;
      if (/^[1-9]$/.test(p.param) && (!p.exp || [':-', '-', ':?', '?'].includes(p.exp.op))) out.set(a.name, { arg: Number(p.param) });
      else if (p.exp && (p.exp.op === '%%' || p.exp.op === '%') && (p.exp.word?.src ?? '').startsWith('=')) out.set(a.name, { stdin: true });
    }
  });
  return out;
}

/**
 * Keys a statement writes by hand into the file its output goes to: `echo "export K=…"`,
 * `printf 'K=%s\n' …`, heredoc lines `K=…`, also inside `{ …; }` groups.
 */
export function handWrittenKeys(s: A.Stmt): string[] {
  const texts: string[] = [];
  const collect = (st: A.Stmt): void => {
    const c = st.cmd;
    if (c?.kind === 'Block' || c?.kind === 'Subshell') {
      c.stmts.forEach(collect);
      return;
    }
    for (const r of st.redirs) if (r.hdoc) texts.push(shapeText(r.hdoc));
    const call = callOf(st);
    if (call && ['echo', 'printf'].includes(commandName(call) ?? '')) texts.push(call.args.slice(1).map(shapeText).join(' '));
  };
  collect(s);
  const keys: string[] = [];
  for (const t of texts) {
    for (const m of t.matchAll(/(?:^|\n|\s)(?:export\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)=/g)) {
      if (!keys.includes(m[1]!)) keys.push(m[1]!);
    }
  }
  return keys;
}

const OUTPUT_REDIRS = new Set(['>', '>>', '>|', '&>', '&>>']);

/** Variables of a function body that hold the state file's path (`file="$(state_file_for_id …)"`, `$STATE_FILE`). */
function statePathVars(body: A.Node): Set<string> {
  const out = new Set(['STATE_FILE']);
  walk(body, (n) => {
    const assigns = n.kind === 'DeclClause' ? n.assigns : n.kind === 'CallExpr' && n.args.length === 0 ? n.assigns : [];
    for (const a of assigns) {
      const src = a.value?.src ?? '';
      // `file="$(state_file_for_id "$id")"`, `state_file=…/workflow_$id.sh`; not a library path.
      if (/lib|\.sh["')]*$/.test(src) && !/workflow_[^/]*\.sh/.test(src)) continue;
      if (/state|workflow_[^/]*\.sh/i.test(src) || (/state/i.test(a.name) && a.value)) out.add(a.name);
    }
  });
  return out;
}

/** What a value argument of a call is: a positional parameter, a global, an integer literal. */
function valueOf(w: A.Word | undefined, aliases: Map<string, KeySource>): ValueSource | undefined {
  if (!w) return undefined;
  const lit = literalValue(w);
  if (lit !== null) return /^-?\d+$/.test(lit) ? { int: true } : undefined;
  const parts = w.parts.length === 1 && w.parts[0]!.kind === 'DblQuoted' ? w.parts[0]!.parts : w.parts;
  if (parts.length !== 1 || parts[0]!.kind !== 'ParamExp') return undefined;
  const p = parts[0]!;
  if (p.exp || p.repl || p.slice || p.index || p.excl || p.length) return undefined;
  if (/^[1-9]$/.test(p.param)) return { arg: Number(p.param) };
  const alias = aliases.get(p.param);
  if (alias) return 'arg' in alias ? { arg: alias.arg } : undefined;
  return /^[A-Za-z_]\w*$/.test(p.param) ? { var: p.param } : undefined;
}

/** The argument N of `${!N}` / `${!key}` (key aliasing $N) in a function body, else null. */
function indirectArg(body: A.Node, aliases: Map<string, KeySource>): number | null {
  let out: number | null = null;
  walk(body, (n) => {
    if (n.kind !== 'ParamExp' || !n.excl || n.index || n.names) return;
    if (/^[1-9]$/.test(n.param)) out = Number(n.param);
    const a = aliases.get(n.param);
    if (a && 'arg' in a) out = a.arg;
  });
  return out;
}

function soleParamOf(w: A.Word): string | null {
  const parts = w.parts.length === 1 && w.parts[0]!.kind === 'DblQuoted' ? w.parts[0]!.parts : w.parts;
  return parts.length === 1 && parts[0]!.kind === 'ParamExp' ? parts[0]!.param : null;
}

/**
 * Summarise functions from their bodies, given what is known of the functions they call
 * (`known`; updated in place, to a fixed point). `from` names the file.
 */
export function summariseFunctions(fns: readonly A.FuncDecl[], known: Map<string, FunctionSummary>, from: string, access?: ReturnType<typeof variableAccess>): void {
  for (const f of fns) {
    if (!known.has(f.name)) known.set(f.name, summary(f.name, { from }));
    else if (known.get(f.name)!.from === 'contract') known.get(f.name)!.from = from;
  }
  for (let round = 0; round < 6; round++) {
    let changed = false;
    for (const f of fns) {
      const found = summary(f.name, { from });
      const aliases = aliasesIn(f.body);
      const stateVars = statePathVars(f.body);
      found.prints = printedText(f);
      found.removes = globRemovals(f, from, (fn) => known.get(fn)?.prints ?? null);
      walk(f.body, (n, parents) => {
        if (n.kind === 'Stmt') {
          const target = n.redirs.find((r) => OUTPUT_REDIRS.has(r.op) && stateVars.has(soleParamOf(r.word) ?? ''));
          if (target) for (const key of handWrittenKeys(n)) found.persists.push({ source: { key }, kind: 'scalar' });
          return;
        }
        if (n.kind !== 'CallExpr') return;
        const name = commandName(n);
        if (!name) return;
        const sub = inSubshell(parents, f);
        // Sourcing the state file (not a library: `_source_with_diagnostics "$file"` loads code).
        if ((name === 'source' || name === '.') && n.args[1]) {
          if (stateVars.has(soleParamOf(n.args[1]) ?? '')) {
            if (!sub) found.restores = true;
            // `( source "$STATE_FILE"; printf '%s' "${!1}" )`: reads the key named by an argument.
            else {
              const key = indirectArg(f.body, aliases);
              if (key !== null) found.readsKeyArg = key;
            }
          }
          return;
        }
        const callee = known.get(name);
        if (!callee || name === f.name) return;
        for (const p of callee.persists) {
          const source = 'arg' in p.source ? argOf(n.args[p.source.arg], aliases) ?? { dynamic: true } : p.source;
          const value = p.value && 'arg' in p.value ? valueOf(n.args[p.value.arg], aliases) : p.value;
          found.persists.push({ source, kind: p.kind, ...(value ? { value } : {}) });
        }
        if (callee.restores && !sub) found.restores = true;
        if (callee.readsKeyArg !== null) {
          const a = argOf(n.args[callee.readsKeyArg], aliases);
          if (a && 'arg' in a) found.readsKeyArg = a.arg;
        }
        if (callee.checkpoint) {
          const a = argOf(n.args[callee.checkpoint.arg], aliases);
          if (a && 'arg' in a) found.checkpoint = { op: callee.checkpoint.op, arg: a.arg };
        }
        found.reads.push(...callee.reads);
        if (!sub) found.sets.push(...callee.sets);
      });
      if (access) {
        for (const r of access.reads) if (r.fn === f.name && !found.reads.includes(r.name)) found.reads.push(r.name);
        for (const s of access.sets) if (s.fn === f.name && !found.sets.includes(s.name)) found.sets.push(s.name);
      }
      if (mergeInto(known.get(f.name)!, found)) changed = true;
    }
    if (!changed) break;
  }
}

/** The function declarations of a parsed file (top level and nested). */
export function functionsIn(ast: A.File): A.FuncDecl[] {
  const out: A.FuncDecl[] = [];
  walk(ast, (n) => {
    if (n.kind === 'FuncDecl') out.push(n);
  });
  return out;
}

/**
 * Resolve a `source` path word of a library file: literal text, `${VAR}` of the file's own
 * directory variables (`SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"`), the
 * project dir (`${CLAUDE_PROJECT_DIR:-…}`), `$(dirname "${BASH_SOURCE[0]}")`.
 */
export function resolveLibraryWord(w: A.Word, vars: ReadonlyMap<string, string>, projectDir: string, selfDir: string): string | null {
  let out = '';
  const visit = (parts: readonly A.WordPart[]): boolean => {
    for (const p of parts) {
      if (p.kind === 'Lit' || p.kind === 'SglQuoted') out += p.kind === 'Lit' ? p.value.replace(/\\(.)/g, '$1') : p.value;
      else if (p.kind === 'DblQuoted') {
        if (!visit(p.parts)) return false;
      } else if (p.kind === 'ParamExp') {
        if (p.param === 'CLAUDE_PROJECT_DIR' || p.param === 'PWD') out += projectDir;
        else if (vars.has(p.param)) out += vars.get(p.param)!;
        else return false;
      } else if (p.kind === 'CmdSubst') {
        if (/BASH_SOURCE/.test(p.src) && /dirname/.test(p.src)) out += selfDir;
        else if (/^\$\(\s*pwd\s*\)$/.test(p.src)) out += projectDir;
        else return false;
      } else return false;
    }
    return true;
  };
  return visit(w.parts) ? out : null;
}

/** Read a library file when it is a regular file of reasonable size. */
function readLibrary(path: string): string | null {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > 2_000_000) return null;
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** One library file, parsed, with what resolution needs to know about it. */
interface LibraryFile {
  path: string;
  ast: A.File;
  access: ReturnType<typeof variableAccess>;
  /** Functions it defines / commands it runs. */
  defined: string[];
  called: string[];
  /** Globals its top-level code sets. */
  topLevelSets: string[];
  /** Files it sources at the top level (resolved). */
  sources: string[];
}

/**
 * Parsed library files and built models, shared by the analyses of one run (a CLI invocation,
 * a test file): parsing a library is the expensive part. Create one with `createLibraryCache`
 * and pass it in the options; models in it are shared and must not be modified.
 */
export interface LibraryCache {
  files: Map<string, LibraryFile | null>;
  models: Map<string, LibraryModel>;
  indexes: Map<string, Map<string, string>>;
}

export function createLibraryCache(): LibraryCache {
  return { files: new Map(), models: new Map(), indexes: new Map() };
}

function loadFile(path: string, projectDir: string, cache: LibraryCache): LibraryFile | null {
  if (cache.files.has(path)) return cache.files.get(path)!;
  const text = readLibrary(path);
  const parsed = text === null ? null : parseBash(text, { file: path });
  if (!parsed?.ast) {
    cache.files.set(path, null);
    return null;
  }
  const ast = parsed.ast;
  const access = variableAccess(ast);
  const selfDir = dirname(path);
  const vars = new Map<string, string>();
  const top: string[] = [];
  for (const st of access.sets) {
    if (st.fn !== null) continue;
    top.push(st.name);
    if (st.value) {
      const v = resolveLibraryWord(st.value, vars, projectDir, selfDir);
      if (v !== null) vars.set(st.name, v);
    }
  }
  const called = new Set<string>();
  const sources: string[] = [];
  walk(ast, (n, parents) => {
    const name = n.kind === 'CallExpr' ? commandName(n) : null;
    if (!name || n.kind !== 'CallExpr') return;
    called.add(name);
    if ((name === 'source' || name === '.') && n.args[1] && !parents.some((p) => p.kind === 'FuncDecl')) {
      const p = resolveLibraryWord(n.args[1], vars, projectDir, selfDir);
      if (p) sources.push(resolve(selfDir, p));
    }
  });
  const file: LibraryFile = {
    path,
    ast,
    access,
    defined: functionsIn(ast).map((f) => f.name),
    called: [...called],
    topLevelSets: [...new Set(top)],
    sources,
  };
  cache.files.set(path, file);
  return file;
}

const FUNCTION_DEF = /^[ \t]*(?:function[ \t]+([A-Za-z_][\w:.-]*)[ \t]*(?:\(\))?|([A-Za-z_][\w:.-]*)[ \t]*\(\))[ \t]*\{?/gm;

/**
 * The project's library files by the functions they define: every `.sh` under
 * `<projectDir>/.claude/lib` (bounded). Libraries loaded indirectly — `source_required_libraries
 * plan-core`, a loader reading a table — are found through the functions a command calls.
 */
export function indexProjectLibraries(projectDir: string, limit = 400): Map<string, string> {
  const out = new Map<string, string>();
  const root = resolve(projectDir, '.claude', 'lib');
  const files: string[] = [];
  const visit = (dir: string, depth: number): void => {
    if (depth > 6 || files.length >= limit) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = resolve(dir, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory()) visit(p, depth + 1);
      else if (st.isFile() && n.endsWith('.sh') && files.length < limit) files.push(p);
    }
  };
  visit(root, 0);
  for (const f of files) {
    const text = readLibrary(f);
    if (text === null) continue;
    for (const m of text.matchAll(FUNCTION_DEF)) {
      const name = m[1] ?? m[2];
      if (name && !out.has(name)) out.set(name, f);
    }
  }
  return out;
}

/**
 * The library model for a command: the contract, plus the summaries of the library files it
 * sources (`paths`, and what they source), plus the project library files (under
 * `<projectDir>/.claude/lib`) that define functions the command (`called`) or the loaded
 * libraries call, until nothing new is found.
 */
export function libraryModel(paths: readonly string[], called: ReadonlySet<string>, projectDir: string, cache: LibraryCache = createLibraryCache()): LibraryModel {
  const files: LibraryFile[] = [];
  const seen = new Set<string>();
  const load = (list: readonly string[]) => {
    const queue = list.map((p) => resolve(p));
    while (queue.length) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      const f = loadFile(path, projectDir, cache);
      if (!f) continue;
      files.push(f);
      queue.push(...f.sources);
    }
  };
  load(paths);
  let index = cache.indexes.get(projectDir);
  if (!index) {
    index = indexProjectLibraries(projectDir);
    cache.indexes.set(projectDir, index);
  }
  for (let round = 0; round < 10 && index.size; round++) {
    const defined = new Set(files.flatMap((f) => f.defined));
    const want = new Set<string>();
    for (const name of [...called, ...files.flatMap((f) => f.called)]) {
      const file = defined.has(name) ? undefined : index.get(name);
      if (file && !seen.has(resolve(file))) want.add(file);
    }
    if (!want.size) break;
    load([...want]);
  }
  const key = `${projectDir}\0${files.map((f) => f.path).join('\0')}`;
  const cached = cache.models.get(key);
  if (cached) return cached;
  const model = contractModel();
  for (const f of files) {
    model.files.push(f.path);
    model.topLevelSets.set(f.path, f.topLevelSets);
    f.defined.forEach((d) => model.defined.add(d));
    f.called.forEach((c) => model.called.add(c));
  }
  // Functions call functions of other files: two passes over all of them reach the fixed point
  // for the usual levels of wrapping (each pass iterates within a file).
  for (let pass = 0; pass < 2; pass++) {
    for (const f of files) summariseFunctions(functionsIn(f.ast), model.functions, f.path, f.access);
  }
  cache.models.set(key, model);
  return model;
}
