/** Small builtins: `hash` (nothing to do in a compiled block) and `umask`. */
import type { Shell } from '../shell.js';

export const hash = (): number => 0;

const WHO: Record<string, number> = { u: 0o700, g: 0o070, o: 0o007 };

/** The umask after applying a symbolic mode (`u=rwx,g=rx,o=`, `a+r`, `go-w`) to `mask`. */
function symbolic(mode: string, mask: number): number | null {
  let perms = ~mask & 0o777;
  for (const clause of mode.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwx]*)$/.exec(clause);
    if (!m) return null;
    const who = (m[1] || 'a').split('').reduce((w, c) => w | (c === 'a' ? 0o777 : WHO[c]!), 0);
    const bits = m[3]!.split('').reduce((b, c) => b | (c === 'r' ? 0o444 : c === 'w' ? 0o222 : 0o111), 0) & who;
    if (m[2] === '+') perms |= bits;
    else if (m[2] === '-') perms &= ~bits;
    else perms = (perms & ~who) | bits;
  }
  return ~perms & 0o777;
}

function symbolicText(mask: number): string {
  const p = ~mask & 0o777;
  const one = (shift: number) => (p >> shift & 4 ? 'r' : '') + (p >> shift & 2 ? 'w' : '') + (p >> shift & 1 ? 'x' : '');
  return `u=${one(6)},g=${one(3)},o=${one(0)}`;
}

/** `umask [-p] [-S] [mode]` (the process's umask: what files the block creates get). */
export function umask(sh: Shell, args: string[]): number {
  let S = false;
  let p = false;
  let i = 0;
  for (; i < args.length && /^-[pS]+$/.test(args[i]!); i++) {
    if (args[i]!.includes('S')) S = true;
    if (args[i]!.includes('p')) p = true;
  }
  const mode = args[i];
  if (mode !== undefined) {
    const cur = process.umask();
    const next = /^[0-7]+$/.test(mode) ? parseInt(mode, 8) & 0o777 : symbolic(mode, cur);
    if (next === null) {
      sh.error(`umask: \`${mode[mode.search(/[^ugoa+=rwx,-]/)] ?? mode}': invalid symbolic mode operator`);
      return 1;
    }
    process.umask(next);
    if (!S && !p) return 0;
  }
  const m = process.umask();
  const octal = m.toString(8).padStart(4, '0');
  sh.out(S ? `${p ? 'umask -S ' : ''}${symbolicText(m)}\n` : `${p ? 'umask ' : ''}${octal}\n`);
  return 0;
}
