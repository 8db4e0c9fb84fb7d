/**
 * `caller [expr]`: where the current function or sourced file was called from, read off the
 * call stack (runtime/shell/frames.ts) as bash's caller.def does — no frame: status 1, silent, whatever the arguments;
 * `caller`: "BASH_LINENO[0] BASH_SOURCE[1]" ("NULL" when there is no such file, as under
 * `bash -c` where the top level has no entry); `caller N`: "BASH_LINENO[N] FUNCNAME[N+1]
 * BASH_SOURCE[N+1]", status 1 and silent when any of the three is missing. Extra arguments are
 * ignored; `--` ends the options; a non-number is "invalid number", a leading `-` an "invalid
 * option", both with the usage line and status 2.
 */
import type { Shell } from '../shell.js';
import { bashLineno, bashSource, funcname } from '../frames.js';

const USAGE = 'caller: usage: caller [expr]\n';

export function caller(sh: Shell, args: string[]): number {
  // bash looks at the stack before the arguments: at the top level anything is status 1
  const lineno = bashLineno(sh.frames);
  if (!lineno?.length) return 1;
  let rest = args;
  if (rest[0] === '--') rest = rest.slice(1);
  else if (rest[0] !== undefined && rest[0].length > 1 && rest[0].startsWith('-')) {
    sh.error(`caller: ${rest[0].slice(0, 2)}: invalid option`);
    sh.err(USAGE);
    return 2;
  }
  const source = bashSource(sh.frames) ?? [];
  if (rest[0] === undefined) {
    sh.out(`${lineno[0]} ${source[1] ?? 'NULL'}\n`);
    return 0;
  }
  const text = rest[0].trim();
  if (!/^[+-]?\d+$/.test(text)) {
    sh.error(`caller: ${rest[0]}: invalid number`);
    sh.err(USAGE);
    return 2;
  }
  const n = Number(text);
  const names = funcname(sh.frames) ?? [];
  const line = n >= 0 ? lineno[n] : undefined;
  const file = n >= 0 ? source[n + 1] : undefined;
  const name = n >= 0 ? names[n + 1] : undefined;
  if (line === undefined || file === undefined || name === undefined) return 1;
  sh.out(`${line} ${name} ${file}\n`);
  return 0;
}
