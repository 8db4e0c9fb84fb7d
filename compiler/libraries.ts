/**
 * Libraries compiled with a command: the files its blocks `source` whose path the compiler can
 * work out without running anything — `${CLAUDE_PROJECT_DIR}/…`, a relative path (a block runs
 * in the project directory), and in a library `$(dirname "${BASH_SOURCE[0]}")/…`,
 * `$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)` and variables assigned from those
 * (`SCRIPT_DIR=…; source "$SCRIPT_DIR/x.sh"`) — followed transitively. A `.sh` path given to
 * any other command is taken too (library loaders: `_source_with_diagnostics "$DIR/x.sh"`).
 *
 * This is only a head start: the runtime keys precompiled code by the sha256 of the file's
 * content (runtime/code/loader.ts), so a library that changed, or one resolved wrongly, is
 * simply compiled on first use; nothing here decides what runs. Files byte-identical to cmdc's
 * own library (runtime/lib/*.sh) are left out: the in-process state library answers for them.
 */
import { readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, relative, resolve, sep, posix } from 'node:path';
import type { CompiledCode } from '../runtime/index.js';
import { defaultLibraries } from '../runtime/index.js';
import type { CallExpr, DeclClause, File, Word, WordPart } from './ast.js';
import { compileParsed } from './dynamic.js';

/** A library compiled with the command. */
export interface ResolvedLibrary {
  /** Path relative to the project root (posix). */
  file: string;
  sha256: string;
  code: CompiledCode;
}

export interface LibraryScan {
  libraries: ResolvedLibrary[];
  /** `source`/`.` commands whose file is only known at run time (compiled on first use). */
  dynamicSources: number;
  /** Call sites of `discover_latest_state_file` (the runner answers them with this owner's instance). */
  discoveryCalls: number;
  /** Where those calls are: `file:line` (the command's .md for blocks, the library otherwise). */
  discoverySites: string[];
  /**
   * Per block (in the order of `asts`): whether it is native through and through — none of its
   * own statements nor of any library it sources (transitively) is a bash island, and every file
   * it sources is known at compile time. A block with a `source` of a run-time path is not
   * counted (that file is compiled on first use: native unless it does not parse).
   */
  nativeBlocks: boolean[];
}

/** Compiled libraries by content hash (one compile call compiles a library once for all its commands). */
export type LibraryCode = Map<string, ReturnType<typeof compileParsed>>;

/** Bounds: a library tree larger than this is compiled on first use instead. */
const MAX_LIBRARIES = 64;
const MAX_BYTES = 2 * 1024 * 1024;

/** Static values of variables while walking a text, in order. */
type Env = Map<string, string>;

/** What one text (a block or a library) sources. */
interface Node {
  /** Absolute paths of the libraries it sources (statically), compiled or not. */
  sources: Set<string>;
  /** `source` commands of a run-time path. */
  dynamic: number;
  /** Its own statements include islands (or it has a syntax error). */
  islands: boolean;
}

/**
 * Resolve, read and compile the libraries the blocks (`asts`, with their islands flag) of a
 * command source, in the order first met. `root` is the project directory, `source` the
 * command file's path relative to it. Never throws on bad input.
 */
export function resolveLibraries(
  blocks: readonly { ast: File | null; islands: boolean }[],
  root: string,
  source = '',
  memo: LibraryCode = new Map(),
): LibraryScan {
  const scan: LibraryScan = { libraries: [], dynamicSources: 0, discoveryCalls: 0, discoverySites: [], nativeBlocks: [] };
  const nodes = new Map<string, Node>();
  let bytes = 0;
  const queue: { key: string; ast: File; env: Env; file: string; dir: string | null }[] = [];
  blocks.forEach((b, i) => {
    nodes.set(`#${i}`, { sources: new Set(), dynamic: 0, islands: b.islands || b.ast === null });
    if (b.ast) queue.push({ key: `#${i}`, ast: b.ast, env: baseEnv(root), file: source, dir: null });
  });
  /** Read and compile a library once (null: missing, binary, cmdc's own, or over the bounds). */
  const take = (abs: string): void => {
    if (nodes.has(abs)) return;
    const lib = load(abs);
    if (!lib || scan.libraries.length >= MAX_LIBRARIES || bytes + lib.text.length > MAX_BYTES) {
      nodes.set(abs, { sources: new Set(), dynamic: lib ? 1 : 0, islands: false });
      return;
    }
    bytes += lib.text.length;
    let compiled: ReturnType<typeof compileParsed>;
    try {
      compiled = memo.get(lib.sha256) ?? compileParsed(lib.text, 'source');
      memo.set(lib.sha256, compiled);
    } catch {
      nodes.set(abs, { sources: new Set(), dynamic: 1, islands: true }); // our parser's bug: the runtime reports it
      return;
    }
    const c = compiled.code;
    nodes.set(abs, { sources: new Set(), dynamic: 0, islands: c.islands > 0 || c.syntaxError !== undefined });
    const file = toPosix(relative(root, abs));
    scan.libraries.push({ file, sha256: lib.sha256, code: c });
    if (compiled.ast) {
      const inner = baseEnv(root);
      inner.set('BASH_SOURCE', abs);
      queue.push({ key: abs, ast: compiled.ast, env: inner, file, dir: dirname(abs) });
    }
  };
  const visit = (item: (typeof queue)[number]): void => {
    const node = nodes.get(item.key)!;
    walkCalls(item.ast, item.env, (call, words) => {
      const name = words[0];
      if (name === 'discover_latest_state_file') {
        scan.discoveryCalls++;
        scan.discoverySites.push(`${item.file}:${call.pos.line}`);
      }
      const isSource = name === 'source' || name === '.';
      let args = call.args.slice(1);
      if (isSource && words[1] === '--') args = args.slice(1);
      const targets = isSource ? args.slice(0, 1) : args;
      for (const w of targets) {
        const v = evalWord(w, item.env);
        if (v === null || v === '') {
          if (isSource) {
            scan.dynamicSources++;
            node.dynamic++;
          }
          continue;
        }
        if (!isSource && !v.endsWith('.sh')) continue;
        const abs = resolve(root, v);
        if (isSource) node.sources.add(abs);
        take(abs);
      }
    });
    // a library's registry of its siblings (`[plan-core]="plan/plan-core.sh"`, loaded by a
    // loader function through a run-time path): `.sh` paths relative to the library's directory,
    // its parent or the project are compiled too — a head start only, keyed by content
    if (item.dir !== null) {
      for (const v of shLiterals(item.ast, item.env)) {
        for (const base of [item.dir, dirname(item.dir), root]) {
          const abs = resolve(base, v);
          if (!isInside(root, abs) || !isFile(abs)) continue;
          take(abs);
          break;
        }
      }
    }
  };
  for (let i = 0; i < queue.length; i++) visit(queue[i]!);
  // native through and through: no island and no run-time source in anything reachable
  const native = (key: string, seen: Set<string>): boolean => {
    if (seen.has(key)) return true;
    seen.add(key);
    const n = nodes.get(key);
    if (!n || n.islands || n.dynamic > 0) return false;
    for (const s of n.sources) if (!native(s, seen)) return false;
    return true;
  };
  scan.nativeBlocks = blocks.map((_, i) => native(`#${i}`, new Set()));
  return scan;
}

/** Static `.sh` words of a text (assignment values, array elements, arguments), in order. */
function shLiterals(ast: File, env: Env): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const x of node) walk(x);
      return;
    }
    const n = node as { kind?: string };
    if (n.kind === 'Word') {
      const v = evalWord(node as Word, env);
      if (v !== null && /^[^\0\n]+\.sh$/.test(v) && !out.includes(v)) out.push(v);
      return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'pos' && k !== 'end') walk(v);
  };
  walk(ast);
  return out;
}

function isInside(root: string, abs: string): boolean {
  const r = relative(root, abs);
  return r !== '' && !r.startsWith('..') && !isAbsolute(r);
}

function isFile(abs: string): boolean {
  try {
    return statSync(abs).isFile();
  } catch {
    return false;
  }
}

function baseEnv(root: string): Env {
  return new Map([['CLAUDE_PROJECT_DIR', root]]);
}

/** A regular file's text and hash, unless it is missing, binary, or one of cmdc's own libraries. */
function load(abs: string): { text: string; sha256: string } | null {
  try {
    if (!statSync(abs).isFile()) return null;
    const buf = readFileSync(abs);
    if (buf.includes(0)) return null;
    const sha = createHash('sha256').update(buf).digest('hex');
    if (defaultLibraries.byContent(sha, buf.length)) return null;
    return { text: buf.toString('utf8'), sha256: sha };
  } catch {
    return null;
  }
}

/**
 * Every simple command in `node`, in source order, with its words' static values (null when
 * not static); assignments update `env` on the way (a value that is not static unsets it).
 */
function walkCalls(node: unknown, env: Env, onCall: (call: CallExpr, words: (string | null)[]) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) walkCalls(x, env, onCall);
    return;
  }
  const n = node as { kind?: string };
  if (n.kind === 'CallExpr') {
    const call = node as CallExpr;
    // words first (command substitutions inside them), then the command itself
    for (const a of call.assigns) walkCalls(a, env, onCall);
    for (const w of call.args) walkCalls(w, env, onCall);
    if (call.args.length === 0) for (const a of call.assigns) assign(env, a.name, a.value, a.array !== null || a.index !== null || a.append);
    else onCall(call, call.args.map((w) => evalWord(w, env)));
    return;
  }
  if (n.kind === 'DeclClause') {
    const d = node as DeclClause;
    walkCalls(d.assigns, env, onCall);
    walkCalls(d.words, env, onCall);
    for (const a of d.assigns) if (!a.naked && a.name) assign(env, a.name, a.value, a.array !== null || a.index !== null || a.append);
    return;
  }
  for (const [k, v] of Object.entries(node)) if (k !== 'pos' && k !== 'end') walkCalls(v, env, onCall);
}

function assign(env: Env, name: string, value: Word | null, notScalar: boolean): void {
  const v = notScalar || value === null ? null : evalWord(value, env);
  // blocks commonly default it themselves (`CLAUDE_PROJECT_DIR="$(git rev-parse --show-toplevel)"`):
  // whatever they compute, it names the project
  if (name === 'CLAUDE_PROJECT_DIR' && v === null) return;
  if (v === null) env.delete(name);
  else env.set(name, v);
}

/** The value of a word when it is static under `env` (no globbing, no splitting), else null. */
export function evalWord(w: Word, env: Env): string | null {
  return evalParts(w.parts, env, false);
}

/** Parts concatenated, or null when one is not static. */
function evalParts(parts: readonly WordPart[], env: Env, quoted: boolean): string | null {
  let out = '';
  for (const p of parts) {
    const v = evalPart(p, env, quoted);
    if (v === null) return null;
    out += v;
  }
  return out;
}

function evalPart(p: WordPart, env: Env, quoted: boolean): string | null {
  switch (p.kind) {
    case 'Lit':
      if (quoted) return p.value.includes('\\') ? null : p.value;
      return /[\\*?[~{]/.test(p.value) ? null : p.value;
    case 'SglQuoted':
      return p.dollar ? null : p.value;
    case 'DblQuoted':
      return p.dollar ? null : evalParts(p.parts, env, true);
    case 'ParamExp': {
      if (p.excl || p.length || p.width || p.slice || p.repl || p.names) return null;
      if (p.index) {
        // ${BASH_SOURCE[0]}
        const i = p.index as Word;
        if (p.param !== 'BASH_SOURCE' || i.kind !== 'Word' || evalWord(i, env) !== '0') return null;
      }
      const v = env.get(p.param);
      if (p.exp) {
        if (p.exp.op !== ':-' && p.exp.op !== '-') return null;
        if (v !== undefined && (v !== '' || p.exp.op === '-')) return v;
        return p.exp.word ? evalWord(p.exp.word, env) : '';
      }
      return v ?? null;
    }
    case 'CmdSubst':
      return evalSubst(p.stmts, env);
    default:
      return null;
  }
}

/**
 * `$(dirname W)`, `$(cd W && pwd)`, `$(realpath W)`, `$(readlink -f W)`, `$(pwd)` (with -P),
 * `$(git rev-parse --show-toplevel)` (the project directory: blocks run there).
 */
function evalSubst(stmts: readonly { cmd: unknown; redirs: readonly unknown[] }[], env: Env): string | null {
  if (stmts.length !== 1) return null;
  const cmd = stmts[0]!.cmd as { kind: string; op?: string; x?: { cmd: unknown }; y?: { cmd: unknown }; args?: Word[] } | null;
  if (!cmd) return null;
  const words = (c: unknown): string[] | null => {
    const call = c as CallExpr | null;
    if (!call || call.kind !== 'CallExpr' || call.assigns.length) return null;
    const out: string[] = [];
    for (const w of call.args) {
      const v = evalWord(w, env);
      if (v === null) return null;
      out.push(v);
    }
    return out.filter((x) => x !== '-P' && x !== '-L' && x !== '--');
  };
  const pwd = env.get('CLAUDE_PROJECT_DIR') ?? null;
  if (cmd.kind === 'BinaryCmd' && cmd.op === '&&') {
    const cd = words(cmd.x?.cmd);
    const pw = words(cmd.y?.cmd);
    if (!cd || !pw || cd[0] !== 'cd' || cd.length !== 2 || pw.length !== 1 || pw[0] !== 'pwd' || pwd === null) return null;
    return resolve(pwd, cd[1]!);
  }
  const ws = words(cmd);
  if (!ws) return null;
  if (ws[0] === 'dirname' && ws.length === 2) return dirname(ws[1]!);
  if ((ws[0] === 'realpath' && ws.length === 2) || (ws[0] === 'readlink' && ws.length === 3 && ws[1] === '-f')) {
    const target = ws[ws.length - 1]!;
    return isAbsolute(target) || pwd === null ? target : resolve(pwd, target);
  }
  if ((ws[0] === 'pwd' && ws.length === 1) || ws.join(' ') === 'git rev-parse --show-toplevel') return pwd;
  return null;
}

function toPosix(p: string): string {
  return p.split(sep).join(posix.sep);
}
