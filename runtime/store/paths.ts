/**
 * Where the state runtime keeps its files. Everything lives under one state directory:
 *
 *   ${CMDC_STATE_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/tmp}/
 *     workflow_<id>.sh                     the instance's state file (runtime/store/state.ts)
 *     .cmdc/index-v1                       marker: the owner index below is complete
 *     .cmdc/owners/<owner hash>/<id>       one empty entry per running/paused instance (discover.ts)
 *     .cmdc/locks/<id>.lock                the instance's append/rewrite lock (lock.ts)
 *     .cmdc/checkpoints/<id>/<name>.json   JSON checkpoints (checkpoint.ts)
 *     .cmdc/holders/<id>                   the process running a block of the instance now (holders.ts)
 *     .cmdc/gc-stamp                       last opportunistic gc (gc.ts)
 *     .cmdc/runs/<id>.json                 the command runner's run record (runtime/runner/instances.ts)
 *     .cmdc/meta/<id>                      the header (`# cmdc:` lines) of a state file in the
 *                                          project's own format, which cmdc never writes to (state.ts)
 *     .cmdc/.gitignore                     `*`: git never shows any of it (ignore.ts)
 *
 * As in bash's `${X:-...}`, an empty variable counts as unset. Nothing here touches the disk.
 *
 * The rule is spelled once in TypeScript (stateDirSpelling) and once in bash, for blocks that run
 * the library without cmdc (cmdc_state_dir in runtime/lib/state-persistence.sh). A run resolves
 * it once: the runner's Store holds the directory and passes it down as `{ dir }`, and hands it
 * to blocks as CMDC_STATE_DIR where they would not see the same variables (claude-code profile).
 */
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** Options every state-runtime entry point accepts. */
export interface StateDirOptions {
  /** The state directory; default from the environment as above. */
  dir?: string;
  /** Environment to read CMDC_STATE_DIR / CLAUDE_PROJECT_DIR / owner variables from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Working directory standing in for $PWD (default process.cwd()). */
  cwd?: string;
}

/** The state directory (absolute, normalised). */
export function stateDir(opts: StateDirOptions = {}): string {
  if (opts.dir) return resolve(opts.dir);
  return resolve(stateDirSpelling(opts.env ?? process.env, opts.cwd ?? process.cwd()));
}

/**
 * The state directory as the bash library spells it (cmdc_state_dir):
 * `${CMDC_STATE_DIR:-${CLAUDE_PROJECT_DIR:-$PWD}/.claude/tmp}`, a relative value taken from
 * `pwd` as `$PWD/<value>`, trailing slashes dropped, nothing else normalised (the library
 * builtins print paths exactly as bash would).
 */
export function stateDirSpelling(vars: { CMDC_STATE_DIR?: string; CLAUDE_PROJECT_DIR?: string }, pwd: string): string {
  const sd = vars.CMDC_STATE_DIR;
  const pd = vars.CLAUDE_PROJECT_DIR;
  let d: string;
  if (sd) d = sd;
  else if (pd) d = `${pd.startsWith('/') ? pd : `${pwd}/${pd}`}/.claude/tmp`;
  else d = `${pwd}/.claude/tmp`;
  if (!d.startsWith('/')) d = `${pwd}/${d}`;
  while (d.endsWith('/') && d !== '/') d = d.slice(0, -1);
  return d;
}

export const STATE_FILE_PREFIX = 'workflow_';
export const STATE_FILE_SUFFIX = '.sh';

export function stateFileName(id: string): string {
  return `${STATE_FILE_PREFIX}${id}${STATE_FILE_SUFFIX}`;
}

/** `<dir>/workflow_<id>.sh`. The id must already be validated (runtime/store/ids.ts). */
export function stateFilePath(dir: string, id: string): string {
  return join(dir, stateFileName(id));
}

/** The id in a state file name, or undefined if the name is not `workflow_*.sh`. Not validated. */
export function idFromStateFileName(name: string): string | undefined {
  if (!name.startsWith(STATE_FILE_PREFIX) || !name.endsWith(STATE_FILE_SUFFIX)) return undefined;
  const id = name.slice(STATE_FILE_PREFIX.length, -STATE_FILE_SUFFIX.length);
  return id === '' ? undefined : id;
}

/**
 * `<dir>/.cmdc/runs/<id>.json`: the command runner's record of how an instance was started
 * (runtime/runner/instances.ts); gc removes it with the instance.
 */
export function runRecordPath(dir: string, id: string): string {
  return join(dir, '.cmdc', 'runs', `${id}.json`);
}

/**
 * `<dir>/.cmdc/meta/<id>`: the `# cmdc:` header lines of a state file cmdc did not write (the
 * project's own library wrote it, in its own format): kept here, so the project's file is never
 * modified (runtime/store/state.ts).
 */
export function metaSidecarPath(dir: string, id: string): string {
  return join(dir, '.cmdc', 'meta', id);
}

export function runRecordsDir(dir: string): string {
  return join(dir, '.cmdc', 'runs');
}

/** Where run records were kept before they moved into .cmdc/ (still read, and swept by gc). */
export function legacyRunRecordPath(dir: string, id: string): string {
  return join(dir, `${STATE_FILE_PREFIX}${id}.run.json`);
}

export function cmdcDir(dir: string): string {
  return join(dir, '.cmdc');
}

export function indexMarkerPath(dir: string): string {
  return join(dir, '.cmdc', 'index-v1');
}

export function ownersDir(dir: string): string {
  return join(dir, '.cmdc', 'owners');
}

/** Directory name for an owner: first 24 hex digits of sha256(owner). */
export function ownerHash(owner: string): string {
  return createHash('sha256').update(owner, 'utf8').digest('hex').slice(0, 24);
}

export function ownerIndexDir(dir: string, owner: string): string {
  return join(dir, '.cmdc', 'owners', ownerHash(owner));
}

export function lockPath(dir: string, id: string): string {
  return join(dir, '.cmdc', 'locks', `${id}.lock`);
}

export function checkpointDir(dir: string, id: string): string {
  return join(dir, '.cmdc', 'checkpoints', id);
}

export function holderPath(dir: string, id: string): string {
  return join(dir, '.cmdc', 'holders', id);
}

export function gcStampPath(dir: string): string {
  return join(dir, '.cmdc', 'gc-stamp');
}

/** True if `p` looks like a path to a state file rather than a bare id. */
export function looksLikePath(p: string): boolean {
  return isAbsolute(p) || p.includes('/') || p.endsWith(STATE_FILE_SUFFIX);
}

/** The names in `dir`, or undefined when it does not exist (any other error is thrown). */
export function readdirIfExists(dir: string): string[] | undefined {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
