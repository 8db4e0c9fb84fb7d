/**
 * Control-flow signals and error classes of the interpreter: the typed exceptions that unwind
 * bash control flow (`exit`, `return`, `break`/`continue`) and the errors of `[[ ]]` and
 * arithmetic, plus signal-name normalisation for `trap`. A leaf module: it imports nothing, so
 * expand/exec/cond/arith/builtins can throw and catch these while depending on `type Shell` only.
 */

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

/** A `[[ ]]` / `test` usage error (bash prints it and the test gives status 2). */
export class CondError extends Error {}

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
  if (u === '2') return 'INT';
  if (u === '15') return 'TERM';
  if (u === '1') return 'HUP';
  return u;
}
