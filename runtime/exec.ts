/** External commands, pipelines, redirects (stub, being implemented). */
import type { Shell } from './shell.js';
import type { Body, Redir } from './words.js';
export async function runExternal(sh: Shell, argv: string[], prefix: Record<string, string>): Promise<number> { void sh; void argv; void prefix; return 127; }
export async function withRedirs(sh: Shell, redirs: readonly Redir[], fn: () => Promise<number>): Promise<number> { void sh; void redirs; return fn(); }
export async function runPipeline(sh: Shell, stages: Body[]): Promise<number[]> { void sh; return stages.map(() => 0); }
