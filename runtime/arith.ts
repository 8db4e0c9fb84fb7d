/** Bash arithmetic (stub, being implemented). */
import type { Shell } from './shell.js';
export function evalArith(sh: Shell, text: string): bigint { void sh; return BigInt(text || 0); }
