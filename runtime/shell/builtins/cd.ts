/** `cd [dir|-]`, updating PWD and OLDPWD (changeDir, shared with pushd/popd); `pwd [-P]`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Shell } from '../shell.js';

export function cd(sh: Shell, args: string[]): number {
  const a = args.filter((x) => x !== '-L' && x !== '-P' && x !== '--');
  if (a.length > 1) {
    sh.error('cd: too many arguments');
    return 1;
  }
  let dir: string | undefined = a[0];
  let print = false;
  if (dir === undefined) {
    dir = sh.getVar('HOME');
    if (dir === undefined) {
      sh.error('cd: HOME not set');
      return 1;
    }
  } else if (dir === '-') {
    dir = sh.getVar('OLDPWD');
    if (dir === undefined) {
      sh.error('cd: OLDPWD not set');
      return 1;
    }
    print = true;
  }
  if (dir === '') return 0;
  if (!changeDir(sh, dir, 'cd')) return 1;
  if (print) sh.out(sh.cwd + '\n');
  return 0;
}

/**
 * `cd dir` without the argument handling: check `dir` (relative to the cwd), print bash's
 * message as `<who>: dir: …` when it cannot be entered, else make it the cwd (sh.chdir: PWD,
 * OLDPWD). Shared by cd, pushd and popd.
 */
export function changeDir(sh: Shell, dir: string, who: string): boolean {
  const target = path.resolve(sh.cwd, dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    sh.error(`${who}: ${dir}: No such file or directory`);
    return false;
  }
  if (!st.isDirectory()) {
    sh.error(`${who}: ${dir}: Not a directory`);
    return false;
  }
  try {
    fs.accessSync(target, fs.constants.X_OK);
  } catch {
    sh.error(`${who}: ${dir}: Permission denied`);
    return false;
  }
  sh.chdir(target);
  return true;
}

export function pwd(sh: Shell, args: string[]): number {
  sh.out((args.includes('-P') ? fs.realpathSync(sh.cwd) : sh.cwd) + '\n');
  return 0;
}
