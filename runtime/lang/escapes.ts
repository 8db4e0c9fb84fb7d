/**
 * Backslash escapes as bash decodes them, in its two dialects: `$'…'` quoting (ANSI-C: `\'`,
 * `\"`, `\?`, `\cX` control characters, `\nnn` octal) and `echo -e` / `printf %b` (`\c` stops
 * all output, octal only as `\0nnn`). Used by the compiler for `$'…'` words and by the echo and
 * printf builtins, so both read escapes one way. `\xHH` and octal escapes give raw bytes
 * (runtime/lang/bytes.ts), so `$'\xe2\x9c\x93'` is `✓` and `$'\377'` the byte 0xff.
 */
import { byte, normalize } from './bytes.js';

export type EscapeDialect = 'ansi-c' | 'echo';

const SIMPLE: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\',
};
const ANSI_C_ONLY: Readonly<Record<string, string>> = { "'": "'", '"': '"', '?': '?' };

/** Decodes `s`; `stop` is true when an echo-dialect `\c` ended the text there. */
export function decodeEscapes(s: string, dialect: EscapeDialect): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) { out += c; continue; }
    const d = s[++i]!;
    const simple = SIMPLE[d] ?? (dialect === 'ansi-c' ? ANSI_C_ONLY[d] : undefined);
    if (simple !== undefined) { out += simple; continue; }
    if (d === 'c') {
      if (dialect === 'echo') return { text: normalize(out), stop: true };
      const n = s[++i];
      if (n !== undefined) out += String.fromCharCode(n.toUpperCase().charCodeAt(0) ^ 0x40);
      continue;
    }
    if (d === 'x' || d === 'u' || d === 'U') {
      const re = d === 'x' ? /^[0-9a-fA-F]{1,2}/ : d === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/;
      const m = re.exec(s.slice(i + 1));
      if (!m) { out += '\\' + d; continue; }
      i += m[0].length;
      const n = parseInt(m[0], 16);
      out += d === 'x' ? byte(n) : n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff) ? '\ufffd' : String.fromCodePoint(n);
      continue;
    }
    if (dialect === 'echo' && d === '0') {
      const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))!;
      i += m[0].length;
      out += byte(parseInt(m[0] || '0', 8));
      continue;
    }
    if (dialect === 'ansi-c' && d >= '0' && d <= '7') {
      const m = /^[0-7]{1,3}/.exec(s.slice(i))!;
      i += m[0].length - 1;
      out += byte(parseInt(m[0], 8));
      continue;
    }
    out += '\\' + d;
  }
  return { text: normalize(out), stop: false };
}
