/**
 * An instance's state, typed by its command: `readState(command, id)` reads the state file of an
 * instance of a compiled command (read-only, by parsing) and returns its variables and arrays as
 * the command's generated `State` (the `S` of `CommandModule<S>`). This is what `State` in a
 * generated module types; a test kit reads a block's resulting state through it.
 */
import { dirname } from 'node:path';
import type { CommandModule } from '../command.js';
import type { StateDirOptions } from '../store/paths.js';
import { readRunRecord } from './instances.js';
import { loadState } from '../store/state.js';
import { readTypedState } from '../lang/state-types.js';

/** The instance's run record names another command. */
export class WrongCommandError extends Error {}

/**
 * The variables and arrays of instance `idOrPath` of `command`, typed by the command's State.
 * Values are typed by the command's `stateKinds` (runtime/lang/state-types.ts: an integer key
 * reads as a number, a value that is not one is a StateTypeError naming the key).
 * Throws the store's errors for a missing or unparseable file, and WrongCommandError when the
 * runner started the instance for another command (an instance without a run record, e.g. one
 * its blocks created themselves, is not checked).
 */
export function readState<S>(command: CommandModule<S>, idOrPath: string, opts: StateDirOptions = {}): S {
  const st = loadState(idOrPath, { ...opts, repair: false });
  const ran = recordCommand(dirname(st.path), st.id);
  if (ran !== undefined && ran !== command.name) {
    throw new WrongCommandError(`${st.id} is an instance of /${ran}, not of /${command.name} (${st.path})`);
  }
  return readTypedState(st, command.stateKinds) as S;
}

/** The `command` of a run record, or undefined when there is none (or it is unreadable). */
function recordCommand(dir: string, id: string): string | undefined {
  try {
    const data = readRunRecord(dir, id);
    if (data === undefined) return undefined;
    const c = (JSON.parse(data.toString('utf8')) as { command?: unknown }).command;
    return typeof c === 'string' ? c : undefined;
  } catch {
    return undefined;
  }
}
