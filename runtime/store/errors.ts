/**
 * The typed errors of the per-instance state runtime (ids, state files, locks, discovery,
 * checkpoints). Each carries a stable kebab-case `code` and the error-log type (`errorType`,
 * see runtime/store/error-log.ts) so that `trapErrors` logs it under the right type.
 */
import type { ErrorType } from './error-log.js';

/** Base class: every error the state runtime throws on purpose. */
export class StateRuntimeError extends Error {
  readonly errorType: ErrorType;
  readonly code: string;
  constructor(code: string, message: string, errorType: ErrorType = 'state_error', options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.errorType = errorType;
  }
}

/** A workflow id that does not match `<prefix>_<19 digits>[_<nanoid>]`. */
export class InvalidWorkflowIdError extends StateRuntimeError {
  constructor(readonly id: string, reason: string) {
    super('invalid-workflow-id', `invalid workflow id ${JSON.stringify(id)}: ${reason}`, 'validation_error');
  }
}

/** A command prefix that is not `[A-Za-z][A-Za-z0-9-]*` (at most 64 characters). */
export class InvalidPrefixError extends StateRuntimeError {
  constructor(readonly prefix: string, reason: string) {
    super('invalid-prefix', `invalid workflow prefix ${JSON.stringify(prefix)}: ${reason}`, 'validation_error');
  }
}

/** A state key that is not a bash name, or one that would change how bash behaves. */
export class InvalidKeyError extends StateRuntimeError {
  constructor(readonly key: string, reason: string) {
    super('invalid-state-key', `invalid state key ${JSON.stringify(key)}: ${reason}`, 'validation_error');
  }
}

/** A value the state file cannot hold (a NUL byte, or a non-string). */
export class InvalidValueError extends StateRuntimeError {
  constructor(readonly key: string, reason: string) {
    super('invalid-state-value', `invalid value for state key ${JSON.stringify(key)}: ${reason}`, 'validation_error');
  }
}

/** A state file line that is not one of the forms cmdc reads (see runtime/store/state.ts). */
export class StateParseError extends StateRuntimeError {
  /** The reason alone (the message is `file:line: reason`). */
  readonly reason: string;
  /** Set when the line assigns a key the writer refuses (PATH, IFS, LD_*, CMDC_*, ...). */
  readonly reservedKey: string | undefined;
  constructor(readonly file: string, readonly line: number, reason: string, reservedKey?: string) {
    super('state-parse-error', `${file}:${line}: ${reason}`);
    this.reason = reason;
    this.reservedKey = reservedKey;
  }
}

/** No state file for an explicitly given id. */
export class StateNotFoundError extends StateRuntimeError {
  constructor(readonly id: string, readonly path: string) {
    super('state-not-found', `no state file for workflow ${id} (looked for ${path})`);
  }
}

/** createState with an explicit id whose state file already exists. */
export class StateExistsError extends StateRuntimeError {
  constructor(readonly id: string, readonly path: string) {
    super('state-exists', `workflow ${id} already exists (${path})`);
  }
}

/** A lock that could not be taken within the timeout (its holder is alive but not releasing). */
export class LockTimeoutError extends StateRuntimeError {
  constructor(readonly path: string, readonly timeoutMs: number, holder: string) {
    super('lock-timeout', `could not lock ${path} within ${timeoutMs} ms (held by ${holder || 'unknown'})`, 'timeout_error');
  }
}

/** One candidate instance as discovery reports it. */
export interface CandidateInfo {
  id: string;
  path: string;
  mtimeMs: number;
  status: string;
  command: string;
}

/** Discovery found no running/paused instance of this prefix for this owner. */
export class NoInstanceError extends StateRuntimeError {
  constructor(readonly prefix: string | undefined, readonly owner: string, readonly dir: string) {
    super(
      'no-instance',
      `no running or paused ${prefix ? `"${prefix}" ` : ''}workflow for owner ${owner} in ${dir}; ` +
        `start a new one, or pass --workflow-id <id> (see: cmdc state list)`,
    );
  }
}

/** Discovery found several candidates: the caller must choose with --workflow-id. */
export class AmbiguousInstanceError extends StateRuntimeError {
  constructor(readonly prefix: string | undefined, readonly owner: string, readonly candidates: readonly CandidateInfo[]) {
    super(
      'ambiguous-instance',
      `${candidates.length} running/paused ${prefix ? `"${prefix}" ` : ''}workflows belong to owner ${owner}; ` +
        `pass --workflow-id <id> to choose one (newest first):\n` +
        candidates
          .map((c) => `  --workflow-id ${c.id}   (${c.status}, modified ${new Date(c.mtimeMs).toISOString()})`)
          .join('\n') +
        `\nstop the ones you abandoned with: cmdc state cancel <id>   (cmdc state cancel --latest stops the newest)`,
    );
  }
}

/** An explicit --workflow-id whose prefix is not the command's. */
export class WrongPrefixError extends StateRuntimeError {
  constructor(readonly id: string, readonly expected: string) {
    super('wrong-prefix', `workflow id ${id} does not belong to "${expected}" (expected ${expected}_...)`, 'validation_error');
  }
}

/** A checkpoint name that is not `[A-Za-z0-9][A-Za-z0-9._-]*`. */
export class InvalidCheckpointNameError extends StateRuntimeError {
  constructor(readonly checkpoint: string) {
    super(
      'invalid-checkpoint-name',
      `invalid checkpoint name ${JSON.stringify(checkpoint)}: use letters, digits, '.', '_' and '-', starting with a letter or digit (max 100)`,
      'validation_error',
    );
  }
}

/** A TTL / duration string that cannot be parsed (e.g. `--ttl 7x`). */
export class InvalidDurationError extends StateRuntimeError {
  constructor(readonly input: string) {
    super('invalid-duration', `invalid duration ${JSON.stringify(input)}: use a number with a unit ms, s, m, h, d or w (e.g. 7d, 12h); a bare number is seconds`, 'validation_error');
  }
}

/**
 * A state file, run record, error log or lock that cmdc will not use: a symbolic link, a file
 * owned by another user, or one that others may write (they could make it run something, or
 * read what it holds). The message says which; `fix` what to do.
 */
export class UnsafeFileError extends StateRuntimeError {
  constructor(readonly path: string, reason: string, readonly fix: string) {
    super('unsafe-file', `refusing ${path}: ${reason}`, 'file_error');
  }
}
