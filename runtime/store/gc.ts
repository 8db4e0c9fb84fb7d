/**
 * TTL garbage collection of state files (the cleanup the seed promised and never had).
 *
 * Age is the time since the state file was last written (its mtime: every append and status
 * change writes it). With TTL `ttl` (default 7 days; option `ttlMs`, env CMDC_STATE_TTL such
 * as `7d`, `12h`, `90m`), gc removes an instance when its age is over the TTL and:
 *   - its status is done or failed; or
 *   - it is running/paused and no live process holds it (runtime/store/holders.ts: the runner
 *     running one of its steps), and its owner is not provably alive (runtime/store/owner.ts): a
 *     `proc:` owner whose process is gone, or a session/CMDC_OWNER owner that is not the caller's
 *     (unknowable: an instance nobody wrote to for a whole TTL is abandoned) — or it is the
 *     caller's own (the caller is alive, but an instance of its own that nobody runs and nobody
 *     wrote to for a whole TTL is one it abandoned; `--ttl 0` from that session clears them); or
 *   - it is a legacy (seed) or project-format file without a cmdc header, no live process holds
 *     it (the runner running an adopted instance) and the owner its header sidecar names is not
 *     provably alive.
 * A running/paused instance a live process holds is never removed, however old; nor one of
 * another owner that is provably alive (another terminal's shell).
 * Removal happens under the instance lock and only if the file was not written since gc looked.
 * With an instance go its owner-index entry, checkpoints, the command runner's run record
 * (`.cmdc/runs/<id>.json`, runtime/runner/instances.ts), header sidecar (`.cmdc/meta/<id>`),
 * lock and holder files (sidecars whose state file is gone are swept too). gc also sweeps
 * what killed processes leave: index entries, checkpoint directories and run records (over a
 * minute old) whose state file is gone; temp files of atomic writes (`.<name>.<pid>.<hex>.tmp`)
 * whose writer is dead or that are over an hour old; lock and holder files whose process is dead.
 *
 * maybeGc: the cheap call the command runner makes when a run ends (runtime/runner/run.ts). One
 * stat of `.cmdc/gc-stamp`; if the last run is less than `intervalMs` (1 hour) ago it does
 * nothing; otherwise it touches the stamp first (so concurrent runs skip) and runs gc with a
 * bounded cost (at most `maxExamined` old state files judged per pass), never throwing; it also
 * removes rotated error logs beyond the newest CMDC_ERRORS_KEEP (default 20, runtime/store/error-log.ts).
 */
import { readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { writeSafe } from './safe-fs.js';
import { errorLogKeep, pruneRotatedErrorLogs } from './error-log.js';
import { join } from 'node:path';
import { removeCheckpoints } from './checkpoint.js';
import { tryParseWorkflowId } from './ids.js';
import { lockIsStale, removeStaleLock, withLock } from './lock.js';
import { ownerLiveness, processAlive, resolveOwner } from './owner.js';
import { instanceHolder } from './holders.js';
import { listAllIndexEntries, removeIndexEntry } from './owner-index.js';
import {
  checkpointDir,
  cmdcDir,
  gcStampPath,
  holderPath,
  idFromStateFileName,
  lockPath,
  metaSidecarPath,
  readdirIfExists,
  runRecordPath,
  legacyRunRecordPath,
  runRecordsDir,
  stateDir,
  stateFilePath,
  type StateDirOptions,
} from './paths.js';
import { isTerminalStatus, readStateMeta, type WorkflowStatus } from './state.js';
import { InvalidDurationError, LockTimeoutError } from './errors.js';
import { makeCmdcDir, markCmdcDir } from './ignore.js';

export const DEFAULT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const DEFAULT_GC_INTERVAL_MS = 60 * 60 * 1000;
const TEMP_MAX_AGE_MS = 60 * 60 * 1000;
/** A run record is written just before its state file (instances.ts): younger ones may be mid-creation. */
const RECORD_MIN_AGE_MS = 60 * 1000;
const RUN_RECORD_RE = /^workflow_(.+)\.run\.json$/;
/** `.<name>.<pid>.<hex>.tmp` (lock.ts tempPathFor, and the bash library's temp names). */
const TEMP_RE = /^\..+\.(\d+)\.[0-9a-f]+\.tmp$/;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `7d`, `12h`, `30m`, `45s`, `500ms`, `2w`, `1.5h`; a bare number is seconds. */
export function parseDuration(input: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(String(input));
  if (!m) throw new InvalidDurationError(String(input));
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 's']!);
}

/** The TTL from CMDC_STATE_TTL, else the default. */
export function ttlFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  return env.CMDC_STATE_TTL ? parseDuration(env.CMDC_STATE_TTL) : DEFAULT_TTL_MS;
}

export interface GcOptions extends StateDirOptions {
  ttlMs?: number;
  /** Clock (ms since epoch), for tests. */
  now?: number;
  /** Report what would be removed, remove nothing. */
  dryRun?: boolean;
  /** Judge at most this many state files older than the TTL (the rest wait for the next pass). */
  maxExamined?: number;
  /** Never remove these ids (the runner's own instance). */
  keep?: readonly string[];
}

export type GcReason = 'done' | 'failed' | 'abandoned' | 'legacy';

export interface GcRemoval {
  id: string;
  path: string;
  reason: GcReason;
  status: WorkflowStatus | '';
  owner: string;
  ageMs: number;
}

export interface GcReport {
  dir: string;
  ttlMs: number;
  dryRun: boolean;
  removed: GcRemoval[];
  /** State files looked at and kept. */
  kept: number;
  /** Files gc could not judge (unreadable header, busy lock), with the reason. */
  skipped: { path: string; reason: string }[];
  indexEntriesRemoved: number;
  checkpointDirsRemoved: number;
  /** Run records (`.cmdc/runs/<id>.json`, or the older `workflow_<id>.run.json`) removed with their instance or found orphaned. */
  runRecordsRemoved: number;
  tempFilesRemoved: number;
  /** Lock and holder files of dead processes. */
  locksRemoved: number;
  /** maxExamined was reached: old state files are left for the next pass. */
  truncated: boolean;
  /** Rotated error logs removed beyond CMDC_ERRORS_KEEP (maybeGc only). */
  errorLogsRemoved?: number;
}

function tryUnlink(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Runs one gc pass over the state directory. */
export function gc(opts: GcOptions = {}): GcReport {
  const dir = stateDir(opts);
  const env = opts.env ?? process.env;
  const ttlMs = opts.ttlMs ?? ttlFromEnv(env);
  const now = opts.now ?? Date.now();
  const dryRun = opts.dryRun ?? false;
  const report: GcReport = {
    dir, ttlMs, dryRun, removed: [], kept: 0, skipped: [],
    indexEntriesRemoved: 0, checkpointDirsRemoved: 0, runRecordsRemoved: 0, tempFilesRemoved: 0, locksRemoved: 0, truncated: false,
  };
  const names = readdirIfExists(dir);
  if (names === undefined) return report;
  if (!dryRun && names.includes('.cmdc')) markCmdcDir(dir); // a .cmdc made before cmdc marked its directories
  const me = resolveOwner(env).owner;
  const keep = new Set(opts.keep ?? []);
  let examined = 0;

  const runRecords: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.startsWith('.workflow_') && name.endsWith('.tmp')) {
      if (staleTemp(path, name, now) && (dryRun || tryUnlink(path))) report.tempFilesRemoved++;
      continue;
    }
    const runOf = RUN_RECORD_RE.exec(name);
    if (runOf) {
      runRecords.push(runOf[1]!);
      continue;
    }
    const id = idFromStateFileName(name);
    if (id === undefined || !tryParseWorkflowId(id)) continue;
    const mtime = mtimeOf(path);
    if (mtime === undefined) continue;
    const ageMs = now - mtime;
    if (ageMs <= ttlMs || keep.has(id)) {
      report.kept++;
      continue;
    }
    if (opts.maxExamined !== undefined && examined >= opts.maxExamined) {
      report.truncated = true;
      report.kept++;
      continue;
    }
    examined++;
    let meta;
    try {
      meta = readStateMeta(path)?.meta;
    } catch (err) {
      report.skipped.push({ path, reason: (err as Error).message });
      continue;
    }
    if (!meta) continue;
    // in use: a live process runs it (the runner, also for an adopted seed/project-format file)
    // or another owner is provably still there
    const inUse = () => instanceHolder(dir, id) !== undefined || (meta.owner !== me && ownerLiveness(meta.owner, env) === 'alive');
    let reason: GcReason;
    if (meta.format !== '' && isTerminalStatus(meta.status)) reason = meta.status as 'done' | 'failed';
    else if (inUse()) {
      report.kept++;
      continue;
    } else reason = meta.format === '' ? 'legacy' : 'abandoned';
    const removal: GcRemoval = { id, path, reason, status: meta.format === '' ? '' : meta.status, owner: meta.owner, ageMs };
    if (!dryRun) {
      let removed = false;
      try {
        removed = withLock(lockPath(dir, id), () => mtimeOf(path) === mtime && tryUnlink(path), { timeoutMs: 2000 });
      } catch (err) {
        if (!(err instanceof LockTimeoutError)) throw err;
        report.skipped.push({ path, reason: err.message });
        continue;
      }
      if (!removed) {
        report.kept++; // written since we looked: no longer old
        continue;
      }
      if (meta.owner !== '' && removeIndexEntry(dir, meta.owner, id)) report.indexEntriesRemoved++;
      if (removeCheckpoints(dir, id)) report.checkpointDirsRemoved++;
      tryUnlink(metaSidecarPath(dir, id));
      tryUnlink(lockPath(dir, id));
      tryUnlink(holderPath(dir, id));
    }
    report.removed.push(removal);
  }

  for (const name of readdirIfExists(runRecordsDir(dir)) ?? []) {
    if (name.endsWith('.json')) runRecords.push(name.slice(0, -'.json'.length));
    else if (name.startsWith('.') && name.endsWith('.tmp') && staleTemp(join(runRecordsDir(dir), name), name, now)) {
      if (dryRun || tryUnlink(join(runRecordsDir(dir), name))) report.tempFilesRemoved++;
    }
  }
  sweep(dir, report, runRecords, now);
  return report;
}

/** A temp file of an atomic write whose writer is dead (pid in its name), or over an hour old. */
function staleTemp(path: string, name: string, now: number): boolean {
  const t = mtimeOf(path);
  if (t === undefined) return false;
  if (now - t > TEMP_MAX_AGE_MS) return true;
  const m = TEMP_RE.exec(name);
  return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
}

/** Lock files whose holder is dead, leftovers of lock breaking, holder files of dead processes. */
function sweepLocks(dir: string, report: GcReport, now: number): void {
  const locks = join(cmdcDir(dir), 'locks');
  for (const name of readdirIfExists(locks) ?? []) {
    const path = join(locks, name);
    if (/\.lock\.stale\.[0-9a-f]+$/.test(name)) {
      const t = mtimeOf(path);
      if (t !== undefined && now - t > RECORD_MIN_AGE_MS && (report.dryRun || tryUnlink(path))) report.locksRemoved++;
    } else if (name.endsWith('.lock') && (report.dryRun ? lockIsStale(path) : removeStaleLock(path))) {
      report.locksRemoved++;
    }
  }
  const holders = join(cmdcDir(dir), 'holders');
  for (const id of readdirIfExists(holders) ?? []) {
    if (instanceHolder(dir, id) === undefined && (report.dryRun || tryUnlink(holderPath(dir, id)))) report.locksRemoved++;
  }
}

/** Index entries, checkpoint directories and run records whose state file no longer exists. */
function sweep(dir: string, report: GcReport, runRecords: readonly string[], now: number): void {
  const gone = (id: string) => mtimeOf(stateFilePath(dir, id)) === undefined;
  const removedIds = new Set(report.removed.map((r) => r.id));
  sweepLocks(dir, report, now);
  for (const id of runRecords) {
    const age = now - (mtimeOf(runRecordPath(dir, id)) ?? mtimeOf(legacyRunRecordPath(dir, id)) ?? now);
    const doomed = removedIds.has(id) || (gone(id) && age > RECORD_MIN_AGE_MS);
    if (doomed && (report.dryRun || tryUnlink(runRecordPath(dir, id)) || tryUnlink(legacyRunRecordPath(dir, id)))) report.runRecordsRemoved++;
  }
  for (const id of readdirIfExists(join(cmdcDir(dir), 'meta')) ?? []) {
    const age = now - (mtimeOf(metaSidecarPath(dir, id)) ?? now);
    if (!report.dryRun && gone(id) && age > RECORD_MIN_AGE_MS) tryUnlink(metaSidecarPath(dir, id));
  }
  for (const e of listAllIndexEntries(dir)) {
    const doomed = report.dryRun ? removedIds.has(e.id) || gone(e.id) : gone(e.id);
    if (doomed && (report.dryRun || tryUnlink(e.path))) report.indexEntriesRemoved++;
  }
  let ids: string[] = [];
  try {
    ids = readdirSync(join(cmdcDir(dir), 'checkpoints'));
  } catch {
    /* none */
  }
  for (const id of ids) {
    if (!tryParseWorkflowId(id)) continue;
    const doomed = report.dryRun ? removedIds.has(id) || gone(id) : gone(id);
    if (!doomed) {
      // temp files of checkpoint writes killed mid-way
      for (const name of readdirIfExists(checkpointDir(dir, id)) ?? []) {
        const p = join(checkpointDir(dir, id), name);
        if (name.endsWith('.tmp') && staleTemp(p, name, now) && (report.dryRun || tryUnlink(p))) report.tempFilesRemoved++;
      }
      continue;
    }
    if (!report.dryRun) rmSync(checkpointDir(dir, id), { recursive: true, force: true });
    report.checkpointDirsRemoved++;
  }
}

export interface MaybeGcOptions extends GcOptions {
  /** Minimum time between two opportunistic runs (default 1 hour). */
  intervalMs?: number;
}

/**
 * Opportunistic gc for command start-up: at most once per `intervalMs` per state directory,
 * never throws. Returns the report if it ran.
 */
export function maybeGc(opts: MaybeGcOptions = {}): GcReport | undefined {
  try {
    const dir = stateDir(opts);
    const stamp = gcStampPath(dir);
    const now = opts.now ?? Date.now();
    const last = mtimeOf(stamp);
    if (last !== undefined && now - last < (opts.intervalMs ?? DEFAULT_GC_INTERVAL_MS)) return undefined;
    if (mtimeOf(dir) === undefined) return undefined; // no state at all: nothing to do, create nothing
    makeCmdcDir(cmdcDir(dir));
    writeSafe(stamp, new Date(now).toISOString() + '\n');
    const report = gc({ ...opts, dir });
    if (!opts.dryRun) {
      try {
        // rotated error logs beyond the newest CMDC_ERRORS_KEEP (the live log is never touched)
        report.errorLogsRemoved = pruneRotatedErrorLogs(errorLogKeep(opts.env), { env: opts.env ?? process.env }).length;
      } catch {
        // a log directory it cannot read is not gc's failure
      }
    }
    return report;
  } catch {
    return undefined;
  }
}
