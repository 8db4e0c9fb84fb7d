/**
 * `eval [--] args…`: the joined text runs natively in the same shell (compiled on first use by
 * the shell's loader, runtime/shell/code.ts), so functions are shared both ways and `break`,
 * `continue` and `return` in the text act on the enclosing loop or function. Its lines count
 * from the line of the `eval` (bash's LINENO inside eval text). Text with a syntax error runs up
 * to it and prints bash's message (status 2), as bash does.
 */
import type { Shell } from '../shell.js';

export async function evalB(sh: Shell, args: string[]): Promise<number> {
  if (args[0] === '--') args = args.slice(1);
  else if (args[0] !== undefined && /^-./.test(args[0])) {
    sh.error(`eval: ${args[0].slice(0, 2)}: invalid option`);
    sh.err('eval: usage: eval [arg ...]\n');
    return 2;
  }
  const text = args.join(' ');
  if (text.trim() === '') return 0;
  const code = await sh.loadCode(text, { kind: 'eval' });
  if (code.native + code.islands === 0 && !code.syntaxError) return 0; // comments only
  const savedShift = sh.lineShift;
  const evalLine = sh.line;
  sh.lineShift = evalLine - 1 - sh.lineBase;
  sh.indirection++; // xtrace: one more `+`
  try {
    await code.run(sh);
  } finally {
    sh.aborting = false; // an abandoned line of the text ends with the text
    sh.lineShift = savedShift;
    sh.indirection--;
  }
  if (code.syntaxError) {
    sh.syntaxError(code.syntaxError, { kind: 'eval', name: sh.errorName(), evalLine });
    return 2;
  }
  return sh.status;
}
