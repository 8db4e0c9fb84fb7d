/**
 * `set [-abefhkmnptuvxBCEHPT] [+…] [-o name] [--] [args…]`: options by letter and by name (all of
 * bash 5.2's; the ones the runtime does not model are kept so `set -o` / `$-` show them), the
 * positional parameters, and `set` alone listing the variables.
 */
import type { Shell, ShellOpts } from '../shell.js';
import { declareLine } from './declare.js';

/** `set -o` names in bash's order, with their letter and, when modelled, their ShellOpts key. */
const OPTIONS: readonly { name: string; letter?: string; key?: keyof ShellOpts; on?: boolean }[] = [
  { name: 'allexport', letter: 'a', key: 'allexport' }, { name: 'braceexpand', letter: 'B', on: true },
  { name: 'emacs' }, { name: 'errexit', letter: 'e', key: 'errexit' }, { name: 'errtrace', letter: 'E', key: 'errtrace' },
  { name: 'functrace', letter: 'T' }, { name: 'hashall', letter: 'h', on: true }, { name: 'histexpand', letter: 'H', key: 'histexpand' },
  { name: 'history' }, { name: 'ignoreeof' }, { name: 'interactive-comments', on: true }, { name: 'keyword', letter: 'k' },
  { name: 'monitor', letter: 'm' }, { name: 'noclobber', letter: 'C', key: 'noclobber' }, { name: 'noexec', letter: 'n' },
  { name: 'noglob', letter: 'f', key: 'noglob' }, { name: 'nolog' }, { name: 'notify', letter: 'b' },
  { name: 'nounset', letter: 'u', key: 'nounset' }, { name: 'onecmd', letter: 't' }, { name: 'physical', letter: 'P' },
  { name: 'pipefail', key: 'pipefail' }, { name: 'posix' }, { name: 'privileged', letter: 'p' },
  { name: 'verbose', letter: 'v' }, { name: 'vi' }, { name: 'xtrace', letter: 'x', key: 'xtrace' },
];
const LETTER_ORDER = 'abefhkmnptuvxBCEHPT';

export function setOptionNames(): string[] {
  return OPTIONS.map((o) => o.name);
}

/** Read (value undefined) or set an option by its `set -o` name. */
export function setOption(sh: Shell, name: string, value?: boolean): boolean {
  const o = OPTIONS.find((x) => x.name === name);
  if (!o) return false;
  if (value !== undefined) {
    if (o.key) (sh.opts as unknown as Record<string, boolean>)[o.key] = value;
    else sh.setOther.set(name, value);
    return value;
  }
  if (o.key) return !!sh.opts[o.key];
  return sh.setOther.get(name) ?? !!o.on;
}

/** `$-`: the letters of the options that are on, in bash's order, then `c` (a `bash -c` block). */
export function optionLetters(sh: Shell): string {
  let s = '';
  for (const c of LETTER_ORDER) {
    const o = OPTIONS.find((x) => x.letter === c);
    if (o && setOption(sh, o.name)) s += c;
  }
  return s + 'c';
}

function usage(sh: Shell): number {
  sh.err('set: usage: set [-abefhkmnptuvxBCEHPT] [-o option-name] [--] [-] [arg ...]\n');
  return 2;
}

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
    if (a === '-') {
      sh.opts.xtrace = false;
      setOption(sh, 'verbose', false);
      if (i + 1 < args.length) sh.positional = args.slice(i + 1);
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
          for (const o of OPTIONS) {
            const val = setOption(sh, o.name);
            sh.out(on ? `${o.name.padEnd(15)}\t${val ? 'on' : 'off'}\n` : `set ${val ? '-' : '+'}o ${o.name}\n`);
          }
          continue;
        }
        if (!OPTIONS.some((o) => o.name === name)) {
          sh.error(`set: ${name}: invalid option name`);
          return 2;
        }
        setOption(sh, name, on);
        continue;
      }
      const o = OPTIONS.find((x) => x.letter === c);
      if (!o) {
        sh.error(`set: ${on ? '-' : '+'}${c}: invalid option`);
        return usage(sh);
      }
      setOption(sh, o.name, on);
    }
  }
  return 0;
}
