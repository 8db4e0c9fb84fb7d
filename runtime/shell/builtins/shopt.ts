/** `shopt [-s|-u|-q] names…` for the options the runtime models; others are accepted. */
import type { Shell, ShellOpts } from '../shell.js';

const MAP: Record<string, keyof ShellOpts> = {
  extglob: 'extglob', nullglob: 'nullglob', failglob: 'failglob', dotglob: 'dotglob',
  nocasematch: 'nocasematch', lastpipe: 'lastpipe',
};

export function shopt(sh: Shell, args: string[]): number {
  let mode: 's' | 'u' | 'q' | 'p' = 'p';
  let quiet = false;
  const names: string[] = [];
  for (const a of args) {
    if (a === '-s') mode = 's';
    else if (a === '-u') mode = 'u';
    else if (a === '-q') quiet = true;
    else if (a === '-o' || a === '-p') continue;
    else names.push(a);
  }
  let status = 0;
  for (const n of names) {
    const k = MAP[n];
    if (mode === 's' || mode === 'u') {
      if (k) sh.opts[k] = mode === 's';
      continue;
    }
    const on = k ? sh.opts[k] : false;
    if (!on) status = 1;
    if (!quiet) sh.out(`${n.padEnd(15)}\t${on ? 'on' : 'off'}\n`);
  }
  return status;
}
