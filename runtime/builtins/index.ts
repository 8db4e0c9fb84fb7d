/** The builtin table (stub, being implemented). */
import type { Shell } from '../shell.js';
/** A builtin: runs in process against the shell; args exclude the name. Returns the status. */
export type Builtin = (sh: Shell, args: string[], name: string) => number | Promise<number>;
export const BUILTINS: Record<string, Builtin> = {};
