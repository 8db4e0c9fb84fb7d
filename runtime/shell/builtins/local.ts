/** `local` with run-time arguments (static ones compile to `sh.decl("local", …)`). */
import type { Shell } from '../shell.js';
import { declareLike } from './declare.js';

export const local = (sh: Shell, args: string[]) => declareLike(sh, 'local', args);
