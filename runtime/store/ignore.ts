/**
 * cmdc's files never show in the project's `git status` (issue 9 item 8). Directories the state
 * runtime creates for itself are marked with a `.gitignore` holding `*` (git then ignores the
 * directory, the marker included):
 *   - `<state dir>/.cmdc/` (owner index, locks, checkpoints, run records, gc stamp; also `cmdc
 *     build`'s `.cmdc/bin`), always;
 *   - the state directory itself (`.claude/tmp`) when cmdc creates it: nothing of the project's
 *     was there, it holds cmdc's state files. A state directory that already existed is the
 *     project's: cmdc adds nothing to it but its own `.cmdc/`.
 * Directories are made by safe-fs.ts ensureDir (0700). runtime/lib/state-persistence.sh marks
 * the same directories the same way (_cmdc_mkdir).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FILE_MODE, ensureDir } from './safe-fs.js';

export const GITIGNORE_NAME = '.gitignore';
export const GITIGNORE_TEXT = '# Created by cmdc: its own bookkeeping, never part of the project.\n*\n';

/** Writes the marker into `dir` unless a .gitignore is there already. */
function mark(dir: string): void {
  try {
    writeFileSync(join(dir, GITIGNORE_NAME), GITIGNORE_TEXT, { flag: 'wx', mode: FILE_MODE });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** ensureDir for the state directory: when this call creates it, it is marked as cmdc's. */
export function makeStateDir(dir: string): void {
  if (existsSync(dir)) return;
  ensureDir(dir);
  mark(dir);
}

/**
 * ensureDir for a directory at or under a `.cmdc` directory (`<state dir>/.cmdc/locks`, …): a
 * `.cmdc` directory created by this call is marked, and so is the state directory above it
 * when this call created that too. Any other path: plain ensureDir.
 */
export function makeCmdcDir(path: string): void {
  if (existsSync(path)) return;
  let cmdc = path;
  while (basename(cmdc) !== '.cmdc' && dirname(cmdc) !== cmdc) cmdc = dirname(cmdc);
  if (basename(cmdc) !== '.cmdc') {
    ensureDir(path);
    return;
  }
  const state = dirname(cmdc);
  const hadState = existsSync(state);
  const hadCmdc = existsSync(cmdc);
  ensureDir(path);
  if (!hadState) mark(state);
  if (!hadCmdc) mark(cmdc);
}

/** Marks an existing `<state dir>/.cmdc` that predates the marker (gc calls it). */
export function markCmdcDir(stateDir: string): void {
  mark(join(stateDir, '.cmdc'));
}
