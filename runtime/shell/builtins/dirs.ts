/**
 * `dirs [-clpv] [+N|-N]`: the directory stack (the current directory, then Shell.dirStack),
 * printed as bash prints it (`~` for $HOME unless -l). Also the helpers pushd and popd share:
 * the stack display and `+N`/`-N` indexes.
 */
import type { Shell } from '../shell.js';

/** The whole stack, index 0 = the current directory. */
export function fullStack(sh: Shell): string[] {
  return [sh.cwd, ...sh.dirStack];
}

/** `/home/u/x` -> `~/x` (bash's polite_directory_format). */
export function tilde(sh: Shell, dir: string): string {
  const home = sh.getVar('HOME');
  if (!home || home === '/') return dir;
  if (dir === home) return '~';
  if (dir.startsWith(home + '/')) return '~' + dir.slice(home.length);
  return dir;
}

/** What pushd/popd print after a change: `dirs` without options. */
export function printStack(sh: Shell): void {
  sh.out(fullStack(sh).map((d) => tilde(sh, d)).join(' ') + '\n');
}

/**
 * `+N` / `-N` as an index into the stack of `size` entries: a number, 'invalid' when the digits
 * are not a number, 'range' when out of range.
 */
export function stackIndex(arg: string, size: number): number | 'invalid' | 'range' {
  const digits = arg.slice(1);
  if (!/^\d+$/.test(digits)) return 'invalid';
  const n = Number(digits);
  const i = arg[0] === '+' ? n : size - 1 - n;
  return i < 0 || i >= size ? 'range' : i;
}

/** `+N`/`-N` (a sign followed by anything). */
export function isIndexArg(a: string): boolean {
  return a.length > 1 && (a[0] === '+' || a[0] === '-') && /^[0-9]/.test(a.slice(1));
}

export function usage(sh: Shell, name: 'dirs' | 'pushd' | 'popd'): number {
  const u = { dirs: 'dirs [-clpv] [+N] [-N]', pushd: 'pushd [-n] [+N | -N | dir]', popd: 'popd [-n] [+N | -N]' }[name];
  sh.err(`${name}: usage: ${u}\n`);
  return 2;
}

export function dirs(sh: Shell, args: string[]): number {
  let clear = false;
  let long = false;
  let perLine = false;
  let verbose = false;
  let index: string | null = null;
  for (const a of args) {
    if (isIndexArg(a)) index = a;
    else if (/^-[clpv]+$/.test(a)) {
      for (const c of a.slice(1)) {
        if (c === 'c') clear = true;
        else if (c === 'l') long = true;
        else if (c === 'p') perLine = true;
        else verbose = true;
      }
    } else if (a[0] === '+' || a[0] === '-') {
      sh.error(`dirs: ${a}: invalid ${/^[+-]/.test(a) && a.length > 1 && a[0] === '+' ? 'number' : 'option'}`);
      return usage(sh, 'dirs');
    } else {
      sh.error(`dirs: ${a}: invalid argument`);
      return usage(sh, 'dirs');
    }
  }
  if (clear) {
    sh.dirStack = [];
    return 0;
  }
  const stack = fullStack(sh);
  const show = (d: string): string => (long ? d : tilde(sh, d));
  if (index !== null) {
    const i = stackIndex(index, stack.length);
    if (typeof i !== 'number') {
      if (stack.length === 1) sh.error('dirs: directory stack empty');
      else sh.error(`dirs: ${index.slice(1)}: directory stack index out of range`);
      return 1;
    }
    sh.out(verbose ? `${String(i).padStart(2)}  ${show(stack[i]!)}\n` : show(stack[i]!) + '\n');
    return 0;
  }
  if (verbose) sh.out(stack.map((d, i) => `${String(i).padStart(2)}  ${show(d)}\n`).join(''));
  else if (perLine) sh.out(stack.map((d) => show(d) + '\n').join(''));
  else sh.out(stack.map(show).join(' ') + '\n');
  return 0;
}
