/**
 * `trap [-lp] [[action] condition …]`: EXIT, ERR, DEBUG, RETURN and every signal (names with or
 * without SIG, any case, numbers). `trap -p` lists in bash's order with bash's names (SIGINT).
 */
import type { Shell } from '../shell.js';
import { signalList, trapName, trapOrder } from '../sigtable.js';

function quote(s: string): string {
  return "'" + s.replace(/'/g, "'\\''") + "'";
}

/** How `trap -p` names a condition: signals with SIG, the others as they are. */
function shown(name: string): string {
  return /^(EXIT|ERR|DEBUG|RETURN)$/.test(name) ? name : `SIG${name}`;
}

/** The text of a trap action (a compiled trap carries its bash text as `.bash`). */
export function trapText(t: unknown): string {
  return typeof t === 'string' ? t : (t as { bash?: string }).bash ?? '<compiled>';
}

function print(sh: Shell, only: string[] | null): void {
  const traps = sh.shownTraps ?? sh.traps;
  const names = [...traps.keys()].sort((a, b) => trapOrder(a) - trapOrder(b));
  for (const name of names) {
    if (only && !only.includes(name)) continue;
    sh.out(`trap -- ${quote(trapText(traps.get(name)))} ${shown(name)}\n`);
  }
}

export function trap(sh: Shell, args: string[]): number {
  let i = 0;
  let listP = false;
  for (; i < args.length && /^-./.test(args[i]!); i++) {
    const a = args[i]!;
    if (a === '--') { i++; break; }
    for (const c of a.slice(1)) {
      if (c === 'p') listP = true;
      else if (c === 'l') {
        sh.out(signalList());
        return 0;
      } else {
        sh.error(`trap: -${c}: invalid option`);
        sh.err('trap: usage: trap [-lp] [[arg] signal_spec ...]\n');
        return 2;
      }
    }
  }
  const rest = args.slice(i);
  if (rest.length === 0 || listP) {
    let st = 0;
    const only = rest.length ? rest.map((s) => {
      const n = trapName(s);
      if (n === null) {
        sh.error(`trap: ${s}: invalid signal specification`);
        st = 1;
      }
      return n ?? '';
    }) : null;
    print(sh, only);
    return st;
  }
  let action: string | null = rest[0]!;
  let sigs = rest.slice(1);
  // `trap SIG…` (first word a number, or alone) resets
  if (sigs.length === 0 || /^\d+$/.test(action)) {
    sigs = rest;
    action = null;
  }
  let status = 0;
  sh.shownTraps = null;
  for (const s of sigs) {
    const name = trapName(s);
    if (name === null) {
      sh.error(`trap: ${s}: invalid signal specification`);
      status = 1;
      continue;
    }
    if (action === null || action === '-') sh.traps.delete(name);
    else sh.traps.set(name, action);
  }
  return status;
}
