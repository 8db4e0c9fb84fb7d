/** `exit [n]`, `return [n]`, `break [n]`, `continue [n]`: unwind with typed signals. */
import type { Shell } from '../shell.js';
import { ExitSignal, LoopSignal, ReturnSignal } from '../signals.js';

function statusArg(sh: Shell, name: string, args: string[]): number | null {
  if (args.length === 0) return sh.status;
  const a = args[0]!;
  if (!/^[+-]?\d+$/.test(a.trim())) {
    sh.error(`${name}: ${a}: numeric argument required`);
    return null;
  }
  return Number(BigInt.asUintN(8, BigInt(a.trim())));
}

export function exit(sh: Shell, args: string[]): number {
  if (args.length > 1) {
    sh.error('exit: too many arguments');
    return 1;
  }
  const st = statusArg(sh, 'exit', args);
  throw new ExitSignal(st === null ? 2 : st);
}

export function returnB(sh: Shell, args: string[]): number {
  if (sh.funcNames.length === 0 && !sh.sourcing) {
    sh.error("return: can only `return' from a function or sourced script");
    return 1;
  }
  const st = statusArg(sh, 'return', args);
  throw new ReturnSignal(st === null ? 2 : st);
}

function loopN(sh: Shell, name: string, args: string[]): number | null {
  const a = args[0] ?? '1';
  if (!/^\d+$/.test(a) || Number(a) < 1) {
    sh.error(`${name}: ${a}: loop count out of range`);
    return null;
  }
  return Number(a);
}

export function breakB(sh: Shell, args: string[]): number {
  const n = loopN(sh, 'break', args);
  if (n === null) return 1;
  if (sh.loopDepth === 0) {
    sh.error("break: only meaningful in a `for', `while', or `until' loop");
    return 0;
  }
  throw new LoopSignal('break', Math.min(n, sh.loopDepth));
}

export function continueB(sh: Shell, args: string[]): number {
  const n = loopN(sh, 'continue', args);
  if (n === null) return 1;
  if (sh.loopDepth === 0) {
    sh.error("continue: only meaningful in a `for', `while', or `until' loop");
    return 0;
  }
  throw new LoopSignal('continue', Math.min(n, sh.loopDepth));
}
