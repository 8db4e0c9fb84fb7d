/**
 * Shared pieces of the translators: the `Code` a translator returns (an IR statement,
 * compiler/ir/nodes.ts: an `expr` statement is an expression of type Promise<number> on the
 * shell), the `NeedIsland` signal a translator throws when it meets a construct it does not
 * translate (caught per statement by index.ts), and small helpers. Generated code refers to
 * the shell as `sh`; compiler/ir/print.ts prints it.
 */
import type * as A from '../ast.js';
import { escapeText } from '../escape.js';
import { commandText, plainCommand } from './command-text.js';
import { at as atNode, call, exprStmt, fn, type At, type Expr, type Fn, type Stmt } from '../ir/nodes.js';

export type Code = Stmt;

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
export function at(node: { pos: A.Pos }): At {
  return atNode(node.pos.line);
}

/**
 * `sh.at(<line>, <text>)` for a simple command (assignments, declarations and `[[ ]]` too): the
 * text bash shows in `$BASH_COMMAND` (./command-text.ts), left out when the runtime's default
 * (the expanded words joined by spaces) already is that text.
 */
/**
 * `sh.at(<line>, <header>)` for a compound command whose header `set -x` prints (`for i in a b`,
 * `case $x in`), only in code that turns `set -x` on (elsewhere the header is never shown).
 */
export function headerAt(node: { pos: A.Pos }, header: string, ctx: { source: string }): At {
  return XTRACE.test(ctx.source) ? atNode(node.pos.line, header) : at(node);
}

/** `set -x` / `set -o xtrace` somewhere in the text. */
export const XTRACE = /\bset\s+(?:-[A-Za-z]*x|-o\s+xtrace)\b/;

export function cmdAt(s: A.Stmt): At {
  const text = plainCommand(s) ? null : commandText(s);
  return text === null ? at(s) : atNode(s.pos.line, text);
}

/** A closure `(sh) => ...` running the given statements against the shell it is given. */
export function bodyFn(codes: readonly Code[]): Fn {
  return fn(codes);
}

/** The statement `sh.at(N).<method>(args)` of statement `s` (`mark`: its at node). */
export function shCall(mark: At, method: string, args: readonly (Expr | undefined | null)[], tail?: boolean): Code {
  return exprStmt(call(mark, method, args.filter((x): x is Expr => x !== undefined && x !== null && x !== ''), tail), mark.line);
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
