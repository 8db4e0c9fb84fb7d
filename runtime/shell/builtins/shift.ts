/** `shift [n]` */
import type { Shell } from '../shell.js';

export function shift(sh: Shell, args: string[]): number {
  const a = args[0] ?? '1';
  if (!/^\d+$/.test(a)) {
    sh.error(`shift: ${a}: numeric argument required`);
    return 1;
  }
  const n = Number(a);
  if (n > sh.positional.length) return 1;
  sh.positional = sh.positional.slice(n);
  return 0;
}
