/** `trap [-p] [-l] ['cmds'|-|''] [SIG…]` (EXIT, ERR, INT, TERM, …). */
import type { Shell } from '../shell.js';
import { normSignal } from '../signals.js';

function quote(s: string): string {
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

export function trap(sh: Shell, args: string[]): number {
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0 || args[0] === '-p') {
    const only = args.slice(1).map(normSignal);
    for (const [sig, t] of sh.traps) {
      if (only.length && !only.includes(sig)) continue;
      const text = typeof t === 'string' ? t : (t as { bash?: string }).bash ?? '<compiled>';
      sh.out(`trap -- ${quote(text)} ${sig}\n`);
    }
    return 0;
  }
  if (args[0] === '-l') {
    sh.out(' 1) SIGHUP\t 2) SIGINT\t 3) SIGQUIT\t15) SIGTERM\n');
    return 0;
  }
  let action: string | null = args[0]!;
  let sigs = args.slice(1);
  if (sigs.length === 0 || /^\d+$/.test(action)) {
    // `trap SIG` resets
    sigs = args;
    action = null;
  }
  let status = 0;
  for (const s of sigs) {
    const sig = normSignal(s);
    if (!/^(EXIT|ERR|DEBUG|RETURN|HUP|INT|QUIT|TERM|USR1|USR2|PIPE|ALRM|CHLD|KILL|STOP|TSTP|CONT|WINCH)$/.test(sig)) {
      sh.error(`trap: ${s}: invalid signal specification`);
      status = 1;
      continue;
    }
    if (action === null || action === '-') sh.traps.delete(sig);
    else sh.traps.set(sig, action);
  }
  return status;
}
