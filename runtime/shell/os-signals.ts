/**
 * Signals the OS sends to the Node process. While a block runs, SIGHUP, SIGINT, SIGQUIT,
 * SIGTERM, SIGUSR1, SIGUSR2 and SIGALRM reach the block's shell as they would reach bash
 * (runtime/shell/jobs.ts `deliver`: its trap runs after the current command, or the default
 * action ends it with 128+n); between blocks Node's defaults apply again.
 *
 * SIGUSR1 is special: Node's default opens the inspector (a debugger listening on a local port —
 * anything local could then run code as the user). `guardDebuggerSignal()` replaces it for the
 * life of the process with bash's default action (the process ends, status 138); every cmdc
 * entry point calls it first (runtime/shell/debugger-guard.ts).
 *
 * Signals are process-wide, so the router lives on `process` under a registered symbol: the one
 * place this runtime keeps process-level state.
 */
import type { Shell } from './shell.js';
import { deliver } from './jobs.js';

const ROUTED: readonly NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR2', 'SIGALRM'];
const NUMBER: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGUSR1: 10, SIGUSR2: 12, SIGALRM: 14, SIGTERM: 15 };

interface Router {
  /** Running blocks' shells, innermost last: the last one gets the signals. */
  shells: Shell[];
  listeners: Map<NodeJS.Signals, () => void>;
  /** Woken by the next signal (settleSignals). */
  waiters: Set<() => void>;
}

const KEY = Symbol.for('cmdc.os-signals');

function router(): Router {
  const holder = process as unknown as Record<symbol, Router | undefined>;
  let r = holder[KEY];
  if (!r) {
    r = { shells: [], listeners: new Map(), waiters: new Set() };
    holder[KEY] = r;
  }
  return r;
}

/** SIGUSR1 never opens Node's debugger: while a block runs it goes to the block, else it ends the process (138). */
export function guardDebuggerSignal(): void {
  const r = router();
  if (r.listeners.has('SIGUSR1')) return;
  const onUsr1 = () => {
    const sh = r.shells[r.shells.length - 1];
    if (!sh) process.exit(128 + 10);
    deliver(sh, 10);
    wake(r);
  };
  r.listeners.set('SIGUSR1', onUsr1);
  process.on('SIGUSR1', onUsr1);
}

function wake(r: Router): void {
  const w = [...r.waiters];
  r.waiters.clear();
  for (const f of w) f();
}

/**
 * Give a signal a child sent to this process time to arrive: resolves at the next OS signal or
 * after `ms`. (A child's `kill -TERM <our pid>` is in flight when its exit is seen: bash handles
 * it before going on, Node's signal thread may deliver it a little later.)
 */
export function settleSignals(ms: number): Promise<void> {
  const r = router();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      r.waiters.delete(done);
      resolve();
    };
    const t = setTimeout(done, ms);
    r.waiters.add(done);
  });
}

/** Route OS signals to `sh` while its block runs; returns the function that stops it. */
export function attachSignals(sh: Shell): () => void {
  guardDebuggerSignal();
  const r = router();
  r.shells.push(sh);
  if (r.shells.length === 1) {
    for (const sig of ROUTED) {
      const on = () => {
        const top = r.shells[r.shells.length - 1];
        if (top) deliver(top, NUMBER[sig]!);
        wake(r);
      };
      r.listeners.set(sig, on);
      process.on(sig, on);
    }
  }
  return () => {
    const i = r.shells.lastIndexOf(sh);
    if (i >= 0) r.shells.splice(i, 1);
    if (r.shells.length === 0) {
      for (const sig of ROUTED) {
        const on = r.listeners.get(sig);
        if (on) process.off(sig, on);
        r.listeners.delete(sig);
      }
    }
  };
}
