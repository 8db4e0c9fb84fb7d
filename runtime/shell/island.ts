/**
 * Bash islands: run a snippet in real bash with the Shell's state and take the results back.
 *
 * - In: every visible variable (scalars, indexed and associative arrays, with export/readonly/
 *   integer/case attributes), positional parameters, cwd, options (-e -u -x -f, pipefail), a
 *   string ERR trap. They are written as `declare` lines into a prelude file that bash sources
 *   through BASH_ENV, so the snippet's own line numbers are untouched; the snippet is padded
 *   with newlines so that bash's messages name the .md line (`bash: line 42: …`).
 * - Out: an EXIT trap dumps `$?`, `$PWD`, the directory stack (DIRSTACK, passed in too, with
 *   `pushd -n`), and every variable as NUL-separated fields (values
 *   round-trip every byte except NUL; no `declare -p` parsing), plus whether the snippet ran to
 *   its end. Changed variables are written back, removed ones unset, cwd followed; a snippet
 *   that exited (`exit`, `set -e`) makes the block exit with its status.
 * - stdin/stdout/stderr are the Shell's current fds (runtime/shell/exec.ts wiring).
 *
 * Functions defined natively are visible inside an island when their bash text is known (the
 * compiler passes it for compiled libraries and eval text); functions an island defines do not
 * survive it. Registered libraries with a bash implementation (runtime/lib/*.sh) are the
 * exception: the prelude sources the ones active in the shell (their builtins stand for
 * byte-identical copies of those files, so a `source` inside the snippet finds the same code).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Shell } from './shell.js';
import { ExitSignal } from './signals.js';
import type { Var, VarValue } from './vars.js';
import { spawnWithFds } from './exec.js';
import { attrLetters } from './builtins/declare.js';
import { quote, singleQuote } from '../lang/quote.js';
import { decode } from '../lang/bytes.js';
import { evalLineShift } from '../lang/profile.js';

export interface IslandOptions {
  /** Why this runs as an island (for messages). */
  reason?: string;
  /** Positional parameters (default: the shell's). */
  argv?: string[];
  /** Running a sourced file: its lines are its own (no padding to the .md line). */
  sourced?: boolean;
}

/** Names bash manages itself: never passed in, never read back. */
const SKIP = /^(__cmdc_.*|BASH|BASH_.*|BASHOPTS|BASHPID|COLUMNS|COMP_.*|DIRSTACK|EPOCHREALTIME|EPOCHSECONDS|EUID|FUNCNAME|GROUPS|HISTCMD|HISTFILE|HISTFILESIZE|HISTSIZE|HOSTNAME|HOSTTYPE|LINENO|LINES|MACHTYPE|MAILCHECK|OPTERR|OSTYPE|PIPESTATUS|PPID|PS1|PS2|PS4|PWD|RANDOM|SECONDS|SHELLOPTS|SHLVL|SRANDOM|UID|_)$/;

/** Variables bash sets at start-up when the environment lacks them (not the snippet's doing). */
const BASH_DEFAULTS = new Set(['SHELL', 'TERM', 'OPTIND', 'IFS']);

/** The `declare` line that recreates a variable in the island (values quoted by runtime/store/format.ts). */
function declLine(name: string, v: Var): string {
  const f = attrLetters(v, { readonly: false });
  const flags = f ? `-${f}` : '--';
  let line: string;
  if (v.value === undefined) line = `declare ${flags} ${name}`;
  else if (Array.isArray(v.value)) {
    const items: string[] = [];
    v.value.forEach((x, i) => { if (x !== undefined) items.push(`[${i}]=${quote(x)}`); });
    line = `declare ${flags} ${name}=(${items.join(' ')})`;
  } else if (v.value instanceof Map) {
    const items = [...v.value].map(([k, x]) => `[${quote(k)}]=${quote(x)}`);
    line = `declare ${flags} ${name}=(${items.join(' ')})`;
  } else line = `declare ${flags} ${name}=${quote(v.value)}`;
  if (v.readonly) line += `; declare -r ${name}`;
  return line;
}

const DUMP = String.raw`
__cmdc_dump() {
  local __cmdc_s=$? __cmdc_n __cmdc_a __cmdc_k __cmdc_i __cmdc_names
  set +eux
  # one name a line, whatever IFS and noglob are
  mapfile -t __cmdc_names <<< "$(compgen -v)"
  {
    printf '%s\0%s\0%s\0%s\0' "$__cmdc_s" "$PWD" "@{__cmdc_fin:-0}" "@{#DIRSTACK[@]}"
    for __cmdc_i in "@{DIRSTACK[@]:1}"; do printf '%s\0' "$__cmdc_i"; done
    for __cmdc_n in "@{__cmdc_names[@]}"; do
      case $__cmdc_n in __cmdc_*|BASH|BASH_*|BASHOPTS|BASHPID|COLUMNS|COMP_*|DIRSTACK|EPOCHREALTIME|EPOCHSECONDS|EUID|FUNCNAME|GROUPS|HISTCMD|HISTFILE|HISTFILESIZE|HISTSIZE|HOSTNAME|HOSTTYPE|LINENO|LINES|MACHTYPE|MAILCHECK|OPTERR|OSTYPE|PIPESTATUS|PPID|PS1|PS2|PS4|PWD|RANDOM|SECONDS|SHELLOPTS|SHLVL|SRANDOM|UID|_) continue;; esac
      __cmdc_a=@{!__cmdc_n@a}
      if [[ $__cmdc_a == *[aA]* ]]; then
        eval "__cmdc_k=(\"\@{!$__cmdc_n[@]}\")"
        printf '%s\0%s\0%s\0' "$__cmdc_n" "$__cmdc_a" "@{#__cmdc_k[@]}"
        for __cmdc_i in "@{__cmdc_k[@]}"; do
          eval "printf '%s\0%s\0' \"\$__cmdc_i\" \"\@{$__cmdc_n[\$__cmdc_i]}\""
        done
      elif [[ -v $__cmdc_n ]]; then
        printf '%s\0%s\0%s\0' "$__cmdc_n" "@{__cmdc_a:--}" "@{!__cmdc_n}"
      fi
    done
  } > "$__cmdc_out"
}
trap __cmdc_dump EXIT
`.replaceAll('@{', '${');

interface Dumped {
  attrs: string;
  value: VarValue;
}

function parseDump(buf: Buffer): { status: number; cwd: string; finished: boolean; dirStack: string[]; vars: Map<string, Dumped> } | null {
  if (buf.length === 0) return null;
  const f = decode(buf).split('\0');
  let i = 0;
  const status = Number(f[i++]);
  const cwd = f[i++]!;
  const finished = f[i++] === '1';
  const dirStack: string[] = [];
  for (let n = Number(f[i++]) - 1; n > 0; n--) dirStack.push(f[i++]!);
  const vars = new Map<string, Dumped>();
  while (i < f.length - 1) {
    const name = f[i++]!;
    const attrs = f[i++]!;
    if (/[aA]/.test(attrs)) {
      const n = Number(f[i++]);
      if (attrs.includes('A')) {
        const m = new Map<string, string>();
        for (let k = 0; k < n; k++) m.set(f[i++]!, f[i++]!);
        vars.set(name, { attrs, value: m });
      } else {
        const a: (string | undefined)[] = [];
        for (let k = 0; k < n; k++) {
          const idx = Number(f[i++]);
          a[idx] = f[i++]!;
        }
        vars.set(name, { attrs, value: a });
      }
    } else vars.set(name, { attrs, value: f[i++]! });
  }
  return { status, cwd, finished, dirStack, vars };
}

function sameValue(a: VarValue | undefined, b: VarValue | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (b.get(k) !== v) return false;
    return true;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  return false;
}

/**
 * The snippet as the island's `bash -c` runs it, padded so that bash numbers its first line
 * `sh.line`. Where the shell ignores `set -e` (the claude-code profile) it runs as Claude Code
 * runs a block, `eval '<text>' && :`: errexit has no effect and a syntax error reads as eval's;
 * eval numbers line k of its text k + (the eval word's last line) - 1, hence the padding.
 */
function islandText(sh: Shell, text: string, o: IslandOptions): string {
  if (!sh.ignoreErrexit) return `${o.sourced ? '' : '\n'.repeat(Math.max(0, sh.line - 1))}${text}`;
  const lines = evalLineShift(text) + 1;
  return `${o.sourced ? '' : '\n'.repeat(Math.max(0, sh.line - lines))}eval ${singleQuote(text)} && :`;
}

/** Run `text` in bash as an island; returns its status (throws ExitSignal if it exited). */
export async function runIsland(sh: Shell, text: string, o: IslandOptions = {}): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cmdc-island-'));
  const prelude = path.join(dir, 'prelude.sh');
  const out = path.join(dir, 'out');
  try {
    const lines: string[] = ['unset BASH_ENV', `__cmdc_out=${quote(out)}`];
    // Libraries active in the shell are sourced from their bash implementation first (they
    // define their own variables); a `source` of a library inside the snippet uses it too.
    const libSkip = new Set<string>();
    for (const e of sh.libraries.active(sh)) {
      if (!e.bash) continue;
      lines.push(`builtin source ${quote(e.bash)}`);
      for (const v of e.vars ?? []) libSkip.add(v);
    }
    const passed = new Map<string, Var>();
    for (const name of sh.vars.names()) {
      if (SKIP.test(name) || libSkip.has(name) || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) continue;
      const v = sh.vars.lookup(name)!;
      passed.set(name, v);
      lines.push(declLine(name, v));
    }
    // functions defined natively (with their bash text: compiled libraries, eval text)
    lines.push(...sh.functionSources());
    const opts: string[] = [];
    // in a condition (`if`, `while`, left of && ||, `!`) set -e is off, inside the island too
    if (sh.opts.errexit && sh.errexitOff === 0) opts.push('-e');
    if (sh.opts.errtrace) opts.push('-E');
    if (sh.opts.nounset) opts.push('-u');
    if (sh.opts.noglob) opts.push('-f');
    if (sh.opts.pipefail) opts.push('-o pipefail');
    for (const [k, on] of Object.entries({ extglob: sh.opts.extglob, nullglob: sh.opts.nullglob, dotglob: sh.opts.dotglob, nocasematch: sh.opts.nocasematch })) {
      if (on) lines.push(`shopt -s ${k}`);
    }
    const err = sh.traps.get('ERR');
    // a compiled trap may carry its bash text (e.g. setup_bash_error_trap's)
    const errText = typeof err === 'string' ? err : (err as { bash?: string } | undefined)?.bash;
    if (errText !== undefined) lines.push(`trap ${quote(errText)} ERR`);
    // the directory stack (DIRSTACK[1…]): `pushd -n` inserts at 1, so push from the bottom up
    for (const d of [...sh.dirStack].reverse()) lines.push(`builtin pushd -n ${quote(d)} >/dev/null`);
    lines.push(DUMP);
    if (opts.length) lines.push(`set ${opts.join(' ')}`);
    if (sh.opts.xtrace) lines.push('set -x');
    fs.writeFileSync(prelude, lines.join('\n') + '\n');

    const script = `${islandText(sh, text, o)}\n__cmdc_s=$?; __cmdc_fin=1; (exit $__cmdc_s)`;
    const env = sh.exportedEnv({ BASH_ENV: prelude });
    const argv = o.argv ?? sh.positional;
    const code = await spawnWithFds(sh, ['bash', '-c', script, sh.scriptName, ...argv], env, { name: 'bash' });
    let dump: ReturnType<typeof parseDump> = null;
    try {
      dump = parseDump(fs.readFileSync(out));
    } catch {
      dump = null;
    }
    if (!dump) {
      throw new ExitSignal(code);
    }
    // write variables back
    for (const [name, d] of dump.vars) {
      const cur = passed.get(name);
      if (!cur && BASH_DEFAULTS.has(name)) continue; // set by bash itself, not by the snippet
      const exported = d.attrs.includes('x');
      if (cur && sameValue(cur.value, d.value) && !!cur.exported === exported) continue;
      const v = sh.vars.lookup(name) ?? sh.vars.ensure(name);
      v.value = d.value;
      v.exported = exported;
      if (d.attrs.includes('r')) v.readonly = true;
      if (d.attrs.includes('i')) v.integer = true;
    }
    for (const name of passed.keys()) {
      if (!dump.vars.has(name) && passed.get(name)!.value !== undefined) sh.vars.unset(name);
    }
    // the cwd as `cd` sets it; OLDPWD already came back with the variables
    if (dump.cwd && dump.cwd !== sh.cwd) sh.chdir(dump.cwd, null);
    sh.dirStack = dump.dirStack;
    if (!dump.finished) throw new ExitSignal(dump.status);
    return dump.status;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
