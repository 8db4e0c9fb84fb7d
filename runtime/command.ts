/**
 * The shape of a compiled command module (what `generated/<name>.ts` exports as `command`, and
 * what `run()` in runtime/cli.ts executes). Types only: importing it costs nothing at run time.
 */
import type { Shell } from './shell.js';

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
  run: (sh: Shell) => Promise<void>;
}

/** Prose between blocks: a request to the agent (see runtime/agent.ts). */
export interface AgentStep {
  kind: 'agent';
  line: number;
  endLine: number;
  text: string;
}

export type Step = BashStep | AgentStep;

/**
 * A compiled command. `S` is the generated `State` interface (the keys it persists); it only
 * types what `run()` hands back, the steps themselves read state through the runtime.
 */
export interface CommandModule<S = Record<string, string | undefined>> {
  /** Command name (file name without .md), also the workflow id prefix. */
  name: string;
  /** Path of the .md source relative to the project root, e.g. `commands/implement.md`. */
  source: string;
  frontmatter: Record<string, unknown>;
  steps: Step[];
  /** Phantom field carrying the State type; never set. */
  readonly __state?: S;
}
