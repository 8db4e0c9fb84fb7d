/**
 * The one function through which every text from the input (file names, headings, prose, bash
 * text, frontmatter values) enters generated code, for each place it can land: a string
 * literal, a `//` line comment, a `/* … *\/` block comment. Whatever the text holds (newlines,
 * U+2028/U+2029 — line terminators to JavaScript —, quotes, backticks, `${`, `*\/`, lone
 * surrogates), it stays inside that place: it never ends the comment or the string early, so
 * nothing of it can land in code position. Property-tested (test/compiler/escape.test.ts).
 */

/** Where a text is written in generated code. */
export type TextPlace = 'string' | 'single-quoted' | 'line-comment' | 'block-comment';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const hex4 = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `s` written for `place`:
 *   - 'string': a double-quoted TS string literal (JSON escapes, plus U+2028/U+2029);
 *   - 'single-quoted': the same, single-quoted (the emitter's style);
 *   - 'line-comment': the text of a `//` comment on one line: `\` and every line terminator
 *     (\n \r U+2028 U+2029) and lone surrogate escaped as `\n`, `\u2028`, … (unescapeLineComment
 *     reads it back);
 *   - 'block-comment': the text of a `/* *\/` comment: `*\/` defused as `*\\/`, lone surrogates
 *     escaped.
 */
export function escapeText(s: string, place: TextPlace): string {
  switch (place) {
    case 'string':
      return JSON.stringify(s).replace(/[\u2028\u2029]/g, hex4);
    case 'single-quoted':
      return `'${JSON.stringify(s).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'").replace(/[\u2028\u2029]/g, hex4)}'`;
    case 'line-comment':
      return s.replace(/[\\\n\r\u2028\u2029]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : hex4(c),
      );
    case 'block-comment':
      return s.replace(/\*\//g, '*\\/').replace(LONE_SURROGATE, hex4);
  }
}

/** The text escapeText(…, 'line-comment') was made from. */
export function unescapeLineComment(s: string): string {
  return s.replace(/\\(\\|n|r|u([0-9a-f]{4}))/g, (_, c: string, h: string | undefined) =>
    h !== undefined ? String.fromCharCode(parseInt(h, 16)) : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\',
  );
}
