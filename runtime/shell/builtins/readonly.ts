/** `readonly NAME[=value]…` with run-time arguments. */
import type { Shell } from '../shell.js';
import { declareLike } from './declare.js';

export const readonly = (sh: Shell, args: string[]) => declareLike(sh, 'readonly', args);
