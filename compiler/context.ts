/**
 * Per-file translation context: the .md file and its text, the diagnostics sink, the runtime
 * names the generated code imports, native/island counts, and the options. Passed to every
 * translator in compiler/translate/ (no module-level state).
 */
import { island, locationOf, type Diagnostic } from './diagnostics.js';
import type { Comment, Pos } from './ast.js';

export interface ContextOptions {
  /** The .md file (as shown in diagnostics and runtime errors), e.g. `commands/x.md`. */
  file: string;
  /** The whole .md text. */
  source: string;
  /** A block that does not parse is an error instead of an island. */
  strict?: boolean;
  /**
   * Pass each function's bash text to `sh.fn` so that bash islands can call it (compiled
   * libraries: islands inside them call their functions).
   */
  functionSources?: boolean;
}

export interface Context {
  readonly file: string;
  readonly source: string;
  readonly strict: boolean;
  readonly functionSources: boolean;
  readonly diagnostics: Diagnostic[];
  /** Runtime names used by the code translated so far (reset per block by translateBlock). */
  imports: Set<string>;
  stats: { native: number; islands: number };
  /** Bash comments of the block being translated, not yet emitted (carried into the TS). */
  comments: Comment[];
  /** Where the last statement translated ended (a comment on that line after it is a trailing one). */
  lastEnd: Pos | null;
  /** `source` split in lines, when needed (trailing comments). */
  sourceLines?: string[];
  /** Record an info diagnostic that a construct became a bash island. */
  island(at: { pos: Pos; end?: Pos }, construct: string): void;
  /** Mark a runtime export as used; returns the name. */
  use(name: string): string;
}

export function createContext(o: ContextOptions): Context {
  const ctx: Context = {
    file: o.file,
    source: o.source,
    strict: o.strict ?? false,
    functionSources: o.functionSources ?? false,
    diagnostics: [],
    imports: new Set(),
    stats: { native: 0, islands: 0 },
    comments: [],
    lastEnd: null,
    island(at, construct) {
      ctx.diagnostics.push(island(locationOf(ctx.file, at), construct));
    },
    use(name) {
      ctx.imports.add(name);
      return name;
    },
  };
  return ctx;
}
