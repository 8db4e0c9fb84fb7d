/**
 * Shared pieces of the translators: the `Code` a translator returns (an expression of type
 * Promise<number> on the shell, or a TS statement), the `NeedIsland` signal a translator throws
 * when it meets a construct it does not translate (caught per statement by index.ts), and small
 * formatting helpers. Generated code refers to the shell as `sh`.
 */
import type * as A from '../ast.js';
import { escapeText } from '../escape.js';
import { commandText, plainCommand } from './command-text.js';

export type Code = { expr: string } | { stmt: string };

/** Thrown by a translator for a construct it does not handle; becomes a bash island. */
export class NeedIsland extends Error {
  constructor(readonly construct: string, readonly node?: { pos: A.Pos; end?: A.Pos }) {
    super(construct);
  }
}

/** A JS string literal (compiler/escape.ts: the one escaping function of generated code). */
export function q(s: string): string {
  return escapeText(s, 'string');
}

export function indent(text: string, by = '  '): string {
  return text
    .split('\n')
    .map((l) => (l.length ? by + l : l))
    .join('\n');
}

/** `sh.at(<line>)`: every statement records its .md line first. */
export function at(node: { pos: A.Pos }): string {
  return `sh.at(${node.pos.line})`;
}

/**
 * `sh.at(<line>, <text>)` for a simple command (assignments, declarations and `[[ ]]` too): the
 * text bash shows in `$BASH_COMMAND` (./command-text.ts), left out when the runtime's default
 * (the expanded words joined by spaces) already is that text.
 */
export function cmdAt(s: A.Stmt): string {
  const text = plainCommand(s) ? null : commandText(s);
  return text === null ? at(s) : `sh.at(${s.pos.line}, ${q(text)})`;
}

export function asStmt(c: Code): string {
  return 'expr' in c ? `await ${c.expr};` : c.stmt;
}

/** A closure `(sh) => ...` running the given statements against the shell it is given. */
export function bodyFn(codes: Code[]): string {
  if (codes.length === 1 && 'expr' in codes[0]!) return `(sh) => ${codes[0].expr}`;
  if (codes.length === 0) return 'async (sh) => sh.ok()';
  return `async (sh) => {\n${indent(codes.map(asStmt).join('\n'))}\n}`;
}

/** Call args: `a, b` with a trailing list of extra args (redirects). */
export function args(...xs: (string | undefined | null)[]): string {
  return xs.filter((x): x is string => !!x).join(', ');
}

/** Offset of `pos` inside `node.src` (node.pos is offset 0). */
export function offsetIn(node: { pos: A.Pos; src: string }, pos: A.Pos): number {
  if (pos.line === node.pos.line) return pos.col - node.pos.col;
  let off = 0;
  for (let l = node.pos.line; l < pos.line; l++) {
    const nl = node.src.indexOf('\n', off);
    if (nl < 0) return node.src.length;
    off = nl + 1;
  }
  return off + pos.col - 1;
}
