/** `export [-n] [-p] NAME[=value]…` with run-time arguments. */
import type { Shell } from '../shell.js';
import { declareLike } from './declare.js';

export function exportB(sh: Shell, args: string[]): number | Promise<number> {
  if (args[0] === '-n') {
    for (const n of args.slice(1)) {
      const v = sh.vars.lookup(n);
      if (v) v.exported = false;
    }
    return 0;
  }
  return declareLike(sh, 'export', args);
}
