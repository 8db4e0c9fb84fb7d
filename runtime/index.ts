/**
 * The public surface generated code imports (a flat list of re-exports; other modules add lines).
 */
export {
  Shell, createShell, runBlock, registerLibrary, LibraryRegistry, defaultLibraries,
  ExitSignal, ReturnSignal, LoopSignal,
} from './shell.js';
export type { BlockFn, BlockResult, CreateShellOptions, ShellOpts, StdioSpec, CondExpr } from './shell.js';
export { w, glob, dq, param, len, slice, repl, keys, indirect, cmdsub, arith, tilde, brace, arr, elem, r, env } from './words.js';
export type { Body, Word, WordLike, Part, Redir, Mod, AssignValue } from './words.js';
export type { Builtin } from './builtins/index.js';
export { runIsland } from './island.js';
export type { CommandModule, Step, BashStep, AgentStep, PreStep, PlaceholderInfo } from './command.js';
