/**
 * `popd [-n] [+N | -N]`: remove the top entry and cd to the new top (cd's checks and
 * PWD/OLDPWD via changeDir); `+N`/`-N` removes entry N (entry 0 = the current directory: cd to
 * the next); `-n` changes the stack only. Prints the stack (as `dirs`).
 */
import type { Shell } from '../shell.js';
import { changeDir } from './cd.js';
import { fullStack, isIndexArg, printStack, stackIndex, usage } from './dirs.js';

export function popd(sh: Shell, args: string[]): number {
  let noCd = false;
  let index: string | null = null;
  for (const a of args) {
    if (a === '-n') noCd = true;
    else if (a === '--') continue;
    else if (isIndexArg(a)) index = a;
    else if (a[0] === '-' || a[0] === '+') {
      sh.error(`popd: ${a}: invalid ${a[0] === '+' ? 'number' : 'option'}`);
      return usage(sh, 'popd');
    } else {
      sh.error(`popd: ${a}: invalid argument`);
      return usage(sh, 'popd');
    }
  }
  const stack = fullStack(sh);
  if (stack.length === 1) {
    sh.error('popd: directory stack empty');
    return 1;
  }
  let i = 0;
  if (index !== null) {
    const k = stackIndex(index, stack.length);
    if (typeof k !== 'number') {
      sh.error(`popd: ${index}: directory stack index out of range`);
      return 1;
    }
    i = k;
  }
  if (i === 0 && noCd) {
    // -n without an index removes the entry below the current directory
    i = 1;
  }
  if (i === 0) {
    if (!changeDir(sh, stack[1]!, 'popd')) return 1;
    sh.dirStack = stack.slice(2);
  } else {
    sh.dirStack = stack.filter((_, k) => k !== i).slice(1);
  }
  printStack(sh);
  return 0;
}
