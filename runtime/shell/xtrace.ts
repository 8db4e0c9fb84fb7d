/**
 * `set -x` output as bash 5.2 prints it (execute_cmd.c / print_cmd.c / shquote.c): PS4 with its
 * first character repeated once per level of indirection (eval, source, command substitution),
 * words quoted only when they hold shell metacharacters (`'a b'`, `''`, `'it'\''s'`), control
 * characters as `$'\001'`, assignments as `name=value`, `[[ ]]` primaries one per line.
 */
import type { Shell } from './shell.js';
import { promptExpand } from './prompt.js';

/** bash's sh_contains_shell_metas. */
function hasMetas(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (' \t\n\'"\\|&;()<>!{}*[?]^$`'.includes(c)) return true;
    if (c === '~' && (i === 0 || s[i - 1] === '=' || s[i - 1] === ':')) return true;
    if (c === '#' && i === 0) return true;
  }
  return false;
}

/** A control character (bash's ansic_shouldquote in a UTF-8 locale). */
function hasControl(s: string): boolean {
  return /[\x00-\x1f\x7f]/.test(s);
}

const ANSIC: Readonly<Record<string, string>> = { '\x07': 'a', '\b': 'b', '\x1b': 'E', '\f': 'f', '\n': 'n', '\r': 'r', '\t': 't', '\v': 'v', '\\': '\\', "'": "'" };

function ansicQuote(s: string): string {
  return `$'${s.replace(/[\x00-\x1f\x7f\\']/g, (c) => (ANSIC[c] !== undefined ? `\\${ANSIC[c]}` : `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`))}'`;
}

/** bash's sh_single_quote. */
function singleQuote(s: string): string {
  return `'${s.replace(/'/g, "'\\''")}'`;
}

/** A word as `set -x` shows it. */
export function traceWord(s: string): string {
  if (s === '') return "''";
  if (hasMetas(s)) return singleQuote(s);
  if (hasControl(s)) return ansicQuote(s);
  return s;
}

/** An assignment's value as `set -x` shows it (empty as nothing). */
function traceValue(s: string): string {
  return s === '' ? '' : traceWord(s);
}

/** PS4 expanded as bash expands it (a prompt string: ./prompt.ts), its first character repeated once per level. */
export function ps4(sh: Shell): string {
  const text = promptExpand(sh, sh.getVar('PS4') ?? '+ ');
  if (text === '') return '';
  return text[0]!.repeat(sh.indirection) + text;
}

/** `+ echo 'a b' c` */
export function traceCommand(sh: Shell, argv: readonly string[]): void {
  sh.err(`${ps4(sh)}${argv.map(traceWord).join(' ')}\n`);
}

/** `+ name=value` */
export function traceAssign(sh: Shell, name: string, value: string): void {
  sh.err(`${ps4(sh)}${name}=${traceValue(value)}\n`);
}

/** `+ name=('a' 'b')` (an array as `declare` shows its elements) */
export function traceArray(sh: Shell, name: string, values: readonly string[], append = false): void {
  sh.err(`${ps4(sh)}${name}${append ? '+' : ''}=(${values.map(singleQuote).join(' ')})\n`);
}

/** `+ [[ -n x ]]`, `+ [[ a == b ]]`, `+ [[ ! -z '' ]]` (operands as expanded, empty as ''). */
export function traceCond(sh: Shell, invert: boolean, op: string, a: string, b?: string): void {
  const arg = (s: string) => (s === '' ? "''" : s);
  const body = b === undefined ? `${op} ${arg(a)}` : `${arg(a)} ${op} ${arg(b)}`;
  sh.err(`${ps4(sh)}[[ ${invert ? '! ' : ''}${body} ]]\n`);
}

/** A line of bash's own text: `+ ((  x + 1  ))`, `+ for i in a "b c"`. */
export function traceText(sh: Shell, text: string): void {
  sh.err(`${ps4(sh)}${text}\n`);
}
