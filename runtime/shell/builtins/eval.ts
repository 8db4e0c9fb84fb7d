/** `eval args…`: the joined text runs as a bash island (variables flow in and out). */
import type { Shell } from '../shell.js';
import { runIsland } from '../island.js';

export async function evalB(sh: Shell, args: string[]): Promise<number> {
  const text = args.join(' ');
  if (text.trim() === '') return 0;
  return runIsland(sh, text, { reason: 'eval' });
}
