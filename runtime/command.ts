/**
 * The shape of a compiled command module (what `generated/<name>.ts` exports as `command`, and
 * what `run()` in runtime/runner/run.ts executes). Types only: importing it costs nothing at run time.
 */
import type { Shell } from './shell/shell.js';
import type { Profile } from './lang/profile.js';
import type { StateKind } from './lang/state-types.js';

export type { Json, StateKind } from './lang/state-types.js';

/** A bash block compiled to an async function. */
export interface BashStep {
  kind: 'bash';
  /** The exported function's name, e.g. `block1aSetup`. */
  name: string;
  /** The markdown heading the block sits under ('' when none). */
  heading: string;
  /** First line of the block in the .md file (1-based). */
  line: number;
  endLine: number;
  /**
   * Variables of the model-filled placeholders the block uses (`CMDC_SET_<NAME>`,
   * `CMDC_ARGUMENTS`, `CMDC_ARGV[i]`); the runner refuses to run the block when one has no value.
   */
  placeholders?: string[];
  /**
   * `'ts'` for a block written in TypeScript (a ```` ```ts cmdc ```` fence): `run` is the user's
   * code wrapped by `tsBlock` (runtime/tsblock/block.ts); it is numbered, listed and run as a
   * bash block is. Absent for bash.
   */
  lang?: 'ts';
  run: (sh: Shell) => Promise<void>;
}

/** Prose between blocks: a request to the agent (see runtime/runner/agent.ts). */
export interface AgentStep {
  kind: 'agent';
  line: number;
  endLine: number;
  text: string;
}

/**
 * A `!` pre-command (`` !`cmd` `` or a ```` ```! ```` fence): Claude Code runs every one at
 * invocation, in parallel, before anything else; its output replaces `[start, end)` of the text
 * of `steps[agent]`, or, for one written inside a bash block, reaches that block as the value of
 * `variable` (the compiled block reads it there).
 */
export interface PreStep {
  kind: 'pre';
  line: number;
  endLine: number;
  /** Index in `steps` of the agent step whose text contains it; null when that prose is no agent step (or it is in a block). */
  agent: number | null;
  start: number;
  end: number;
  /** The bash as written; under the claude-code profile it runs with the argument text pasted in, as the client does. */
  text: string;
  /** The bash with argument references rewritten to CMDC_ARGUMENTS / CMDC_ARGV (data, never code): the script profile's. */
  command: string;
  /** `CMDC_PRE_<n>`: the variable holding its output in every block. */
  variable: string;
  /** Written inside a bash block (its output reaches that block, not a prompt). */
  inBlock?: boolean;
  /** A ```` ```! ```` fence (else the inline `` !`cmd` `` form). */
  fence?: boolean;
}

/** A model-filled placeholder (`<branch-name>`, `YOUR_X_HERE`), as `--help` shows it. */
export interface PlaceholderInfo {
  /** The `--set` name, e.g. BRANCH_NAME. */
  name: string;
  /** As written, e.g. `<branch-name>`. */
  token: string;
  /** The variable the compiled blocks read: `CMDC_SET_<NAME>`, `CMDC_ARGUMENTS` or `CMDC_ARGV[i]`. */
  variable: string;
  bound: 'arguments' | 'set' | null;
  /** .md position of its first occurrence. */
  line: number;
  col: number;
  /** The prose sentence that says what to put there, and its .md line. */
  instruction: string | null;
  instructionLine: number | null;
}

export type Step = BashStep | AgentStep | PreStep;

/** A bash fence that shows how to invoke the command (a usage example): documentation, never run. */
export interface ExampleInfo {
  /** .md lines of the code. */
  line: number;
  endLine: number;
  /** The heading it sits under ('' when none). */
  heading: string;
  code: string;
}

/**
 * A library the blocks `source`, compiled with the command (`cmdc compile` resolved its path
 * statically). Used only when the sourced file's content still has this sha256; otherwise the
 * file is compiled on first use (runtime/code/loader.ts).
 */
export interface CompiledLibrary {
  /** The file as found at compile time, relative to the project root. */
  file: string;
  /** sha256 (hex) of its content. */
  sha256: string;
  native: number;
  islands: number;
  /** bash's messages when it has a syntax error partway (runtime/shell/code.ts). */
  syntaxError?: string[];
  run: (sh: Shell) => Promise<void>;
}

/**
 * A compiled command. `S` is the generated `State` interface (the keys it persists): it types
 * what `readState(command, id)` (runtime/runner/read-state.ts) returns for an instance of this
 * command; the steps themselves read state through the runtime, as their bash did.
 */
export interface CommandModule<S = Record<string, string | undefined>> {
  /** Command name (file name without .md), also the workflow id prefix. */
  name: string;
  /** Path of the .md source relative to the project root, e.g. `commands/implement.md`. */
  source: string;
  frontmatter: Record<string, unknown>;
  /**
   * How the user re-runs this command, for the commands the runner prints (resume, next block,
   * --help), e.g. `npx cmdc run hello`; set by `cmdc run` (cli/run-cache.mjs). Default: the
   * entry script (`npx tsx commands/x.ts`, `node .cmdc/bin/x.mjs`).
   */
  entry?: string;
  /**
   * How blocks run (runtime/lang/profile.ts): `claude-code` (the default: as Claude Code's Bash
   * tool runs them) or `script` (standalone bash scripts); `--profile` overrides it at run time.
   */
  profile?: Profile;
  /**
   * `$N` numbering, named arguments, and the argument references anywhere in the file (`'*'`:
   * `$ARGUMENTS` or a named one, a number: `$N` / `$ARGUMENTS[N]`), when not the default
   * (zero-based, none): Claude Code appends "ARGUMENTS: …" to the prompt when none is filled.
   */
  arguments?: { convention: 'zero-based' | 'positional'; names: string[]; refs?: ('*' | number)[] };
  /** A skill (`.claude/skills/<name>/SKILL.md`): `${CLAUDE_SKILL_DIR}` is substituted and prompts start with its directory. */
  skill?: boolean;
  /** Model-filled placeholders, when the command has any. */
  placeholders?: PlaceholderInfo[];
  steps: Step[];
  /** Usage-example blocks (not steps), when the file has any: `--help` lists them. */
  examples?: ExampleInfo[];
  /**
   * The kind of each key of `S` the state-flow analysis could prove (integer, array, json;
   * string when absent): how a typed value of the key is read from and written to the state file
   * (runtime/lang/state-types.ts).
   */
  stateKinds?: Readonly<Record<string, StateKind>>;
  /** Libraries compiled with the command (keyed by content hash at run time). */
  libraries?: CompiledLibrary[];
  /** Carries `S` for inference (`readState` infers it from here); never set. */
  readonly __state?: S;
}
