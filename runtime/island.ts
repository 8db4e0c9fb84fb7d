/** Bash islands (stub, being implemented). */
import type { Shell } from './shell.js';
export async function runIsland(sh: Shell, text: string, o: { reason?: string } = {}): Promise<number> { void sh; void text; void o; return 0; }
