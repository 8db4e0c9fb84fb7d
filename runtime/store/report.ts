/**
 * How a failure reaches a user: one line that names the file and the cause, a second line with
 * the fix when there is one, and an exit status that says which kind of failure it was (1 a
 * lookup, 2 usage, and the sysexits.h numbers for the rest, so scripts can tell them apart). Never a stack trace: an error that is
 * not one of these is an internal error (exit 70, "please report"), its trace only shown with
 * CMDC_DEBUG=1. Used by the runner (runtime/runner/run.ts) and the cmdc CLI (cli/main.ts).
 */
import { relative } from 'node:path';
import {
  AmbiguousInstanceError,
  InvalidCheckpointNameError,
  InvalidDurationError,
  InvalidPrefixError,
  InvalidWorkflowIdError,
  LockTimeoutError,
  NoInstanceError,
  StateNotFoundError,
  StateParseError,
  StateRuntimeError,
  UnsafeFileError,
  WrongPrefixError,
} from './errors.js';

/** Exit statuses: 1 and 2 as commands use them, the failures of the system below from sysexits.h. */
export const EXIT = {
  /** No such instance, or several: the caller must choose. */
  lookup: 1,
  /** Bad input on the command line (an id, a duration), as commander reports its own. */
  usage: 2,
  /** A state file that does not parse, or an unusable value. */
  dataErr: 65,
  /** A file that does not exist. */
  noInput: 66,
  /** A bug in cmdc. */
  software: 70,
  /** A file or directory that cannot be created (name too long, read-only file system). */
  cantCreate: 73,
  /** An I/O error (disk full, quota). */
  ioErr: 74,
  /** Try again later (a lock held too long). */
  tempFail: 75,
  /** Permission denied, or a file cmdc refuses to trust (symlink, another owner, writable by others). */
  noPerm: 77,
} as const;

export interface Report {
  /** One line, no trailing newline. */
  message: string;
  /** What to do about it, when cmdc knows (one line). */
  fix?: string;
  exitCode: number;
  /** Not a failure cmdc expected: print "please report". */
  internal: boolean;
}

interface Errno extends Error {
  code?: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

function shown(p: string): string {
  const rel = relative(process.cwd(), p);
  return rel !== '' && !rel.startsWith('..') && rel.length < p.length ? rel : p;
}

/** A system call error (EACCES, ENAMETOOLONG, ...) as a report, or undefined if `e` is none. */
function fsReport(e: Errno): Report | undefined {
  const code = e.code;
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) return undefined;
  const path = e.path ? shown(e.path) : 'a file';
  const op = e.syscall ? ` (${e.syscall})` : '';
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return {
        message: `permission denied: ${path}${op}`,
        fix: `make it readable and writable by you (ls -ld ${path}; chmod u+rwX), or point CMDC_STATE_DIR / CMDC_LOG_DIR at a directory you own`,
        exitCode: EXIT.noPerm,
        internal: false,
      };
    case 'ELOOP':
      return {
        message: `${path} is a symbolic link: cmdc never follows links for its state files${op}`,
        fix: `remove the link (rm ${path}); if you did not create it, someone else can write to that directory`,
        exitCode: EXIT.noPerm,
        internal: false,
      };
    case 'ENAMETOOLONG':
      return {
        message: `file name too long: ${path} (a path component is over 255 bytes, or the path over 4096)${op}`,
        fix: 'use a shorter state directory (CMDC_STATE_DIR) or project path',
        exitCode: EXIT.cantCreate,
        internal: false,
      };
    case 'EROFS':
      return { message: `read-only file system: ${path}${op}`, fix: 'point CMDC_STATE_DIR at a writable directory', exitCode: EXIT.cantCreate, internal: false };
    case 'ENOSPC':
    case 'EDQUOT':
      return { message: `no space left on device writing ${path}${op}`, fix: 'free some space (cmdc state gc removes old instances)', exitCode: EXIT.ioErr, internal: false };
    case 'ENOENT':
    case 'ENOTDIR':
      return { message: `no such file or directory: ${path}${op}`, exitCode: EXIT.noInput, internal: false };
    case 'EISDIR':
      return { message: `${path} is a directory${op}`, exitCode: EXIT.noInput, internal: false };
    case 'EMFILE':
    case 'ENFILE':
    case 'EAGAIN':
    case 'EBUSY':
      return { message: `${e.message}${op}`, fix: 'try again', exitCode: EXIT.tempFail, internal: false };
    case 'EIO':
      return { message: `I/O error on ${path}${op}`, exitCode: EXIT.ioErr, internal: false };
    default:
      return undefined;
  }
}

/** What to tell the user about `err`, and the exit status. */
export function reportError(err: unknown): Report {
  if (err instanceof StateParseError) {
    return {
      message: err.message,
      fix: 'cmdc parses state files and never runs them; if you did not write that line, the file was changed by someone else (cmdc state cancel <id> stops the instance)',
      exitCode: EXIT.dataErr,
      internal: false,
    };
  }
  if (err instanceof UnsafeFileError) return { message: err.message, fix: err.fix, exitCode: EXIT.noPerm, internal: false };
  if (err instanceof NoInstanceError || err instanceof AmbiguousInstanceError) return { message: err.message, exitCode: EXIT.lookup, internal: false };
  if (err instanceof StateNotFoundError) return { message: err.message, exitCode: EXIT.lookup, internal: false };
  if (err instanceof LockTimeoutError) return { message: err.message, fix: 'another process holds the instance; try again when it is done', exitCode: EXIT.tempFail, internal: false };
  if (
    err instanceof InvalidWorkflowIdError ||
    err instanceof InvalidPrefixError ||
    err instanceof WrongPrefixError ||
    err instanceof InvalidDurationError ||
    err instanceof InvalidCheckpointNameError
  ) {
    return { message: err.message, exitCode: EXIT.usage, internal: false };
  }
  if (err instanceof StateRuntimeError) return { message: err.message, exitCode: EXIT.dataErr, internal: false };
  const fs = err instanceof Error ? fsReport(err as Errno) : undefined;
  if (fs) return fs;
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return {
    message: `internal error: ${text.split('\n')[0]}`,
    fix: 'this is a bug in cmdc, please report it (CMDC_DEBUG=1 shows the stack trace)',
    exitCode: EXIT.software,
    internal: true,
  };
}

/** The lines to print for `err` after `prefix` (e.g. `/implement: `), with the trace when `debug`. */
export function formatReport(prefix: string, err: unknown, debug: boolean): { text: string; exitCode: number } {
  const r = reportError(err);
  let text = `${prefix}${r.message}\n`;
  if (r.fix) text += `  ${r.fix}\n`;
  if (debug && err instanceof Error && err.stack) text += `${err.stack}\n`;
  return { text, exitCode: r.exitCode };
}

/** Whether CMDC_DEBUG asks for stack traces. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CMDC_DEBUG;
  return v !== undefined && v !== '' && v !== '0';
}
