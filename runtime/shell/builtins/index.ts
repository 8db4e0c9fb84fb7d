/** The builtin table: name → in-process implementation (one file per builtin). */
import type { Shell } from '../shell.js';
import { echo } from './echo.js';
import { printf } from './printf.js';
import { trueB, falseB } from './trivial.js';
import { test } from './test.js';
import { cd, pwd } from './cd.js';
import { exportB } from './export.js';
import { unset } from './unset.js';
import { local } from './local.js';
import { declare, typeset } from './declare.js';
import { readonly } from './readonly.js';
import { read } from './read.js';
import { shift } from './shift.js';
import { set } from './set.js';
import { exit, returnB, breakB, continueB } from './exit.js';
import { source } from './source.js';
import { evalB } from './eval.js';
import { trap } from './trap.js';
import { mapfile } from './mapfile.js';
import { letB } from './let.js';
import { type, command, builtin } from './type.js';
import { shopt } from './shopt.js';
import { getopts } from './getopts.js';
import { hash, umask } from './misc.js';
import { wait } from './wait.js';
import { kill } from './kill.js';
import { jobs } from './jobs.js';
import { pushd } from './pushd.js';
import { popd } from './popd.js';
import { dirs } from './dirs.js';
import { caller } from './caller.js';

/** A builtin: runs in process against the shell; args exclude the name. Returns the status. */
export type Builtin = (sh: Shell, args: string[], name: string) => number | Promise<number>;

export const BUILTINS: Record<string, Builtin> = {
  echo, printf, true: trueB, false: falseB, ':': trueB, test, '[': test, cd, pwd,
  export: exportB, unset, local, declare, typeset, readonly, read, shift, set, exit,
  return: returnB, break: breakB, continue: continueB, source, '.': source, eval: evalB, trap,
  mapfile, readarray: mapfile, let: letB, type, command, builtin, shopt, getopts, wait, kill, jobs, hash, umask,
  pushd, popd, dirs, caller,
};
