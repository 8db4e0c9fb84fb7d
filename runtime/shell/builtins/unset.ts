/** `unset [-v|-f] name…` */
import type { Shell } from '../shell.js';

export function unset(sh: Shell, args: string[]): number {
  let funcs = false;
  let refs = false;
  let status = 0;
  for (const a of args) {
    if (a === '-f') { funcs = true; continue; }
    if (a === '-n') { refs = true; continue; }
    if (a === '-v' || a === '--') continue;
    if (funcs) sh.funcs.delete(a);
    else if (refs) { if (!sh.unsetVar(a, true)) status = 1; }
    else if (!sh.vars.lookup(a.replace(/\[[\s\S]*$/, '')) && sh.funcs.has(a)) sh.funcs.delete(a); // no such variable: the function
    else if (!sh.unsetVar(a)) status = 1;
  }
  return status;
}
