/** `echo [-neE] args…` (bash's builtin, xpg_echo off). */
import type { Shell } from '../shell.js';
import { decodeEscapes } from '../../lang/escapes.js';

/** `echo -e` escapes (runtime/lang/escapes.ts, echo dialect); `stop` after `\c`. */
export function echoEscapes(s: string): { text: string; stop: boolean } {
  return decodeEscapes(s, 'echo');
}

export function echo(sh: Shell, args: string[]): number {
  let newline = true;
  // shopt -s xpg_echo: escapes are on unless -E
  let escapes = sh.opts.xpgEcho;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!/^-[neE]+$/.test(a)) break;
    for (const c of a.slice(1)) {
      if (c === 'n') newline = false;
      else if (c === 'e') escapes = true;
      else escapes = false;
    }
  }
  let text = args.slice(i).join(' ');
  if (escapes) {
    const r = echoEscapes(text);
    text = r.text;
    if (r.stop) newline = false;
  }
  if (newline) text += '\n';
  if (!sh.write(1, text)) {
    // (bash names no line for a broken pipe)
    if (sh.writeError === 'Broken pipe') sh.err(`${sh.scriptName}: echo: write error: Broken pipe\n`);
    else sh.error(`echo: write error: ${sh.writeError}`);
    return 1;
  }
  return 0;
}
