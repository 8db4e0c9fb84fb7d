/**
 * What the state-library builtins (runtime/statelib/*.ts) share: the settings the bash library
 * reads from shell variables, its path and reference rules (`_cmdc_state_ref`), its messages,
 * JSON helpers that produce the bytes its jq calls would, and setting variables the way its
 * functions do. Reference: runtime/lib/*.sh (these builtins must behave exactly like them).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { ensureDir } from '../store/safe-fs.js';
import { UnsafeFileError } from '../store/errors.js';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Shell } from '../shell/shell.js';
import type { VarValue } from '../shell/vars.js';
import { tryParseWorkflowId } from '../store/ids.js';
import { stateDirSpelling } from '../store/paths.js';
import { ERROR_TYPES, appendErrorLine } from '../store/error-log.js';

/** Set by `cmdc build` (esbuild define): runtime/lib of the checkout a bundle was built from. */
declare const __CMDC_LIB_DIR__: string | undefined;

/** runtime/lib: the bash implementation of the libraries. */
export const LIB_DIR = typeof __CMDC_LIB_DIR__ === 'string' ? __CMDC_LIB_DIR__ : fileURLToPath(new URL('../lib/', import.meta.url));

/** `${NAME:-}` */
export function v(sh: Shell, name: string): string {
  return sh.getVar(name) ?? '';
}

/** The variables the runtime reads its settings from, as an environment (bash reads shell variables). */
export function envOf(sh: Shell): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['CMDC_STATE_DIR', 'CLAUDE_PROJECT_DIR', 'CMDC_OWNER', 'CLAUDE_CODE_SESSION_ID', 'CMDC_LOG_DIR', 'CMDC_ERRORS_MAX_BYTES', 'CMDC_LOCK_TIMEOUT_MS', 'HOME', 'PATH']) {
    const x = sh.getVar(k);
    if (x === undefined) delete env[k];
    else env[k] = x;
  }
  return env;
}

function pwd(sh: Shell): string {
  return sh.getVar('PWD') || sh.cwd;
}

/** cmdc_state_dir: the state directory from the shell's variables, spelled as the bash library spells it. */
export function stateDirOf(sh: Shell): string {
  return stateDirSpelling({ CMDC_STATE_DIR: v(sh, 'CMDC_STATE_DIR'), CLAUDE_PROJECT_DIR: v(sh, 'CLAUDE_PROJECT_DIR') }, pwd(sh));
}

/** The error-log directory (`${CMDC_LOG_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/data/logs}`). */
export function logDirOf(sh: Shell): string {
  return v(sh, 'CMDC_LOG_DIR') || `${v(sh, 'CLAUDE_PROJECT_DIR') || pwd(sh)}/.claude/data/logs`;
}

/** A path as the shell means it (relative to its cwd). */
export function abs(sh: Shell, p: string): string {
  return resolve(sh.cwd, p);
}

export function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export const INVALID_ID_REASON =
  'expected <prefix>_<19-digit nanosecond timestamp>_<21-char random part> (or the seed form <prefix>_<19 digits>)';

/** validate_workflow_id's message for a malformed id. */
export function invalidIdMessage(id: string): string {
  return `ERROR: invalid workflow id "${id}": ${INVALID_ID_REASON}\n`;
}

/** cmdc_id_prefix */
export function idPrefix(id: string): string | undefined {
  return tryParseWorkflowId(id)?.prefix;
}

export interface Ref {
  id: string;
  /** The state file, spelled as bash would (not normalised). */
  path: string;
  dir: string;
}

/** _cmdc_state_ref ID_OR_PATH: a Ref, or the status (2) after printing the bash message. */
export function stateRef(sh: Shell, x: string): Ref | number {
  let id: string;
  let path: string;
  let dir: string;
  if (x.startsWith('/') || x.includes('/') || x.endsWith('.sh')) {
    if (!x.startsWith('/')) x = `${pwd(sh)}/${x}`;
    const base = x.slice(x.lastIndexOf('/') + 1);
    if (!(base.startsWith('workflow_') && base.endsWith('.sh') && base.length >= 'workflow_.sh'.length)) {
      sh.err(`ERROR: invalid workflow id "${base}": a state file is named workflow_<id>.sh\n`);
      return 2;
    }
    id = base.slice('workflow_'.length, base.length - '.sh'.length);
    path = x;
    dir = x.slice(0, x.lastIndexOf('/'));
  } else {
    id = x;
    dir = stateDirOf(sh);
    path = `${dir}/workflow_${x}.sh`;
  }
  if (idPrefix(id) === undefined) {
    sh.err(invalidIdMessage(id));
    return 2;
  }
  return { id, path, dir };
}

/** _cmdc_current_ref: the instance of $STATE_FILE, else $WORKFLOW_ID. */
export function currentRef(sh: Shell): Ref | number {
  const sf = v(sh, 'STATE_FILE');
  if (sf) return stateRef(sh, sf);
  const wid = v(sh, 'WORKFLOW_ID');
  if (wid) return stateRef(sh, wid);
  sh.err('ERROR: no workflow state: call init_workflow_state or load_workflow_state first (STATE_FILE and WORKFLOW_ID are unset)\n');
  return 1;
}

/** `NAME=value` (dynamic scope, as a function's assignment); false on a readonly variable. */
export function set(sh: Shell, name: string, value: string): boolean {
  return sh.setVar(name, value);
}

/** `NAME=value; export NAME` */
export function setExport(sh: Shell, name: string, value: string): boolean {
  if (!sh.setVar(name, value)) return false;
  sh.vars.lookup(name)!.exported = true;
  return true;
}

/** `export NAME` */
export function exportVar(sh: Shell, name: string): void {
  sh.vars.ensure(name).exported = true;
}

/** Variables a library defines when sourced (global, as `readonly` / `declare -g` make them). */
export function defineGlobals(sh: Shell, vars: Readonly<Record<string, VarValue>>, readonly: boolean): void {
  for (const [k, value] of Object.entries(vars)) {
    const cur = sh.vars.global.get(k);
    if (cur?.readonly) continue;
    sh.vars.global.set(k, { value: value instanceof Map ? new Map(value) : Array.isArray(value) ? value.slice() : value, ...(readonly ? { readonly: true } : {}), ...(cur?.exported ? { exported: true } : {}) });
  }
}

// ---------------------------------------------------------------------------------------------
// JSON (the bash library's cmdc_json_string and its jq calls)

/** cmdc_json_string: JSON.stringify's escaping (bash strings hold no lone surrogates). */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}

/** Whether `jq` is on the shell's PATH (`command -v jq`). */
export function hasJq(sh: Shell): boolean {
  for (const d of v(sh, 'PATH').split(':')) {
    if (!d) continue;
    try {
      const p = resolve(sh.cwd, d, 'jq');
      if (statSync(p).isFile()) {
        accessSync(p, constants.X_OK);
        return true;
      }
    } catch { /* next */ }
  }
  return false;
}

/** Run jq with `args` on `input` (a here-string: input + "\n"); stdout with trailing newlines stripped, as `$( )` does. */
export function runJq(sh: Shell, args: string[], input: string): { ok: boolean; out: string } {
  const r = spawnSync('jq', args, { input: input + '\n', cwd: sh.cwd, env: sh.exportedEnv(), encoding: 'utf8' });
  if (r.error) return { ok: false, out: '' };
  return { ok: r.status === 0, out: (r.stdout ?? '').replace(/\n+$/, '') };
}

/** JSON text without insignificant whitespace. */
function compactText(text: string): string {
  let out = '';
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inStr = false;
    } else if (c === '"') {
      inStr = true;
      out += c;
    } else if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') out += c;
  }
  return out;
}

function plainNumbers(x: unknown): boolean {
  if (typeof x === 'number') return Number.isSafeInteger(x) && !Object.is(x, -0);
  if (Array.isArray(x)) return x.every(plainNumbers);
  if (x !== null && typeof x === 'object') return Object.values(x).every(plainNumbers);
  return true;
}

/**
 * The value of `text` when jq would print it exactly as JSON.stringify does (it is already in
 * that canonical form, modulo whitespace): then no jq process is needed. Undefined otherwise.
 */
export function canonicalJson(text: string): { value: unknown } | undefined {
  if (text.includes('\x7f')) return undefined; // jq escapes DEL, JSON.stringify does not
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!plainNumbers(value)) return undefined;
  if (JSON.stringify(value) !== compactText(text)) return undefined;
  return { value };
}

const SIMPLE_CONTEXT = new RegExp(
  '^\\{("[A-Za-z0-9_.-]+":(-?(0|[1-9][0-9]*)|"[^"\\\\\\x00-\\x1f\\x7f]*"|true|false|null)' +
    '(,"[A-Za-z0-9_.-]+":(-?(0|[1-9][0-9]*)|"[^"\\\\\\x00-\\x1f\\x7f]*"|true|false|null))*)?\\}$',
);

/** _cmdc_context_json: the context object as one line of JSON, exactly as the bash library builds it. */
export function contextJson(sh: Shell, text: string): string {
  if (/^[ \t\n\v\f\r]*$/.test(text)) return '{}';
  if (SIMPLE_CONTEXT.test(text)) return text;
  if (hasJq(sh)) {
    const c = canonicalJson(text);
    if (c) {
      if (c.value !== null && typeof c.value === 'object' && !Array.isArray(c.value)) return JSON.stringify(c.value);
    } else {
      const r = runJq(sh, ['-ce', 'if type == "object" then . else error("not an object") end'], text);
      if (r.ok && !r.out.includes('\n')) return r.out;
    }
  } else {
    const compact = text.replace(/[\n\r\t]/g, ' ');
    if (/^[ \t\n\v\f\r]*\{.*\}[ \t\n\v\f\r]*$/s.test(compact)) return compact;
  }
  return `{"raw":${jsonString(text)}}`;
}

// ---------------------------------------------------------------------------------------------
// Error log (_cmdc_log_error_json)

export const ERROR_TYPES_TEXT = ERROR_TYPES.join(' ');

/**
 * _cmdc_log_error_json COMMAND WORKFLOW_ID USER_ARGS ERROR_TYPE MESSAGE SOURCE CONTEXT: one
 * line in the bash library's byte format (CONTEXT is already one line of JSON).
 */
export function logErrorJson(
  sh: Shell,
  e: { command: string; workflowId: string; userArgs: string; errorType: string; message: string; source: string; context: string },
): number {
  if (e.errorType === '' || !(ERROR_TYPES as readonly string[]).includes(e.errorType)) {
    sh.err(`log_command_error: invalid error_type '${e.errorType}'; expected one of: ${ERROR_TYPES.join(', ')}\n`);
    return 2;
  }
  const dir = abs(sh, logDirOf(sh));
  try {
    ensureDir(dir);
  } catch (err) {
    sh.err(`mkdir: cannot create directory '${logDirOf(sh)}': ${(err as Error).message}\n`);
    return 1;
  }
  const max = sh.getVar('CMDC_ERRORS_MAX_BYTES') ?? '10485760';
  if (!/^[0-9]+$/.test(max) || Number(max) <= 0) {
    sh.err(`log_command_error: CMDC_ERRORS_MAX_BYTES must be a positive integer, got '${max}'\n`);
    return 2;
  }
  const ts = new Date().toISOString();
  const line =
    `{"timestamp":"${ts}","command":${jsonString(e.command)},"workflow_id":${jsonString(e.workflowId)},` +
    `"user_args":${jsonString(e.userArgs)},"error_type":"${e.errorType}","message":${jsonString(e.message)},` +
    `"source":${jsonString(e.source)},"context":${e.context}}\n`;
  try {
    appendErrorLine(line, { dir, maxBytes: Number(max) });
  } catch (err) {
    sh.err(err instanceof UnsafeFileError ? `ERROR: ${err.message}\n` : `log_command_error: ${(err as Error).message}\n`);
    return 1;
  }
  return 0;
}
