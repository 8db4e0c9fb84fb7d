/**
 * The public surface generated code imports (a flat list of re-exports; other modules add lines).
 * Its first import makes SIGUSR1 harmless in any process that loads the runtime.
 */
import './shell/debugger-guard.js';
export { Shell, createShell, runBlock, registerLibrary, LibraryRegistry, defaultLibraries } from './shell/shell.js';
export { ExitSignal, ReturnSignal, LoopSignal } from './shell/signals.js';
export type { BlockFn, BlockResult, CreateShellOptions, ShellOpts, StdioSpec, CondExpr } from './shell/shell.js';
export { w, glob, dq, param, sub, len, slice, repl, keys, indirect, names, cmdsub, procsub, arith, tilde, brace, arr, elem, r, env } from './shell/words.js';
export type { Body, Word, WordLike, Part, Redir, Mod, AssignValue } from './shell/words.js';
export type { Builtin } from './shell/builtins/index.js';
export type { ExecHandler, ExecContext, ExecNext } from './shell/exec-handler.js';
export { runIsland } from './shell/island.js';
export { tsBlock, errorStatus, type TsBlockSource } from './tsblock/block.js';
export { tsScope, exit, TsWorkflow, WorkflowStateError, type TsScope } from './tsblock/scope.js';
export { CODE_FORMAT, instantiate } from './shell/code.js';
export type { CodeKind, CodeOrigin, CodeLoader, CompiledCode, LoadedCode } from './shell/code.js';
export { createLoader } from './code/loader.js';
export type { Loader, LoaderOptions, LoaderStats, PrecompiledCode } from './code/loader.js';
export type { CommandModule, Step, BashStep, AgentStep, PreStep, PlaceholderInfo, Json, StateKind } from './command.js';
// The state runtime's public API, and the state library builtins (importing statelib registers
// them: `source …/state-persistence.sh` etc. in any module that imports this file).
export * from './store/ids.js';
export * from './store/state.js';
export * from './store/discover.js';
export * from './store/checkpoint.js';
export * from './store/error-log.js';
export * from './store/errors.js';
export {
  STATES, WORKFLOW_TYPES, TRANSITIONS, WORKFLOW_SPECS, InvalidTransitionError, StateMachineError, isState, isWorkflowType,
  smInit, isAllowedTransition, smAllowed, smCanTransition, smTransition, smIsComplete, smToVars, smTransitionVars, smFromVars,
} from './store/state-machine.js';
export type { State as MachineState, WorkflowType, WorkflowTypeSpec, Machine, MachineVars } from './store/state-machine.js';
export { registerStateLibrary } from './statelib/index.js';
export { typed, $, Cmd, Typed, Workflow, vars, ref, isRef, zxQuote } from './typed/index.js';
export type { TypedScope, Ref, Text, Vars, Arg, Appendable } from './typed/index.js';
