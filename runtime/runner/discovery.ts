/**
 * The one racy primitive of the seed's design — `discover_latest_state_file PREFIX`, "the newest
 * state file of PREFIX" — answered by the runner, whatever the project's library defines (a
 * Shell override: it answers before any function of that name). Same contract as the seed's:
 * the path of a state file on stdout. But never another owner's file:
 *
 *   1. this run's instance, when its id has PREFIX: the one the runner runs (`--block N` found
 *      it by owner, or `--workflow-id` named it), else the one this block has just created
 *      (`$WORKFLOW_ID` names a state file written since the run started — what the runner will
 *      adopt after the block);
 *   2. else this owner's newest instance of PREFIX (any status: a command may look up another
 *      command's finished run, e.g. the latest plan), by the state-file headers the runner wrote
 *      when it adopted them;
 *   3. else nothing, status 1 (the seed's `find` printing nothing) — never the newest file of
 *      someone else.
 */
import { existsSync, statSync } from 'node:fs';
import type { Builtin } from '../shell/builtins/index.js';
import type { Shell } from '../shell/shell.js';
import { tryParseWorkflowId } from '../store/ids.js';
import { stateFilePath } from '../store/paths.js';
import { scanStateFiles } from '../store/discover.js';

export interface DiscoveryContext {
  /** The state directory. */
  dir: string;
  /** This run's owner (runtime/store/owner.ts). */
  owner: string;
  /** The instance the runner runs, once known. */
  instance: () => { id: string; file: string } | null;
  /** When the run started (ms): a state file this block created is not older. */
  startedAt: number;
}

function prefixOf(id: string): string | undefined {
  return tryParseWorkflowId(id)?.prefix;
}

/** This run's own state file for `prefix`, if any. */
function ownFile(sh: Shell, c: DiscoveryContext, prefix: string): string | null {
  const known = c.instance();
  if (known) return prefixOf(known.id) === prefix && existsSync(known.file) ? known.file : null;
  const id = sh.getVar('WORKFLOW_ID') ?? '';
  if (prefixOf(id) !== prefix) return null;
  const file = stateFilePath(c.dir, id);
  try {
    return statSync(file).mtimeMs >= c.startedAt - 1000 ? file : null;
  } catch {
    return null;
  }
}

/** The `discover_latest_state_file` builtin for one run. */
export function discoveryOverride(c: DiscoveryContext): Builtin {
  return (sh, args, name) => {
    const prefix = args[0] ?? '';
    const fn = sh.funcs.get(name);
    // no prefix: nothing to look up; the library's own function says what it says
    if (prefix === '') return fn ? sh.callFunction(name, fn, args) : 1;
    const own = ownFile(sh, c, prefix);
    if (own) {
      sh.out(`${own}\n`);
      return 0;
    }
    const mine = scanStateFiles(c.dir).find((s) => s.meta.owner === c.owner && prefixOf(s.id) === prefix);
    if (mine) {
      sh.out(`${mine.path}\n`);
      return 0;
    }
    return 1;
  };
}

/** The library functions the runner answers itself (see the file comment). */
export const OVERRIDDEN_FUNCTIONS = ['discover_latest_state_file'] as const;
