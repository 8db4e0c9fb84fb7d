/**
 * `wf`: the running instance's state with keys typed by the command's `State` (the generated
 * interface; kinds from compiler/analysis/state-flow.ts via runtime/lang/state-types.ts).
 *
 *   await wf.top(73).append({ COMMAND_NAME: v.COMMAND_NAME, USER_ARGS: v.USER_ARGS })
 *   const { PLAN_FILE, DONE_TASKS } = wf.view()
 *
 * `append` is `append_workflow_state K "$V"` per key, in order, each at its own line (the first
 * key at the marked line, the next ones on the following lines, as the statements it replaces),
 * run as the shell runs that name — cmdc's library in process, or the project's own function —
 * so the state file gets exactly the bytes the bash library writes. Typed values (numbers,
 * string arrays, JSON) are written by the one rule of runtime/lang/state-types.ts (arrays with
 * append_workflow_state_array). `view` parses the state file (never runs it).
 */
import type { Shell } from '../shell/shell.js';
import { loadState } from '../store/state.js';
import { readTypedState, writeTyped, type StateKind } from '../lang/state-types.js';
import { currentRef } from '../statelib/util.js';
import type { Text } from './vars.js';
import { cmd, type Cmd } from './cmd.js';
import { isRef } from './vars.js';

/** What `append` takes for a key: its typed value, or text (a literal or a Ref). */
export type Appendable<S> = { readonly [K in keyof S & string]?: S[K] | Text };

export class Workflow<S extends object> {
  private line = 0;
  private topLevel = true;

  constructor(
    readonly sh: Shell,
    readonly kinds: Readonly<Record<string, StateKind>> = {},
  ) {}

  /** The first key's statement is a top-level statement at `line`. */
  top(line: number): this {
    this.line = line;
    this.topLevel = true;
    return this;
  }

  /** The first key's statement is nested (in an `if` body…) at `line`. */
  at(line: number): this {
    this.line = line;
    this.topLevel = false;
    return this;
  }

  /** Append each key in order; the status is the last call's (`set -e` applies to each). */
  async append(entries: Appendable<S>): Promise<number> {
    const sh = this.sh;
    let status = 0;
    let i = 0;
    for (const [key, value] of Object.entries(entries) as [string, unknown][]) {
      if (value === undefined) continue;
      const line = this.line + i++;
      if (this.topLevel) sh.top(line);
      else sh.at(line);
      if (typeof value === 'string' || isRef(value)) {
        status = await sh.cmd(['append_workflow_state', key, value]);
        continue;
      }
      const raw = writeTyped(key, this.kinds[key], value);
      status = typeof raw === 'string' ? await sh.cmd(['append_workflow_state', key, raw]) : await sh.cmd(['append_workflow_state_array', key, ...raw]);
    }
    return status;
  }

  // The state library's other calls, as commands for `ts.run` (run as the shell runs the name:
  // cmdc's library in process or the project's own function):

  /** `init_workflow_state ID` */
  init(id: Text): Cmd {
    return cmd('init_workflow_state', id);
  }
  /** `load_workflow_state ID [FIRST_BLOCK]` */
  load(id: Text, first?: Text): Cmd {
    return first === undefined ? cmd('load_workflow_state', id) : cmd('load_workflow_state', id, first);
  }
  /** `append_workflow_state_array KEY VALUE…` */
  appendArray(key: keyof S & string, ...values: Text[]): Cmd {
    return cmd('append_workflow_state_array', key, ...values);
  }
  /** `discover_latest_state_file PREFIX` */
  discover(prefix: Text): Cmd {
    return cmd('discover_latest_state_file', prefix);
  }
  /** `sm_init …` */
  smInit(...args: Text[]): Cmd {
    return cmd('sm_init', ...args);
  }
  /** `sm_transition STATE` */
  transition(state: Text): Cmd {
    return cmd('sm_transition', state);
  }
  /** `log_command_error COMMAND WORKFLOW_ID USER_ARGS TYPE MESSAGE SOURCE CONTEXT` */
  logError(...args: Text[]): Cmd {
    return cmd('log_command_error', ...args);
  }
  /** `setup_bash_error_trap COMMAND WORKFLOW_ID USER_ARGS` */
  trapErrors(...args: Text[]): Cmd {
    return cmd('setup_bash_error_trap', ...args);
  }

  /** The instance's state now (STATE_FILE, else WORKFLOW_ID), typed; throws when there is none. */
  view(): Partial<S> {
    const ref = currentRef(this.sh);
    if (typeof ref === 'number') throw new Error('wf.view(): no workflow state (STATE_FILE and WORKFLOW_ID are unset)');
    const st = loadState(ref.path, { cwd: this.sh.cwd });
    return readTypedState(st, this.kinds) as Partial<S>;
  }
}
