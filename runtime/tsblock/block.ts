/**
 * `tsBlock(fn, where)`: the step a ```` ```ts cmdc ```` block runs as, with bash's exit-status
 * contract: the function returning is the status of the last shell statement it ran (`$?`: 0
 * when it ran none, so plain TypeScript ends with 0 — and an ejected block ends as its bash did); `exit(n)` (or `sh`'s own `exit`) is n; a block
 * that sets `process.exitCode` ends with that status (the caller's value is restored); an
 * uncaught error is status 1 — or its `exitCode` when it carries one in 1..255, as zx's
 * ProcessOutput of a failed command does — and prints `file.md:L-M: in <block>: <Error>: message`
 * on the block's stderr (the stack with CMDC_DEBUG=1). The shell's EXIT trap runs as for bash.
 *
 * Working directory: while the block runs, `process.cwd()` is the block's (the shell's), so
 * `readFileSync('plan.md')` reads what `cat plan.md` would; the caller's is restored after. A
 * `process.chdir(d)` in the block is the block's `cd` (the shell follows it when the block ends;
 * whether it carries to the next block is the profile's rule, as for bash).
 */
import type { Shell } from '../shell/shell.js';
import { ExitSignal, LoopSignal, ReturnSignal, TopLevelSignal } from '../shell/signals.js';

/** Where a ts block is written (for its error messages). */
export interface TsBlockSource {
  /** The .md file relative to the project, e.g. `commands/x.md`. */
  source: string;
  /** .md lines of the block's code. */
  line: number;
  endLine: number;
}

/** The run function of a ts block step. */
export function tsBlock(fn: (sh: Shell) => Promise<void>, where: TsBlockSource): (sh: Shell) => Promise<void> {
  return async (sh) => {
    const saved = process.exitCode;
    process.exitCode = undefined;
    const callerCwd = process.cwd();
    process.chdir(sh.cwd);
    const entered = process.cwd();
    let code: number | string | null | undefined;
    try {
      await fn(sh);
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof ReturnSignal || e instanceof LoopSignal || e instanceof TopLevelSignal) throw e;
      sh.err(describe(e, where, fn.name, sh.getVar('CMDC_DEBUG') === '1' || process.env.CMDC_DEBUG === '1'));
      throw new ExitSignal(errorStatus(e));
    } finally {
      code = process.exitCode;
      process.exitCode = saved;
      const now = process.cwd();
      if (now !== entered) sh.chdir(now);
      process.chdir(callerCwd);
    }
    const status = Number(code ?? 0) & 255;
    if (status !== 0) throw new ExitSignal(status);
    // returning: the block's status is `$?`, the last shell statement's (0 when none ran), as for bash
  };
}

/** The status an uncaught error gives: its numeric `exitCode` in 1..255 (zx), else 1. */
export function errorStatus(e: unknown): number {
  const c = e !== null && typeof e === 'object' ? (e as { exitCode?: unknown }).exitCode : undefined;
  return typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= 255 ? c : 1;
}

function describe(e: unknown, where: TsBlockSource, name: string, debug: boolean): string {
  const at = `${where.source}:${where.line}-${where.endLine}: in ${name || 'ts block'}: `;
  if (!(e instanceof Error)) return `${at}uncaught ${typeof e}: ${String(e)}\n`;
  const code = (e as { exitCode?: unknown }).exitCode;
  if (typeof code === 'number' && 'stderr' in e && !debug) {
    // zx's ProcessOutput: its message carries a call-site line; say what failed, with the command's stderr
    const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim();
    return `${at}command failed with exit code ${code}${stderr ? `: ${stderr}` : ''}\n`;
  }
  const text = debug && e.stack ? e.stack : `${e.name}: ${e.message.trim()}`;
  return `${at}${text.replace(/\s+$/, '')}\n`;
}
