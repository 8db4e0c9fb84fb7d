/**
 * Per-instance workflow state: create, load, append, typed view, compaction.
 *
 * File: `<state dir>/workflow_<id>.sh` (dir: runtime/store/paths.ts). It is a bash script that
 * `source` loads, and an append-only log that cmdc parses (runtime/store/format.ts), never evaluates:
 *
 *   # cmdc state file: `source` it in bash; cmdc parses it (never evaluates). Append-only.
 *   # cmdc:format=$'1'
 *   # cmdc:id=$'implement_1765352600123456789_V1StGXR8_Z5jdHi6B-myT'
 *   # cmdc:command=$'/implement'
 *   # cmdc:owner=$'session:8d0c...'
 *   # cmdc:created=$'2026-01-02T03:04:05.678Z'
 *   # cmdc:status=$'running'
 *   # cmdc:block=$'0'
 *   { WORKFLOW_ID=$'implement_1765352600123456789_V1StGXR8_Z5jdHi6B-myT'; }
 *   { PLAN_FILE=$'/tmp/plan \xc3\xa9.md'; }                     <- append(key, value)
 *   { FILES=($'a.ts' $'b c.ts'); }                               <- appendArray(key, values)
 *   { A=$'1'; B=$'it\'s'; }                                      <- appendMany({A, B})
 *   # cmdc:block=$'2'                                             <- setBlock(2)
 *   # cmdc:status=$'done'                                         <- setStatus('done')
 *
 * - Metadata are `# cmdc:<key>=<$'..'>` comment lines (bash ignores them); for each key the
 *   last line wins, so status/block changes are appends too. Keys: format, id, command,
 *   owner, created (ISO 8601 UTC), status (running|paused|done|failed), block (integer).
 *   A file without a format line is a legacy (seed or hand-written) file; it may still carry
 *   the other keys (setMeta). A file with no `# cmdc:` line at all is in a foreign format (the
 *   project's own library wrote it): cmdc never writes to it; the header lines the runner gives
 *   it when it adopts the file (setMeta/setStatus/setBlock) go to its sidecar
 *   `.cmdc/meta/<id>` (paths.ts), which readStateMeta and loadState read as if appended.
 * - Every record is one line ending in `\n`. Variables are brace groups of assignments, so a
 *   torn record (a writer killed mid-write(2)) is a syntax error to bash (nothing of it runs)
 *   and is ignored by the parser. Later assignments win, with bash's semantics: a scalar
 *   assigned to a name that holds an array sets element 0.
 * - Values are bytes: `vars`/`arrays` decode them as UTF-8; `varBytes`/`arrayBytes` are exact.
 *
 * Writes: every append takes the instance lock (runtime/store/lock.ts), repairs a torn tail left by
 * a killed writer (truncate to the last complete record, or add the missing newline), then
 * writes its whole record with one write(2) on an O_APPEND descriptor. A torn record can
 * therefore only ever be the last one, and every append that returned is in the file (durable
 * against process death; not fsynced against power loss). Creation and compaction are full
 * rewrites: temp file + fsync + link/rename, under the same lock. Readers take no lock; a
 * reader that sees a torn tail (a writer is mid-write, or died) ignores it, and with
 * `repair` (default) takes the lock and repairs it so that bash `source` succeeds again.
 */
import { closeSync, constants, fstatSync, ftruncateSync, lstatSync, readFileSync, readSync, writeSync } from 'node:fs';
import { openSafe, readSafe } from './safe-fs.js';
import { decode } from '../lang/bytes.js';
import { basename, dirname, resolve } from 'node:path';
import { newWorkflowId, parseWorkflowId } from './ids.js';
import { atomicWriteFile, withLock, type LockOptions } from './lock.js';
import { resolveOwner } from './owner.js';
import { addIndexEntry, removeIndexEntry } from './owner-index.js';
import { idFromStateFileName, lockPath, looksLikePath, metaSidecarPath, stateDir, stateFilePath, type StateDirOptions } from './paths.js';
import {
  assertKeyName,
  formatArrayAssignment,
  formatAssignment,
  formatMetaLine,
  formatRecordLine,
  parseStateText,
  valueBytes,
  type StateRecord,
} from './format.js';
import {
  InvalidValueError,
  InvalidWorkflowIdError,
  StateExistsError,
  StateNotFoundError,
} from './errors.js';
import { makeCmdcDir, makeStateDir } from './ignore.js';

export const STATE_FORMAT = '1';
export const STATUSES = ['running', 'paused', 'done', 'failed'] as const;
export type WorkflowStatus = (typeof STATUSES)[number];

/** done and failed are final: such instances are never discovered and gc may remove them. */
export function isTerminalStatus(s: WorkflowStatus): boolean {
  return s === 'done' || s === 'failed';
}

export function isWorkflowStatus(s: unknown): s is WorkflowStatus {
  return typeof s === 'string' && (STATUSES as readonly string[]).includes(s);
}

const HEADER_COMMENT = "# cmdc state file: `source` it in bash; cmdc parses it (never evaluates). Append-only.\n";

export interface StateMeta {
  /** '1' for files cmdc wrote; '' for legacy (seed) files without a cmdc header. */
  format: string;
  id: string;
  command: string;
  owner: string;
  created: string;
  status: WorkflowStatus;
  block: number;
  /** Other `# cmdc:` keys (last value wins). */
  extra: Record<string, string>;
}

export interface LoadedState {
  id: string;
  path: string;
  meta: StateMeta;
  /** Scalars decoded as UTF-8 (null-prototype object). */
  vars: Record<string, string>;
  /** Indexed arrays decoded as UTF-8 (null-prototype object). */
  arrays: Record<string, string[]>;
  /** The exact bytes of every scalar. */
  varBytes: Record<string, Buffer>;
  /** The exact bytes of every array element. */
  arrayBytes: Record<string, Buffer[]>;
  /** A torn final record (writer killed mid-write) was ignored. */
  torn: boolean;
  /** Every parsed statement in file order (what `source` of the file assigns, in that order). */
  records: StateRecord[];
  mtimeMs: number;
  size: number;
}

export type StateValue = string | Uint8Array;
export type StateRecordInput = Readonly<Record<string, StateValue | readonly StateValue[]>>;

/** A resolved instance: id, state file, state directory. */
export interface StateRef {
  id: string;
  path: string;
  dir: string;
}

export interface CreateStateOptions extends StateDirOptions {
  /** The command that runs the instance (default: the id's prefix). */
  command?: string;
  /** Owner (default: resolveOwner(env), runtime/store/owner.ts). */
  owner?: string;
  /** Initial status (default running). */
  status?: 'running' | 'paused';
  /** Variables written with the header, in the same atomic creation. */
  vars?: StateRecordInput;
  /** Clock for `created` (tests). */
  now?: Date;
  lock?: LockOptions;
}

export interface LoadStateOptions extends StateDirOptions {
  /** Repair a torn tail under the lock (default true). False: strictly read-only. */
  repair?: boolean;
  lock?: LockOptions;
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Resolves an id (validated) or a path to a state file. */
export function resolveStateRef(idOrPath: string, opts: StateDirOptions = {}): StateRef {
  if (looksLikePath(idOrPath)) {
    const path = resolve(opts.cwd ?? process.cwd(), idOrPath);
    const id = idFromStateFileName(basename(path));
    if (id === undefined) throw new InvalidWorkflowIdError(basename(path), 'a state file is named workflow_<id>.sh');
    parseWorkflowId(id);
    return { id, path, dir: dirname(path) };
  }
  parseWorkflowId(idOrPath);
  const dir = stateDir(opts);
  return { id: idOrPath, path: stateFilePath(dir, idOrPath), dir };
}

// ---------------------------------------------------------------------------------------------
// Reading

function emptyMeta(): StateMeta {
  return { format: '', id: '', command: '', owner: '', created: '', status: 'running', block: 0, extra: Object.create(null) };
}

function applyMeta(meta: StateMeta, key: string, raw: Buffer): void {
  const value = raw.toString('utf8');
  switch (key) {
    case 'format': meta.format = value; break;
    case 'id': meta.id = value; break;
    case 'command': meta.command = value; break;
    case 'owner': meta.owner = value; break;
    case 'created': meta.created = value; break;
    case 'status': if (isWorkflowStatus(value)) meta.status = value; break;
    case 'block': if (/^\d{1,15}$/.test(value)) meta.block = Number(value); break;
    default: meta.extra[key] = value;
  }
}

/** Folds parsed records into meta/vars/arrays with bash's assignment semantics. */
export function foldRecords(records: readonly StateRecord[]): Pick<LoadedState, 'meta' | 'vars' | 'arrays' | 'varBytes' | 'arrayBytes'> {
  const meta = emptyMeta();
  const varBytes: Record<string, Buffer> = Object.create(null);
  const arrayBytes: Record<string, Buffer[]> = Object.create(null);
  for (const r of records) {
    if (r.kind === 'meta') applyMeta(meta, r.key, r.value);
    else if (r.kind === 'array') {
      delete varBytes[r.name];
      arrayBytes[r.name] = r.values.slice();
    } else if (r.name in arrayBytes) {
      arrayBytes[r.name]![0] = r.value; // bash: NAME=x on an array sets NAME[0]
    } else {
      varBytes[r.name] = r.value;
    }
  }
  const vars: Record<string, string> = Object.create(null);
  const arrays: Record<string, string[]> = Object.create(null);
  // byte-exact: invalid UTF-8 surrogate-escaped, as the interpreter holds bytes (runtime/lang/bytes.ts)
  for (const k in varBytes) vars[k] = decode(varBytes[k]!);
  for (const k in arrayBytes) arrays[k] = arrayBytes[k]!.map((b) => decode(b));
  return { meta, vars, arrays, varBytes, arrayBytes };
}

function readStateBytes(ref: StateRef): { data: Buffer; mtimeMs: number } {
  let fd: number;
  try {
    fd = openSafe(ref.path, constants.O_RDONLY);
  } catch (err) {
    if (errCode(err) === 'ENOENT') throw new StateNotFoundError(ref.id, ref.path);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    const data = readFileSync(fd);
    return { data, mtimeMs: st.mtimeMs };
  } finally {
    closeSync(fd);
  }
}

/** Reads and parses a state file (by id or path). */
export function loadState(idOrPath: string, opts: LoadStateOptions = {}): LoadedState {
  const ref = resolveStateRef(idOrPath, opts);
  let { data, mtimeMs } = readStateBytes(ref);
  let parsed = parseStateText(data, ref.path);
  if (parsed.missingNewline && opts.repair !== false) {
    repairStateRef(ref, opts.lock);
    ({ data, mtimeMs } = readStateBytes(ref));
    parsed = parseStateText(data, ref.path);
  }
  const folded = foldRecords(parsed.records);
  if (!parsed.records.some((r) => r.kind === 'meta')) applySidecar(folded.meta, ref.dir, ref.id);
  if (folded.meta.id === '') folded.meta.id = ref.id;
  return { id: ref.id, path: ref.path, ...folded, torn: parsed.torn, records: parsed.records, mtimeMs, size: data.length };
}

/**
 * Only the metadata of a state file (cheap: looks at `# cmdc:` lines only), with its mtime.
 * Undefined if the file does not exist.
 */
export function readStateMeta(path: string): { meta: StateMeta; mtimeMs: number } | undefined {
  let data: Buffer;
  let mtimeMs: number;
  let fd: number;
  try {
    fd = openSafe(path, constants.O_RDONLY);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return undefined;
    throw err;
  }
  try {
    mtimeMs = fstatSync(fd).mtimeMs;
    data = readFileSync(fd);
  } finally {
    closeSync(fd);
  }
  const own = ownMeta(data, path);
  if (!own.any) {
    const id = idFromStateFileName(basename(path));
    if (id !== undefined) applySidecar(own.meta, dirname(path), id);
  }
  return { meta: own.meta, mtimeMs };
}

/** The metadata of the file's own `# cmdc:` lines, and whether it has any. */
function ownMeta(data: Buffer, file: string): { meta: StateMeta; any: boolean } {
  const meta = emptyMeta();
  let any = false;
  for (const r of parseStateText(data, file, { metaOnly: true }).records) {
    if (r.kind !== 'meta') continue;
    applyMeta(meta, r.key, r.value);
    any = true;
  }
  return { meta, any };
}

/** The header lines of a foreign-format state file, from its sidecar (see the file comment), over `meta`. */
function applySidecar(meta: StateMeta, dir: string, id: string): void {
  const path = metaSidecarPath(dir, id);
  const data = readSafe(path);
  if (data === undefined) return;
  for (const r of parseStateText(data, path, { metaOnly: true }).records) if (r.kind === 'meta') applyMeta(meta, r.key, r.value);
}

/**
 * Appends header lines for an instance under its lock: to the state file, or to its sidecar
 * when the state file has no `# cmdc:` line of its own (a foreign format cmdc never writes to).
 */
function appendMetaLocked(ref: StateRef, text: string, lock?: LockOptions): void {
  const data = readSafe(ref.path);
  if (data === undefined) throw new StateNotFoundError(ref.id, ref.path);
  if (ownMeta(data, ref.path).any) {
    appendLocked(ref, text, lock);
    return;
  }
  const path = metaSidecarPath(ref.dir, ref.id);
  makeCmdcDir(dirname(path));
  withLock(lockPath(ref.dir, ref.id), () => {
    const fd = openSafe(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
    try {
      writeAll(fd, Buffer.from(text, 'latin1'));
    } finally {
      closeSync(fd);
    }
  }, lock);
}

/** Metadata from the `# cmdc:` lines of state-file bytes (other lines are skipped unparsed). */
export function metaFromBytes(data: Buffer, file = '<state>'): StateMeta {
  const meta = emptyMeta();
  for (const r of parseStateText(data, file, { metaOnly: true }).records) if (r.kind === 'meta') applyMeta(meta, r.key, r.value);
  return meta;
}

/** A typed view of the variables and arrays (unchecked: the generated State type describes it). */
export function view<T extends object = Record<string, string | string[]>>(state: Pick<LoadedState, 'vars' | 'arrays'>): T {
  return Object.assign(Object.create(null), state.vars, state.arrays) as T;
}

// ---------------------------------------------------------------------------------------------
// Writing

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/**
 * With the lock held and `fd` open O_RDWR|O_APPEND: if the file does not end with a newline,
 * truncate a torn last record, or terminate a complete one. Returns what it did.
 */
function repairTailLocked(fd: number, path: string): 'clean' | 'newline' | 'truncated' {
  const size = fstatSync(fd).size;
  if (size === 0) return 'clean';
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return 'clean';
  const data = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const r = readSync(fd, data, off, size - off, off);
    if (r === 0) break;
    off += r;
  }
  const parsed = parseStateText(data.subarray(0, off), path);
  if (parsed.torn) {
    ftruncateSync(fd, parsed.cleanLength);
    return 'truncated';
  }
  writeAll(fd, Buffer.from('\n'));
  return 'newline';
}

function openForAppend(ref: StateRef): number {
  try {
    return openSafe(ref.path, constants.O_RDWR | constants.O_APPEND);
  } catch (err) {
    if (errCode(err) === 'ENOENT') throw new StateNotFoundError(ref.id, ref.path);
    throw err;
  }
}

/** Appends `text` (complete lines) to the instance's state file under its lock. */
function appendLocked(ref: StateRef, text: string, lock?: LockOptions): void {
  const buf = Buffer.from(text, 'latin1'); // the writer only produces ASCII
  withLock(lockPath(ref.dir, ref.id), () => {
    const fd = openForAppend(ref);
    try {
      repairTailLocked(fd, ref.path);
      writeAll(fd, buf);
    } finally {
      closeSync(fd);
    }
  }, lock);
}

/** Repairs a torn tail (see repairTailLocked); returns what was done. */
function repairStateRef(ref: StateRef, lock?: LockOptions): 'clean' | 'newline' | 'truncated' {
  return withLock(lockPath(ref.dir, ref.id), () => {
    const fd = openForAppend(ref);
    try {
      return repairTailLocked(fd, ref.path);
    } finally {
      closeSync(fd);
    }
  }, lock);
}

/** Repairs a state file whose last record was torn by a killed writer. */
export function repairState(idOrPath: string, opts: StateDirOptions & { lock?: LockOptions } = {}): 'clean' | 'newline' | 'truncated' {
  return repairStateRef(resolveStateRef(idOrPath, opts), opts.lock);
}

/** Validated `NAME=...` assignments for a record. */
function assignmentsFor(record: StateRecordInput): string[] {
  const out: string[] = [];
  for (const key of Object.keys(record)) {
    assertKeyName(key);
    const v = record[key]!;
    if (Array.isArray(v)) {
      out.push(formatArrayAssignment(key, (v as readonly StateValue[]).map((x) => valueBytes(key, x))));
    } else {
      out.push(formatAssignment(key, valueBytes(key, v as StateValue)));
    }
  }
  return out;
}

function metaLines(meta: Omit<StateMeta, 'extra'> & { extra?: Record<string, string> }): string {
  let s = formatMetaLine('format', STATE_FORMAT);
  s += formatMetaLine('id', meta.id);
  s += formatMetaLine('command', meta.command);
  s += formatMetaLine('owner', meta.owner);
  s += formatMetaLine('created', meta.created);
  s += formatMetaLine('status', meta.status);
  s += formatMetaLine('block', String(meta.block));
  for (const [k, v] of Object.entries(meta.extra ?? {})) s += formatMetaLine(k, v);
  return s;
}

/** A handle on one instance's state file. Cheap; holds no descriptor. */
export class WorkflowState {
  readonly id: string;
  readonly path: string;
  readonly dir: string;
  private readonly lockOpts: LockOptions | undefined;

  constructor(ref: StateRef, lock?: LockOptions) {
    this.id = ref.id;
    this.path = ref.path;
    this.dir = ref.dir;
    this.lockOpts = lock;
  }

  private get ref(): StateRef {
    return { id: this.id, path: this.path, dir: this.dir };
  }

  /** KEY=value (string as UTF-8, or raw bytes). */
  append(key: string, value: StateValue): void {
    this.appendMany({ [key]: value });
  }

  /** KEY=(v1 v2 ...). */
  appendArray(key: string, values: readonly StateValue[]): void {
    if (!Array.isArray(values)) throw new InvalidValueError(key, 'appendArray needs an array');
    this.appendMany({ [key]: values });
  }

  /** Several keys in one record: one write(2), all or (if the writer is killed) none. */
  appendMany(record: StateRecordInput): void {
    const assignments = assignmentsFor(record);
    if (assignments.length === 0) return;
    appendLocked(this.ref, formatRecordLine(assignments), this.lockOpts);
  }

  /** Appends a status line; done/failed also drop the instance from its owner's index. */
  setStatus(status: WorkflowStatus): void {
    if (!isWorkflowStatus(status)) throw new InvalidValueError('status', `expected one of ${STATUSES.join(', ')}`);
    appendMetaLocked(this.ref, formatMetaLine('status', status), this.lockOpts);
    const owner = readStateMeta(this.path)?.meta.owner ?? '';
    if (owner === '') return;
    if (isTerminalStatus(status)) removeIndexEntry(this.dir, owner, this.id);
    else addIndexEntry(this.dir, owner, this.id);
  }

  /**
   * Appends metadata lines (one write) for keys other than status and block, e.g. the header of
   * a file a command's blocks wrote by hand (id, command, owner, created), which makes it
   * visible to discovery once setStatus indexes it under its owner.
   */
  setMeta(entries: Readonly<Record<string, string>>): void {
    let text = '';
    for (const [k, v] of Object.entries(entries)) {
      if (k === 'status' || k === 'block') throw new InvalidValueError(k, `use set${k === 'status' ? 'Status' : 'Block'}`);
      text += formatMetaLine(k, v);
    }
    if (text !== '') appendMetaLocked(this.ref, text, this.lockOpts);
  }

  /** Appends the current block (a non-negative integer). */
  setBlock(block: number): void {
    if (!Number.isSafeInteger(block) || block < 0) throw new InvalidValueError('block', 'expected a non-negative integer');
    appendMetaLocked(this.ref, formatMetaLine('block', String(block)), this.lockOpts);
  }

  load(opts: { repair?: boolean } = {}): LoadedState {
    return loadState(this.path, { ...opts, lock: this.lockOpts });
  }

  meta(): StateMeta {
    const m = readStateMeta(this.path);
    if (!m) throw new StateNotFoundError(this.id, this.path);
    return m.meta;
  }

  view<T extends object = Record<string, string | string[]>>(): T {
    return view<T>(this.load());
  }
}

/**
 * Creates a new instance: `prefixOrId` is a command prefix (a fresh id is generated) or a full
 * id (which must not exist yet). Writes the header (and `opts.vars`) atomically, then indexes
 * the instance under its owner.
 */
export function createState(prefixOrId: string, opts: CreateStateOptions = {}): WorkflowState {
  const id = prefixOrId.includes('_') ? parseWorkflowId(prefixOrId).id : newWorkflowId(prefixOrId);
  const prefix = parseWorkflowId(id).prefix;
  const dir = stateDir(opts);
  const ref: StateRef = { id, path: stateFilePath(dir, id), dir };
  const owner = opts.owner ?? resolveOwner(opts.env).owner;
  const status = opts.status ?? 'running';
  if (status !== 'running' && status !== 'paused') throw new InvalidValueError('status', 'a new instance is running or paused');
  const command = opts.command ?? prefix;
  const created = (opts.now ?? new Date()).toISOString();
  let text = HEADER_COMMENT + metaLines({ format: STATE_FORMAT, id, command, owner, created, status, block: 0 });
  text += formatRecordLine(assignmentsFor({ WORKFLOW_ID: id }));
  const initial = assignmentsFor(opts.vars ?? {});
  if (initial.length) text += formatRecordLine(initial);
  makeStateDir(dir);
  try {
    atomicWriteFile(ref.path, Buffer.from(text, 'latin1'), { exclusive: true });
  } catch (err) {
    if (errCode(err) === 'EEXIST') throw new StateExistsError(id, ref.path);
    throw err;
  }
  addIndexEntry(dir, owner, id);
  return new WorkflowState(ref, opts.lock);
}

/** The seed library's name for createState. */
export const initWorkflowState = createState;

/** A handle on an existing instance (by id or path); StateNotFoundError if it does not exist. */
export function openState(idOrPath: string, opts: StateDirOptions & { lock?: LockOptions } = {}): WorkflowState {
  const ref = resolveStateRef(idOrPath, opts);
  try {
    lstatSync(ref.path);
  } catch (err) {
    if (errCode(err) === 'ENOENT') throw new StateNotFoundError(ref.id, ref.path);
    throw err;
  }
  return new WorkflowState(ref, opts.lock);
}

export interface Cancelled {
  id: string;
  path: string;
  command: string;
  /** The status before; a done or failed instance is left as it was. */
  was: WorkflowStatus;
  block: number;
}

/**
 * Cancels a running or paused instance (`cmdc state cancel`): its status becomes failed —
 * final, so discovery never picks it again and gc removes it after the TTL — and the header
 * records `cancelled` (when). An instance already done or failed is left alone.
 */
export function cancelState(idOrPath: string, opts: StateDirOptions & { lock?: LockOptions; now?: Date } = {}): Cancelled {
  const ws = openState(idOrPath, opts);
  const meta = ws.meta();
  const out: Cancelled = { id: ws.id, path: ws.path, command: meta.command, was: meta.status, block: meta.block };
  if (isTerminalStatus(meta.status)) return out;
  ws.setMeta({ cancelled: (opts.now ?? new Date()).toISOString() });
  ws.setStatus('failed');
  return out;
}

/** Whether the instance's state file exists. */
export function stateExists(idOrPath: string, opts: StateDirOptions = {}): boolean {
  try {
    lstatSync(resolveStateRef(idOrPath, opts).path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rewrites a state file to its current values only (header + one record per key), under the
 * lock, via temp + fsync + rename. Returns the sizes before and after.
 */
export function compactState(idOrPath: string, opts: StateDirOptions & { lock?: LockOptions } = {}): { before: number; after: number } {
  const ref = resolveStateRef(idOrPath, opts);
  return withLock(lockPath(ref.dir, ref.id), () => {
    const { data } = readStateBytes(ref);
    const parsed = parseStateText(data, ref.path);
    const s = foldRecords(parsed.records);
    const id = s.meta.id || ref.id;
    let text = HEADER_COMMENT + metaLines({ ...s.meta, id });
    for (const k in s.varBytes) text += formatRecordLine([formatAssignment(k, s.varBytes[k]!)]);
    for (const k in s.arrayBytes) text += formatRecordLine([formatArrayAssignment(k, s.arrayBytes[k]!)]);
    const out = Buffer.from(text, 'latin1');
    atomicWriteFile(ref.path, out);
    return { before: data.length, after: out.length };
  }, opts.lock);
}
