/**
 * Imported first by every cmdc entry point (runtime/index.ts, the cmdc tool): from this module's
 * evaluation on, SIGUSR1 can no longer open Node's debugger listener (runtime/shell/os-signals.ts).
 * A deliberate side effect of importing it.
 */
import { guardDebuggerSignal } from './os-signals.js';

guardDebuggerSignal();
