/**
 * The error log: `errors.jsonl`, one JSON object per line, shared by every command instance
 * (TS runtime and the bash library runtime/lib/error-handling.sh write the same format).
 *
 * Location: `${CMDC_LOG_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/data/logs}/errors.jsonl`.
 *
 * Line format (keys always in this order):
 *   {"timestamp":"<ISO 8601, UTC, ms>","command":"…","workflow_id":"…","user_args":"…",
 *    "error_type":"<ErrorType>","message":"…","source":"file.md:line","context":{…}}
 *
 * Concurrency contract: many processes append at once and nothing is ever lost.
 * - An entry is written with ONE write(2) of a complete line on an O_APPEND descriptor, so lines
 *   never interleave or tear.
 * - Rotation is size based and never truncates or deletes: after its append, a writer that sees
 *   the file at or above the limit renames it to a unique `errors.<UTC stamp>-<random>.jsonl`.
 *   A writer that opened the old file just before the rename appends to the renamed inode,
 *   which is kept; a rename that races with another rotation at worst rotates a small file.
 *   Readers merge `errors.jsonl` and every rotated file. Pruning old rotated files is a
 *   separate operation (pruneRotatedErrorLogs: the hourly gc keeps the newest CMDC_ERRORS_KEEP,
 *   default 20; `cmdc errors --prune N`), never part of the write path.
 *
 * Also here: since-parsing for queries, and `trapErrors`, the TS counterpart of the bash
 * library's `setup_bash_error_trap` (log an escaping exception, then rethrow it).
 */
import { closeSync, constants, fstatSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { ensureDir, openSafe, readSafe } from './safe-fs.js';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import { readdirIfExists } from './paths.js';

/** Every error type the log accepts; anything else is rejected. */
export const ERROR_TYPES = [
  'state_error',
  'validation_error',
  'agent_error',
  'parse_error',
  'file_error',
  'timeout_error',
  'execution_error',
] as const;

export type ErrorType = (typeof ERROR_TYPES)[number];

export function isErrorType(value: unknown): value is ErrorType {
  return typeof value === 'string' && (ERROR_TYPES as readonly string[]).includes(value);
}

/** One line of errors.jsonl. */
export interface ErrorEntry {
  timestamp: string;
  command: string;
  workflow_id: string;
  user_args: string;
  error_type: ErrorType;
  message: string;
  /** Where the error was raised, `file.md:line` when known. */
  source: string;
  context: Record<string, unknown>;
}

/** What a caller passes to logError; missing strings default to "", context to {}. */
export interface ErrorInput {
  command: string;
  error_type: ErrorType;
  message: string;
  workflow_id?: string;
  user_args?: string;
  source?: string;
  context?: Record<string, unknown>;
  /** Defaults to the current time; must be an ISO 8601 date if given. */
  timestamp?: string;
}

export interface ErrorLogOptions {
  /** Log directory; default from CMDC_LOG_DIR / CLAUDE_PROJECT_DIR / cwd (see file header). */
  dir?: string;
  /** Environment to resolve defaults from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Working directory for the last-resort default (default process.cwd()). */
  cwd?: string;
  /** Rotation threshold in bytes; default CMDC_ERRORS_MAX_BYTES, else DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /** Clock, for tests. */
  now?: () => Date;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const LOG_FILE_NAME = 'errors.jsonl';
/** Matches the live log and every rotated file (`errors.<stamp>-<rand>.jsonl`). */
const LOG_FILE_RE = /^errors(?:\.[A-Za-z0-9_-]+)?\.jsonl$/;

/** A logError call with an error_type outside ERROR_TYPES, or an otherwise unusable entry. */
export class InvalidErrorEntryError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidErrorEntryError';
  }
}

/** A --since / `since` value that is neither a duration (7d, 12h, 30m) nor an ISO date. */
export class SinceParseError extends RangeError {
  readonly input: string;
  constructor(input: string) {
    super(
      `invalid since value ${JSON.stringify(input)}: expected a duration such as 30s, 30m, 12h, 7d, 2w ` +
        `or an ISO date such as 2025-01-31 or 2025-01-31T12:00:00Z`,
    );
    this.name = 'SinceParseError';
    this.input = input;
  }
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** The log directory, resolved the same way as the bash library (`${A:-${B:-$PWD}/…}`). */
export function errorLogDir(opts: ErrorLogOptions = {}): string {
  if (opts.dir !== undefined) return opts.dir;
  const env = opts.env ?? process.env;
  const explicit = nonEmpty(env.CMDC_LOG_DIR);
  if (explicit !== undefined) return explicit;
  const project = nonEmpty(env.CLAUDE_PROJECT_DIR) ?? opts.cwd ?? process.cwd();
  return join(project, '.claude', 'data', 'logs');
}

export function errorLogPath(opts: ErrorLogOptions = {}): string {
  return join(errorLogDir(opts), LOG_FILE_NAME);
}

/** The rotation threshold: option, else CMDC_ERRORS_MAX_BYTES, else 10 MiB. */
export function errorLogMaxBytes(opts: ErrorLogOptions = {}): number {
  if (opts.maxBytes !== undefined) {
    if (!Number.isFinite(opts.maxBytes) || opts.maxBytes <= 0) {
      throw new RangeError(`maxBytes must be a positive number, got ${opts.maxBytes}`);
    }
    return opts.maxBytes;
  }
  const raw = nonEmpty((opts.env ?? process.env).CMDC_ERRORS_MAX_BYTES);
  if (raw === undefined) return DEFAULT_MAX_BYTES;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n <= 0) {
    throw new RangeError(`CMDC_ERRORS_MAX_BYTES must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function isIsoDate(s: string): boolean {
  return ISO_DATE_RE.test(s) && Number.isFinite(Date.parse(s));
}

/** Builds the complete entry (defaults filled, type checked) without writing it. */
export function makeErrorEntry(input: ErrorInput, now: () => Date = () => new Date()): ErrorEntry {
  if (!isErrorType(input.error_type)) {
    throw new InvalidErrorEntryError(
      `invalid error_type ${JSON.stringify(input.error_type)}; expected one of ${ERROR_TYPES.join(', ')}`,
    );
  }
  if (input.context !== undefined && !isPlainObject(input.context)) {
    throw new InvalidErrorEntryError('error context must be a plain object');
  }
  const timestamp = input.timestamp ?? now().toISOString();
  if (!isIsoDate(timestamp)) {
    throw new InvalidErrorEntryError(`invalid timestamp ${JSON.stringify(timestamp)}; expected an ISO 8601 date`);
  }
  return {
    timestamp,
    command: String(input.command ?? ''),
    workflow_id: String(input.workflow_id ?? ''),
    user_args: String(input.user_args ?? ''),
    error_type: input.error_type,
    message: String(input.message ?? ''),
    source: String(input.source ?? ''),
    context: input.context ?? {},
  };
}

/** The exact line logError writes for an entry (including the trailing newline). */
export function serializeErrorEntry(entry: ErrorEntry): string {
  let json: string;
  try {
    json = JSON.stringify(entry);
  } catch (err) {
    // Circular or BigInt context: keep the entry, say why its context is missing.
    json = JSON.stringify({ ...entry, context: { unserializable_context: String(err) } });
  }
  return json + '\n';
}

/** UTC stamp with microseconds, e.g. 20250131T123456789012Z: sortable, and distinct per rotation. */
function utcStampUs(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const us = Math.min(999, Math.max(0, Math.floor((epochMs - whole) * 1000)));
  const iso = new Date(whole).toISOString(); // 2025-01-31T12:34:56.789Z
  return iso.replace(/[-:]/g, '').replace('.', '').replace('Z', String(us).padStart(3, '0') + 'Z');
}

/** Current time in epoch ms with a sub-millisecond fraction. */
function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Unique name for a rotated log file (`errors.<UTC stamp with µs>-<random>.jsonl`): names sort
 * in rotation order, and never collide, so a rename never replaces a file.
 */
export function rotatedLogName(epochMs: number = preciseNowMs()): string {
  return `errors.${utcStampUs(epochMs)}-${randomBytes(6).toString('hex')}.jsonl`;
}

function writeAll(fd: number, buf: Buffer): void {
  // One write(2) in practice; the loop only guards against a short write (disk full etc.).
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}

/**
 * Appends one entry to the log (single O_APPEND write of a complete line), then rotates the
 * file if it reached the size limit. Synchronous so that it can be called from an exit path.
 * Returns the entry as written.
 */
export function logError(input: ErrorInput, opts: ErrorLogOptions = {}): ErrorEntry {
  const entry = makeErrorEntry(input, opts.now);
  const maxBytes = errorLogMaxBytes(opts);
  const dir = errorLogDir(opts);
  ensureDir(dir);
  appendErrorLine(serializeErrorEntry(entry), { ...opts, dir, maxBytes });
  return entry;
}

/**
 * The write path of logError for a line already serialised (one complete JSON object plus
 * "\n", e.g. built by the bash library's rules): one O_APPEND write, then rotation. The
 * directory must exist.
 */
export function appendErrorLine(line: string | Uint8Array, opts: ErrorLogOptions = {}): void {
  const maxBytes = errorLogMaxBytes(opts);
  const dir = errorLogDir(opts);
  const path = join(dir, LOG_FILE_NAME);
  const fd = openSafe(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
  try {
    writeAll(fd, typeof line === 'string' ? Buffer.from(line, 'utf8') : Buffer.from(line));
    const st = fstatSync(fd);
    if (st.size >= maxBytes) rotateIfSame(path, st.ino, dir);
  } finally {
    closeSync(fd);
  }
}

/** Renames `path` away if it is still the inode we wrote to; losing the race is harmless. */
function rotateIfSame(path: string, ino: number, dir: string): void {
  try {
    if (statSync(path).ino !== ino) return; // someone already rotated it
    renameSync(path, join(dir, rotatedLogName()));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Every log file in the directory: rotated ones (oldest name first), then the live one. */
export function listErrorLogFiles(opts: ErrorLogOptions = {}): string[] {
  const dir = errorLogDir(opts);
  const names = readdirIfExists(dir) ?? [];
  const rotated = names.filter((n) => n !== LOG_FILE_NAME && LOG_FILE_RE.test(n)).sort();
  const live = names.includes(LOG_FILE_NAME) ? [LOG_FILE_NAME] : [];
  return [...rotated, ...live].map((n) => join(dir, n));
}

/** Parses one line; undefined when it is not a well-formed entry. */
export function parseErrorLine(line: string): ErrorEntry | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isPlainObject(v)) return undefined;
  if (typeof v.timestamp !== 'string' || !Number.isFinite(Date.parse(v.timestamp))) return undefined;
  if (!isErrorType(v.error_type)) return undefined;
  for (const k of ['command', 'workflow_id', 'user_args', 'message', 'error_message', 'source'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'string') return undefined;
  }
  if (v.context !== undefined && !isPlainObject(v.context)) return undefined;
  return {
    timestamp: v.timestamp,
    command: (v.command as string | undefined) ?? '',
    workflow_id: (v.workflow_id as string | undefined) ?? '',
    user_args: (v.user_args as string | undefined) ?? '',
    error_type: v.error_type,
    // the seed-style libraries call it error_message (runtime/store/project-log.ts)
    message: (v.message as string | undefined) ?? (v.error_message as string | undefined) ?? '',
    source: (v.source as string | undefined) ?? '',
    context: (v.context as Record<string, unknown> | undefined) ?? {},
  };
}

export interface ErrorLogRead {
  /** Well-formed entries sorted by timestamp (ties keep file/line order). */
  entries: ErrorEntry[];
  /** Non-empty lines that were skipped because they are not well-formed entries. */
  malformed: number;
  /** Files read, rotated first. */
  files: string[];
}

/** Reads and merges the live log and every rotated file. */
export function readErrorLog(opts: ErrorLogOptions = {}): ErrorLogRead {
  const files = listErrorLogFiles(opts);
  const keyed: { t: number; i: number; e: ErrorEntry }[] = [];
  let malformed = 0;
  for (const file of files) {
    const data = readSafe(file);
    if (data === undefined) continue; // rotated under us
    const text = data.toString('utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const e = parseErrorLine(line);
      if (e === undefined) malformed++;
      else keyed.push({ t: Date.parse(e.timestamp), i: keyed.length, e });
    }
  }
  keyed.sort((a, b) => a.t - b.t || a.i - b.i);
  return { entries: keyed.map((k) => k.e), malformed, files };
}

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/** "7d", "12h", "30m", "45s", "2w" (relative to now) or an ISO date → the cutoff Date. */
export function parseSince(input: string, now: Date = new Date()): Date {
  const s = input.trim();
  const m = /^(\d+)\s*([smhdw])$/.exec(s);
  if (m) return new Date(now.getTime() - Number(m[1]) * UNIT_MS[m[2]!]!);
  if (isIsoDate(s)) return new Date(s);
  throw new SinceParseError(input);
}

export interface ErrorQuery {
  type?: ErrorType;
  /** Duration ("7d") or ISO date; or an already resolved Date. */
  since?: string | Date;
  /** Command name; a leading "/" is ignored on both sides ("implement" matches "/implement"). */
  command?: string;
  workflowId?: string;
  /** Keep only the N most recent matches (still returned oldest first). */
  limit?: number;
}

export interface ErrorQueryResult extends ErrorLogRead {
  /** Matches before `limit` was applied. */
  total: number;
}

function normCommand(c: string): string {
  return c.replace(/^\/+/, '');
}

/** Filters the merged log. Throws InvalidErrorEntryError / SinceParseError on bad filters. */
export function queryErrors(q: ErrorQuery = {}, opts: ErrorLogOptions = {}): ErrorQueryResult {
  if (q.type !== undefined && !isErrorType(q.type)) {
    throw new InvalidErrorEntryError(`invalid error type ${JSON.stringify(q.type)}; expected one of ${ERROR_TYPES.join(', ')}`);
  }
  if (q.limit !== undefined && (!Number.isInteger(q.limit) || q.limit < 0)) {
    throw new RangeError(`limit must be a non-negative integer, got ${q.limit}`);
  }
  const cutoff =
    q.since === undefined ? undefined : q.since instanceof Date ? q.since : parseSince(q.since, opts.now?.() ?? new Date());
  const read = readErrorLog(opts);
  const cmd = q.command === undefined ? undefined : normCommand(q.command);
  const matched = read.entries.filter(
    (e) =>
      (q.type === undefined || e.error_type === q.type) &&
      (cutoff === undefined || Date.parse(e.timestamp) >= cutoff.getTime()) &&
      (cmd === undefined || normCommand(e.command) === cmd) &&
      (q.workflowId === undefined || e.workflow_id === q.workflowId),
  );
  const limited = q.limit === undefined ? matched : q.limit === 0 ? [] : matched.slice(-q.limit);
  return { entries: limited, malformed: read.malformed, files: read.files, total: matched.length };
}

/** How many rotated files gc keeps (CMDC_ERRORS_KEEP, default 20: with 10 MiB files ~200 MiB at most). */
export function errorLogKeep(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.CMDC_ERRORS_KEEP;
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : DEFAULT_ERRORS_KEEP;
}

export const DEFAULT_ERRORS_KEEP = 20;

/**
 * Removes rotated files beyond the newest `keep` (by name, i.e. by rotation time). Never touches
 * the live errors.jsonl. Not called by the write path: by gc (runtime/store/gc.ts maybeGc, with
 * {@link errorLogKeep}) and `cmdc errors --prune N`.
 */
export function pruneRotatedErrorLogs(keep: number, opts: ErrorLogOptions = {}): string[] {
  const rotated = listErrorLogFiles(opts).filter((f) => basename(f) !== LOG_FILE_NAME);
  const drop = rotated.slice(0, Math.max(0, rotated.length - keep));
  for (const f of drop) {
    try {
      unlinkSync(f);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return drop;
}

/** Where an error happened, for trapErrors and state-machine logging. */
export interface ErrorLogContext {
  command: string;
  workflowId?: string;
  userArgs?: string;
  source?: string;
  /** Log options (directory, rotation, clock). */
  log?: ErrorLogOptions;
}

/** An error that knows its error-log type (thrown by the runtime's own typed errors). */
export interface TypedError extends Error {
  readonly errorType: ErrorType;
}

/** The log type for an arbitrary thrown value: its own `errorType`, else a guess, else execution_error. */
export function classifyError(err: unknown): ErrorType {
  if (err instanceof Error) {
    const t = (err as Partial<TypedError>).errorType;
    if (isErrorType(t)) return t;
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E(NOENT|ACCES|PERM|EXIST|ISDIR|NOTDIR|NOSPC|ROFS|MFILE)$/.test(code)) return 'file_error';
    if (code === 'ETIMEDOUT' || err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout_error';
    if (err instanceof SyntaxError) return 'parse_error';
  }
  return 'execution_error';
}

/**
 * Runs `fn`; if it throws, logs the error (type from classifyError, message, stack in context)
 * and rethrows it. Errors already logged (flag `logged`) are not logged twice.
 */
export async function trapErrors<T>(ctx: ErrorLogContext, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof Error && (err as { logged?: boolean }).logged === true)) {
      logError(
        {
          command: ctx.command,
          workflow_id: ctx.workflowId,
          user_args: ctx.userArgs,
          source: ctx.source,
          error_type: classifyError(err),
          message: err instanceof Error ? err.message : String(err),
          context: err instanceof Error && err.stack ? { stack: err.stack } : {},
        },
        ctx.log,
      );
    }
    throw err;
  }
}
