/**
 * What a lint rule is: a stable id (the id of its diagnostic factory in compiler/diagnostics.ts),
 * a one-line summary, and a `check` over one command file that returns findings — a diagnostic
 * located in the .md file and, only when the rewrite is certain, a fix (text edits of the .md).
 * The context hands every rule the same parsed blocks and lazily computed facts.
 */
import type * as A from '../ast.js';
import type { Diagnostic, Location, Severity } from '../diagnostics.js';
import { readCommandSource, type CommandSource } from '../analysis/blocks.js';
import { fileOps, type FileOp } from '../analysis/files.js';
import { Env } from '../analysis/values.js';
import type { LibraryCache, LibraryModel } from '../analysis/library.js';
import { commandLibraries, projectDirOf } from '../analysis/state-flow.js';

/** Replace `[start, end)` of the .md text (char offsets) by `text`. */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

export interface LintFinding {
  diagnostic: Diagnostic;
  /** Present only when applying it is certainly right (`cmdc lint --fix`). */
  fix?: TextEdit[];
}

export interface LintRule {
  /** The diagnostic id, e.g. "mtime-discovery". */
  readonly id: string;
  readonly severity: Severity;
  /** One line: what the rule finds. */
  readonly summary: string;
  check(ctx: LintContext): LintFinding[];
}

/** Per-file facts shared by the rules (computed on first use). */
export interface LintContext {
  readonly cmd: CommandSource;
  readonly env: Env;
  fileOps(): FileOp[];
  /** The functions of the project's library the command uses (analysis/library.ts). */
  library(): LibraryModel;
  /** The location of a node. */
  at(node: { pos: A.Pos; end?: A.Pos }): Location;
  /** Char offset in the .md text of a 1-based position. */
  offset(pos: A.Pos): number;
}

/** Where the command's libraries are found. */
export interface LibraryOptions {
  /** The .md file's path on disk when `file` is not (relative to the cwd). */
  path?: string;
  /** Project dir for `source "${CLAUDE_PROJECT_DIR}/…"`; default: the nearest ancestor of the file with a .claude directory. */
  projectDir?: string;
  /** Parsed libraries shared between the files of one run. */
  cache?: LibraryCache;
}

/** Build the context for one command file. */
export function createLintContext(file: string, source: string, opts: LibraryOptions = {}): LintContext {
  const cmd = readCommandSource(file, source);
  const env = new Env(cmd);
  let lib: LibraryModel | null = null;
  const starts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
  let ops: FileOp[] | null = null;
  return {
    cmd,
    env,
    fileOps: () => (ops ??= fileOps(cmd, env)),
    library: () => (lib ??= commandLibraries(cmd, env, opts.projectDir ?? projectDirOf(opts.path ?? file), opts.cache)),
    at: (node) => {
      const loc: Location = { file, line: node.pos.line, col: node.pos.col };
      if (node.end) {
        loc.endLine = node.end.line;
        loc.endCol = node.end.col;
      }
      return loc;
    },
    offset: (pos) => (starts[pos.line - 1] ?? source.length) + pos.col - 1,
  };
}

/** A statement's source, on one line and clipped, for messages. */
export function clip(src: string, max = 60): string {
  const one = src.replace(/\s*\\\n\s*/g, ' ').replace(/\s*\n\s*/g, '; ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
