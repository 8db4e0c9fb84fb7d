/**
 * Control-flow signals and error classes of the interpreter: the typed exceptions that unwind
 * bash control flow (`exit`, `return`, `break`/`continue`) and the errors of `[[ ]]` and
 * arithmetic, plus signal-name normalisation for `trap`. A leaf module (it imports only the
 * signal table, another leaf), so expand/exec/cond/arith/builtins can throw and catch these while
 * depending on `type Shell` only.
 */

import { signalName } from './sigtable.js';

/** `exit N`, `set -e` failures, `${x:?}` and `set -u` errors: the shell (or subshell) ends. */
export class ExitSignal extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`);
  }
}

/** `return N` from a function or a sourced file. */
export class ReturnSignal extends Error {
  constructor(readonly status: number) {
    super(`return ${status}`);
  }
}

/** `break N` / `continue N`: `levels` loops still to unwind. */
export class LoopSignal extends Error {
  constructor(readonly which: 'break' | 'continue', readonly levels: number) {
    super(which);
  }
}

/**
 * An error after which bash abandons the rest of the current top-level command (the rest of the
 * line, including the function or loop it happened in) and goes on with the next one, `$?` = 1:
 * arithmetic errors in `$(( ))`, bad substitutions, assignment to a readonly variable, …
 * (bash's "jump to top level"). Caught by the statement that was running; the shell then
 * skips statements (`aborting`) until the next top-level command, `sh.top(line)`.
 */
export class TopLevelSignal extends Error {
  constructor(readonly status = 1) {
    super('top level');
  }
}

/** A `[[ ]]` / `test` error: bash prints it and the test gives `status` (2: usage, 1: bad arithmetic). */
export class CondError extends Error {
  constructor(message: string, readonly status = 2) {
    super(message);
  }
}

/** An arithmetic error; `expr` is the expression text bash names in its message. */
export class ArithError extends Error {
  constructor(message: string, readonly expr: string) {
    super(message);
  }
}

/** `SIGINT`, `int`, `2` → `INT`; `0` → `EXIT` (trap's signal names). */
export function normSignal(s: string): string {
  const u = s.toUpperCase().replace(/^SIG/, '');
  if (u === '0') return 'EXIT';
  if (/^\d+$/.test(u)) return signalName(Number(u)) ?? u;
  return u;
}
