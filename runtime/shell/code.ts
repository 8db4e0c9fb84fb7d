/**
 * The dynamic-code seam: bash text the interpreter meets at run time (a `source`d file, `eval`
 * text, a trap string) runs natively in the same Shell once it has been compiled to the same
 * code a block compiles to. The Shell asks its {@link CodeLoader} for a {@link LoadedCode}; the
 * loader (runtime/code/loader.ts) finds the compiled form precompiled with the command, in the
 * project's cache, or compiles it with the compiler (imported lazily: the runtime never imports
 * compiler code statically).
 *
 * Compiled code is data ({@link CompiledCode}): the JS body of `async (sh) => { … }` as the
 * translator prints it (compiler/translate bodies are plain JS: no type syntax) and the word
 * constructors it uses. {@link instantiate} turns it into a function over runtime/shell/words.ts,
 * so cached code needs no module resolution.
 */
import type { Body } from './words.js';
import * as words from './words.js';

/** What kind of text: it decides how text that does not parse is run (see compiler/dynamic.ts). */
export type CodeKind = 'source' | 'eval' | 'trap';

/** Where dynamic text comes from (for messages and loaders). */
export interface CodeOrigin {
  kind: CodeKind;
  /** A sourced file: the path as given to `source` and its resolved absolute path. */
  file?: string;
  path?: string;
}

/** Bumped when the shape of CompiledCode or the meaning of its JS changes. */
export const CODE_FORMAT = 1 as const;

/** Bash text compiled for the runtime; JSON-serialisable (the disk cache stores it as is). */
export interface CompiledCode {
  format: typeof CODE_FORMAT;
  /** The body of `async (sh) => { … }`: statements on `sh` (lines are the text's own, from 1). */
  js: string;
  /** Word constructors of runtime/shell/words.ts the body uses. */
  imports: string[];
  /** Statements translated natively / run as bash islands. */
  native: number;
  islands: number;
  /**
   * Text with a syntax error partway: the body runs what precedes it (bash reads and runs text
   * one command line at a time), then these lines are printed — bash's own messages from
   * `bash -n`, e.g. "line 2: syntax error near unexpected token `fi'", each after a prefix that
   * depends on the kind of text ({@link syntaxErrorLines}) — and `source`/`eval` return 2.
   */
  syntaxError?: string[];
}

/** Compiled code ready to run in a Shell (from the cache, the compiler, or precompiled with the command). */
export interface LoadedCode {
  run: Body;
  native: number;
  islands: number;
  syntaxError?: readonly string[];
}

/** Finds or compiles the code for `text`; throws only on a bug (never for bad bash). */
export type CodeLoader = (text: string, origin: CodeOrigin) => Promise<LoadedCode>;

/** The word constructors compiled code may use, by name. */
const WORDS: Record<string, unknown> = { ...words };

// eslint-disable-next-line @typescript-eslint/no-empty-function
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>;

/** Runnable code from compiled code (the JS is the compiler's output for the user's own bash). */
export function instantiate(code: CompiledCode): LoadedCode {
  if (code.format !== CODE_FORMAT) throw new Error(`compiled code format ${code.format}, runtime expects ${CODE_FORMAT}`);
  const names = code.imports.filter((n) => /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(n));
  for (const n of names) if (typeof WORDS[n] !== 'function') throw new Error(`compiled code uses unknown runtime name '${n}'`);
  const fn = new AsyncFunction(...names, 'sh', code.js);
  const args = names.map((n) => WORDS[n]);
  const run: Body = (sh) => fn(...args, sh);
  return { run, native: code.native, islands: code.islands, ...(code.syntaxError ? { syntaxError: code.syntaxError } : {}) };
}

/** bash's name for a trap's text in messages (`bash: exit trap: line 1: …`). */
function trapTag(sig: string): string {
  switch (sig) {
    case 'EXIT': return 'exit trap';
    case 'ERR': return 'error trap';
    case 'INT': return 'interrupt trap';
    case 'DEBUG': return 'debug trap';
    case 'RETURN': return 'return trap';
    default: return 'trap';
  }
}

/**
 * The lines bash prints for a syntax error in dynamic text: in a sourced file
 * `<file>: line N: …`; in eval text `<name>: eval: line N: …` with N counted from the line of
 * the `eval` (`evalLine`); in a trap `<name>: exit trap: line N: …`. `name` is the shell's
 * error name (BASH_SOURCE[0], else $0).
 */
export type SyntaxErrorWhere =
  | { kind: 'source'; file: string }
  | { kind: 'eval'; name: string; evalLine: number }
  | { kind: 'trap'; name: string; signal: string };

export function syntaxErrorLines(messages: readonly string[], where: SyntaxErrorWhere): string {
  return messages
    .map((m) => {
      if (where.kind === 'source') return `${where.file}: ${m}\n`;
      if (where.kind === 'trap') return `${where.name}: ${trapTag(where.signal)}: ${m}\n`;
      const shifted = m.replace(/^line (\d+):/, (_, n: string) => `line ${Number(n) + where.evalLine - 1}:`);
      return `${where.name}: eval: ${shifted}\n`;
    })
    .join('');
}
