/**
 * `kill [-s sig | -n num | -sig] pid|%job …` and `kill -l [sig|status …]`. Pids of this block's
 * in-process shells (`$$`, `$BASHPID`, `$!`, jobs) get the signal in process (runtime/shell/jobs.ts
 * `deliver`: traps, default actions); other pids get a real signal.
 */
import type { Shell } from '../shell.js';
import { deliver } from '../jobs.js';
import { parseSignal, signalList, signalName } from '../sigtable.js';

const USAGE = 'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n';

function list(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    sh.out(signalList());
    return 0;
  }
  let st = 0;
  for (const a of args) {
    if (/^\d+$/.test(a)) {
      let n = Number(a);
      if (n > 128) n -= 128;
      const name = signalName(n);
      if (name) sh.out(name + '\n');
      else {
        sh.error(`kill: ${a}: invalid signal specification`);
        st = 1;
      }
    } else {
      const n = parseSignal(a);
      if (n === null) {
        sh.error(`kill: ${a}: invalid signal specification`);
        st = 1;
      } else sh.out(`${n}\n`);
    }
  }
  return st;
}

export function kill(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    sh.err(USAGE);
    return 2;
  }
  let sig = 15;
  let i = 0;
  const a0 = args[0]!;
  if (a0 === '-l' || a0 === '-L') return list(sh, args.slice(1));
  if (a0 === '-s' || a0 === '-n') {
    const spec = args[1];
    if (spec === undefined) {
      sh.error(`kill: ${a0}: option requires an argument`);
      return 1;
    }
    const n = parseSignal(spec, true);
    if (n === null) {
      sh.error(`kill: ${spec}: invalid signal specification`);
      return 1;
    }
    sig = n;
    i = 2;
  } else if (a0 === '--') {
    i = 1;
  } else if (/^-./.test(a0) && !/^-\d+$/.test(a0) || /^-\d+$/.test(a0)) {
    const n = parseSignal(a0.slice(1), true);
    if (n === null) {
      sh.error(`kill: ${a0.slice(1)}: invalid signal specification`);
      return 1;
    }
    sig = n;
    i = 1;
    if (args[i] === '--') i++;
  }
  const targets = args.slice(i);
  if (targets.length === 0) {
    sh.err(USAGE);
    return 2;
  }
  let status = 0;
  for (const t of targets) {
    if (t.startsWith('%')) {
      const job = sh.proc.jobs.bySpec(t);
      if (!job) {
        sh.error(`kill: ${t}: no such job`);
        status = 1;
        continue;
      }
      if (sig !== 0) deliver(job.shell, sig);
      continue;
    }
    if (!/^-?\d+$/.test(t)) {
      sh.error(`kill: ${t}: arguments must be process or job IDs`);
      status = 1;
      continue;
    }
    const pid = Number(t);
    const own = sh.proc.table.get(pid);
    if (own) {
      if (sig !== 0) deliver(own, sig);
      continue;
    }
    if (sh.proc.table.isSynthetic(pid) || pid === process.pid) {
      sh.error(`kill: (${t}) - No such process`);
      status = 1;
      continue;
    }
    try {
      process.kill(pid, sig);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      sh.error(`kill: (${t}) - ${code === 'EPERM' ? 'Operation not permitted' : 'No such process'}`);
      status = 1;
    }
  }
  return status;
}
