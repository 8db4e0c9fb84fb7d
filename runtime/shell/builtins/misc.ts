/** Small builtins with no real work in a compiled block: `hash`, `umask`. */
import type { Shell } from '../shell.js';

export const hash = (): number => 0;

export function umask(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    const m = process.umask();
    sh.out(m.toString(8).padStart(4, '0') + '\n');
    return 0;
  }
  if (/^[0-7]+$/.test(args[0]!)) process.umask(parseInt(args[0]!, 8));
  return 0;
}
