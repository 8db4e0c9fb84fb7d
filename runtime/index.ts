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
// The state runtime's public API, and the state library builtins (importing statelib registers
// them: `source …/state-persistence.sh` etc. in any module that imports this file).
export * from './ids.js';
export * from './state.js';
export * from './discover.js';
export * from './checkpoint.js';
export * from './errors.js';
export * from './state-errors.js';
export {
  STATES, WORKFLOW_TYPES, TRANSITIONS, WORKFLOW_SPECS, InvalidTransitionError, StateMachineError, isState, isWorkflowType,
  smInit, isAllowedTransition, smAllowed, smCanTransition, smTransition, smIsComplete, smToVars, smTransitionVars, smFromVars,
} from './state-machine.js';
export type { State as MachineState, WorkflowType, WorkflowTypeSpec, Machine, MachineVars } from './state-machine.js';
export { registerStateLibrary } from './statelib/index.js';
