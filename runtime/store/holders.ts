/**
 * Which process is running an instance right now: while the command runner runs steps of an
 * instance it keeps `<state dir>/.cmdc/holders/<id>` holding its `<pid> <start time>`, and
 * removes it when it stops. gc (runtime/store/gc.ts) never removes an instance a live process
 * holds, and may remove the caller's own instances that nobody holds once they are older than
 * the TTL. A holder left by a killed runner names a dead process, so it holds nothing.
 */
import { unlinkSync } from 'node:fs';
import { holderPath } from './paths.js';
import { processAlive, processStartTime } from './owner.js';
import { ensureDir, readSafe, writeSafe } from './safe-fs.js';
import { dirname } from 'node:path';

/** Marks `id` as held by this process; returns the release function (idempotent). */
export function holdInstance(dir: string, id: string): () => void {
  const path = holderPath(dir, id);
  const token = `${process.pid} ${processStartTime(process.pid) ?? '-'}\n`;
  ensureDir(dirname(path));
  writeSafe(path, token);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    try {
      if (readSafe(path)?.toString('latin1') === token) unlinkSync(path);
    } catch {
      /* gone, or replaced by another holder */
    }
  };
}

/** The live process holding `id` (its pid), or undefined when none does. */
export function instanceHolder(dir: string, id: string): number | undefined {
  let text: string | undefined;
  try {
    text = readSafe(holderPath(dir, id))?.toString('latin1');
  } catch {
    return undefined;
  }
  const m = text === undefined ? null : /^(\d+) (\d+|-)\n?$/.exec(text);
  if (!m) return undefined;
  const pid = Number(m[1]);
  return processAlive(pid, m[2] === '-' ? undefined : m[2]) ? pid : undefined;
}
