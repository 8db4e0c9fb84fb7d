/**
 * JSON checkpoints: structured values an instance wants to keep beside its bash-shaped state
 * (parsed plans, lists of objects, agent results).
 *
 * Path: `<state dir>/.cmdc/checkpoints/<id>/<name>.json`. Names are
 * `[A-Za-z0-9][A-Za-z0-9._-]*` (at most 100 characters, never `..`). Each save is an atomic
 * replace (temp + fsync + rename): a reader sees the previous or the new value, never a torn
 * one. gc removes an instance's checkpoints with the instance.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseWorkflowId } from './ids.js';
import { atomicWriteFile } from './lock.js';
import { readSafe } from './safe-fs.js';
import { checkpointDir, stateDir, type StateDirOptions } from './paths.js';
import { InvalidCheckpointNameError, InvalidValueError } from './errors.js';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

function assertName(name: string): void {
  if (typeof name !== 'string' || !NAME_RE.test(name) || name.includes('..')) throw new InvalidCheckpointNameError(String(name));
}

/** Where checkpoint `name` of instance `id` lives. */
export function checkpointPath(id: string, name: string, opts: StateDirOptions = {}): string {
  parseWorkflowId(id);
  assertName(name);
  return join(checkpointDir(stateDir(opts), id), `${name}.json`);
}

/** Saves `value` as JSON, atomically. Returns the path. */
export function saveCheckpoint(id: string, name: string, value: unknown, opts: StateDirOptions = {}): string {
  const path = checkpointPath(id, name, opts);
  const json = JSON.stringify(value, null, 2);
  if (json === undefined) throw new InvalidValueError(name, 'a checkpoint must be JSON-serialisable (got undefined, a function or a symbol)');
  atomicWriteFile(path, json + '\n');
  return path;
}

/** The saved value, or undefined if there is no such checkpoint. */
export function loadCheckpoint<T = unknown>(id: string, name: string, opts: StateDirOptions = {}): T | undefined {
  const path = checkpointPath(id, name, opts);
  const data = readSafe(path);
  if (data === undefined) return undefined;
  return JSON.parse(data.toString('utf8')) as T;
}

/** Names of the instance's checkpoints, sorted. */
export function listCheckpoints(id: string, opts: StateDirOptions = {}): string[] {
  parseWorkflowId(id);
  try {
    return readdirSync(checkpointDir(stateDir(opts), id))
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .map((f) => f.slice(0, -'.json'.length))
      .sort();
  } catch {
    return [];
  }
}

/** Removes every checkpoint of the instance; true if there were any. */
export function removeCheckpoints(dir: string, id: string): boolean {
  const d = checkpointDir(dir, id);
  try {
    readdirSync(d);
  } catch {
    return false;
  }
  rmSync(d, { recursive: true, force: true });
  return true;
}
