/** Word expansion (stub, being implemented). */
import type { Shell } from './shell.js';
import type { Word } from './words.js';
export async function expandFields(sh: Shell, words: readonly Word[]): Promise<string[]> { void sh; void words; return []; }
export async function expandString(sh: Shell, word: Word): Promise<string> { void sh; void word; return ''; }
export async function expandPattern(sh: Shell, word: Word): Promise<string> { void sh; void word; return ''; }
