/** `unset [-v|-f] name…` */
import type { Shell } from '../shell.js';

export function unset(sh: Shell, args: string[]): number {
  let funcs = false;
  let status = 0;
  for (const a of args) {
    if (a === '-f') { funcs = true; continue; }
    if (a === '-v' || a === '--') continue;
    if (funcs) sh.funcs.delete(a);
    else if (!sh.unsetVar(a)) status = 1;
  }
  return status;
}
