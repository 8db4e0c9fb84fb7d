/**
 * Bash islands: a statement (or a whole block) kept as bash text, run by the runtime in real
 * bash with the shell's variables passed in and read back: `await sh.at(12).island("…")`.
 */
import type { Context } from '../context.js';
import type { Code } from './common.js';

export function islandStmt(text: string, line: number, construct: string, ctx: Context): Code {
  void ctx;
  return { k: 'island', line, why: construct, text };
}
