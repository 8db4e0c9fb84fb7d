/**
 * What a ```` ```ts cmdc ```` block has in scope besides `sh` (its block's Shell): the typed
 * tier's runtime (runtime/typed/) — `$` (zx's template word rules; a command built, run by
 * `ts.run`/`ts.capture` through the shell's own command path, so test stubs, fds and `$?`
 * apply), `v` (`v.NAME` is `"$NAME"`), `ts` (the statements) — and `wf`, the command's instance
 * state typed by the generated `State` (`wf.view()`, `await wf.append({ KEY: value })`: the
 * records `append_workflow_state` writes, so bash blocks before and after see them). The module
 * also imports `exit(n)` for the blocks (ends the block with status n, as bash's `exit`).
 *
 * A ts block starts, like every block, in a fresh shell: `wf` first finds its instance — the
 * one the shell already names (`STATE_FILE`, `WORKFLOW_ID`: the block sourced it or called
 * `init_workflow_state`), else the one the runner runs (`CMDC_STATE_FILE`), else this owner's
 * single running instance of the command (as `discover_latest_state_file`) — and names it in the
 * shell as sourcing it would. `wf.append` in a first block with no instance creates one, and
 * uses cmdc's state library in process when the block did not source one.
 */
import type { Shell } from '../shell/shell.js';
import { ExitSignal } from '../shell/signals.js';
import type { CommandModule } from '../command.js';
import { defaultLibraries } from '../shell/shell.js';
import { createState } from '../store/state.js';
import { listCandidates } from '../store/discover.js';
import { resolveOwner } from '../store/owner.js';
import { newWorkflowId } from '../store/ids.js';
import { envOf, isFile, stateDirOf, v as getVar } from '../statelib/util.js';
import { dollarOn, type Dollar } from '../typed/cmd.js';
import { Typed } from '../typed/typed.js';
import { vars, type Vars } from '../typed/vars.js';
import { Workflow, type Appendable } from '../typed/workflow.js';

export interface TsScope<S extends object> {
  readonly $: Dollar;
  readonly v: Vars;
  readonly ts: Typed;
  readonly wf: TsWorkflow<S>;
}

/**
 * End the block with `status` (as bash's `exit`: the runner records it, an EXIT trap runs). A
 * declared function (not a scope member) so that `if (!x) exit(1)` narrows `x` afterwards.
 */
export function exit(status = 0): never {
  throw new ExitSignal(status & 255);
}

/** The scope of a ts block of `command` running on `sh`. */
export async function tsScope<S extends object>(sh: Shell, command: CommandModule<S>): Promise<TsScope<S>> {
  return { $: dollarOn(sh), v: vars(sh), ts: new Typed(sh), wf: new TsWorkflow<S>(sh, command) };
}

/** An error about the instance state of a ts block (several candidates, none to read). */
export class WorkflowStateError extends Error {}

/** The typed tier's `wf` for a block that starts with no state loaded: it finds (or makes) its instance first. */
export class TsWorkflow<S extends object> extends Workflow<S> {
  constructor(
    sh: Shell,
    private readonly command: CommandModule<S>,
  ) {
    super(sh, command.stateKinds ?? {});
  }

  /** The instance's workflow id ('' while there is none). */
  get id(): string {
    const f = this.locate();
    return f ? idOf(f) : '';
  }

  /** Its state file ('' while there is none). */
  get file(): string {
    return this.locate() ?? '';
  }

  /** Every key of the state file now, typed; empty while there is no instance. */
  override view(): Partial<S> {
    const file = this.locate();
    if (!file) return {};
    this.adopt(file);
    return super.view();
  }

  /** Append the values (undefined ones skipped) as append_workflow_state does; creates the instance when there is none. */
  override async append(entries: Appendable<S>): Promise<number> {
    const sh = this.sh;
    let file = this.locate();
    if (!file) {
      // a first block: a new instance, as init_workflow_state makes it (exported STATE_FILE, WORKFLOW_ID)
      const ws = createState(newWorkflowId(this.command.name), { dir: stateDirOf(sh), command: this.command.name, owner: resolveOwner(envOf(sh)).owner });
      file = ws.path;
      for (const [k, x] of [['STATE_FILE', ws.path], ['WORKFLOW_ID', ws.id]] as const) {
        sh.setVar(k, x);
        sh.vars.lookup(k)!.exported = true;
      }
    }
    this.adopt(file);
    if (!sh.funcs.has('append_workflow_state') && !sh.libBuiltins.has('append_workflow_state')) {
      // cmdc's state library in process, as `source …/state-persistence.sh` activates it
      const lib = defaultLibraries.findEntry('state-persistence.sh');
      if (lib) {
        for (const [k, b] of Object.entries(lib.builtins)) sh.libBuiltins.set(k, b);
        lib.activate?.(sh);
      }
    }
    const status = await super.append(entries);
    if (status !== 0) throw new WorkflowStateError(`wf.append: append_workflow_state failed with status ${status} (${file})`);
    return status;
  }

  private locate(): string | null {
    const sh = this.sh;
    const sf = getVar(sh, 'STATE_FILE');
    if (sf) return sf;
    const given = getVar(sh, 'CMDC_STATE_FILE');
    if (given && isFile(given)) return given;
    const dir = stateDirOf(sh);
    const wid = getVar(sh, 'WORKFLOW_ID') || getVar(sh, 'CMDC_WORKFLOW_ID');
    if (wid && isFile(`${dir}/workflow_${wid}.sh`)) return `${dir}/workflow_${wid}.sh`;
    const name = this.command.name;
    const found = listCandidates({ dir, owner: resolveOwner(envOf(sh)).owner, prefix: name });
    if (found.length === 1) return `${dir}/workflow_${found[0]!.id}.sh`;
    if (found.length > 1) {
      throw new WorkflowStateError(`${found.length} running/paused "${name}" workflows belong to this owner; pass --workflow-id <id> (${found.map((c) => c.id).join(', ')})`);
    }
    return null;
  }

  /** Name the instance in the shell as sourcing it would (STATE_FILE, WORKFLOW_ID). */
  private adopt(file: string): void {
    const sh = this.sh;
    if (getVar(sh, 'STATE_FILE') !== file) sh.setVar('STATE_FILE', file);
    if (getVar(sh, 'WORKFLOW_ID') !== idOf(file)) sh.setVar('WORKFLOW_ID', idOf(file));
  }
}

function idOf(file: string): string {
  return file.slice(file.lastIndexOf('/workflow_') + '/workflow_'.length, -'.sh'.length);
}
