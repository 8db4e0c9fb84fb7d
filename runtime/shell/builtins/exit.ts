/**
 * `exit [n]`, `return [n]`, `break [n]`, `continue [n]`: unwind with typed signals, with bash's
 * errors: too many arguments abandons the command, a non-numeric loop count ends the shell,
 * a count below 1 is reported and acts as 1 (status 1).
 */
import type { Shell } from '../shell.js';
import { ExitSignal, LoopSignal, ReturnSignal, TopLevelSignal } from '../signals.js';

function statusArg(sh: Shell, name: string, args: string[]): number | null {
  if (args.length === 0) return sh.status;
  const a = args[0]!;
  if (!/^[+-]?\d+$/.test(a.trim())) {
    sh.error(`${name}: ${a}: numeric argument required`);
    return null;
  }
  return Number(BigInt.asUintN(8, BigInt(a.trim())));
}

function tooMany(sh: Shell, name: string, args: string[]): void {
  if (args.length > 1) {
    sh.error(`${name}: too many arguments`);
    throw new TopLevelSignal(1);
  }
}

export function exit(sh: Shell, args: string[]): number {
  tooMany(sh, 'exit', args);
  const st = statusArg(sh, 'exit', args);
  throw new ExitSignal(st === null ? 2 : st);
}

export function returnB(sh: Shell, args: string[]): number {
  if (sh.funcNames.length === 0 && !sh.sourcing) {
    sh.error("return: can only `return' from a function or sourced script");
    return 2;
  }
  tooMany(sh, 'return', args);
  const st = statusArg(sh, 'return', args);
  throw new ReturnSignal(st === null ? 2 : st);
}

/** The loop count: a number ≥ 1; `bad` when it was out of range (reported, acts as 1). */
function loopN(sh: Shell, name: string, args: string[]): { n: number; bad: boolean } {
  tooMany(sh, name, args);
  const a = args[0] ?? '1';
  if (!/^[+-]?\d+$/.test(a.trim())) {
    // a count that is not a number ends a non-interactive shell
    sh.error(`${name}: ${a}: numeric argument required`);
    throw new ExitSignal(128 + sh.status);
  }
  const n = Number(a);
  if (n < 1) {
    sh.error(`${name}: ${a}: loop count out of range`);
    return { n: 1, bad: true };
  }
  return { n, bad: false };
}

function loopJump(sh: Shell, which: 'break' | 'continue', args: string[]): number {
  const { n, bad } = loopN(sh, which, args);
  if (sh.loopDepth === 0) {
    sh.error(`${which}: only meaningful in a \`for', \`while', or \`until' loop`);
    return 0;
  }
  // the loop's status is that of the break/continue itself
  sh.status = bad ? 1 : 0;
  throw new LoopSignal(which, Math.min(n, sh.loopDepth));
}

export const breakB = (sh: Shell, args: string[]): number => loopJump(sh, 'break', args);
export const continueB = (sh: Shell, args: string[]): number => loopJump(sh, 'continue', args);
