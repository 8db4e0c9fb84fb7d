/** `set [-euxfCH] [+…] [-o name] [--] [args…]` */
import type { Shell, ShellOpts } from '../shell.js';
import { declareLine } from './declare.js';

const LETTERS: Record<string, keyof ShellOpts> = {
  e: 'errexit', u: 'nounset', x: 'xtrace', f: 'noglob', C: 'noclobber', H: 'histexpand', E: 'errtrace',
};
const NAMES: Record<string, keyof ShellOpts | null> = {
  errexit: 'errexit', nounset: 'nounset', pipefail: 'pipefail', xtrace: 'xtrace', noglob: 'noglob',
  noclobber: 'noclobber', histexpand: 'histexpand', posix: null, vi: null, emacs: null, monitor: null,
  notify: null, allexport: null, braceexpand: null, hashall: null, interactive_comments: null, errtrace: 'errtrace',
  functrace: null, ignoreeof: null, keyword: null, noexec: null, nolog: null, onecmd: null, physical: null,
  privileged: null, verbose: null, history: null,
};

export function set(sh: Shell, args: string[]): number {
  if (args.length === 0) {
    for (const n of sh.vars.names()) {
      const v = sh.vars.lookup(n)!;
      if (v.value === undefined) continue;
      sh.out(declareLine(n, v).replace(/^declare -\S+ /, '') + '\n');
    }
    return 0;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      sh.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-' ) {
      sh.opts.xtrace = false;
      sh.positional = args.slice(i + 1);
      return 0;
    }
    if (!/^[-+]/.test(a)) {
      sh.positional = args.slice(i);
      return 0;
    }
    const on = a[0] === '-';
    for (const c of a.slice(1)) {
      if (c === 'o') {
        const name = args[++i];
        if (name === undefined) {
          for (const [k, v] of Object.entries(NAMES)) {
            const val = v ? sh.opts[v] : false;
            sh.out(on ? `${k.padEnd(15)}\t${val ? 'on' : 'off'}\n` : `set ${val ? '-' : '+'}o ${k}\n`);
          }
          continue;
        }
        if (!(name in NAMES)) {
          sh.error(`set: ${name}: invalid option name`);
          return 2;
        }
        const k = NAMES[name];
        if (k) sh.opts[k] = on;
        continue;
      }
      const k = LETTERS[c];
      if (k) sh.opts[k] = on;
      else if (!'abhkmnpvtBPT'.includes(c)) {
        sh.error(`set: ${on ? '-' : '+'}${c}: invalid option`);
        return 2;
      }
    }
  }
  return 0;
}
