/** `shift [n]`, with bash's errors (a count below 0 is out of range; more than one is fatal to the command). */
import type { Shell } from '../shell.js';
import { TopLevelSignal } from '../signals.js';

export function shift(sh: Shell, args: string[]): number {
  if (args[0] === '--') args = args.slice(1);
  if (args.length > 1) {
    sh.error('shift: too many arguments');
    throw new TopLevelSignal(1);
  }
  const a = args[0] ?? '1';
  if (!/^[+-]?\d+$/.test(a.trim())) {
    sh.error(`shift: ${a}: numeric argument required`);
    return 1;
  }
  const n = Number(a.trim());
  if (n < 0) {
    sh.error(`shift: ${a}: shift count out of range`);
    return 1;
  }
  if (n > sh.positional.length) return 1;
  sh.positional = sh.positional.slice(n);
  return 0;
}
