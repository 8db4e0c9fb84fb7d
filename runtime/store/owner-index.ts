/**
 * The per-owner index that makes discovery O(instances of this owner) instead of O(files):
 * `<state dir>/.cmdc/owners/<sha256(owner)[:24]>/<id>`, one small file per running or paused
 * instance (its content is the owner string, for humans). Entries are added at creation and
 * when an instance goes back to running/paused, and removed when it becomes done/failed or is
 * garbage-collected. The state file header stays the source of truth: discovery verifies every
 * entry against it and prunes entries that are stale. `.cmdc/index-v1` marks an index that is
 * complete; without it (fresh or deleted `.cmdc/`), discovery rebuilds the index once.
 */
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { writeSafe } from './safe-fs.js';
import { indexMarkerPath, ownerIndexDir, ownersDir } from './paths.js';
import { makeCmdcDir } from './ignore.js';

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Records `id` as a running/paused instance of `owner`. Idempotent. */
export function addIndexEntry(dir: string, owner: string, id: string): void {
  const d = ownerIndexDir(dir, owner);
  try {
    writeSafe(join(d, id), owner);
  } catch (err) {
    if (code(err) !== 'ENOENT') throw err;
    makeCmdcDir(d);
    writeSafe(join(d, id), owner);
  }
}

/** Removes `id` from `owner`'s entries; true if an entry was removed. */
export function removeIndexEntry(dir: string, owner: string, id: string): boolean {
  try {
    unlinkSync(join(ownerIndexDir(dir, owner), id));
    return true;
  } catch (err) {
    if (code(err) === 'ENOENT') return false;
    throw err;
  }
}

/** The ids indexed for `owner` (unverified). */
export function listIndexEntries(dir: string, owner: string): string[] {
  try {
    return readdirSync(ownerIndexDir(dir, owner));
  } catch (err) {
    if (code(err) === 'ENOENT' || code(err) === 'ENOTDIR') return [];
    throw err;
  }
}

/** Every entry of every owner, as `{ hash, id, path }` (for gc's sweep). */
export function listAllIndexEntries(dir: string): { hash: string; id: string; path: string }[] {
  const out: { hash: string; id: string; path: string }[] = [];
  let hashes: string[];
  try {
    hashes = readdirSync(ownersDir(dir));
  } catch (err) {
    if (code(err) === 'ENOENT') return out;
    throw err;
  }
  for (const hash of hashes) {
    let ids: string[];
    try {
      ids = readdirSync(join(ownersDir(dir), hash));
    } catch {
      continue;
    }
    for (const id of ids) out.push({ hash, id, path: join(ownersDir(dir), hash, id) });
  }
  return out;
}

/** Writes the "index complete" marker. */
export function markIndexComplete(dir: string): void {
  makeCmdcDir(ownersDir(dir));
  writeSafe(indexMarkerPath(dir), 'cmdc owner index v1\n');
}
