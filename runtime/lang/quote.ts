/**
 * Bash quoting shared by the interpreter (islands, `${x@Q}`, `printf %q`, `declare -p`) and the
 * state store: `$'...'` in pure ASCII for any bytes (every byte string without NUL round-trips
 * exactly through bash), plain single quotes for text, and bash's own `$'...'` form (ansic_quote)
 * that its builtins print. Strings hold bytes as runtime/lang/bytes.ts decodes them.
 */
import { encode } from './bytes.js';

const HEX = '0123456789abcdef';

/** `$'...'` for the given bytes (pure ASCII, one line). */
export function quoteBytes(bytes: Uint8Array): string {
  const parts: string[] = ["$'"];
  let runStart = 0;
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]!;
    if (b >= 0x20 && b <= 0x7e && b !== 0x27 && b !== 0x5c) continue;
    if (i > runStart) parts.push(buf.toString('latin1', runStart, i));
    runStart = i + 1;
    if (b === 0x27) parts.push("\\'");
    else if (b === 0x5c) parts.push('\\\\');
    else if (b === 0x0a) parts.push('\\n');
    else if (b === 0x09) parts.push('\\t');
    else if (b === 0x0d) parts.push('\\r');
    else parts.push('\\x' + HEX[b >> 4]! + HEX[b & 15]!);
  }
  if (buf.length > runStart) parts.push(buf.toString('latin1', runStart, buf.length));
  parts.push("'");
  return parts.join('');
}

/** `$'...'` for a string (UTF-8 bytes) or bytes. */
export function quote(value: string | Uint8Array): string {
  return quoteBytes(typeof value === 'string' ? encode(value) : value);
}

/** `'...'`: bash single quotes (each `'` in `s` becomes `'\''`); for text, not for arbitrary bytes. */
export function singleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}


const ANSI_C: Readonly<Record<string, string>> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v',
  '\x1b': '\\E', '\\': '\\\\', "'": "\\'",
};

/** A character bash (iswprint in a UTF-8 locale) prints as is. */
function printable(c: string): boolean {
  const n = c.codePointAt(0)!;
  if (n < 0x20 || n === 0x7f || (n >= 0x80 && n < 0xa0)) return false;
  return !(n >= 0xdc80 && n <= 0xdcff && c.length === 1); // an escaped raw byte
}

/** Does bash's quoting need the `$'...'` form for `s` (a non-printable character)? */
export function needsAnsiC(s: string): boolean {
  for (const c of s) if (!printable(c)) return true;
  return false;
}

/** Bash's `$'...'` form (ansic_quote): `\n \t \E \\ \'`…, other non-printables as octal bytes. */
export function ansiCQuote(s: string): string {
  let out = "$'";
  for (const c of s) {
    const e = ANSI_C[c];
    if (e !== undefined) out += e;
    else if (printable(c)) out += c;
    else for (const b of encode(c)) out += '\\' + b.toString(8).padStart(3, '0');
  }
  return out + "'";
}

/** `${x@Q}`: single quotes, or `$'...'` when `s` has non-printable characters. */
export function reusableQuote(s: string): string {
  return needsAnsiC(s) ? ansiCQuote(s) : singleQuote(s);
}
