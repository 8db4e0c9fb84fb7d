/** `let expr…`: status 1 when the last expression is 0. */
import type { Shell } from '../shell.js';
import { ArithError } from '../signals.js';
import { evalArith } from '../arith.js';

export function letB(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    sh.error('let: expression expected');
    return 1;
  }
  let v = 0n;
  try {
    for (const a of args) v = evalArith(sh, a);
  } catch (e) {
    if (e instanceof ArithError) {
      sh.error(`let: ${e.expr}: ${e.message}`);
      return 1;
    }
    throw e;
  }
  return v === 0n ? 1 : 0;
}
