/**
 * Which fences are ts blocks. A ```` ```ts cmdc ```` (or `typescript cmdc`, any case, the word
 * `cmdc` anywhere after the language) fence is a step written in TypeScript that cmdc runs; a
 * plain ```` ```ts ```` fence stays what it always was in a command file: text the model reads
 * (an example, a snippet to edit). The marker is per fence rather than a frontmatter switch so
 * that an existing command with TypeScript examples never starts executing them, and a block
 * says at the place it is written that it is a step (`cmdc eject` writes the marker).
 */

const TS_LANGS = new Set(['ts', 'typescript']);

/** The info string `cmdc eject` writes. */
export const TS_STEP_INFO = 'ts cmdc';

/** Whether a fence info string marks a ts block (`ts cmdc`, `typescript cmdc`, `TS {cmdc}`...). */
export function isTsStepInfo(info: string): boolean {
  const words = info.trim().split(/[\s{},]+/).filter(Boolean);
  return words.length > 1 && TS_LANGS.has(words[0]!.toLowerCase()) && words.slice(1).some((w) => w.toLowerCase() === 'cmdc');
}

/** Whether a fence is a plain ```ts fence (no marker) whose code reads like a step: it uses `sh`, `wf` or `$` of a ts block. */
export function looksLikeTsStep(info: string, code: string): boolean {
  const first = (/^[^\s{]+/.exec(info.trim())?.[0] ?? '').toLowerCase();
  if (!TS_LANGS.has(first) || isTsStepInfo(info)) return false;
  return /\b(?:await\s+sh\.|wf\.(?:view|append)\s*\()|\$`/.test(code);
}
