/**
 * The typed tier's runtime: what a typed block (emitted by compiler/typed, or a ```ts block
 * written by hand) has in scope, all bound to the block's shell `sh`:
 *
 *   const { $, v, ts, wf } = typed<State>(sh, stateKinds);
 *   await ts.top(63).run($`grep -c ${'^## Phase'} ${v.PLAN_FILE}`.quiet());
 *   await wf.top(73).append({ COMMAND_NAME: v.COMMAND_NAME, PLAN_FILE: v.PLAN_FILE });
 *   const { PLAN_FILE } = wf.view();
 *   if (ts.top(49).is(v.USER_ARGS.value === '')) await ts.at(50).echo('usage…', 2);
 *   const head = await ts.capture($`git rev-parse HEAD`);
 *
 * - `$` (./cmd.ts): a tagged template with zx's word rules and zx's quoting when printed. A
 *   command handed to a statement (`ts.run`, `ts.capture`, `ts.text`) runs as bash runs it,
 *   through the shell's exec-handler chain (test stubs see its argv), its fd table (ordering with
 *   builtins' writes) and `$?`/errexit/ERR — what the compiled typed tier emits. Awaited itself
 *   (`await $\`git rev-parse HEAD\``), it is a zx command: zx's ProcessPromise with the
 *   block's shell as its spawn, resolving to zx's ProcessOutput (./zx.ts, loaded on first use).
 * - `v` (./vars.ts): `v.NAME` is `"$NAME"`: a word for the statements, a string in TS.
 * - `ts` (./typed.ts): the statements (run, capture, text, echo, set, is, exit, export,
 *   source), each the exact tier's statement underneath.
 * - `wf` (./workflow.ts): typed state of the instance (`append`, `view`), keys checked against
 *   the command's `State`; the state library's other calls as commands for `ts.run`
 *   (`await ts.top(71).run(wf.transition('implement').silent())`).
 */
import type { Shell } from '../shell/shell.js';
import type { StateKind } from '../lang/state-types.js';
import { dollarOn, type Dollar } from './cmd.js';
import { Typed } from './typed.js';
import { vars, type Vars } from './vars.js';
import { Workflow } from './workflow.js';

export { $, Cmd, cmd, dollarOn } from './cmd.js';
export type { Arg, Dollar, Stage, Value, ZxFlags } from './cmd.js';
export { Typed } from './typed.js';
export { Workflow } from './workflow.js';
export type { Appendable } from './workflow.js';
export { vars, ref, readVar, isRef } from './vars.js';
export type { Ref, Text, Vars } from './vars.js';
export { zxQuote } from './quote.js';

/** Everything a typed block uses, bound to `sh`. */
export interface TypedScope<S extends object> {
  readonly $: Dollar;
  readonly v: Vars;
  readonly ts: Typed;
  readonly wf: Workflow<S>;
}

/** The typed scope of the block running on `sh` (`kinds`: the command's `stateKinds`). */
export function typed<S extends object = Record<string, string>>(sh: Shell, kinds: Readonly<Record<string, StateKind>> = {}): TypedScope<S> {
  return { $: dollarOn(sh), v: vars(sh), ts: new Typed(sh), wf: new Workflow<S>(sh, kinds) };
}
