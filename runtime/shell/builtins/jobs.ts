/**
 * `jobs [-lnprs] [%job …]`: the running background jobs of this shell as bash lists them
 * (`[1]+  Running                 sleep 1 &`); without job control a finished job is forgotten at
 * once, so only running jobs are listed.
 */
import type { Shell } from '../shell.js';
import type { Job } from '../jobs.js';

export function jobs(sh: Shell, args: string[]): number {
  let pids = false;
  let long = false;
  let i = 0;
  for (; i < args.length && /^-./.test(args[i]!); i++) {
    const a = args[i]!;
    if (a === '--') { i++; break; }
    for (const c of a.slice(1)) {
      if (c === 'p') pids = true;
      else if (c === 'l') long = true;
      else if (c === 'n' || c === 'r' || c === 's') continue;
      else {
        sh.error(`jobs: -${c}: invalid option`);
        sh.err('jobs: usage: jobs [-lnprs] [jobspec ...] or jobs -x command [args]\n');
        return 2;
      }
    }
  }
  const table = sh.proc.jobs;
  const all = table.jobs.length ? table.jobs : table.inherited;
  let list = all;
  let status = 0;
  if (i < args.length) {
    const picked: Job[] = [];
    list = picked;
    for (const spec of args.slice(i)) {
      const j = table.bySpec(spec.startsWith('%') ? spec : `%${spec}`);
      if (j) picked.push(j);
      else {
        sh.error(`jobs: ${spec}: no such job`);
        status = 1;
      }
    }
  }
  for (const j of list) {
    if (pids) {
      sh.out(`${j.pid}\n`);
      continue;
    }
    const k = all.indexOf(j);
    const mark = k === all.length - 1 ? '+' : k === all.length - 2 ? '-' : ' ';
    sh.out(`[${j.id}]${mark}  ${long ? `${j.pid} ` : ''}${'Running'.padEnd(24)}${j.text}\n`);
  }
  return status;
}
