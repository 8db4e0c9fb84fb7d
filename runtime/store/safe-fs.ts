/**
 * Opening cmdc's own files safely (state files, run records, the error log, locks, the owner
 * index, checkpoints). They hold arguments and values (API keys end up there) and decide what
 * a block does, so:
 *   - never through a symbolic link (O_NOFOLLOW: a link planted in a shared directory would
 *     redirect a write outside the state directory);
 *   - only files owned by the current user and not writable by group or others (another user
 *     could otherwise change what the next block loads); refused with UnsafeFileError saying
 *     which and what to do;
 *   - created 0600, directories 0700, whatever the umask (as ssh and gpg do).
 * Existing files with wider read permissions still work; `cmdc state list` warns about them
 * (modeWarnings).
 */
import { chmodSync, closeSync, constants, existsSync, fchmodSync, fstatSync, mkdirSync, openSync, readFileSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UnsafeFileError } from './errors.js';

export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

const uid = (): number | undefined => (typeof process.getuid === 'function' ? process.getuid() : undefined);

/** Why a file with these stats must not be used, or undefined when it may. */
export function unsafeReason(st: Stats): { reason: string; fix: string } | undefined {
  const me = uid();
  if (st.isSymbolicLink()) return { reason: 'it is a symbolic link (cmdc never follows links for its files)', fix: 'remove the link; if you did not create it, someone else can write to that directory' };
  if (!st.isFile()) return { reason: 'it is not a regular file', fix: 'remove it' };
  if (me !== undefined && st.uid !== me) {
    return { reason: `it is owned by uid ${st.uid}, not by you (uid ${me})`, fix: 'cmdc only uses its files when they are yours; remove it, or run as its owner' };
  }
  if ((st.mode & 0o022) !== 0) {
    return {
      reason: `group or others can write it (mode ${(st.mode & 0o777).toString(8).padStart(4, '0')})`,
      fix: 'chmod go-w on it (cmdc creates its files 0600) if its content is what you expect',
    };
  }
  return undefined;
}

/** Throws UnsafeFileError unless the open file `fd` (at `path`) is safe to use. */
export function checkOpened(fd: number, path: string): Stats {
  const st = fstatSync(fd);
  const bad = unsafeReason(st);
  if (bad) throw new UnsafeFileError(path, bad.reason, bad.fix);
  return st;
}

/**
 * openSync with O_NOFOLLOW, then the ownership/mode check; a file this call created gets mode
 * 0600 exactly. `flags` are numeric open(2) flags. ELOOP (a symlink) becomes UnsafeFileError.
 */
export function openSafe(path: string, flags: number): number {
  let fd: number;
  try {
    fd = openSync(path, flags | constants.O_NOFOLLOW, FILE_MODE);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UnsafeFileError(path, 'it is a symbolic link (cmdc never follows links for its files)', 'remove the link; if you did not create it, someone else can write to that directory');
    }
    throw err;
  }
  try {
    const st = checkOpened(fd, path);
    // created now (or empty and ours): exactly 0600, whatever the umask
    if ((flags & constants.O_CREAT) !== 0 && st.size === 0 && (st.mode & 0o777) !== FILE_MODE) fchmodSync(fd, FILE_MODE);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  return fd;
}

/** The bytes of a file (checked as above), or undefined when it does not exist. */
export function readSafe(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSafe(path, constants.O_RDONLY);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Replaces the content of `path` (created 0600 if missing; never through a link). Not atomic: for small markers. */
export function writeSafe(path: string, data: string | Uint8Array): void {
  const fd = openSafe(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC);
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
  } finally {
    closeSync(fd);
  }
}

/**
 * Makes sure `dir` exists; every directory this call creates (the state directory, `.cmdc/…`,
 * the log directory, and any missing parent such as `.claude`) gets mode 0700 exactly.
 */
export function ensureDir(dir: string): void {
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true, mode: DIR_MODE });
  } catch (err) {
    // name the directory that could not be made (the first missing one), not the leaf asked for
    const e = err as NodeJS.ErrnoException;
    if (e.syscall === 'mkdir' && e.code !== 'EEXIST' && e.code !== 'ENOTDIR') e.path = firstMissing(dir);
    throw err;
  }
  if (created === undefined) return;
  // the umask may have removed owner bits: set 0700 on each directory created, top down
  for (let d = dir; ; d = dirname(d)) {
    chmodSync(d, DIR_MODE);
    if (d === created || dirname(d) === d) break;
  }
}

/** The outermost directory on the way to `dir` that does not exist (`dir` itself when its parent does). */
function firstMissing(dir: string): string {
  let d = dir;
  while (dirname(d) !== d && !existsSync(dirname(d))) d = dirname(d);
  return d;
}

/** A file or directory of cmdc's whose mode lets others read (or write) it, for warnings. */
export interface ModeWarning {
  path: string;
  mode: number;
  /** What is too wide, e.g. "readable by group and others". */
  what: string;
}

/** The warning for `path` with stats `st` (0600 files / 0700 dirs expected), or undefined. */
export function modeWarning(path: string, st: Stats): ModeWarning | undefined {
  const mode = st.mode & 0o777;
  const extra = mode & 0o077;
  if (extra === 0) return undefined;
  const who = [(extra & 0o070) !== 0 ? 'group' : '', (extra & 0o007) !== 0 ? 'others' : ''].filter(Boolean).join(' and ');
  const can = (extra & 0o022) !== 0 ? 'can write' : 'can read';
  return { path, mode, what: `${who} ${can} it` };
}
