/**
 * The runner's failure entries in the project's own error log (issue 9 item 9). A project whose
 * library writes `errors.jsonl` in its own shape (the seed's: `error_message` instead of
 * `message`, plus `environment`, `stack`, `status`, `status_updated_at`, `repair_plan_path`, …)
 * has a /errors command that reads that shape; an entry in cmdc's shape would be invisible or
 * broken there. So before writing, the runner looks at the newest entries already in the log
 * and, when they are not cmdc's shape, writes its entry with exactly their keys, in their order:
 *   - its own fields under the project's names (message -> error_message / error / msg, …);
 *   - `timestamp` in the project's precision (`…:56Z` or `…:56.789Z`);
 *   - `stack`: [source] (an array) or source (a string), as the project's entries hold it;
 *   - `environment`: the value the newest entry has (the same machine and mode);
 *   - `status`: the value a new entry has in the log (the most frequent status among entries
 *     whose `status_*` companions are still null; else the most frequent; else "ERROR");
 *   - any other key: null ([] / {} when the project's value is an array / object).
 * An empty or missing log, or one in cmdc's shape, gets cmdc's format (error-log.ts).
 */
import { closeSync, constants, fstatSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir, openSafe } from './safe-fs.js';
import { appendErrorLine, errorLogDir, logError, makeErrorEntry, type ErrorEntry, type ErrorInput, type ErrorLogOptions } from './error-log.js';

/** How many bytes of the log's end are read to learn its shape. */
const TAIL_BYTES = 64 * 1024;

/** cmdc's keys, in its order (error-log.ts ErrorEntry). */
const CMDC_KEYS = ['timestamp', 'command', 'workflow_id', 'user_args', 'error_type', 'message', 'source', 'context'];

/** Names projects give cmdc's fields. */
const SYNONYMS: Record<string, keyof ErrorEntry> = {
  timestamp: 'timestamp',
  time: 'timestamp',
  ts: 'timestamp',
  command: 'command',
  cmd: 'command',
  workflow_id: 'workflow_id',
  workflow: 'workflow_id',
  user_args: 'user_args',
  args: 'user_args',
  arguments: 'user_args',
  error_type: 'error_type',
  type: 'error_type',
  message: 'message',
  error_message: 'message',
  error: 'message',
  msg: 'message',
  source: 'source',
  location: 'source',
  context: 'context',
  details: 'context',
};

/** The project's entry shape, learnt from the newest entries; null when the log is cmdc's shape or empty. */
export interface LogShape {
  keys: string[];
  /** The newest entry (values of keys cmdc has no field for). */
  newest: Record<string, unknown>;
  /** The status a new entry gets, when the entries have `status`. */
  newStatus: string | null;
  /** Whether the project's timestamps have fractional seconds. */
  fractional: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The last `TAIL_BYTES` of the log, or '' when it does not exist. */
function readTail(path: string): string {
  let fd: number;
  try {
    fd = openSafe(path, constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    const len = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(len);
    let off = 0;
    while (off < len) {
      const n = readSync(fd, buf, off, len - off, size - len + off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The shape of the entries at the end of `path` (see LogShape). */
export function learnLogShape(path: string): LogShape | null {
  const lines = readTail(path).split('\n');
  const entries: Record<string, unknown>[] = [];
  // the first line of a partial tail may be cut: it simply fails to parse
  for (const line of lines) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (isObject(v)) entries.push(v);
    } catch {
      /* not an entry */
    }
  }
  const newest = entries[entries.length - 1];
  if (!newest) return null;
  const keys = Object.keys(newest);
  if (keys.length === CMDC_KEYS.length && keys.every((k, i) => k === CMDC_KEYS[i])) return null;
  const stamp = newest[keys.find((k) => SYNONYMS[k] === 'timestamp') ?? 'timestamp'];
  return { keys, newest, newStatus: newStatusOf(entries), fractional: typeof stamp === 'string' && /:\d\d\.\d+/.test(stamp) };
}

function mostFrequent(values: string[]): string | null {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)!) best = v;
  return best;
}

function newStatusOf(entries: Record<string, unknown>[]): string | null {
  const withStatus = entries.filter((e) => typeof e.status === 'string');
  if (!withStatus.length) return null;
  const fresh = withStatus.filter((e) => Object.keys(e).every((k) => !k.startsWith('status_') || e[k] === null));
  return mostFrequent(fresh.map((e) => e.status as string)) ?? mostFrequent(withStatus.map((e) => e.status as string)) ?? 'ERROR';
}

/** cmdc's entry with the project's keys, in the project's order (see the file header). */
export function shapeEntry(entry: ErrorEntry, shape: LogShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of shape.keys) {
    const field = SYNONYMS[k];
    const theirs = shape.newest[k];
    if (field === 'timestamp') out[k] = shape.fractional ? entry.timestamp : entry.timestamp.replace(/\.\d+Z$/, 'Z');
    else if (field) out[k] = entry[field];
    else if (k === 'stack') out[k] = Array.isArray(theirs) ? [entry.source] : typeof theirs === 'string' ? entry.source : null;
    else if (k === 'environment') out[k] = theirs ?? null;
    else if (k === 'status') out[k] = shape.newStatus ?? 'ERROR';
    else out[k] = Array.isArray(theirs) ? [] : isObject(theirs) ? {} : null;
  }
  return out;
}

/**
 * logError, in the shape the project's log already holds (cmdc's own when the log is empty,
 * missing, or in cmdc's shape). Returns the line written, without its newline.
 */
export function logErrorAsProject(input: ErrorInput, opts: ErrorLogOptions = {}): string {
  const dir = errorLogDir(opts);
  const shape = learnLogShape(join(dir, 'errors.jsonl'));
  if (!shape) return JSON.stringify(logError(input, opts));
  const line = JSON.stringify(shapeEntry(makeErrorEntry(input, opts.now), shape));
  ensureDir(dir);
  appendErrorLine(line + '\n', { ...opts, dir });
  return line;
}

/** The size and inode of the log now (to tell whether a block wrote to it). */
export function logMark(opts: ErrorLogOptions = {}): string {
  try {
    const fd = openSafe(join(errorLogDir(opts), 'errors.jsonl'), constants.O_RDONLY);
    try {
      const st = fstatSync(fd);
      return `${st.ino}:${st.size}`;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 'none';
  }
}
