/**
 * Registers the state library with the runtime's library registry (runtime/shell/shell.ts
 * registerLibrary): `source …/state-persistence.sh`, `…/error-handling.sh` and
 * `…/workflow-state-machine.sh` activate the in-process builtins of this directory (wherever
 * the command expects the library to be installed, and whether or not it is), and
 * `source …/workflow_<id>.sh` loads a cmdc state file by parsing it. Importing this module
 * (runtime/index.ts does) is what registers them.
 */
import { join } from 'node:path';
import { registerLibrary, type LibraryRegistry } from '../shell/shell.js';
import { ERROR_HANDLING_BUILTINS, ERROR_HANDLING_VARS, activateErrorHandling } from './error-handling.js';
import { PERSISTENCE_BUILTINS, PERSISTENCE_VARS, activatePersistence, sourceStateFile } from './persistence.js';
import { STATE_MACHINE_BUILTINS, STATE_MACHINE_VARS, activateStateMachine } from './state-machine.js';
import { LIB_DIR } from './util.js';

/** Register the state library in `registry` (default: the runtime's shared registry). */
export function registerStateLibrary(registry?: LibraryRegistry): void {
  const reg = registry ? registry.register.bind(registry) : registerLibrary;
  // state-persistence.sh sources error-handling.sh; so does workflow-state-machine.sh
  reg(/^state-persistence\.sh$/, { ...ERROR_HANDLING_BUILTINS, ...PERSISTENCE_BUILTINS }, {
    bash: join(LIB_DIR, 'state-persistence.sh'),
    vars: [...ERROR_HANDLING_VARS, ...PERSISTENCE_VARS],
    activate: activatePersistence,
  });
  reg(/^error-handling\.sh$/, ERROR_HANDLING_BUILTINS, {
    bash: join(LIB_DIR, 'error-handling.sh'),
    vars: ERROR_HANDLING_VARS,
    activate: activateErrorHandling,
  });
  reg(/^workflow-state-machine\.sh$/, { ...ERROR_HANDLING_BUILTINS, ...STATE_MACHINE_BUILTINS }, {
    bash: join(LIB_DIR, 'workflow-state-machine.sh'),
    vars: [...ERROR_HANDLING_VARS, ...STATE_MACHINE_VARS],
    activate: activateStateMachine,
  });
  reg(/^workflow_.+\.sh$/, {}, { onSource: (sh, file) => sourceStateFile(sh, file) });
}

registerStateLibrary();

export { ERROR_HANDLING_BUILTINS, PERSISTENCE_BUILTINS, STATE_MACHINE_BUILTINS };
