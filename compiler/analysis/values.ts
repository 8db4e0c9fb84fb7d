/**
 * Abstract values of words, for reasoning about paths: a word becomes a list of segments —
 * literal text, unquoted glob characters, a directory root (the project dir, $HOME, a tmp dir,
 * a `*_DIR` variable), an instance key (`$WORKFLOW_ID`, a session id), something unique per
 * process (`$$`, `$(date +%s%N)`, `$(mktemp)`), or an unknown variable / command output.
 * Variables are resolved through their assignments (the block's own first, then earlier
 * blocks'), a few levels deep. `canonical` renders a value with roots normalised, so that
 * `"${CLAUDE_PROJECT_DIR}/.claude/tmp/x"` and `.claude/tmp/x` compare equal.
 */
import type * as A from '../ast.js';
import type { CommandSource } from './blocks.js';
import { variableAccess, type SetSite, type VariableAccess } from './variables.js';
import { comparePos } from './walk.js';
import { callOf, commandName, literalValue, unescapeDouble, unescapeUnquoted } from './words.js';

export type Seg =
  | { t: 'lit'; s: string }
  | { t: 'glob'; s: string }
  | { t: 'root'; name: string }
  | { t: 'key'; name: string }
  | { t: 'unique'; what: string }
  | { t: 'var'; name: string }
  | { t: 'cmd'; src: string };

/** Variables that name an instance: a path containing one is per instance. */
export const INSTANCE_KEY = /WORKFLOW_ID|INSTANCE_ID|RUN_ID|SESSION_ID|^STATE_ID$|^WID$/;
/** Variables that are a directory root (when nothing in the file assigns them). */
const ROOT_VAR = /^(CLAUDE_PROJECT_DIR|PROJECT_DIR|PROJECT_ROOT|REPO_ROOT|HOME|PWD|TMPDIR|TMP|TEMP|XDG_\w+|CLAUDE_CONFIG_DIR)$|_(DIR|ROOT|HOME)$/;

/** Normalised names of roots. */
function rootName(name: string): string {
  if (/^(CLAUDE_PROJECT_DIR|PROJECT_DIR|PROJECT_ROOT|REPO_ROOT|PWD)$/.test(name)) return 'PROJECT';
  if (/^(TMPDIR|TMP|TEMP)$/.test(name)) return 'TMP';
  return name;
}

/** Assignments visible at a point of a block: the block's own, else earlier blocks'. */
export class Env {
  private readonly access: (VariableAccess | null)[];

  constructor(readonly cmd: CommandSource) {
    this.access = cmd.blocks.map((b) => (b.ast ? variableAccess(b.ast) : null));
  }

  /** The variable access of block `i` (null when it does not parse). */
  of(block: number): VariableAccess | null {
    return this.access[block] ?? null;
  }

  /** The assignment that most plausibly gives `name` its value at `at` in block `block`. */
  lookup(name: string, block: number, at: A.Pos): { site: SetSite; block: number } | null {
    const own = this.access[block]?.sets.filter((s) => s.name === name) ?? [];
    const before = own.filter((s) => comparePos(s.pos, at) < 0);
    if (before.length) return { site: before[before.length - 1]!, block };
    if (own.length) return { site: own[own.length - 1]!, block };
    for (let b = block - 1; b >= 0; b--) {
      const sets = this.access[b]?.sets.filter((s) => s.name === name) ?? [];
      if (sets.length) return { site: sets[sets.length - 1]!, block: b };
    }
    return null;
  }
}

const MAX_DEPTH = 6;

/** The abstract value of a word in block `block`. */
export function evalWord(w: A.Word, block: number, env: Env, depth = 0): Seg[] {
  const out: Seg[] = [];
  for (const p of w.parts) evalPart(p, false, block, env, depth, out);
  return merge(out);
}

function evalPart(p: A.WordPart, quoted: boolean, block: number, env: Env, depth: number, out: Seg[]): void {
  switch (p.kind) {
    case 'Lit': {
      if (quoted) {
        out.push({ t: 'lit', s: unescapeDouble(p.value) });
        return;
      }
      // Split unquoted text into literal runs and glob characters.
      const re = /\\(.)|([*?[])|([^\\*?[]+)/gs;
      for (const m of p.value.matchAll(re)) {
        if (m[1] !== undefined) out.push({ t: 'lit', s: unescapeUnquoted(m[0]) });
        else if (m[2] !== undefined) out.push({ t: 'glob', s: m[2] });
        else out.push({ t: 'lit', s: m[3]! });
      }
      return;
    }
    case 'SglQuoted':
      out.push(p.dollar ? { t: 'cmd', src: p.src } : { t: 'lit', s: p.value });
      return;
    case 'DblQuoted':
      for (const q of p.parts) evalPart(q, true, block, env, depth, out);
      return;
    case 'ParamExp':
      out.push(...evalParam(p, block, env, depth));
      return;
    case 'CmdSubst':
      out.push(evalCmdSubst(p, block, env, depth));
      return;
    case 'ExtGlob':
      out.push(quoted ? { t: 'lit', s: p.src } : { t: 'glob', s: p.src });
      return;
    default:
      out.push({ t: 'cmd', src: p.src });
  }
}

function evalParam(p: A.ParamExp, block: number, env: Env, depth: number): Seg[] {
  const name = p.param;
  if (name === '$' || name === 'BASHPID') return [{ t: 'unique', what: `$${name}` }];
  if (name === 'RANDOM' || name === 'SRANDOM') return [{ t: 'unique', what: '$RANDOM' }];
  if (p.length || p.slice || p.repl || p.excl || p.index) return [{ t: 'var', name }];
  if (p.exp && !['-', ':-', '=', ':='].includes(p.exp.op)) return [{ t: 'var', name }];
  if (INSTANCE_KEY.test(name)) return [{ t: 'key', name }];
  const found = depth < MAX_DEPTH ? env.lookup(name, block, p.pos) : null;
  if (found && found.site.value && found.site.how === 'assign') return evalWord(found.site.value, found.block, env, depth + 1);
  if (found) return [{ t: 'var', name }];
  if (ROOT_VAR.test(name)) return [{ t: 'root', name: rootName(name) }];
  // `${X:-default}` with X unknown: the default tells what it is when it is a root.
  if (p.exp?.word && (p.exp.op === ':-' || p.exp.op === '-')) {
    const d = evalWord(p.exp.word, block, env, depth + 1);
    if (d.length === 1 && d[0]!.t === 'root') return d;
  }
  return [{ t: 'var', name }];
}

function evalCmdSubst(c: A.CmdSubst, block: number, env: Env, depth: number): Seg {
  const s = c.stmts.length === 1 ? c.stmts[0]! : null;
  const call = callOf(s);
  const name = call ? commandName(call) : null;
  const src = c.src;
  if (/\bdate\b[^|;]*%N/.test(src) || /\b(mktemp|uuidgen|generate_unique_workflow_id|generate_workflow_id|epoch_ns)\b|\/dev\/urandom|openssl\s+rand|\bnanoid\b/.test(src)) {
    return { t: 'unique', what: src };
  }
  if (name === 'pwd' || /^\$\(\s*git\s+rev-parse\s+--show-toplevel/.test(src)) return { t: 'root', name: 'PROJECT' };
  if (name === 'dirname' && call!.args.length === 2 && depth < MAX_DEPTH) {
    const inner = evalWord(call!.args[1]!, block, env, depth + 1);
    if (inner.length === 1 && inner[0]!.t === 'root') return inner[0]!;
    const text = canonical(inner);
    if (text !== null && text.includes('/')) return { t: 'root', name: text.slice(0, text.lastIndexOf('/')) };
  }
  return { t: 'cmd', src };
}

function merge(segs: Seg[]): Seg[] {
  const out: Seg[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    if (s.t === 'lit' && last?.t === 'lit') out[out.length - 1] = { t: 'lit', s: last.s + s.s };
    else if (!(s.t === 'lit' && s.s === '')) out.push(s);
  }
  return out;
}

/** Only literal text and roots: the same path in every instance. */
export function isFixed(segs: readonly Seg[]): boolean {
  return segs.length > 0 && segs.every((s) => s.t === 'lit' || s.t === 'root');
}

/** Whether the value contains an instance key or something unique per process. */
export function isKeyed(segs: readonly Seg[]): boolean {
  return segs.some((s) => s.t === 'key' || s.t === 'unique');
}

/**
 * The value as text with roots normalised (`${PROJECT}`, `${HOME}`, `${TMP}`, other roots by
 * name), unknowns as `${name}` / `$(…)`; a relative path is taken as project-relative.
 * Null for an empty value.
 */
export function canonical(segs: readonly Seg[]): string | null {
  if (!segs.length) return null;
  let s = '';
  for (const x of segs) {
    if (x.t === 'lit' || x.t === 'glob') s += x.s;
    else if (x.t === 'root') s += `\${${x.name}}`;
    else if (x.t === 'key' || x.t === 'var') s += `\${${x.t === 'key' ? x.name : x.name}}`;
    else if (x.t === 'unique') s += x.what;
    else s += x.src;
  }
  if (s.startsWith('/tmp/')) s = '${TMP}' + s.slice(4);
  if (!s.startsWith('/') && !s.startsWith('$') && !s.startsWith('~')) s = '${PROJECT}/' + s.replace(/^\.\//, '');
  if (s.startsWith('~/')) s = '${HOME}' + s.slice(1);
  return s.replace(/\/\.\//g, '/').replace(/\/{2,}/g, '/');
}

/** Whether a path looks like it holds workflow state (state files, id files, `.claude/tmp`). */
export function looksLikeState(segs: readonly Seg[]): boolean {
  const text = canonical(segs) ?? '';
  if (/\.claude\/(tmp|state)\b|workflow_|state|_id\b|_id\.|\$\{TMP\}/i.test(text)) return true;
  return segs.some((s) => (s.t === 'var' || s.t === 'key') && /STATE/i.test(s.name));
}

/** The literal value of a word resolved through assignments, when it is fully literal. */
export function staticString(w: A.Word, block: number, env: Env): string | null {
  const lit = literalValue(w);
  if (lit !== null) return lit;
  const segs = evalWord(w, block, env);
  return segs.every((s) => s.t === 'lit') ? segs.map((s) => (s as { s: string }).s).join('') : null;
}

/** Whether a path is a workflow state file itself (`…/workflow_<id>.sh`, `$STATE_FILE`). */
export function looksLikeStateFile(segs: readonly Seg[]): boolean {
  if (segs.some((s) => (s.t === 'var' || s.t === 'key') && /^(STATE_FILE|STATE_PATH|WORKFLOW_STATE_FILE|\w*_STATE_FILE)$/.test(s.name))) return true;
  const text = canonical(segs) ?? '';
  // Libraries (`.claude/lib/core/state-persistence.sh`) are code, not state.
  if (/\/(lib|libs|scripts|bin|hooks)\//.test(text)) return false;
  return /(^|\/)workflow_[^/]*\.sh$|(^|\/)[^/]*state[^/]*\.(sh|env)$/i.test(text);
}

const STATE_FILE_VAR = /^(STATE_FILE|STATE_PATH|WORKFLOW_STATE_FILE|\w+_STATE_FILE)$/;

/** Whether a word names a state file: by its resolved value, or by the variable it expands. */
export function isStateFileWord(w: A.Word, block: number, env: Env): boolean {
  if (paramsOf(w).some((n) => STATE_FILE_VAR.test(n))) return true;
  return looksLikeStateFile(evalWord(w, block, env));
}

/** Whether a word names a state-ish path (state file, state dir, `.claude/tmp`, tmp dir). */
export function isStateWord(w: A.Word, block: number, env: Env): boolean {
  if (paramsOf(w).some((n) => /STATE/.test(n))) return true;
  return looksLikeState(evalWord(w, block, env));
}

function paramsOf(w: A.Word): string[] {
  const out: string[] = [];
  const visit = (parts: readonly A.WordPart[]): void => {
    for (const p of parts) {
      if (p.kind === 'ParamExp') out.push(p.param);
      else if (p.kind === 'DblQuoted') visit(p.parts);
    }
  };
  visit(w.parts);
  return out;
}
