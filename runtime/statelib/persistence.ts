/**
 * In-process builtins for runtime/lib/state-persistence.sh (activated by
 * `source …/state-persistence.sh`, whether or not a copy exists at that path): the seed
 * library's functions with exactly the bash functions' arguments, output, statuses and
 * variables, doing the file work through the state runtime (runtime/store/state.ts, discover.ts,
 * checkpoint.ts paths, ids.ts). Also `source <state file>`: a state file is loaded by parsing
 * it, never evaluated; a file the parser refuses is refused whole (status 1, file:line).
 */
import { readFileSync } from 'node:fs';
import type { Shell } from '../shell/shell.js';
import type { Builtin } from '../shell/builtins/index.js';
import { newWorkflowId } from '../store/ids.js';
import { atomicWriteFile } from '../store/lock.js';
import { resolveOwner } from '../store/owner.js';
import { markIndexComplete } from '../store/owner-index.js';
import { indexMarkerPath } from '../store/paths.js';
import { keyNameProblem, parseStateText, type StateRecord } from '../store/format.js';
import { decode } from '../lang/bytes.js';
import { WorkflowState, createState, loadState, isWorkflowStatus, type StateRecordInput } from '../store/state.js';
import { listCandidates } from '../store/discover.js';
import { StateExistsError, StateNotFoundError, StateParseError, UnsafeFileError } from '../store/errors.js';
import { readSafe } from '../store/safe-fs.js';
import { canonicalJson, currentRef, defineGlobals, envOf, hasJq, idPrefix, invalidIdMessage, isFile, runJq, setExport, stateDirOf, stateRef, v, type Ref } from './util.js';
import { activateErrorHandling } from './error-handling.js';

const STATE_HEADER = '# cmdc state file: `source` it in bash; cmdc parses it (never evaluates). Append-only.';
const RESERVED_KEYS_TEXT =
  ' _ IFS PATH ENV CDPATH GLOBIGNORE FIGNORE EXECIGNORE SHELLOPTS POSIXLY_CORRECT PS0 PS1 PS2 PS3 PS4 PROMPT_COMMAND PROMPT_DIRTRIM TMOUT OPTIND OPTARG OPTERR HOME PWD OLDPWD SHELL TMPDIR LANG LANGUAGE TERM INPUTRC HOSTFILE TIMEFORMAT MAIL MAILPATH MAILCHECK COLUMNS LINES COPROC MAPFILE DIRSTACK PIPESTATUS GROUPS UID EUID PPID RANDOM SRANDOM SECONDS LINENO FUNCNAME EPOCHSECONDS EPOCHREALTIME HOSTNAME HOSTTYPE MACHTYPE OSTYPE histchars auto_resume NODE_OPTIONS NODE_PATH ';

/** The variables state-persistence.sh defines when sourced (besides error-handling.sh's). */
const PERSISTENCE_READONLY: Record<string, string> = {
  _CMDC_STATE_HEADER: STATE_HEADER,
  _CMDC_RESERVED_KEYS: RESERVED_KEYS_TEXT,
  _CMDC_RESERVED_PREFIXES: 'BASH LC_ LD_ DYLD_ HIST COMP_ READLINE_ CMDC_ CLAUDE_CODE_',
  _CMDC_QWORD: "\\$'([^'\\\\]|\\\\.)*'",
  _CMDC_QUOTE_PERL:
    'BEGIN{%m=("\\\\"=>"\\\\\\\\","\\x27"=>"\\\\\\x27","\\n"=>"\\\\n","\\t"=>"\\\\t","\\r"=>"\\\\r")} s/([^\\x20-\\x26\\x28-\\x5b\\x5d-\\x7e])/exists $m{$1}?$m{$1}:sprintf("\\\\x%02x",ord $1)/ge',
  _CMDC_ID_RE: '^([A-Za-z][A-Za-z0-9-]*)_([0-9]{19})_([A-Za-z0-9_-]{21})$',
  _CMDC_LEGACY_ID_RE: '^([A-Za-z][A-Za-z0-9_-]*)_([0-9]{19})$',
};

export const PERSISTENCE_VARS = ['_CMDC_STATE_PERSISTENCE_SH', ...Object.keys(PERSISTENCE_READONLY)];

export function activatePersistence(sh: Shell): void {
  if (v(sh, '_CMDC_STATE_PERSISTENCE_SH')) return;
  defineGlobals(sh, { _CMDC_STATE_PERSISTENCE_SH: '1' }, false);
  activateErrorHandling(sh);
  defineGlobals(sh, PERSISTENCE_READONLY, true);
}

function msg(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ---------------------------------------------------------------------------------------------
// Ids

/** validate_workflow_id ID [PREFIX] */
export const validate_workflow_id: Builtin = (sh, args) => {
  const id = args[0] ?? '';
  const want = args[1] ?? '';
  const prefix = idPrefix(id);
  if (prefix === undefined) {
    sh.err(invalidIdMessage(id));
    return 1;
  }
  if (want !== '' && prefix !== want) {
    sh.err(`ERROR: workflow id ${id} does not belong to "${want}" (expected ${want}_...)\n`);
    return 1;
  }
  sh.out(`${id}\n`);
  return 0;
};

/** generate_unique_workflow_id PREFIX */
export const generate_unique_workflow_id: Builtin = (sh, args) => {
  const prefix = args[0] ?? '';
  if (prefix === '' || [...prefix].length > 64 || !/^[A-Za-z][A-Za-z0-9-]*$/.test(prefix)) {
    sh.err(`ERROR: invalid workflow prefix "${prefix}": must be a letter followed by letters, digits or "-" (no "_", it separates the id parts), at most 64 characters\n`);
    return 2;
  }
  sh.out(`${newWorkflowId(prefix)}\n`);
  return 0;
};

// ---------------------------------------------------------------------------------------------
// State files

function keyOk(sh: Shell, key: string): boolean {
  const problem = keyNameProblem(key);
  if (problem === undefined) return true;
  sh.err(`ERROR: invalid state key "${key}": ${problem}\n`);
  return false;
}

/** One record for the current instance (cmdc_append_record); status as the bash function's. */
export function appendRecord(sh: Shell, record: StateRecordInput): number {
  if (Object.keys(record).length === 0) return 0;
  const ref = currentRef(sh);
  if (typeof ref === 'number') return 1;
  return appendTo(sh, ref, (ws) => ws.appendMany(record));
}

function appendTo(sh: Shell, ref: Ref, write: (ws: WorkflowState) => void): number {
  if (!isFile(ref.path)) {
    sh.err(`ERROR: no state file for workflow ${ref.id} (looked for ${ref.path})\n`);
    return 1;
  }
  try {
    write(new WorkflowState({ id: ref.id, path: ref.path, dir: ref.dir }));
    return 0;
  } catch (e) {
    if (e instanceof StateNotFoundError) sh.err(`ERROR: no state file for workflow ${ref.id} (looked for ${ref.path})\n`);
    else if (e instanceof StateParseError) sh.err(refusedStateMessage(ref.path, e.line, e.reservedKey));
    else sh.err(`ERROR: ${msg(e)}\n`);
    return 1;
  }
}

/** append_workflow_state KEY VALUE */
export const append_workflow_state: Builtin = (sh, args) => {
  if (args.length < 1) {
    sh.err('usage: append_workflow_state KEY VALUE\n');
    return 2;
  }
  if (!keyOk(sh, args[0]!)) return 2;
  return appendRecord(sh, { [args[0]!]: args[1] ?? '' });
};

/** append_workflow_state_array KEY [VALUE...] */
export const append_workflow_state_array: Builtin = (sh, args) => {
  if (args.length < 1) {
    sh.err('usage: append_workflow_state_array KEY [VALUE...]\n');
    return 2;
  }
  if (!keyOk(sh, args[0]!)) return 2;
  return appendRecord(sh, { [args[0]!]: args.slice(1) });
};

/** init_workflow_state [WORKFLOW_ID] */
export const init_workflow_state: Builtin = (sh, args) => initState(sh, args[0] || v(sh, 'WORKFLOW_ID'), true);

function initState(sh: Shell, id: string, print: boolean): number {
  const prefix = idPrefix(id);
  if (prefix === undefined) {
    sh.err(invalidIdMessage(id));
    return 1;
  }
  const dir = stateDirOf(sh);
  const path = `${dir}/workflow_${id}.sh`;
  try {
    createState(id, { dir, command: v(sh, 'COMMAND_NAME') || prefix, owner: resolveOwner(envOf(sh)).owner });
  } catch (e) {
    if (e instanceof StateExistsError) sh.err(`ERROR: workflow ${id} already exists (${path})\n`);
    else sh.err(`ERROR: cannot create ${path}: ${msg(e)}\n`);
    return 1;
  }
  setExport(sh, 'STATE_FILE', path);
  setExport(sh, 'WORKFLOW_ID', id);
  if (print) sh.out(`${path}\n`);
  return 0;
}

/** Variables the bash load_workflow_state declares local: a state file's keys of these names set them, not the caller's. */
const LOAD_LOCALS = new Set(['_csr_id', '_csr_path', '_csr_dir', 'first']);

/**
 * Assign the variables of a parsed state file as `source` of it would: statement by statement
 * (one `{ ...; }` record or line), a readonly name stops the rest of its statement with bash's
 * message. Values keep their exact bytes (runtime/lang/bytes.ts). Returns the status of the
 * last statement.
 */
function applyRecords(sh: Shell, file: string, records: readonly StateRecord[], skip: ReadonlySet<string>): number {
  let status = 0;
  let failedLine = -1;
  for (const r of records) {
    if (r.kind === 'meta') continue;
    if (r.line === failedLine) continue;
    if (r.line !== failedLine) status = 0;
    if (skip.has(r.name)) continue;
    if (sh.vars.lookup(r.name)?.readonly) {
      sh.err(`${file}: line ${r.line}: ${r.name}: readonly variable\n`);
      failedLine = r.line;
      status = 1;
      continue;
    }
    if (r.kind === 'var') {
      // bash: NAME=x on an array sets element 0 (setVar does the same)
      sh.setVar(r.name, decode(r.value));
    } else {
      sh.setArray(r.name, r.values.map((b) => decode(b)));
    }
    if (r.exported) sh.vars.lookup(r.name)!.exported = true;
  }
  return status;
}

/**
 * The message of both state libraries (this one and runtime/lib/state-persistence.sh,
 * `_cmdc_refuse_state`) when a state file does not parse: it is refused whole, nothing of it
 * runs or is assigned.
 */
export function refusedStateMessage(path: string, line: number, reservedKey: string | undefined): string {
  const what = reservedKey !== undefined ? `assigns the reserved name ${reservedKey}` : 'is not a state-file assignment';
  return `ERROR: refusing to use state file ${path}: line ${line} ${what} (cmdc parses state files and never runs them)\n`;
}

/** load_workflow_state [WORKFLOW_ID] [FIRST_BLOCK] */
export const load_workflow_state: Builtin = async (sh, args) => {
  const first = args[1] || 'false';
  const ref = stateRef(sh, args[0] || v(sh, 'WORKFLOW_ID'));
  if (typeof ref === 'number') return 1;
  if (!isFile(ref.path)) {
    if (first === 'true') {
      // bash: init_workflow_state "$_csr_id" >/dev/null || return 1 (its variables are set too)
      if (initState(sh, ref.id, false) !== 0) return 1;
    } else {
      sh.err(`ERROR: no state file for workflow ${ref.id} (looked for ${ref.path})\n`);
      return 1;
    }
  }
  let records: StateRecord[];
  try {
    records = loadState(ref.path, { cwd: sh.cwd }).records;
  } catch (e) {
    // never sourced by bash: a file the parser refuses is refused whole
    if (e instanceof StateParseError) sh.err(refusedStateMessage(ref.path, e.line, e.reservedKey));
    else if (e instanceof UnsafeFileError) sh.err(`ERROR: ${e.message}\n`);
    else sh.err(`ERROR: cannot load ${ref.path}: ${msg(e)}\n`);
    return 1;
  }
  applyRecords(sh, ref.path, records, LOAD_LOCALS);
  setExport(sh, 'STATE_FILE', ref.path);
  setExport(sh, 'WORKFLOW_ID', ref.id);
  return 0;
};

/**
 * `source <state file>`: loads a state file by parsing it, never by running it. A file the
 * parser refuses (a command, an expansion, a reserved name such as PATH) is refused whole with
 * its file:line and status 1; a torn last record (a writer killed mid-write) is left out, as
 * bash's syntax error leaves it out. Null only when the file cannot be read (then `source`
 * reports that as it would for any file).
 */
export function sourceStateFile(sh: Shell, file: string): number | null {
  let data: Buffer | undefined;
  try {
    data = readSafe(file);
  } catch (e) {
    if (!(e instanceof UnsafeFileError)) return null;
    sh.err(`${file}: ${e.message.replace(`refusing ${file}: `, '')}: refusing to load this state file\n`);
    return 1;
  }
  if (data === undefined) return null;
  let parsed: ReturnType<typeof parseStateText>;
  try {
    parsed = parseStateText(data, file);
  } catch (e) {
    if (!(e instanceof StateParseError)) throw e;
    sh.err(`${file}:${e.line}: ${e.reason}: refusing to load this state file (cmdc parses state files and never runs them)\n`);
    return 1;
  }
  return applyRecords(sh, file, parsed.records, new Set());
}

/** Whether the state file parses (a torn tail is repaired); prints the refusal when it does not. */
function loadable(sh: Shell, path: string): boolean {
  try {
    loadState(path, { cwd: sh.cwd }); // repairs a torn tail, as the bash library's _cmdc_checked_state
    return true;
  } catch (e) {
    if (e instanceof StateParseError) sh.err(refusedStateMessage(path, e.line, e.reservedKey));
    else if (e instanceof UnsafeFileError) sh.err(`ERROR: ${e.message}\n`);
    else sh.err(`ERROR: cannot read ${path}: ${msg(e)}\n`);
    return false;
  }
}

/** set_workflow_status STATUS */
export const set_workflow_status: Builtin = (sh, args) => {
  const status = args[0] ?? '';
  if (!isWorkflowStatus(status)) {
    sh.err('ERROR: invalid value for state key "status": expected one of running, paused, done, failed\n');
    return 2;
  }
  const ref = currentRef(sh);
  if (typeof ref === 'number') return 1;
  return appendTo(sh, ref, (ws) => ws.setStatus(status));
};

/** set_workflow_block N */
export const set_workflow_block: Builtin = (sh, args) => {
  const n = args[0] ?? '';
  if (!/^[0-9]{1,15}$/.test(n)) {
    sh.err('ERROR: invalid value for state key "block": expected a non-negative integer\n');
    return 2;
  }
  const ref = currentRef(sh);
  if (typeof ref === 'number') return 1;
  return appendTo(sh, ref, (ws) => ws.setBlock(Number(n)));
};

// ---------------------------------------------------------------------------------------------
// Discovery

/** discover_latest_state_file PREFIX */
export const discover_latest_state_file: Builtin = (sh, args) => {
  const want = args[0] ?? '';
  const dir = stateDirOf(sh);
  const given = v(sh, 'CMDC_WORKFLOW_ID');
  if (given) {
    const p = idPrefix(given);
    if (p !== undefined && (want === '' || p === want) && isFile(`${dir}/workflow_${given}.sh`)) {
      if (!loadable(sh, `${dir}/workflow_${given}.sh`)) return 1;
      sh.out(`${dir}/workflow_${given}.sh\n`);
      return 0;
    }
  }
  const owner = resolveOwner(envOf(sh)).owner;
  let found: ReturnType<typeof listCandidates>;
  try {
    found = listCandidates({ dir, owner, ...(want ? { prefix: want } : {}) });
    if (!isFile(indexMarkerPath(dir))) markIndexComplete(dir); // bash writes the marker even for a missing dir
  } catch (e) {
    sh.err(`ERROR: ${msg(e)}\n`);
    return 1;
  }
  if (found.length === 1) {
    // the caller may `source` what it is given: never a file that would run something
    if (!loadable(sh, `${dir}/workflow_${found[0]!.id}.sh`)) return 1;
    sh.out(`${dir}/workflow_${found[0]!.id}.sh\n`);
    return 0;
  }
  const what = want ? `"${want}" ` : '';
  if (found.length === 0) {
    sh.err(`ERROR: no running or paused ${what}workflow for owner ${owner} in ${dir}; start a new one, or pass --workflow-id <id> (see: cmdc state list)\n`);
    return 1;
  }
  let text = `ERROR: ${found.length} running/paused ${what}workflows belong to owner ${owner}; pass --workflow-id <id> to choose one (newest first):\n`;
  for (const c of found) text += `  --workflow-id ${c.id}   (${c.status})\n`;
  text += 'stop the ones you abandoned with: cmdc state cancel <id>   (cmdc state cancel --latest stops the newest)\n';
  sh.err(text);
  return 1;
};

// ---------------------------------------------------------------------------------------------
// JSON checkpoints

function checkpointPath(sh: Shell, name: string, id: string): string | null {
  if (idPrefix(id) === undefined) {
    sh.err(invalidIdMessage(id));
    return null;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.includes('..')) {
    sh.err(`ERROR: invalid checkpoint name "${name}": use letters, digits, '.', '_' and '-', starting with a letter or digit (max 100)\n`);
    return null;
  }
  return `${stateDirOf(sh)}/.cmdc/checkpoints/${id}/${name}.json`;
}

/** save_json_checkpoint NAME JSON [WORKFLOW_ID] */
export const save_json_checkpoint: Builtin = (sh, args) => {
  const name = args[0] ?? '';
  const json = args[1] ?? '';
  const path = checkpointPath(sh, name, args[2] || v(sh, 'WORKFLOW_ID'));
  if (path === null) return 2;
  let out: string;
  if (hasJq(sh)) {
    // the bytes `jq --indent 2 .` prints; computed in process when JSON.stringify agrees
    const c = canonicalJson(json);
    if (c) out = JSON.stringify(c.value, null, 2);
    else {
      const r = runJq(sh, ['--indent', '2', '.'], json);
      out = r.ok ? r.out : '';
    }
    if (out === '') {
      sh.err(`ERROR: invalid value for state key "${name}": a checkpoint must be one JSON value\n`);
      return 2;
    }
  } else out = json;
  try {
    atomicWriteFile(path, out + '\n');
  } catch (e) {
    sh.err(`ERROR: ${msg(e)}\n`);
    return 1;
  }
  return 0;
};

/** load_json_checkpoint NAME [WORKFLOW_ID] */
export const load_json_checkpoint: Builtin = (sh, args) => {
  const path = checkpointPath(sh, args[0] ?? '', args[1] || v(sh, 'WORKFLOW_ID'));
  if (path === null) return 2;
  if (!isFile(path)) return 1;
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch {
    return 1;
  }
  const nul = data.indexOf(0);
  sh.out(nul >= 0 ? data.subarray(0, nul) : data);
  return 0;
};

export const PERSISTENCE_BUILTINS: Record<string, Builtin> = {
  init_workflow_state,
  load_workflow_state,
  append_workflow_state,
  append_workflow_state_array,
  discover_latest_state_file,
  save_json_checkpoint,
  load_json_checkpoint,
  validate_workflow_id,
  generate_unique_workflow_id,
  set_workflow_status,
  set_workflow_block,
};

