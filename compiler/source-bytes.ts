/**
 * Command files are UTF-8 text. A file holding bytes that are not valid UTF-8 would be compiled
 * with those bytes silently replaced by U+FFFD (and Claude Code reads it the same lossy way), so
 * the compiler refuses it instead, pointing at the first such byte (issue 12 item 14: bytes are
 * kept exact or the user gets a located diagnostic). Decoding reuses runtime/lang/bytes.ts.
 */
import { decode } from '../runtime/lang/bytes.js';

/** Where the first invalid byte is (1-based line and column in characters), or undefined. */
export function firstInvalidByte(bytes: Uint8Array): { line: number; col: number; byte: number } | undefined {
  const text = decode(bytes);
  const m = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/.exec(text);
  if (!m) return undefined;
  const before = text.slice(0, m.index);
  const nl = before.lastIndexOf('\n');
  return {
    line: before.split('\n').length,
    col: [...before.slice(nl + 1)].length + 1,
    byte: m[0].charCodeAt(0) - 0xdc00,
  };
}
