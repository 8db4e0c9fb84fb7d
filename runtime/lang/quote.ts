/**
 * Bash quoting shared by the interpreter (islands) and the state store: `$'...'` in pure ASCII
 * for any bytes (every byte string without NUL round-trips exactly through bash), and plain
 * single quotes for text. A leaf: imports nothing.
 */
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
  return quoteBytes(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
}

/** `'...'`: bash single quotes (each `'` in `s` becomes `'\''`); for text, not for arbitrary bytes. */
export function singleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

