/** `cd [dir|-]`, updating PWD and OLDPWD; `pwd [-P]`. */
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
  const target = path.resolve(sh.cwd, dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    sh.error(`cd: ${dir}: No such file or directory`);
    return 1;
  }
  if (!st.isDirectory()) {
    sh.error(`cd: ${dir}: Not a directory`);
    return 1;
  }
  try {
    fs.accessSync(target, fs.constants.X_OK);
  } catch {
    sh.error(`cd: ${dir}: Permission denied`);
    return 1;
  }
  sh.setVar('OLDPWD', sh.cwd);
  sh.cwd = target;
  sh.setVar('PWD', target);
  if (print) sh.out(target + '\n');
  return 0;
}

export function pwd(sh: Shell, args: string[]): number {
  sh.out((args.includes('-P') ? fs.realpathSync(sh.cwd) : sh.cwd) + '\n');
  return 0;
}
