/**
 * `pushd [-n] [dir | +N | -N]`: push the current directory and cd to dir (cd's checks and
 * PWD/OLDPWD via changeDir); no argument swaps the top two entries; `+N`/`-N` rotates the stack
 * so that entry N is on top; `-n` changes the stack only. Prints the stack (as `dirs`).
 */
import type { Shell } from '../shell.js';
import { changeDir } from './cd.js';
import { fullStack, isIndexArg, printStack, stackIndex, usage } from './dirs.js';

export function pushd(sh: Shell, args: string[]): number {
  let noCd = false;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (rest.length === 0 && a === '-n') noCd = true;
    else if (rest.length === 0 && a === '--') {
      rest.push(...args.slice(i + 1));
      break;
    } else if (rest.length === 0 && a.length > 1 && a[0] === '-' && !isIndexArg(a)) {
      sh.error(`pushd: ${a}: invalid number`);
      return usage(sh, 'pushd');
    } else rest.push(a);
  }
  if (rest.length > 1) {
    sh.error('pushd: too many arguments');
    return 1;
  }
  const arg = rest[0];
  if (arg === undefined) {
    // swap the top two (`pushd -n` alone does nothing)
    if (noCd) return 0;
    if (sh.dirStack.length === 0) {
      sh.error('pushd: no other directory');
      return 1;
    }
    const top = sh.dirStack[0]!;
    const old = sh.cwd;
    if (!changeDir(sh, top, 'pushd')) return 1;
    sh.dirStack[0] = old;
    printStack(sh);
    return 0;
  }
  if (isIndexArg(arg)) {
    const stack = fullStack(sh);
    if (stack.length === 1) {
      sh.error('pushd: directory stack empty');
      return 1;
    }
    const i = stackIndex(arg, stack.length);
    if (typeof i !== 'number') {
      sh.error(`pushd: ${arg}: directory stack index out of range`);
      return 1;
    }
    const rotated = [...stack.slice(i), ...stack.slice(0, i)];
    if (noCd) {
      sh.dirStack = rotated.slice(1);
      return 0;
    }
    if (!changeDir(sh, rotated[0]!, 'pushd')) return 1;
    sh.dirStack = rotated.slice(1);
    printStack(sh);
    return 0;
  }
  if (noCd) {
    sh.dirStack.unshift(arg);
    printStack(sh);
    return 0;
  }
  const old = sh.cwd;
  if (!changeDir(sh, arg, 'pushd')) return 1;
  sh.dirStack.unshift(old);
  printStack(sh);
  return 0;
}
