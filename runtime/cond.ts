/** test / [ / [[ ]] (stub, being implemented). */
import type { Shell } from './shell.js';
import type { WordLike } from './words.js';
export type CondExpr = readonly [WordLike] | readonly [string, WordLike] | readonly [WordLike, string, WordLike] | readonly ['!', CondExpr] | readonly [CondExpr, '&&' | '||', CondExpr];
export async function evalCond(sh: Shell, e: CondExpr): Promise<boolean> { void sh; void e; return false; }
