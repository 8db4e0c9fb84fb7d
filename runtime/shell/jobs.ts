/**
 * Processes inside one block: every subshell copy (pipeline stage, `( )`, `$( )`, background job,
 * process substitution) is a "process" of its own as in bash — a pid (`$BASHPID`), a job table
 * (`&`, `wait`, `jobs`, `$!`), the signals delivered to it (`kill`, the OS) and the external
 * children it runs. The block's own shell has the real pid (`$$`); the others get synthetic pids
 * above the kernel's pid_max, so they never name a real process (an external `kill` cannot hit a
 * stranger by mistake).
 *
 * Signal semantics (bash, non-interactive): a trapped signal runs its trap after the command in
 * progress finishes (`wait` returns 128+n at once); an ignored one (`trap '' SIG`) does nothing;
 * otherwise the default action: most signals end the process (status 128+n, EXIT trap first),
 * CHLD/CONT/URG/WINCH and the stop signals (no job control) are ignored.
 */
import * as fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Shell } from './shell.js';
import { ExitSignal } from './signals.js';
import { signalName, terminates } from './sigtable.js';
import { PipeFactory } from './os-pipe.js';

/** The process dies of signal `signal` (an ExitSignal with status 128+n, so `exit` paths apply). */
export class SignalDeath extends ExitSignal {
  constructor(readonly signal: number) {
    super(128 + signal);
  }
}

/** The in-process processes of one block, by pid (shared by every copy of the block's shell). */
export class ProcTable {
  /** Real OS pipes for the block's children (runtime/shell/os-pipe.ts). */
  readonly pipes = new PipeFactory();
  private readonly first: number;
  private next: number;
  private readonly live = new Map<number, Shell>();

  constructor() {
    let max = 4194304;
    try {
      max = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim()) || max;
    } catch {
      /* not Linux: keep the 64-bit default */
    }
    this.first = this.next = max + 1;
  }

  allocPid(): number {
    return this.next++;
  }

  register(pid: number, sh: Shell): void {
    this.live.set(pid, sh);
  }

  unregister(pid: number, sh: Shell): void {
    if (this.live.get(pid) === sh) this.live.delete(pid);
  }

  /**
   * The block ended: every in-process process still running (a background job, a process
   * substitution) ends at its next statement or write, as if killed. Bash's would live on as
   * orphans writing to the block's output; here that output may be closed and its fd reused.
   */
  endAll(except: Shell): void {
    for (const sh of this.live.values()) {
      if (sh === except || sh.proc.death !== null) continue;
      sh.proc.death = 9;
      sh.proc.wake();
    }
  }

  /** The live in-process process with this pid. */
  get(pid: number): Shell | undefined {
    return this.live.get(pid);
  }

  /** Whether `pid` is one of ours (synthetic), live or not. */
  isSynthetic(pid: number): boolean {
    return pid >= this.first && pid < this.next;
  }
}

/** A background job (`cmd &`) of one shell. */
export interface Job {
  /** Job number (`%1`). */
  readonly id: number;
  /** `$!` for it. */
  readonly pid: number;
  /** The command text as `jobs` shows it. */
  readonly text: string;
  /** The job's own shell (signals go there). */
  readonly shell: Shell;
  /** Exit status once it ended (128+n when killed), null while running. */
  status: number | null;
  /** Resolves with the status; never rejects. */
  readonly done: Promise<number>;
}

/** The job table of one shell process (process substitutions are children too, but no jobs). */
export class JobTable {
  readonly jobs: Job[] = [];
  /** Process substitutions still known (`wait $!` after `<( )`), oldest first. */
  readonly subs: Job[] = [];
  /** Statuses of jobs already removed from the table (bash answers `wait $pid` again). */
  readonly reaped = new Map<number, number>();
  /**
   * The parent's running jobs, which `jobs` in a pipeline stage or `$( )` still lists (bash
   * keeps the table there until the subshell starts a job of its own; `( )` clears it).
   */
  inherited: readonly Job[] = [];

  add(pid: number, text: string, shell: Shell, run: Promise<number>, hidden = false): Job {
    const id = hidden ? 0 : (this.jobs[this.jobs.length - 1]?.id ?? 0) + 1;
    const job: Job = {
      id, pid, text, shell, status: null,
      done: run.then((st) => {
        job.status = st;
        // without job control bash forgets a finished job at once (its status stays known)
        if (!hidden) this.remove(job);
        return st;
      }),
    };
    (hidden ? this.subs : this.jobs).push(job);
    return job;
  }

  byPid(pid: number): Job | undefined {
    return this.jobs.find((j) => j.pid === pid) ?? this.subs.find((j) => j.pid === pid);
  }

  /** `%1`, `%%`, `%+`, `%-`, `%name`, `%?text` → the job (undefined when none). */
  bySpec(spec: string): Job | undefined {
    const s = spec.slice(1);
    if (s === '' || s === '%' || s === '+') return this.jobs[this.jobs.length - 1];
    if (s === '-') return this.jobs[this.jobs.length - 2] ?? this.jobs[this.jobs.length - 1];
    if (/^\d+$/.test(s)) return this.jobs.find((j) => j.id === Number(s));
    if (s.startsWith('?')) return this.jobs.find((j) => j.text.includes(s.slice(1)));
    return this.jobs.find((j) => j.text.startsWith(s));
  }

  /** Forget a job (finished, or collected by `wait`), keeping its status for a later `wait`. */
  remove(job: Job): void {
    for (const list of [this.jobs, this.subs]) {
      const i = list.indexOf(job);
      if (i >= 0) list.splice(i, 1);
    }
    if (job.status !== null) this.reaped.set(job.pid, job.status);
  }
}

/** The process state of one shell: pid, jobs, `$!`, delivered signals, external children. */
export class ShellProcess {
  readonly jobs = new JobTable();
  /** Trapped signals delivered and not yet handled, in arrival order. */
  readonly pending: number[] = [];
  /** The signal that ends this process (default action), once one arrived. */
  death: number | null = null;
  /** Signal that killed the last foreground command (for bash's "Terminated" report). */
  childSignal: number | null = null;
  /** The signal this process died of (set when it ends). */
  killedBy: number | null = null;
  /** External children running for this process (a fatal signal takes them along). */
  readonly children = new Set<ChildProcess>();
  private readonly waiters = new Set<() => void>();

  constructor(readonly table: ProcTable, readonly pid: number, public lastBg: string | undefined = undefined) {}

  /** The process state of a subshell copy: new pid, empty job table, `$!` inherited. */
  fork(): ShellProcess {
    const p = new ShellProcess(this.table, this.table.allocPid(), this.lastBg);
    p.jobs.inherited = this.jobs.jobs.length ? this.jobs.jobs.slice() : this.jobs.inherited;
    return p;
  }

  /**
   * `p`, unless this process dies of a signal first: then SignalDeath at once (bash does not wait
   * for a child it was waiting on when it is killed; the child runs on).
   */
  async untilDeath<T>(p: Promise<T>): Promise<T> {
    if (this.death !== null) throw new SignalDeath(this.death);
    const sig = this.signalled();
    try {
      const r = await Promise.race([p.then((v) => ({ v })), sig.promise.then(() => null)]);
      if (r) return r.v;
    } finally {
      sig.cancel();
    }
    if (this.death !== null) throw new SignalDeath(this.death);
    return p; // a trapped signal: its trap runs after the child, as in bash
  }

  /** Resolves at the next signal delivered to this process (trapped or fatal); `cancel` forgets it. */
  signalled(): { promise: Promise<void>; cancel: () => void } {
    if (this.death !== null || this.pending.length) return { promise: Promise.resolve(), cancel: () => {} };
    let wake!: () => void;
    const promise = new Promise<void>((resolve) => { wake = resolve; });
    this.waiters.add(wake);
    return { promise, cancel: () => { this.waiters.delete(wake); } };
  }

  wake(): void {
    const w = [...this.waiters];
    this.waiters.clear();
    for (const f of w) f();
  }

  get pipes(): PipeFactory {
    return this.table.pipes;
  }

  /** Whether something must happen at the next check point (`Shell.done`). */
  get due(): boolean {
    return this.death !== null || this.pending.length > 0;
  }
}

/**
 * Deliver signal `n` to the process of `sh`, as the kernel and bash would: trapped → queued for
 * the next check point; ignored → nothing; else the default action (death, or nothing).
 */
export function deliver(sh: Shell, n: number): void {
  const p = sh.proc;
  const name = signalName(n);
  const trap = name === null ? undefined : sh.traps.get(name);
  if (n !== 9 && n !== 19 && trap !== undefined) {
    if (trap === '') return;
    p.pending.push(n);
    p.wake();
    return;
  }
  if (!terminates(n)) return;
  if (p.death === null) p.death = n;
  for (const c of p.children) {
    try {
      c.kill(n);
    } catch {
      /* gone */
    }
  }
  p.wake();
}

/**
 * The check point after every command: die of a fatal signal, or run the traps of the signals
 * that arrived, in order.
 */
export async function handleSignals(sh: Shell): Promise<void> {
  const p = sh.proc;
  while (p.due) {
    if (p.death !== null) throw new SignalDeath(p.death);
    const n = p.pending.shift()!;
    await sh.runTrap(signalName(n)!, sh.status);
  }
}
