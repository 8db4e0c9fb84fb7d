/**
 * `declare`/`typeset` (and the shared machinery of `local`, `export`, `readonly` when they get
 * run-time arguments): options, `NAME=value` arguments, and `-p` printing in bash's format.
 */
import type { Shell } from '../shell.js';
import { assocEntries, type Var } from '../vars.js';
import { printFunctions } from '../funcprint.js';

/** Quote a value as `declare -p` does. */
export function declQuote(s: string): string {
  if (/[\x00-\x1f\x7f]/.test(s)) {
    return "$'" + s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r')
      .replace(/\x1b/g, '\\E').replace(/[\x00-\x1f\x7f]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0')) + "'";
  }
  return '"' + s.replace(/[\\"$`]/g, '\\$&') + '"';
}

/**
 * A variable's attribute letters in bash's order (make_attribute_string: a A i r x l u);
 * `readonly: false` leaves `r` out (for declarations that set it afterwards).
 */
export function attrLetters(v: Var, { readonly = true } = {}): string {
  let a = '';
  if (Array.isArray(v.value)) a += 'a';
  if (v.value instanceof Map) a += 'A';
  if (v.integer) a += 'i';
  if (v.nameref) a += 'n';
  if (readonly && v.readonly) a += 'r';
  if (v.exported) a += 'x';
  if (v.lower) a += 'l';
  if (v.upper) a += 'u';
  return a;
}

function attrs(v: Var): string {
  return attrLetters(v) || '-';
}

/** One `declare -p` line for a variable. */
export function declareLine(name: string, v: Var): string {
  const a = attrs(v);
  if (v.value === undefined || v.unassigned) return `declare -${a} ${name}`;
  if (Array.isArray(v.value)) {
    const items: string[] = [];
    v.value.forEach((x, i) => { if (x !== undefined) items.push(`[${i}]=${declQuote(x)}`); });
    return `declare -${a} ${name}=(${items.join(' ')})`;
  }
  if (v.value instanceof Map) {
    const items = assocEntries(v.value).map(([k, x]) => `[${/^[A-Za-z0-9_]+$/.test(k) ? k : declQuote(k)}]=${declQuote(x)} `);
    return `declare -${a} ${name}=(${items.join('')})`;
  }
  return `declare -${a} ${name}=${declQuote(v.value)}`;
}

/** Run declare-like builtins with run-time arguments. */
export async function declareLike(sh: Shell, variant: string, args: string[]): Promise<number> {
  const opts: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') { i++; break; }
    if (/^[-+][a-zA-Z]+$/.test(a)) opts.push(a);
    else break;
  }
  const names = args.slice(i);
  const flags = opts.join('');
  if (flags.includes('f') || flags.includes('F')) {
    // functions: -F names only (`declare -f name` lines when listing all), -f definitions
    const all = names.length === 0;
    const list = all ? [...sh.funcs.keys()].sort() : names;
    let st = 0;
    for (const n of list) if (!sh.funcs.has(n)) st = 1;
    const have = list.filter((n) => sh.funcs.has(n));
    if (flags.includes('F')) for (const n of have) sh.out(all ? `declare -f ${n}\n` : `${n}\n`);
    else sh.out(printFunctions(sh, have));
    return st;
  }
  if (variant === 'local' && names.length === 0) {
    if (sh.funcNames.length === 0) {
      sh.error('local: can only be used in a function');
      return 1;
    }
    // the current function's locals, in the order they were declared
    const frame = sh.vars.frames[sh.vars.frames.length - 1];
    for (const [n, v] of frame ?? []) sh.out(declareLine(n, v) + '\n');
    return 0;
  }
  if (flags.includes('p') || names.length === 0) {
    return printDecls(sh, variant, names, flags);
  }
  const vars: Record<string, string | null> = {};
  let status = 0;
  for (const n of names) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?)(\+?)=([\s\S]*)$/.exec(n);
    if (m) vars[m[1]! + m[2]!] = m[3]!;
    else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n)) vars[n] = null;
    else {
      sh.error(`${variant}: \`${n}': not a valid identifier`);
      status = 1;
    }
  }
  const st = await sh.decl([variant, ...opts].join(' '), vars);
  return status || st;
}

function printDecls(sh: Shell, variant: string, names: string[], flags: string): number {
  let status = 0;
  const list = names.length ? names : sh.vars.names();
  for (const n of list) {
    const v = sh.vars.lookupRaw(n);
    if (!v) {
      if (names.length) {
        sh.error(`${variant === 'local' ? 'declare' : variant}: ${n}: not found`);
        status = 1;
      }
      continue;
    }
    if (!names.length) {
      if ((variant === 'export' || flags.includes('x')) && !v.exported) continue;
      if ((variant === 'readonly' || flags.includes('r')) && !v.readonly) continue;
    }
    sh.out(declareLine(n, v) + '\n');
  }
  return status;
}

export const declare = (sh: Shell, args: string[]) => declareLike(sh, 'declare', args);
export const typeset = (sh: Shell, args: string[]) => declareLike(sh, 'typeset', args);
