/**
 * Printing shell functions as bash does (`declare -f`, `type f`): bash re-formats a function's
 * text in its own canonical layout, so the definitions are handed to bash itself to print (a
 * rare, explicit request; the text comes from the compiler, see compiler/translate/func.ts).
 */
import { spawnSync } from 'node:child_process';
import type { Shell } from './shell.js';

/** `declare -f name…` output for the named functions that have source text (in that order). */
export function printFunctions(sh: Shell, names: readonly string[]): string {
  const srcs: string[] = [];
  const known: string[] = [];
  for (const n of names) {
    const src = sh.funcs.get(n)?.src;
    if (src === undefined) continue;
    srcs.push(src);
    known.push(n);
  }
  if (!known.length) return '';
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `${srcs.join('\n')}\ndeclare -f ${known.map((n) => `'${n}'`).join(' ')}`], {
    encoding: 'utf8',
    env: { PATH: sh.getVar('PATH') ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8' },
  });
  return r.status === 0 ? r.stdout : '';
}
