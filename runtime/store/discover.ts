/**
 * Finding an instance when no workflow id is given (the seed's "newest state file by prefix"
 * contract, made safe).
 *
 * Candidates are the caller's owner's running/paused instances with the prefix, read from the
 * owner index (runtime/store/owner-index.ts) and verified against each state file's header (owner
 * and status; stale entries are pruned). Exactly one: it is used. Several: AmbiguousInstanceError
 * listing them newest first (mtime orders the list and nothing else) and naming --workflow-id.
 * None: NoInstanceError. Another owner's instance is never returned: it is not in the owner's
 * index, and an entry whose header names another owner is skipped.
 *
 * Cost: one stat (index marker), one readdir of a directory holding only this owner's active
 * instances, one read per candidate: independent of how many state files the directory holds.
 */
import { statSync } from 'node:fs';
import { tryParseWorkflowId } from './ids.js';
import { resolveOwner } from './owner.js';
import { addIndexEntry, listIndexEntries, markIndexComplete, removeIndexEntry } from './owner-index.js';
import { idFromStateFileName, indexMarkerPath, readdirIfExists, stateDir, stateFilePath, type StateDirOptions } from './paths.js';
import { isTerminalStatus, readStateMeta, resolveStateRef, type StateMeta, type WorkflowStatus } from './state.js';
import { AmbiguousInstanceError, NoInstanceError, StateNotFoundError, WrongPrefixError, type CandidateInfo } from './errors.js';

export interface DiscoverOptions extends StateDirOptions {
  /** Only instances whose id starts with `<prefix>_` (default: any prefix). */
  prefix?: string;
  /** Whose instances (default: resolveOwner(env), runtime/store/owner.ts). */
  owner?: string;
  /** Statuses that count (default running and paused). */
  statuses?: readonly WorkflowStatus[];
}

export interface Candidate extends CandidateInfo {
  owner: string;
  block: number;
  status: WorkflowStatus;
}

/** Rebuilds the owner index from the state files' headers (slow path: reads every file). */
export function rebuildIndex(dir: string): number {
  const names = readdirIfExists(dir);
  if (names === undefined) return 0;
  let n = 0;
  for (const name of names) {
    const id = idFromStateFileName(name);
    if (id === undefined || !tryParseWorkflowId(id)) continue;
    const m = readStateMeta(stateFilePath(dir, id));
    if (!m || m.meta.owner === '' || isTerminalStatus(m.meta.status)) continue;
    addIndexEntry(dir, m.meta.owner, id);
    n++;
  }
  markIndexComplete(dir);
  return n;
}

/** Makes sure the owner index is complete (rebuilds it once if its marker is missing). */
export function ensureIndex(dir: string): void {
  try {
    statSync(indexMarkerPath(dir));
  } catch {
    rebuildIndex(dir);
  }
}

/** A state file of the directory and its header (see scanStateFiles). */
export interface ScannedState {
  id: string;
  path: string;
  meta: StateMeta;
  mtimeMs: number;
}

/**
 * Every state file of the directory with its header, newest first (any owner, any status,
 * legacy files included): the slow path for listings (`cmdc state list`, a runner's --list),
 * never for discovery. A file whose header cannot be read is passed to `onError` and skipped.
 */
export function scanStateFiles(dir: string, onError: (path: string, err: Error) => void = () => {}): ScannedState[] {
  const out: ScannedState[] = [];
  const names = readdirIfExists(dir) ?? [];
  for (const name of names) {
    const id = idFromStateFileName(name);
    if (id === undefined || !tryParseWorkflowId(id)) continue;
    const path = stateFilePath(dir, id);
    let m;
    try {
      m = readStateMeta(path);
    } catch (err) {
      onError(path, err as Error);
      continue;
    }
    if (m) out.push({ id, path, meta: m.meta, mtimeMs: m.mtimeMs });
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.id < b.id ? 1 : -1));
}

/** The owner's verified candidates, newest first. */
export function listCandidates(opts: DiscoverOptions = {}): Candidate[] {
  return candidatesIn(stateDir(opts), opts.owner ?? resolveOwner(opts.env).owner, opts);
}

function candidatesIn(dir: string, owner: string, opts: DiscoverOptions): Candidate[] {
  const statuses = opts.statuses ?? ['running', 'paused'];
  ensureIndex(dir);
  const out: Candidate[] = [];
  for (const id of listIndexEntries(dir, owner)) {
    const parsed = tryParseWorkflowId(id);
    if (!parsed) continue;
    if (opts.prefix !== undefined && parsed.prefix !== opts.prefix) continue;
    const path = stateFilePath(dir, id);
    const m = readStateMeta(path);
    if (!m) {
      removeIndexEntry(dir, owner, id); // state file gone
      continue;
    }
    if (m.meta.owner !== owner) continue; // never another owner's instance
    if (isTerminalStatus(m.meta.status)) removeIndexEntry(dir, owner, id);
    if (!statuses.includes(m.meta.status)) continue;
    out.push({ id, path, mtimeMs: m.mtimeMs, status: m.meta.status, command: m.meta.command, owner, block: m.meta.block });
  }
  return out.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.id < b.id ? 1 : -1));
}

/** The one running/paused instance of `prefix` for this owner; typed errors otherwise. */
export function discoverInstance(opts: DiscoverOptions = {}): Candidate {
  return discoverIn(stateDir(opts), opts.owner ?? resolveOwner(opts.env).owner, opts);
}

function discoverIn(dir: string, owner: string, opts: DiscoverOptions): Candidate {
  const candidates = candidatesIn(dir, owner, opts);
  if (candidates.length === 0) throw new NoInstanceError(opts.prefix, owner, dir);
  if (candidates.length > 1) throw new AmbiguousInstanceError(opts.prefix, owner, candidates);
  return candidates[0]!;
}

export interface ResolveInstanceOptions extends DiscoverOptions {
  /** An explicit id (`--workflow-id`): used as is (any owner) after validation. */
  workflowId?: string;
}

/** `--workflow-id` if given (validated, must exist, prefix must match), else discovery. */
export function resolveInstance(opts: ResolveInstanceOptions = {}): { id: string; path: string; dir: string; discovered: boolean } {
  if (opts.workflowId !== undefined && opts.workflowId !== '') {
    const ref = resolveStateRef(opts.workflowId, opts);
    const prefix = tryParseWorkflowId(ref.id)!.prefix;
    if (opts.prefix !== undefined && prefix !== opts.prefix) throw new WrongPrefixError(ref.id, opts.prefix);
    try {
      statSync(ref.path);
    } catch {
      throw new StateNotFoundError(ref.id, ref.path);
    }
    return { ...ref, discovered: false };
  }
  const dir = stateDir(opts);
  const c = discoverIn(dir, opts.owner ?? resolveOwner(opts.env).owner, opts);
  return { id: c.id, path: c.path, dir, discovered: true };
}
