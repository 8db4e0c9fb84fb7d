/**
 * Cross-process locking and atomic file replacement (synchronous: callers are short critical
 * sections; Node has no flock).
 *
 * Lock: a lock file created with O_CREAT|O_EXCL holding `<pid> <start time> <nonce>`. A waiter
 * that finds the holder dead (no such pid, or the pid was reused: different start time from
 * /proc) removes the stale lock: it renames the file to a unique name, checks that what it moved
 * is the stale lock it judged (nonce), and deletes it; if it moved a fresh lock by accident
 * (another waiter cleaned up and re-locked in between) it links it back. A lock file that stays
 * empty for more than `emptyStaleMs` (creator killed between create and write) is stale too.
 * A live holder that never releases makes waiters fail with LockTimeoutError.
 *
 * Lock files and atomic writes are created 0600 (runtime/store/safe-fs.ts), lock files with
 * O_EXCL (which never follows a symlink) and read with O_NOFOLLOW.
 *
 * Atomic replace: write a temp file in the same directory, fsync it, rename (or link, for
 * no-clobber creation) over the target, fsync the directory. Readers see the old or the new
 * file, never a mix; a crash leaves at most a `.<name>.<pid>.<nonce>.tmp` file (gc removes old ones).
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive, processStartTime } from './owner.js';
import { LockTimeoutError } from './errors.js';
import { FILE_MODE } from './safe-fs.js';
import { makeCmdcDir } from './ignore.js';

export interface LockOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
  /** An empty lock file older than this is stale (default 2 s). */
  emptyStaleMs?: number;
}

export interface Lock {
  readonly path: string;
  /** Removes the lock if it is still ours. Idempotent. */
  release(): void;
}

/** This process's identity in lock files (start time read once: /proc reads are not free). */
const SELF = `${process.pid} ${processStartTime(process.pid) ?? '-'}`;

/** Blocks the thread for `ms` milliseconds without spinning. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

function readOrEmpty(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    if (code(err) === 'ELOOP') return ''; // a symlink is no lock of ours: stale (breakStaleLock moves the link itself)
    throw err;
  }
  try {
    return readFileSync(fd, 'latin1');
  } finally {
    closeSync(fd);
  }
}

/** Whether the lock content `text` (read from `path`) belongs to a dead holder. */
function isStale(path: string, text: string, emptyStaleMs: number): boolean {
  const m = /^(\d+) (\d+|-) [0-9a-f]+\n?$/.exec(text);
  if (!m) {
    try {
      return Date.now() - statSync(path).mtimeMs > emptyStaleMs;
    } catch {
      return false;
    }
  }
  return !processAlive(Number(m[1]), m[2] === '-' ? undefined : m[2]);
}

/** Removes a stale lock whose content was `text`; true if the caller should retry at once. */
function breakStaleLock(path: string, text: string): boolean {
  const aside = `${path}.stale.${randomBytes(6).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if (code(err) === 'ENOENT') return true;
    throw err;
  }
  const moved = readOrEmpty(aside);
  if (moved !== text) {
    // We moved a lock someone took after our check: put it back if nobody holds the path now.
    try {
      linkSync(aside, path);
    } catch {
      /* the path is taken again: the moved lock's holder keeps running; nothing better to do */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* already gone */
  }
  return true;
}

/** Whether the lock file at `path` belongs to a dead holder (gc's dry run). */
export function lockIsStale(path: string, emptyStaleMs = 2_000): boolean {
  const text = readOrEmpty(path);
  return text !== undefined && isStale(path, text, emptyStaleMs);
}

/** Removes the lock file at `path` if its holder is dead (gc); true if it was removed. */
export function removeStaleLock(path: string, emptyStaleMs = 2_000): boolean {
  const text = readOrEmpty(path);
  if (text === undefined || !isStale(path, text, emptyStaleMs)) return false;
  breakStaleLock(path, text);
  return readOrEmpty(path) === undefined;
}

/** Takes the lock at `path` (creating its directory), waiting while a live holder has it. */
export function acquireLock(path: string, opts: LockOptions = {}): Lock {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const emptyStaleMs = opts.emptyStaleMs ?? 2_000;
  const token = `${SELF} ${Math.floor(Math.random() * 2 ** 48).toString(16)}${(Date.now() % 0x10000).toString(16)}\n`;
  const deadline = Date.now() + timeoutMs;
  let delay = 0.1;
  let lastHolder = '';
  for (;;) {
    let fd: number;
    try {
      // O_CREAT|O_EXCL never follows a symlink; 0600 like every file of cmdc's
      fd = openSync(path, 'wx', FILE_MODE);
    } catch (err) {
      const c = code(err);
      if (c === 'ENOENT') {
        makeCmdcDir(dirname(path));
        continue;
      }
      if (c !== 'EEXIST') throw err;
      const text = readOrEmpty(path);
      if (text === undefined) continue; // released in between
      lastHolder = text.trim();
      if (isStale(path, text, emptyStaleMs) && breakStaleLock(path, text)) continue;
      if (Date.now() >= deadline) throw new LockTimeoutError(path, timeoutMs, lastHolder);
      sleepSync(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 5);
      continue;
    }
    try {
      writeSync(fd, token);
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      path,
      release() {
        if (released) return;
        released = true;
        if (readOrEmpty(path) === token) {
          try {
            unlinkSync(path);
          } catch (err) {
            if (code(err) !== 'ENOENT') throw err;
          }
        }
      },
    };
  }
}

/** Runs `fn` while holding the lock at `path`. */
export function withLock<T>(path: string, fn: () => T, opts?: LockOptions): T {
  const lock = acquireLock(path, opts);
  try {
    return fn();
  } finally {
    lock.release();
  }
}

/** fsync a directory so that a rename/link in it is durable (best effort where unsupported). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* some platforms/filesystems cannot fsync directories */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export interface AtomicWriteOptions {
  /** Default 0600: cmdc's files hold arguments and values. */
  mode?: number;
  /** Fail with EEXIST instead of replacing an existing file (uses link(2)). */
  exclusive?: boolean;
}

/** Temp-file name used by atomicWriteFile for `path`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Writes `data` to `path` atomically: temp file + fsync + rename (or link) + directory fsync. */
export function atomicWriteFile(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const dir = dirname(path);
  makeCmdcDir(dir);
  const tmp = tempPathFor(path);
  const mode = opts.mode ?? FILE_MODE;
  const fd = openSync(tmp, 'wx', mode);
  try {
    fchmodSync(fd, mode); // whatever the umask

    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let off = 0;
      while (off < buf.byteLength) off += writeSync(fd, buf, off, buf.byteLength - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (opts.exclusive) {
      linkSync(tmp, path);
      unlinkSync(tmp);
    } else {
      renameSync(tmp, path);
    }
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* already renamed or never created */
    }
    throw err;
  }
  fsyncDir(dir);
}
