/**
 * The signal table bash uses on Linux: numbers, names (`kill -l`, `trap -l`), descriptions
 * (bash's "Terminated", "User defined signal 1" messages), default actions, and the parsing of
 * signal specs (`TERM`, `SIGTERM`, `term`, `15`, `RTMIN+1`). A leaf module: no imports.
 */

const NAMES: readonly (string | null)[] = [
  null, 'HUP', 'INT', 'QUIT', 'ILL', 'TRAP', 'ABRT', 'BUS', 'FPE', 'KILL', 'USR1', 'SEGV', 'USR2',
  'PIPE', 'ALRM', 'TERM', 'STKFLT', 'CHLD', 'CONT', 'STOP', 'TSTP', 'TTIN', 'TTOU', 'URG', 'XCPU',
  'XFSZ', 'VTALRM', 'PROF', 'WINCH', 'IO', 'PWR', 'SYS', null, null,
  ...Array.from({ length: 31 }, (_, i) => (i <= 15 ? (i === 0 ? 'RTMIN' : `RTMIN+${i}`) : i === 30 ? 'RTMAX' : `RTMAX-${30 - i}`)),
];

const DESCRIPTIONS: Record<number, string> = {
  1: 'Hangup', 2: 'Interrupt', 3: 'Quit', 4: 'Illegal instruction', 5: 'Trace/breakpoint trap', 6: 'Aborted',
  7: 'Bus error', 8: 'Floating point exception', 9: 'Killed', 10: 'User defined signal 1',
  11: 'Segmentation fault', 12: 'User defined signal 2', 13: 'Broken pipe', 14: 'Alarm clock', 15: 'Terminated',
  16: 'Stack fault', 17: 'Child exited', 18: 'Continued', 19: 'Stopped (signal)', 20: 'Stopped',
  21: 'Stopped (tty input)', 22: 'Stopped (tty output)', 23: 'Urgent I/O condition', 24: 'CPU time limit exceeded',
  25: 'File size limit exceeded', 26: 'Virtual timer expired', 27: 'Profiling timer expired',
  28: 'Window changed', 29: 'I/O possible', 30: 'Power failure', 31: 'Bad system call',
};

/** Highest signal number. */
export const NSIG = 64;

/** `TERM` for 15 (null for numbers that are no signal). */
export function signalName(n: number): string | null {
  return NAMES[n] ?? null;
}

/** What bash prints for a process killed by `n` ("Terminated", "Real-time signal 3"). */
export function signalDescription(n: number): string {
  if (n >= 34 && n <= 64) return `Real-time signal ${n - 34}`;
  return DESCRIPTIONS[n] ?? `Unknown signal ${n}`;
}

/**
 * A signal spec as `kill`/`trap` take it — a name with or without `SIG`, any case, or a number —
 * to its number; null when it is not a signal. `allowZero` admits 0 (`kill -0`, `trap … 0`).
 */
export function parseSignal(spec: string, allowZero = false): number | null {
  if (/^\d+$/.test(spec)) {
    const n = Number(spec);
    if (n === 0) return allowZero ? 0 : null;
    return n <= NSIG && NAMES[n] ? n : null;
  }
  const u = spec.toUpperCase().replace(/^SIG/, '');
  const i = NAMES.indexOf(u);
  return i > 0 ? i : null;
}

/** Default action of a signal: terminate the process, or nothing (CHLD, CONT, URG, WINCH; stops are ignored without job control). */
export function terminates(n: number): boolean {
  return !(n === 17 || n === 18 || n === 19 || n === 20 || n === 21 || n === 22 || n === 23 || n === 28);
}

/** `kill -l` / `trap -l`: every signal as ` 1) SIGHUP`, five to a line, tab-separated. */
export function signalList(): string {
  const items: string[] = [];
  for (let n = 1; n <= NSIG; n++) {
    const name = NAMES[n];
    if (name) items.push(`${String(n).padStart(2)}) SIG${name}`);
  }
  let out = '';
  for (let i = 0; i < items.length; i += 5) out += items.slice(i, i + 5).join('\t') + '\t\n';
  return out.replace(/\t\n/g, (m, off: number) => (off + 2 >= out.length ? '\t\n' : '\n'));
}

/**
 * A `trap` condition — a signal spec, `EXIT` (or 0), `ERR`, `DEBUG`, `RETURN`, any case — to the
 * name traps are kept under (`INT`, `EXIT`); null when bash rejects it.
 */
export function trapName(spec: string): string | null {
  const u = spec.toUpperCase();
  if (u === '0' || u === 'EXIT' || u === 'SIGEXIT') return 'EXIT';
  if (u === 'ERR' || u === 'DEBUG' || u === 'RETURN') return u;
  const n = parseSignal(spec);
  return n === null ? null : signalName(n);
}

/** Order of `trap -p`: EXIT, the signals by number, then DEBUG, ERR, RETURN. */
export function trapOrder(name: string): number {
  if (name === 'EXIT') return 0;
  const special = ['DEBUG', 'ERR', 'RETURN'].indexOf(name);
  if (special >= 0) return 100 + special;
  return parseSignal(name) ?? 99;
}
