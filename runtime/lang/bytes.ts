/**
 * Bash values are bytes; JS strings are UTF-16. This leaf module is the one place where the two
 * meet: bytes decode to strings as UTF-8 with a *surrogate escape* for every byte that is not
 * part of a valid UTF-8 sequence (byte b ↦ U+DC00+b, b ≥ 0x80, as Python's "surrogateescape"),
 * and strings encode back to exactly the original bytes. So a value read from a file, an
 * argument or a command's output survives variables and comes out byte for byte, while valid
 * text stays ordinary JS text (`${#x}` counts characters as bash does in a UTF-8 locale: an
 * invalid byte counts as one character, like a lone surrogate escape does).
 *
 * Use `decode` wherever bytes enter (fds, files, child output) and `encode` wherever they leave
 * (fds, files, child argv/env); `byte(n)` is the string for one raw byte (`printf '\xff'`).
 */

const fatal = new TextDecoder('utf-8', { fatal: true });

/** A lone low surrogate U+DC80..U+DCFF (not the second half of a pair) = one escaped byte. */
const ESCAPED = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/;

/** The string holding the raw byte `n` (0-255): ASCII as itself, 0x80+ as its escape. */
export function byte(n: number): string {
  const b = n & 0xff;
  return b < 0x80 ? String.fromCharCode(b) : String.fromCharCode(0xdc00 + b);
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function seqLen(b: Uint8Array, i: number): number {
  const c = b[i]!;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) { n = 2; min = 0x80; }
  else if (c >= 0xe0 && c <= 0xef) { n = 3; min = 0x800; }
  else if (c >= 0xf0 && c <= 0xf4) { n = 4; min = 0x10000; }
  else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
  for (let k = 1; k < n; k++) {
    const x = b[i + k]!;
    if ((x & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (x & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

/** Bytes → string (UTF-8, invalid bytes surrogate-escaped). Never loses a byte. */
export function decode(b: Uint8Array): string {
  if (b.length === 0) return '';
  try {
    return fatal.decode(b);
  } catch {
    // fall through: some bytes are not valid UTF-8
  }
  let out = '';
  let start = 0; // start of the pending valid run
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) { i++; continue; }
    const n = seqLen(b, i);
    if (n) { i += n; continue; }
    if (i > start) out += Buffer.from(b.buffer, b.byteOffset + start, i - start).toString('utf8');
    out += String.fromCharCode(0xdc00 + c);
    i++;
    start = i;
  }
  if (start < b.length) out += Buffer.from(b.buffer, b.byteOffset + start, b.length - start).toString('utf8');
  return out;
}

/** String → bytes: UTF-8, with each escaped byte written back as itself. */
export function encode(s: string): Buffer {
  if (!ESCAPED.test(s)) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff) {
      const v = s.charCodeAt(i + 1);
      if (v >= 0xdc00 && v <= 0xdfff) i++;
      continue;
    }
    if (u >= 0xdc80 && u <= 0xdcff) {
      if (i > start) parts.push(Buffer.from(s.slice(start, i), 'utf8'));
      parts.push(Buffer.of(u - 0xdc00));
      start = i + 1;
    }
  }
  if (start < s.length) parts.push(Buffer.from(s.slice(start), 'utf8'));
  return Buffer.concat(parts);
}

/** Whether `s` holds escaped (non-UTF-8) bytes. */
export function hasRawBytes(s: string): boolean {
  return ESCAPED.test(s);
}

/**
 * The canonical form of `s`: escaped bytes that together make valid UTF-8 (pieces of one
 * character produced separately, e.g. `$'\xe2'$'\x9c\x93'`) become that character.
 */
export function normalize(s: string): string {
  return ESCAPED.test(s) ? decode(encode(s)) : s;
}

/** The characters of `s` as bash counts them (code points; an escaped byte is one). */
export function chars(s: string): string[] {
  return [...normalize(s)];
}

/** A file name for node:fs: the string itself, or its bytes when it holds raw (non-UTF-8) bytes. */
export function fsPath(p: string): string | Buffer {
  return ESCAPED.test(p) ? encode(p) : p;
}
