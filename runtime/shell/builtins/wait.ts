/**
 * `wait [-fn] [-p var] [id …]`: wait for this shell's background jobs (and process
 * substitutions) as bash does — all of them, the given pids/job specs (status of the last), or
 * the next one to end (`-n`). A trapped signal interrupts it: status 128+n, the trap runs next.
 */
import type { Shell } from '../shell.js';
import type { Job } from '../jobs.js';

const USAGE = 'wait: usage: wait [-fn] [-p var] [id ...]\n';

/** Wait for `p`, or for a signal to this shell's process (→ its 128+n). */
async function orSignal(sh: Shell, p: Promise<number>): Promise<{ status: number; interrupted: boolean }> {
  const proc = sh.proc;
  const sig = proc.signalled();
  try {
    const r = await Promise.race([p, sig.promise.then(() => -1)]);
    if (r !== -1) return { status: r, interrupted: false };
  } finally {
    sig.cancel();
  }
  const n = proc.death ?? proc.pending[0] ?? 0;
  return { status: 128 + n, interrupted: true };
}

export async function wait(sh: Shell, args: string[]): Promise<number> {
  let any = false;
  let pvar: string | null = null;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { i++; break; }
    if (!/^-./.test(a)) break;
    for (let k = 1; k < a.length; k++) {
      const c = a[k];
      if (c === 'n') any = true;
      else if (c === 'f') continue;
      else if (c === 'p') {
        const v = a.slice(k + 1) || args[++i];
        if (v === undefined) {
          sh.error('wait: -p: option requires an argument');
          sh.err(USAGE);
          return 2;
        }
        pvar = v;
        break;
      } else {
        sh.error(`wait: -${c}: invalid option`);
        sh.err(USAGE);
        return 2;
      }
    }
  }
  const ids = args.slice(i);
  const jobs = sh.proc.jobs;
  const setP = (pid: number) => { if (pvar !== null) sh.setVar(pvar, String(pid)); };

  if (any) {
    let cands: Job[] = [];
    if (ids.length) {
      for (const id of ids) {
        const j = id.startsWith('%') ? jobs.bySpec(id) : /^\d+$/.test(id) ? jobs.byPid(Number(id)) : undefined;
        // (bash prints this one without the line number)
        if (j) cands.push(j);
        else sh.err(`${sh.scriptName}: wait: ${id}: no such job\n`);
      }
    } else cands = jobs.jobs.slice();
    if (cands.length === 0) return 127;
    const r = await orSignal(sh, Promise.race(cands.map((j) => j.done.then(() => 0))));
    if (r.interrupted) return r.status;
    const done = cands.find((j) => j.status !== null)!;
    jobs.remove(done);
    setP(done.pid);
    return done.status!;
  }

  if (ids.length === 0) {
    // every job, and the last process substitution when it is `$!` (bash 5.2)
    const last = jobs.subs[jobs.subs.length - 1];
    const all = [...jobs.jobs, ...(last && String(last.pid) === sh.proc.lastBg ? [last] : [])];
    for (const j of all) {
      const r = await orSignal(sh, j.done);
      if (r.interrupted) return r.status;
      jobs.remove(j);
    }
    return 0;
  }

  let status = 0;
  for (const id of ids) {
    let j: Job | undefined;
    if (id.startsWith('%')) {
      j = jobs.bySpec(id);
      if (!j) {
        sh.error(`wait: ${id}: no such job`);
        status = 127;
        continue;
      }
    } else if (/^\d+$/.test(id)) {
      const pid = Number(id);
      j = jobs.byPid(pid);
      if (!j) {
        const saved = jobs.reaped.get(pid);
        if (saved !== undefined) {
          status = saved;
          continue;
        }
        sh.error(`wait: pid ${id} is not a child of this shell`);
        status = 127;
        continue;
      }
    } else {
      sh.error(`wait: \`${id}': not a pid or valid job spec`);
      status = 1;
      continue;
    }
    const r = await orSignal(sh, j.done);
    if (r.interrupted) return r.status;
    jobs.remove(j);
    setP(j.pid);
    status = r.status;
  }
  return status;
}
