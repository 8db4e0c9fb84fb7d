/**
 * TTL garbage collection of state files (the cleanup the seed promised and never had).
 *
 * Age is the time since the state file was last written (its mtime: every append and status
 * change writes it). With TTL `ttl` (default 7 days; option `ttlMs`, env CMDC_STATE_TTL such
 * as `7d`, `12h`, `90m`), gc removes an instance when its age is over the TTL and:
 *   - its status is done or failed; or
 *   - it is running/paused and its owner is not provably alive (runtime/store/owner.ts): a `proc:`
 *     owner whose process is gone, or a session/CMDC_OWNER owner that is not the caller's
 *     (unknowable: an instance nobody wrote to for a whole TTL is abandoned); or
 *   - it is a legacy (seed) file without a cmdc header.
 * A running/paused instance whose owner is provably alive is never removed, however old.
 * Removal happens under the instance lock and only if the file was not written since gc looked.
 * With an instance go its owner-index entry, checkpoints, the command runner's run record
 * (`.cmdc/runs/<id>.json`, runtime/runner/instances.ts) and lock file. gc also sweeps index entries,
 * checkpoint directories and run records whose state file is gone, and temp files over an
 * hour old.
 *
 * maybeGc: the cheap call commands make at start. One stat of `.cmdc/gc-stamp`; if the last
 * run is less than `intervalMs` (1 hour) ago it does nothing; otherwise it touches the stamp
 * first (so concurrent starters skip) and runs gc, never throwing.
 */
import { readdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { writeSafe } from './safe-fs.js';
import { join } from 'node:path';
import { removeCheckpoints } from './checkpoint.js';
import { tryParseWorkflowId } from './ids.js';
import { withLock } from './lock.js';
import { ownerLiveness } from './owner.js';
import { listAllIndexEntries, removeIndexEntry } from './owner-index.js';
import {
  checkpointDir,
  cmdcDir,
  gcStampPath,
  idFromStateFileName,
  lockPath,
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
const RUN_RECORD_RE = /^workflow_(.+)\.run\.json$/;

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
  const report: GcReport = { dir, ttlMs, dryRun, removed: [], kept: 0, skipped: [], indexEntriesRemoved: 0, checkpointDirsRemoved: 0, runRecordsRemoved: 0, tempFilesRemoved: 0 };
  const names = readdirIfExists(dir);
  if (names === undefined) return report;
  if (!dryRun && names.includes('.cmdc')) markCmdcDir(dir); // a .cmdc made before cmdc marked its directories

  const runRecords: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.startsWith('.workflow_') && name.endsWith('.tmp')) {
      const t = mtimeOf(path);
      if (t !== undefined && now - t > TEMP_MAX_AGE_MS && (dryRun || tryUnlink(path))) report.tempFilesRemoved++;
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
    if (ageMs <= ttlMs) {
      report.kept++;
      continue;
    }
    let meta;
    try {
      meta = readStateMeta(path)?.meta;
    } catch (err) {
      report.skipped.push({ path, reason: (err as Error).message });
      continue;
    }
    if (!meta) continue;
    let reason: GcReason;
    if (meta.format === '') reason = 'legacy';
    else if (isTerminalStatus(meta.status)) reason = meta.status as 'done' | 'failed';
    else if (ownerLiveness(meta.owner, env) === 'alive') {
      report.kept++;
      continue;
    } else reason = 'abandoned';
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
      tryUnlink(lockPath(dir, id));
    }
    report.removed.push(removal);
  }

  for (const name of readdirIfExists(runRecordsDir(dir)) ?? []) {
    if (name.endsWith('.json')) runRecords.push(name.slice(0, -'.json'.length));
  }
  sweep(dir, report, runRecords);
  return report;
}

/** Index entries, checkpoint directories and run records whose state file no longer exists. */
function sweep(dir: string, report: GcReport, runRecords: readonly string[]): void {
  const gone = (id: string) => mtimeOf(stateFilePath(dir, id)) === undefined;
  const removedIds = new Set(report.removed.map((r) => r.id));
  for (const id of runRecords) {
    const doomed = report.dryRun ? removedIds.has(id) || gone(id) : gone(id);
    if (doomed && (report.dryRun || tryUnlink(runRecordPath(dir, id)) || tryUnlink(legacyRunRecordPath(dir, id)))) report.runRecordsRemoved++;
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
    if (!doomed) continue;
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
    return gc({ ...opts, dir });
  } catch {
    return undefined;
  }
}
