/**
 * What a ```` ```ts cmdc ```` block has in scope besides `sh` (its block's Shell): `wf`, the
 * command's instance state typed by the generated `State` (read: `wf.view()`, write:
 * `wf.append({ KEY: value })`, the same records `append_workflow_state` writes, so bash blocks
 * before and after see them), `$` (zx, bound to the shell's cwd and exported environment); the module also
 * imports `exit(n)` for them (ends the block with status n, as bash's `exit`).
 *
 * The instance is the one the shell already names (`STATE_FILE`, `WORKFLOW_ID`: set when the
 * block sourced it or called `init_workflow_state`), else the one the runner runs
 * (`CMDC_STATE_FILE`), else this owner's single running instance of the command (discovery,
 * as `discover_latest_state_file`). `wf.append` on a first block with no instance creates one.
 */
import type { ProcessPromise } from 'zx/core';
import type { Shell } from '../shell/shell.js';
import { ExitSignal } from '../shell/signals.js';
import type { CommandModule } from '../command.js';
import { readTypedState, writeTypedState } from '../lang/state-types.js';
import { WorkflowState, createState, loadState } from '../store/state.js';
import { listCandidates } from '../store/discover.js';
import { resolveOwner } from '../store/owner.js';
import { newWorkflowId } from '../store/ids.js';
import { envOf, isFile, stateDirOf, v } from '../statelib/util.js';

/** The instance state of a ts block, typed by the command's `State`. */
export interface Workflow<S> {
  /** The instance's workflow id ('' until there is an instance). */
  readonly id: string;
  /** Its state file ('' until there is an instance). */
  readonly file: string;
  /** Every key of the state file now, typed (what `source "$STATE_FILE"` would set). Empty without an instance. */
  view(): Readonly<S>;
  /** Append values to the state file (undefined ones are skipped); creates the instance when there is none. */
  append(values: Partial<S>): void;
}

/** zx's `$` bound to the block's shell: its cwd and exported environment at each call. */
export type BoundDollar = (pieces: TemplateStringsArray, ...args: unknown[]) => ProcessPromise;

export interface TsScope<S> {
  wf: Workflow<S>;
  $: BoundDollar;
}

/**
 * End the block with `status` (as bash's `exit`: the runner records it, an EXIT trap runs). A
 * declared function (not a scope member) so that `if (!x) exit(1)` narrows `x` afterwards.
 */
export function exit(status = 0): never {
  throw new ExitSignal(status & 255);
}

/** The scope of a ts block of `command` running on `sh` (zx is imported on first use of a scope). */
export async function tsScope<S>(sh: Shell, command: CommandModule<S>): Promise<TsScope<S>> {
  const zx = await import('zx/core');
  const $: BoundDollar = (pieces, ...args) =>
    zx.$({ cwd: sh.cwd, env: sh.exportedEnv(), quiet: true, verbose: false })(pieces, ...(args as never[]));
  return {
    wf: workflow(sh, command),
    $,
  };
}

/** An error about the instance state of a ts block (no instance, several candidates, a refused file). */
export class WorkflowStateError extends Error {}

function workflow<S>(sh: Shell, command: CommandModule<S>): Workflow<S> {
  const kinds = command.stateKinds ?? {};
  const locate = (): string | null => {
    const sf = v(sh, 'STATE_FILE');
    if (sf) return sf;
    const given = v(sh, 'CMDC_STATE_FILE');
    if (given && isFile(given)) return given;
    const dir = stateDirOf(sh);
    const wid = v(sh, 'WORKFLOW_ID') || v(sh, 'CMDC_WORKFLOW_ID');
    if (wid && isFile(`${dir}/workflow_${wid}.sh`)) return `${dir}/workflow_${wid}.sh`;
    const found = listCandidates({ dir, owner: resolveOwner(envOf(sh)).owner, prefix: command.name });
    if (found.length === 1) return `${dir}/workflow_${found[0]!.id}.sh`;
    if (found.length > 1) {
      throw new WorkflowStateError(`${found.length} running/paused "${command.name}" workflows belong to this owner; pass --workflow-id <id> (${found.map((c) => c.id).join(', ')})`);
    }
    return null;
  };
  /** Name the instance in the shell as sourcing it would, so the state library and later code agree. */
  const adopt = (file: string): void => {
    if (v(sh, 'STATE_FILE') !== file) sh.setVar('STATE_FILE', file);
    const id = idOf(file);
    if (v(sh, 'WORKFLOW_ID') !== id) sh.setVar('WORKFLOW_ID', id);
  };
  return {
    get id() {
      const f = locate();
      return f ? idOf(f) : '';
    },
    get file() {
      return locate() ?? '';
    },
    view(): Readonly<S> {
      const file = locate();
      if (!file) return {} as S;
      adopt(file);
      return readTypedState(loadState(file, { repair: false }), kinds) as S;
    },
    append(values: Partial<S>): void {
      const raw = writeTypedState(values as Record<string, unknown>, kinds);
      let file = locate();
      if (!file) {
        // a first block: a new instance, as init_workflow_state makes it (exported STATE_FILE, WORKFLOW_ID)
        const ws = createState(newWorkflowId(command.name), { dir: stateDirOf(sh), command: command.name, owner: resolveOwner(envOf(sh)).owner });
        file = ws.path;
        for (const [k, x] of [['STATE_FILE', ws.path], ['WORKFLOW_ID', ws.id]] as const) {
          sh.setVar(k, x);
          sh.vars.lookup(k)!.exported = true;
        }
      }
      adopt(file);
      const id = idOf(file);
      new WorkflowState({ id, path: file, dir: file.slice(0, file.lastIndexOf('/')) }).appendMany(raw);
    },
  };
}

function idOf(file: string): string {
  return file.slice(file.lastIndexOf('/workflow_') + '/workflow_'.length, -'.sh'.length);
}
