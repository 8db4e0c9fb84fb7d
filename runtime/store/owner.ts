/**
 * Who owns a workflow instance, and whether an owner is still alive.
 *
 * The owner is recorded in the state file header at creation; discovery (no workflow id given)
 * only ever returns instances of the caller's owner. The caller's owner is, in order:
 *
 * 1. `CMDC_OWNER`, verbatim, if set and non-empty: explicit, for scripts, CI and tests.
 * 2. `session:${CLAUDE_CODE_SESSION_ID}` if set: Claude Code sets it in every Bash tool process;
 *    the blocks of one session share it, two sessions differ (notes/claude-code.md).
 * 3. `proc:<pid>:<start time>` of the nearest ancestor process that is not a transient
 *    launcher. Walking up from our parent, we skip: shells running a script or `-c` string
 *    (Claude Code runs each tool call as `bash -c ...`), `npm`/`npx`/`pnpm`/`yarn`/`tsx`, node
 *    running one of those, and wrappers (`env`, `nice`, `nohup`, `timeout`, `time`, `xargs`,
 *    `setsid`, `stdbuf`, `flock`, `sudo`, `make`), and subshells a shell forked (`( cmd; true )`:
 *    same shell and argv as their parent). The first other ancestor is the long-lived
 *    thing that runs the blocks one by one: the interactive shell of a terminal, or the
 *    Claude Code process (older versions without a session id). Its start time (field 22 of
 *    /proc/<pid>/stat) makes the key immune to pid reuse. We do not use the controlling tty:
 *    Claude Code tool processes have none, and a tty name is reused by the next terminal.
 * 4. `user:<uid>@<host>` if /proc is unavailable or the walk reaches init: one owner for all of
 *    the user's instances. That is safe (several candidates give an ambiguity error, never a
 *    silent pick), just less convenient.
 *
 * Liveness (for gc): a `proc:` owner is alive iff that pid exists with that start time. A
 * session or CMDC_OWNER owner is alive if it is the caller's own owner (we are running in it);
 * otherwise it cannot be checked ("unknown"), and gc treats an instance of such an owner as
 * abandoned only once its state file has not been written for longer than the TTL.
 */
import { readFileSync, statSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { basename } from 'node:path';

export type OwnerSource = 'env' | 'session' | 'process' | 'user';

export interface OwnerInfo {
  owner: string;
  source: OwnerSource;
  /** Human-readable explanation, e.g. `ancestor pid 1234 (zsh)`. */
  detail: string;
}

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Start time in clock ticks since boot (field 22). */
  startTime: string;
}

/** /proc/<pid>/stat, or undefined if the process does not exist or /proc is unavailable. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); field 22 (starttime) is rest[19].
  const startTime = rest[19];
  if (startTime === undefined) return undefined;
  return { pid, comm: text.slice(open + 1, close), state: rest[0]!, ppid: Number(rest[1]), startTime };
}

/** argv of a process from /proc/<pid>/cmdline ([] if unreadable). */
export function readProcArgv(pid: number): string[] {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const parts = raw.split('\0');
    if (parts.length && parts[parts.length - 1] === '') parts.pop();
    return parts;
  } catch {
    return [];
  }
}

/** Start time of a live process (clock ticks since boot), undefined if it does not exist. */
export function processStartTime(pid: number): string | undefined {
  const s = readProcStat(pid);
  return s && s.state !== 'Z' && s.state !== 'X' ? s.startTime : undefined;
}

function hasProc(): boolean {
  try {
    statSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether process `pid` is alive, and (if `startTime` is given) is the same process that had
 * that start time. Without /proc, falls back to kill(pid, 0).
 */
export function processAlive(pid: number, startTime?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (hasProc()) {
    const s = readProcStat(pid);
    if (!s || s.state === 'Z' || s.state === 'X') return false;
    return startTime === undefined || s.startTime === startTime;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'fish', 'busybox']);
const WRAPPERS = new Set([
  'npm', 'npx', 'pnpm', 'pnpx', 'yarn', 'tsx', 'env', 'nice', 'nohup', 'timeout', 'time', 'xargs', 'setsid',
  'stdbuf', 'flock', 'sudo', 'doas', 'make', 'gmake', 'npm exec', 'npm run', 'npm-cli.js', 'npx-cli.js',
]);
const NODE_LAUNCHER = /(^|\/)(npm|npx|pnpm|pnpx|yarn|tsx)(-cli)?(\.[cm]?js)?$|\/tsx\/dist\/cli\.[cm]?js$|\/node_modules\/\.bin\//;

/** Whether an ancestor is a transient launcher to skip when looking for the owner process. */
export function isTransientProcess(comm: string, argv: readonly string[]): boolean {
  const name0 = basename(argv[0] ?? comm).replace(/^-/, '');
  if (WRAPPERS.has(comm) || WRAPPERS.has(name0)) return true;
  if (comm.startsWith('npm ') || name0.startsWith('npm ')) return true; // npm retitles itself "npm exec ..."
  if (SHELLS.has(comm) || SHELLS.has(name0)) {
    // A shell running `-c string` or a script file is transient; an interactive shell
    // (only options, e.g. `-bash`, `zsh -l`) is a terminal session: the owner.
    for (const a of argv.slice(1)) {
      if (a === '--') continue;
      if (a.startsWith('-') && !a.startsWith('--') && a.slice(1).includes('c')) return true;
      if (!a.startsWith('-') && !a.startsWith('+')) return true;
    }
    return false;
  }
  if (comm === 'node' || name0 === 'node' || name0 === 'nodejs' || name0 === 'bun') {
    const script = nodeScript(argv);
    return script !== undefined && NODE_LAUNCHER.test(script);
  }
  return false;
}

/**
 * Whether a shell process is a subshell its parent forked (`( node x.mjs --block 2; true )`, a
 * pipeline element, `$( … )`): same shell, same argv as its parent. It lives only as long as
 * that one command, so the owner is further up, exactly as for `bash -c`.
 */
export function isForkedSubshell(stat: ProcStat, argv: readonly string[]): boolean {
  if (!SHELLS.has(stat.comm) && !SHELLS.has(basename(argv[0] ?? '').replace(/^-/, ''))) return false;
  const parent = readProcStat(stat.ppid);
  if (!parent || parent.comm !== stat.comm) return false;
  const pargv = readProcArgv(stat.ppid);
  return pargv.length === argv.length && pargv.every((a, i) => a === argv[i]);
}

const NODE_OPTIONS_WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C', '--env-file', '--title']);

/** The script node runs (first non-option argument), undefined for `node -e` / a REPL. */
function nodeScript(argv: readonly string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-e' || a === '--eval' || a === '-p' || a === '--print') return undefined;
    if (a === '--') return argv[i + 1];
    if (a.startsWith('-')) {
      if (NODE_OPTIONS_WITH_VALUE.has(a)) i++;
      continue;
    }
    return a;
  }
  return undefined;
}

/** The owner of instances created or discovered by this process (see the file comment). */
export function resolveOwner(env: NodeJS.ProcessEnv = process.env): OwnerInfo {
  if (env.CMDC_OWNER) return { owner: env.CMDC_OWNER, source: 'env', detail: 'CMDC_OWNER' };
  if (env.CLAUDE_CODE_SESSION_ID) {
    return { owner: `session:${env.CLAUDE_CODE_SESSION_ID}`, source: 'session', detail: 'CLAUDE_CODE_SESSION_ID' };
  }
  let pid = process.ppid;
  for (let depth = 0; depth < 64 && pid > 1; depth++) {
    const stat = readProcStat(pid);
    if (!stat) break;
    const argv = readProcArgv(pid);
    if (!isTransientProcess(stat.comm, argv) && !isForkedSubshell(stat, argv)) {
      return { owner: `proc:${pid}:${stat.startTime}`, source: 'process', detail: `ancestor pid ${pid} (${stat.comm})` };
    }
    pid = stat.ppid;
  }
  let uid = 'unknown';
  try {
    uid = String(userInfo().uid);
  } catch {
    /* keep 'unknown' */
  }
  return { owner: `user:${uid}@${hostname()}`, source: 'user', detail: 'no owner process found (no /proc, or only launchers up to init)' };
}

export type Liveness = 'alive' | 'dead' | 'unknown';

/** Whether `owner` is still around: checkable for proc owners and for the caller's own owner. */
export function ownerLiveness(owner: string, env: NodeJS.ProcessEnv = process.env): Liveness {
  const m = /^proc:(\d+):(\d+)$/.exec(owner);
  if (m) return processAlive(Number(m[1]), m[2]) ? 'alive' : 'dead';
  if (owner !== '' && owner === resolveOwner(env).owner) return 'alive';
  return 'unknown';
}
