/** `test …` and `[ … ]` (the logic lives in runtime/shell/cond.ts). */
import type { Shell } from '../shell.js';
import { testArgs } from '../cond.js';

export function test(sh: Shell, args: string[], name: string): number {
  return testArgs(sh, args, name === '[' ? '[' : 'test');
}
