/** `type [-t|-p|-P|-a] names…` and `command [-v|-V] name [args…]`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Shell } from '../shell.js';
import { BUILTINS } from './index.js';
import { printFunctions } from '../funcprint.js';

const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'case', 'esac', 'for', 'select', 'while', 'until', 'do', 'done', 'in', 'function', 'time', '{', '}', '!', '[[', ']]', 'coproc']);

/** Find an executable on the shell's PATH. */
export function which(sh: Shell, name: string): string | null {
  if (name.includes('/')) {
    const p = path.resolve(sh.cwd, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return fs.statSync(p).isFile() ? name : null;
    } catch {
      return null;
    }
  }
  for (const dir of (sh.getVar('PATH') ?? '').split(':')) {
    const p = path.resolve(sh.cwd, dir || '.', name);
    try {
      if (fs.statSync(p).isFile()) {
        fs.accessSync(p, fs.constants.X_OK);
        return p;
      }
    } catch { /* next */ }
  }
  return null;
}

type Kind = 'keyword' | 'function' | 'builtin' | 'file' | null;

function kindOf(sh: Shell, name: string): Kind {
  if (KEYWORDS.has(name)) return 'keyword';
  if (sh.funcs.has(name)) return 'function';
  if (sh.libBuiltins.has(name)) return 'function';
  if (BUILTINS[name]) return 'builtin';
  return which(sh, name) ? 'file' : null;
}

export function type(sh: Shell, args: string[]): number {
  let mode = '';
  const names: string[] = [];
  for (const a of args) {
    if (/^-[tpPaf]+$/.test(a)) mode += a.slice(1);
    else names.push(a);
  }
  let status = 0;
  for (const n of names) {
    const k = kindOf(sh, n);
    if (!k) {
      if (!mode.includes('t') && !mode.includes('p') && !mode.includes('P')) sh.error(`type: ${n}: not found`);
      status = 1;
      continue;
    }
    if (mode.includes('t')) sh.out(k + '\n');
    else if (mode.includes('p') || mode.includes('P')) {
      if (k === 'file' || mode.includes('P')) {
        const p = which(sh, n);
        if (p) sh.out(p + '\n');
        else status = 1;
      }
    } else if (k === 'keyword') sh.out(`${n} is a shell keyword\n`);
    else if (k === 'function') sh.out(`${n} is a function\n${printFunctions(sh, [n])}`);
    else if (k === 'builtin') sh.out(`${n} is a shell builtin\n`);
    else sh.out(`${n} is ${which(sh, n)}\n`);
  }
  return status;
}

export async function command(sh: Shell, args: string[]): Promise<number> {
  let v = false;
  let V = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { i++; break; }
    if (/^-[vVp]+$/.test(a)) {
      if (a.includes('v')) v = true;
      if (a.includes('V')) V = true;
    } else break;
  }
  const rest = args.slice(i);
  if (rest.length === 0) return 0;
  if (v || V) {
    let status = 0;
    for (const n of rest) {
      const k = kindOf(sh, n);
      if (!k) {
        if (V) sh.error(`command: ${n}: not found`);
        status = 1;
        continue;
      }
      if (V) type(sh, [n]);
      else sh.out((k === 'file' ? which(sh, n)! : n) + '\n');
    }
    return status;
  }
  // run, skipping functions
  const name = rest[0]!;
  const b = sh.libBuiltins.get(name) ?? BUILTINS[name];
  if (b) return b(sh, rest.slice(1), name);
  return sh.runExternal(rest);
}

export async function builtin(sh: Shell, args: string[]): Promise<number> {
  const name = args[0];
  if (!name) return 0;
  const b = BUILTINS[name];
  if (!b) {
    sh.error(`builtin: ${name}: not a shell builtin`);
    return 1;
  }
  return b(sh, args.slice(1), name);
}
