/**
 * `shopt [-s|-u] [-p] [-q] [-o] [names…]`: the shell options bash 5.2 knows (unknown names are an
 * error, as in bash); the ones the runtime models change its behaviour, the others are kept as
 * set so that `shopt name` / `shopt -p` print them as bash would.
 */
import type { Shell, ShellOpts } from '../shell.js';
import { setOptionNames, setOption } from './set.js';

/** Options the runtime models (shopt name → ShellOpts key). */
const MODELED: Record<string, keyof ShellOpts> = {
  extglob: 'extglob', nullglob: 'nullglob', failglob: 'failglob', dotglob: 'dotglob',
  nocasematch: 'nocasematch', nocaseglob: 'nocaseglob', lastpipe: 'lastpipe', globstar: 'globstar',
  xpg_echo: 'xpgEcho', inherit_errexit: 'inheritErrexit',
};

/** Every shopt option of bash 5.2 with its default in a non-interactive shell. */
const ALL: Record<string, boolean> = {
  assoc_expand_once: false, autocd: false, cdable_vars: false, cdspell: false, checkhash: false, checkjobs: false,
  checkwinsize: true, cmdhist: true, compat31: false, compat32: false, compat40: false, compat41: false,
  compat42: false, compat43: false, compat44: false, complete_fullquote: true, direxpand: false, dirspell: false,
  dotglob: false, execfail: false, expand_aliases: false, extdebug: false, extglob: false, extquote: true,
  failglob: false, force_fignore: true, globasciiranges: true, globskipdots: true, globstar: false,
  gnu_errfmt: false, histappend: false, histreedit: false, histverify: false, hostcomplete: true,
  huponexit: false, inherit_errexit: false, interactive_comments: true, lastpipe: false, lithist: false,
  localvar_inherit: false, localvar_unset: false, login_shell: false, mailwarn: false,
  no_empty_cmd_completion: false, nocaseglob: false, nocasematch: false, noexpand_translation: false,
  nullglob: false, patsub_replacement: true, progcomp: true, progcomp_alias: false, promptvars: true,
  restricted_shell: false, shift_verbose: false, sourcepath: true, varredir_close: false, xpg_echo: false,
};

function get(sh: Shell, name: string): boolean {
  const k = MODELED[name];
  if (k) return !!sh.opts[k];
  return sh.shoptOther.get(name) ?? ALL[name] ?? false;
}

function put(sh: Shell, name: string, on: boolean): void {
  const k = MODELED[name];
  if (k) (sh.opts as unknown as Record<string, boolean>)[k] = on;
  else sh.shoptOther.set(name, on);
}

/** The shopt options that are on, in bash's order (`$BASHOPTS`). */
export function shoptEnabled(sh: Shell): string[] {
  return Object.keys(ALL).filter((n) => get(sh, n));
}

export function shopt(sh: Shell, args: string[]): number {
  let mode: 's' | 'u' | null = null;
  let quiet = false;
  let print = false;
  let setO = false;
  const names: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { i++; break; }
    if (!/^-[supqo]+$/.test(a)) {
      if (a.startsWith('-') && a !== '-') {
        sh.error(`shopt: ${a.slice(0, 2)}: invalid option`);
        sh.err('shopt: usage: shopt [-pqsu] [-o] [optname ...]\n');
        return 2;
      }
      break;
    }
    for (const c of a.slice(1)) {
      if (c === 's') mode = 's';
      else if (c === 'u') mode = 'u';
      else if (c === 'q') quiet = true;
      else if (c === 'p') print = true;
      else setO = true;
    }
  }
  names.push(...args.slice(i));
  const known = setO ? setOptionNames() : Object.keys(ALL);
  const value = (n: string) => (setO ? setOption(sh, n) : get(sh, n));
  const show = (n: string, on: boolean) => {
    if (print || (mode && !setO)) sh.out(setO ? `set ${on ? '-' : '+'}o ${n}\n` : `shopt ${on ? '-s' : '-u'} ${n}\n`);
    else sh.out(`${n.padEnd(15)}\t${on ? 'on' : 'off'}\n`);
  };
  if (names.length === 0) {
    for (const n of known) {
      const on = value(n);
      if (mode === 's' && !on) continue;
      if (mode === 'u' && on) continue;
      if (!quiet) show(n, on);
    }
    return 0;
  }
  let status = 0;
  for (const n of names) {
    if (!known.includes(n)) {
      sh.error(`shopt: ${n}: invalid ${setO ? 'option' : 'shell option'} name`);
      status = 1;
      continue;
    }
    if (mode) {
      if (setO) setOption(sh, n, mode === 's');
      else put(sh, n, mode === 's');
      continue;
    }
    const on = value(n);
    if (!on) status = 1;
    if (!quiet) show(n, on);
  }
  return status;
}
